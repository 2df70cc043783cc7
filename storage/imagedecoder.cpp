#include "storage/imagedecoder.h"

#include <QBuffer>
#include <QByteArray>
#include <QImageReader>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace activelabel {

namespace {

using Byte = std::uint8_t;

bool startsWith(const Byte *p, std::size_t n, const char *magic, std::size_t m, std::size_t at = 0)
{
    return n >= at + m && std::memcmp(p + at, magic, m) == 0;
}

std::uint32_t be16(const Byte *p) { return (std::uint32_t(p[0]) << 8) | p[1]; }
std::uint32_t be32(const Byte *p) { return (be16(p) << 16) | be16(p + 2); }
std::uint32_t le16(const Byte *p) { return (std::uint32_t(p[1]) << 8) | p[0]; }
std::uint32_t le32(const Byte *p) { return (le16(p + 2) << 16) | le16(p); }

// Orientation tag (0x0112) of IFD0 in a TIFF structure (a TIFF file or an EXIF payload).
int tiffOrientation(const Byte *p, std::size_t n)
{
    if (n < 8)
        return 1;
    const bool little = p[0] == 'I' && p[1] == 'I';
    if (!little && !(p[0] == 'M' && p[1] == 'M'))
        return 1;
    auto u16 = [&](std::size_t at) { return little ? le16(p + at) : be16(p + at); };
    auto u32 = [&](std::size_t at) { return little ? le32(p + at) : be32(p + at); };
    if (u16(2) != 42)
        return 1;
    const std::size_t ifd = u32(4);
    if (ifd + 2 > n)
        return 1;
    const std::size_t entries = u16(ifd);
    for (std::size_t i = 0; i < entries; ++i) {
        const std::size_t e = ifd + 2 + i * 12;
        if (e + 12 > n)
            break;
        if (u16(e) == 0x0112 && u16(e + 2) == 3) { // SHORT
            const int value = static_cast<int>(u16(e + 8));
            return value >= 1 && value <= 8 ? value : 1;
        }
    }
    return 1;
}

int exifPayloadOrientation(const Byte *p, std::size_t n)
{
    if (startsWith(p, n, "Exif\0\0", 6)) {
        p += 6;
        n -= 6;
    }
    return tiffOrientation(p, n);
}

int jpegOrientation(const Byte *p, std::size_t n)
{
    std::size_t i = 2;
    while (i + 4 <= n) {
        if (p[i] != 0xFF)
            return 1;
        const Byte marker = p[i + 1];
        if (marker == 0xFF) { // fill byte
            ++i;
            continue;
        }
        if (marker == 0xDA || marker == 0xD9) // start of scan / end: no EXIF after this
            return 1;
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // markers without a length
            i += 2;
            continue;
        }
        const std::size_t length = be16(p + i + 2);
        if (length < 2 || i + 2 + length > n)
            return 1;
        if (marker == 0xE1 && startsWith(p + i + 4, length - 2, "Exif\0\0", 6))
            return exifPayloadOrientation(p + i + 4, length - 2);
        i += 2 + length;
    }
    return 1;
}

int pngOrientation(const Byte *p, std::size_t n)
{
    std::size_t i = 8;
    while (i + 12 <= n) {
        const std::size_t length = be32(p + i);
        if (i + 12 + length > n)
            return 1;
        if (std::memcmp(p + i + 4, "eXIf", 4) == 0)
            return exifPayloadOrientation(p + i + 8, length);
        if (std::memcmp(p + i + 4, "IEND", 4) == 0)
            return 1;
        i += 12 + length;
    }
    return 1;
}

int webpOrientation(const Byte *p, std::size_t n)
{
    std::size_t i = 12;
    while (i + 8 <= n) {
        const std::size_t length = le32(p + i + 4);
        if (i + 8 + length > n)
            return 1;
        if (std::memcmp(p + i, "EXIF", 4) == 0)
            return exifPayloadOrientation(p + i + 8, length);
        i += 8 + length + (length & 1);
    }
    return 1;
}

