#pragma once

#include <QImage>

#include <filesystem>

namespace cv {
class Mat;
}

namespace activelabel {

// Wraps storage's decoded pixels (CV_8UC1 grey or CV_8UC3 RGB) as a QImage that owns a copy, so
// what the GUI paints is exactly what the model is fed.
QImage toQImage(const cv::Mat &pixels);

class ImageCache;

// Decodes a file through storage's one decode path; a null image and a reason on failure. With a
// team project's `cache`, a file missing from it is fetched from the server first.
QImage decodeForDisplay(const std::filesystem::path &file, QString *error = nullptr, ImageCache *cache = nullptr);

} // namespace activelabel
