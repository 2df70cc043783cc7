#pragma once
// INTERNAL to model/: includes torch. Never include from a public model header.

#include <QString>

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace activelabel::detail {

// The device `name` means ("cpu", "cuda", "cuda:N"; empty or "auto": the first CUDA device when
// there is one, else the CPU). Throws ModelError for an unknown name or an absent CUDA device.
// The first time a CUDA device is chosen, cuDNN is made deterministic and kept off TF32 (see
// device.cpp), so GPU results match the CPU's to float precision and repeat run to run.
torch::Device resolveDevice(const QString &name);

// resolveDevice(ACTIVELABEL_DEVICE).
torch::Device defaultDevice();

// Row indices as a Long tensor on `device`, for index_select / index_copy_ on tensors there.
torch::Tensor indexTensor(const std::vector<std::int64_t> &rows, const torch::Device &device);

} // namespace activelabel::detail