// Header dimensions without Qt's plugins, for the formats whose header is trivial: always for PNG,
// for BMP when QImageReader cannot tell (e.g. an image-formats plugin is missing).
bool fallbackSize(const Byte *p, std::size_t n, ImageDecoder::Format format, long long &w, long long &h)
{
    if (format == ImageDecoder::Format::Png && n >= 24 && std::memcmp(p + 12, "IHDR", 4) == 0) {
        w = be32(p + 16);
        h = be32(p + 20);
        return true;
    }
    if (format == ImageDecoder::Format::Bmp && n >= 26) {
        w = static_cast<std::int32_t>(le32(p + 18));
        h = static_cast<std::int32_t>(le32(p + 22));
        h = h < 0 ? -h : h; // top-down bitmaps store a negative height
        return true;
    }
    return false;
}

// libpng allocates what a chunk's length field claims before it reads the chunk, in Qt's header
// read and in OpenCV's decode alike: a 100-byte file claiming a 2 GB chunk would make the header
// check allocate 2 GB (found by tests/fuzz/fuzz_imageheader). Every chunk up to IEND must fit
// in the file; a file that simply ends early is left to the decoder.
bool pngChunksFit(const Byte *p, std::size_t n, std::string &error)
{
    std::size_t i = 8;
    while (i + 8 <= n) {
        const std::size_t length = be32(p + i);
        if (length > 0x7fffffffu || i + 12 + length > n) {
            std::string type;
            for (std::size_t k = 4; k < 8; ++k)
                type += std::isalnum(p[i + k]) ? char(p[i + k]) : '?';
            error = "cannot decode png: truncated or corrupt file (chunk " + type + " claims " + std::to_string(length) +
                    " bytes, the file has " + std::to_string(n - std::min(n, i + 12)) + " left)";
            return false;
        }
        if (std::memcmp(p + i + 4, "IEND", 4) == 0)
            return true;
        i += 12 + length;
    }
    return true;
}

// libjpeg only warns about a truncated file and fills the rest with grey: require the
// end-of-image marker near the end (some cameras append trailers after it).
bool hasJpegEnd(const Byte *p, std::size_t size)
{
    const std::size_t window = std::min<std::size_t>(size, 1 << 20);
    for (std::size_t i = size - 1; i + window > size && i > 0; --i)
        if (p[i - 1] == 0xFF && p[i] == 0xD9)
            return true;
    return false;
}

void setError(std::string *error, const std::string &message)
{
    if (error)
        *error = message;
}

// Alpha over white, 8-bit input with 2 (grey+alpha) or 4 (BGRA) channels; returns 1 or 3 channels.
cv::Mat compositeOverWhite(const cv::Mat &in)
{
    const int colour = in.channels() - 1;
    cv::Mat out(in.rows, in.cols, CV_8UC(colour));
    for (int y = 0; y < in.rows; ++y) {
        const Byte *s = in.ptr<Byte>(y);
        Byte *d = out.ptr<Byte>(y);
        for (int x = 0; x < in.cols; ++x, s += colour + 1, d += colour) {
            const unsigned a = s[colour];
            for (int c = 0; c < colour; ++c)
                d[c] = static_cast<Byte>((s[c] * a + 255u * (255u - a) + 127u) / 255u);
        }
    }
    return out;
}

bool toEightBit(const cv::Mat &in, cv::Mat &out, std::string &error)
{
    switch (in.depth()) {
    case CV_8U: out = in; return true;
    case CV_16U: in.convertTo(out, CV_8U, 1.0 / 257.0); return true;
    case CV_32F:
    case CV_64F: in.convertTo(out, CV_8U, 255.0); return true; // float images are in [0, 1]
    default: error = "unsupported sample type (depth " + std::to_string(in.depth()) + ")"; return false;
    }
}

} // namespace

