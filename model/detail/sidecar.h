#pragma once

#include "model/modelspec.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace activelabel::detail {

// FILE.pt.json, as written by export and read for bring-your-own models (CLI-CONTRACT.md).
struct Sidecar
{
    bool present = false;
    QString format; // "activelabel-model" for our exports
    int inputHeight = 0;
    int inputWidth = 0;
    int channels = 0;
    std::vector<float> mean;
    std::vector<float> std;
    QStringList classes;
};

// Reads `modelPath + ".json"` when it exists; throws ModelError when it exists but is malformed.
Sidecar readSidecar(const QString &modelPath);
// Applies a sidecar's input description to `spec` (unless spec.explicitInput) and validates it.
void applySidecar(const Sidecar &sidecar, ModelSpec &spec);

} // namespace activelabel::detail
