#include "model/neighbourindex.h"

#include "model/detail/parallelloop.h"
#include "model/modelerror.h"

// hnswlib 0.6 defines non-inline functions in its headers: this must stay the one translation
// unit that includes it. Its SSE path prefetches the entry one past the end of a link list while
// it walks the graph: a read that is harmless on real hardware but outside an upper level's
// allocation, which AddressSanitizer stops on. Sanitizer builds use its plain loops instead (same
// results).
#if defined(__SANITIZE_ADDRESS__) && !defined(NO_MANUAL_VECTORIZATION)
#define NO_MANUAL_VECTORIZATION
#endif
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <new>
#include <queue>
#include <stdexcept>
#include <thread>

namespace activelabel {

namespace {

// Rows per block between two progress reports / cancel checks, per thread.
constexpr std::size_t kRowsPerThreadBlock = 512;

int threadCount(int requested)
{
    if (requested > 0)
        return requested;
    return std::max(1, int(std::thread::hardware_concurrency()));
}

void normalise(float *v, std::size_t d)
{
    double norm = 0.0;
    for (std::size_t i = 0; i < d; ++i)
        norm += double(v[i]) * double(v[i]);
    if (norm <= 0.0)
        return;
    const float scale = float(1.0 / std::sqrt(norm));
    for (std::size_t i = 0; i < d; ++i)
        v[i] *= scale;
}

float distanceOf(const float *a, const float *b, std::size_t d, NeighbourMetric metric)
{
    double acc = 0.0;
    if (metric == NeighbourMetric::SquaredL2) {
        for (std::size_t i = 0; i < d; ++i) {
            const double diff = double(a[i]) - double(b[i]);
            acc += diff * diff;
        }
        return float(acc);
    }
    for (std::size_t i = 0; i < d; ++i)
        acc += double(a[i]) * double(b[i]);
    return float(1.0 - acc);
}

// Runs body(i) over [0, count) in blocks, on `threads` threads inside a block, reporting progress
// and checking cancel on the calling thread between blocks.
void blockwise(std::size_t count, const NeighbourIndexOptions &options, int threads,
               const std::function<void(std::size_t)> &body)
{
    const std::size_t block = kRowsPerThreadBlock * std::size_t(threads);
    std::mutex errorMutex;
    std::exception_ptr error;
    for (std::size_t first = 0; first < count; first += block) {
        if (options.cancel && options.cancel->load())
            throw Cancelled();
        const std::size_t last = std::min(count, first + block);
        // parallelLoop's body must not throw: the first error is kept and rethrown here.
        detail::parallelLoop(std::int64_t(last - first), threads, [&](std::int64_t i) {
            try {
                body(first + std::size_t(i));
            } catch (...) {
                const std::lock_guard<std::mutex> lock(errorMutex);
                if (!error)
                    error = std::current_exception();
            }
        });
        if (error)
            std::rethrow_exception(error);
        if (options.progress)
            options.progress(last, count);
    }
}

} // namespace

struct NeighbourIndex::Impl
{
    NeighbourMetric metric = NeighbourMetric::Cosine;
    std::size_t rows = 0;
    std::size_t dim = 0;
    std::unique_ptr<hnswlib::SpaceInterface<float>> space;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> hnsw;
    std::vector<hnswlib::tableint> internalOfRow; // hnswlib's internal id of each row

