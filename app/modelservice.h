#pragma once

#include "model/classifier.h"
#include "model/evaluation.h"
#include "model/trainer.h"
#include "storage/classrepository.h"

#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace activelabel {

class Database;
class PoolEmbeddings;
class Project;
class ProjectImages;

// What the user asked of a training round (CLI flags or the GUI's training panel).
struct TrainRequest
{
    QString backbone; // "smallcnn", "resnet18", a TorchScript path; empty: keep the current one
    TransferMode mode = TransferMode::automatic();
    int epochs = 0;   // 0: the trainer's defaults (epoch bounds, step floor); else exact
    std::uint64_t seed = 0;
    // Semi-supervised round: the unlabelled pool images train too, through pseudo-labels derived
    // in the round and dropped after it (never labels; RoundResult says how many were used).
    bool semi = false;
    int semiSteps = -1; // steps on pool images (-1: SemiSupervisedOptions' default)
    // Input overrides for a new classifier (required for a TorchScript file without a sidecar).
    std::optional<int> inputHeight, inputWidth, channels;
    std::optional<std::vector<float>> mean, std;
};

// The model a session trains in place: built or loaded once, then changed only by its rounds,
// rollbacks and class changes, never re-read from the checkpoints the session writes (they are
// for durability and rollback). Owned by the one thread that touches the model.
struct LiveModel
{
    std::unique_ptr<Classifier> classifier;  // nullptr before the first round
    std::optional<std::int64_t> version;     // the model version it was last saved or loaded as
};

// Where a round is, for progress with time left: training steps, then scoring every image.
struct RoundProgress
{
    enum class Phase { Training, Scoring };
    Phase phase = Phase::Training;
    std::size_t done = 0;
    std::size_t total = 0;
    double loss = 0.0; // the last step's (Training)
};
using RoundProgressCallback = std::function<void(const RoundProgress &)>;

struct TrainOutcome
{
    RoundResult round;
    std::optional<std::int64_t> modelVersion; // nullopt when cancelled
    std::size_t labels = 0;
    std::optional<Evaluation> test; // on the test split, when it has ground truth
    QString note;                   // e.g. why a new classifier was started, and what it costs
    // Of this round's images (training and scoring): features computed from pixels, and features
    // read back from the on-disk store. With a frozen backbone whose features exist, the first is 0.
    std::size_t imagesThroughBackbone = 0;
    std::size_t featuresFromDisk = 0;
    // The pool embeddings kept at rescoring (rows x width) and what keeping them cost: the copy out
    // of the scores and the cache file (fp16, written atomically).
    std::size_t embeddingsRows = 0;
    std::size_t embeddingsWidth = 0;
    double embeddingsSeconds = 0.0;
};

// Joins storage and model for one project: runs a training round on every label (warm-started
// in place on the session's live model), records the new version with its metrics, rescores
// every image into predictions.sqlite, and answers predict/evaluate/export. Runs on the thread
// that owns the Project's connection (the CLI's main thread, the GUI's worker). Every classifier
// it hands out keeps its frozen-backbone features in the project's cache/features folder.
// The file format of a model export: TorchScript (FILE.pt) or ONNX (FILE.onnx), each with FILE.json.
enum class ModelExportFormat { TorchScript, Onnx };

class ModelService
{
public:
    // `db`: this thread's connection to the project (the Project's own on its thread, or one from
    // Project::openConnection() on a worker thread).
    ModelService(const Project &project, Database &db);
    ~ModelService();

    ProjectImages &images() { return *m_images; }
    const Project &project() const { return m_project; }
    Database &database() { return m_db; }

    // Provider indices of pool images with / without a current label (any source), in id order.
    std::vector<std::size_t> labelledPoolIndices();
    std::vector<std::size_t> unlabelledPoolIndices();

    // The latest model version's classifier, or nullptr when none was trained yet: what a session
    // starts from. Throws ModelError when its checkpoint is missing or damaged.
    std::unique_ptr<Classifier> loadLatest(std::optional<std::int64_t> *version = nullptr);
    LiveModel loadLive();
    // A team project's trainer published a version newer than `live`'s: loads it into `live`
    // (its checkpoint fetched from the server) and returns true; its predictions are on the server
    // already. False when `live` is the latest.
    bool followLatest(LiveModel &live);

    // One round on every label, in named steps: collect the samples, choose the model (the live
    // one, or a new one for a new backbone, a scratch round or the first round), train, score
    // every image, record the version (checkpoint, then its row), write the predictions, record
    // the metrics. `live` is trained in place and becomes the new version; a cancelled or failed
    // round leaves it exactly as it was (a new model replaces it only once the round succeeded).
    TrainOutcome train(LiveModel &live, const TrainRequest &request, const RoundProgressCallback &progress = {},
                       const std::atomic<bool> *cancel = nullptr);
    // A one-round session (the CLI's `train`): loads the latest version and trains it.
    TrainOutcome train(const TrainRequest &request, const RoundProgressCallback &progress = {},
                       const std::atomic<bool> *cancel = nullptr);

