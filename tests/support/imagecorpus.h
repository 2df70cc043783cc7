#pragma once

#include <QByteArray>
#include <QString>

#include <opencv2/core/mat.hpp>

#include <string>
#include <vector>

namespace activelabel::testsupport {

// Fixture generators for tests and benchmarks: real image files made with OpenCV, plus the
// broken and hostile files an import must refuse. Everything is deterministic for a given seed.

// A w x h image with a seeded pattern (gradient + noise + a rectangle), 8-bit, 1/3/4 channels
// (OpenCV BGR(A) order), distinct for distinct seeds.
cv::Mat patternImage(int width, int height, int seed, int channels = 3);
// Encodes with OpenCV by extension (".jpg", ".png", ".bmp", ".tiff", ".webp"); empty on failure.
QByteArray encode(const cv::Mat &image, const std::string &extension, int jpegQuality = 90);
// Writes bytes to a file (path as raw bytes, may be non-UTF-8). Returns false on failure.
bool writeFile(const std::string &path, const QByteArray &bytes);
// patternImage + encode + writeFile.
bool writeImage(const std::string &path, int width, int height, int seed, int channels = 3);
// An ImageFolder tree: root/<class>/<i>.png, `perClass` distinct 28 x 28 grey images per class.
bool writeImageFolder(const std::string &root, const std::vector<std::string> &classes,
                      int perClass);

// A JPEG carrying an EXIF APP1 segment with the given orientation tag (1..8).
QByteArray jpegWithOrientation(const cv::Mat &image, int orientation);
// A well-formed PNG header (valid CRCs) claiming width x height, with a tiny IDAT: a decompression
// bomb by header.
QByteArray pngHeaderBomb(int width, int height);
// A JPEG whose frame header (SOF0) claims width x height.
QByteArray jpegHeaderBomb(int width, int height);
// The first `keep` fraction of a valid file's bytes.
QByteArray truncated(const QByteArray &bytes, double keep);

} // namespace activelabel::testsupport
