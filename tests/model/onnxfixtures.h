#pragma once
// What a user of the ONNX export does with it, outside ActiveLabel: read the sidecar and build the
// input tensor from it alone (shared by tests/model/test_onnxexport and tests/bench/bench_onnx).

#include "modelfixtures.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace activelabel::testing {

inline QJsonObject readJsonFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

// The input tensor as a user of the export would build it from the sidecar alone: pixels scaled
// to [0,1], normalised per channel, NCHW. The fixtures are already at the sidecar's size.
inline cv::Mat onnxInputBlob(const QJsonObject &sidecar, const MatProvider &images, const std::vector<std::size_t> &indices)
{
    const int h = sidecar.value("input_size").toArray().at(0).toInt();
    const int w = sidecar.value("input_size").toArray().at(1).toInt();
    const int c = sidecar.value("channels").toInt();
    const QJsonArray mean = sidecar.value("mean").toArray(), std = sidecar.value("std").toArray();
    const int n = int(indices.size());
    cv::Mat blob(std::vector<int>{n, c, h, w}, CV_32F);
    for (int i = 0; i < n; ++i) {
        cv::Mat image = images.images.at(indices[std::size_t(i)]);
        if (image.channels() != c)
            cv::cvtColor(image, image, c == 1 ? cv::COLOR_RGB2GRAY : cv::COLOR_GRAY2RGB);
        for (int k = 0; k < c; ++k)
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) {
                    const float v = image.ptr<unsigned char>(y)[x * c + k] / 255.0f;
                    blob.ptr<float>(i, k, y)[x] = float((v - mean.at(k).toDouble()) / std.at(k).toDouble());
                }
    }
    return blob;
}

} // namespace activelabel::testing
