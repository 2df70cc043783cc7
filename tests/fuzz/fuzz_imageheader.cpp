// Fuzzes the image gate every file passes before a decoder sees it: the magic-byte whitelist
// (sniff), the header-only size check (inspect), our EXIF orientation parsers (JPEG APP1, PNG
// eXIf, WebP EXIF, TIFF IFD0), and for small headers the whole decode path after OpenCV (depth
// conversion, alpha compositing, orientation). Invariants: refusals carry a reason, accepted
// headers are inside the limits, decoded images have the promised type and never exceed them.
#include "fuzzcheck.h"
#include "storage/imagedecoder.h"

#include <opencv2/core.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using activelabel::ImageDecoder;
using activelabel::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const ImageDecoder::Format format = ImageDecoder::sniff(data, size);
    // Each EXIF parser runs on every input, whatever its magic bytes: none may trust the sniff.
    for (auto f : {ImageDecoder::Format::Jpeg, ImageDecoder::Format::Png, ImageDecoder::Format::Webp,
                   ImageDecoder::Format::Tiff}) {
        const int orientation = ImageDecoder::exifOrientation(data, size, f);
        check(orientation >= 1 && orientation <= 8, "EXIF orientation in 1..8");
    }

    ImageDecoder::Header header;
    std::string error;
    if (!ImageDecoder::inspect(data, size, header, error)) {
        check(!error.empty(), "a refused header has a reason");
        return 0;
    }
    check(header.format == format && format != ImageDecoder::Format::Unknown, "accepted format is whitelisted");
    check(header.width > 0 && header.height > 0 && header.width <= ImageDecoder::kMaxSide &&
              header.height <= ImageDecoder::kMaxSide &&
              static_cast<long long>(header.width) * header.height <= ImageDecoder::kMaxPixels,
          "accepted header is inside the limits");

    // Decoding is OpenCV's (uninstrumented) work; only small claimed sizes keep the fuzzer fast.
    if (static_cast<long long>(header.width) * header.height > 512 * 512)
        return 0;
    error.clear();
    const cv::Mat image = ImageDecoder::decode(data, size, &error);
    if (image.empty()) {
        check(!error.empty(), "a failed decode has a reason");
        return 0;
    }
    check(image.type() == CV_8UC1 || image.type() == CV_8UC3, "decoded image is 8-bit grey or RGB");
    check(image.cols <= ImageDecoder::kMaxSide && image.rows <= ImageDecoder::kMaxSide &&
              static_cast<long long>(image.cols) * image.rows <= ImageDecoder::kMaxPixels,
          "decoded image is inside the limits the header check promised");
    return 0;
}
