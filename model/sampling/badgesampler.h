#pragma once

#include "model/sampling/sampler.h"

namespace activelabel {

// BADGE (Ash et al. 2020): gradient embeddings of the last layer, g = (p - onehot(argmax p)) x h
// for the penultimate embedding h, then k-means++ seeding on them: the first pick has the largest
// gradient norm, each next one is drawn with probability proportional to its squared distance to
// the nearest pick. Large gradients = uncertain; D^2 sampling = diverse. The C x D vectors are
// never materialised: <a x h, b x k> = (a.b)(h.k). Scores: the gradient-embedding norm.
class BadgeSampler : public Sampler
{
public:
    Strategy strategy() const override { return Strategy::Badge; }
    std::vector<double> scores(const SamplingInput &input) const override;
    std::vector<Pick> select(const SamplingInput &input, std::size_t count, std::mt19937_64 &rng,
                             const std::vector<std::uint8_t> &taken = {}) const override;
};

} // namespace activelabel
