#pragma once

#include "storage/imagerepository.h"
#include "storage/importtypes.h"

#include <filesystem>
#include <vector>

namespace activelabel {

class Database;

// Adds image files to a project: validates and decodes each file through ImageDecoder (in
// parallel worker threads), deduplicates by content hash (SHA-1 of the bytes), records every
// refused file with its reason in the import log, and writes rows in batched transactions (one
// per batch: per-row transactions would cost an fsync each). Files are referenced where they are;
// the stored path is absolute. Labels or ground truth from the source are written with them.
// Into a team project (Options::uploadTo) the bytes go to the server instead, and a copy to the
// client's cache: the stored path is then images/imported/<hash>.<ext>, relative to the project.
class ImageImporter
{
public:
    struct Options
    {
        ImportLabelMode labelMode = ImportLabelMode::None;
        Split split = Split::Pool;
        QString annotator = QStringLiteral("import");
        int threads = 2;
        int batchSize = 256;
        // A team project's local cache (Project::directory()): each image's bytes go to the
        // server (ImageBlobRepository) in the batch's transaction, and a copy under this folder.
        std::filesystem::path uploadTo;
    };

    ImageImporter(Database &db, Options options);

    ImportSummary run(const std::vector<ImportCandidate> &files, const ImportProgressCallback &progress = {});

    // Folders and/or files; imageFolder: the first sub-folder's name is the class.
    ImportSummary importPaths(const std::vector<std::filesystem::path> &paths, bool imageFolder,
                              const ImportProgressCallback &progress = {});

    // Looks again in every folder earlier folder imports were given (ImportRootRepository; every
    // importPaths call remembers its folders) and adds only files the project has not seen: paths
    // already imported, or logged as duplicate or rejected, are skipped without being read (import a
    // fixed file explicitly to retry it). Each folder keeps the layout and label mode it was
    // imported with. A folder that no longer exists is reported as a problem, nothing else.
    ImportSummary rescan(const ImportProgressCallback &progress = {});

    // Header `path,label` (RFC 4180; other columns ignored, empty label = none); relative paths
    // resolve against the CSV's folder. Throws std::runtime_error for an unreadable CSV.
    ImportSummary importCsv(const std::filesystem::path &csvFile, const ImportProgressCallback &progress = {});

private:
    Database &m_db;
    Options m_options;
};

} // namespace activelabel
