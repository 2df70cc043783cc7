#pragma once

#include "model/classifier.h"
#include "model/transfermode.h"

#include <QJsonObject>
#include <QString>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace activelabel {

struct LabelledSample
{
    std::size_t index = 0; // into the ImageProvider
    int classIndex = 0;     // into Classifier::classNames()
};

// What happens to the previous weights before a warm round (Ash & Adams 2020).
enum class WarmStart {
    Continue,         // keep them as they are (default)
    ShrinkAndPerturb, // theta <- shrink * theta + perturb * N(0, init-scale) on the trainable part
};

// Semi-supervised rounds: pseudo-labelling (Lee 2013) with FlexMatch's class-wise thresholds
// (Zhang et al. 2021). After the round's supervised steps the model labels the unlabelled pool,
// and the pool images whose calibrated confidence clears their class's threshold train towards
// that pseudo-label, alongside the labelled batches. Pseudo-labels are derived anew every round
// and live only inside it: never stored, never labels. The defaults are the measured best on the
// Fashion-MNIST protocol (docs/benchmarks.md#semi-supervised-rounds): the labelled images' shifts
// rather than FixMatch's strong view, and 400 pool steps a round.
struct SemiSupervisedOptions
{
    bool enabled = false;
    double threshold = 0.95; // tau, on temperature-calibrated confidence
    // FlexMatch: a class's threshold is tau x M(beta_c), beta_c its share of confident pool images
    // relative to the best-learnt class (or to the still-unconfident rest, early on), M(x) = x/(2-x):
    // classes the model is still learning get lower thresholds. Floored at minThreshold.
    bool classBalanced = true;
    double minThreshold = 0.9;
    int steps = 400;           // semi-supervised steps a round, after the supervised ones
    int unlabelledRatio = 2;   // mu: pool images per labelled image in a semi-supervised step
    double weight = 1.0;       // lambda_u: weight of the pool images' loss
    int passes = 2;            // pseudo-labelling passes a round (the steps split between them)
    std::size_t maxPool = 10000; // pool images pseudo-labelled per pass (a seeded random subset)
    // The pool images' view: the labelled images' shifts (false), or FixMatch's strong
    // augmentation (shifts of 1/7, contrast, brightness, cutout). The strong view scored below the
    // shifts on smallcnn (the ablation in docs/benchmarks.md); it stays for larger backbones.
    bool strongAugmentation = false;
};

struct TrainingOptions
{
    TransferMode mode = TransferMode::automatic();
    int epochs = 30;    // upper bound for a fresh round (the step floor below can add steps)
    // Upper bound for a warm-started round (the backbone trained before, mode not scratch; 0 =
    // epochs): continuing from the last version needs fewer epochs than a fresh start, which is
    // what makes a round after every batch of labels affordable. 12: with the step floor below
    // training the early rounds enough, 20 did no better on the simulate protocol, and the time
    // saved pays for the floor's extra steps (docs/benchmarks.md).
    int warmEpochs = 12;
    int maxSteps = 0;   // > 0: exact number of steps instead of epochs x steps-per-epoch
    // Lower bound on a round's steps when the epochs decide (maxSteps = 0). A small label set
    // gets few steps per epoch (2 at 100 labels), so epochs alone leave the first rounds of a
    // session under-trained, and an under-trained model's uncertainty picks poor batches. 180:
    // shorter floors left entropy below random on the simulate protocol (docs/benchmarks.md).
    // 0 = none; callers that ask for an explicit epoch count set 0, so that count holds.
    int minSteps = 180;
    int batchSize = 64;
    double learningRate = 1e-3; // Adam, head and freshly initialised layers
    double backboneLrFactor = 0.1; // pretrained backbone layers train at learningRate x this
    double weightDecay = 0.0;
    // Cosine decay of the learning rate over the round's steps, from learningRate towards 0, so
    // every round ends settled rather than mid-step (warm rounds restart from the full rate).
    bool cosineSchedule = true;
    // Of the training loss; the held-out slice's loss stays plain, and the temperature fitted
    // there undoes the softer confidences.
    double labelSmoothing = 0.1;
    double heldOutFraction = 0.15; // seeded stratified slice for early stopping + temperature
    int minLabelsForHeldOut = 20;  // below this, no held-out slice (T = 1, no early stopping)
    // Early stopping: stop after this many held-out evaluations without improvement (0 = off),
    // and/or end with the weights that scored best there. Both are off by default: selecting on a
    // slice of ~150 images is noise, and the best-on-slice weights score below the last ones on
    // the test split (tests/bench/bench_training_recipe); the slice still fits the temperature and
    // reports accuracy and ECE.
    int patience = 0;
    bool keepBestOnHeldOut = false;
    int evalEverySteps = 0;        // 0 = once per epoch
    bool augment = true;           // random shifts of +-1/14 of the size, only when images are seen
    bool horizontalFlip = false;   // also random left-right flips (off: not label-preserving for all)
    WarmStart warmStart = WarmStart::Continue;
    double shrink = 0.5;
    double perturb = 0.1;
    // Auto: a block is unfrozen when labels >= autoLabelsPerParameter x trainable parameters.
    double autoLabelsPerParameter = 0.005;
    // Stop as soon as held-out accuracy reaches this (0 = off). For experiments and tests that
    // count the steps needed to reach an accuracy.
    double stopAtHeldOutAccuracy = 0.0;
    bool useFeatureCache = true;
    SemiSupervisedOptions semi;
    std::uint64_t seed = 0;

