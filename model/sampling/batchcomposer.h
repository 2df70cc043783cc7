#pragma once

#include "model/sampling/sampler.h"

#include <cstddef>
#include <random>
#include <vector>

namespace activelabel {

// How large pools are handled in simulations: a sampler scores at most this many candidates, a
// seeded uniform subset of the pool drawn afresh each round (the whole pool when it is smaller); a
// fresh uniform subset each round still reaches the whole pool over rounds and, being uniform,
// leaves audit draws taken from it uniform over the whole pool. A smaller subset costs less to
// score (~0.07 s a round per 1,000 candidates for smallcnn on two cores) and, being a fresh random
// draw, keeps top-k picks from piling onto one rare kind of image. 2,000: larger subsets gave no
// better label efficiency on the simulate protocol (docs/benchmarks.md), and the time saved pays
// for the trainer's step floor (TrainingOptions::minSteps).
constexpr std::size_t kDefaultCandidateLimit = 2000;
constexpr double kDefaultAuditFraction = 0.1;

struct BatchOptions
{
    std::size_t batchSize = 100;
    double auditFraction = kDefaultAuditFraction; // in [0, 1]
};

// One query: a row of the SamplingInput, the strategy's score (0 for audit draws, which are not
// chosen by score) and whether it is an audit draw.
struct QueryPick
{
    std::size_t row = 0;
    double score = 0.0;
    bool audit = false;
};

// Sorted indices of a uniform random subset of [0, poolSize) of size min(poolSize, limit).
std::vector<std::size_t> candidateSubset(std::size_t poolSize, std::size_t limit,
                                         std::mt19937_64 &rng);

// The number of audit draws in a batch: batchSize x fraction, rounded stochastically (floor plus
// one with probability equal to the remainder) so that small batches keep the fraction on average.
std::size_t auditDrawCount(std::size_t batchSize, double fraction, std::mt19937_64 &rng);

// A batch = audit draws (uniform over the candidates, hence over the pool) + the strategy's picks
// among the rest, with no duplicates. Audit draws are spread evenly through the batch so that any
// prefix an annotator labels holds about the right fraction of them. Throws std::invalid_argument
// when the input lacks what the strategy needs.
std::vector<QueryPick> composeBatch(const Sampler &sampler, const SamplingInput &input,
                                    const BatchOptions &options, std::mt19937_64 &rng);

} // namespace activelabel
