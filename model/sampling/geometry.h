#pragma once

#include "model/floatmatrix.h"
#include "model/sampling/samplinginput.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

namespace activelabel {

// Distance kernels shared by the diversity samplers (coreset, hybrid, cold start). Implemented
// with torch's BLAS-backed matrix products: k-center greedy on 20,000 x 128 with 1,000 initial
// centres costs one 20,000 x 1,000 x 128 product, a few tens of milliseconds.

// Squared Euclidean distance of every row of `points` to its nearest row of `centres` (both with
// D columns). `nearest`, when given, receives the index of that centre. Empty centres -> +inf.
std::vector<float> nearestCentreDistances(const FloatMatrix &points, const FloatMatrix &centres,
                                          std::vector<std::size_t> *nearest = nullptr);

// k-center greedy (Sener & Savarese 2018): repeatedly pick the row farthest from every centre so
// far. Initial centres are `initialCentres` (e.g. the labelled set) plus the `taken` rows. When
// there is no centre at all, `firstRow` is picked first. Pick.score = Euclidean distance to the
// nearest centre at the moment the row was picked. Only rows in `allowed` (when non-empty) are
// picked.
std::vector<Pick> kCenterGreedy(const FloatMatrix &points, const FloatMatrix &initialCentres,
                                std::size_t count, std::size_t firstRow,
                                const std::vector<std::uint8_t> &taken = {},
                                const std::vector<std::size_t> &allowed = {});

struct KMeansResult
{
    FloatMatrix centroids;               // k x D
    std::vector<std::size_t> assignment; // cluster of each row
    std::vector<float> distances;        // squared distance of each row to its centroid
    double inertia = 0.0;                // sum of `distances`
};

// Lloyd's k-means with k-means++ seeding, best of `restarts` by inertia. k is clamped to the row
// count. Deterministic for a given rng state.
KMeansResult kMeans(const FloatMatrix &points, std::size_t k, std::mt19937_64 &rng,
                    int iterations = 15, int restarts = 2);

// A uniform double in [0, 1) from 53 random bits: the same on every platform, unlike
// std::uniform_real_distribution whose algorithm is implementation-defined.
double uniformUnit(std::mt19937_64 &rng);
// A uniform integer in [0, n), n > 0, by rejection (no modulo bias), platform-independent.
std::size_t uniformIndex(std::mt19937_64 &rng, std::size_t n);

} // namespace activelabel
