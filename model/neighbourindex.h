#pragma once

#include "model/floatmatrix.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace activelabel {

// How two embeddings are compared.
//  - Cosine: distance = 1 - cos(a, b), in [0, 2]; rows are L2-normalised when the index is built
//    and queries when they are asked (a zero row stays zero: at distance 1 from everything).
//    What "look-alike" means for penultimate features, whose scale varies between models.
//  - SquaredL2: distance = |a - b|^2 (squared: what t-SNE's affinities take directly).
enum class NeighbourMetric { Cosine, SquaredL2 };

struct NeighbourIndexOptions
{
    NeighbourMetric metric = NeighbourMetric::Cosine;
    // HNSW graph degree and build beam: hnswlib's M and ef_construction (its README's defaults).
    int m = 16;
    int efConstruction = 200;
    // Search beam (hnswlib's ef): recall against query time. A query for k > efSearch uses k.
    int efSearch = 64;
    int threads = 0; // kNN-graph threads (the build inserts on one); 0: std::thread::hardware_concurrency()
    std::uint64_t seed = 100;
    // Called on the calling thread after each block of rows with the rows done and the total.
    std::function<void(std::size_t done, std::size_t total)> progress;
    // Checked between blocks of rows; when set, the call throws Cancelled (modelerror.h).
    const std::atomic<bool> *cancel = nullptr;
};

struct Neighbour
{
    std::size_t row = 0;   // row of the matrix the index was built from
    float distance = 0.0f; // in the index's metric
};

// Every row's k nearest other rows, nearest first: rows x k, row-major. A row with fewer than k
// neighbours (an index of k rows or fewer) is padded with index -1 and distance +inf.
struct KnnGraph
{
    std::size_t rows = 0;
    std::size_t k = 0;
    std::vector<std::int64_t> indices;
    std::vector<float> distances;

    const std::int64_t *neighboursOf(std::size_t row) const { return indices.data() + row * k; }
    const float *distancesOf(std::size_t row) const { return distances.data() + row * k; }
};

// An approximate nearest-neighbour index (HNSW, Debian's hnswlib) over the rows of an N x D
// embedding matrix: "find similar" on a pool of hundreds of thousands of images in milliseconds,
// and the kNN graph the pool map's t-SNE starts from. Immutable once built, so any number of
// threads may query one index at once; a newer model's embeddings get a new index (built off the
// GUI thread and swapped in whole).
//
// Built with the index's own copy of the vectors (hnswlib stores them in its graph): the matrix
// may be dropped after build(). Throws ModelError when memory runs out, Cancelled when cancelled.
class NeighbourIndex
{
public:
    struct Impl;

    static std::unique_ptr<NeighbourIndex> build(const FloatMatrix &embeddings,
                                                 const NeighbourIndexOptions &options = {});
    ~NeighbourIndex();
    NeighbourIndex(const NeighbourIndex &) = delete;
    NeighbourIndex &operator=(const NeighbourIndex &) = delete;

    std::size_t size() const;      // rows
    std::size_t dimension() const; // columns
    NeighbourMetric metric() const;

    // The k nearest rows to `vector` (dimension() floats), nearest first; fewer when the index
    // has fewer rows.
    std::vector<Neighbour> query(const float *vector, std::size_t k) const;
    // The k nearest rows to row `row` itself, nearest first, the row excluded. Throws
    // std::out_of_range for a row not in the index.
    std::vector<Neighbour> queryRow(std::size_t row, std::size_t k) const;

    // queryRow(r, k) for every row, on options.threads threads, with its progress and cancel
    // (the build's other fields are ignored).
    KnnGraph knnGraph(std::size_t k, const NeighbourIndexOptions &options = {}) const;

private:
    explicit NeighbourIndex(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// The exact k nearest rows of `points` to `vector` by brute force (the reference the index is
// checked and benchmarked against), nearest first, in `metric`. `exclude`: a row to leave out
// (e.g. the query's own), or SIZE_MAX.
std::vector<Neighbour> bruteForceNeighbours(const FloatMatrix &points, const float *vector,
                                            std::size_t k, NeighbourMetric metric,
                                            std::size_t exclude = SIZE_MAX);

} // namespace activelabel
