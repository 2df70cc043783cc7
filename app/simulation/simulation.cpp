#include "app/simulation/simulation.h"

#include "app/simulation/samplinginputbuilder.h"
#include "model/classifier.h"
#include "model/evaluation.h"
#include "model/sampling/randomsampler.h"
#include "model/trainer.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace activelabel {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// smallcnn follows the data (grey stays grey; 28 px for MNIST-sized images, else 64), as a
// project's first training round does; other backbones keep their own defaults or sidecar.
ModelSpec specFor(const QString &backbone, const ImageProvider &images, std::size_t sampleIndex)
{
    ModelSpec spec = ModelSpec::defaultsFor(backbone);
    if (backbone == QLatin1String("smallcnn")) {
        const cv::Mat first = images.load(sampleIndex);
        if (!first.empty()) {
            spec.channels = first.channels() == 1 ? 1 : 3;
            spec.inputHeight = spec.inputWidth = std::max(first.rows, first.cols) <= 32 ? 28 : 64;
            spec.mean.assign(std::size_t(spec.channels),
                             spec.mean.empty() ? 0.5f : spec.mean.front());
            spec.std.assign(std::size_t(spec.channels), spec.std.empty() ? 0.5f : spec.std.front());
        }
    }
    return spec;
}

// Distinct, reproducible streams per (seed, purpose) from one 64-bit mix (SplitMix64).
std::uint64_t mix(std::uint64_t a, std::uint64_t b)
{
    std::uint64_t z = a * 0x9E3779B97F4A7C15ULL + b + 0x632BE59BD9B4E019ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

int argmax(const float *p, std::size_t n)
{
    return static_cast<int>(std::max_element(p, p + n) - p);
}

} // namespace

QString SimulationOptions::validate() const
{
    if (strategies.empty())
        return QStringLiteral("no strategy given");
    if (init < 1)
        return QStringLiteral("--init must be at least 1");
    if (batch < 1)
        return QStringLiteral("--batch must be at least 1");
    if (budget < init)
        return QStringLiteral("--budget (%1) counts every label and must be at least --init (%2)")
            .arg(budget)
            .arg(init);
    if (seeds < 1)
        return QStringLiteral("--seeds must be at least 1");
    if (!(auditFraction >= 0.0 && auditFraction <= 1.0))
        return QStringLiteral("the audit fraction must be between 0 and 1");
    if (mcPasses < 2)
        return QStringLiteral("bald needs at least 2 MC-dropout passes");
    return {};
}

Simulation::Simulation(const SimulationData &data, const SimulationOptions &options)
    : m_data(data), m_options(options)
{
}

