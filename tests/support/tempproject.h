#pragma once

#include <QTemporaryDir>

#include <string>

namespace activelabel::testsupport {

// A temporary directory whose path, as raw bytes, tests can join file names to.
class TempDir
{
public:
    TempDir() = default;
    bool isValid() const { return m_dir.isValid(); }
    std::string path() const { return m_dir.path().toStdString(); }
    std::string file(const std::string &name) const { return path() + "/" + name; }

private:
    QTemporaryDir m_dir;
};

} // namespace activelabel::testsupport
