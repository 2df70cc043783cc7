#include "model/modelspec.h"

namespace activelabel {

bool ModelSpec::isBuiltin() const
{
    return backbone == QLatin1String("smallcnn") || backbone == QLatin1String("resnet18");
}

ModelSpec ModelSpec::defaultsFor(const QString &backbone)
{
    ModelSpec spec;
    spec.backbone = backbone;
    if (backbone == QLatin1String("resnet18")) {
        spec.inputHeight = spec.inputWidth = 224;
        spec.channels = 3;
        spec.mean = {0.485f, 0.456f, 0.406f};
        spec.std = {0.229f, 0.224f, 0.225f};
    }
    return spec;
}

QString ModelSpec::validate() const
{
    if (inputHeight < 1 || inputWidth < 1 || inputHeight > 4096 || inputWidth > 4096)
        return QStringLiteral("input size %1x%2 is out of range").arg(inputHeight).arg(inputWidth);
    if (channels != 1 && channels != 3)
        return QStringLiteral("channels must be 1 or 3, not %1").arg(channels);
    if (int(mean.size()) != channels || int(std.size()) != channels)
        return QStringLiteral("mean and std need one value per channel (%1)").arg(channels);
    for (float s : std)
        if (!(s > 0.0f))
            return QStringLiteral("std values must be positive");
    if (headDropout < 0.0f || headDropout >= 1.0f)
        return QStringLiteral("head dropout must be in [0, 1)");
    return {};
}

} // namespace activelabel
