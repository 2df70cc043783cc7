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
    Strategy strategyUsed = kDefaultStrategy; // the request's, unless stored predictions forced another
    std::optional<std::int64_t> storedPredictionsOf; // the model version whose stored predictions scored it
};

// Builds the labelling queue from the unlabelled pool: a seeded candidate subset, audit draws, and
// the chosen strategy's picks (cold start on downsampled pixels or embeddings when there is no
// usable model). Shared by the GUI's worker and `activelabel-cli queue`, so both ask the same.
QueueResult buildQueue(ModelService &service, Classifier *classifier, const QueueRequest &request);

// The same queue without calling a model, from the predictions the last round stored: what the
// GUI's worker builds while a round trains the live model in place. Strategies that score
// probabilities (least-confidence, margin, entropy, random) work as usual; those that need
// embeddings or MC-dropout passes fall back to margin until the round ends (strategyUsed says
// so). Without stored predictions it is the no-model cold start.
QueueResult buildQueueFromStoredPredictions(ModelService &service, const QueueRequest &request);

} // namespace activelabel
