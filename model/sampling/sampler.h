#pragma once

#include "model/sampling/samplinginput.h"
#include "model/sampling/strategy.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

namespace activelabel {

// Tunables shared by the samplers; the defaults are what the application and `simulate` use.
struct SamplerOptions
{
    // Hybrid: the batch is chosen by k-center greedy among the top (factor x batch) candidates by
    // margin uncertainty (the pre-filter of Zhdanov 2019, "Diverse mini-batch active learning").
    std::size_t hybridPrefilterFactor = 5;
    // Cold start: Lloyd iterations and restarts of k-means.
    int kmeansIterations = 15;
    int kmeansRestarts = 2;
};

// A query strategy. scores() gives one value per candidate (higher = more wanted; what the queue
// shows); select() chooses a batch of distinct rows, best first. Rows flagged in `taken` (e.g.
// audit draws already in this batch) are never chosen and count as chosen for diversity-based
// strategies. Same input, same rng state -> same picks.
class Sampler
{
public:
    virtual ~Sampler() = default;

    virtual Strategy strategy() const = 0;
    virtual std::vector<double> scores(const SamplingInput &input) const = 0;
    virtual std::vector<Pick> select(const SamplingInput &input, std::size_t count,
                                     std::mt19937_64 &rng,
                                     const std::vector<std::uint8_t> &taken = {}) const = 0;
};

// Throws std::invalid_argument when the input lacks what the strategy needs (a clear message).
std::unique_ptr<Sampler> makeSampler(Strategy strategy, const SamplerOptions &options = {});

// The cold-start sampler (representatives of k-means clusters on feature vectors), used instead of
// the chosen strategy while there is no model or fewer labels than classes.
std::unique_ptr<Sampler> makeColdStartSampler(const SamplerOptions &options = {});
bool coldStartNeeded(bool hasModel, std::size_t labelledCount, std::size_t classCount);

// Top-k by score, ties broken by lower row, skipping `taken` rows: what the plain strategies are.
std::vector<Pick> topK(const std::vector<double> &scores, std::size_t count,
                       const std::vector<std::uint8_t> &taken = {});

} // namespace activelabel
