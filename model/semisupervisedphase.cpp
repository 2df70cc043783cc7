#include "model/detail/semisupervisedphase.h"

#include "model/detail/balancedsampler.h"
#include "model/detail/device.h"

#include <torch/csrc/jit/runtime/graph_executor.h>

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <random>

namespace activelabel::detail {

std::vector<double> classThresholds(const std::vector<float> &confidence, const std::vector<int> &predicted,
                                    int classCount, const SemiSupervisedOptions &options)
{
    std::vector<double> thresholds(std::size_t(classCount), options.threshold);
    if (!options.classBalanced)
        return thresholds;
    std::vector<double> learnt(std::size_t(classCount), 0.0);
    double confident = 0.0;
    for (std::size_t i = 0; i < confidence.size(); ++i)
        if (confidence[i] > options.threshold) {
            learnt[std::size_t(predicted[i])] += 1.0;
            confident += 1.0;
        }
    // FlexMatch's warm-up: while most images are below the threshold, the unconfident rest is the
    // yardstick, so every class starts low rather than the first-learnt class setting the bar.
    const double unused = double(confidence.size()) - confident;
    const double yardstick = std::max(*std::max_element(learnt.begin(), learnt.end()), unused);
    for (std::size_t c = 0; c < thresholds.size(); ++c) {
        const double beta = yardstick > 0.0 ? learnt[c] / yardstick : 1.0;
        thresholds[c] = std::max(options.minThreshold, options.threshold * beta / (2.0 - beta));
    }
    return thresholds;
}

bool runSemiSupervisedPhase(TrainingState &state, const std::vector<std::size_t> &unlabelled,
                            const TrainingOptions &options, double temperature, int stepsBefore, int totalSteps,
                            const ProgressCallback &progress, const std::atomic<bool> *cancel, RoundResult &result)
{
    QElapsedTimer timer;
    timer.start();
    const SemiSupervisedOptions &semi = options.semi;
    std::mt19937_64 rng(options.seed * 0x9E3779B97F4A7C15ULL + 101);
    BalancedSampler labelledSampler(state.trainTargetsVector(), options.seed + 41);
    const int batch = std::max(1, std::min(options.batchSize, int(state.trainCount())));
    const int poolBatch = batch * std::max(1, semi.unlabelledRatio);
    const int steps = std::max(0, semi.steps);
    const int passes = std::max(1, std::min(semi.passes, std::max(1, steps)));
    result.pseudoThreshold = semi.threshold;
    int done = 0;
    for (int pass = 0; pass < passes; ++pass) {
        const int passSteps = steps * (pass + 1) / passes - steps * pass / passes;
        // A fresh seeded subset each pass: later passes see other pool images.
        std::vector<std::size_t> subset = unlabelled;
        std::shuffle(subset.begin(), subset.end(), rng);
        subset.resize(std::min(subset.size(), semi.maxPool));
        std::sort(subset.begin(), subset.end());
        if (cancel && cancel->load())
            return false;
        state.prepareUnlabelled(subset);
        const torch::Tensor logits = state.unlabelledLogits(cancel);
        if (!logits.defined())
            return false;
        const torch::Tensor probabilities = torch::softmax(logits / temperature, 1).to(torch::kCPU);
        const auto [maxProbability, argmax] = probabilities.max(1);
        const torch::Tensor conf = maxProbability.contiguous(), pred = argmax.to(torch::kInt32).contiguous();
        const std::vector<float> confidence(conf.data_ptr<float>(), conf.data_ptr<float>() + conf.numel());
        const std::vector<int> predicted(pred.data_ptr<int>(), pred.data_ptr<int>() + pred.numel());
        const std::vector<double> thresholds =
            classThresholds(confidence, predicted, int(probabilities.size(1)), semi);
        std::vector<std::int64_t> selectedRows;
        std::vector<int> selectedTargets;
        for (std::size_t i = 0; i < confidence.size(); ++i)
            if (confidence[i] >= thresholds[std::size_t(predicted[i])]) {
                selectedRows.push_back(std::int64_t(i));
                selectedTargets.push_back(predicted[i]);
            }
        result.pseudoLabelCandidates = int(confidence.size());
        result.pseudoLabels = int(selectedRows.size());
        result.pseudoMinClassThreshold = *std::min_element(thresholds.begin(), thresholds.end());
        if (selectedRows.empty()) {
            done += passSteps; // nothing confident yet: this pass has nothing to learn from
            continue;
        }
        BalancedSampler poolSampler(selectedTargets, options.seed + 53 + std::uint64_t(pass));
        const torch::Tensor targets = indexTensor(
            std::vector<std::int64_t>(selectedTargets.begin(), selectedTargets.end()), torch::kCPU);
        for (int k = 0; k < passSteps; ++k) {
            if (cancel && cancel->load())
                return false;
            if (options.cosineSchedule)
                state.scaleLearningRate(0.5 * (1.0 + std::cos(M_PI * double(done) / double(steps))));
            const std::vector<std::int64_t> rows = labelledSampler.next(batch);
            const std::vector<std::int64_t> picks = poolSampler.next(poolBatch);
            std::vector<std::int64_t> poolRows;
            poolRows.reserve(picks.size());
            for (std::int64_t p : picks)
                poolRows.push_back(selectedRows[std::size_t(p)]);
            const torch::Tensor poolTargets =
                targets.index_select(0, indexTensor(picks, torch::kCPU)).to(logits.device());
            torch::Tensor loss;
            {
                torch::jit::GraphOptimizerEnabledGuard eagerAutograd(false); // as the supervised steps (trainer.cpp)
                loss = state.semiStep(rows, poolRows, poolTargets, semi.weight, rng);
            }
            ++done;
            ++result.unlabelledSteps;
            result.steps = stepsBefore + done;
            if (progress)
                progress(stepsBefore + done, totalSteps, loss.item<double>());
        }
    }
    result.unlabelledSeconds = double(timer.nsecsElapsed()) / 1e9;
    return true;
}

} // namespace activelabel::detail
