// Checkpoints (Classifier::save / load) and TorchScript export (Classifier::exportTorchScript).
#include "model/detail/atomicfile.h"
#include "model/detail/classifierimpl.h"
#include "model/detail/exportmodule.h"
#include "model/detail/jitbuilder.h"
#include "model/modelerror.h"

#include <torch/csrc/jit/serialization/pickle.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <sstream>

namespace activelabel {

namespace {

const char *kMetaFile = "activelabel/meta.json";
const char *kHeadFile = "activelabel/head.pkl";
const char *kOptimizerFile = "activelabel/optimizer.bin";
// 1: the backbone module in the file; 2: the backbone in an earlier checkpoint ("backbone_file").
const int kCheckpointVersion = 2;
const int kExportVersion = 1;

QJsonArray floats(const std::vector<float> &v)
{
    QJsonArray a;
    for (float x : v)
        a.append(double(x));
    return a;
}

std::vector<float> floatsFrom(const QJsonValue &v)
{
    std::vector<float> out;
    for (const auto &x : v.toArray())
        out.push_back(float(x.toDouble()));
    return out;
}

QJsonArray strings(const std::vector<std::string> &v)
{
    QJsonArray a;
    for (const auto &s : v)
        a.append(QString::fromStdString(s));
    return a;
}

std::vector<std::string> stringsFrom(const QJsonValue &v)
{
    std::vector<std::string> out;
    for (const auto &x : v.toArray())
        out.push_back(x.toString().toStdString());
    return out;
}

QJsonObject specJson(const ModelSpec &spec)
{
    return {{"backbone", spec.backbone},
            {"input_size", QJsonArray{spec.inputHeight, spec.inputWidth}},
            {"channels", spec.channels},
            {"mean", floats(spec.mean)},
            {"std", floats(spec.std)},
            {"head_dropout", double(spec.headDropout)}};
}

QString firstLine(const char *what)
{
    return QString::fromUtf8(what).trimmed().section(QLatin1Char('\n'), 0, 0);
}

} // namespace

void Classifier::save(const QString &path) const
{
    const Impl &d = *m_impl;
    QJsonArray blocks;
    for (const auto &b : d.backbone.blocks)
        blocks.append(QJsonObject{{"name", QString::fromStdString(b.name)},
                                  {"paths", strings(b.paths)},
                                  {"parameters", double(b.parameterCount)}});
    // A round that left the backbone as it was (frozen) writes only what changed: its checkpoint
    // names the earlier checkpoint that holds those very weights. For a ResNet-18 that is a few
    // kB instead of 45 MB a round, and the round's last write no longer holds up its queue.
    const QFileInfo target(path);
    const bool shareBackbone = !d.savedBackboneFile.isEmpty() && d.savedBackboneVersions == d.stageVersions &&
                               QFileInfo(d.savedBackboneFile).absolutePath() == target.absolutePath() &&
                               QFileInfo(d.savedBackboneFile).fileName() != target.fileName() &&
                               QFile::exists(d.savedBackboneFile);
    QJsonObject meta{{"format", "activelabel-checkpoint"},
                     {"version", shareBackbone ? 2 : 1},
                           {"spec", specJson(d.spec)},
                           {"classes", QJsonArray::fromStringList(d.classes)},
                           {"kind", QString::fromStdString(d.backbone.kind)},
                           {"stage_count", d.backbone.stageCount},
                           {"feature_dim", double(d.backbone.featureDim)},
                           {"blocks", blocks},
                           {"always_eval", strings(d.backbone.alwaysEval)},
                           {"fixed_parameters", strings(d.backbone.fixedParameters)},
                           // Stored as text: JSON numbers are doubles and must not round the value.
                           {"temperature", QString::number(d.temperature, 'g', 17)},
                           {"seed", QString::number(d.seed)},
                           {"backbone_labels", double(d.backboneLabels)},
                           {"last_mode", d.lastMode.toString()},
                           // The stages below it were frozen in the last round: a new session
                           // scores through the (on-disk) feature cache at the same boundary.
                           {"cache_boundary", d.cacheBoundary},
                           {"optimizer_key", QString::fromStdString(d.optimizerKey)}};
    if (shareBackbone)
        meta.insert(QStringLiteral("backbone_file"), QFileInfo(d.savedBackboneFile).fileName());
    torch::jit::ExtraFilesMap extra;
    extra[kMetaFile] = QJsonDocument(meta).toJson(QJsonDocument::Compact).toStdString();
    const std::vector<char> head = torch::jit::pickle_save(
        c10::ivalue::Tuple::create({d.headWeight.detach().to(torch::kCPU).contiguous(),
                                    d.headBias.detach().to(torch::kCPU).contiguous()}));
    extra[kHeadFile] = std::string(head.begin(), head.end());
    extra[kOptimizerFile] = d.optimizerState;
    std::ostringstream out;
    try {
        // Written from the CPU, so the file records CPU tensors whatever device trained it.
        if (shareBackbone) {
            torch::jit::Module reference("__torch__.activelabel.BackboneInAnotherCheckpoint");
            reference.save(out, extra);
        } else if (d.device.is_cpu()) {
            d.backbone.module.save(out, extra);
        } else {
            detail::copyInOwnUnit(d.backbone.module, torch::kCPU).save(out, extra);
        }
    } catch (const std::exception &e) {
        throw ModelError(QStringLiteral("cannot serialise the model: %1").arg(firstLine(e.what())));
    }
    detail::writeFileAtomically(path, out.str());
    if (!shareBackbone) {
        d.savedBackboneFile = target.absoluteFilePath();
        d.savedBackboneVersions = d.stageVersions;
    }
}

std::unique_ptr<Classifier> Classifier::load(const QString &checkpointPath)
{
    if (!QFile::exists(checkpointPath))
        throw ModelError(QStringLiteral("checkpoint %1 does not exist").arg(checkpointPath));
    const std::string bytes = detail::readWholeFile(checkpointPath, QStringLiteral("checkpoint"));
    torch::jit::ExtraFilesMap extra{{kMetaFile, ""}, {kHeadFile, ""}, {kOptimizerFile, ""}};
    auto impl = std::make_unique<Impl>();
    try {
        std::istringstream in(bytes);
        impl->backbone.module = torch::jit::load(in, torch::kCPU, extra);
    } catch (const std::exception &e) {
        throw ModelError(QStringLiteral("cannot read checkpoint %1: %2").arg(checkpointPath, firstLine(e.what())));
    }
    const QJsonObject meta = QJsonDocument::fromJson(QByteArray::fromStdString(extra[kMetaFile])).object();
    if (meta.value("format").toString() != QLatin1String("activelabel-checkpoint"))
        throw ModelError(QStringLiteral("%1 is not an ActiveLabel checkpoint").arg(checkpointPath));
    if (meta.value("version").toInt() > kCheckpointVersion)
        throw ModelError(QStringLiteral("%1 was written by a newer ActiveLabel").arg(checkpointPath));
    QString backboneFile = QFileInfo(checkpointPath).absoluteFilePath();
    if (meta.contains(QStringLiteral("backbone_file"))) {
        backboneFile = QFileInfo(checkpointPath).dir().filePath(meta.value("backbone_file").toString());
        if (!QFile::exists(backboneFile))
            throw ModelError(QStringLiteral("checkpoint %1 takes its backbone from %2, which is missing")
                                 .arg(checkpointPath, backboneFile));
        try {
            const std::string backboneBytes = detail::readWholeFile(backboneFile, QStringLiteral("checkpoint"));
            std::istringstream in(backboneBytes);
            impl->backbone.module = torch::jit::load(in, torch::kCPU);
        } catch (const ModelError &) {
            throw;
        } catch (const std::exception &e) {
            throw ModelError(QStringLiteral("cannot read checkpoint %1: %2").arg(backboneFile, firstLine(e.what())));
        }
    }
    const QJsonObject spec = meta.value("spec").toObject();
    impl->spec.backbone = spec.value("backbone").toString();
    impl->spec.inputHeight = spec.value("input_size").toArray().at(0).toInt();
    impl->spec.inputWidth = spec.value("input_size").toArray().at(1).toInt();
    impl->spec.channels = spec.value("channels").toInt();
    impl->spec.mean = floatsFrom(spec.value("mean"));
    impl->spec.std = floatsFrom(spec.value("std"));
    impl->spec.headDropout = float(spec.value("head_dropout").toDouble());
    for (const auto &c : meta.value("classes").toArray())
        impl->classes << c.toString();
    auto &b = impl->backbone;
    b.kind = meta.value("kind").toString().toStdString();
    b.stageCount = meta.value("stage_count").toInt();
    b.featureDim = std::int64_t(meta.value("feature_dim").toDouble());
    for (const auto &v : meta.value("blocks").toArray()) {
        const QJsonObject o = v.toObject();
        b.blocks.push_back({o.value("name").toString().toStdString(), stringsFrom(o.value("paths")),
                            std::int64_t(o.value("parameters").toDouble())});
    }
    b.alwaysEval = stringsFrom(meta.value("always_eval"));
    b.fixedParameters = stringsFrom(meta.value("fixed_parameters"));
    impl->temperature = meta.value("temperature").toString().toDouble();
    impl->seed = meta.value("seed").toString().toULongLong();
    impl->backboneLabels = (long long)meta.value("backbone_labels").toDouble();
    impl->lastMode = TransferMode::parse(meta.value("last_mode").toString()).value_or(TransferMode::automatic());
    impl->optimizerKey = meta.value("optimizer_key").toString().toStdString();
    impl->optimizerState = extra[kOptimizerFile];
    try {
        const std::string &h = extra[kHeadFile];
        const auto tuple = torch::jit::pickle_load(std::vector<char>(h.begin(), h.end())).toTuple();
        impl->headWeight = tuple->elements().at(0).toTensor();
        impl->headBias = tuple->elements().at(1).toTensor();
    } catch (const std::exception &e) {
        throw ModelError(QStringLiteral("checkpoint %1 has no valid head: %2").arg(checkpointPath, firstLine(e.what())));
    }
    if (impl->headWeight.size(0) != impl->classes.size() || impl->headWeight.size(1) != b.featureDim)
        throw ModelError(QStringLiteral("checkpoint %1 is inconsistent (head vs classes)").arg(checkpointPath));
    for (auto p : b.module.parameters())
        p.set_requires_grad(false);
    impl->useChannelsLast();
    impl->resetVersions();
    impl->cacheBoundary = std::clamp(meta.value("cache_boundary").toInt(0), 0, b.stageCount);
    impl->savedBackboneFile = backboneFile;
    impl->savedBackboneVersions = impl->stageVersions;
    impl->placeOn(detail::defaultDevice());
    return std::unique_ptr<Classifier>(new Classifier(std::move(impl)));
}

namespace detail {

torch::jit::Module buildExportModule(const Classifier::Impl &d)
{
    torch::NoGradGuard noGrad;
    detail::JitBuilder builder(0);
    torch::jit::Module top = builder.newModule("ActiveLabelModel");
    torch::jit::Module backbone = d.backbone.module.clone();
    top.register_module("backbone", backbone);
    torch::jit::Module head = builder.linear(int(d.backbone.featureDim), std::max(1, int(d.classes.size())));
    head.register_parameter("weight", d.headWeight.detach().clone(), false);
    head.register_parameter("bias", d.headBias.detach().clone(), false);
    top.register_module("head", head);
    top.register_buffer("temperature", torch::tensor(float(d.temperature)));
    // forward: float NCHW, resized and normalised as the sidecar says -> calibrated
    // probabilities. logits and embed let the export be imported back as a backbone.
    top.define(R"JIT(
def embed(self, x):
    return self.backbone.forward(x)

def logits(self, x):
    return self.head.forward(self.backbone.forward(x))

def forward(self, x):
    return torch.softmax(self.logits(x) / self.temperature, 1)
)JIT");
    top.to(torch::kCPU); // Python's torch.jit.load opens it on any machine, GPU or not
    top.eval();
    for (auto p : top.parameters())
        p.set_requires_grad(false);
    return top;
}

QJsonObject exportSidecar(const Classifier::Impl &d, const QJsonObject &metrics)
{
    return {{"format", "activelabel-model"},
            {"version", kExportVersion},
            {"activelabel_version", ACTIVELABEL_VERSION},
            {"backbone", QString::fromStdString(d.backbone.kind)},
            {"classes", QJsonArray::fromStringList(d.classes)},
            {"input_size", QJsonArray{d.spec.inputHeight, d.spec.inputWidth}},
            {"channels", d.spec.channels},
            {"mean", floats(d.spec.mean)},
            {"std", floats(d.spec.std)},
            {"temperature", d.temperature},
            {"metrics", metrics}};
}

void writeSidecar(const QString &modelPath, const QJsonObject &sidecar)
{
    writeFileAtomically(modelPath + QStringLiteral(".json"),
                        QJsonDocument(sidecar).toJson(QJsonDocument::Indented).toStdString());
}

} // namespace detail

void Classifier::exportTorchScript(const QString &path, const QJsonObject &metrics) const
{
    std::ostringstream out;
    try {
        detail::buildExportModule(*m_impl).save(out);
    } catch (const c10::Error &e) {
        throw ModelError(QStringLiteral("cannot build the export: %1").arg(firstLine(e.what())));
    }
    detail::writeFileAtomically(path, out.str());
    detail::writeSidecar(path, detail::exportSidecar(*m_impl, metrics));
}

} // namespace activelabel
