// ONNX export (Classifier::exportOnnx). LibTorch's C++ API has no ONNX exporter (that is Python's
// torch.onnx), so the graph is built from the weights: the same network the TorchScript export
// writes is frozen in eval mode (weights become constants, `if self.training` folds away) and its
// graph converted node by node (torchtoonnx.cpp) into an opset-13 ModelProto of Debian's libonnx,
// which its checker validates before the file is written.
#include "model/detail/atomicfile.h"
#include "model/detail/exportmodule.h"
#include "model/detail/torchtoonnx.h"
#include "model/modelerror.h"

#include <onnx/checker.h>

namespace activelabel {

namespace {

const char *kInputName = "input";
const char *kOutputName = "probabilities";

void describeTensor(onnx::ValueInfoProto &info, const std::string &name, const std::vector<std::int64_t> &dims)
{
    info.set_name(name);
    onnx::TypeProto_Tensor &type = *info.mutable_type()->mutable_tensor_type();
    type.set_elem_type(onnx::TensorProto::FLOAT);
    onnx::TensorShapeProto &shape = *type.mutable_shape();
    shape.add_dim()->set_dim_param("batch"); // any batch size, in OpenCV and onnxruntime alike
    for (const std::int64_t d : dims)
        shape.add_dim()->set_dim_value(d);
}

// The converter names values as it goes; the graph's output gets its public name.
void renameValue(onnx::GraphProto &graph, const std::string &from, const std::string &to)
{
    for (onnx::NodeProto &node : *graph.mutable_node()) {
        for (std::string &in : *node.mutable_input())
            if (in == from)
                in = to;
        for (std::string &out : *node.mutable_output())
            if (out == from)
                out = to;
    }
}

onnx::ModelProto buildOnnx(const Classifier::Impl &d)
{
    onnx::ModelProto model;
    model.set_ir_version(7); // the IR version of opset 13
    model.set_producer_name("ActiveLabel");
    model.set_producer_version(ACTIVELABEL_VERSION);
    onnx::OperatorSetIdProto &opset = *model.add_opset_import();
    opset.set_domain("");
    opset.set_version(detail::kOnnxOpset);
    onnx::GraphProto &graph = *model.mutable_graph();
    graph.set_name("activelabel_classifier");

    torch::NoGradGuard noGrad;
    torch::jit::Module frozen = torch::jit::freeze(detail::buildExportModule(d), c10::nullopt,
                                                   /*optimize_numerics=*/false);
    // A sample batch of two: every shape the converters need comes from it, and a batch of more
    // than one shows up code that would bake a batch size in.
    const torch::Tensor sample =
        torch::randn({2, d.spec.channels, d.spec.inputHeight, d.spec.inputWidth},
                     at::detail::createCPUGenerator(1));
    detail::TorchToOnnx converter(graph);
    const std::string output = converter.convert(*frozen.get_method("forward").graph(), sample, kInputName);
    if (output == kInputName || converter.outputSample().dim() != 2 ||
        converter.outputSample().size(1) != d.classes.size())
        throw ModelError(QStringLiteral("the exported graph does not end in N x %1 probabilities").arg(d.classes.size()));
    renameValue(graph, output, kOutputName);
    describeTensor(*graph.add_input(), kInputName, {d.spec.channels, d.spec.inputHeight, d.spec.inputWidth});
    describeTensor(*graph.add_output(), kOutputName, {std::int64_t(d.classes.size())});
    return model;
}

} // namespace

void Classifier::exportOnnx(const QString &path, const QJsonObject &metrics) const
{
    const QString backbone = QString::fromStdString(m_impl->backbone.kind);
    onnx::ModelProto model;
    try {
        model = buildOnnx(*m_impl);
        onnx::checker::check_model(model);
    } catch (const ModelError &e) {
        throw ModelError(QStringLiteral("cannot export the %1 model as ONNX: %2").arg(backbone, e.message()));
    } catch (const onnx::checker::ValidationError &e) {
        throw ModelError(QStringLiteral("cannot export the %1 model as ONNX: the graph built is invalid (%2)")
                             .arg(backbone, QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0)));
    } catch (const c10::Error &e) {
        throw ModelError(QStringLiteral("cannot export the %1 model as ONNX: %2")
                             .arg(backbone, QString::fromUtf8(e.what_without_backtrace()).section(QLatin1Char('\n'), 0, 0)));
    } catch (const std::exception &e) {
        throw ModelError(QStringLiteral("cannot export the %1 model as ONNX: %2")
                             .arg(backbone, QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0)));
    }
    std::string bytes;
    if (!model.SerializeToString(&bytes))
        throw ModelError(QStringLiteral("cannot serialise the ONNX model (over 2 GB?)"));
    detail::writeFileAtomically(path, bytes);
    QJsonObject sidecar = detail::exportSidecar(*m_impl, metrics);
    sidecar.insert(QStringLiteral("model_format"), QStringLiteral("onnx"));
    sidecar.insert(QStringLiteral("onnx_opset"), detail::kOnnxOpset);
    sidecar.insert(QStringLiteral("onnx_input"), QString::fromLatin1(kInputName));
    sidecar.insert(QStringLiteral("onnx_output"), QString::fromLatin1(kOutputName));
    detail::writeSidecar(path, sidecar);
}

} // namespace activelabel
