#pragma once
// INTERNAL to model/: includes torch. Never include from a public model header.

#include "model/classifier.h"
#include "model/detail/backbone.h"
#include "model/detail/device.h"
#include "model/detail/featurecache.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace activelabel {

namespace detail {
// A copy of `module` (its weights on `device`) with a compilation unit of its own. Module::clone()
// adds the copy's class type and methods to the original's unit, where they stay as long as the
// original lives: for the session's live model, which is re-optimised after every round that
// trains its backbone, that grew the process by megabytes a round. This copy's unit goes with it.
torch::jit::Module copyInOwnUnit(const torch::jit::Module &module, const torch::Device &device);
} // namespace detail

// Shared by classifier.cpp, trainer.cpp, importer.cpp and exporter.cpp.
struct Classifier::Impl
{
    ModelSpec spec;
    QStringList classes;
    // Where the module, the head and a round's tensors live. Images are decoded and preprocessed
    // on the CPU and moved here per batch; the feature cache stays in host memory; results come
    // back to the CPU before they become FloatMatrix; files are written from CPU copies.
    torch::Device device{torch::kCPU};
    detail::Backbone backbone;
    torch::Tensor headWeight; // C x D
    torch::Tensor headBias;   // C
    double temperature = 1.0;
    std::uint64_t seed = 0;
    long long backboneLabels = 0; // 0 never trained, -1 pretrained elsewhere
    TransferMode lastMode = TransferMode::automatic();
    // Serialised Adam state of the last round and the parameter layout it belongs to.
    std::string optimizerState;
    std::string optimizerKey;

    // Bumped when a stage's weights or buffers change: the feature cache and the optimised
    // inference module are only valid for the versions they were built from.
    std::vector<std::uint64_t> stageVersions;
    int cacheBoundary = 0; // leading stages frozen (unchanged) in the last round
    // The checkpoint file that holds the backbone's weights as they are now (its stage versions
    // still equal these): a later checkpoint of the same backbone refers to that file instead of
    // writing the same weights again. Updated by save() and load().
    mutable QString savedBackboneFile;
    mutable std::vector<std::uint64_t> savedBackboneVersions;
    detail::FeatureCache cache;
    std::size_t backboneImages = 0; // see FeatureCacheStats::backboneImages
    // The persistent key of the frozen stages, computed once per (boundary, versions).
    int keyBoundary = -1;
    std::vector<std::uint64_t> keyVersions;
    std::string key;
    torch::jit::Module optimized;
    bool hasOptimized = false;
    std::vector<std::uint64_t> optimizedVersions;

    // Conv weights in channels_last (NHWC): this build's oneDNN convolutions run it ~1.5x faster
    // for training than NCHW, and conv outputs follow the weight's format, so activations do too.
    // Called once when a backbone is built or loaded; copy_ into these tensors keeps the format.
    void useChannelsLast();
    // Module and head to `target`. The optimised inference module is rebuilt there; cached
    // features (host memory) stay valid; Adam's moments follow at the next round (trainingstate).
    void moveTo(const torch::Device &target);
    // moveTo, except that an imported backbone whose forward fails on `target` stays on the CPU.
    void placeOn(const torch::Device &target);
    void resetVersions();
    void bumpStages(int from, int to);
    std::vector<std::uint64_t> versionsBelow(int boundary) const;
    // A content hash of what the features at `boundary` depend on: the backbone's kind, the input
    // spec, and every parameter and buffer of the stages below it. Same weights, same key, in any
    // session or process: what the on-disk feature store is addressed by.
    const std::string &persistentKey(int boundary);

    void initHead(int classCount, std::uint64_t headSeed);

    // Float NCHW, normalised, for images[indices[begin..end)]; failed loads become zeros and are
    // reported as positions relative to `begin`.
    torch::Tensor preprocess(const ImageProvider &images, const std::vector<std::size_t> &indices,
                             std::size_t begin, std::size_t end, std::vector<std::size_t> *failed,
                             QStringList *reasons) const;

    // Backbone outputs at `boundary` (0 = the preprocessed input) for all indices, in eval mode,
    // through the feature cache when useCache. Failures are reported as positions in `indices`.
    torch::Tensor boundaryInputs(const ImageProvider &images, const std::vector<std::size_t> &indices, int boundary,
                                 bool useCache, int batchSize, std::vector<std::size_t> *failed,
                                 QStringList *reasons);
    // N x D features for all indices (eval mode), using the cache at cacheBoundary when allowed.
    // `progress` after each batch; throws Cancelled when `cancel` is set between batches.
    torch::Tensor features(const ImageProvider &images, const std::vector<std::size_t> &indices, bool useCache,
                           int batchSize, std::vector<std::size_t> *failed, QStringList *reasons,
                           const std::function<void(std::size_t, std::size_t)> &progress = {},
                           const std::atomic<bool> *cancel = nullptr);
    torch::Tensor logits(const torch::Tensor &features) const;

    // Eval-mode frozen + optimize_for_inference clone of the backbone (stage methods preserved),
    // rebuilt when a stage changed; falls back to the plain module if optimisation fails.
    const torch::jit::Module &inferenceModule();
    torch::Tensor runStages(const torch::jit::Module &module, int from, int to, const torch::Tensor &x) const;
};

} // namespace activelabel
