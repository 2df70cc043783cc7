#include "model/sampling/sampler.h"

#include "model/sampling/badgesampler.h"
#include "model/sampling/coldstartsampler.h"
#include "model/sampling/coresetsampler.h"
#include "model/sampling/hybridsampler.h"
#include "model/sampling/randomsampler.h"
#include "model/sampling/uncertaintysampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace activelabel {

std::size_t SamplingInput::rows() const
{
    if (!probabilities.empty())
        return probabilities.rows;
    if (!embeddings.empty())
        return embeddings.rows;
    if (!mcProbabilities.empty())
        return mcProbabilities.front().rows;
    return candidateCount;
}

std::unique_ptr<Sampler> makeSampler(Strategy strategy, const SamplerOptions &options)
{
    switch (strategy) {
    case Strategy::Random:
        return std::make_unique<RandomSampler>();
    case Strategy::LeastConfidence:
    case Strategy::Margin:
    case Strategy::Entropy:
    case Strategy::Bald:
        return std::make_unique<UncertaintySampler>(strategy);
    case Strategy::Coreset:
        return std::make_unique<CoresetSampler>();
    case Strategy::Badge:
        return std::make_unique<BadgeSampler>();
    case Strategy::Hybrid:
        return std::make_unique<HybridSampler>(options.hybridPrefilterFactor);
    }
    return std::make_unique<HybridSampler>(options.hybridPrefilterFactor);
}

std::unique_ptr<Sampler> makeColdStartSampler(const SamplerOptions &options)
{
    return std::make_unique<ColdStartSampler>(options.kmeansIterations, options.kmeansRestarts);
}

bool coldStartNeeded(bool hasModel, std::size_t labelledCount, std::size_t classCount)
{
    return !hasModel || labelledCount < classCount;
}

std::vector<Pick> topK(const std::vector<double> &scores, std::size_t count,
                       const std::vector<std::uint8_t> &taken)
{
    std::vector<std::size_t> rows;
    rows.reserve(scores.size());
    for (std::size_t i = 0; i < scores.size(); ++i) {
        if (i >= taken.size() || !taken[i])
            rows.push_back(i);
    }
    // NaN (a broken model output) sorts last rather than poisoning the order.
    auto key = [&](std::size_t i) {
        return std::isnan(scores[i]) ? -std::numeric_limits<double>::infinity() : scores[i];
    };
    count = std::min(count, rows.size());
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(count), rows.end(),
                      [&](std::size_t a, std::size_t b) {
                          const double ka = key(a), kb = key(b);
                          return ka > kb || (ka == kb && a < b);
                      });
    std::vector<Pick> picks;
    picks.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        picks.push_back({rows[i], scores[rows[i]]});
    return picks;
}

} // namespace activelabel
