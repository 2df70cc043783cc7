// The parts of Classifier that concern its state across rounds and sessions: snapshots that a
// cancelled round restores, and the on-disk feature store with the content key it is addressed by.
#include "model/detail/classifierimpl.h"

#include "model/modelerror.h"

#include <QCryptographicHash>

namespace activelabel {

struct ClassifierSnapshot
{
    std::vector<torch::Tensor> parameters; // backbone named_parameters() order
    std::vector<torch::Tensor> buffers;    // backbone named_buffers() order
    torch::Tensor headWeight, headBias;
    QStringList classes;
    double temperature = 1.0;
    long long backboneLabels = 0;
    TransferMode lastMode;
    std::string optimizerState, optimizerKey;
    std::vector<std::uint64_t> stageVersions;
    int cacheBoundary = 0;
};

std::shared_ptr<const ClassifierSnapshot> Classifier::snapshot() const
{
    torch::NoGradGuard noGrad;
    const Impl &d = *m_impl;
    auto s = std::make_shared<ClassifierSnapshot>();
    for (const auto &p : d.backbone.module.named_parameters())
        s->parameters.push_back(p.value.detach().clone());
    for (const auto &b : d.backbone.module.named_buffers())
        s->buffers.push_back(b.value.detach().clone());
    s->headWeight = d.headWeight.detach().clone();
    s->headBias = d.headBias.detach().clone();
    s->classes = d.classes;
    s->temperature = d.temperature;
    s->backboneLabels = d.backboneLabels;
    s->lastMode = d.lastMode;
    s->optimizerState = d.optimizerState;
    s->optimizerKey = d.optimizerKey;
    s->stageVersions = d.stageVersions;
    s->cacheBoundary = d.cacheBoundary;
    return s;
}

void Classifier::restore(const ClassifierSnapshot &s)
{
    torch::NoGradGuard noGrad;
    Impl &d = *m_impl;
    const auto parameters = d.backbone.module.named_parameters();
    const auto buffers = d.backbone.module.named_buffers();
    if (parameters.size() != s.parameters.size() || buffers.size() != s.buffers.size())
        throw ModelError(QStringLiteral("restore: the snapshot belongs to another backbone"));
    std::size_t i = 0;
    for (const auto &p : parameters) {
        p.value.copy_(s.parameters[i++]); // copy_ keeps each weight's memory format (NHWC)
        p.value.set_requires_grad(false);
    }
    i = 0;
    for (const auto &b : buffers)
        b.value.copy_(s.buffers[i++]);
    d.headWeight = s.headWeight.clone();
    d.headBias = s.headBias.clone();
    d.classes = s.classes;
    d.temperature = s.temperature;
    d.backboneLabels = s.backboneLabels;
    d.lastMode = s.lastMode;
    d.optimizerState = s.optimizerState;
    d.optimizerKey = s.optimizerKey;
    // The versions the weights had: the inference module and cached rows built for other
    // versions no longer match and are rebuilt; those built for these very weights stay valid.
    d.stageVersions = s.stageVersions;
    d.cacheBoundary = s.cacheBoundary;
    d.backbone.module.eval();
}

void Classifier::setFeatureStore(const QString &directory, std::uint64_t budgetBytes)
{
    if (directory.isEmpty() || budgetBytes == 0) {
        m_impl->cache.attachStore(nullptr);
        return;
    }
    if (const detail::DiskFeatureStore *store = m_impl->cache.store();
        store && store->root() == directory.toStdString() && store->budgetBytes() == budgetBytes)
        return;
    m_impl->cache.attachStore(std::make_unique<detail::DiskFeatureStore>(directory.toStdString(), budgetBytes));
}

const std::string &Classifier::Impl::persistentKey(int boundary)
{
    std::vector<std::uint64_t> versions = versionsBelow(boundary);
    if (boundary == keyBoundary && versions == keyVersions)
        return key;
    torch::NoGradGuard noGrad;
    QCryptographicHash hash(QCryptographicHash::Sha1);
    auto addText = [&](const std::string &text) {
        hash.addData(QByteArrayView(text.data(), qsizetype(text.size() + 1))); // with its NUL: unambiguous
    };
    auto addTensor = [&](const std::string &name, const torch::Tensor &t) {
        addText(name);
        // Logical (NCHW) order whatever the strides, so NHWC and NCHW copies of a weight agree.
        const torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
        hash.addData(QByteArrayView(static_cast<const char *>(c.data_ptr()), qsizetype(c.numel() * c.element_size())));
    };
    addText(backbone.kind);
    addText(std::to_string(spec.inputHeight) + "x" + std::to_string(spec.inputWidth) + "x" +
            std::to_string(spec.channels));
    for (float m : spec.mean)
        addText(std::to_string(m));
    for (float v : spec.std)
        addText(std::to_string(v));
    addText("boundary " + std::to_string(boundary));
    // Stage i is block i for built-ins; an imported backbone is one stage (boundary 1 = all of it).
    auto below = [&](const std::string &name) { return !backbone.hasStages() || backbone.blockOf(name) < boundary; };
    for (const auto &p : backbone.module.named_parameters())
        if (below(p.name))
            addTensor(p.name, p.value);
    for (const auto &b : backbone.module.named_buffers())
        if (below(b.name))
            addTensor(b.name, b.value);
    key = hash.result().toHex().toStdString();
    keyBoundary = boundary;
    keyVersions = std::move(versions);
    return key;
}

} // namespace activelabel
