#include "model/detail/backbone.h"
#include "model/detail/jitbuilder.h"
#include "model/detail/sidecar.h"
#include "model/modelerror.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace activelabel::detail {

namespace {

QString firstLine(const std::string &text)
{
    const QString s = QString::fromStdString(text).trimmed();
    return s.section(QLatin1Char('\n'), 0, 0);
}

bool isClassifierName(const std::string &path)
{
    const std::string first = path.substr(0, path.find('.'));
    return first == "fc" || first == "classifier" || first == "head" || first == "heads" || first == "last_linear";
}

struct ClassifierHit
{
    std::string path; // submodule path relative to the imported module
    bool found = false;
};

// The final classifier: a submodule with a 2-D weight (K x D) or a 1x1 conv weight (K x D x 1 x 1)
// producing the K outputs. Prefer conventional names; otherwise the last such layer.
ClassifierHit findClassifier(const torch::jit::Module &net, std::int64_t k)
{
    ClassifierHit named, last;
    for (const auto &m : net.named_modules()) {
        if (m.name.empty() || !m.value.hasattr("weight"))
            continue;
        const c10::IValue w = m.value.attr("weight");
        if (!w.isTensor())
            continue;
        const torch::Tensor t = w.toTensor();
        const bool linear = t.dim() == 2;
        const bool conv1x1 = t.dim() == 4 && t.size(2) == 1 && t.size(3) == 1;
        if (!(linear || conv1x1) || t.size(0) != k)
            continue;
        last = {m.name, true};
        if (isClassifierName(m.name))
            named = {m.name, true};
    }
    return named.found ? named : last;
}

torch::jit::Module submodule(torch::jit::Module m, const std::string &path)
{
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = path.find('.', start);
        m = m.attr(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start)).toModule();
        if (dot == std::string::npos)
            return m;
        start = dot + 1;
    }
}

} // namespace

