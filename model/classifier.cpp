#include "model/detail/classifierimpl.h"

#include "model/modelerror.h"

#include <atomic>
#include <cmath>
#include <sstream>

namespace activelabel {

namespace {

FloatMatrix toMatrix(const torch::Tensor &t)
{
    const torch::Tensor c = t.to(torch::kCPU, torch::kFloat).contiguous();
    FloatMatrix m(std::size_t(c.size(0)), c.dim() > 1 ? std::size_t(c.size(1)) : 1);
    std::memcpy(m.data.data(), c.data_ptr<float>(), m.data.size() * sizeof(float));
    return m;
}

// T passes of the head with dropout on fixed features (the backbone part is deterministic in
// eval mode, so this is MC dropout over the layer that has dropout).
std::vector<FloatMatrix> mcDropoutPasses(const torch::Tensor &f, const torch::Tensor &weight, const torch::Tensor &bias,
                                         double p, double temperature, int passes, std::uint64_t seed)
{
    // The masks are drawn on the CPU from a seeded generator, so the passes are the same on every
    // device (a CUDA tensor cannot draw from a CPU generator).
    auto gen = at::detail::createCPUGenerator(seed);
    std::vector<FloatMatrix> out;
    for (int t = 0; t < passes; ++t) {
        torch::Tensor x = f;
        if (p > 0.0) {
            const torch::Tensor keep = torch::empty(f.sizes()).bernoulli_(1.0 - p, gen).to(f.device());
            x = f * keep / (1.0 - p);
        }
        out.push_back(toMatrix(torch::softmax(torch::linear(x, weight, bias) / temperature, 1)));
    }
    return out;
}

// Process-wide, so two classifiers never share a version; atomic, since the GUI's worker and a
// CLI-style caller on another thread (tests, benchmarks) may build classifiers at the same time.
std::atomic<std::uint64_t> g_versionCounter{1};

} // namespace

// ---- Impl ---------------------------------------------------------------------------------

torch::jit::Module detail::copyInOwnUnit(const torch::jit::Module &module, const torch::Device &device)
{
    std::stringstream buffer;
    module.save(buffer);
    buffer.seekg(0);
    return torch::jit::load(buffer, device);
}

void Classifier::Impl::useChannelsLast()
{
    torch::NoGradGuard noGrad;
    // Not Tensor::contiguous(ChannelsLast): a weight with one input channel (a greyscale model's
    // first conv) already counts as channels_last-contiguous with its NCHW strides, is returned
    // unchanged, and then makes oneDNN run that layer in NCHW; its block's max-pool then took the
    // NCHW kernel (9x slower here) and format conversions followed in both passes. Explicit NHWC
    // strides avoid all of that (docs/benchmarks.md has the training rate).
    for (const auto &p : backbone.module.named_parameters())
        if (p.value.dim() == 4)
            p.value.set_data(torch::empty_like(p.value, p.value.options(), torch::MemoryFormat::ChannelsLast)
                                 .copy_(p.value));
}

void Classifier::Impl::moveTo(const torch::Device &target)
{
    if (target == device)
        return;
    torch::NoGradGuard noGrad;
    backbone.module.to(target); // parameters and buffers in place (set_data): memory format kept
    headWeight = headWeight.to(target);
    headBias = headBias.to(target);
    device = target;
    hasOptimized = false;
}

void Classifier::Impl::placeOn(const torch::Device &target)
{
    moveTo(target);
    if (target.is_cpu() || backbone.kind != "torchscript")
        return;
    // A traced model can carry tensors made on the CPU as constants of its graph; it then fails
    // on any other device. Such a model stays on the CPU, where it was shown to work.
    try {
        c10::InferenceMode guard;
        backbone.module.forward(
            {torch::zeros({2, spec.channels, spec.inputHeight, spec.inputWidth}, torch::TensorOptions().device(target))});
    } catch (const std::exception &) {
        moveTo(torch::kCPU);
    }
}

void Classifier::Impl::resetVersions()
{
    stageVersions.assign(std::size_t(backbone.stageCount), 0);
    bumpStages(0, backbone.stageCount);
    cacheBoundary = 0;
    cache.clear();
    hasOptimized = false;
}

void Classifier::Impl::bumpStages(int from, int to)
{
    for (int i = from; i < to; ++i)
        stageVersions[std::size_t(i)] = g_versionCounter++;
}

std::vector<std::uint64_t> Classifier::Impl::versionsBelow(int boundary) const
{
    return std::vector<std::uint64_t>(stageVersions.begin(), stageVersions.begin() + boundary);
}

void Classifier::Impl::initHead(int classCount, std::uint64_t headSeed)
{
    torch::NoGradGuard noGrad;
    auto gen = at::detail::createCPUGenerator(headSeed ^ 0x9e3779b97f4a7c15ULL);
    const double bound = 1.0 / std::sqrt(double(backbone.featureDim));
    headWeight = torch::empty({classCount, backbone.featureDim}).uniform_(-bound, bound, gen);
    headBias = torch::empty({classCount}).uniform_(-bound, bound, gen);
    // Drawn on the CPU so that a seed gives the same head on every device.
    headWeight = headWeight.to(device);
    headBias = headBias.to(device);
}

const torch::jit::Module &Classifier::Impl::inferenceModule()
{
    if (hasOptimized && optimizedVersions == stageVersions)
        return optimized;
    torch::jit::Module clone = detail::copyInOwnUnit(backbone.module, device);
    clone.eval();
    std::vector<std::string> methods;
    if (backbone.hasStages())
        for (int i = 0; i < backbone.stageCount; ++i)
            methods.push_back("stage" + std::to_string(i));
    try {
        // The same passes as Python's torch.jit.optimize_for_inference: conv/bn folding,
        // constant weights, MKLDNN layouts where they pay.
        torch::jit::Module frozen = torch::jit::freeze(clone, methods);
        optimized = torch::jit::optimize_for_inference(frozen, methods);
    } catch (const std::exception &) {
        optimized = clone; // an exotic imported model: plain eval-mode inference still works
    }
    hasOptimized = true;
    optimizedVersions = stageVersions;
    return optimized;
}

torch::Tensor Classifier::Impl::runStages(const torch::jit::Module &module, int from, int to,
                                          const torch::Tensor &x) const
{
    // The whole network in one call: optimize_for_inference converts to and from oneDNN layouts
    // once per method graph, so chaining stage methods would pay that at every stage boundary.
    if (!backbone.hasStages() || (from == 0 && to >= backbone.stageCount))
        return (from == 0 && to >= 1) ? module.get_method("forward")({x}).toTensor() : x;
    torch::Tensor y = x;
    for (int i = from; i < to; ++i)
        y = module.get_method("stage" + std::to_string(i))({y}).toTensor();
    return y;
}

torch::Tensor Classifier::Impl::boundaryInputs(const ImageProvider &images, const std::vector<std::size_t> &indices,
                                               int boundary, bool useCache, int batchSize,
                                               std::vector<std::size_t> *failed, QStringList *reasons)
{
    c10::InferenceMode guard;
    if (useCache && boundary > 0)
        cache.use({&images, images.size(), boundary, versionsBelow(boundary),
                   cache.hasStore() ? persistentKey(boundary) : std::string()});
    std::vector<torch::Tensor> parts;
    const std::size_t step = std::size_t(std::max(1, batchSize));
    for (std::size_t begin = 0; begin < indices.size(); begin += step) {
        const std::size_t end = std::min(indices.size(), begin + step);
        std::vector<std::size_t> chunk(indices.begin() + std::ptrdiff_t(begin), indices.begin() + std::ptrdiff_t(end));
        std::vector<std::int64_t> rows = (useCache && boundary > 0) ? cache.lookup(chunk)
                                                                     : std::vector<std::int64_t>(chunk.size(), -1);
        std::vector<std::size_t> missing;
        std::vector<std::int64_t> missingPos, hitPos, hitRows;
        for (std::size_t i = 0; i < chunk.size(); ++i) {
            if (rows[i] < 0) {
                missing.push_back(chunk[i]);
                missingPos.push_back(std::int64_t(i));
            } else {
                hitPos.push_back(std::int64_t(i));
                hitRows.push_back(rows[i]);
            }
        }
        torch::Tensor computed, hits;
        if (!missing.empty()) {
            std::vector<std::size_t> bad;
            torch::Tensor x = preprocess(images, missing, 0, missing.size(), &bad, reasons).to(device);
            computed = boundary == 0 ? x : runStages(inferenceModule(), 0, boundary, x);
            if (boundary > 0)
                backboneImages += missing.size();
            if (useCache && boundary > 0)
                computed = cache.storagePrecision(computed);
            for (std::size_t b : bad)
                if (failed)
                    failed->push_back(begin + std::size_t(missingPos[b]));
            if (useCache && boundary > 0) {
                std::vector<std::size_t> good;
                std::vector<std::int64_t> goodRows;
                std::size_t next = 0;
                for (std::size_t i = 0; i < missing.size(); ++i) {
                    if (next < bad.size() && bad[next] == i) {
                        ++next;
                        continue;
                    }
                    good.push_back(missing[i]);
                    goodRows.push_back(std::int64_t(i));
                }
                if (!good.empty())
                    cache.insert(good, computed.index_select(0, detail::indexTensor(goodRows, device)));
            }
        }
        if (!hitRows.empty())
            hits = cache.gather(hitRows).to(device);
        if (hitRows.empty()) {
            parts.push_back(computed);
            continue;
        }
        if (missing.empty()) {
            parts.push_back(hits);
            continue;
        }
        std::vector<std::int64_t> shape(hits.sizes().begin(), hits.sizes().end());
        shape[0] = std::int64_t(chunk.size());
        torch::Tensor out = torch::empty(shape, torch::TensorOptions().device(device));
        out.index_copy_(0, detail::indexTensor(hitPos, device), hits);
        out.index_copy_(0, detail::indexTensor(missingPos, device), computed);
        parts.push_back(out);
    }
    if (parts.empty())
        return torch::empty({0}, torch::TensorOptions().device(device));
    return parts.size() == 1 ? parts.front() : torch::cat(parts);
}

torch::Tensor Classifier::Impl::features(const ImageProvider &images, const std::vector<std::size_t> &indices,
                                         bool useCache, int batchSize, std::vector<std::size_t> *failed,
                                         QStringList *reasons,
                                         const std::function<void(std::size_t, std::size_t)> &progress,
                                         const std::atomic<bool> *cancel)
{
    c10::InferenceMode guard;
    const int boundary = useCache ? cacheBoundary : 0;
    std::vector<torch::Tensor> parts;
    const std::size_t step = std::size_t(std::max(1, batchSize));
    for (std::size_t begin = 0; begin < indices.size(); begin += step) {
        if (cancel && cancel->load())
            throw Cancelled();
        const std::size_t end = std::min(indices.size(), begin + step);
        std::vector<std::size_t> chunk(indices.begin() + std::ptrdiff_t(begin), indices.begin() + std::ptrdiff_t(end));
        std::vector<std::size_t> bad;
        torch::Tensor in = boundaryInputs(images, chunk, boundary, useCache, batchSize, &bad, reasons);
        for (std::size_t b : bad)
            if (failed)
                failed->push_back(begin + b);
        parts.push_back(runStages(inferenceModule(), boundary, backbone.stageCount, in));
        if (boundary == 0)
            backboneImages += chunk.size() - bad.size(); // from pixels; above 0 boundaryInputs counts

        if (progress)
            progress(std::min(indices.size(), begin + step), indices.size());
    }
    if (parts.empty())
        return torch::empty({0, backbone.featureDim}, torch::TensorOptions().device(device));
    return parts.size() == 1 ? parts.front() : torch::cat(parts);
}

torch::Tensor Classifier::Impl::logits(const torch::Tensor &f) const
{
    return torch::linear(f, headWeight, headBias);
}

// ---- Classifier ---------------------------------------------------------------------------

Classifier::Classifier(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Classifier::~Classifier() = default;

std::unique_ptr<Classifier> Classifier::create(const ModelSpec &specIn, const QStringList &classNames,
                                               std::uint64_t seed)
{
    auto impl = std::make_unique<Impl>();
    impl->spec = specIn;
    impl->seed = seed;
    QStringList unique = classNames;
    if (unique.removeDuplicates() != 0)
        throw ModelError(QStringLiteral("class names must be unique"));
    impl->classes = classNames;
    detail::ImportedHead imported;
    if (specIn.isBuiltin()) {
        const QString invalid = specIn.validate();
        if (!invalid.isEmpty())
            throw ModelError(invalid);
        try {
            impl->backbone = detail::makeBuiltin(impl->spec, seed);
        } catch (const ModelError &) {
            throw;
        } catch (const std::exception &e) {
            throw ModelError(QStringLiteral("cannot build %1: %2")
                                 .arg(specIn.backbone, QString::fromUtf8(e.what()).trimmed().section('\n', 0, 0)));
        }
    } else {
        impl->backbone = detail::importTorchScript(impl->spec, &imported);
        impl->backboneLabels = -1;
    }
    impl->initHead(int(classNames.size()), seed);
    if (imported.weight.defined()) {
        torch::NoGradGuard noGrad;
        for (int i = 0; i < classNames.size(); ++i) {
            const int j = int(imported.classes.indexOf(classNames[i]));
            if (j < 0)
                continue;
            impl->headWeight[i].copy_(imported.weight[j]);
            impl->headBias[i].copy_(imported.bias[j]);
        }
    }
    impl->useChannelsLast();
    impl->resetVersions();
    impl->placeOn(detail::defaultDevice());
    return std::unique_ptr<Classifier>(new Classifier(std::move(impl)));
}

const ModelSpec &Classifier::spec() const { return m_impl->spec; }
const QStringList &Classifier::classNames() const { return m_impl->classes; }
int Classifier::classCount() const { return int(m_impl->classes.size()); }
QString Classifier::backboneKind() const { return QString::fromStdString(m_impl->backbone.kind); }
int Classifier::featureDim() const { return int(m_impl->backbone.featureDim); }
double Classifier::temperature() const { return m_impl->temperature; }
bool Classifier::backboneTrained() const { return m_impl->backboneLabels != 0; }
long long Classifier::backboneLabels() const { return m_impl->backboneLabels; }
TransferMode Classifier::lastMode() const { return m_impl->lastMode; }
std::int64_t Classifier::headParameterCount() const { return m_impl->headWeight.numel() + m_impl->headBias.numel(); }

QStringList Classifier::blockNames() const
{
    QStringList names;
    for (const auto &b : m_impl->backbone.blocks)
        names << QString::fromStdString(b.name);
    return names;
}

std::vector<std::int64_t> Classifier::blockParameterCounts() const
{
    std::vector<std::int64_t> counts;
    for (const auto &b : m_impl->backbone.blocks)
        counts.push_back(b.parameterCount);
    return counts;
}

void Classifier::addClass(const QString &name)
{
    if (name.isEmpty() || m_impl->classes.contains(name))
        throw ModelError(QStringLiteral("class '%1' already exists or is empty").arg(name));
    torch::NoGradGuard noGrad;
    auto gen = at::detail::createCPUGenerator(m_impl->seed + std::uint64_t(m_impl->classes.size()) * 7919u);
    const double bound = 1.0 / std::sqrt(double(m_impl->backbone.featureDim));
    // New rows start small so the new class does not steal mass from the old ones before it has
    // any labels; the old rows are copied untouched.
    const torch::Device device = m_impl->device;
    torch::Tensor row = torch::empty({1, m_impl->backbone.featureDim}).uniform_(-bound, bound, gen).to(device);
    m_impl->headWeight = torch::cat({m_impl->headWeight.detach(), row}).contiguous();
    m_impl->headBias =
        torch::cat({m_impl->headBias.detach(), torch::full({1}, -1.0f, torch::TensorOptions().device(device))})
            .contiguous();
    m_impl->classes << name;
    m_impl->optimizerState.clear(); // the head's moments no longer fit its shape
    m_impl->optimizerKey.clear();
}

void Classifier::remapClasses(const QStringList &names, const std::vector<int> &sourceRows)
{
    if (std::size_t(names.size()) != sourceRows.size())
        throw ModelError(QStringLiteral("remapClasses: %1 names for %2 rows").arg(names.size()).arg(sourceRows.size()));
    for (int i = 0; i < names.size(); ++i) {
        if (names[i].isEmpty() || names.indexOf(names[i]) != i)
            throw ModelError(QStringLiteral("class '%1' is empty or named twice").arg(names[i]));
        if (sourceRows[std::size_t(i)] < -1 || sourceRows[std::size_t(i)] >= m_impl->classes.size())
            throw ModelError(QStringLiteral("remapClasses: no head row %1").arg(sourceRows[std::size_t(i)]));
    }
    bool sameRows = std::size_t(m_impl->classes.size()) == sourceRows.size();
    for (std::size_t i = 0; sameRows && i < sourceRows.size(); ++i)
        sameRows = sourceRows[i] == int(i);
    if (sameRows) {
        m_impl->classes = names; // a rename: nothing else changes, not even the optimizer's moments
        return;
    }
    torch::NoGradGuard noGrad;
    const double bound = 1.0 / std::sqrt(double(m_impl->backbone.featureDim));
    std::vector<torch::Tensor> weights, biases;
    for (std::size_t i = 0; i < sourceRows.size(); ++i) {
        const int from = sourceRows[i];
        if (from >= 0) {
            weights.push_back(m_impl->headWeight.detach()[from].unsqueeze(0).clone());
            biases.push_back(m_impl->headBias.detach()[from].unsqueeze(0).clone());
        } else {
            auto gen = at::detail::createCPUGenerator(m_impl->seed + std::uint64_t(i + 1) * 7919u);
            weights.push_back(
                torch::empty({1, m_impl->backbone.featureDim}).uniform_(-bound, bound, gen).to(m_impl->device));
            biases.push_back(torch::full({1}, -1.0f, torch::TensorOptions().device(m_impl->device)));
        }
    }
    const auto onDevice = torch::TensorOptions().device(m_impl->device);
    m_impl->headWeight = weights.empty() ? torch::empty({0, m_impl->backbone.featureDim}, onDevice)
                                         : torch::cat(weights).contiguous();
    m_impl->headBias = biases.empty() ? torch::empty({0}, onDevice) : torch::cat(biases).contiguous();
    m_impl->classes = names;
    m_impl->optimizerState.clear(); // the head's moments no longer fit its rows
    m_impl->optimizerKey.clear();
}

Prediction Classifier::predict(const ImageProvider &images, const std::vector<std::size_t> &indices,
                               const PredictOptions &options)
{
    c10::InferenceMode guard;
    Prediction result;
    const torch::Tensor f = m_impl->features(images, indices, options.useFeatureCache, options.batchSize,
                                             &result.failedRows, &result.failureReasons, options.progress,
                                             options.cancel);
    torch::Tensor probs = torch::softmax(m_impl->logits(f) / m_impl->temperature, 1);
    if (!result.failedRows.empty() && probs.size(1) > 0) {
        const auto rows = detail::indexTensor(
            std::vector<std::int64_t>(result.failedRows.begin(), result.failedRows.end()), probs.device());
        probs.index_fill_(0, rows, 1.0 / double(probs.size(1)));
    }
    result.probabilities = toMatrix(probs);
    if (options.logits)
        result.logits = toMatrix(m_impl->logits(f));
    if (options.mcDropoutPasses > 0)
        result.mcProbabilities = mcDropoutPasses(f, m_impl->headWeight, m_impl->headBias, m_impl->spec.headDropout,
                                                 m_impl->temperature, options.mcDropoutPasses, options.mcDropoutSeed);
    if (options.embeddings) {
        torch::Tensor e = f.clone();
        if (!result.failedRows.empty())
            e.index_fill_(0,
                          detail::indexTensor(
                              std::vector<std::int64_t>(result.failedRows.begin(), result.failedRows.end()), e.device()),
                          0.0);
        result.embeddings = toMatrix(e);
    }
    return result;
}

std::vector<FloatMatrix> Classifier::predictMcDropout(const ImageProvider &images,
                                                      const std::vector<std::size_t> &indices, int passes,
                                                      std::uint64_t seed)
{
    c10::InferenceMode guard;
    const torch::Tensor f = m_impl->features(images, indices, true, 256, nullptr, nullptr);
    return mcDropoutPasses(f, m_impl->headWeight, m_impl->headBias, m_impl->spec.headDropout, m_impl->temperature,
                           passes, seed);
}

std::map<QString, TensorState> Classifier::tensorState() const
{
    std::map<QString, TensorState> out;
    auto add = [&](const QString &name, const torch::Tensor &t) {
        TensorState s;
        s.shape.assign(t.sizes().begin(), t.sizes().end());
        const torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
        s.bytes = QByteArray(static_cast<const char *>(c.data_ptr()), qsizetype(c.numel() * c.element_size()));
        s.requiresGrad = t.requires_grad();
        s.hasGradient = t.grad().defined();
        out[name] = s;
    };
    for (const auto &p : m_impl->backbone.module.named_parameters())
        add(QStringLiteral("backbone.") + QString::fromStdString(p.name), p.value);
    for (const auto &b : m_impl->backbone.module.named_buffers())
        add(QStringLiteral("backbone.") + QString::fromStdString(b.name), b.value);
    add(QStringLiteral("head.weight"), m_impl->headWeight);
    add(QStringLiteral("head.bias"), m_impl->headBias);
    return out;
}

QString Classifier::device() const
{
    return QString::fromStdString(m_impl->device.str());
}

void Classifier::setDevice(const QString &device)
{
    const torch::Device target = detail::resolveDevice(device);
    m_impl->placeOn(target);
    if (m_impl->device != target)
        throw ModelError(QStringLiteral("this model cannot run on %1 (its TorchScript graph holds CPU tensors, as "
                                        "traced models can): it stays on the CPU")
                             .arg(QString::fromStdString(target.str())));
}

void Classifier::invalidateFeatureCache()
{
    m_impl->cache.clear();
}

void Classifier::setFeatureCacheLimit(std::size_t bytes, bool fp16)
{
    m_impl->cache.setLimit(bytes, fp16);
}

FeatureCacheStats Classifier::featureCacheStats() const
{
    const auto &c = m_impl->cache;
    FeatureCacheStats stats;
    stats.entries = c.entries();
    stats.bytes = c.bytes();
    stats.limitBytes = c.limitBytes();
    stats.hits = c.hits();
    stats.misses = c.misses();
    stats.diskHits = c.diskHits();
    if (const detail::DiskFeatureStore *store = c.store()) {
        stats.diskRows = store->rowCount();
        stats.diskBytes = store->totalBytes();
    }
    stats.backboneImages = m_impl->backboneImages;
    return stats;
}

} // namespace activelabel
