// Fuzzes the folder walk behind folder and ImageFolder import (path handling: raw-byte names,
// non-UTF-8, odd extensions, directory and file symlinks, symlink loops, dangling links). The input
// is a small program that builds a tree in a scratch directory; the walker then runs over it with
// and without ImageFolder classes. Invariants: the walk ends, every file it returns exists, is a
// regular file with an image extension and is listed once, and its class is the first folder
// below the root (none for files in the root itself).
#include "fuzzcheck.h"
#include "storage/folderwalker.h"
#include "storage/imagedecoder.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;
using activelabel::FolderWalker;
using activelabel::fuzz::check;

namespace {


struct Reader
{
    const std::uint8_t *p;
    std::size_t n;
    bool more() const { return n > 0; }
    std::uint8_t byte()
    {
        if (!n)
            return 0;
        --n;
        return *p++;
    }
};

// A non-empty name of raw bytes without '/' or NUL, never "." or "..", with one of a few
// extensions (image ones in both cases, others, none) so the extension filter is exercised.
std::string name(Reader &r)
{
    static const char *const extensions[] = {".png", ".JPG", ".jpeg", ".Tiff", ".webp", ".bmp", ".txt", "", ".png.txt", ".PnG"};
    std::string s;
    const int length = 1 + r.byte() % 12;
    for (int i = 0; i < length; ++i) {
        char c = static_cast<char>(r.byte());
        if (c == '/' || c == '\0')
            c = '_';
        s += c;
    }
    if (s == "." || s == "..")
        s += "x";
    return s + extensions[r.byte() % 10];
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static const fs::path root = fs::temp_directory_path() / ("activelabel-fuzz-walk-" + std::to_string(::getpid()));
    std::error_code ec;
    fs::remove_all(root, ec);
    fs::create_directories(root);

    // Build the tree: up to 64 operations, each relative to a current directory.
    Reader r{data, size};
    std::vector<fs::path> dirs{root};
    fs::path cwd = root;
    for (int op = 0; op < 64 && r.more(); ++op) {
        switch (r.byte() % 6) {
        case 0: { // mkdir
            const fs::path d = cwd / name(r);
            if (fs::create_directory(d, ec))
                dirs.push_back(d);
            break;
        }
        case 1: // a file with a few bytes (content is not checked by the walk)
            std::ofstream(cwd / name(r)) << "x";
            break;
        case 2: // a symlink to a known directory (the root and ancestors make loops)
            fs::create_directory_symlink(dirs[r.byte() % dirs.size()], cwd / name(r), ec);
            break;
        case 3: // a dangling symlink, or a link to itself
            if (r.byte() & 1) {
                fs::create_symlink(root / "does-not-exist", cwd / name(r), ec);
            } else {
                const fs::path self = cwd / name(r);
                fs::create_symlink(self, self, ec);
            }
            break;
        case 4: // change directory
            cwd = dirs[r.byte() % dirs.size()];
            break;
        case 5: // a relative symlink upwards (never from the root: the walk would leave the sandbox)
            if (cwd != root)
                fs::create_directory_symlink("..", cwd / name(r), ec);
            break;
        }
    }

    for (bool imageFolder : {false, true}) {
        const FolderWalker::Result result = FolderWalker::walk({root}, imageFolder);
        std::set<std::string> seen;
        for (const activelabel::ImportCandidate &file : result.files) {
            check(seen.insert(file.path).second, "each path is listed once");
            const fs::path p(file.path);
            check(fs::is_regular_file(p, ec), "a listed file is a regular file");
            check(activelabel::ImageDecoder::hasImageExtension(p), "a listed file has an image extension");
            const fs::path relative = p.lexically_relative(root);
            check(!relative.empty() && *relative.begin() != "..", "a listed file is below the root");
            const bool inRoot = std::distance(relative.begin(), relative.end()) == 1;
            if (!imageFolder || inRoot) {
                check(!file.className.has_value(), "no class without ImageFolder or in the root");
            } else {
                const std::string first = relative.begin()->native();
                check(file.className.has_value() &&
                          *file.className == QString::fromUtf8(first.data(), static_cast<qsizetype>(first.size())),
                      "the class is the first folder below the root");
            }
        }
        for (const auto &problem : result.problems)
            check(!problem.second.isEmpty(), "a problem has a reason");
    }
    fs::remove_all(root, ec);
    return 0;
}
