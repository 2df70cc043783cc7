#include "support/imagecorpus.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <random>

namespace activelabel::testsupport {

namespace {

void appendBe32(QByteArray &out, quint32 v)
{
    out.append(char(v >> 24)).append(char(v >> 16)).append(char(v >> 8)).append(char(v));
}

void appendPngChunk(QByteArray &out, const char *type, const QByteArray &data)
{
    appendBe32(out, static_cast<quint32>(data.size()));
    QByteArray body(type, 4);
    body += data;
    out += body;
    appendBe32(out, static_cast<quint32>(crc32(0, reinterpret_cast<const Bytef *>(body.constData()),
                                               static_cast<uInt>(body.size()))));
}

} // namespace

cv::Mat patternImage(int width, int height, int seed, int channels)
{
    cv::Mat img(height, width, CV_8UC(channels));
    std::mt19937 rng(static_cast<unsigned>(seed));
    std::uniform_int_distribution<int> noise(0, 40);
    for (int y = 0; y < height; ++y) {
        auto *p = img.ptr<uchar>(y);
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < channels; ++c)
                p[x * channels + c] = static_cast<uchar>(
                    c == 3 ? 255 : ((x * (c + 1) * 255 / std::max(1, width)) + y * 3 + seed * 37 + noise(rng)) & 0xff);
    }
    cv::rectangle(img, cv::Rect(width / 4, height / 4, std::max(1, width / 3), std::max(1, height / 3)),
                  cv::Scalar::all(seed % 256), cv::FILLED);
    return img;
}

QByteArray encode(const cv::Mat &image, const std::string &extension, int jpegQuality)
{
    std::vector<uchar> buffer;
    std::vector<int> params;
    if (extension == ".jpg" || extension == ".jpeg")
        params = {cv::IMWRITE_JPEG_QUALITY, jpegQuality};
    if (!cv::imencode(extension, image, buffer, params))
        return {};
    return QByteArray(reinterpret_cast<const char *>(buffer.data()), static_cast<qsizetype>(buffer.size()));
}

bool writeFile(const std::string &path, const QByteArray &bytes)
{
    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f)
        return false;
    const bool ok = std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), f) == static_cast<size_t>(bytes.size());
    return std::fclose(f) == 0 && ok;
}

bool writeImage(const std::string &path, int width, int height, int seed, int channels)
{
    const auto dot = path.rfind('.');
    if (dot == std::string::npos)
        return false;
    const QByteArray bytes = encode(patternImage(width, height, seed, channels), path.substr(dot));
    return !bytes.isEmpty() && writeFile(path, bytes);
}

bool writeImageFolder(const std::string &root, const std::vector<std::string> &classes,
                      int perClass)
{
    int seed = 1;
    for (const std::string &cls : classes) {
        std::error_code error;
        std::filesystem::create_directories(root + "/" + cls, error);
        for (int i = 0; i < perClass; ++i)
            if (!writeImage(root + "/" + cls + "/" + std::to_string(i) + ".png", 28, 28, seed++, 1))
                return false;
    }
    return true;
}

QByteArray jpegWithOrientation(const cv::Mat &image, int orientation)
{
    const QByteArray jpeg = encode(image, ".jpg", 95);
    // TIFF structure (little endian): header, IFD0 with one entry (Orientation, SHORT, 1).
    QByteArray tiff("II\x2a\x00\x08\x00\x00\x00", 8);
    tiff.append("\x01\x00", 2);                          // one entry
    tiff.append("\x12\x01\x03\x00\x01\x00\x00\x00", 8); // tag 0x0112, type SHORT, count 1
    tiff.append(char(orientation)).append('\0').append('\0').append('\0');
    tiff.append("\x00\x00\x00\x00", 4); // no next IFD
    QByteArray payload("Exif\0\0", 6);
    payload += tiff;
    QByteArray app1("\xFF\xE1", 2);
    const int length = static_cast<int>(payload.size()) + 2;
    app1.append(char(length >> 8)).append(char(length & 0xff));
    app1 += payload;
    // Insert right after SOI. OpenCV writes a JFIF APP0 first; EXIF after it is still found.
    return jpeg.left(2) + app1 + jpeg.mid(2);
}

QByteArray pngHeaderBomb(int width, int height)
{
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    QByteArray ihdr;
    appendBe32(ihdr, static_cast<quint32>(width));
    appendBe32(ihdr, static_cast<quint32>(height));
    ihdr.append(char(8)).append(char(0)).append(char(0)).append(char(0)).append(char(0)); // 8-bit grey
    appendPngChunk(png, "IHDR", ihdr);
    // A small zlib stream of zeros: a real bomb would inflate to width*height bytes.
    QByteArray zeros(4096, '\0');
    uLongf size = compressBound(static_cast<uLong>(zeros.size()));
    QByteArray compressed(static_cast<qsizetype>(size), '\0');
    compress(reinterpret_cast<Bytef *>(compressed.data()), &size, reinterpret_cast<const Bytef *>(zeros.constData()),
             static_cast<uLong>(zeros.size()));
    compressed.resize(static_cast<qsizetype>(size));
    appendPngChunk(png, "IDAT", compressed);
    appendPngChunk(png, "IEND", {});
    return png;
}

QByteArray jpegHeaderBomb(int width, int height)
{
    QByteArray jpeg = encode(patternImage(16, 16, 1, 1), ".jpg");
    // Rewrite the SOF0 frame header's height and width (FF C0, length(2), precision(1), H(2), W(2)).
    const qsizetype sof = jpeg.indexOf(QByteArray("\xFF\xC0", 2));
    if (sof < 0)
        return {};
    jpeg[sof + 5] = char(height >> 8);
    jpeg[sof + 6] = char(height & 0xff);
    jpeg[sof + 7] = char(width >> 8);
    jpeg[sof + 8] = char(width & 0xff);
    return jpeg;
}

QByteArray truncated(const QByteArray &bytes, double keep)
{
    return bytes.left(static_cast<qsizetype>(bytes.size() * keep));
}

} // namespace activelabel::testsupport
