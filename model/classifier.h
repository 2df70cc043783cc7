#pragma once

#include "model/floatmatrix.h"
#include "model/imageprovider.h"
#include "model/modelspec.h"
#include "model/transfermode.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace activelabel {

struct PredictOptions
{
    int batchSize = 256;
    bool embeddings = true;     // also return penultimate features (N x D)
    bool useFeatureCache = true; // reuse/fill cached backbone features when the backbone is frozen
    bool logits = false;         // also return raw head outputs (N x C, before temperature)
    // > 0: also T stochastic head passes (MC dropout) over the same features, for BALD, so the
    // network runs over the images once.
    int mcDropoutPasses = 0;
    std::uint64_t mcDropoutSeed = 0;
    // Called after each batch with the images done and the total (progress with time left).
    std::function<void(std::size_t done, std::size_t total)> progress;
    // Checked between batches; when set, predict throws Cancelled (features computed up to then
    // stay in the cache, so asking again resumes where it stopped).
    const std::atomic<bool> *cancel = nullptr;
};

struct Prediction
{
    FloatMatrix probabilities; // N x C, calibrated with the fitted temperature, rows sum to 1
    FloatMatrix embeddings;    // N x D penultimate features (empty unless requested)
    FloatMatrix logits;        // N x C uncalibrated logits (empty unless requested)
    std::vector<FloatMatrix> mcProbabilities; // mcDropoutPasses matrices N x C (empty unless requested)
    // Rows whose image could not be loaded: their probabilities are uniform, embeddings zero.
    std::vector<std::size_t> failedRows;
    QStringList failureReasons; // one per failed row
};

// One parameter or buffer, copied out for diagnostics and tests (freeze checks, round trips).
struct TensorState
{
    std::vector<std::int64_t> shape;
    QByteArray bytes;         // raw contents, native byte order
    bool requiresGrad = false;
    bool hasGradient = false; // a gradient was accumulated into it (by the last round)
};

// Feature-cache figures, for benchmarks and the status display.
struct FeatureCacheStats
{
    std::size_t entries = 0;
    std::size_t bytes = 0;
    std::size_t limitBytes = 0;
    std::size_t hits = 0;
    std::size_t misses = 0;
    std::size_t diskHits = 0;       // rows read back from the on-disk store
    std::size_t diskRows = 0;       // rows in the open on-disk segment
    std::uint64_t diskBytes = 0;    // every segment of the store together
    // Images whose features were computed from pixels (not served by the memory or disk cache):
    // the count a test uses to prove that a frozen backbone was not run again.
    std::size_t backboneImages = 0;
};

// What a training round can change in a classifier, copied so that a cancelled round (or a
// round whose later steps fail) can put it back exactly. Opaque outside model/.
struct ClassifierSnapshot;

// A backbone (smallcnn, resnet18 or a bring-your-own TorchScript model) plus a linear head with
// dropout, with the class names, the fitted temperature and the feature cache. Not thread-safe:
// one thread (the training worker) owns it. Errors the user can cause throw ModelError.
//
// Bring-your-own TorchScript backbones (ModelSpec::backbone = path of FILE.pt, FILE.pt.json read
// if present, else the spec's size/channels/mean/std are used). Supported shapes: a module whose
// forward takes one float N x C x H x W tensor and returns either
//   - N x K logits from a final classifier that is a linear layer (or a 1x1 convolution) reached
//     as a submodule: ResNet/RegNet `fc`, MobileNet/EfficientNet `classifier[-1]`, SqueezeNet
//     `classifier[1]`, VGG `classifier[6]`, ...; scripted or traced, the classifier is found by
//     name or, failing that, as the last weight whose output size is K. It is neutralised (its
//     weight becomes the identity), so the module's own forward then yields its features;
//   - N x D features (a headless model), or N x D x h x w maps (average-pooled by us);
//   - an ActiveLabel export (format tag "activelabel-model"): its `embed` method is used, and
//     head rows of classes whose names match the project's are kept.
// Anything else (not a zip/TorchScript file, empty, truncated, forward failing on the declared
// input size and channels, outputs of other ranks) is refused with a one-line reason.
// Blocks for finetune:N are the module's top-level children that own trainable parameters.
class Classifier
{
public:
    struct Impl;

    // A new classifier; built-ins are initialised from `seed`. Throws ModelError.
    static std::unique_ptr<Classifier> create(const ModelSpec &spec, const QStringList &classNames,
                                              std::uint64_t seed = 0);
    // A checkpoint written by save(). Throws ModelError (missing, corrupt, not ours).
    static std::unique_ptr<Classifier> load(const QString &checkpointPath);

