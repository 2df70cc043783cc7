#pragma once

#include <QStringList>

namespace activelabel::cli {

// Runs activelabel-cli with the given arguments (arguments[0] is the program name): picks the
// command, parses its options, handles --help and --version, and turns every failure into one
// line `activelabel-cli: error: <reason>` on stderr and a non-zero exit status (2 for usage
// errors, 1 otherwise). Needs a QCoreApplication.
int runCli(const QStringList &arguments);

} // namespace activelabel::cli
