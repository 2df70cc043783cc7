#pragma once

namespace activelabel {

// LibTorch's OpenMP threads spin while they wait for work by default, which on a two-core
// machine steals the CPU from the UI thread and from each other (a training round measured 5x
// slower). libgomp reads OMP_WAIT_POLICY only when it is loaded, before main() runs, so when the
// variable is unset this sets it to PASSIVE and re-executes the program once. Call it first thing
// in main(); it returns normally when nothing needs doing (or the re-exec is impossible).
void ensurePassiveOpenMpWaits(char *argv[]);

} // namespace activelabel
