#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace activelabel {

// Another process holds the project for writing.
class ProjectLockedError : public std::runtime_error
{
public:
    ProjectLockedError(const std::string &message, long holderPid)
        : std::runtime_error(message), m_holderPid(holderPid)
    {
    }
    long holderPid() const { return m_holderPid; } // 0 when unknown

private:
    long m_holderPid;
};

// One writing process per project: an exclusive flock() on <project>/project.lock. The kernel
// drops the lock when the holder's file descriptor closes, including when the process is killed,
// so there is never a stale lock to clean up. The holder writes its pid into the file so that a
// refused process can name it. flock (unlike POSIX fcntl locks) belongs to the open file
// description, so two opens within one process also exclude each other (tests rely on that).
class ProjectLock
{
public:
    // Takes the lock or throws ProjectLockedError (held elsewhere) / std::runtime_error (I/O).
    explicit ProjectLock(const std::filesystem::path &projectDir);
    ~ProjectLock();
    ProjectLock(const ProjectLock &) = delete;
    ProjectLock &operator=(const ProjectLock &) = delete;

    static std::filesystem::path lockFile(const std::filesystem::path &projectDir);

private:
    int m_fd = -1;
};

} // namespace activelabel
