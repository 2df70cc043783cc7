#pragma once

#include "model/floatmatrix.h"
#include "model/neighbourindex.h"

namespace activelabel {

// The kNN graph (KnnGraph: every row's k nearest other rows, nearest first, with their
// distances) is the nearest-neighbour index's (model/neighbourindex.h), which builds it for large
// pools with hnswlib; bruteForceKnn is the exact reference for tests and small pools, its
// distances squared Euclidean like the index's SquaredL2 metric (what t-SNE's affinities take).
//
// Exact k nearest neighbours (self excluded) of every row, O(N^2 D), on `threads` threads.
KnnGraph bruteForceKnn(const FloatMatrix &points, int k, int threads = 1);

} // namespace activelabel
