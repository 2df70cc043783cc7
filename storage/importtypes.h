#pragma once

#include <QString>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace activelabel {

// Progress of a long import. The callback returns false to cancel; what was imported up to
// then stays (each batch is committed).
struct ImportProgress
{
    std::int64_t done = 0;
    std::int64_t total = 0;
    QString phase; // "scanning", "importing", "writing"
};
using ImportProgressCallback = std::function<bool(const ImportProgress &)>;

// What imported labels become.
enum class ImportLabelMode {
    None,        // plain images
    Labels,      // current labels with source `import` (never overwriting an existing label)
    GroundTruth, // ground truth, kept apart from labels (oracle, simulation, test metrics)
};

struct ImportSummary
{
    std::int64_t candidates = 0; // files considered
    std::int64_t added = 0;
    std::int64_t duplicates = 0; // same content as an image already in the project
    std::int64_t rejected = 0;   // unreadable, unsupported, too large... (reason in the import log)
    std::int64_t labelled = 0;   // labels written (source `import`)
    std::int64_t groundTruth = 0; // ground truth written: kept apart from labels, never a label
    std::int64_t classesAdded = 0;
    bool cancelled = false;
    // The first rejected/duplicate files with their reasons (all of them are in the import log).
    std::vector<std::pair<std::string, QString>> problems;

    QString text() const; // one human-readable line
};

// One file to import, with the class name its import source gives it (folder, CSV column).
struct ImportCandidate
{
    std::string path; // raw bytes
    std::optional<QString> className;
};

} // namespace activelabel
