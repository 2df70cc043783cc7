#pragma once
// Another process holding a project open for writing, as a second annotator's window would.
#include <QString>

#include <string>
#include <sys/types.h>

namespace activelabel::testsupport {

// Forks a child that opens the project at `dir` ReadWrite (and, when `addClass` is given, adds
// that class: a committed write the parent can look for), reports through a pipe that it holds
// the project, then waits to be killed. Returns the child's pid, or -1 when it could not open it.
pid_t holdProject(const std::string &dir, const QString &addClass = {});

} // namespace activelabel::testsupport