ImageDecoder::Format ImageDecoder::sniff(const void *data, std::size_t size)
{
    const auto *p = static_cast<const Byte *>(data);
    if (size >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return Format::Jpeg;
    if (startsWith(p, size, "\x89PNG\r\n\x1a\n", 8))
        return Format::Png;
    if (startsWith(p, size, "BM", 2) && size >= 26)
        return Format::Bmp;
    if (startsWith(p, size, "II\x2a\x00", 4) || startsWith(p, size, "MM\x00\x2a", 4))
        return Format::Tiff;
    if (startsWith(p, size, "RIFF", 4) && startsWith(p, size, "WEBP", 4, 8))
        return Format::Webp;
    return Format::Unknown;
}

const char *ImageDecoder::formatName(Format format)
{
    switch (format) {
    case Format::Jpeg: return "jpeg";
    case Format::Png: return "png";
    case Format::Bmp: return "bmp";
    case Format::Tiff: return "tiff";
    case Format::Webp: return "webp";
    case Format::Unknown: break;
    }
    return "unknown";
}

bool ImageDecoder::hasImageExtension(const std::filesystem::path &path)
{
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".tif" || ext == ".tiff" ||
           ext == ".webp";
}

bool ImageDecoder::inspect(const void *data, std::size_t size, Header &header, std::string &error)
{
    header = Header{};
    if (size == 0) {
        error = "empty file";
        return false;
    }
    header.format = sniff(data, size);
    if (header.format == Format::Unknown) {
        error = "not a supported image (content is not JPEG, PNG, BMP, TIFF or WebP)";
        return false;
    }
    if (header.format == Format::Png && !pngChunksFit(static_cast<const Byte *>(data), size, error))
        return false;
    long long w = -1;
    long long h = -1;
    // A PNG's size sits at a fixed place in IHDR, which is all QImageReader reads there too, and
    // constructing a reader per file cost a third of decoding a 28x28 PNG.
    if (header.format != Format::Png || !fallbackSize(static_cast<const Byte *>(data), size, header.format, w, h)) {
        QByteArray bytes = QByteArray::fromRawData(static_cast<const char *>(data), static_cast<qsizetype>(size));
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::ReadOnly);
        QImageReader reader(&buffer, formatName(header.format));
        const QSize s = reader.size(); // header only: nothing is decoded or allocated
        if (s.isValid()) {
            w = s.width();
            h = s.height();
        }
        if (w <= 0 || h <= 0)
            fallbackSize(static_cast<const Byte *>(data), size, header.format, w, h);
    }
    if (w <= 0 || h <= 0) {
        error = std::string("cannot read the image size from the ") + formatName(header.format) +
                " header (truncated or corrupt file)";
        return false;
    }
    if (w > kMaxSide || h > kMaxSide || w * h > kMaxPixels) {
        error = "image too large: header claims " + std::to_string(w) + "x" + std::to_string(h) + " (limit " +
                std::to_string(kMaxSide) + " per side, " + std::to_string(kMaxPixels / 1000000) + " megapixels)";
        return false;
    }
    header.width = static_cast<int>(w);
    header.height = static_cast<int>(h);
    return true;
}

int ImageDecoder::exifOrientation(const void *data, std::size_t size, Format format)
{
    const auto *p = static_cast<const Byte *>(data);
    switch (format) {
    case Format::Jpeg: return jpegOrientation(p, size);
    case Format::Png: return pngOrientation(p, size);
    case Format::Webp: return webpOrientation(p, size);
    case Format::Tiff: return tiffOrientation(p, size);
    default: return 1;
    }
}

void ImageDecoder::applyOrientation(cv::Mat &img, int orientation)
{
    // The same mapping as OpenCV's own ApplyExifOrientation (imgcodecs/src/loadsave.cpp).
    switch (orientation) {
    case 2: cv::flip(img, img, 1); break;
    case 3: cv::flip(img, img, -1); break;
    case 4: cv::flip(img, img, 0); break;
    case 5: cv::transpose(img, img); break;
    case 6: cv::transpose(img, img); cv::flip(img, img, 1); break;
    case 7: cv::transpose(img, img); cv::flip(img, img, -1); break;
    case 8: cv::transpose(img, img); cv::flip(img, img, 0); break;
    default: break;
    }
}

