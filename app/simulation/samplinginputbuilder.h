#pragma once

#include "model/imageprovider.h"
#include "model/sampling/samplinginput.h"
#include "model/sampling/strategy.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace activelabel {

class Classifier;

// What a strategy needs from the model, and nothing more: probabilities always (they also tell
// audit draws' correctness and the queue's predicted class), embeddings for coreset, badge and
// hybrid, the labelled set's embeddings for coreset, MC-dropout passes for bald.
struct SamplingNeeds
{
    bool embeddings = false;
    bool labelledEmbeddings = false;
    bool mcDropout = false;
};
SamplingNeeds samplingNeeds(Strategy strategy);

// Runs the classifier over `candidates` (provider indices; row i of the result is candidates[i])
// and, when the strategy needs them, over `labelled` for their embeddings. One predict call for
// both, so the feature cache and batching serve them together.
SamplingInput buildSamplingInput(Classifier &classifier, const ImageProvider &images,
                                 const std::vector<std::size_t> &candidates,
                                 const std::vector<std::size_t> &labelled, Strategy strategy,
                                 int mcPasses = 10, std::uint64_t seed = 0);

// Cold-start features without a model: each image as side x side grey pixels in [0, 1] (area
// interpolation), in SamplingInput::embeddings. Images that fail to load get zeros.
SamplingInput pixelFeatureInput(const ImageProvider &images,
                                const std::vector<std::size_t> &indices, int side = 8);

} // namespace activelabel
