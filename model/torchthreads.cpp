#include "model/torchthreads.h"

#include <torch/torch.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <vector>

#include <dlfcn.h>
#include <malloc.h>

namespace activelabel {

namespace {

std::atomic<bool> g_initialised{false};

// OpenBLAS (Debian's libopenblas0-pthread, reached through libtorch's BLAS) exports this; found at
// run time so that another BLAS behind the alternatives link is not a link error.
bool setOpenBlasThreads(int threads)
{
    using SetThreads = void (*)(int);
    const auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (!set)
        return false;
    set(threads);
    return true;
}

bool userSetOpenBlasThreads()
{
    return std::getenv("OPENBLAS_NUM_THREADS") || std::getenv("GOTO_NUM_THREADS");
}

} // namespace

void initTorchThreads(int threads)
{
    if (g_initialised.exchange(true))
        return; // torch cannot resize its pools once work has run
    // Training frees and reallocates the same few-MB activation buffers every step. glibc's default
    // serves them with mmap and hands them back to the kernel on free, so each step page-faults
    // them in again (measured: sys time equal to a third of user time). Serving blocks up to the
    // 32 MiB maximum from the heap and trimming it only past 512 MiB spare keeps them resident.
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
    at::set_num_threads(std::max(1, threads));
    try {
        at::set_num_interop_threads(1);
    } catch (const std::exception &) {
        // Already started by earlier torch work: keep its size.
    }
    // Torch already splits convolutions and element-wise work across its own threads and calls
    // BLAS from inside those; OpenBLAS's pool on top oversubscribes the cores and its idle workers
    // spin in sched_yield. One BLAS thread (unless the user chose otherwise) measured 1.3x faster.
    if (!userSetOpenBlasThreads())
        setOpenBlasThreads(1);
}

int torchThreads()
{
    return at::get_num_threads();
}

double measureMatmulGflops()
{
    c10::InferenceMode guard;
    // The machine's peak needs every thread inside the product itself.
    const bool widened = !userSetOpenBlasThreads() && setOpenBlasThreads(torchThreads());
    const std::int64_t n = 1024;
    const torch::Tensor a = torch::randn({n, n}), b = torch::randn({n, n});
    torch::Tensor c = torch::mm(a, b); // warm-up
    std::vector<double> rates;
    for (int r = 0; r < 7; ++r) {
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < 4; ++i)
            c = torch::mm(a, b);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        rates.push_back(4.0 * 2.0 * double(n * n * n) / s / 1e9);
    }
    if (widened)
        setOpenBlasThreads(1);
    std::sort(rates.begin(), rates.end());
    return rates[rates.size() / 2];
}

} // namespace activelabel
