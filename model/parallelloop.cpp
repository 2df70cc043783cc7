#include "model/detail/parallelloop.h"

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>
#include <vector>

namespace activelabel::detail {

void parallelLoop(std::int64_t count, int threads, const std::function<void(std::int64_t)> &body)
{
    const std::int64_t workers = std::max<std::int64_t>(1, std::min<std::int64_t>(threads, count));
    std::atomic<std::int64_t> next{0};
    auto drain = [&] {
        for (std::int64_t i = next.fetch_add(1); i < count; i = next.fetch_add(1))
            body(i);
    };
    std::vector<std::thread> helpers;
    helpers.reserve(std::size_t(workers - 1));
    for (std::int64_t t = 1; t < workers; ++t) {
        try {
            helpers.emplace_back(drain);
        } catch (const std::system_error &) {
            break; // no thread to be had (resource limits): the ones started, or this one, do it all
        }
    }
    drain();
    for (std::thread &helper : helpers)
        helper.join();
}

} // namespace activelabel::detail
