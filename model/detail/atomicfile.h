#pragma once

#include <QString>

#include <string>

namespace activelabel::detail {

// Writes `bytes` to a temporary file next to `path`, fsyncs it, renames it over `path` and fsyncs
// the directory: readers see the old file or the new one, never a torn one. Throws ModelError.
void writeFileAtomically(const QString &path, const std::string &bytes);

// Whole file, or throws ModelError with `what` in the message.
std::string readWholeFile(const QString &path, const QString &what);

} // namespace activelabel::detail
