#include "support/storage/projectholder.h"

#include "storage/classrepository.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <unistd.h>

namespace activelabel::testsupport {

pid_t holdProject(const std::string &dir, const QString &addClass)
{
    int fds[2];
    if (::pipe(fds) != 0)
        return -1;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        char status = 'x';
        try {
            auto project = Project::open(dir, Project::Mode::ReadWrite);
            if (!addClass.isEmpty())
                ClassRepository(project->database()).add(addClass);
            status = 'r';
            (void)!::write(fds[1], &status, 1);
            for (;;)
                ::pause();
        } catch (...) {
            (void)!::write(fds[1], &status, 1);
        }
        ::_exit(1);
    }
    ::close(fds[1]);
    char status = 0;
    const bool ready = pid > 0 && ::read(fds[0], &status, 1) == 1 && status == 'r';
    ::close(fds[0]);
    return ready ? pid : -1;
}

} // namespace activelabel::testsupport
