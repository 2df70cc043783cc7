#include "model/torchthreads.h"

#include <ATen/Parallel.h>

#include <atomic>

namespace activelabel {

namespace {
std::atomic<bool> g_initialised{false};
}

void initTorchThreads(int threads)
{
    if (g_initialised.exchange(true))
        return; // torch cannot resize its pools once work has run
    at::set_num_threads(std::max(1, threads));
    try {
        at::set_num_interop_threads(1);
    } catch (const std::exception &) {
        // Already started by earlier torch work: keep its size.
    }
}

int torchThreads()
{
    return at::get_num_threads();
}

} // namespace activelabel
