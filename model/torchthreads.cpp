#include "model/torchthreads.h"

#include <torch/torch.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <vector>

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

double measureMatmulGflops()
{
    c10::InferenceMode guard;
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
    std::sort(rates.begin(), rates.end());
    return rates[rates.size() / 2];
}

} // namespace activelabel