    // Ground truth of the test split as class positions, aligned with `indices` (-1: none).
    std::vector<int> testTruth(const std::vector<std::size_t> &indices);
    // Evaluates on the test split; nullopt when it is empty or has no ground truth.
    std::optional<Evaluation> evaluateTest(Classifier &classifier);

    // Exports `live` (the latest version) as TorchScript or ONNX + JSON sidecar with the version's
    // recorded metrics. Returns the version exported; throws when there is no model yet.
    std::int64_t exportModel(const LiveModel &live, const QString &path,
                             ModelExportFormat format = ModelExportFormat::TorchScript);
    // Loads the latest version first (CLI).
    std::int64_t exportLatest(const QString &path, ModelExportFormat format = ModelExportFormat::TorchScript);

    // Makes an earlier version current again: a new version row that shares its (immutable)
    // checkpoint, so history stays linear and the next round warm-starts from it. `live` becomes
    // that version's model (read from its checkpoint: the one read a session makes). Rescores.
    std::int64_t rollbackTo(LiveModel &live, std::int64_t modelVersion);

    // Gives `classifier` the project's on-disk feature store (cache/features, bounded by the
    // `feature_store_mb` setting, default 4096). Called for every classifier handed out.
    void useFeatureStore(Classifier &classifier);

    // Makes the classifier's classes the project's current classes, in class order, keeping each
    // class's head row by class id: a rename keeps the row (new name), a reorder permutes rows, a
    // merged or deleted class's row is dropped, a new class gets a fresh row. `version` is the
    // model version the classifier was loaded from (its config records the class ids of the head
    // rows; versions saved before that are matched by name). Cheap when nothing changed.
    void alignClasses(Classifier &classifier, std::int64_t version);

    // Writes the classifier's predictions for every image as the run of `modelVersion`, and, when
    // `all` has embeddings, the pool's embeddings (PoolEmbeddings: cache/embeddings, derived data;
    // a file that cannot be written is reported by qWarning and the round carries on).
    void rescore(Classifier &classifier, std::int64_t modelVersion, const Prediction &all);

    // The pool embeddings of the last rescoring by this service (a round or a rollback), else
    // those on disk for the latest model version (read once), else nullptr: no model yet, or none
    // kept for it (a version rescored before embeddings were kept gets them at its next round).
    std::shared_ptr<const PoolEmbeddings> poolEmbeddings();

private:
    // The labelled pool images as training samples, with the class list they index.
    struct RoundInputs
    {
        std::vector<ClassInfo> classInfos;
        QStringList classes;
        std::vector<LabelledSample> samples;
    };
    // The model a round trains: the live one (in place, with a snapshot to restore) or a new one.
    struct RoundModel
    {
        Classifier *model = nullptr;
        std::unique_ptr<Classifier> fresh;                 // set when the round builds a new model
        std::shared_ptr<const ClassifierSnapshot> before;  // set when it trains the live one
        std::optional<std::int64_t> parent;
    };

    RoundInputs collectSamples();
    RoundModel chooseModel(LiveModel &live, const TrainRequest &request, const RoundInputs &inputs, QString *note);
    Prediction scoreAll(Classifier &classifier, const RoundProgressCallback &progress, const std::atomic<bool> *cancel);
    std::int64_t recordVersion(Classifier &classifier, const RoundInputs &inputs, const RoundResult &round,
                               std::optional<std::int64_t> parent);
    std::optional<Evaluation> recordMetrics(std::int64_t version, std::size_t labels, const RoundResult &round,
                                            const Prediction &scored);

    std::unique_ptr<Classifier> makeClassifier(const TrainRequest &request, const QStringList &classes,
                                               const std::vector<LabelledSample> &samples);
    QString checkpointFile(const QString &relative) const; // a models/ file's full path

    void keepPoolEmbeddings(std::int64_t modelVersion, const Prediction &all);

    const Project &m_project;
    Database &m_db;
    std::unique_ptr<ProjectImages> m_images;
    std::shared_ptr<const PoolEmbeddings> m_poolEmbeddings;
    double m_poolEmbeddingsSeconds = 0.0; // what the last keepPoolEmbeddings took
};

// Uncertainty shown beside a prediction: the entropy of its probabilities, in nats.
float predictionEntropy(const float *probabilities, std::size_t classes);

} // namespace activelabel
