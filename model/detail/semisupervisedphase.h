#pragma once
// INTERNAL to model/: includes torch. Never include from a public model header.

#include "model/detail/trainingstate.h"
#include "model/trainer.h"

#include <atomic>
#include <vector>

namespace activelabel::detail {

// FlexMatch's class-wise thresholds for one pass (see SemiSupervisedOptions): `confidence` and
// `predicted` per pool image. Without classBalanced, every class gets the base threshold.
std::vector<double> classThresholds(const std::vector<float> &confidence, const std::vector<int> &predicted,
                                    int classCount, const SemiSupervisedOptions &options);

// The semi-supervised part of a round, after its supervised steps: options.semi.passes times,
// pseudo-label a seeded subset of `unlabelled` with the current weights (confidences calibrated by
// `temperature`), keep the images above their class's threshold, and run that pass's share of the
// steps on labelled + pool batches (both class-balanced), the learning rate on its own cosine.
// Progress continues from `stepsBefore` of `totalSteps`. Fills the pseudo-label fields of
// `result` and its step count. Returns false when `cancel` was set (the caller rolls back).
bool runSemiSupervisedPhase(TrainingState &state, const std::vector<std::size_t> &unlabelled,
                            const TrainingOptions &options, double temperature, int stepsBefore, int totalSteps,
                            const ProgressCallback &progress, const std::atomic<bool> *cancel, RoundResult &result);

} // namespace activelabel::detail
