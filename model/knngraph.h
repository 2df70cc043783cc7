#pragma once

#include "model/floatmatrix.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace activelabel {

// Every row's k nearest other rows, nearest first: what the pool map's t-SNE reads instead of the
// N x N distances (rows x k, row-major; squared Euclidean distances beside them). The same shape
// as the nearest-neighbour index's kNN graph, which builds it for large pools; bruteForceKnn is
// the exact reference for tests and small pools. A row with fewer than k neighbours is padded
// with index -1 and distance +inf.
struct KnnGraph
{
    std::size_t rows = 0;
    std::size_t k = 0;
    std::vector<std::int64_t> indices;
    std::vector<float> distances;

    const std::int64_t *neighboursOf(std::size_t row) const { return indices.data() + row * k; }
    const float *distancesOf(std::size_t row) const { return distances.data() + row * k; }
};

// Exact k nearest neighbours (self excluded) of every row, O(N^2 D), on `threads` threads.
KnnGraph bruteForceKnn(const FloatMatrix &points, int k, int threads = 1);

} // namespace activelabel
