#include "model/detail/backbone.h"

#include "model/detail/jitbuilder.h"
#include "model/modelerror.h"

namespace activelabel::detail {

namespace {

torch::jit::Module child(const torch::jit::Module &module, const std::string &path)
{
    torch::jit::Module current = module;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t dot = path.find('.', start);
        const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        current = current.attr(part).toModule();
        if (dot == std::string::npos)
            break;
        start = dot + 1;
    }
    return current;
}

// stage i runs `bodies[i]` on x; forward chains them all.
void defineStages(torch::jit::Module &module, const std::vector<std::string> &bodies)
{
    std::string code;
    std::string chain = "x";
    for (std::size_t i = 0; i < bodies.size(); ++i) {
        code += "def stage" + std::to_string(i) + "(self, x):\n    return " + bodies[i] + "\n";
        chain = "self.stage" + std::to_string(i) + "(" + chain + ")";
    }
    code += "def forward(self, x):\n    return " + chain + "\n";
    module.define(code);
}

std::int64_t countParameters(const torch::jit::Module &module)
{
    std::int64_t n = 0;
    for (const auto &p : module.parameters())
        n += p.numel();
    return n;
}

torch::jit::Module convBlock(JitBuilder &b, int in, int out)
{
    auto m = b.newModule("ConvBlock");
    m.register_module("conv", b.conv2d(in, out, 3, 1, 1, false));
    m.register_module("bn", b.batchNorm2d(out));
    m.define(R"JIT(
def forward(self, x):
    return torch.max_pool2d(torch.relu(self.bn.forward(self.conv.forward(x))), [2, 2], [2, 2], [0, 0], [1, 1], False)
)JIT");
    return m;
}

torch::jit::Module basicBlock(JitBuilder &b, int in, int out, int stride)
{
    auto m = b.newModule("BasicBlock");
    auto conv1 = b.conv2d(in, out, 3, stride, 1, false);
    auto conv2 = b.conv2d(out, out, 3, 1, 1, false);
    m.register_module("conv1", conv1);
    m.register_module("bn1", b.batchNorm2d(out));
    m.register_module("conv2", conv2);
    m.register_module("bn2", b.batchNorm2d(out));
    std::string shortcut = "x";
    if (stride != 1 || in != out) {
        auto down = b.newModule("Sequential");
        down.register_module("0", b.conv2d(in, out, 1, stride, 0, false));
        down.register_module("1", b.batchNorm2d(out));
        down.define(R"JIT(
def forward(self, x):
    return getattr(self, "1").forward(getattr(self, "0").forward(x))
)JIT");
        m.register_module("downsample", down);
        shortcut = "self.downsample.forward(x)";
    }
    m.define("def forward(self, x):\n"
             "    out = torch.relu(self.bn1.forward(self.conv1.forward(x)))\n"
             "    out = self.bn2.forward(self.conv2.forward(out))\n"
             "    return torch.relu(out + " +
             shortcut + ")\n");
    return m;
}

} // namespace

torch::jit::Module Backbone::submodule(const std::string &path) const
{
    return child(module, path);
}

torch::Tensor Backbone::forwardFrom(int from, const torch::Tensor &x) const
{
    if (!hasStages())
        return from == 0 ? module.get_method("forward")({x}).toTensor() : x;
    torch::Tensor y = x;
    for (int i = from; i < stageCount; ++i)
        y = module.get_method("stage" + std::to_string(i))({y}).toTensor();
    return y;
}

torch::Tensor Backbone::forwardTo(int to, const torch::Tensor &x) const
{
    if (!hasStages())
        return to == 0 ? x : module.get_method("forward")({x}).toTensor();
    torch::Tensor y = x;
    for (int i = 0; i < to; ++i)
        y = module.get_method("stage" + std::to_string(i))({y}).toTensor();
    return y;
}

int Backbone::blockOf(const std::string &parameterName) const
{
    for (std::size_t i = 0; i < blocks.size(); ++i)
        for (const auto &path : blocks[i].paths)
            if (parameterName.compare(0, path.size() + 1, path + ".") == 0)
                return int(i);
    return -1;
}

