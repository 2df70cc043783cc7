#pragma once

#include <optional>
#include <string>
#include <vector>

namespace activelabel {

// The query strategies ActiveLabel offers. The plain ones keep their textbook definitions (pure
// top-k) so that research comparisons mean something. Margin is the application default: it beat
// hybrid on the Fashion-MNIST protocol (AUBC 0.839 vs 0.834 over 3 seeds, docs/benchmarks.md).
enum class Strategy {
    Random,
    LeastConfidence,
    Margin,
    Entropy,
    Bald,
    Coreset,
    Badge,
    Hybrid,
};

// Exact, case-sensitive names as the CLI contract spells them: random, least-confidence, margin,
// entropy, bald, coreset, badge, hybrid. Anything else gives std::nullopt.
std::optional<Strategy> parseStrategy(const std::string &name);
std::string strategyName(Strategy strategy);
const std::vector<Strategy> &allStrategies();

// Parses "margin,entropy,random" (no spaces, no duplicates). On failure returns an empty vector
// and puts a one-line reason in `error`.
std::vector<Strategy> parseStrategyList(const std::string &list, std::string *error = nullptr);

constexpr Strategy kDefaultStrategy = Strategy::Margin;

} // namespace activelabel
