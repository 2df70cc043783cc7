#include "model/sampling/coldstartsampler.h"

#include "model/sampling/geometry.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace activelabel {

namespace {

void requireFeatures(const SamplingInput &input)
{
    if (input.embeddings.rows != input.rows() || input.embeddings.cols == 0)
        throw std::invalid_argument("cold start needs feature vectors (embeddings or downsampled "
                                    "pixels) for every candidate");
}

} // namespace

ColdStartSampler::ColdStartSampler(int iterations, int restarts)
    : m_iterations(iterations), m_restarts(restarts)
{
}

std::vector<double> ColdStartSampler::scores(const SamplingInput &input) const
{
    requireFeatures(input);
    std::mt19937_64 rng(0x5eed); // scores() takes no rng: a fixed seed keeps it reproducible
    const auto result = kMeans(input.embeddings, 20, rng, m_iterations, 1);
    std::vector<double> out(input.rows());
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = 1.0 / (1.0 + result.distances[i]);
    return out;
}

std::vector<Pick> ColdStartSampler::select(const SamplingInput &input, std::size_t count,
                                           std::mt19937_64 &rng,
                                           const std::vector<std::uint8_t> &taken) const
{
    requireFeatures(input);
    const std::size_t n = input.rows();
    std::vector<std::size_t> rows; // eligible rows, in order
    for (std::size_t i = 0; i < n; ++i) {
        if (i >= taken.size() || !taken[i])
            rows.push_back(i);
    }
    count = std::min(count, rows.size());
    if (count == 0)
        return {};
    const std::size_t d = input.embeddings.cols;
    FloatMatrix features(rows.size(), d);
    for (std::size_t r = 0; r < rows.size(); ++r)
        std::copy(input.embeddings.row(rows[r]), input.embeddings.row(rows[r]) + d,
                  features.row(r));

    const auto clusters = kMeans(features, count, rng, m_iterations, m_restarts);
    const std::size_t k = clusters.centroids.rows;
    std::vector<std::size_t> size(k, 0);
    std::vector<std::size_t> representative(k, rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const std::size_t c = clusters.assignment[r];
        ++size[c];
        if (representative[c] == rows.size() ||
            clusters.distances[r] < clusters.distances[representative[c]])
            representative[c] = r;
    }
    std::vector<std::size_t> order(k);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return size[a] > size[b]; });
    std::vector<Pick> picks;
    std::vector<std::uint8_t> chosen(n, 0);
    for (std::size_t i = 0; i < n && i < taken.size(); ++i)
        chosen[i] = taken[i];
    for (std::size_t c : order) {
        if (size[c] == 0)
            continue;
        const std::size_t row = rows[representative[c]];
        picks.push_back({row, static_cast<double>(size[c]) / static_cast<double>(rows.size())});
        chosen[row] = 1;
    }
    // Duplicate feature vectors can leave clusters empty: fill up with the farthest rows.
    if (picks.size() < count) {
        auto more = kCenterGreedy(input.embeddings, FloatMatrix(), count - picks.size(), 0, chosen);
        for (auto &pick : more)
            picks.push_back({pick.row, 0.0});
    }
    return picks;
}

} // namespace activelabel
