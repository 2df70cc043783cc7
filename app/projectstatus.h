#pragma once

#include <QStringList>

#include <cstdint>
#include <optional>

namespace activelabel {

class Project;

// The figures `activelabel-cli status` prints and the main window shows: one definition, so the
// two never disagree.
struct ProjectStatus
{
    std::int64_t imagesTotal = 0; // pool + test
    std::int64_t unlabelled = 0;  // pool images without a label
    std::int64_t labelled = 0;    // pool images with a label of any source
    std::int64_t test = 0;
    QStringList classes;          // in class order
    std::optional<std::int64_t> modelVersion;
    std::int64_t rejectedFiles = 0;
};

ProjectStatus readProjectStatus(Project &project);

} // namespace activelabel
