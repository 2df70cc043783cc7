// TrainingState's semi-supervised part: the pool images of a pass and the pseudo-label step (the rest
// of the class is in trainingstate.cpp).
#include "model/detail/augmentation.h"
#include "model/detail/device.h"
#include "model/detail/trainingstate.h"

namespace activelabel::detail {

void TrainingState::prepareUnlabelled(const std::vector<std::size_t> &indices)
{
    m_unlabelledInputs = torch::Tensor();
    m_unlabelledIndices.clear();
    std::vector<std::size_t> failed;
    torch::Tensor inputs;
    const double bytes = double(indices.size()) * m_d.spec.channels * m_d.spec.inputHeight * m_d.spec.inputWidth * 4;
    if (m_boundary > 0) {
        inputs = m_d.boundaryInputs(*m_images, indices, m_boundary, m_useCache, 256, &failed, nullptr).clone();
    } else if (bytes <= 5e8) {
        torch::NoGradGuard noGrad;
        inputs = m_d.preprocess(*m_images, indices, 0, indices.size(), &failed, nullptr).to(m_d.device);
    }
    std::vector<std::int64_t> keep;
    std::size_t next = 0;
    for (std::size_t i = 0; i < indices.size(); ++i) {
        if (next < failed.size() && failed[next] == i) {
            ++next;
            continue;
        }
        keep.push_back(std::int64_t(i));
        m_unlabelledIndices.push_back(indices[i]);
    }
    if (inputs.defined() && !failed.empty())
        inputs = inputs.index_select(0, indexTensor(keep, inputs.device()));
    m_unlabelledInputs = inputs;
}

torch::Tensor TrainingState::unlabelledLogits(const std::atomic<bool> *cancel)
{
    torch::NoGradGuard noGrad;
    setTrainingModes(false);
    std::vector<torch::Tensor> parts;
    const std::int64_t n = std::int64_t(m_unlabelledIndices.size());
    for (std::int64_t begin = 0; begin < n; begin += 256) {
        if (cancel && cancel->load()) {
            setTrainingModes(true);
            return {};
        }
        std::vector<std::int64_t> rows;
        for (std::int64_t i = begin; i < std::min(n, begin + 256); ++i)
            rows.push_back(i);
        parts.push_back(
            forward(inputsFor(m_unlabelledInputs, m_unlabelledIndices, rows, indexTensor(rows, m_d.device)), false));
    }
    setTrainingModes(true);
    if (parts.empty())
        return torch::empty({0, m_d.headWeight.size(0)}, m_d.headWeight.options().requires_grad(false));
    return torch::cat(parts);
}

torch::Tensor TrainingState::semiStep(const std::vector<std::int64_t> &rows, const std::vector<std::int64_t> &poolRows,
                                      const torch::Tensor &poolTargets, double weight, std::mt19937_64 &rng)
{
    const torch::Tensor rowIndex = indexTensor(rows, m_d.device);
    torch::Tensor x = inputsFor(m_trainInputs, m_trainIndices, rows, rowIndex);
    torch::Tensor u = inputsFor(m_unlabelledInputs, m_unlabelledIndices, poolRows, indexTensor(poolRows, m_d.device));
    if (m_boundary == 0) {
        if (m_options.augment)
            x = augmentBatch(x, m_options.horizontalFlip, rng);
        u = m_options.semi.strongAugmentation ? strongAugmentBatch(u, m_options.horizontalFlip, rng)
                                              : augmentBatch(u, m_options.horizontalFlip, rng);
    }
    // One forward over both, as FixMatch does: BatchNorm sees labelled and pool images together.
    const std::int64_t b = x.size(0);
    const torch::Tensor logits = forward(torch::cat({x, u}), true);
    const torch::Tensor labelled =
        torch::cross_entropy_loss(logits.narrow(0, 0, b), m_trainTargetTensor.index_select(0, rowIndex), {},
                                  at::Reduction::Mean, -100, m_options.labelSmoothing);
    const torch::Tensor pool = torch::cross_entropy_loss(logits.narrow(0, b, u.size(0)), poolTargets);
    const torch::Tensor loss = labelled + weight * pool;
    m_optimizer->zero_grad();
    loss.backward();
    m_optimizer->step();
    return loss.detach();
}

} // namespace activelabel::detail
