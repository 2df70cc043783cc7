#include "storage/idxreader.h"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

namespace activelabel {

std::size_t IdxArray::itemSize() const
{
    std::size_t size = 1;
    for (std::size_t i = 1; i < dims.size(); ++i)
        size *= dims[i];
    return size;
}

IdxArray IdxReader::read(const std::filesystem::path &file)
{
    gzFile gz = gzopen(file.c_str(), "rb");
    if (!gz)
        throw std::runtime_error("cannot open " + file.string());
    struct Closer
    {
        gzFile f;
        ~Closer() { gzclose(f); }
    } closer{gz};
    gzbuffer(gz, 1 << 17);

    auto readExact = [&](void *out, std::size_t n) {
        auto *p = static_cast<unsigned char *>(out);
        while (n > 0) {
            const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n, 1u << 30));
            const int got = gzread(gz, p, chunk);
            if (got <= 0) {
                int errnum = 0;
                const char *message = gzerror(gz, &errnum);
                throw std::runtime_error("cannot read " + file.string() + ": " +
                                         (errnum != Z_OK && message ? message : "unexpected end of file"));
            }
            p += got;
            n -= static_cast<std::size_t>(got);
        }
    };

    unsigned char magic[4];
    readExact(magic, 4);
    if (magic[0] != 0 || magic[1] != 0)
        throw std::runtime_error(file.string() + " is not an IDX file (bad magic number)");
    if (magic[2] != 0x08)
        throw std::runtime_error(file.string() + ": only unsigned-byte IDX data is supported");
    const int rank = magic[3];
    if (rank < 1 || rank > 4)
        throw std::runtime_error(file.string() + ": unsupported IDX rank " + std::to_string(rank));
    IdxArray array;
    std::size_t total = 1;
    for (int i = 0; i < rank; ++i) {
        unsigned char b[4];
        readExact(b, 4);
        const std::uint32_t d = (std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) | (std::uint32_t(b[2]) << 8) | b[3];
        array.dims.push_back(d);
        total *= d;
        if (total > (std::size_t(1) << 32))
            throw std::runtime_error(file.string() + ": IDX dimensions too large");
    }
    // Grow with the data actually read: a corrupt header claiming gigabytes then fails at the
    // end of the file having allocated about what the file holds, not what it claims.
    std::size_t have = 0;
    while (have < total) {
        const std::size_t want = std::min(total, std::max<std::size_t>(2 * have, std::size_t(1) << 20));
        array.data.resize(want);
        readExact(array.data.data() + have, want - have);
        have = want;
    }
    return array;
}

std::filesystem::path FashionMnist::defaultDirectory()
{
    return "/usr/share/datasets/fashion-mnist";
}

const std::vector<std::string> &FashionMnist::classNames()
{
    static const std::vector<std::string> names{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return names;
}

std::filesystem::path FashionMnist::trainImages(const std::filesystem::path &dir)
{
    return dir / "train-images-idx3-ubyte.gz";
}

std::filesystem::path FashionMnist::trainLabels(const std::filesystem::path &dir)
{
    return dir / "train-labels-idx1-ubyte.gz";
}

std::filesystem::path FashionMnist::testImages(const std::filesystem::path &dir)
{
    return dir / "t10k-images-idx3-ubyte.gz";
}

std::filesystem::path FashionMnist::testLabels(const std::filesystem::path &dir)
{
    return dir / "t10k-labels-idx1-ubyte.gz";
}

} // namespace activelabel
