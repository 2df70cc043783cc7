#pragma once

namespace activelabel {

// Settings that LibTorch's libraries read from the environment once, when they are loaded, before
// main() runs; so when any is unset this sets it and re-executes the program once. Call it first
// thing in main(); it returns normally when nothing needs doing (or the re-exec is impossible).
// A value the user set is always kept. Why each (bench_model on two cores; docs/benchmarks.md):
//  - OMP_WAIT_POLICY=PASSIVE: spinning OpenMP waits steal the CPU from the UI thread and from each
//    other on a loaded machine (a training round measured 5x slower).
//  - OPENBLAS_NUM_THREADS=1: torch already splits its work across its own OpenMP threads and calls
//    BLAS from inside them; OpenBLAS's own pool on top oversubscribes the cores and its idle
//    workers spin in sched_yield. openblas_set_num_threads() later is not enough: the workers
//    OpenBLAS started when it was loaded keep waking.
//  - MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_: training frees and reallocates the same
//    few-MB activation buffers every step; glibc's defaults give them back to the kernel and
//    page-fault them in again each time. Blocks up to 32 MiB now come from the heap, which is
//    trimmed only past 512 MiB spare.
// Together they make smallcnn training about 1.7x and inference about 1.3x faster.
void ensureRuntimeEnvironment(char *argv[]);

// Gives the heap's free pages back to the kernel (every malloc arena). The 512 MiB trim threshold
// above keeps freed buffers for the next step within a round, but between rounds in a long session
// it lets resident memory ratchet up by the largest round's spare heap (measured: +172 MiB held
// free, +13 MiB in use between 500 and 5,000 labels). Call it when a thread's burst of work ends.
void releaseFreedHeap();

// Lowers the calling thread's CPU priority by `niceIncrement` (Linux nice values are per thread,
// and the OpenMP threads torch starts from it inherit it): for background work (training,
// scoring, index builds) that must not take CPU time from the UI thread, or the next image misses
// its frame. Qt's QThread::LowPriority cannot express this: SCHED_OTHER has one static priority.
void lowerThisThreadsCpuPriority(int niceIncrement);

} // namespace activelabel
