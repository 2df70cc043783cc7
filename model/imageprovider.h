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

    // Bytes that identify the image's content (e.g. a hash of its file), or empty when unknown.
    // Features computed from an image with a key may be kept on disk under it and reused by a
    // later session; an image without one is never persisted.
    virtual std::string contentKey(std::size_t /*index*/) const { return {}; }
};

} // namespace activelabel
