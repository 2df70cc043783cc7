#pragma once

#include "model/sampling/sampler.h"

namespace activelabel {

// Core-set (Sener & Savarese 2018): k-center greedy on penultimate embeddings with the labelled
// set as the initial centres, so each pick is the candidate farthest from everything labelled or
// picked so far. Scores: Euclidean distance to the nearest labelled embedding.
class CoresetSampler : public Sampler
{
public:
    Strategy strategy() const override { return Strategy::Coreset; }
    std::vector<double> scores(const SamplingInput &input) const override;
    std::vector<Pick> select(const SamplingInput &input, std::size_t count, std::mt19937_64 &rng,
                             const std::vector<std::uint8_t> &taken = {}) const override;
};

} // namespace activelabel
