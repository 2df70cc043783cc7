#include "model/sampling/coresetsampler.h"

#include "model/sampling/geometry.h"

#include <cmath>
#include <stdexcept>

namespace activelabel {

namespace {

void requireEmbeddings(const SamplingInput &input)
{
    if (input.embeddings.rows != input.rows() || input.embeddings.cols == 0)
        throw std::invalid_argument("coreset needs penultimate embeddings for every candidate");
}

} // namespace

std::vector<double> CoresetSampler::scores(const SamplingInput &input) const
{
    requireEmbeddings(input);
    if (input.labelledEmbeddings.empty())
        return std::vector<double>(input.rows(), 0.0);
    const auto d = nearestCentreDistances(input.embeddings, input.labelledEmbeddings);
    std::vector<double> out(d.size());
    for (std::size_t i = 0; i < d.size(); ++i)
        out[i] = std::sqrt(static_cast<double>(d[i]));
    return out;
}

std::vector<Pick> CoresetSampler::select(const SamplingInput &input, std::size_t count,
                                         std::mt19937_64 &rng,
                                         const std::vector<std::uint8_t> &taken) const
{
    requireEmbeddings(input);
    if (input.rows() == 0)
        return {};
    // Without labelled centres the first pick is arbitrary: a seeded random row.
    const std::size_t first = uniformIndex(rng, input.rows());
    return kCenterGreedy(input.embeddings, input.labelledEmbeddings, count, first, taken);
}

} // namespace activelabel
