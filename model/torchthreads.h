#pragma once

namespace activelabel {

// Sets torch's intra-op thread count (and inter-op to 1). Call once at start-up, before any torch
// work, from main(); later calls are ignored because torch refuses to resize its pools. It also
// bounds OpenBLAS's own pool to one thread (torch parallelises around its BLAS calls; an
// OPENBLAS_NUM_THREADS in the environment wins) and tunes glibc malloc to keep freed tensor
// buffers resident (see the .cpp for the measurements).
// Also set OMP_WAIT_POLICY=PASSIVE in the environment before the process starts (libgomp reads it
// when loaded): with the default spinning barriers, 2 OpenMP threads on a loaded 2-core machine
// run MKLDNN convolutions ~5x slower than one thread (measured: 21 smallcnn steps 14.9 s vs 2.7 s).
void initTorchThreads(int threads);

// How many intra-op threads torch uses.
int torchThreads();

// The attainable fp32 peak of this machine with torch's threads: median GFLOP/s of 1024x1024
// matrix products (oneDNN/BLAS at their best). Benchmarks report throughput as a fraction of it.
double measureMatmulGflops();

} // namespace activelabel
