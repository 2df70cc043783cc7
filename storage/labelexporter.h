#pragma once

#include <filesystem>

namespace activelabel {

class Project;

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
    static std::size_t writeImageFolder(Project &project, const std::filesystem::path &dir, bool symlinks);
};

} // namespace activelabel
