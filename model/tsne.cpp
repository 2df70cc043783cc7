#include "model/tsne.h"

#include "model/detail/parallelloop.h"
#include "model/detail/quadtree.h"
#include "model/modelerror.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace activelabel {

namespace {

// Work handed to each thread at a time: big enough that std::function and the atomic counter
// cost nothing, small enough that two threads finish together.
constexpr std::int64_t kChunk = 512;

template <typename Body> void forChunks(std::size_t n, int threads, Body &&body)
{
    const std::int64_t chunks = (std::int64_t(n) + kChunk - 1) / kChunk;
    detail::parallelLoop(chunks, threads, [&](std::int64_t c) {
        body(std::size_t(c) * kChunk, std::min(n, std::size_t(c + 1) * kChunk), std::size_t(c));
    });
}

// Row i's conditional probabilities p_{j|i} over its k neighbours: Gaussian in the squared
// distance with the precision beta that makes the row's entropy log(perplexity) (bisection,
// as in scikit-learn's _binary_search_perplexity, distances shifted by the row's smallest,
// which changes nothing after normalisation and keeps exp() from underflowing).
void conditionalRow(const std::int64_t *neighbours, const float *d2, int k, double perplexity,
                    double *out)
{
    // Padding (index -1, distance +inf) takes no probability.
    while (k > 0 && neighbours[k - 1] < 0)
        out[--k] = 0;
    const double target = std::log(perplexity);
    const double shift = k > 0 ? d2[0] : 0;
    double beta = 1, lo = -std::numeric_limits<double>::infinity(),
           hi = std::numeric_limits<double>::infinity();
    for (int step = 0; step < 100; ++step) {
        double sum = 0, weighted = 0;
        for (int j = 0; j < k; ++j) {
            out[j] = std::exp(-beta * (double(d2[j]) - shift));
            sum += out[j];
            weighted += (double(d2[j]) - shift) * out[j];
        }
        sum = std::max(sum, 1e-300);
        const double entropy = std::log(sum) + beta * weighted / sum;
        for (int j = 0; j < k; ++j)
            out[j] /= sum;
        const double diff = entropy - target;
        if (std::abs(diff) < 1e-5)
            break;
        if (diff > 0) { // too flat: sharpen
            lo = beta;
            beta = std::isinf(hi) ? beta * 2 : (beta + hi) / 2;
        } else {
            hi = beta;
            beta = std::isinf(lo) ? beta / 2 : (beta + lo) / 2;
        }
    }
}

} // namespace

namespace tsne {

std::vector<double> conditionalAffinities(const KnnGraph &graph, double perplexity, int threads)
{
    const std::size_t k = graph.k;
    std::vector<double> conditional(graph.rows * k);
    forChunks(graph.rows, threads, [&](std::size_t begin, std::size_t end, std::size_t) {
        for (std::size_t i = begin; i < end; ++i)
            conditionalRow(graph.neighboursOf(i), graph.distancesOf(i), int(k), perplexity,
                           conditional.data() + i * k);
    });
    return conditional;
}

SparseAffinities affinities(const KnnGraph &graph, double perplexity, int threads)
{
    const std::size_t n = graph.rows, k = graph.k;
    const std::vector<double> conditional = conditionalAffinities(graph, perplexity, threads);

    // P = (P_cond + P_cond^T) / 2N: every entry (i, j) also lands in row j; duplicates merged.
    SparseAffinities p;
    p.rows = n;
    std::vector<std::size_t> counts(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t m = 0; m < k; ++m)
            if (graph.indices[i * k + m] >= 0) {
                ++counts[i];
                ++counts[std::size_t(graph.indices[i * k + m])];
            }
    std::vector<std::size_t> start(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i)
        start[i + 1] = start[i] + counts[i];
    std::vector<std::pair<std::int32_t, double>> entries(start[n]);
    std::vector<std::size_t> fill(start.begin(), start.end() - 1);
    const double scale = 1.0 / (2.0 * double(std::max<std::size_t>(n, 1)));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t m = 0; m < k; ++m) {
            if (graph.indices[i * k + m] < 0)
                continue;
            const std::size_t j = std::size_t(graph.indices[i * k + m]);
            const double v = conditional[i * k + m] * scale;
            entries[fill[i]++] = {std::int32_t(j), v};
            entries[fill[j]++] = {std::int32_t(i), v};
        }
    std::vector<std::size_t> merged(n, 0);
    forChunks(n, threads, [&](std::size_t begin, std::size_t end, std::size_t) {
        for (std::size_t i = begin; i < end; ++i) {
            auto first = entries.begin() + std::ptrdiff_t(start[i]),
                 last = entries.begin() + std::ptrdiff_t(start[i + 1]);
            std::sort(first, last, [](const auto &a, const auto &b) { return a.first < b.first; });
            auto out = first;
            for (auto it = first; it != last; ++it) {
                if (out != first && (out - 1)->first == it->first)
                    (out - 1)->second += it->second;
                else
                    *out++ = *it;
            }
            merged[i] = std::size_t(out - first);
        }
    });
    p.rowStart.assign(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i)
        p.rowStart[i + 1] = p.rowStart[i] + merged[i];
    p.columns.resize(p.rowStart[n]);
    p.values.resize(p.rowStart[n]);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t m = 0; m < merged[i]; ++m) {
            p.columns[p.rowStart[i] + m] = entries[start[i] + m].first;
            p.values[p.rowStart[i] + m] = entries[start[i] + m].second;
        }
    return p;
}

