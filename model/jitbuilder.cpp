#include "model/detail/jitbuilder.h"

#include <cmath>

namespace activelabel::detail {

JitBuilder::JitBuilder(std::uint64_t seed)
    : m_cu(std::make_shared<torch::jit::CompilationUnit>()),
      m_generator(at::detail::createCPUGenerator(seed))
{
}

torch::jit::Module JitBuilder::newModule(const std::string &typeName)
{
    // Mangling keeps two modules of the same kind (two conv layers) as distinct types, since
    // each carries its own define()'d code with its own strides baked in.
    torch::jit::Module module(c10::QualifiedName("__torch__.activelabel." + typeName), m_cu,
                              /*shouldMangle=*/true);
    module.register_attribute("training", c10::BoolType::get(), true);
    return module;
}

torch::jit::Module JitBuilder::conv2d(int in, int out, int kernel, int stride, int padding, bool bias)
{
    torch::NoGradGuard noGrad;
    auto module = newModule("Conv2d");
    const double bound = 1.0 / std::sqrt(double(in) * kernel * kernel);
    module.register_parameter("weight", torch::empty({out, in, kernel, kernel}).uniform_(-bound, bound, m_generator),
                              false);
    if (bias)
        module.register_parameter("bias", torch::empty({out}).uniform_(-bound, bound, m_generator), false);
    const std::string s = std::to_string(stride), p = std::to_string(padding);
    module.define("def forward(self, x):\n"
                  "    return torch.conv2d(x, self.weight, " +
                  std::string(bias ? "self.bias" : "None") + ", [" + s + ", " + s + "], [" + p + ", " + p +
                  "], [1, 1], 1)\n");
    return module;
}

torch::jit::Module JitBuilder::batchNorm2d(int channels)
{
    auto module = newModule("BatchNorm2d");
    module.register_parameter("weight", torch::ones({channels}), false);
    module.register_parameter("bias", torch::zeros({channels}), false);
    module.register_buffer("running_mean", torch::zeros({channels}));
    module.register_buffer("running_var", torch::ones({channels}));
    module.register_buffer("num_batches_tracked", torch::zeros({}, torch::kLong));
    // Same semantics as nn.BatchNorm2d (momentum 0.1, eps 1e-5): in eval mode the running
    // statistics are used and never updated, which is what keeps frozen layers frozen.
    module.define(R"JIT(
def forward(self, x):
    if self.training:
        self.num_batches_tracked.add_(1)
    return torch.batch_norm(x, self.weight, self.bias, self.running_mean, self.running_var, self.training, 0.1, 1e-05, False)
)JIT");
    return module;
}

torch::jit::Module JitBuilder::linear(int in, int out)
{
    torch::NoGradGuard noGrad;
    auto module = newModule("Linear");
    const double bound = 1.0 / std::sqrt(double(in));
    module.register_parameter("weight", torch::empty({out, in}).uniform_(-bound, bound, m_generator), false);
    module.register_parameter("bias", torch::empty({out}).uniform_(-bound, bound, m_generator), false);
    module.define(R"JIT(
def forward(self, x):
    return torch.linear(x, self.weight, self.bias)
)JIT");
    return module;
}

void JitBuilder::kaimingNormalFanOut(torch::Tensor &weight)
{
    torch::NoGradGuard noGrad;
    const double fanOut = double(weight.size(0)) * (weight.numel() / (weight.size(0) * weight.size(1)));
    weight.normal_(0.0, std::sqrt(2.0 / fanOut), m_generator);
}

void copyParametersAndBuffers(const torch::jit::Module &from, torch::jit::Module &to)
{
    torch::NoGradGuard noGrad;
    std::map<std::string, torch::Tensor> source;
    for (const auto &p : from.named_parameters())
        source[p.name] = p.value;
    for (const auto &b : from.named_buffers())
        source[b.name] = b.value;
    for (const auto &p : to.named_parameters())
        p.value.copy_(source.at(p.name));
    for (const auto &b : to.named_buffers())
        b.value.copy_(source.at(b.name));
}

} // namespace activelabel::detail
