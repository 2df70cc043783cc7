#include "app/runtimeenvironment.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <malloc.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#endif

namespace activelabel {

void ensureRuntimeEnvironment(char *argv[])
{
    static const char *const settings[][2] = {
        {"OMP_WAIT_POLICY", "PASSIVE"},
        {"OPENBLAS_NUM_THREADS", "1"},
        {"MALLOC_MMAP_THRESHOLD_", "33554432"},
        {"MALLOC_TRIM_THRESHOLD_", "536870912"},
    };
    bool changed = false;
    for (const auto &setting : settings) {
        if (std::getenv(setting[0]))
            continue; // set by the user (or by us, in the re-executed process)
        if (setenv(setting[0], setting[1], 1) != 0)
            return;
        changed = true;
    }
    if (changed)
        execv("/proc/self/exe", argv);
    // Reached when nothing changed, or when exec failed: carry on with the libraries' defaults.
}

void releaseFreedHeap()
{
    malloc_trim(0);
}

void lowerThisThreadsCpuPriority(int niceIncrement)
{
#ifdef __linux__
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    errno = 0;
    const int current = ::getpriority(PRIO_PROCESS, tid);
    if (errno == 0)
        ::setpriority(PRIO_PROCESS, tid, std::min(19, current + niceIncrement));
#else
    (void)niceIncrement;
#endif
}

} // namespace activelabel
