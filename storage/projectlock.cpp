#include "storage/projectlock.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace activelabel {

std::filesystem::path ProjectLock::lockFile(const std::filesystem::path &projectDir)
{
    return projectDir / "project.lock";
}

ProjectLock::ProjectLock(const std::filesystem::path &projectDir)
{
    const auto file = lockFile(projectDir);
    m_fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0)
        throw std::runtime_error("cannot open lock file " + file.string() + ": " + std::strerror(errno));
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        char buffer[32] = {};
        const ssize_t n = ::pread(m_fd, buffer, sizeof buffer - 1, 0);
        ::close(m_fd);
        m_fd = -1;
        if (error != EWOULDBLOCK)
            throw std::runtime_error("cannot lock " + file.string() + ": " + std::strerror(error));
        const long pid = n > 0 ? std::strtol(buffer, nullptr, 10) : 0;
        throw ProjectLockedError("the project " + projectDir.string() + " is open for writing in another process" +
                                     (pid > 0 ? " (pid " + std::to_string(pid) + ")" : std::string()) +
                                     "; close it there, or use a read-only command",
                                 pid);
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    // The pid is informational only: failing to write it must not fail the open.
    if (::ftruncate(m_fd, 0) == 0 && ::pwrite(m_fd, pid.data(), pid.size(), 0) < 0) {
    }
}

ProjectLock::~ProjectLock()
{
    if (m_fd >= 0)
        ::close(m_fd); // releases the flock; the file stays (removing it would race a new locker)
}

} // namespace activelabel
