#include "model/trainer.h"

#include "model/detail/balancedsampler.h"
#include "model/detail/classifierimpl.h"
#include "model/detail/semisupervisedphase.h"
#include "model/detail/trainingstate.h"
#include "model/evaluation.h"
#include "model/modelerror.h"

#include <torch/csrc/jit/runtime/graph_executor.h>

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

namespace activelabel {

namespace {

using detail::BalancedSampler;
using detail::TrainingState;

// Stratified, seeded split: each class gives about `fraction` of its labels (at least one when it
// has two or more) to the held-out slice.
void splitHeldOut(const std::vector<LabelledSample> &labels, const TrainingOptions &o, int classCount,
                  std::vector<LabelledSample> &train, std::vector<LabelledSample> &heldOut)
{
    if (int(labels.size()) < o.minLabelsForHeldOut || o.heldOutFraction <= 0.0) {
        train = labels;
        return;
    }
    std::vector<std::vector<LabelledSample>> byClass(static_cast<std::size_t>(classCount));
    for (const auto &l : labels)
        byClass[std::size_t(l.classIndex)].push_back(l);
    std::mt19937_64 rng(o.seed * 6364136223846793005ULL + 1442695040888963407ULL);
    for (auto &members : byClass) {
        std::sort(members.begin(), members.end(),
                  [](const LabelledSample &a, const LabelledSample &b) { return a.index < b.index; });
        std::shuffle(members.begin(), members.end(), rng);
        std::size_t take = members.size() >= 2
                               ? std::max<std::size_t>(1, std::size_t(std::lround(o.heldOutFraction * members.size())))
                               : 0;
        for (std::size_t i = 0; i < members.size(); ++i)
            (i < take ? heldOut : train).push_back(members[i]);
    }
}

// Temperature minimising held-out NLL: golden-section search on log T in [log 0.05, log 20]
// (NLL is unimodal in T for fixed logits).
double fitTemperature(const torch::Tensor &logits, const torch::Tensor &targets)
{
    auto nll = [&](double logT) {
        return torch::nll_loss(torch::log_softmax(logits / std::exp(logT), 1), targets).item<double>();
    };
    double a = std::log(0.05), b = std::log(20.0);
    const double g = (std::sqrt(5.0) - 1.0) / 2.0;
    double c = b - g * (b - a), d = a + g * (b - a);
    double fc = nll(c), fd = nll(d);
    for (int i = 0; i < 60; ++i) {
        if (fc < fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = nll(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = nll(d);
        }
    }
    const double t = std::exp((a + b) / 2.0);
    return nll(std::log(t)) <= nll(0.0) ? t : 1.0;
}

FloatMatrix toMatrix(const torch::Tensor &t)
{
    const torch::Tensor c = t.to(torch::kCPU).contiguous();
    FloatMatrix m(std::size_t(c.size(0)), std::size_t(c.size(1)));
    std::memcpy(m.data.data(), c.data_ptr<float>(), m.data.size() * sizeof(float));
    return m;
}

} // namespace

QJsonObject RoundResult::toJson() const
{
    return {{"mode", modeUsed.toString()}, {"mode_reason", modeReason},  {"train_loss", trainLoss},
            {"held_out_accuracy", heldOutAccuracy}, {"held_out_loss", heldOutLoss}, {"ece", ece},
            {"temperature", temperature}, {"steps", steps}, {"train_count", trainCount},
            {"held_out_count", heldOutCount}, {"seconds", seconds}, {"cancelled", cancelled},
            {"early_stopped", earlyStopped}, {"feature_cache", usedFeatureCache}, {"frozen_blocks", frozenBlocks},
            {"device", device}, {"pseudo_label_candidates", pseudoLabelCandidates},
            {"pseudo_labels", pseudoLabels}, {"pseudo_threshold", pseudoThreshold},
            {"pseudo_min_class_threshold", pseudoMinClassThreshold}, {"unlabelled_steps", unlabelledSteps},
            {"unlabelled_seconds", unlabelledSeconds}};
}

TransferMode Trainer::resolveAuto(const Classifier &classifier, std::size_t labelCount,
                                  const TrainingOptions &options, QString *reason)
{
    auto say = [&](const QString &text) {
        if (reason)
            *reason = text;
    };
    const long long l0 = classifier.backboneLabels();
    if (l0 == 0) {
        say(QStringLiteral("auto: fresh backbone, train everything"));
        return TransferMode::full();
    }
    if (l0 > 0) {
        say(QStringLiteral("auto: backbone learnt in this project (last on %1 labels, now %2): continue training "
                           "everything")
                .arg(l0)
                .arg(labelCount));
        return TransferMode::full();
    }
    const auto counts = classifier.blockParameterCounts();
    const int blocks = int(counts.size());
    double params = double(classifier.headParameterCount());
    int k = 0;
    for (int j = 1; j <= blocks; ++j) {
        const double withBlock = params + double(counts[std::size_t(blocks - j)]);
        if (double(labelCount) < options.autoLabelsPerParameter * withBlock)
            break;
        params = withBlock;
        k = j;
    }
    const TransferMode mode = k == 0 ? TransferMode::frozen() : k == blocks ? TransferMode::full() : TransferMode::finetune(k);
    say(QStringLiteral("auto: %1 labels allow %2 trainable parameters at %3 labels/parameter -> %4")
            .arg(labelCount)
            .arg(qint64(params))
            .arg(options.autoLabelsPerParameter)
            .arg(mode.toString()));
    return mode;
}

RoundResult Trainer::train(Classifier &classifier, const ImageProvider &images, const std::vector<LabelledSample> &labels,
                           const TrainingOptions &options, const ProgressCallback &progress,
                           const std::atomic<bool> *cancel)
{
    return train(classifier, images, labels, {}, options, progress, cancel);
}

RoundResult Trainer::train(Classifier &classifier, const ImageProvider &images, const std::vector<LabelledSample> &labels,
                           const std::vector<std::size_t> &unlabelled, const TrainingOptions &options,
                           const ProgressCallback &progress, const std::atomic<bool> *cancel)
{
    QElapsedTimer timer;
    timer.start();
    auto &d = classifier.impl();
    const int classCount = classifier.classCount();
    if (classCount < 2)
        throw ModelError(QStringLiteral("training needs at least two classes"));
    for (const auto &l : labels)
        if (l.classIndex < 0 || l.classIndex >= classCount || l.index >= images.size())
            throw ModelError(QStringLiteral("a label refers to an unknown class or image"));
    if (labels.empty())
        throw ModelError(QStringLiteral("no labelled images to train on"));
    // The pool a semi-supervised round learns from: valid images that carry no label.
    std::vector<std::size_t> pool;
    if (options.semi.enabled) {
        std::vector<std::size_t> labelled;
        for (const auto &l : labels)
            labelled.push_back(l.index);
        std::sort(labelled.begin(), labelled.end());
        for (std::size_t i : unlabelled)
            if (i < images.size() && !std::binary_search(labelled.begin(), labelled.end(), i))
                pool.push_back(i);
    }

    RoundResult r;
    r.device = classifier.device();
    r.modeUsed = options.mode;
    r.modeReason = QStringLiteral("requested");
    if (options.mode.kind == TransferMode::Kind::Auto)
        r.modeUsed = resolveAuto(classifier, labels.size(), options, &r.modeReason);

    torch::manual_seed(options.seed); // dropout inside imported modules draws from the global RNG
    TrainingState state(d, r.modeUsed, options);
    r.frozenBlocks = state.trainableFrom();
    r.usedFeatureCache = state.usesCache();

    std::vector<LabelledSample> trainSet, heldOut;
    splitHeldOut(labels, options, classCount, trainSet, heldOut);
    state.prepareInputs(images, trainSet, heldOut);
    r.trainCount = int(state.trainCount());
    r.heldOutCount = int(state.heldOutCount());
    if (r.trainCount == 0)
        throw ModelError(QStringLiteral("none of the labelled images could be loaded"));

    BalancedSampler sampler(state.trainTargetsVector(), options.seed + 17);
    std::mt19937_64 rng(options.seed + 29);
    const int batch = std::max(1, std::min(options.batchSize, r.trainCount));
    const int stepsPerEpoch = (r.trainCount + batch - 1) / batch;
    const bool warm = d.backboneLabels != 0 && r.modeUsed.kind != TransferMode::Kind::Scratch &&
                      r.frozenBlocks < int(d.backbone.blocks.size());
    const int epochs = warm && options.warmEpochs > 0 ? std::min(options.epochs, options.warmEpochs) : options.epochs;
    const int total = options.maxSteps > 0 ? options.maxSteps
                                           : std::max(std::max(1, epochs) * stepsPerEpoch, options.minSteps);
    const int evalEvery = options.evalEverySteps > 0 ? options.evalEverySteps : stepsPerEpoch;
    const bool semi = !pool.empty() && options.semi.steps > 0;
    const int progressTotal = total + (semi ? options.semi.steps : 0);

    // The whole round's batches, drawn up front (the same draws as batch by batch) and copied to
    // the device once: a copy per step from host memory would make a GPU wait for it each time.
    std::vector<std::int64_t> plan;
    plan.reserve(std::size_t(total) * std::size_t(batch));
    for (int step = 0; step < total; ++step) {
        const auto rows = sampler.next(batch);
        plan.insert(plan.end(), rows.begin(), rows.end());
    }
    const torch::Tensor planIndex = detail::indexTensor(plan, d.device);

    // A step's loss is read (a wait for the device) after the next step has been queued, so the
    // GPU always has a step to run; progress is reported in order, one step late.
    double bestAcc = -1.0, bestLoss = 1e300, intervalLoss = 0.0;
    int sinceBest = 0, intervalSteps = 0;
    torch::Tensor pendingLoss;
    int pendingStep = 0;
    auto settle = [&] {
        if (!pendingLoss.defined())
            return;
        const double loss = pendingLoss.item<double>();
        pendingLoss = torch::Tensor();
        intervalLoss += loss;
        ++intervalSteps;
        if (progress)
            progress(pendingStep, progressTotal, loss);
    };
    for (int step = 1; step <= total; ++step) {
        if (cancel && cancel->load()) {
            state.rollback();
            r.cancelled = true;
            r.steps = step - 1;
            r.seconds = double(timer.nsecsElapsed()) / 1e9;
            return r;
        }
        const std::size_t offset = std::size_t(step - 1) * std::size_t(batch);
        const std::vector<std::int64_t> rows(plan.begin() + std::ptrdiff_t(offset),
                                             plan.begin() + std::ptrdiff_t(offset + std::size_t(batch)));
        if (options.cosineSchedule)
            state.scaleLearningRate(0.5 * (1.0 + std::cos(M_PI * double(step - 1) / double(total))));
        torch::Tensor loss;
        {
            // Without the graph executor's optimised plan for the step, TorchScript code records
            // eager autograd's nodes instead of differentiable subgraphs with the JIT's own
            // gradient formulas (relu's backward as gt + type_as + mul instead of one fused
            // kernel, dtype conversions per op), a sixth slower for smallcnn training on 2 threads.
            // Thread-local and scoped, so inference keeps its optimised plan.
            torch::jit::GraphOptimizerEnabledGuard eagerAutograd(false);
            loss = state.step(rows, planIndex.narrow(0, std::int64_t(offset), batch), options.augment,
                              options.horizontalFlip, rng);
        }
        settle();
        pendingLoss = loss;
        pendingStep = step;
        r.steps = step;
        if (step % evalEvery != 0 && step != total)
            continue;
        settle();
        r.trainLoss = intervalLoss / intervalSteps;
        intervalLoss = 0.0;
        intervalSteps = 0;
        const bool monitor =
            options.patience > 0 || options.keepBestOnHeldOut || options.stopAtHeldOutAccuracy > 0.0;
        if (state.heldOutCount() == 0 || !monitor)
            continue;
        const auto [acc, nll] = state.evaluateHeldOut();
        if (acc > bestAcc || (acc == bestAcc && nll < bestLoss)) {
            bestAcc = acc;
            bestLoss = nll;
            sinceBest = 0;
            state.keepBest();
        } else if (options.patience > 0 && ++sinceBest >= options.patience) {
            r.earlyStopped = true;
            break;
        }
        if (options.stopAtHeldOutAccuracy > 0.0 && acc >= options.stopAtHeldOutAccuracy)
            break;
    }
    if (state.heldOutCount() > 0 && options.keepBestOnHeldOut)
        state.restoreBest();
    if (semi) {
        // Pseudo-labels are kept by calibrated confidence: the temperature of the weights as they
        // are now (label smoothing alone caps raw confidences near 0.9).
        double temperature = 1.0;
        if (state.heldOutCount() > 0) {
            torch::NoGradGuard noGrad;
            temperature = fitTemperature(state.heldOutLogits(), state.heldOutTargets());
        }
        if (!detail::runSemiSupervisedPhase(state, pool, options, temperature, r.steps, progressTotal, progress,
                                            cancel, r)) {
            state.rollback();
            r.cancelled = true;
            r.seconds = double(timer.nsecsElapsed()) / 1e9;
            return r;
        }
    }

    // Calibration on the held-out slice with the final weights.
    d.temperature = 1.0;
    if (state.heldOutCount() > 0) {
        torch::NoGradGuard noGrad;
        const torch::Tensor logits = state.heldOutLogits();
        const torch::Tensor targets = state.heldOutTargets();
        d.temperature = fitTemperature(logits, targets);
        const torch::Tensor probs = torch::softmax(logits / d.temperature, 1);
        const torch::Tensor hostTargets = targets.to(torch::kCPU);
        const std::vector<int> truth(hostTargets.data_ptr<std::int64_t>(),
                                     hostTargets.data_ptr<std::int64_t>() + hostTargets.numel());
        const Evaluation e = evaluate(toMatrix(probs), truth);
        r.heldOutAccuracy = e.accuracy;
        r.heldOutLoss = e.nll;
        r.ece = e.ece;
    }
    r.temperature = d.temperature;
    state.commit(labels.size());
    r.seconds = double(timer.nsecsElapsed()) / 1e9;
    return r;
}

} // namespace activelabel
