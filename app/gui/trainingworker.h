#pragma once

#include "app/modelservice.h"
#include "app/queuebuilder.h"

#include <QMetaType>
#include <QObject>

#include <atomic>
#include <filesystem>
#include <unordered_map>
#include <memory>
#include <mutex>
#include <optional>

namespace activelabel {

class Database;
class Project;

// What a finished round reports to the UI.
struct RoundSummary
{
    std::optional<qint64> modelVersion; // nullopt: cancelled or failed
    QString mode;
    QString modeReason;
    int labels = 0;
    int steps = 0;
    double trainLoss = 0;
    double heldOutAccuracy = -1;
    std::optional<double> testAccuracy;
    double seconds = 0;
    bool cancelled = false;
};

// A fresh queue for the annotator, computed by the worker after each round (or on demand).
struct QueueSnapshot
{
    std::vector<QueueEntry> entries;
    std::optional<qint64> modelVersion;
    QString strategy;
    bool coldStart = false;
    qint64 remaining = 0;
    // Each entry's file, resolved here so that the UI thread can hand it straight to a decoder
    // without a database lookup of its own.
    std::unordered_map<qint64, std::filesystem::path> files;
};

// How much nicer than the UI the worker's threads run (Linux nice levels; 5 = about a third of
// the CPU share of a thread at the UI's level when both want it: enough for the UI to win its
// frames, not so much that training starves on a busy machine).
constexpr int kWorkerNiceIncrement = 5;

// Everything that touches the model for the GUI, on its own thread with its own connection: a
// training round (warm start, cancellable between batches), then rescoring the pool and building
// the next queue. The UI thread only sends requests and receives results.
class TrainingWorker : public QObject
{
    Q_OBJECT
public:
    TrainingWorker(const Project &project, std::atomic<bool> &cancel);
    ~TrainingWorker() override;

    // Thread-safe: asks for a queue while a round is running (the annotator is about to run out).
    // The worker builds it between two training steps with the model that is current (not the one
    // being trained), so the annotator keeps labelling however long the round takes.
    void requestQueueDuringRound(const QueueRequest &queue);

public Q_SLOTS:
    void train(const activelabel::TrainRequest &request, const activelabel::QueueRequest &queue);
    void buildQueue(const activelabel::QueueRequest &queue);
    void rollback(qint64 modelVersion, const activelabel::QueueRequest &queue);

Q_SIGNALS:
    void busy(const QString &what); // "Training", "Rescoring", "Building queue"
    void progress(int step, int total, double loss);
    void roundFinished(const activelabel::RoundSummary &summary);
    void queueReady(const activelabel::QueueSnapshot &snapshot);
    void failed(const QString &message);
    void idle();

private:
    void ensureOpen();
    // Builds a queue with the current model and emits queueReady (no busy/idle signals).
    void emitQueue(const QueueRequest &queue, bool refreshImages);

    const Project &m_project;
    std::atomic<bool> &m_cancel;
    std::unique_ptr<Database> m_db; // opened on the worker thread, used only there
    std::unique_ptr<ModelService> m_service;
    std::unique_ptr<Classifier> m_classifier;
    std::optional<qint64> m_version;
    std::mutex m_pendingMutex;
    std::optional<QueueRequest> m_pendingQueue; // asked for during a round
};

} // namespace activelabel

Q_DECLARE_METATYPE(activelabel::TrainRequest)
Q_DECLARE_METATYPE(activelabel::QueueRequest)
Q_DECLARE_METATYPE(activelabel::RoundSummary)
Q_DECLARE_METATYPE(activelabel::QueueSnapshot)
