#pragma once

namespace activelabel {

// Runs the desktop application: `activelabel [PROJECT]`. Returns the process exit code.
int runGuiApplication(int argc, char *argv[]);

} // namespace activelabel
