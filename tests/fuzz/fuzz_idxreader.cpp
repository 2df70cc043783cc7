// Fuzzes the IDX (MNIST) reader with arbitrary file contents, plain or gzip (zlib's gzread reads
// both). Invariants: malformed files throw std::runtime_error with a reason; an accepted array has
// rank 1..4 and exactly as many bytes as its dimensions say.
#include "fuzzcheck.h"
#include "storage/idxreader.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

using activelabel::fuzz::check;

namespace {


std::filesystem::path scratchFile()
{
    // One file per process (libFuzzer -jobs/-fork run several processes side by side).
    static const std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("activelabel-fuzz-idx-" + std::to_string(::getpid()));
    return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::filesystem::path path = scratchFile();
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(size));
    }
    try {
        const activelabel::IdxArray array = activelabel::IdxReader::read(path);
        check(!array.dims.empty() && array.dims.size() <= 4, "rank 1..4");
        std::size_t total = 1;
        for (std::uint32_t d : array.dims)
            total *= d;
        check(array.data.size() == total, "data size matches the dimensions");
        if (array.count() > 0 && array.itemSize() > 0)
            check(array.item(array.count() - 1) + array.itemSize() == array.data.data() + array.data.size(),
                  "the last item ends at the end of the data");
    } catch (const std::runtime_error &e) {
        check(e.what()[0] != '\0', "an error has a reason");
    }
    return 0;
}
