#pragma once

#include "model/sampling/sampler.h"

namespace activelabel {

// The application default: the top M = factor x batch candidates by margin uncertainty, then
// k-center greedy among them (first pick: the most uncertain), so a batch is uncertain but holds
// no near-duplicates (a plain top-k tends to ask the same confusing image ten times over). Works on
// embeddings; without them, on the probability vectors. Scores: margin uncertainty.
class HybridSampler : public Sampler
{
public:
    explicit HybridSampler(std::size_t prefilterFactor = 5);

    Strategy strategy() const override { return Strategy::Hybrid; }
    std::vector<double> scores(const SamplingInput &input) const override;
    std::vector<Pick> select(const SamplingInput &input, std::size_t count, std::mt19937_64 &rng,
                             const std::vector<std::uint8_t> &taken = {}) const override;

private:
    std::size_t m_prefilterFactor;
};

} // namespace activelabel
