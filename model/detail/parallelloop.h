#pragma once

#include <cstdint>
#include <functional>

namespace activelabel::detail {

// Runs body(i) for every i in [0, count) on up to `threads` threads (the calling thread is one of
// them), handing out indices one at a time, because decode times vary with the file.
//
// Why not at::parallel_for: its OpenMP path is a template compiled into the caller, and it runs
// in parallel only when the caller is built with -fopenmp; without it the loop runs serially
// (that is how image decoding for inference ran on one thread while the network used two). And
// libgomp joins its team through futexes that ThreadSanitizer cannot see, so our own code inside
// an OpenMP region would report false races. std::thread's start and join are visible to it.
//
// body must not throw (catch inside) and must write only state owned by index i.
void parallelLoop(std::int64_t count, int threads, const std::function<void(std::int64_t)> &body);

} // namespace activelabel::detail