namespace {

// sum_j p_ij w_ij (y_i - y_j) for rows [begin, end), times `exaggeration`, into grad.
void attraction(const SparseAffinities &p, const FloatMatrix &y, double exaggeration,
                std::size_t begin, std::size_t end, std::vector<double> &grad)
{
    for (std::size_t i = begin; i < end; ++i) {
        double fx = 0, fy = 0;
        const double xi = y.at(i, 0), yi = y.at(i, 1);
        for (std::size_t e = p.rowStart[i]; e < p.rowStart[i + 1]; ++e) {
            const std::size_t j = std::size_t(p.columns[e]);
            const double dx = xi - y.at(j, 0), dy = yi - y.at(j, 1);
            const double w = p.values[e] / (1 + dx * dx + dy * dy);
            fx += w * dx;
            fy += w * dy;
        }
        grad[2 * i] = exaggeration * fx;
        grad[2 * i + 1] = exaggeration * fy;
    }
}

// The Barnes-Hut gradient into grad (2N doubles); the shared work of tsneEmbed and the test API.
void bhGradient(const SparseAffinities &p, const FloatMatrix &y, double theta, double exaggeration,
                int threads, detail::QuadTree &tree, std::vector<double> &grad,
                std::vector<double> &repulse)
{
    const std::size_t n = y.rows;
    tree.build(y);
    grad.resize(2 * n);
    repulse.resize(2 * n);
    const std::size_t chunks = (n + kChunk - 1) / kChunk;
    std::vector<double> partialZ(chunks, 0.0);
    const auto &order = tree.order();
    const double theta2 = theta * theta;
    forChunks(n, threads, [&](std::size_t begin, std::size_t end, std::size_t chunk) {
        attraction(p, y, exaggeration, begin, end, grad);
        double z = 0;
        // Repulsion in tree order: neighbouring points walk the same cells.
        for (std::size_t t = begin; t < end; ++t) {
            const std::int32_t i = order[t];
            double fx = 0, fy = 0;
            tree.repulsion(i, y.at(std::size_t(i), 0), y.at(std::size_t(i), 1), theta2, z, fx, fy);
            repulse[2 * std::size_t(i)] = fx;
            repulse[2 * std::size_t(i) + 1] = fy;
        }
        partialZ[chunk] = z;
    });
    const double z = std::max(std::accumulate(partialZ.begin(), partialZ.end(), 0.0), 1e-300);
    forChunks(n, threads, [&](std::size_t begin, std::size_t end, std::size_t) {
        for (std::size_t c = 2 * begin; c < 2 * end; ++c)
            grad[c] = 4 * (grad[c] - repulse[c] / z);
    });
}

FloatMatrix toMatrix(const std::vector<double> &grad)
{
    FloatMatrix m(grad.size() / 2, 2);
    for (std::size_t c = 0; c < grad.size(); ++c)
        m.data[c] = float(grad[c]);
    return m;
}

} // namespace

