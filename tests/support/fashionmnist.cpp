#include "support/fashionmnist.h"

#include <opencv2/imgcodecs.hpp>

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <stdexcept>

namespace activelabel::testsupport {

namespace {

std::uint32_t bigEndian(const unsigned char *p)
{
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
           p[3];
}

} // namespace

std::vector<unsigned char> gunzip(const std::string &path)
{
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f)
        throw std::runtime_error("cannot open " + path);
    std::vector<unsigned char> out;
    std::vector<unsigned char> buffer(1 << 16);
    int n;
    while ((n = gzread(f, buffer.data(), unsigned(buffer.size()))) > 0)
        out.insert(out.end(), buffer.begin(), buffer.begin() + n);
    gzclose(f);
    return out;
}

IdxImages readIdxPair(const std::string &imagesFile, const std::string &labelsFile,
                      std::size_t limit)
{
    const auto images = gunzip(imagesFile);
    const auto labels = gunzip(labelsFile);
    // Magic 0x00000803: unsigned bytes, 3 dimensions; 0x00000801: 1 dimension.
    if (images.size() < 16 || bigEndian(images.data()) != 0x803 || labels.size() < 8 ||
        bigEndian(labels.data()) != 0x801)
        throw std::runtime_error("not an IDX image/label pair: " + imagesFile + ", " + labelsFile);
    std::size_t n =
        std::min<std::size_t>(bigEndian(images.data() + 4), bigEndian(labels.data() + 4));
    const int rows = int(bigEndian(images.data() + 8));
    const int cols = int(bigEndian(images.data() + 12));
    const std::size_t itemSize = std::size_t(rows) * std::size_t(cols);
    if (limit)
        n = std::min(n, limit);
    if (images.size() < 16 + n * itemSize || labels.size() < 8 + n)
        throw std::runtime_error("IDX files shorter than their headers say: " + imagesFile);
    IdxImages out;
    out.images.reserve(n);
    out.labels.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        cv::Mat m(rows, cols, CV_8UC1);
        std::memcpy(m.data, images.data() + 16 + i * itemSize, itemSize);
        out.images.push_back(m);
        out.labels.push_back(labels[8 + i]);
    }
    return out;
}

std::string fashionMnistDir()
{
    const char *custom = std::getenv("ACTIVELABEL_FASHION_MNIST_DIR");
    return custom ? std::string(custom) : std::string("/usr/share/datasets/fashion-mnist");
}

bool hasFashionMnist()
{
    const std::string dir = fashionMnistDir();
    for (const char *name : {"/train-images-idx3-ubyte.gz", "/train-labels-idx1-ubyte.gz",
                             "/t10k-images-idx3-ubyte.gz", "/t10k-labels-idx1-ubyte.gz"})
        if (!std::filesystem::exists(dir + name))
            return false;
    return true;
}

IdxImages readFashionMnist(const std::string &prefix, std::size_t limit)
{
    const std::string dir = fashionMnistDir() + "/" + prefix;
    return readIdxPair(dir + "-images-idx3-ubyte.gz", dir + "-labels-idx1-ubyte.gz", limit);
}

QStringList fashionMnistClasses()
{
    return {QStringLiteral("T-shirt/top"), QStringLiteral("Trouser"), QStringLiteral("Pullover"),
            QStringLiteral("Dress"),       QStringLiteral("Coat"),    QStringLiteral("Sandal"),
            QStringLiteral("Shirt"),       QStringLiteral("Sneaker"), QStringLiteral("Bag"),
            QStringLiteral("Ankle boot")};
}

bool writeFashionMnistClassTree(const std::string &root, const std::vector<std::pair<int, std::string>> &classes,
                                int perClass)
{
    const IdxImages train = readFashionMnist("train", 3000);
    std::map<int, int> written;
    for (std::size_t i = 0; i < train.labels.size(); ++i) {
        const auto cls = std::find_if(classes.begin(), classes.end(),
                                      [&](const auto &c) { return c.first == train.labels[i]; });
        if (cls == classes.end() || written[cls->first] >= perClass)
            continue;
        const std::filesystem::path dir = std::filesystem::path(root) / cls->second;
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec || !cv::imwrite((dir / (std::to_string(i) + ".png")).string(), train.images[i]))
            return false;
        ++written[cls->first];
    }
    return std::all_of(classes.begin(), classes.end(), [&](const auto &c) { return written[c.first] == perClass; });
}

} // namespace activelabel::testsupport
