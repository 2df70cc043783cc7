#pragma once

#include "model/floatmatrix.h"
#include "model/knngraph.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace activelabel {

// A 2-D map of the pool: Barnes-Hut t-SNE (van der Maaten 2014) over a kNN graph, in plain C++
// (Debian 12 packages no C++ t-SNE or UMAP).
//
// Why t-SNE and not UMAP: both start from the same kNN graph, and on a pool of a few classes
// their pictures are alike (tight clusters, gaps between them), which is what the annotator
// looks for. t-SNE's objective is small and fully specified (calibrated Gaussian affinities,
// Student-t kernel, exact gradient), so our implementation can be checked term by term against
// the exact O(N^2) gradient and against scikit-learn's TSNE on the same data; UMAP's reference
// is its Python package (numba, absent from Debian 12) and its fuzzy-set construction and
// negative sampling leave more to get subtly wrong. UMAP's speed edge matters less here: the map
// is computed off the UI thread, once per model version, and with a Barnes-Hut tree on two
// cores 100,000 points take minutes, not hours (docs/benchmarks.md).
//
// The steps (as in scikit-learn's "barnes_hut" method, so that the reference compares like with
// like): per-row binary search of the Gaussian precision to reach the perplexity over the row's
// k ~ 3 x perplexity neighbours; P = (P + P^T) / 2N, sparse; early exaggeration (x12 for the
// first 250 iterations, momentum 0.5, then 0.8); per-coordinate gains (+0.2 / x0.8); learning
// rate max(N / 12 / 4, 50) ("auto"); a quadtree for the repulsion with theta = 0.5. Attraction
// and repulsion are computed per point, in parallel, each point writing only its own gradient.
struct TsneOptions
{
    double perplexity = 30;
    double theta = 0.5;    // Barnes-Hut opening angle: 0 is exact (slow), 0.5 the usual trade
    int iterations = 1000; // all of them, exaggeration included
    int exaggerationIterations = 250;
    double exaggeration = 12;
    double learningRate = 0; // 0: automatic, max(N / exaggeration / 4, 50)
    std::uint64_t seed = 1;
    int threads = 2;
};

// The symmetrised joint probabilities P in compressed sparse rows: row i's entries are
// columns[rowStart[i] .. rowStart[i+1]) with their values. Sums to 1.
struct SparseAffinities
{
    std::size_t rows = 0;
    std::vector<std::size_t> rowStart;
    std::vector<std::int32_t> columns;
    std::vector<double> values;
};

// Called every few iterations with (iterations done, iterations in all).
using TsneProgress = std::function<void(int done, int total)>;

// The map: N x 2. `initial` (N x 2, optional) seeds the layout instead of a small random one,
// e.g. the previous model's map, so that a recomputed map keeps its clusters where they were.
// Throws Cancelled (model/modelerror.h) when `cancel` becomes true between two iterations.
FloatMatrix tsneEmbed(const KnnGraph &graph, const TsneOptions &options = {},
                      const TsneProgress &progress = {}, const std::atomic<bool> *cancel = nullptr,
                      const FloatMatrix *initial = nullptr);

// The steps, public for the tests that check each against its definition.
namespace tsne {

// Row i's conditional p_{j|i} over its k neighbours (N x k, the graph's order): Gaussian in the
// squared distance, each row's precision found by binary search so that its entropy is
// log(perplexity).
std::vector<double> conditionalAffinities(const KnnGraph &graph, double perplexity,
                                          int threads = 1);
// The joint P = (P_cond + P_cond^T) / 2N, sparse, symmetric, summing to 1.
SparseAffinities affinities(const KnnGraph &graph, double perplexity, int threads = 1);

// The gradient of KL(P || Q) at y (N x 2) with the attraction scaled by `exaggeration`: exact,
// O(N^2), and with the Barnes-Hut quadtree (theta = 0 visits every leaf point: exact again).
FloatMatrix exactGradient(const SparseAffinities &p, const FloatMatrix &y, double exaggeration = 1);
FloatMatrix barnesHutGradient(const SparseAffinities &p, const FloatMatrix &y, double theta,
                              double exaggeration = 1, int threads = 1);

// KL(P || Q) at y, exactly (O(N^2)): for tests and small maps.
double klDivergence(const SparseAffinities &p, const FloatMatrix &y);

} // namespace tsne

// How well a low-dimensional map keeps each point's k nearest neighbours (Venna & Kaski;
// scikit-learn's sklearn.manifold.trustworthiness): 1 when no point gets a map neighbour that is
// not among its k nearest in the original space, lower as intruders come from farther away.
// Computed over `sampleRows` (all rows when empty) against all N rows: O(|sample| x N x D).
double trustworthiness(const FloatMatrix &original, const FloatMatrix &map, int k,
                       const std::vector<std::size_t> &sampleRows = {}, int threads = 1);

} // namespace activelabel
