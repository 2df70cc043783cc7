#pragma once

#include <opencv2/core/mat.hpp>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace activelabel {

// The one image validation and decoding path: the GUI's display and thumbnails, import and the
// model's tensors all get pixels from here, so what the annotator sees is what the model learns.
//
//  1. Magic-byte whitelist (JPEG, PNG, BMP, TIFF, WebP), whatever the file is called: OpenCV
//     would otherwise decode EXR, JPEG 2000, HDR, PXM... by content.
//  2. Header-only size check (QImageReader::size() reads just the header): a header claiming
//     100000x100000 is refused before anything is allocated.
//  3. OpenCV decode with IMREAD_UNCHANGED (keeps 16-bit and alpha, which IMREAD_COLOR drops)
//     plus our own EXIF orientation (IMREAD_UNCHANGED ignores it), so orientation is applied the
//     same way for every format and consumer.
//  4. Conversion to 8 bits; alpha composited over white (how a viewer shows it); output is
//     CV_8UC1 for grey images or CV_8UC3 in RGB order.
// Every failure is a reason string, never an exception or abort. All functions are static and
// thread-safe.
class ImageDecoder
{
public:
    enum class Format { Unknown, Jpeg, Png, Bmp, Tiff, Webp };

    static constexpr long long kMaxPixels = 50LL * 1000 * 1000;
    static constexpr int kMaxSide = 30000;
    static constexpr std::size_t kMaxFileBytes = 512ull * 1024 * 1024;

    static Format sniff(const void *data, std::size_t size);
    static const char *formatName(Format format);
    // True for the extensions folder import considers (case-insensitive).
    static bool hasImageExtension(const std::filesystem::path &path);

    struct Header
    {
        Format format = Format::Unknown;
        int width = 0;  // as stored, before EXIF orientation
        int height = 0;
    };
    // Validates magic bytes and header dimensions. Returns false with a reason on refusal.
    static bool inspect(const void *data, std::size_t size, Header &header, std::string &error);

    // What import needs: the checks of decode() and the oriented size, at lower cost. JPEGs are
    // decoded at 1/8 scale (libjpeg's DCT scaling still reads every coefficient, so truncated or
    // corrupt data is still found) instead of in full; other formats are decoded in full.
    // On success `header` holds the size after EXIF orientation.
    static bool validate(const void *data, std::size_t size, Header &header, std::string &error);

    // Full validation + decode from bytes in memory. Empty Mat and a reason on failure.
    static cv::Mat decode(const void *data, std::size_t size, std::string *error = nullptr);
    // Reads the file (raw path bytes, any name) and decodes it.
    static cv::Mat decodeFile(const std::filesystem::path &path, std::string *error = nullptr);
    // Reads a whole file; false with a reason on I/O failure or a file over kMaxFileBytes.
    static bool readFile(const std::filesystem::path &path, std::string &bytes, std::string &error);

    // EXIF orientation (1..8) found in JPEG APP1, PNG eXIf, WebP EXIF or TIFF IFD0; 1 if none.
    static int exifOrientation(const void *data, std::size_t size, Format format);
    // Applies an EXIF orientation value to an image in place.
    static void applyOrientation(cv::Mat &image, int orientation);
};

} // namespace activelabel
