#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace activelabel {

// An IDX array (the MNIST / Fashion-MNIST file format) of unsigned bytes: dims[0] items, each
// dims[1] x dims[2] ... bytes.
struct IdxArray
{
    std::vector<std::uint32_t> dims;
    std::vector<std::uint8_t> data;

    std::size_t count() const { return dims.empty() ? 0 : dims[0]; }
    std::size_t itemSize() const;
    const std::uint8_t *item(std::size_t i) const { return data.data() + i * itemSize(); }
};

// Reads IDX files, gzip-compressed or not (zlib's gzread reads both). Only the unsigned-byte
// element type (0x08) is supported: that is what (Fashion-)MNIST uses. Thread-safe.
class IdxReader
{
public:
    // Throws std::runtime_error with the file name and reason on any problem.
    static IdxArray read(const std::filesystem::path &file);
};

// The Fashion-MNIST dataset as Debian's dataset-fashion-mnist ships it.
class FashionMnist
{
public:
    static std::filesystem::path defaultDirectory(); // /usr/share/datasets/fashion-mnist
    static const std::vector<std::string> &classNames(); // the 10 names, label order
    static std::filesystem::path trainImages(const std::filesystem::path &dir);
    static std::filesystem::path trainLabels(const std::filesystem::path &dir);
    static std::filesystem::path testImages(const std::filesystem::path &dir);
    static std::filesystem::path testLabels(const std::filesystem::path &dir);
};

} // namespace activelabel
