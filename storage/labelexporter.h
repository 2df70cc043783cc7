#pragma once

#include "storage/importtypes.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace activelabel {

class ImageCache;
class Project;

// The files of an ImageFolder export, read from the project on its connection's thread, so that
// the copying (minutes for a large pool) can run on another thread with no database in hand.
struct ImageFolderPlan
{
    struct File
    {
        std::filesystem::path source; // absolute
        std::filesystem::path target; // relative to the export folder: <class>/<image id>_<file name>
    };
    std::vector<File> files;
};

// Writes the current labels (one row per labelled image) for scripts outside the project.
// CSV header: image_id,path,class,source,annotator,labelled_at (RFC 4180, path as stored bytes
// resolved to an absolute path, time ISO 8601 UTC). JSON: an array of objects with the same keys.
// Files are written atomically (temporary file + rename).
class LabelExporter
{
public:
    // Returns the number of rows written. Throws std::runtime_error on I/O failure.
    static std::size_t writeCsv(Project &project, const std::filesystem::path &out);
    static std::size_t writeJson(Project &project, const std::filesystem::path &out);
    // An ImageFolder tree (DIR/<class>/<image id>_<file name>) of the labelled images, as copies or
    // as symbolic links to the originals; readable by torchvision.datasets.ImageFolder. Class
    // names are made safe as folder names ('/' and leading dots replaced). Existing files in DIR
    // are replaced. Throws std::runtime_error on I/O failure.
    static std::size_t writeImageFolder(Project &project, const std::filesystem::path &dir, bool symlinks,
                                        const ImportProgressCallback &progress = {});

    // writeImageFolder in two steps: the plan (reads the project), then the files (no database).
    // writePlannedFiles reports progress as phase "exporting" and stops when the callback returns
    // false; it returns the files written (those written before a cancel stay).
    static ImageFolderPlan planImageFolder(Project &project);
    // With a team project's `cache`, a copied image missing from the cache is fetched from the
    // server first (a link points into the cache, where the image may be evicted later).
    static std::size_t writePlannedFiles(const ImageFolderPlan &plan, const std::filesystem::path &dir, bool symlinks,
                                         const ImportProgressCallback &progress = {}, ImageCache *cache = nullptr);
};

} // namespace activelabel
