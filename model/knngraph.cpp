#include "model/knngraph.h"

#include "model/detail/parallelloop.h"

#include <algorithm>
#include <utility>

namespace activelabel {

KnnGraph bruteForceKnn(const FloatMatrix &points, int k, int threads)
{
    KnnGraph graph;
    const std::size_t n = points.rows, d = points.cols;
    graph.rows = n;
    graph.k = std::min<std::size_t>(std::size_t(std::max(k, 0)), n > 0 ? n - 1 : 0);
    const std::size_t kk = graph.k;
    graph.indices.resize(n * kk);
    graph.distances.resize(n * kk);
    if (kk == 0)
        return graph;
    constexpr std::int64_t kRowsPerTask = 64;
    detail::parallelLoop(
        (std::int64_t(n) + kRowsPerTask - 1) / kRowsPerTask, threads, [&](std::int64_t task) {
            std::vector<std::pair<float, std::int32_t>> all(n);
            const std::size_t end = std::min(n, std::size_t(task + 1) * kRowsPerTask);
            for (std::size_t i = std::size_t(task) * kRowsPerTask; i < end; ++i) {
                const float *a = points.row(i);
                for (std::size_t j = 0; j < n; ++j) {
                    const float *b = points.row(j);
                    float s = 0;
                    for (std::size_t c = 0; c < d; ++c) {
                        const float diff = a[c] - b[c];
                        s += diff * diff;
                    }
                    all[j] = {j == i ? -1.0f : s, std::int32_t(j)};
                }
                // Self sorts first (distance -1) and is skipped.
                std::partial_sort(all.begin(), all.begin() + std::ptrdiff_t(kk + 1), all.end());
                for (std::size_t m = 0; m < kk; ++m) {
                    graph.indices[i * kk + m] = all[m + 1].second;
                    graph.distances[i * kk + m] = all[m + 1].first;
                }
            }
        });
    return graph;
}

} // namespace activelabel
