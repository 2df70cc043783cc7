#include "model/torchthreads.h"

#include <torch/torch.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include <atomic>

#include <dlfcn.h>

namespace activelabel {

namespace {

std::atomic<bool> g_initialised{false};

// OpenBLAS's thread count, set to `threads`; returns the previous count, or 0 when the BLAS behind
// libtorch is not OpenBLAS. Looked up at run time so that another BLAS is not a link error.
int swapOpenBlasThreads(int threads)
{
    using Get = int (*)();
    using Set = void (*)(int);
    const auto get = reinterpret_cast<Get>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    const auto set = reinterpret_cast<Set>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (!get || !set)
        return 0;
    const int previous = get();
    set(threads);
    return previous;
}

} // namespace

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

double measureMatmulGflops()
{
    c10::InferenceMode guard;
    // The start-up environment gives OpenBLAS one thread (app/runtimeenvironment.h); the machine's
    // peak needs all of torch's threads inside the product itself.
    const int blasThreads = swapOpenBlasThreads(torchThreads());
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
    if (blasThreads > 0)
        swapOpenBlasThreads(blasThreads);
    std::sort(rates.begin(), rates.end());
    return rates[rates.size() / 2];
}

} // namespace activelabel