Backbone makeSmallCnn(const ModelSpec &spec, std::uint64_t seed)
{
    if (spec.inputHeight < 4 || spec.inputWidth < 4)
        throw ModelError(QStringLiteral("smallcnn needs an input of at least 4x4 pixels"));
    JitBuilder b(seed);
    Backbone backbone;
    backbone.kind = "smallcnn";
    backbone.module = b.newModule("SmallCnn");
    backbone.module.register_module("conv1", convBlock(b, spec.channels, 32));
    backbone.module.register_module("conv2", convBlock(b, 32, 64));
    auto fc = b.newModule("FeatureLayer");
    fc.register_module("linear", b.linear(64 * (spec.inputHeight / 4) * (spec.inputWidth / 4), 128));
    fc.define(R"JIT(
def forward(self, x):
    return torch.relu(self.linear.forward(torch.flatten(x, 1)))
)JIT");
    backbone.module.register_module("fc", fc);
    defineStages(backbone.module, {"self.conv1.forward(x)", "self.conv2.forward(x)", "self.fc.forward(x)"});
    describeBuiltin(backbone);
    return backbone;
}

Backbone makeResNet18(const ModelSpec &spec, std::uint64_t seed)
{
    if (spec.inputHeight < 32 || spec.inputWidth < 32)
        throw ModelError(QStringLiteral("resnet18 needs an input of at least 32x32 pixels"));
    JitBuilder b(seed);
    Backbone backbone;
    backbone.kind = "resnet18";
    auto &m = backbone.module;
    m = b.newModule("ResNet");
    // Names follow torchvision's resnet18 so that state_dict keys map one to one.
    m.register_module("conv1", b.conv2d(spec.channels, 64, 7, 2, 3, false));
    m.register_module("bn1", b.batchNorm2d(64));
    const int widths[4] = {64, 128, 256, 512};
    int in = 64;
    for (int l = 0; l < 4; ++l) {
        auto layer = b.newModule("Layer");
        layer.register_module("0", basicBlock(b, in, widths[l], l == 0 ? 1 : 2));
        layer.register_module("1", basicBlock(b, widths[l], widths[l], 1));
        layer.define(R"JIT(
def forward(self, x):
    return getattr(self, "1").forward(getattr(self, "0").forward(x))
)JIT");
        m.register_module("layer" + std::to_string(l + 1), layer);
        in = widths[l];
    }
    for (const auto &p : m.named_parameters()) {
        if (p.value.dim() == 4) {
            torch::Tensor w = p.value;
            b.kaimingNormalFanOut(w);
        }
    }
    defineStages(m, {"torch.max_pool2d(torch.relu(self.bn1.forward(self.conv1.forward(x))), [3, 3], [2, 2], [1, 1], [1, 1], False)",
                     "self.layer1.forward(x)", "self.layer2.forward(x)", "self.layer3.forward(x)",
                     "torch.flatten(torch.adaptive_avg_pool2d(self.layer4.forward(x), [1, 1]), 1)"});
    describeBuiltin(backbone);
    return backbone;
}

Backbone makeBuiltin(const ModelSpec &spec, std::uint64_t seed)
{
    if (spec.backbone == QLatin1String("smallcnn"))
        return makeSmallCnn(spec, seed);
    if (spec.backbone == QLatin1String("resnet18"))
        return makeResNet18(spec, seed);
    throw ModelError(QStringLiteral("unknown backbone '%1' (expected smallcnn, resnet18 or a .pt file)")
                         .arg(spec.backbone));
}

void describeBuiltin(Backbone &backbone)
{
    std::vector<std::pair<std::string, std::vector<std::string>>> layout;
    if (backbone.kind == "smallcnn") {
        layout = {{"conv1", {"conv1"}}, {"conv2", {"conv2"}}, {"fc", {"fc"}}};
        backbone.featureDim = 128;
    } else {
        layout = {{"stem", {"conv1", "bn1"}}, {"layer1", {"layer1"}}, {"layer2", {"layer2"}},
                  {"layer3", {"layer3"}}, {"layer4", {"layer4"}}};
        backbone.featureDim = 512;
    }
    backbone.blocks.clear();
    for (const auto &[name, paths] : layout) {
        Block block{name, paths, 0};
        for (const auto &path : paths)
            block.parameterCount += countParameters(child(backbone.module, path));
        backbone.blocks.push_back(block);
    }
    backbone.stageCount = int(backbone.blocks.size());
}

} // namespace activelabel::detail
