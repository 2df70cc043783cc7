#pragma once
// INTERNAL to model/: includes torch. Never include from a public model header.

#include "model/modelspec.h"

#include <QStringList>

#include <torch/script.h>

#include <cstdint>
#include <string>
#include <vector>

namespace activelabel::detail {

// A unit of transfer: `finetune:N` trains the last N blocks. A block is one or more submodules of
// the backbone, addressed by dotted path ("layer4", "net.features").
struct Block
{
    std::string name;
    std::vector<std::string> paths;
    std::int64_t parameterCount = 0;
};

// The feature extractor under the head. `module.forward(x)` maps float NCHW (normalised) to N x D
// features. Built-in backbones also have `stage0..stage{n-1}` methods, stage i being block i, so
// that the frozen prefix can be computed once and cached; an imported backbone has one stage.
struct Backbone
{
    torch::jit::Module module;
    std::string kind; // "smallcnn", "resnet18", "torchscript"
    std::vector<Block> blocks;
    int stageCount = 1;     // == blocks.size() for built-ins; 1 for imported ones
    std::int64_t featureDim = 0;
    std::vector<std::string> alwaysEval;      // neutralised classifier parts (e.g. their dropout)
    std::vector<std::string> fixedParameters; // neutralised classifier weights: never trained

    bool hasStages() const { return stageCount > 1; }
    // Runs stages [from, stageCount) on x; from == stageCount returns x (already features).
    torch::Tensor forwardFrom(int from, const torch::Tensor &x) const;
    // Runs stages [0, to); to == 0 returns x.
    torch::Tensor forwardTo(int to, const torch::Tensor &x) const;
    torch::jit::Module submodule(const std::string &path) const;
    // Which block a parameter name belongs to, -1 if none.
    int blockOf(const std::string &parameterName) const;
};

Backbone makeSmallCnn(const ModelSpec &spec, std::uint64_t seed);
Backbone makeResNet18(const ModelSpec &spec, std::uint64_t seed);
Backbone makeBuiltin(const ModelSpec &spec, std::uint64_t seed); // throws ModelError if unknown

// A bring-your-own TorchScript backbone (see classifier.h for the supported shapes). Reads
// FILE.pt.json when present and completes `spec` from it; when the file is an ActiveLabel export,
// `headClasses`/`headWeight`/`headBias` receive its head so matching classes keep their rows.
struct ImportedHead
{
    QStringList classes;
    torch::Tensor weight;
    torch::Tensor bias;
};
Backbone importTorchScript(ModelSpec &spec, ImportedHead *head); // throws ModelError

// Re-creates a built-in backbone's blocks/stages description for a module loaded from disk.
void describeBuiltin(Backbone &backbone);

} // namespace activelabel::detail