std::vector<RoundRecord> Simulation::run(Strategy strategy, int seed, const RoundCallback &onRound,
                                         const std::atomic<bool> *cancel) const
{
    if (const QString problem = m_options.validate(); !problem.isEmpty())
        throw std::runtime_error(problem.toStdString());
    if (!m_data.images || m_data.pool.empty())
        throw std::runtime_error(
            "the project has no pool images with ground truth to simulate with "
            "(import a dataset with --ground-truth or import-fashion-mnist)");
    if (m_data.classNames.size() < 2)
        throw std::runtime_error("simulation needs at least two classes");
    const ImageProvider &images = *m_data.images;
    const std::size_t poolSize = m_data.pool.size();
    const std::size_t budget = std::min(m_options.budget, poolSize);

    // The initial labels depend on the seed only, so every strategy starts from the same set.
    std::mt19937_64 initRng(mix(static_cast<std::uint64_t>(seed), 0));
    std::vector<std::size_t> labelled =
        drawUniform(poolSize, std::min(m_options.init, budget), initRng);
    std::vector<std::uint8_t> isLabelled(poolSize, 0);
    for (std::size_t p : labelled)
        isLabelled[p] = 1;
    std::mt19937_64 rng(
        mix(static_cast<std::uint64_t>(seed), 1 + static_cast<std::uint64_t>(strategy)));

    auto classifier =
        Classifier::create(specFor(m_options.backbone, images, m_data.pool[labelled.front()]),
                           m_data.classNames, static_cast<std::uint64_t>(seed));
    const auto sampler = makeSampler(strategy, m_options.sampler);
    AuditWindow audit(m_options.auditWindow);
    std::vector<RoundRecord> rounds;

    for (int round = 0;; ++round) {
        if (cancel && cancel->load())
            break;
        RoundRecord record;
        record.strategy = strategy;
        record.seed = seed;
        record.round = round;
        record.labels = labelled.size();

        std::vector<LabelledSample> samples;
        samples.reserve(labelled.size());
        for (std::size_t p : labelled)
            samples.push_back({m_data.pool[p], m_data.poolTruth[p]});
        TrainingOptions training;
        training.mode = m_options.mode;
        training.warmStart = m_options.warmStart;
        training.seed =
            mix(static_cast<std::uint64_t>(seed), 100 + static_cast<std::uint64_t>(round));
        if (m_options.epochs > 0)
            training.setExactEpochs(m_options.epochs);
        if (m_options.warmEpochs > 0)
            training.warmEpochs = m_options.warmEpochs;
        if (m_options.minSteps >= 0)
            training.minSteps = m_options.minSteps;
        training.semi = m_options.semi;
        std::vector<std::size_t> pool; // provider indices of the unlabelled pool (semi only)
        if (m_options.semi.enabled)
            for (std::size_t p = 0; p < poolSize; ++p)
                if (!isLabelled[p])
                    pool.push_back(m_data.pool[p]);
        const RoundResult trained =
            Trainer::train(*classifier, images, samples, pool, training, {}, cancel);
        if (trained.cancelled)
            break;
        record.trainSeconds = trained.seconds;
        record.unlabelledSeconds = trained.unlabelledSeconds;
        record.pseudoLabels = trained.pseudoLabels;
        record.pseudoMinClassThreshold = trained.pseudoMinClassThreshold;
        record.trainSteps = trained.steps;
        record.mode = trained.modeUsed.toString();

        record.testAccuracy = kNaN;
        if (!m_data.test.empty()) {
            PredictOptions predict;
            predict.embeddings = false;
            const Prediction test = classifier->predict(images, m_data.test, predict);
            record.testAccuracy = evaluate(test.probabilities, m_data.testTruth).accuracy;
        }

        // Score a uniform subset of the unlabelled pool and compose the next batch. At the budget
        // there is no next batch, but the final model still gets its audit draws, as the next
        // round of a real session would: the last row's estimate is about the last model.
        QElapsedTimer scoreTimer;
        scoreTimer.start();
        std::vector<std::size_t> unlabelled;
        unlabelled.reserve(poolSize - labelled.size());
        for (std::size_t p = 0; p < poolSize; ++p)
            if (!isLabelled[p])
                unlabelled.push_back(p);
        const bool last = labelled.size() >= budget || unlabelled.empty();
        std::vector<std::size_t> candidates; // pool positions
        for (std::size_t i : candidateSubset(unlabelled.size(), m_options.candidateLimit, rng))
            candidates.push_back(unlabelled[i]);
        std::vector<std::size_t> candidateIndices; // provider indices
        candidateIndices.reserve(candidates.size());
        for (std::size_t p : candidates)
            candidateIndices.push_back(m_data.pool[p]);

        std::vector<QueryPick> batch;
        FloatMatrix auditProbabilities; // rows: the audit picks, in batch order
        std::vector<std::size_t> auditPositions;
        const std::size_t want = last ? 0 : std::min(m_options.batch, budget - labelled.size());
        if (last || strategy == Strategy::Random) {
            // Nothing to score for the choice itself: only the audit draws need predictions.
            SamplingInput countOnly;
            countOnly.candidateCount = candidates.size();
            if (last) {
                const std::size_t audits =
                    auditDrawCount(m_options.batch, m_options.auditFraction, rng);
                for (std::size_t row : drawUniform(candidates.size(), audits, rng))
                    batch.push_back({row, 0.0, true});
            } else {
                batch = composeBatch(*sampler, countOnly, {want, m_options.auditFraction}, rng);
            }
            std::vector<std::size_t> auditIndices;
            for (const auto &q : batch)
                if (q.audit) {
                    auditIndices.push_back(candidateIndices[q.row]);
                    auditPositions.push_back(candidates[q.row]);
                }
            if (!auditIndices.empty()) {
                PredictOptions predict;
                predict.embeddings = false;
                auditProbabilities =
                    classifier->predict(images, auditIndices, predict).probabilities;
            }
        } else {
            std::vector<std::size_t> labelledIndices;
            for (std::size_t p : labelled)
                labelledIndices.push_back(m_data.pool[p]);
            const SamplingInput input = buildSamplingInput(
                *classifier, images, candidateIndices, labelledIndices, strategy,
                m_options.mcPasses, mix(static_cast<std::uint64_t>(seed), 200 + round));
            batch = composeBatch(*sampler, input, {want, m_options.auditFraction}, rng);
            std::size_t audits = 0;
            for (const auto &q : batch)
                audits += q.audit ? 1 : 0;
            auditProbabilities = FloatMatrix(audits, input.probabilities.cols);
            std::size_t r = 0;
            for (const auto &q : batch) {
                if (!q.audit)
                    continue;
                std::copy_n(input.probabilities.row(q.row), input.probabilities.cols,
                            auditProbabilities.row(r++));
                auditPositions.push_back(candidates[q.row]);
            }
        }
        // Test-then-train: each audit draw is judged by the model that drew it, before its label
        // is known to the trainer.
        for (std::size_t a = 0; a < auditPositions.size(); ++a)
            audit.add(argmax(auditProbabilities.row(a), auditProbabilities.cols) ==
                      m_data.poolTruth[auditPositions[a]]);
        record.scoreSeconds = scoreTimer.nsecsElapsed() / 1e9;
        record.auditDraws = audit.size();
        record.auditAccuracy = audit.accuracy();
        record.audit = audit.interval();
        rounds.push_back(record);
        if (onRound)
            onRound(record);
        if (last)
            break;
        for (const auto &q : batch) {
            const std::size_t p = candidates[q.row];
            if (!isLabelled[p]) {
                isLabelled[p] = 1;
                labelled.push_back(p);
            }
        }
    }
    return rounds;
}

} // namespace activelabel
