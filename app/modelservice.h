#pragma once

#include "model/classifier.h"
#include "model/evaluation.h"
#include "model/trainer.h"

#include <QString>

#include <atomic>
#include <memory>
#include <optional>

namespace activelabel {

class Database;
class Project;
class ProjectImages;

// What the user asked of a training round (CLI flags or the GUI's training panel).
struct TrainRequest
{
    QString backbone; // "smallcnn", "resnet18", a TorchScript path; empty: keep the current one
    TransferMode mode = TransferMode::automatic();
    int epochs = 0;   // 0: the trainer's defaults (epoch bounds, step floor); else exact
    std::uint64_t seed = 0;
    // Input overrides for a new classifier (required for a TorchScript file without a sidecar).
    std::optional<int> inputHeight, inputWidth, channels;
    std::optional<std::vector<float>> mean, std;
};

struct TrainOutcome
{
    RoundResult round;
    std::optional<std::int64_t> modelVersion; // nullopt when cancelled
    std::size_t labels = 0;
    std::optional<Evaluation> test; // on the test split, when it has ground truth
    QString note;                   // e.g. why a new classifier was started
};

// Joins storage and model for one project: runs a training round on every label (warm-started
// from the latest model version), records the new version with its metrics, rescores every image
// into predictions.sqlite, and answers predict/evaluate/export for the latest version. Runs on
// the thread that owns the Project's connection (the CLI's main thread, the GUI's worker).
class ModelService
{
public:
    // `db`: this thread's connection to the project (the Project's own on its thread, or one from
    // Project::openConnection() on a worker thread).
    ModelService(const Project &project, Database &db);
    ~ModelService();

    ProjectImages &images() { return *m_images; }
    Database &database() { return m_db; }

    // Provider indices of pool images with / without a current label (any source), in id order.
    std::vector<std::size_t> labelledPoolIndices();
    std::vector<std::size_t> unlabelledPoolIndices();

    // The latest model version's classifier, or nullptr when none was trained yet.
    // Throws ModelError when its checkpoint is missing or damaged.
    std::unique_ptr<Classifier> loadLatest(std::optional<std::int64_t> *version = nullptr);

    TrainOutcome train(const TrainRequest &request, const ProgressCallback &progress = {},
                       const std::atomic<bool> *cancel = nullptr);

    // Ground truth of the test split as class positions, aligned with `indices` (-1: none).
    std::vector<int> testTruth(const std::vector<std::size_t> &indices);
    // Evaluates on the test split; nullopt when it is empty or has no ground truth.
    std::optional<Evaluation> evaluateTest(Classifier &classifier);

    // Exports the latest version as TorchScript + JSON sidecar (with its recorded metrics).
    // Returns the version exported; throws when there is no model yet.
    std::int64_t exportLatest(const QString &path);

    // Makes an earlier version current again: a new version row that shares its (immutable)
    // checkpoint, so history stays linear and the next round warm-starts from it. Rescores.
    std::int64_t rollbackTo(std::int64_t modelVersion);

    // Makes the classifier's classes the project's current classes, in class order, keeping each
    // class's head row by class id: a rename keeps the row (new name), a reorder permutes rows, a
    // merged or deleted class's row is dropped, a new class gets a fresh row. `version` is the
    // model version the classifier was loaded from (its config records the class ids of the head
    // rows; versions saved before that are matched by name). Cheap when nothing changed.
    void alignClasses(Classifier &classifier, std::int64_t version);

    // Writes the classifier's predictions for every image as the run of `modelVersion`.
    void rescore(Classifier &classifier, std::int64_t modelVersion, const Prediction &all);

private:
    std::unique_ptr<Classifier> makeClassifier(const TrainRequest &request, const QStringList &classes,
                                               const std::vector<LabelledSample> &samples) const;

    const Project &m_project;
    Database &m_db;
    std::unique_ptr<ProjectImages> m_images;
};

// Uncertainty shown beside a prediction: the entropy of its probabilities, in nats.
float predictionEntropy(const float *probabilities, std::size_t classes);

} // namespace activelabel