Sidecar readSidecar(const QString &modelPath)
{
    Sidecar s;
    QFile file(modelPath + QStringLiteral(".json"));
    if (!file.exists())
        return s;
    if (!file.open(QIODevice::ReadOnly))
        throw ModelError(QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (!doc.isObject())
        throw ModelError(QStringLiteral("%1 is not a JSON object (%2)").arg(file.fileName(), error.errorString()));
    const QJsonObject o = doc.object();
    s.present = true;
    s.format = o.value(QStringLiteral("format")).toString();
    const QJsonArray size = o.value(QStringLiteral("input_size")).toArray();
    if (size.size() == 2) {
        s.inputHeight = size.at(0).toInt();
        s.inputWidth = size.at(1).toInt();
    }
    s.channels = o.value(QStringLiteral("channels")).toInt();
    for (const auto &v : o.value(QStringLiteral("mean")).toArray())
        s.mean.push_back(float(v.toDouble()));
    for (const auto &v : o.value(QStringLiteral("std")).toArray())
        s.std.push_back(float(v.toDouble()));
    for (const auto &v : o.value(QStringLiteral("classes")).toArray())
        s.classes << v.toString();
    return s;
}

void applySidecar(const Sidecar &sidecar, ModelSpec &spec)
{
    if (sidecar.present && !spec.explicitInput) {
        if (sidecar.inputHeight > 0 && sidecar.inputWidth > 0) {
            spec.inputHeight = sidecar.inputHeight;
            spec.inputWidth = sidecar.inputWidth;
        }
        if (sidecar.channels > 0)
            spec.channels = sidecar.channels;
        if (!sidecar.mean.empty())
            spec.mean = sidecar.mean;
        if (!sidecar.std.empty())
            spec.std = sidecar.std;
    }
    const QString invalid = spec.validate();
    if (!invalid.isEmpty())
        throw ModelError(QStringLiteral("%1: %2 (give --input-size, --channels, --mean and --std, or a FILE.pt.json)")
                             .arg(spec.backbone, invalid));
}

Backbone importTorchScript(ModelSpec &spec, ImportedHead *head)
{
    const QString path = spec.backbone;
    const QFileInfo info(path);
    if (!info.exists())
        throw ModelError(QStringLiteral("model file %1 does not exist").arg(path));
    if (info.size() == 0)
        throw ModelError(QStringLiteral("model file %1 is empty").arg(path));
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            throw ModelError(QStringLiteral("cannot open %1: %2").arg(path, f.errorString()));
        if (f.read(4) != QByteArray("PK\x03\x04", 4))
            throw ModelError(QStringLiteral("%1 is not a TorchScript file (not a zip archive; save it with "
                                            "torch.jit.save)")
                                 .arg(path));
    }
    const Sidecar sidecar = readSidecar(path);
    applySidecar(sidecar, spec);

    torch::jit::Module net;
    try {
        net = torch::jit::load(QFile::encodeName(path).toStdString(), torch::kCPU);
    } catch (const std::exception &e) {
        throw ModelError(QStringLiteral("%1 is not a loadable TorchScript file (truncated or corrupt?): %2")
                             .arg(path, firstLine(e.what())));
    }
    net.eval();
    const bool ours = net.find_method("embed").has_value() && net.hasattr("head");
    const torch::Tensor probe = torch::zeros({2, spec.channels, spec.inputHeight, spec.inputWidth});
    auto run = [&](const char *method) -> torch::Tensor {
        c10::IValue out;
        try {
            c10::InferenceMode guard;
            out = net.get_method(method)({probe});
        } catch (const std::exception &e) {
            throw ModelError(QStringLiteral("%1 fails on a %2x%3x%4 input (wrong --channels or --input-size?): %5")
                                 .arg(path)
                                 .arg(spec.channels)
                                 .arg(spec.inputHeight)
                                 .arg(spec.inputWidth)
                                 .arg(firstLine(e.what())));
        }
        if (!out.isTensor())
            throw ModelError(QStringLiteral("%1: forward must return one tensor (it returns %2)")
                                 .arg(path, QString::fromStdString(out.tagKind())));
        return out.toTensor();
    };

    Backbone backbone;
    backbone.kind = "torchscript";
    std::string call = "self.net.forward(x)";
    std::string blockRoot;
    std::string classifierPath;
    if (ours) {
        call = "self.net.embed(x)";
        blockRoot = "backbone";
        if (head) {
            auto h = net.attr("head").toModule();
            head->classes = sidecar.classes;
            head->weight = h.attr("weight").toTensor().detach().clone();
            head->bias = h.attr("bias").toTensor().detach().clone();
            if (head->classes.size() != head->weight.size(0))
                head->classes.clear(); // sidecar does not describe this head: keep no rows
        }
    } else {
        const torch::Tensor out = run("forward");
        if (out.dim() == 2 && out.size(0) == 2) {
            const ClassifierHit hit = findClassifier(net, out.size(1));
            if (hit.found) {
                // Neutralise in place: with an identity weight and zero bias the layer passes its
                // input through, so the model's own forward (whatever it does around the layer,
                // scripted or traced) now ends in its features.
                torch::NoGradGuard noGrad;
                auto layer = submodule(net, hit.path);
                const torch::Tensor w = layer.attr("weight").toTensor();
                const std::int64_t d = w.size(1);
                torch::Tensor eye = torch::eye(d);
                if (w.dim() == 4)
                    eye = eye.view({d, d, 1, 1});
                layer.register_parameter("weight", eye, false);
                if (layer.hasattr("bias") && layer.attr("bias").isTensor())
                    layer.register_parameter("bias", torch::zeros({d}), false);
                classifierPath = hit.path;
                backbone.fixedParameters = {"net." + hit.path + ".weight", "net." + hit.path + ".bias"};
                const std::string top = hit.path.substr(0, hit.path.find('.'));
                backbone.alwaysEval.push_back("net." + top);
            }
        } else if (!(out.dim() == 4 && out.size(0) == 2)) {
            throw ModelError(QStringLiteral("%1: unsupported output shape %2 (expected N x classes, N x features or "
                                            "N x C x H x W)")
                                 .arg(path, QString::fromStdString(c10::str(out.sizes()))));
        }
    }

    JitBuilder builder(0);
    backbone.module = builder.newModule("ImportedBackbone");
    backbone.module.register_module("net", net);
    try {
        backbone.module.define("def forward(self, x):\n"
                               "    y = " +
                               call +
                               "\n"
                               "    if y.dim() == 4:\n"
                               "        y = torch.flatten(torch.adaptive_avg_pool2d(y, [1, 1]), 1)\n"
                               "    return y\n");
    } catch (const std::exception &e) {
        throw ModelError(QStringLiteral("%1: unsupported model interface: %2").arg(path, firstLine(e.what())));
    }
    backbone.module.eval();
    torch::Tensor features;
    try {
        c10::InferenceMode guard;
        features = backbone.module.forward({probe}).toTensor();
    } catch (const std::exception &e) {
        throw ModelError(QStringLiteral("%1: cannot compute features: %2").arg(path, firstLine(e.what())));
    }
    if (features.dim() != 2 || features.size(0) != 2 || features.size(1) < 1)
        throw ModelError(QStringLiteral("%1: unsupported feature shape %2")
                             .arg(path, QString::fromStdString(c10::str(features.sizes()))));
    backbone.featureDim = features.size(1);
    backbone.stageCount = 1;

    // Blocks: top-level children (of the export's backbone for our own exports) that own
    // parameters, in order; the neutralised classifier never counts.
    const torch::jit::Module root = blockRoot.empty() ? net : net.attr(blockRoot).toModule();
    const std::string prefix = "net." + (blockRoot.empty() ? std::string() : blockRoot + ".");
    for (const auto &c : root.named_children()) {
        std::int64_t count = 0;
        for (const auto &p : c.value.named_parameters()) {
            const std::string full = prefix + c.name + "." + p.name;
            if (std::find(backbone.fixedParameters.begin(), backbone.fixedParameters.end(), full) ==
                backbone.fixedParameters.end())
                count += p.value.numel();
        }
        if (count > 0)
            backbone.blocks.push_back({c.name, {prefix + c.name}, count});
    }
    if (backbone.blocks.empty())
        throw ModelError(QStringLiteral("%1: the model has no trainable layers besides its classifier").arg(path));
    for (auto p : backbone.module.parameters())
        p.set_requires_grad(false);
    return backbone;
}

} // namespace activelabel::detail
