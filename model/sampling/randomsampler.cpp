#include "model/sampling/randomsampler.h"

#include "model/sampling/geometry.h"

#include <algorithm>

namespace activelabel {

std::vector<std::size_t> drawUniform(std::size_t n, std::size_t count, std::mt19937_64 &rng,
                                     const std::vector<std::uint8_t> &taken)
{
    std::vector<std::size_t> rows;
    rows.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (i >= taken.size() || !taken[i])
            rows.push_back(i);
    }
    count = std::min(count, rows.size());
    for (std::size_t i = 0; i < count; ++i)
        std::swap(rows[i], rows[i + uniformIndex(rng, rows.size() - i)]);
    rows.resize(count);
    return rows;
}

std::vector<double> RandomSampler::scores(const SamplingInput &input) const
{
    return std::vector<double>(input.rows(), 0.0);
}

std::vector<Pick> RandomSampler::select(const SamplingInput &input, std::size_t count,
                                        std::mt19937_64 &rng,
                                        const std::vector<std::uint8_t> &taken) const
{
    std::vector<Pick> picks;
    for (std::size_t row : drawUniform(input.rows(), count, rng, taken))
        picks.push_back({row, 0.0});
    return picks;
}

} // namespace activelabel
