#pragma once

namespace activelabel {

// Sets torch's intra-op thread count (and inter-op to 1). Call once at start-up, before any torch
// work, from main(); later calls are ignored because torch refuses to resize its pools. OpenBLAS's
// pool, OpenMP's waits and glibc's malloc are set through the environment before the libraries
// load: app/runtimeenvironment.h.
void initTorchThreads(int threads);

// How many intra-op threads torch uses.
int torchThreads();

// The attainable fp32 peak of this machine with torch's threads: median GFLOP/s of 1024x1024
// matrix products (oneDNN/BLAS at their best). Benchmarks report throughput as a fraction of it.
double measureMatmulGflops();

} // namespace activelabel
