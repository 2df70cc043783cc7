#pragma once

#include <QString>

namespace activelabel {

// Where classifiers compute. Debian's LibTorch is CPU-only; a LibTorch built with CUDA (given to
// CMake through Torch_DIR) makes the first GPU the default. The environment variable
// ACTIVELABEL_DEVICE overrides the choice: "cpu", "cuda", "cuda:N", or "auto" (the default).

// "cpu" or "cuda:N": the device new and loaded classifiers use. Throws ModelError when
// ACTIVELABEL_DEVICE is not a device name, or names a CUDA device this build or machine lacks.
QString defaultComputeDevice();

// How many CUDA devices this LibTorch build sees (0 for a CPU-only build).
int cudaDeviceCount();

} // namespace activelabel