cv::Mat ImageDecoder::decode(const void *data, std::size_t size, std::string *error)
{
    Header header;
    std::string reason;
    if (!inspect(data, size, header, reason)) {
        setError(error, reason);
        return {};
    }
    if (header.format == Format::Jpeg && !hasJpegEnd(static_cast<const Byte *>(data), size)) {
        setError(error, "truncated JPEG (no end-of-image marker)");
        return {};
    }
    const auto *p = static_cast<const Byte *>(data);
    cv::Mat raw;
    try {
        const cv::Mat buffer(1, static_cast<int>(size), CV_8UC1, const_cast<Byte *>(p));
        raw = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception &e) {
        setError(error, std::string("cannot decode ") + formatName(header.format) + ": " + e.err);
        return {};
    } catch (const std::exception &e) {
        setError(error, std::string("cannot decode ") + formatName(header.format) + ": " + e.what());
        return {};
    }
    if (raw.empty()) {
        setError(error, std::string("cannot decode ") + formatName(header.format) + " (corrupt or truncated file)");
        return {};
    }
    try {
        cv::Mat img;
        if (!toEightBit(raw, img, reason)) {
            setError(error, reason);
            return {};
        }
        cv::Mat out;
        switch (img.channels()) {
        case 1: out = img; break;
        case 2: out = compositeOverWhite(img); break;
        case 3: cv::cvtColor(img, out, cv::COLOR_BGR2RGB); break;
        case 4: cv::cvtColor(compositeOverWhite(img), out, cv::COLOR_BGR2RGB); break;
        default:
            setError(error, "unsupported channel count " + std::to_string(img.channels()));
            return {};
        }
        applyOrientation(out, exifOrientation(data, size, header.format));
        return out;
    } catch (const cv::Exception &e) {
        setError(error, std::string("cannot convert image: ") + e.err);
        return {};
    }
}

bool ImageDecoder::validate(const void *data, std::size_t size, Header &header, std::string &error)
{
    if (!inspect(data, size, header, error))
        return false;
    if (header.format != Format::Jpeg) {
        const cv::Mat full = decode(data, size, &error);
        if (full.empty())
            return false;
        header.width = full.cols;
        header.height = full.rows;
        return true;
    }
    const auto *p = static_cast<const Byte *>(data);
    if (!hasJpegEnd(p, size)) {
        error = "truncated JPEG (no end-of-image marker)";
        return false;
    }
    try {
        const cv::Mat buffer(1, static_cast<int>(size), CV_8UC1, const_cast<Byte *>(p));
        if (cv::imdecode(buffer, cv::IMREAD_REDUCED_GRAYSCALE_8).empty()) {
            error = "cannot decode jpeg (corrupt or truncated file)";
            return false;
        }
    } catch (const cv::Exception &e) {
        error = std::string("cannot decode jpeg: ") + e.err;
        return false;
    }
    if (exifOrientation(data, size, header.format) >= 5)
        std::swap(header.width, header.height);
    return true;
}

bool ImageDecoder::readFile(const std::filesystem::path &path, std::string &bytes, std::string &error)
{
    // Plain POSIX calls: a rescoring pass reads tens of thousands of small files, and an
    // std::ifstream (locale, stream buffer, seek-to-end for the size) cost ~3x these three calls.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = std::string("cannot open file: ") + std::strerror(errno);
        return false;
    }
    struct Closer
    {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        error = std::string("cannot read file size: ") + std::strerror(errno);
        return false;
    }
    if (!S_ISREG(info.st_mode)) {
        error = "not a regular file";
        return false;
    }
    const auto size = static_cast<unsigned long long>(info.st_size);
    if (size > kMaxFileBytes) {
        error = "file too large (" + std::to_string(size / (1024 * 1024)) + " MiB)";
        return false;
    }
    bytes.resize(static_cast<std::size_t>(size));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t got = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            error = std::string("cannot read file: ") + std::strerror(errno);
            return false;
        }
        if (got == 0) { // the file shrank while we read it
            bytes.resize(done);
            break;
        }
        done += static_cast<std::size_t>(got);
    }
    return true;
}

cv::Mat ImageDecoder::decodeFile(const std::filesystem::path &path, std::string *error)
{
    std::string bytes;
    std::string reason;
    if (!readFile(path, bytes, reason)) {
        setError(error, reason);
        return {};
    }
    return decode(bytes.data(), bytes.size(), error);
}

} // namespace activelabel
