#include "app/openmpenvironment.h"

#include <cstdlib>
#include <unistd.h>

namespace activelabel {

void ensurePassiveOpenMpWaits(char *argv[])
{
    if (std::getenv("OMP_WAIT_POLICY"))
        return; // set by the user (or by us, in the re-executed process)
    if (setenv("OMP_WAIT_POLICY", "PASSIVE", 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    // Only reached when exec failed: carry on with spinning waits rather than not at all.
}

} // namespace activelabel
