#include "app/imageconversion.h"

#include "storage/imagecache.h"
#include "storage/imagedecoder.h"

#include <opencv2/core/mat.hpp>

namespace activelabel {

QImage toQImage(const cv::Mat &pixels)
{
    if (pixels.empty() || pixels.depth() != CV_8U)
        return {};
    QImage::Format format;
    switch (pixels.channels()) {
    case 1:
        format = QImage::Format_Grayscale8;
        break;
    case 3:
        format = QImage::Format_RGB888;
        break;
    default:
        return {};
    }
    const QImage view(pixels.data, pixels.cols, pixels.rows, static_cast<qsizetype>(pixels.step), format);
    return view.copy(); // the Mat's buffer goes away with the Mat
}

QImage decodeForDisplay(const std::filesystem::path &file, QString *error, ImageCache *cache)
{
    std::string reason;
    cv::Mat pixels;
    if (!cache) {
        pixels = ImageDecoder::decodeFile(file, &reason);
    } else {
        std::string bytes;
        if (cache->read(file, bytes, reason))
            pixels = ImageDecoder::decode(bytes.data(), bytes.size(), &reason);
    }
    if (pixels.empty() && error)
        *error = QString::fromStdString(reason);
    return toQImage(pixels);
}

} // namespace activelabel
