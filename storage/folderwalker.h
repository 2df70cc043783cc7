#pragma once

#include "storage/importtypes.h"

#include <filesystem>
#include <string>
#include <vector>

namespace activelabel {

// Finds the image files under the paths an import was given. Walks with std::filesystem (raw
// byte names: Qt 6.4's QDirIterator silently skips non-UTF-8 names), follows directory symlinks
// but visits each canonical directory once (symlink loops end), sorts entries for a stable
// order. Files with a non-image extension inside folders are skipped; a path given explicitly
// is always a candidate (its content is checked later). Unreadable directories, and links named
// like images that lead nowhere (dangling, loops), are reported.
class FolderWalker
{
public:
    struct Result
    {
        std::vector<ImportCandidate> files;
        std::vector<std::pair<std::string, QString>> problems; // path, reason
    };

    // With imageFolder=true each file's class is the name of the first directory below the root
    // it was found under (files directly in the root get none).
    static Result walk(const std::vector<std::filesystem::path> &roots, bool imageFolder,
                       const ImportProgressCallback &progress = {});
};

} // namespace activelabel
