#pragma once

#include "model/sampling/sampler.h"

namespace activelabel {

// Uniform random sampling without replacement: the baseline every strategy is compared against.
// Its scores are all zero (it has no preference); the order of select() is the draw order.
class RandomSampler : public Sampler
{
public:
    Strategy strategy() const override { return Strategy::Random; }
    std::vector<double> scores(const SamplingInput &input) const override;
    std::vector<Pick> select(const SamplingInput &input, std::size_t count, std::mt19937_64 &rng,
                             const std::vector<std::uint8_t> &taken = {}) const override;
};

// `count` distinct rows of [0, n) drawn uniformly, skipping `taken`, in draw order (a partial
// Fisher-Yates shuffle with the platform-independent uniformIndex()).
std::vector<std::size_t> drawUniform(std::size_t n, std::size_t count, std::mt19937_64 &rng,
                                     const std::vector<std::uint8_t> &taken = {});

} // namespace activelabel
