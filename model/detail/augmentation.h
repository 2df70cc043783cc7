#pragma once
// INTERNAL to model/: includes torch. Never include from a public model header.

#include <torch/torch.h>

#include <random>

namespace activelabel::detail {

// Light (weak) augmentation for layers that see pixels: random shifts of up to 1/14 of the size
// (2 px at 28 px) with edge replication, optionally left-right flips. What labelled batches get.
torch::Tensor augmentBatch(const torch::Tensor &x, bool flip, std::mt19937_64 &rng);

// Strong augmentation for the pool images of a semi-supervised step (FixMatch's strong view, in a
// form cheap on a CPU): shifts of up to 1/7 of the size, optional flips, per-image contrast and
// brightness, and a cutout square of 1/4 to 1/2 of the side filled with the normalised mean (0).
// `x`: normalised NCHW floats. All draws come from `rng`, so a seed gives the same views.
torch::Tensor strongAugmentBatch(const torch::Tensor &x, bool flip, std::mt19937_64 &rng);

} // namespace activelabel::detail
