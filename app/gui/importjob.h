#pragma once

#include "app/gui/filejobrunner.h"
#include "ui/importrequest.h"

#include <filesystem>

namespace activelabel {

// The import the user asked for, as a FileJobRunner job: it opens its own connection to the
// project, and what it committed before a cancel stays.
FileJobRunner::Job importJob(std::filesystem::path projectDir, ImportRequest request);

} // namespace activelabel