    ~Classifier();
    Classifier(const Classifier &) = delete;
    Classifier &operator=(const Classifier &) = delete;

    // Model + optimizer state + classes + mode + input spec + temperature, written to a temporary
    // file, fsync'ed and renamed over `path`, so a crash never leaves a half-written checkpoint.
    void save(const QString &path) const;

    const ModelSpec &spec() const;
    const QStringList &classNames() const;
    int classCount() const;
    // Appends a class: the head grows by one row, existing rows (and their logits) are untouched.
    void addClass(const QString &name);
    // Rebuilds the head for a new class list: class i takes the head row `sourceRows[i]` of the
    // current head (its weights and bias, untouched), or a fresh small row when that is -1 (as
    // addClass). Rows no class takes are dropped. This is how renames (same row, new name),
    // reorders (rows permuted) and merges/deletes (a row dropped) keep what the model learnt.
    // Throws ModelError for mismatched sizes, rows out of range, or empty/duplicate names.
    void remapClasses(const QStringList &names, const std::vector<int> &sourceRows);

    QString backboneKind() const;   // "smallcnn", "resnet18", "torchscript"
    QStringList blockNames() const; // first to last; finetune:N trains the last N
    std::vector<std::int64_t> blockParameterCounts() const;
    std::int64_t headParameterCount() const;
    int featureDim() const;
    double temperature() const;
    // True once the backbone has been trained (or was loaded pretrained): Auto uses it.
    bool backboneTrained() const;
    // Labels the backbone last trained on in this project (0 = never; -1 = pretrained elsewhere).
    long long backboneLabels() const;
    TransferMode lastMode() const;

    Prediction predict(const ImageProvider &images, const std::vector<std::size_t> &indices,
                       const PredictOptions &options = {});
    // Monte-Carlo dropout: `passes` stochastic passes through the head's dropout (features are
    // deterministic, so they are computed once). Returns `passes` matrices of N x C probabilities.
    std::vector<FloatMatrix> predictMcDropout(const ImageProvider &images, const std::vector<std::size_t> &indices,
                                              int passes, std::uint64_t seed = 0);

    // TorchScript export (forward = calibrated probabilities, logits, embed) plus FILE.pt.json.
    // Both written atomically. Throws ModelError.
    void exportTorchScript(const QString &path, const QJsonObject &metrics = {}) const;
    // ONNX export (opset 13, read by OpenCV's dnn module and onnxruntime): one input "input", the
    // float N x C x H x W tensor the sidecar describes (any N), one output "probabilities", the
    // calibrated probabilities predict() reports; plus FILE.onnx.json, the same sidecar as
    // exportTorchScript's. Built-in backbones always convert; an imported TorchScript backbone
    // when every operation in it has an ONNX equivalent, else ModelError names the first one
    // that has none. Both files written atomically. Throws ModelError.
    void exportOnnx(const QString &path, const QJsonObject &metrics = {}) const;

    // Where this classifier computes: "cpu" or "cuda:N". New and loaded classifiers start on
    // defaultComputeDevice() (computedevice.h).
    QString device() const;
    // Moves the model to `device` ("cpu", "cuda", "cuda:N", "auto"); rounds, predictions and
    // exports carry on there, checkpoints and exports stay loadable on any machine. Throws
    // ModelError when the device does not exist here.
    void setDevice(const QString &device);

    // A copy of the weights, head, temperature, optimizer state and training history; restore()
    // puts them back (the feature cache is kept: its rows are checked against stage versions).
    std::shared_ptr<const ClassifierSnapshot> snapshot() const;
    void restore(const ClassifierSnapshot &snapshot);

    // Keeps frozen-backbone features on disk under `directory` (within `budgetBytes` for all
    // backbones together), keyed by the frozen stages' content hash, the input spec and each
    // image's ImageProvider::contentKey, and reads them back in later sessions. Empty: memory only.
    void setFeatureStore(const QString &directory, std::uint64_t budgetBytes);

    // The cache keys images by provider index: it assumes index i of a provider keeps meaning the
    // same image (it is dropped when a different provider object is seen). Call this if not.
    void invalidateFeatureCache();
    void setFeatureCacheLimit(std::size_t bytes, bool fp16 = true);
    FeatureCacheStats featureCacheStats() const;

    // Every parameter and buffer: "backbone.<torchvision-style name>", "head.weight", "head.bias".
    std::map<QString, TensorState> tensorState() const;

    Impl &impl() { return *m_impl; }
    const Impl &impl() const { return *m_impl; }

private:
    explicit Classifier(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace activelabel
