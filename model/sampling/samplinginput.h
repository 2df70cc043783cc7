#pragma once

#include "model/floatmatrix.h"

#include <cstddef>
#include <vector>

namespace activelabel {

// What a sampler sees of the candidates: plain matrices (no torch types), one row per candidate,
// all in the same row order. Which fields a strategy needs:
//   least-confidence, margin, entropy: probabilities
//   bald:                             mcProbabilities (T passes with dropout on)
//   coreset:                          embeddings (+ labelledEmbeddings as initial centres)
//   badge:                            probabilities + embeddings
//   hybrid:                           probabilities (+ embeddings; falls back to probabilities)
//   cold start:                       embeddings = any feature vectors (backbone embeddings or
//                                     downsampled pixels, ideally <= 256 dimensions)
//   random:                           nothing but the row count
struct SamplingInput
{
    FloatMatrix probabilities;                // N x C softmax outputs
    FloatMatrix embeddings;                   // N x D penultimate-layer embeddings (or features)
    std::vector<FloatMatrix> mcProbabilities; // T matrices of N x C, one per stochastic pass
    FloatMatrix labelledEmbeddings;           // L x D, the already-labelled images
    std::size_t candidateCount = 0;           // N when no matrix is given (random, cold start)

    // The number of candidate rows: from whichever matrix is present, else candidateCount.
    std::size_t rows() const;
};

// One chosen candidate: its row in the SamplingInput and the score it was chosen with (higher =
// wanted more; for greedy strategies, the score at the moment it was chosen).
struct Pick
{
    std::size_t row = 0;
    double score = 0.0;
};

} // namespace activelabel
