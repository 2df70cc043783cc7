#pragma once

#include "app/simulation/simulationdata.h"
#include "model/sampling/auditstats.h"
#include "model/sampling/batchcomposer.h"
#include "model/sampling/sampler.h"
#include "model/trainer.h"
#include "model/transfermode.h"

#include <QString>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace activelabel {

struct SimulationOptions
{
    std::vector<Strategy> strategies{kDefaultStrategy};
    std::size_t init = 100;    // random initial labels (the same set for every strategy of a seed)
    std::size_t batch = 100;   // labels per round
    std::size_t budget = 1000; // every label, the initial ones included
    int seeds = 1;             // seeds 0 .. seeds-1
    QString backbone = QStringLiteral("smallcnn");
    TransferMode mode = TransferMode::automatic();
    int epochs = 0; // 0: the trainer's defaults (epoch bounds, step floor); else exact
    int warmEpochs = 0; // bound for warm rounds only (0: --epochs if given, else the trainer's)
    int minSteps = -1;  // floor on a round's steps (-1: 0 with --epochs, else the trainer's)
    WarmStart warmStart = WarmStart::Continue; // what warm rounds do with the previous weights
    SemiSupervisedOptions semi; // semi-supervised rounds over the unlabelled pool (off by default)
    double auditFraction = kDefaultAuditFraction;
    std::size_t auditWindow = 100; // audit accuracy over the last this-many draws (0 = all)
    std::size_t candidateLimit = kDefaultCandidateLimit;
    int mcPasses = 10; // bald
    SamplerOptions sampler;

    // Empty when usable, else a one-line reason.
    QString validate() const;
};

// One row of rounds.csv: the model after training on `labels` labels.
struct RoundRecord
{
    Strategy strategy = Strategy::Random;
    int seed = 0;
    int round = 0;
    std::size_t labels = 0;
    double testAccuracy = 0.0;  // NaN without a test split
    double auditAccuracy = 0.0; // over the audit window; NaN before any audit draw
    Interval audit;             // Wilson 95%
    std::size_t auditDraws = 0; // draws in the window
    double trainSeconds = 0.0;
    int trainSteps = 0;
    double scoreSeconds = 0.0; // inference for the strategy + selection
    double unlabelledSeconds = 0.0; // of trainSeconds: pseudo-labelling + steps on pool images
    int pseudoLabels = 0;           // pool images above their class threshold (last pass)
    double pseudoMinClassThreshold = 0.0;
    QString mode;              // transfer mode the trainer used
};

// The active-learning loop with the ground truth as the annotator, on its own in-memory state: it
// reads images through the provider and writes nothing anywhere. Per (strategy, seed): a fresh
// classifier seeded by the seed, `init` random labels (the same for every strategy of that seed),
// then rounds of train -> test accuracy -> score -> batch (audit draws + strategy picks) -> label,
// until `budget` labels. Audit draws are checked against the model that chose them before their
// label joins the training set (test-then-train). Same options and seed -> same numbers on one
// machine (with the same torch thread count).
class Simulation
{
public:
    using RoundCallback = std::function<void(const RoundRecord &)>;

    Simulation(const SimulationData &data, const SimulationOptions &options);

    // Throws std::runtime_error (e.g. too few pool images) and ModelError. Stops early, returning
    // the rounds so far, when `cancel` becomes true.
    std::vector<RoundRecord> run(Strategy strategy, int seed, const RoundCallback &onRound = {},
                                 const std::atomic<bool> *cancel = nullptr) const;

private:
    const SimulationData &m_data;
    SimulationOptions m_options;
};

} // namespace activelabel
