#pragma once

#include "model/floatmatrix.h"
#include "model/sampling/sampler.h"

#include <vector>

namespace activelabel {

// Per-row uncertainty measures (higher = more uncertain), on softmax outputs.
std::vector<double> leastConfidenceScores(const FloatMatrix &probabilities); // 1 - max p
std::vector<double> marginScores(const FloatMatrix &probabilities);          // 1 - (p1 - p2)
std::vector<double> entropyScores(const FloatMatrix &probabilities);         // -sum p ln p
// BALD (Houlsby et al. 2011; Gal et al. 2017): mutual information between the prediction and
// the weights, H(mean_t p_t) - mean_t H(p_t), from T MC-dropout passes; 0 for a deterministic
// model.
std::vector<double> baldScores(const std::vector<FloatMatrix> &mcProbabilities);

// The textbook uncertainty strategies: least-confidence, margin, entropy and bald, each a pure
// top-k of its score, so that research comparisons mean what the literature means.
class UncertaintySampler : public Sampler
{
public:
    explicit UncertaintySampler(Strategy strategy);

    Strategy strategy() const override { return m_strategy; }
    std::vector<double> scores(const SamplingInput &input) const override;
    std::vector<Pick> select(const SamplingInput &input, std::size_t count, std::mt19937_64 &rng,
                             const std::vector<std::uint8_t> &taken = {}) const override;

private:
    Strategy m_strategy;
};

} // namespace activelabel