FloatMatrix barnesHutGradient(const SparseAffinities &p, const FloatMatrix &y, double theta,
                              double exaggeration, int threads)
{
    detail::QuadTree tree;
    std::vector<double> grad, repulse;
    bhGradient(p, y, theta, exaggeration, threads, tree, grad, repulse);
    return toMatrix(grad);
}

FloatMatrix exactGradient(const SparseAffinities &p, const FloatMatrix &y, double exaggeration)
{
    const std::size_t n = y.rows;
    std::vector<double> grad(2 * n, 0.0), repulse(2 * n, 0.0);
    attraction(p, y, exaggeration, 0, n, grad);
    double z = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            if (i == j)
                continue;
            const double dx = double(y.at(i, 0)) - y.at(j, 0), dy = double(y.at(i, 1)) - y.at(j, 1);
            const double w = 1 / (1 + dx * dx + dy * dy);
            z += w;
            repulse[2 * i] += w * w * dx;
            repulse[2 * i + 1] += w * w * dy;
        }
    for (std::size_t c = 0; c < 2 * n; ++c)
        grad[c] = 4 * (grad[c] - repulse[c] / z);
    return toMatrix(grad);
}

double klDivergence(const SparseAffinities &p, const FloatMatrix &y)
{
    const std::size_t n = y.rows;
    double z = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            if (i != j) {
                const double dx = double(y.at(i, 0)) - y.at(j, 0),
                             dy = double(y.at(i, 1)) - y.at(j, 1);
                z += 1 / (1 + dx * dx + dy * dy);
            }
    double kl = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t e = p.rowStart[i]; e < p.rowStart[i + 1]; ++e) {
            const std::size_t j = std::size_t(p.columns[e]);
            if (p.values[e] <= 0)
                continue;
            const double dx = double(y.at(i, 0)) - y.at(j, 0), dy = double(y.at(i, 1)) - y.at(j, 1);
            const double q = 1 / (1 + dx * dx + dy * dy) / z;
            kl += p.values[e] * std::log(p.values[e] / std::max(q, 1e-300));
        }
    return kl;
}

} // namespace tsne

FloatMatrix tsneEmbed(const KnnGraph &graph, const TsneOptions &options,
                      const TsneProgress &progress, const std::atomic<bool> *cancel,
                      const FloatMatrix *initial)
{
    const std::size_t n = graph.rows;
    FloatMatrix y(n, 2);
    if (n == 0)
        return y;
    if (initial && initial->rows == n && initial->cols == 2) {
        y = *initial;
    } else {
        std::mt19937_64 rng(options.seed);
        std::normal_distribution<float> normal(0.0f, 1e-4f);
        for (float &v : y.data)
            v = normal(rng);
    }
    if (n < 2)
        return y;
    const SparseAffinities p = tsne::affinities(graph, options.perplexity, options.threads);
    const double rate = options.learningRate > 0
                            ? options.learningRate
                            : std::max(double(n) / options.exaggeration / 4, 50.0);
    std::vector<double> update(2 * n, 0.0), gains(2 * n, 1.0), grad, repulse;
    detail::QuadTree tree;
    for (int it = 0; it < options.iterations; ++it) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            throw Cancelled();
        const bool exploring = it < options.exaggerationIterations;
        tsne::bhGradient(p, y, options.theta, exploring ? options.exaggeration : 1, options.threads,
                         tree, grad, repulse);
        const double momentum = exploring ? 0.5 : 0.8;
        double meanX = 0, meanY = 0;
        for (std::size_t c = 0; c < 2 * n; ++c) {
            // Gains grow where the gradient keeps its direction against the last step.
            gains[c] = (grad[c] * update[c] < 0) ? gains[c] + 0.2 : std::max(gains[c] * 0.8, 0.01);
            update[c] = momentum * update[c] - rate * gains[c] * grad[c];
            y.data[c] = float(y.data[c] + update[c]);
            (c % 2 ? meanY : meanX) += y.data[c];
        }
        meanX /= double(n);
        meanY /= double(n);
        for (std::size_t i = 0; i < n; ++i) {
            y.data[2 * i] = float(y.data[2 * i] - meanX);
            y.data[2 * i + 1] = float(y.data[2 * i + 1] - meanY);
        }
        if (progress && ((it + 1) % 10 == 0 || it + 1 == options.iterations))
            progress(it + 1, options.iterations);
    }
    return y;
}

} // namespace activelabel
