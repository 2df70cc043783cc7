#include "app/queuebuilder.h"

#include "app/modelservice.h"
#include "app/projectimages.h"
#include "model/sampling/batchcomposer.h"
#include "model/sampling/sampler.h"
#include "app/simulation/samplinginputbuilder.h"

#include <algorithm>
#include <random>

namespace activelabel {

namespace {

// Cold start without any model decodes every candidate for its pixel features: fewer candidates
// keep that first queue quick on a big pool.
constexpr std::size_t kColdStartPixelCandidates = 5000;

} // namespace

QueueResult buildQueue(ModelService &service, Classifier *classifier, const QueueRequest &request)
{
    QueueResult result;
    std::vector<std::size_t> pool = service.unlabelledPoolIndices();
    if (!request.excluded.empty()) {
        pool.erase(std::remove_if(pool.begin(), pool.end(),
                                  [&](std::size_t i) { return request.excluded.count(service.images().record(i).id) > 0; }),
                   pool.end());
    }
    result.poolUnlabelled = pool.size();
    if (pool.empty() || request.count == 0)
        return result;

    std::mt19937_64 rng(request.seed);
    const std::size_t labelledCount = service.labelledPoolIndices().size();
    const bool hasModel = classifier != nullptr;
    result.coldStart = coldStartNeeded(hasModel, labelledCount, hasModel ? std::size_t(classifier->classCount()) : 0);

    const std::size_t limit = (result.coldStart && !hasModel) ? std::min(request.candidateLimit, kColdStartPixelCandidates)
                                                              : request.candidateLimit;
    std::vector<std::size_t> candidates;
    for (std::size_t i : candidateSubset(pool.size(), limit, rng))
        candidates.push_back(pool[i]);

    SamplingInput input;
    if (!hasModel) {
        input = pixelFeatureInput(service.images(), candidates);
    } else if (result.coldStart) {
        PredictOptions options;
        options.embeddings = true;
        Prediction p = classifier->predict(service.images(), candidates, options);
        input.probabilities = std::move(p.probabilities);
        input.embeddings = std::move(p.embeddings);
    } else {
        input = buildSamplingInput(*classifier, service.images(), candidates, service.labelledPoolIndices(),
                                   request.strategy, request.mcPasses, request.seed);
    }
    input.candidateCount = candidates.size();

    const std::unique_ptr<Sampler> sampler =
        result.coldStart ? makeColdStartSampler() : makeSampler(request.strategy);
    BatchOptions batch;
    batch.batchSize = std::min(request.count, candidates.size());
    batch.auditFraction = request.auditFraction;
    const std::vector<QueryPick> picks = composeBatch(*sampler, input, batch, rng);
    // Audit draws are not chosen by score, but show one like every other image: the annotator
    // must not be able to tell them apart (it would change how carefully they are labelled).
    std::vector<double> scores;
    if (std::any_of(picks.begin(), picks.end(), [](const QueryPick &p) { return p.audit; }))
        scores = sampler->scores(input);
    for (const QueryPick &pick : picks) {
        QueueEntry entry;
        entry.imageId = service.images().record(candidates[pick.row]).id;
        entry.score = pick.audit && pick.row < scores.size() ? scores[pick.row] : pick.score;
        entry.audit = pick.audit;
        if (hasModel && input.probabilities.rows == candidates.size()) {
            const float *p = input.probabilities.row(pick.row);
            const std::size_t c = input.probabilities.cols;
            entry.predictedClass = int(std::max_element(p, p + c) - p);
            entry.confidence = p[entry.predictedClass];
        }
        result.entries.push_back(entry);
    }
    return result;
}

} // namespace activelabel
