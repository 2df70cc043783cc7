#pragma once

#include "model/sampling/sampler.h"

namespace activelabel {

// Cold start, for when there is no model yet or fewer labels than classes: k-means (k = batch
// size) on feature vectors (backbone embeddings or downsampled pixels, in SamplingInput::
// embeddings), and from each cluster the member nearest its centroid, biggest clusters first. A
// first batch then covers the data's modes instead of whatever plain random happens to draw, and
// small modes are not missed. Scores: 1 / (1 + squared distance to the nearest of 20 centroids),
// a representativeness in (0, 1]. Its strategy() is reported as Random (it is model-free).
class ColdStartSampler : public Sampler
{
public:
    explicit ColdStartSampler(int iterations = 15, int restarts = 2);

    Strategy strategy() const override { return Strategy::Random; }
    std::vector<double> scores(const SamplingInput &input) const override;
    std::vector<Pick> select(const SamplingInput &input, std::size_t count, std::mt19937_64 &rng,
                             const std::vector<std::uint8_t> &taken = {}) const override;

private:
    int m_iterations;
    int m_restarts;
};

} // namespace activelabel