    std::vector<Neighbour> search(const float *prepared, std::size_t k) const
    {
        std::vector<Neighbour> out;
        if (!hnsw || k == 0)
            return out;
        auto found = hnsw->searchKnn(prepared, std::min(k, rows));
        out.resize(found.size());
        // The queue pops the farthest first.
        for (std::size_t i = found.size(); i-- > 0;) {
            out[i] = Neighbour{std::size_t(found.top().second), found.top().first};
            found.pop();
        }
        return out;
    }
};

NeighbourIndex::NeighbourIndex(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
NeighbourIndex::~NeighbourIndex() = default;

std::unique_ptr<NeighbourIndex> NeighbourIndex::build(const FloatMatrix &embeddings,
                                                      const NeighbourIndexOptions &options)
{
    auto impl = std::make_unique<Impl>();
    impl->metric = options.metric;
    impl->rows = embeddings.rows;
    impl->dim = embeddings.cols;
    if (embeddings.rows == 0 || embeddings.cols == 0) {
        if (options.progress)
            options.progress(0, 0);
        return std::unique_ptr<NeighbourIndex>(new NeighbourIndex(std::move(impl)));
    }
    if (embeddings.rows > std::numeric_limits<hnswlib::tableint>::max())
        throw ModelError(QStringLiteral("Too many embeddings for one nearest-neighbour index (%1)")
                             .arg(embeddings.rows));

    try {
        if (options.metric == NeighbourMetric::Cosine)
            impl->space = std::make_unique<hnswlib::InnerProductSpace>(embeddings.cols);
        else
            impl->space = std::make_unique<hnswlib::L2Space>(embeddings.cols);
        impl->hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(
            impl->space.get(), embeddings.rows, std::size_t(std::max(2, options.m)),
            std::size_t(std::max(1, options.efConstruction)), std::size_t(options.seed));
        impl->hnsw->setEf(std::size_t(std::max(1, options.efSearch)));

        const std::size_t d = embeddings.cols;
        auto add = [&](std::size_t row) {
            if (options.metric == NeighbourMetric::Cosine) {
                std::vector<float> v(embeddings.row(row), embeddings.row(row) + d);
                normalise(v.data(), d);
                impl->hnsw->addPoint(v.data(), hnswlib::labeltype(row));
            } else {
                impl->hnsw->addPoint(embeddings.row(row), hnswlib::labeltype(row));
            }
        };
        // One point at a time: hnswlib 0.6's addPoint draws each point's level from one shared
        // generator outside any lock and reads its entry point outside its lock (data races that
        // ThreadSanitizer reports when its Python binding's parallel insert is copied). Queries
        // are read-only and run in parallel (the kNN graph).
        blockwise(embeddings.rows, options, 1, add);
    } catch (const std::bad_alloc &) {
        throw ModelError(
            QStringLiteral("Not enough memory for a nearest-neighbour index of %1 x %2")
                .arg(embeddings.rows)
                .arg(embeddings.cols));
    } catch (const std::runtime_error &error) {
        if (dynamic_cast<const Cancelled *>(&error) || dynamic_cast<const ModelError *>(&error))
            throw;
        throw ModelError(QStringLiteral("Nearest-neighbour index: %1")
                             .arg(QString::fromStdString(error.what())));
    }

    impl->internalOfRow.resize(embeddings.rows);
    for (hnswlib::tableint id = 0; id < impl->hnsw->cur_element_count; ++id)
        impl->internalOfRow[impl->hnsw->getExternalLabel(id)] = id;
    return std::unique_ptr<NeighbourIndex>(new NeighbourIndex(std::move(impl)));
}

std::size_t NeighbourIndex::size() const
{
    return m_impl->rows;
}
std::size_t NeighbourIndex::dimension() const
{
    return m_impl->dim;
}
NeighbourMetric NeighbourIndex::metric() const
{
    return m_impl->metric;
}

std::vector<Neighbour> NeighbourIndex::query(const float *vector, std::size_t k) const
{
    if (!m_impl->hnsw)
        return {};
    if (m_impl->metric == NeighbourMetric::Cosine) {
        std::vector<float> v(vector, vector + m_impl->dim);
        normalise(v.data(), m_impl->dim);
        return m_impl->search(v.data(), k);
    }
    return m_impl->search(vector, k);
}

std::vector<Neighbour> NeighbourIndex::queryRow(std::size_t row, std::size_t k) const
{
    if (row >= m_impl->rows)
        throw std::out_of_range("NeighbourIndex::queryRow: row out of range");
    // The stored vector is already normalised (cosine): search with it as it is.
    const auto *stored = reinterpret_cast<const float *>(
        m_impl->hnsw->getDataByInternalId(m_impl->internalOfRow[row]));
    std::vector<Neighbour> found = m_impl->search(stored, k + 1);
    const auto self =
        std::find_if(found.begin(), found.end(), [&](const Neighbour &n) { return n.row == row; });
    if (self != found.end())
        found.erase(self);
    else if (found.size() > k)
        found.pop_back(); // among exact duplicates the row itself may not be returned
    return found;
}

KnnGraph NeighbourIndex::knnGraph(std::size_t k, const NeighbourIndexOptions &options) const
{
    KnnGraph graph;
    graph.rows = m_impl->rows;
    graph.k = k;
    graph.indices.assign(graph.rows * k, -1);
    graph.distances.assign(graph.rows * k, std::numeric_limits<float>::infinity());
    if (k == 0 || graph.rows == 0) {
        if (options.progress)
            options.progress(0, 0);
        return graph;
    }
    blockwise(graph.rows, options, threadCount(options.threads), [&](std::size_t row) {
        const std::vector<Neighbour> found = queryRow(row, k);
        for (std::size_t j = 0; j < found.size(); ++j) {
            graph.indices[row * k + j] = std::int64_t(found[j].row);
            graph.distances[row * k + j] = found[j].distance;
        }
    });
    return graph;
}

std::vector<Neighbour> bruteForceNeighbours(const FloatMatrix &points, const float *vector,
                                            std::size_t k, NeighbourMetric metric,
                                            std::size_t exclude)
{
    const std::size_t d = points.cols;
    std::vector<float> query(vector, vector + d);
    if (metric == NeighbourMetric::Cosine)
        normalise(query.data(), d);
    std::vector<float> row(d);
    // A max-heap of the k best so far (largest distance on top).
    auto farther = [](const Neighbour &a, const Neighbour &b) { return a.distance < b.distance; };
    std::priority_queue<Neighbour, std::vector<Neighbour>, decltype(farther)> best(farther);
    for (std::size_t r = 0; r < points.rows; ++r) {
        if (r == exclude)
            continue;
        const float *p = points.row(r);
        if (metric == NeighbourMetric::Cosine) {
            std::copy(p, p + d, row.begin());
            normalise(row.data(), d);
            p = row.data();
        }
        const float dist = distanceOf(query.data(), p, d, metric);
        if (best.size() < k) {
            best.push(Neighbour{r, dist});
        } else if (k > 0 && dist < best.top().distance) {
            best.pop();
            best.push(Neighbour{r, dist});
        }
    }
    std::vector<Neighbour> out(best.size());
    for (std::size_t i = out.size(); i-- > 0;) {
        out[i] = best.top();
        best.pop();
    }
    return out;
}

} // namespace activelabel
