#pragma once
// Fashion-MNIST pixels and labels for fixtures, read with zlib alone: independent of storage/'s
// IdxReader (which some suites test) and of the model library (the GPU check in tests/cuda
// builds the model suites without storage/).
#include <QStringList>

#include <opencv2/core/mat.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace activelabel::testsupport {

// The whole file through zlib, which reads uncompressed files as they are. Throws
// std::runtime_error when it cannot be opened.
std::vector<unsigned char> gunzip(const std::string &path);

struct IdxImages
{
    std::vector<cv::Mat> images; // CV_8UC1, rows x cols as the file says
    std::vector<int> labels;
};

// An IDX pair of unsigned bytes (images N x H x W, labels N), the first `limit` items (0: all).
// Throws std::runtime_error on a missing, short or malformed file.
IdxImages readIdxPair(const std::string &imagesFile, const std::string &labelsFile,
                      std::size_t limit = 0);

// Debian's dataset-fashion-mnist, or ACTIVELABEL_FASHION_MNIST_DIR on machines without the package.
std::string fashionMnistDir();
bool hasFashionMnist();
// prefix "train" (60,000 images) or "t10k" (10,000); throws like readIdxPair.
IdxImages readFashionMnist(const std::string &prefix, std::size_t limit = 0);
// The ten class names, in label order.
QStringList fashionMnistClasses();

// A folder-per-class tree of real Fashion-MNIST PNGs under `root`: for each label in `classes`,
// the first `perClass` training images of that label as root/<name>/<index>.png. Returns false
// when an image could not be written or the dataset has too few of a class.
bool writeFashionMnistClassTree(const std::string &root, const std::vector<std::pair<int, std::string>> &classes,
                                int perClass);

} // namespace activelabel::testsupport
