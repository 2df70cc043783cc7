#pragma once

#include "model/floatmatrix.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace activelabel {

// Every row's k nearest other rows, nearest first: what the pool map's t-SNE reads instead of the
// N x N distances (row i's neighbours are neighbours[i*k .. i*k+k), their squared Euclidean
// distances beside them). The nearest-neighbour index builds it for the pool; bruteForceKnn is
// the exact reference for tests and small pools.
struct KnnGraph
{
    std::size_t rows = 0;
    int k = 0;
    std::vector<std::int32_t> neighbours;
    std::vector<float> squaredDistances;

    const std::int32_t *neighboursOf(std::size_t row) const { return neighbours.data() + row * std::size_t(k); }
    const float *distancesOf(std::size_t row) const { return squaredDistances.data() + row * std::size_t(k); }
};

// Exact k nearest neighbours (self excluded) of every row, O(N^2 D), on `threads` threads.
KnnGraph bruteForceKnn(const FloatMatrix &points, int k, int threads = 1);

} // namespace activelabel
