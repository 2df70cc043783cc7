#include "app/queuebuilder.h"

#include "app/modelservice.h"
#include "app/projectimages.h"
#include "model/sampling/batchcomposer.h"
#include "model/sampling/sampler.h"
#include "app/simulation/samplinginputbuilder.h"
#include "storage/predictionstore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <algorithm>
#include <random>
#include <unordered_map>

namespace activelabel {

namespace {

// Cold start without any model decodes every candidate for its pixel features: fewer candidates
// keep that first queue quick on a big pool.
constexpr std::size_t kColdStartPixelCandidates = 5000;

} // namespace

namespace {

// The unlabelled pool less the request's exclusions, and the seeded candidate subset of it.
std::vector<std::size_t> unlabelledPool(ModelService &service, const QueueRequest &request)
{
    std::vector<std::size_t> pool = service.unlabelledPoolIndices();
    if (!request.excluded.empty()) {
        pool.erase(std::remove_if(pool.begin(), pool.end(),
                                  [&](std::size_t i) { return request.excluded.count(service.images().record(i).id) > 0; }),
                   pool.end());
    }
    return pool;
}

std::vector<std::size_t> pickCandidates(const std::vector<std::size_t> &pool, std::size_t limit, std::mt19937_64 &rng)
{
    std::vector<std::size_t> candidates;
    for (std::size_t i : candidateSubset(pool.size(), limit, rng))
        candidates.push_back(pool[i]);
    return candidates;
}

// Composes the batch (strategy picks plus audit draws) and turns it into queue entries.
void composeEntries(ModelService &service, const std::vector<std::size_t> &candidates, SamplingInput &input,
                    Sampler &sampler, bool hasModel, const QueueRequest &request, std::mt19937_64 &rng,
                    QueueResult &result)
{
    input.candidateCount = candidates.size();
    BatchOptions batch;
    batch.batchSize = std::min(request.count, candidates.size());
    batch.auditFraction = request.auditFraction;
    const std::vector<QueryPick> picks = composeBatch(sampler, input, batch, rng);
    // Audit draws are not chosen by score, but show one like every other image: the annotator
    // must not be able to tell them apart (it would change how carefully they are labelled).
    std::vector<double> scores;
    if (std::any_of(picks.begin(), picks.end(), [](const QueryPick &p) { return p.audit; }))
        scores = sampler.scores(input);
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
}

} // namespace

QueueResult buildQueue(ModelService &service, Classifier *classifier, const QueueRequest &request)
{
    QueueResult result;
    result.strategyUsed = request.strategy;
    const std::vector<std::size_t> pool = unlabelledPool(service, request);
    result.poolUnlabelled = pool.size();
    if (pool.empty() || request.count == 0)
        return result;

    std::mt19937_64 rng(request.seed);
    const std::size_t labelledCount = service.labelledPoolIndices().size();
    const bool hasModel = classifier != nullptr;
    result.coldStart = coldStartNeeded(hasModel, labelledCount, hasModel ? std::size_t(classifier->classCount()) : 0);

    const std::size_t limit = (result.coldStart && !hasModel) ? std::min(request.candidateLimit, kColdStartPixelCandidates)
                                                              : request.candidateLimit;
    const std::vector<std::size_t> candidates = pickCandidates(pool, limit, rng);

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
    const std::unique_ptr<Sampler> sampler =
        result.coldStart ? makeColdStartSampler() : makeSampler(request.strategy);
    composeEntries(service, candidates, input, *sampler, hasModel, request, rng, result);
    return result;
}

QueueResult buildQueueFromStoredPredictions(ModelService &service, const QueueRequest &request)
{
    std::unique_ptr<Database> predictions = service.project().openPredictions();
    PredictionStore store(*predictions);
    const std::optional<std::int64_t> run = store.latestCompleteRun();
    if (!run)
        return buildQueue(service, nullptr, request);

    QueueResult result;
    result.storedPredictionsOf = run;
    const SamplingNeeds needs = samplingNeeds(request.strategy);
    result.strategyUsed = needs.embeddings || needs.labelledEmbeddings || needs.mcDropout ? Strategy::Margin
                                                                                          : request.strategy;
    const std::vector<std::size_t> pool = unlabelledPool(service, request);
    result.poolUnlabelled = pool.size();
    if (pool.empty() || request.count == 0)
        return result;
    std::mt19937_64 rng(request.seed);
    const std::vector<std::size_t> candidates = pickCandidates(pool, request.candidateLimit, rng);

    std::unordered_map<std::int64_t, std::vector<float>> stored;
    std::size_t classes = 0;
    for (StoredPrediction &row : store.read(*run)) {
        classes = std::max(classes, row.probabilities.size());
        stored.emplace(row.imageId, std::move(row.probabilities));
    }
    SamplingInput input;
    input.probabilities = FloatMatrix(candidates.size(), classes);
    for (std::size_t r = 0; r < candidates.size(); ++r) {
        const auto it = stored.find(service.images().record(candidates[r]).id);
        float *out = input.probabilities.row(r);
        if (it != stored.end() && it->second.size() == classes)
            std::copy(it->second.begin(), it->second.end(), out);
        else
            std::fill(out, out + classes, classes ? 1.0f / float(classes) : 0.0f); // imported since: unknown
    }
    const std::unique_ptr<Sampler> sampler = makeSampler(result.strategyUsed);
    composeEntries(service, candidates, input, *sampler, classes > 0, request, rng, result);
    return result;
}

} // namespace activelabel
