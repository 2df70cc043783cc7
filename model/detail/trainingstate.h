#pragma once
// INTERNAL to model/: includes torch. Never include from a public model header.

#include "model/detail/classifierimpl.h"
#include "model/trainer.h"

#include <torch/torch.h>

#include <atomic>
#include <memory>
#include <random>
#include <utility>
#include <vector>

namespace activelabel::detail {

// One round's mutable training machinery, split from Trainer::train so each stays readable:
// which blocks train, their inputs (cached features above a frozen prefix, or pixels), the
// optimizer, the best-so-far weights, and the snapshot that a cancelled round rolls back to.
class TrainingState
{
public:
    TrainingState(Classifier::Impl &impl, const TransferMode &mode, const TrainingOptions &options);
    ~TrainingState();

    int trainableFrom() const { return m_trainableFrom; } // first trainable block (== blocks: frozen)
    bool usesCache() const { return m_useCache; }

    void prepareInputs(const ImageProvider &images, const std::vector<LabelledSample> &train,
                       const std::vector<LabelledSample> &heldOut);
    std::size_t trainCount() const { return m_trainTargets.size(); }
    std::size_t heldOutCount() const { return m_heldOutTargets.size(); }
    std::vector<int> trainTargetsVector() const { return m_trainTargets; }

    // One optimizer step on the training rows `rows` (the same rows as `rowIndex`, a Long tensor on
    // the classifier's device). Returns the batch's loss as a tensor on the device: reading it is
    // left to the caller, so a GPU is not made to wait for the host every step.
    torch::Tensor step(const std::vector<std::int64_t> &rows, const torch::Tensor &rowIndex, bool augment, bool flip,
                       std::mt19937_64 &rng);
    // The pool images of a semi-supervised pass (provider indices): their inputs at the boundary,
    // like the training rows'. Images that fail to load are left out (unlabelledIndex says which
    // remain). Replaces the previous pass's.
    void prepareUnlabelled(const std::vector<std::size_t> &indices);
    std::size_t unlabelledCount() const { return m_unlabelledIndices.size(); }
    // Eval-mode logits of every prepared pool image (temperature 1); undefined when `cancel` was
    // set between batches.
    torch::Tensor unlabelledLogits(const std::atomic<bool> *cancel);
    // One semi-supervised step: the labelled rows under the shifts, the pool rows `poolRows` under
    // the shifts or the strong view (SemiSupervisedOptions::strongAugmentation) towards
    // `poolTargets` (a Long tensor on the device), in one forward;
    // loss = labelled loss + weight x pool loss. Returns the loss as a device tensor.
    torch::Tensor semiStep(const std::vector<std::int64_t> &rows, const std::vector<std::int64_t> &poolRows,
                           const torch::Tensor &poolTargets, double weight, std::mt19937_64 &rng);
    // Every parameter group's learning rate = its rate at the round's start x `factor`.
    void scaleLearningRate(double factor);
    std::pair<double, double> evaluateHeldOut(); // accuracy, NLL (temperature 1)
    torch::Tensor heldOutLogits();
    torch::Tensor heldOutTargets() const;
    void keepBest();
    void restoreBest();
    void rollback();
    void commit(std::size_t labelCount);

private:
    std::vector<torch::Tensor> trainableTensors() const; // parameters + buffers that may change
    void setTrainingModes(bool training);
    torch::Tensor inputsFor(const torch::Tensor &stored, const std::vector<std::size_t> &indices,
                            const std::vector<std::int64_t> &rows, const torch::Tensor &rowIndex) const;
    torch::Tensor forward(const torch::Tensor &x, bool training);
    void reinitialise();
    void shrinkAndPerturb(double shrink, double perturb);

    Classifier::Impl &m_d;
    TransferMode m_mode;
    TrainingOptions m_options;
    int m_trainableFrom = 0;
    int m_boundary = 0; // stage whose input the training loop starts from
    bool m_useCache = false;
    const ImageProvider *m_images = nullptr;
    torch::Tensor m_trainInputs, m_heldOutInputs; // undefined when too large: loaded per batch
    std::vector<std::size_t> m_trainIndices, m_heldOutIndices;
    std::vector<int> m_trainTargets, m_heldOutTargets;
    torch::Tensor m_trainTargetTensor; // m_trainTargets on the device, gathered per batch
    torch::Tensor m_unlabelledInputs;  // undefined when too large: loaded per batch
    std::vector<std::size_t> m_unlabelledIndices;
    std::vector<torch::Tensor> m_trainable;
    std::vector<torch::Tensor> m_best;
    std::vector<torch::Tensor> m_snapshot; // all parameters/buffers + head at round start
    torch::Tensor m_snapshotHeadW, m_snapshotHeadB;
    double m_snapshotTemperature = 1.0;
    std::unique_ptr<torch::optim::Adam> m_optimizer;
    std::vector<double> m_baseLearningRates; // per parameter group
    std::string m_optimizerKey;
};

} // namespace activelabel::detail
