#pragma once

#include "app/gui/filejobrunner.h"
#include "ui/importrequest.h"

#include <filesystem>

namespace activelabel {

class Project;

// The import the user asked for, as a FileJobRunner job: it opens its own connection to the
// project (holding on to nothing of `project`), and what it committed before a cancel stays.
// Into a team project the bytes go to the server as well.
FileJobRunner::Job importJob(const Project &project, ImportRequest request);

// A team project's images that this client has not cached yet, fetched from the server.
FileJobRunner::Job fetchImagesJob(const Project &project);

} // namespace activelabel
