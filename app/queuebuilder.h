#pragma once

#include "model/sampling/strategy.h"

#include <cstdint>
#include <optional>
#include <unordered_set>
#include <vector>

namespace activelabel {

class Classifier;
class ModelService;

// One image the annotator will be asked about, and why.
struct QueueEntry
{
    std::int64_t imageId = 0;
    double score = 0.0;      // the strategy's score (higher = wanted more)
    int predictedClass = -1; // class position; -1 before a model exists
    float confidence = -1.0f;
    bool audit = false;      // a uniform random audit draw (never revealed to the annotator)
};

struct QueueRequest
{
    Strategy strategy = kDefaultStrategy;
    std::size_t count = 50;
    double auditFraction = 0.1;
    std::uint64_t seed = 0;
    std::size_t candidateLimit = 20000;
    int mcPasses = 10; // BALD's stochastic passes
    std::unordered_set<std::int64_t> excluded; // images never to ask about (bad, skipped…)
};

struct QueueResult
{
    std::vector<QueueEntry> entries; // best first, audit draws spread through
    bool coldStart = false;          // no model (or too few labels): k-means representatives
    std::size_t poolUnlabelled = 0;
};

// Builds the labelling queue from the unlabelled pool: a seeded candidate subset, audit draws, and
// the chosen strategy's picks (cold start on downsampled pixels or embeddings when there is no
// usable model). Shared by the GUI's worker and `activelabel-cli queue`, so both ask the same.
QueueResult buildQueue(ModelService &service, Classifier *classifier, const QueueRequest &request);

} // namespace activelabel
