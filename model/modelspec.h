#pragma once

#include <QString>

#include <vector>

namespace activelabel {

// What network a classifier uses and what input it expects. Pixels are scaled to [0, 1], resized
// to inputHeight x inputWidth, converted to `channels` (1 grey, 3 RGB), then normalised per
// channel by mean/std — the same contract as an export's JSON sidecar.
struct ModelSpec
{
    // "smallcnn", "resnet18", or the path of a TorchScript file (bring-your-own backbone).
    QString backbone = QStringLiteral("smallcnn");
    int inputHeight = 28;
    int inputWidth = 28;
    int channels = 1;
    std::vector<float> mean{0.5f};
    std::vector<float> std{0.5f};
    // For a TorchScript backbone: true when size/channels/mean/std above were given explicitly
    // (command line) and must win over FILE.pt.json; false to take them from the sidecar.
    bool explicitInput = false;
    float headDropout = 0.5f; // dropout before the linear head (also what MC dropout samples)

    bool isBuiltin() const;
    // Sensible defaults for a built-in backbone: smallcnn 28x28 grey, resnet18 224x224 RGB with
    // ImageNet statistics. Callers override size/channels for their data.
    static ModelSpec defaultsFor(const QString &backbone);
    // Empty when valid, else the reason (sizes, channel count, mean/std lengths, std > 0).
    QString validate() const;
};

} // namespace activelabel
