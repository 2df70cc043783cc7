#pragma once
// INTERNAL to model/: includes torch. Shared by the TorchScript and ONNX exports.

#include "model/detail/classifierimpl.h"

#include <QJsonObject>
#include <QString>

namespace activelabel::detail {

// The exported network on the CPU, in eval mode, gradients off: `backbone`, `head`, a
// `temperature` buffer, and methods embed(x), logits(x) and forward(x) = softmax(logits / T).
torch::jit::Module buildExportModule(const Classifier::Impl &d);

// The sidecar both exports write next to the model (FILE.json): format tag, versions, backbone,
// classes, input_size, channels, mean, std, temperature and `metrics` (CLI-CONTRACT.md).
QJsonObject exportSidecar(const Classifier::Impl &d, const QJsonObject &metrics);
void writeSidecar(const QString &modelPath, const QJsonObject &sidecar); // modelPath + ".json"

} // namespace activelabel::detail
