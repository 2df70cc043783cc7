#pragma once

#include "app/modelservice.h"
#include "app/queuebuilder.h"

#include <QObject>

#include <atomic>
#include <deque>
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

    // Thread-safe requests from the UI thread. Each is run on the worker thread, in the order
    // asked. Their arguments wait in m_jobs under m_mailboxMutex and the worker is woken by a
    // queued call without arguments: a request passed as a queued argument would be copied in one
    // thread and read in the other, ordered only by the lock of Qt's event queue, which
    // ThreadSanitizer cannot see (Debian's Qt is not instrumented); a std::mutex it does see.
    void requestTraining(const TrainRequest &request, const QueueRequest &queue);
    // Queue requests asked one after another before the worker gets to them build one queue, from
    // the newest: the older ones describe images the annotator has moved past since.
    void requestQueue(const QueueRequest &queue);
    void requestRollback(qint64 modelVersion, const QueueRequest &queue);

    // Thread-safe: asks for a queue while a round is running (the annotator is about to run out).
    // The worker builds it between two training steps with the model that is current (not the one
    // being trained), so the annotator keeps labelling however long the round takes.
    void requestQueueDuringRound(const QueueRequest &queue);

    // Thread-safe, for the UI thread: the results that roundFinished and queueReady announce, one
    // per signal, oldest first. They wait here under m_mailboxMutex for the same reason requests do.
    std::optional<RoundSummary> takeRoundSummary();
    std::optional<QueueSnapshot> takeQueueSnapshot();

private Q_SLOTS:
    // Runs the oldest job; queued once per job by post().
    void runNextJob();

Q_SIGNALS:
    void busy(const QString &what); // "Training", "Rescoring", "Building queue"
    void progress(int step, int total, double loss);
    void roundFinished(); // takeRoundSummary() has one more
    void queueReady();    // takeQueueSnapshot() has one more
    void failed(const QString &message);
    void idle();

private:
    // One request from the UI thread.
    struct Job
    {
        enum class Kind { Train, Queue, Rollback };
        Kind kind = Kind::Queue;
        TrainRequest train;      // Kind::Train
        qint64 modelVersion = 0; // Kind::Rollback
        QueueRequest queue;      // every kind ends with a queue
    };

    void post(Job job);
    void finishRound(RoundSummary summary); // hands it over and emits roundFinished
    void train(const TrainRequest &request, const QueueRequest &queue);
    void buildQueue(const QueueRequest &queue);
    void rollback(qint64 modelVersion, const QueueRequest &queue);
    void ensureOpen();
    // Builds a queue with the current model, hands it over and emits queueReady (no busy/idle
    // signals).
    void emitQueue(const QueueRequest &queue, bool refreshImages);

    const Project &m_project;
    std::atomic<bool> &m_cancel;
    std::unique_ptr<Database> m_db; // opened on the worker thread, used only there
    std::unique_ptr<ModelService> m_service;
    std::unique_ptr<Classifier> m_classifier;
    std::optional<qint64> m_version;
    std::mutex m_mailboxMutex; // guards the requests and results below
    std::deque<Job> m_jobs;    // asked for, not started yet, oldest first
    std::optional<QueueRequest> m_pendingQueue; // asked for during a round
    std::deque<RoundSummary> m_summaries;       // announced, not taken yet, oldest first
    std::deque<QueueSnapshot> m_snapshots;      // likewise
};

} // namespace activelabel
