#include "storage/folderwalker.h"

#include "storage/imagedecoder.h"

#include <algorithm>
#include <set>
#include <system_error>

namespace activelabel {

namespace fs = std::filesystem;

namespace {

QString nameOf(const fs::path &p)
{
    // Class names are text: decode as UTF-8, replacing invalid bytes rather than dropping the file.
    return QString::fromUtf8(p.filename().native().data(), static_cast<qsizetype>(p.filename().native().size()));
}

} // namespace

FolderWalker::Result FolderWalker::walk(const std::vector<fs::path> &roots, bool imageFolder,
                                        const ImportProgressCallback &progress)
{
    Result result;
    std::set<fs::path> visited; // canonical directories
    for (const fs::path &root : roots) {
        std::error_code ec;
        const fs::path absRoot = fs::absolute(root, ec);
        const fs::file_status status = fs::status(absRoot, ec);
        if (ec || !fs::exists(status)) {
            result.problems.emplace_back(root.native(), QStringLiteral("no such file or directory"));
            continue;
        }
        if (!fs::is_directory(status)) {
            result.files.push_back({absRoot.native(), std::nullopt});
            continue;
        }
        struct Pending
        {
            fs::path dir;
            std::optional<QString> className;
        };
        std::vector<Pending> stack{{absRoot, std::nullopt}};
        while (!stack.empty()) {
            Pending current = std::move(stack.back());
            stack.pop_back();
            const fs::path canonical = fs::canonical(current.dir, ec);
            if (ec) {
                result.problems.emplace_back(current.dir.native(), QString::fromStdString("cannot resolve directory: " + ec.message()));
                continue;
            }
            if (!visited.insert(canonical).second)
                continue; // a symlink loop or a second path to the same directory
            std::vector<fs::directory_entry> entries;
            // Not skip_permission_denied: that would drop an unreadable folder without a word.
            fs::directory_iterator it(current.dir, ec);
            if (ec) {
                result.problems.emplace_back(current.dir.native(), QString::fromStdString("cannot read directory: " + ec.message()));
                continue;
            }
            for (; it != fs::directory_iterator(); it.increment(ec)) {
                if (ec)
                    break;
                entries.push_back(*it);
            }
            std::sort(entries.begin(), entries.end(),
                      [](const fs::directory_entry &a, const fs::directory_entry &b) { return a.path() < b.path(); });
            std::vector<Pending> subdirs;
            for (const fs::directory_entry &entry : entries) {
                std::error_code e2;
                if (entry.is_directory(e2)) { // follows symlinks
                    std::optional<QString> cls = current.className;
                    if (imageFolder && current.dir == absRoot)
                        cls = nameOf(entry.path());
                    subdirs.push_back({entry.path(), cls});
                } else if (entry.is_regular_file(e2) && ImageDecoder::hasImageExtension(entry.path())) {
                    result.files.push_back({entry.path().native(), current.className});
                } else if (ImageDecoder::hasImageExtension(entry.path()) && entry.is_symlink(e2)) {
                    // A link named like an image that leads nowhere (dangling, or a loop) is
                    // reported, not silently dropped: the user meant it to be imported.
                    std::error_code target;
                    (void)fs::status(entry.path(), target);
                    if (target)
                        result.problems.emplace_back(entry.path().native(),
                                                     QString::fromStdString("broken symbolic link: " + target.message()));
                }
            }
            // Reverse so that the stack pops directories in sorted order.
            for (auto s = subdirs.rbegin(); s != subdirs.rend(); ++s)
                stack.push_back(std::move(*s));
            if (progress && !progress({static_cast<std::int64_t>(result.files.size()), 0, QStringLiteral("scanning")}))
                return result;
        }
    }
    return result;
}

} // namespace activelabel