    // What `--epochs N` means: exactly N epochs in every round, fresh or warm, however few steps.
    void setExactEpochs(int count)
    {
        epochs = warmEpochs = count;
        minSteps = 0;
    }
};

struct RoundResult
{
    TransferMode modeUsed;
    QString modeReason; // why Auto chose modeUsed (or "requested")
    double trainLoss = 0.0;       // mean loss over the last epoch (or evaluation interval)
    double heldOutAccuracy = -1;  // -1: no held-out slice
    double heldOutLoss = -1;
    double ece = -1;              // expected calibration error on the held-out slice, after scaling
    double temperature = 1.0;
    int steps = 0;
    int trainCount = 0;
    int heldOutCount = 0;
    double seconds = 0.0;
    bool cancelled = false; // the classifier is left exactly as it was before the round
    bool earlyStopped = false;
    bool usedFeatureCache = false;
    int frozenBlocks = 0;
    QString device; // where the round ran: "cpu" or "cuda:N"
    // Semi-supervised rounds only (zero otherwise): the pool images the last pass pseudo-labelled,
    // how many of them cleared their class's threshold (and trained), the base threshold and the
    // lowest class threshold of that pass, the steps on pool images, and the seconds those steps
    // and the pseudo-labelling passes took (included in `seconds`).
    int pseudoLabelCandidates = 0;
    int pseudoLabels = 0;
    double pseudoThreshold = 0.0;
    double pseudoMinClassThreshold = 0.0;
    int unlabelledSteps = 0;
    double unlabelledSeconds = 0.0;

    QJsonObject toJson() const;
};

// step (1-based), total steps, loss of that step's batch. Called for every step in order, just
// after the next step has been queued (so that a GPU never waits for the host to read a loss).
using ProgressCallback = std::function<void(int step, int totalSteps, double loss)>;

// Trains a classifier for one active-learning round on all labelled images (replay), warm-started
// unless the mode is scratch. Seeded and reproducible on one machine (same thread count).
//
// Auto rule (resolveAuto), with L = labels in this round:
//   1. A backbone never trained (fresh built-in): full.
//   2. A backbone trained in this project (on these same labels): full, warm-started, at most
//      warmEpochs. Its features came from fewer labels than the round has now; freezing them
//      locks in a weak representation (docs/benchmarks.md, "What the defaults rest on").
//   3. A pretrained/imported backbone: unfreeze the last k blocks, k the largest with
//      L >= autoLabelsPerParameter x (head + last k blocks' parameters); k = 0 is frozen,
//      k = all blocks is full, else finetune:k.
class Trainer
{
public:
    static RoundResult train(Classifier &classifier, const ImageProvider &images,
                             const std::vector<LabelledSample> &labels, const TrainingOptions &options,
                             const ProgressCallback &progress = {}, const std::atomic<bool> *cancel = nullptr);
    // The same round, semi-supervised when options.semi.enabled: `unlabelled` (provider indices,
    // none of them labelled) is the pool it pseudo-labels. The progress total covers both phases.
    static RoundResult train(Classifier &classifier, const ImageProvider &images,
                             const std::vector<LabelledSample> &labels, const std::vector<std::size_t> &unlabelled,
                             const TrainingOptions &options, const ProgressCallback &progress = {},
                             const std::atomic<bool> *cancel = nullptr);

    static TransferMode resolveAuto(const Classifier &classifier, std::size_t labelCount,
                                    const TrainingOptions &options, QString *reason = nullptr);
};

} // namespace activelabel
