#include "model/detail/trainingstate.h"

#include "model/detail/augmentation.h"
#include "model/detail/device.h"
#include "model/detail/jitbuilder.h"
#include "model/modelerror.h"

#include <cmath>
#include <sstream>

namespace activelabel::detail {

namespace {

bool contains(const std::vector<std::string> &v, const std::string &s)
{
    return std::find(v.begin(), v.end(), s) != v.end();
}

} // namespace

TrainingState::TrainingState(Classifier::Impl &impl, const TransferMode &mode, const TrainingOptions &options)
    : m_d(impl), m_mode(mode), m_options(options)
{
    const int blocks = int(m_d.backbone.blocks.size());
    switch (mode.kind) {
    case TransferMode::Kind::Frozen:
        m_trainableFrom = blocks;
        break;
    case TransferMode::Kind::Finetune:
        m_trainableFrom = std::max(0, blocks - mode.blocks);
        break;
    default:
        m_trainableFrom = 0;
    }
    m_boundary = m_d.backbone.hasStages() ? m_trainableFrom : (m_trainableFrom >= blocks ? 1 : 0);
    m_useCache = options.useFeatureCache && m_boundary > 0;

    torch::NoGradGuard noGrad;
    for (const auto &p : m_d.backbone.module.named_parameters())
        m_snapshot.push_back(p.value.clone());
    for (const auto &b : m_d.backbone.module.named_buffers())
        m_snapshot.push_back(b.value.clone());
    m_snapshotHeadW = m_d.headWeight.clone();
    m_snapshotHeadB = m_d.headBias.clone();
    m_snapshotTemperature = m_d.temperature;

    if (mode.kind == TransferMode::Kind::Scratch)
        reinitialise();

    std::vector<torch::Tensor> backboneParams;
    for (const auto &p : m_d.backbone.module.named_parameters()) {
        const int block = m_d.backbone.blockOf(p.name);
        const bool trainable =
            block >= 0 && block >= m_trainableFrom && !contains(m_d.backbone.fixedParameters, p.name);
        p.value.set_requires_grad(trainable);
        if (trainable) {
            backboneParams.push_back(p.value);
            m_trainable.push_back(p.value);
        }
    }
    for (const auto &b : m_d.backbone.module.named_buffers())
        if (m_d.backbone.blockOf(b.name) >= m_trainableFrom)
            m_trainable.push_back(b.value);
    m_d.headWeight.set_requires_grad(true);
    m_d.headBias.set_requires_grad(true);
    m_trainable.push_back(m_d.headWeight);
    m_trainable.push_back(m_d.headBias);

    if (mode.kind != TransferMode::Kind::Scratch && options.warmStart == WarmStart::ShrinkAndPerturb)
        shrinkAndPerturb(options.shrink, options.perturb);

    // Pretrained features (an imported model) and fine-tuned blocks move slowly, so the few labels
    // adjust rather than overwrite them. A backbone learnt in this project from these same labels
    // continues at the head's rate: slowing it would only freeze in what it learnt from fewer.
    const bool slow = mode.kind != TransferMode::Kind::Scratch &&
                      (mode.kind == TransferMode::Kind::Finetune || m_d.backboneLabels < 0);
    const double backboneLr = options.learningRate * (slow ? options.backboneLrFactor : 1.0);
    std::vector<torch::optim::OptimizerParamGroup> groups;
    if (!backboneParams.empty())
        groups.emplace_back(backboneParams, std::make_unique<torch::optim::AdamOptions>(
                                                torch::optim::AdamOptions(backboneLr).weight_decay(options.weightDecay)));
    groups.emplace_back(std::vector<torch::Tensor>{m_d.headWeight, m_d.headBias},
                        std::make_unique<torch::optim::AdamOptions>(
                            torch::optim::AdamOptions(options.learningRate).weight_decay(options.weightDecay)));
    m_optimizer = std::make_unique<torch::optim::Adam>(
        groups, torch::optim::AdamOptions(options.learningRate).weight_decay(options.weightDecay));
    for (const auto &group : m_optimizer->param_groups())
        m_baseLearningRates.push_back(static_cast<const torch::optim::AdamOptions &>(group.options()).lr());
    std::int64_t count = 0;
    for (const auto &p : backboneParams)
        count += p.numel();
    m_optimizerKey = mode.toString().toStdString() + "/" + std::to_string(m_trainableFrom) + "/" +
                     std::to_string(count) + "/" + std::to_string(m_d.headWeight.numel());
    if (mode.kind != TransferMode::Kind::Scratch && m_optimizerKey == m_d.optimizerKey && !m_d.optimizerState.empty()) {
        try {
            torch::serialize::InputArchive archive;
            std::istringstream in(m_d.optimizerState);
            archive.load_from(in, m_d.device); // moments onto the parameters' device
            m_optimizer->load(archive);
        } catch (const std::exception &) {
            // Moments from another layout: start them afresh.
        }
        scaleLearningRate(1.0); // the archive also restores the last round's (possibly decayed) rates
    }
    setTrainingModes(true);
}

TrainingState::~TrainingState() = default;

void TrainingState::reinitialise()
{
    torch::NoGradGuard noGrad;
    const std::uint64_t seed = m_options.seed * 1000003ULL + m_d.seed + 1;
    if (m_d.backbone.kind != "torchscript") {
        const Backbone fresh = makeBuiltin(m_d.spec, seed);
        copyParametersAndBuffers(fresh.module, m_d.backbone.module);
    } else {
        // Generic re-initialisation for imported modules: PyTorch's default layer init for
        // weights, identity for normalisation layers, zero biases and statistics.
        // Drawn on the CPU (seeded the same on every device) and copied to the parameter.
        auto gen = at::detail::createCPUGenerator(seed);
        for (const auto &p : m_d.backbone.module.named_parameters()) {
            if (contains(m_d.backbone.fixedParameters, p.name))
                continue;
            torch::Tensor t = p.value;
            if (t.dim() >= 2) {
                const double bound = 1.0 / std::sqrt(double(t.numel() / t.size(0)));
                t.copy_(torch::empty_like(t, t.options().device(torch::kCPU)).uniform_(-bound, bound, gen));
            } else if (p.name.size() > 6 && p.name.compare(p.name.size() - 6, 6, "weight") == 0) {
                t.fill_(1.0);
            } else {
                t.zero_();
            }
        }
        for (const auto &b : m_d.backbone.module.named_buffers()) {
            torch::Tensor t = b.value;
            const bool var = b.name.find("running_var") != std::string::npos;
            t.fill_(var ? 1.0 : 0.0);
        }
    }
    m_d.initHead(int(m_d.classes.size()), seed);
    m_d.temperature = 1.0;
}

void TrainingState::shrinkAndPerturb(double shrink, double perturb)
{
    // Ash & Adams (2020): shrink the warm weights towards zero and add a little fresh-init-sized
    // noise, which restores the generalisation a plain warm start loses.
    torch::NoGradGuard noGrad;
    auto gen = at::detail::createCPUGenerator(m_options.seed * 7919ULL + 3);
    for (auto &t : m_trainable) {
        if (!t.requires_grad() || t.dim() < 2)
            continue;
        const double scale = 1.0 / std::sqrt(double(t.numel() / t.size(0)));
        // In t's memory format (channels_last conv weights), so a seed gives the same noise everywhere.
        const torch::Tensor noise =
            torch::empty_like(t, t.options().device(torch::kCPU)).normal_(0.0, 1.0, gen).to(t.device());
        t.mul_(shrink).add_(noise * (perturb * scale));
    }
}

void TrainingState::setTrainingModes(bool training)
{
    auto &m = m_d.backbone.module;
    if (!training || m_trainableFrom >= int(m_d.backbone.blocks.size())) {
        m.eval();
        return;
    }
    m.train(true);
    // Frozen blocks stay in eval mode so their BatchNorm statistics do not move either.
    for (int b = 0; b < m_trainableFrom; ++b)
        for (const auto &path : m_d.backbone.blocks[std::size_t(b)].paths)
            m_d.backbone.submodule(path).train(false);
    for (const auto &path : m_d.backbone.alwaysEval)
        m_d.backbone.submodule(path).train(false);
}

void TrainingState::prepareInputs(const ImageProvider &images, const std::vector<LabelledSample> &train,
                                  const std::vector<LabelledSample> &heldOut)
{
    m_images = &images;
    auto load = [&](const std::vector<LabelledSample> &samples, torch::Tensor &inputs, std::vector<std::size_t> &indices,
                    std::vector<int> &targets) {
        std::vector<std::size_t> all;
        for (const auto &s : samples)
            all.push_back(s.index);
        std::vector<std::size_t> failed;
        const double bytes = double(all.size()) * m_d.spec.channels * m_d.spec.inputHeight * m_d.spec.inputWidth * 4;
        if (m_boundary > 0) {
            inputs = m_d.boundaryInputs(images, all, m_boundary, m_useCache, 256, &failed, nullptr).clone();
        } else if (bytes <= 1e9) {
            torch::NoGradGuard noGrad;
            inputs = m_d.preprocess(images, all, 0, all.size(), &failed, nullptr).to(m_d.device);
        }
        std::vector<std::int64_t> keep;
        std::size_t next = 0;
        for (std::size_t i = 0; i < samples.size(); ++i) {
            if (next < failed.size() && failed[next] == i) {
                ++next;
                continue;
            }
            keep.push_back(std::int64_t(i));
            indices.push_back(samples[i].index);
            targets.push_back(samples[i].classIndex);
        }
        if (inputs.defined() && !failed.empty())
            inputs = inputs.index_select(0, indexTensor(keep, inputs.device()));
    };
    load(train, m_trainInputs, m_trainIndices, m_trainTargets);
    load(heldOut, m_heldOutInputs, m_heldOutIndices, m_heldOutTargets);
    m_trainTargetTensor = indexTensor(std::vector<std::int64_t>(m_trainTargets.begin(), m_trainTargets.end()), m_d.device);
}

torch::Tensor TrainingState::inputsFor(const torch::Tensor &stored, const std::vector<std::size_t> &indices,
                                       const std::vector<std::int64_t> &rows, const torch::Tensor &rowIndex) const
{
    if (stored.defined())
        return stored.index_select(0, rowIndex);
    std::vector<std::size_t> chosen;
    for (auto r : rows)
        chosen.push_back(indices[std::size_t(r)]);
    torch::NoGradGuard noGrad;
    return m_d.preprocess(*m_images, chosen, 0, chosen.size(), nullptr, nullptr).to(m_d.device);
}

torch::Tensor TrainingState::forward(const torch::Tensor &x, bool training)
{
    // Images (and cached conv maps) in the same NHWC layout as the conv weights (useChannelsLast).
    const torch::Tensor in = x.dim() == 4 ? x.contiguous(torch::MemoryFormat::ChannelsLast) : x;
    torch::Tensor f = m_d.runStages(m_d.backbone.module, m_boundary, m_d.backbone.stageCount, in);
    if (training && m_d.spec.headDropout > 0.0f)
        f = torch::dropout(f, m_d.spec.headDropout, true);
    return torch::linear(f, m_d.headWeight, m_d.headBias);
}

torch::Tensor TrainingState::step(const std::vector<std::int64_t> &rows, const torch::Tensor &rowIndex, bool augment,
                                  bool flip, std::mt19937_64 &rng)
{
    torch::Tensor x = inputsFor(m_trainInputs, m_trainIndices, rows, rowIndex);
    if (m_boundary == 0 && augment)
        x = augmentBatch(x, flip, rng);
    // Targets gathered on the device: a host-to-device copy of them would wait for the GPU.
    const torch::Tensor loss =
        torch::cross_entropy_loss(forward(x, true), m_trainTargetTensor.index_select(0, rowIndex), {},
                                  at::Reduction::Mean, -100, m_options.labelSmoothing);
    m_optimizer->zero_grad();
    loss.backward();
    m_optimizer->step();
    return loss.detach();
}

void TrainingState::scaleLearningRate(double factor)
{
    auto &groups = m_optimizer->param_groups();
    for (std::size_t g = 0; g < groups.size(); ++g)
        static_cast<torch::optim::AdamOptions &>(groups[g].options()).lr(m_baseLearningRates[g] * factor);
}

torch::Tensor TrainingState::heldOutLogits()
{
    torch::NoGradGuard noGrad;
    setTrainingModes(false);
    std::vector<torch::Tensor> parts;
    const std::int64_t n = std::int64_t(m_heldOutTargets.size());
    for (std::int64_t begin = 0; begin < n; begin += 256) {
        std::vector<std::int64_t> rows;
        for (std::int64_t i = begin; i < std::min(n, begin + 256); ++i)
            rows.push_back(i);
        parts.push_back(forward(inputsFor(m_heldOutInputs, m_heldOutIndices, rows, indexTensor(rows, m_d.device)), false));
    }
    setTrainingModes(true);
    return torch::cat(parts);
}

torch::Tensor TrainingState::heldOutTargets() const
{
    std::vector<std::int64_t> y(m_heldOutTargets.begin(), m_heldOutTargets.end());
    return indexTensor(y, m_d.device);
}

std::pair<double, double> TrainingState::evaluateHeldOut()
{
    torch::NoGradGuard noGrad;
    const torch::Tensor logits = heldOutLogits();
    const torch::Tensor targets = heldOutTargets();
    const double acc = logits.argmax(1).eq(targets).to(torch::kDouble).mean().item<double>();
    const double nll = torch::cross_entropy_loss(logits, targets).item<double>();
    return {acc, nll};
}

void TrainingState::keepBest()
{
    torch::NoGradGuard noGrad;
    m_best.clear();
    for (const auto &t : m_trainable)
        m_best.push_back(t.detach().clone());
}

void TrainingState::restoreBest()
{
    torch::NoGradGuard noGrad;
    for (std::size_t i = 0; i < m_best.size(); ++i)
        m_trainable[i].copy_(m_best[i]);
}

void TrainingState::rollback()
{
    torch::NoGradGuard noGrad;
    std::size_t i = 0;
    for (const auto &p : m_d.backbone.module.named_parameters())
        p.value.copy_(m_snapshot[i++]);
    for (const auto &b : m_d.backbone.module.named_buffers())
        b.value.copy_(m_snapshot[i++]);
    for (auto p : m_d.backbone.module.parameters())
        p.set_requires_grad(false);
    m_d.headWeight = m_snapshotHeadW;
    m_d.headBias = m_snapshotHeadB;
    m_d.temperature = m_snapshotTemperature;
    m_d.backbone.module.eval();
}

void TrainingState::commit(std::size_t labelCount)
{
    for (auto p : m_d.backbone.module.parameters())
        p.set_requires_grad(false);
    m_d.headWeight.set_requires_grad(false);
    m_d.headBias.set_requires_grad(false);
    m_d.backbone.module.eval();
    const int blocks = int(m_d.backbone.blocks.size());
    if (m_trainableFrom < blocks) {
        // Only the stages at and above the first trainable block changed: features below the
        // boundary (and the cache holding them) stay valid.
        const int firstChanged = m_d.backbone.hasStages() ? m_trainableFrom : 0;
        m_d.bumpStages(firstChanged, m_d.backbone.stageCount);
    }
    m_d.cacheBoundary = m_boundary;
    if (m_mode.kind == TransferMode::Kind::Scratch || (m_d.backboneLabels >= 0 && m_trainableFrom == 0) ||
        (m_d.backboneLabels == 0 && m_trainableFrom < blocks))
        m_d.backboneLabels = (long long)labelCount;
    m_d.lastMode = m_mode;
    torch::serialize::OutputArchive archive;
    m_optimizer->save(archive);
    std::ostringstream out;
    archive.save_to(out);
    m_d.optimizerState = out.str();
    m_d.optimizerKey = m_optimizerKey;
}

} // namespace activelabel::detail
