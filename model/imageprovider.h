#pragma once

#include <opencv2/core/mat.hpp>

#include <cstddef>
#include <string>

namespace activelabel {

// How model/ receives images without knowing where they come from. app/ implements it on top of
// storage's single decode path, so the pixels the model learns from are the pixels the annotator
// sees (same EXIF orientation, same bit-depth and channel conversion).
class ImageProvider
{
public:
    virtual ~ImageProvider() = default;

    virtual std::size_t size() const = 0;

    // 8-bit pixels, CV_8UC1 (grey) or CV_8UC3 in RGB order, already oriented. An image that cannot
    // be decoded (deleted or corrupted since import) yields an empty Mat and a reason in `error`.
    // Must be safe to call from several threads at once (the trainer prefetches in parallel).
    virtual cv::Mat load(std::size_t index, std::string *error = nullptr) const = 0;
};

} // namespace activelabel
