#include "app/queuebuilder.h"

#include "app/modelservice.h"
#include "app/projectimages.h"
#include "model/sampling/batchcomposer.h"
#include "model/sampling/sampler.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <random>

namespace activelabel {

namespace {

// Cold start without any model: 8x8 grey thumbnails (64 numbers) are enough for k-means to find
// the visually distinct groups, and cost one decode per candidate. Fewer candidates keep that
// first queue quick on a big pool.
constexpr int kPixelFeatureSide = 8;
constexpr std::size_t kColdStartPixelCandidates = 5000;

FloatMatrix pixelFeatures(const ProjectImages &images, const std::vector<std::size_t> &indices)
{
    const int dims = kPixelFeatureSide * kPixelFeatureSide;
    FloatMatrix features(indices.size(), std::size_t(dims));
    for (std::size_t r = 0; r < indices.size(); ++r) {
        cv::Mat pixels = images.load(indices[r]);
        if (pixels.empty())
            continue; // an unreadable image sits at the origin; harmless for clustering
        if (pixels.channels() == 3)
            cv::cvtColor(pixels, pixels, cv::COLOR_RGB2GRAY);
        cv::Mat small;
        cv::resize(pixels, small, cv::Size(kPixelFeatureSide, kPixelFeatureSide), 0, 0, cv::INTER_AREA);
        for (int i = 0; i < dims; ++i)
            features.at(r, std::size_t(i)) = small.data[i] / 255.0f;
    }
    return features;
}

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
    Prediction prediction;
    if (hasModel) {
        PredictOptions options;
        options.embeddings = true;
        prediction = classifier->predict(service.images(), candidates, options);
        input.probabilities = prediction.probabilities;
        input.embeddings = prediction.embeddings;
        if (!result.coldStart && request.strategy == Strategy::Bald)
            input.mcProbabilities = classifier->predictMcDropout(service.images(), candidates, request.mcPasses, request.seed);
        if (!result.coldStart && request.strategy == Strategy::Coreset) {
            PredictOptions embedOnly;
            input.labelledEmbeddings =
                classifier->predict(service.images(), service.labelledPoolIndices(), embedOnly).embeddings;
        }
    } else {
        input.embeddings = pixelFeatures(service.images(), candidates);
    }
    input.candidateCount = candidates.size();

    const std::unique_ptr<Sampler> sampler =
        result.coldStart ? makeColdStartSampler() : makeSampler(request.strategy);
    BatchOptions batch;
    batch.batchSize = std::min(request.count, candidates.size());
    batch.auditFraction = request.auditFraction;
    for (const QueryPick &pick : composeBatch(*sampler, input, batch, rng)) {
        QueueEntry entry;
        entry.imageId = service.images().record(candidates[pick.row]).id;
        entry.score = pick.score;
        entry.audit = pick.audit;
        if (hasModel) {
            const float *p = prediction.probabilities.row(pick.row);
            const std::size_t c = prediction.probabilities.cols;
            entry.predictedClass = int(std::max_element(p, p + c) - p);
            entry.confidence = p[entry.predictedClass];
        }
        result.entries.push_back(entry);
    }
    return result;
}

} // namespace activelabel
