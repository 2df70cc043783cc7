#pragma once
// INTERNAL to model/: includes torch. Never include from a public model header.

#include <torch/script.h>

#include <cstdint>
#include <memory>
#include <string>

namespace activelabel::detail {

// Builds TorchScript modules (registered parameters + define()'d methods) for the built-in
// networks. Building them as torch::jit::Module rather than torch::nn::Module means the network we
// train is the network we export: there is one definition of every layer, and `torch.jit.load`
// in Python sees exactly the code our own inference runs.
class JitBuilder
{
public:
    explicit JitBuilder(std::uint64_t seed);

    // An empty module with a unique type name and the `training` attribute Module::train() needs.
    torch::jit::Module newModule(const std::string &typeName);

    // Layers initialised like PyTorch's defaults (kaiming-uniform with a = sqrt(5)).
    torch::jit::Module conv2d(int in, int out, int kernel, int stride, int padding, bool bias);
    torch::jit::Module batchNorm2d(int channels);
    torch::jit::Module linear(int in, int out);
    // torchvision's ResNet init: kaiming-normal (fan_out, relu) conv weights.
    void kaimingNormalFanOut(torch::Tensor &weight);

    torch::Generator &generator() { return m_generator; }

private:
    std::shared_ptr<torch::jit::CompilationUnit> m_cu;
    torch::Generator m_generator;
};

// Re-initialises every parameter/buffer of a module built by JitBuilder-based factories in place,
// by rebuilding the same structure with a new seed and copying its values (keeps tensor identity).
void copyParametersAndBuffers(const torch::jit::Module &from, torch::jit::Module &to);

} // namespace activelabel::detail
