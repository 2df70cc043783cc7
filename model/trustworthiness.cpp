#include "model/tsne.h"

#include "model/detail/parallelloop.h"

#include <algorithm>
#include <numeric>

namespace activelabel {

namespace {

void squaredDistances(const FloatMatrix &m, std::size_t from, std::vector<float> &out)
{
    const float *a = m.row(from);
    for (std::size_t j = 0; j < m.rows; ++j) {
        const float *b = m.row(j);
        float s = 0;
        for (std::size_t c = 0; c < m.cols; ++c) {
            const float d = a[c] - b[c];
            s += d * d;
        }
        out[j] = s;
    }
}

// The k nearest rows to `from` (itself excluded) by `dist`.
std::vector<std::size_t> nearest(const std::vector<float> &dist, std::size_t from, int k)
{
    std::vector<std::size_t> idx(dist.size());
    std::iota(idx.begin(), idx.end(), 0);
    idx.erase(idx.begin() + std::ptrdiff_t(from));
    const auto kk = std::ptrdiff_t(std::min<std::size_t>(std::size_t(k), idx.size()));
    std::partial_sort(idx.begin(), idx.begin() + kk, idx.end(), [&](std::size_t a, std::size_t b) {
        return dist[a] < dist[b] || (dist[a] == dist[b] && a < b);
    });
    idx.resize(std::size_t(kk));
    return idx;
}

} // namespace

// sklearn.manifold.trustworthiness: 1 - 2 / (n k (2n - 3k - 1)) sum_i sum_{j in U_i} (r(i,j) - k),
// U_i the map's k nearest of i that are not among its k nearest originally, r(i,j) the rank of j
// among i's original neighbours (1 = nearest). Over a sample, the sum's n becomes the sample size.
double trustworthiness(const FloatMatrix &original, const FloatMatrix &map, int k,
                       const std::vector<std::size_t> &sampleRows, int threads)
{
    const std::size_t n = original.rows;
    if (n < 2 || map.rows != n || k <= 0)
        return 1;
    std::vector<std::size_t> rows = sampleRows;
    if (rows.empty()) {
        rows.resize(n);
        std::iota(rows.begin(), rows.end(), 0);
    }
    std::vector<double> penalty(rows.size(), 0.0);
    detail::parallelLoop(std::int64_t(rows.size()), threads, [&](std::int64_t s) {
        const std::size_t i = rows[std::size_t(s)];
        std::vector<float> high(n), low(n);
        squaredDistances(original, i, high);
        squaredDistances(map, i, low);
        const std::vector<std::size_t> before = nearest(high, i, k), after = nearest(low, i, k);
        double sum = 0;
        for (std::size_t j : after) {
            if (std::find(before.begin(), before.end(), j) != before.end())
                continue;
            // Its rank among i's original neighbours: how many others are nearer, plus one.
            std::size_t rank = 1;
            for (std::size_t m = 0; m < n; ++m)
                if (m != i && m != j && (high[m] < high[j] || (high[m] == high[j] && m < j)))
                    ++rank;
            sum += double(rank) - k;
        }
        penalty[std::size_t(s)] = sum;
    });
    const double total = std::accumulate(penalty.begin(), penalty.end(), 0.0);
    const double nn = double(n), kk = double(k);
    return 1 - 2.0 / (double(rows.size()) * kk * (2 * nn - 3 * kk - 1)) * total;
}

} // namespace activelabel
