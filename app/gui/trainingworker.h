#pragma once

#include "app/mailbox.h"
#include "app/modelservice.h"
#include "app/poolembeddings.h"
#include "app/progressreport.h"
#include "app/queuebuilder.h"

#include <QElapsedTimer>
#include <QObject>

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <unordered_map>

namespace activelabel {

class TrainerLock;

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
    QString note; // what the round cost beyond the usual (a new backbone's first feature pass, ...)
    std::size_t imagesThroughBackbone = 0; // TrainOutcome's
    std::size_t featuresFromDisk = 0;
    // Semi-supervised rounds: pool images pseudo-labelled, those used, the lowest class threshold.
    int pseudoLabelCandidates = 0;
    int pseudoLabels = 0;
    double pseudoMinClassThreshold = 0;
};

// A long step's progress for the status bar: e.g. "Scoring images: 4096 of 23000 images (17%),
// 40 s left"; value of maximum for a progress bar.
struct ProgressUpdate
{
    QString text;
    int value = 0;
    int maximum = 0;
};

// The outcome of an export the UI asked for.
struct ExportResult
{
    bool ok = false;
    QString message; // what was written, or why not
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

// Everything that touches the model for the GUI, on its own thread with its own connection. The
// worker owns the session's one live model (LiveModel): rounds train it in place (cancellable
// between steps and between scoring batches, restored when cancelled), rollbacks replace it,
// queues are scored with it and exports write it. No other thread ever sees a Classifier. The UI
// thread only posts requests and takes results, both through Mailboxes (app/mailbox.h).
class TrainingWorker : public QObject
{
    Q_OBJECT
public:
    TrainingWorker(const Project &project, std::atomic<bool> &cancel);
    ~TrainingWorker() override;

    // Thread-safe requests from the UI thread, run on the worker thread in the order asked.
    void requestTraining(const TrainRequest &request, const QueueRequest &queue);
    // Queue requests asked one after another before the worker gets to them build one queue, from
    // the newest: the older ones describe images the annotator has moved past since.
    void requestQueue(const QueueRequest &queue);
    void requestRollback(qint64 modelVersion, const QueueRequest &queue);
    // A team project: when the team's trainer has published a newer version than the live one,
    // adopts it (announced like a round) and builds a queue with it; otherwise does nothing.
    void requestFollow(const QueueRequest &queue);
    // Exports the live model (TorchScript or ONNX + sidecar) to `path`; exportFinished announces it.
    void requestExport(const QString &path, ModelExportFormat format = ModelExportFormat::TorchScript);

    // From the UI thread, just before the worker's thread stops: drops the jobs not started yet,
    // under the mailbox's lock, which the worker's destructor takes again on its own thread. That
    // orders everything the UI thread did to this object (its connections' slot objects too)
    // before the worker goes, an order ThreadSanitizer cannot see through Qt's thread end.
    void lastHandOver() { m_jobs.clear(); }

    // Thread-safe: asks for a queue while a round is running (the annotator is about to run out).
    // The live model is mid-training then, so the worker builds it between two steps from the
    // predictions the last round stored (app/queuebuilder.h), and the annotator keeps labelling
    // however long the round takes.
    void requestQueueDuringRound(const QueueRequest &queue);

    // Thread-safe, for the UI thread: the results that roundFinished, queueReady and
    // exportFinished announce, one per signal, oldest first.
    std::optional<RoundSummary> takeRoundSummary() { return m_summaries.take(); }
    std::optional<QueueSnapshot> takeQueueSnapshot() { return m_snapshots.take(); }
    std::optional<ExportResult> takeExportResult() { return m_exports.take(); }
    // The pool embeddings of the live model (poolEmbeddingsReady announces them): after each round
    // and rollback, and at the session's first job (read from disk). nullptr: none for this model.
    std::optional<std::shared_ptr<const PoolEmbeddings>> takePoolEmbeddings() { return m_embeddings.take(); }
    // The newest progress update (older ones are dropped: only the latest is worth showing).
    std::optional<ProgressUpdate> takeProgress();

private Q_SLOTS:
    // Runs the oldest job; queued once per job by post().
    void runNextJob();

Q_SIGNALS:
    void busy(const QString &what); // "Training", "Rescoring", "Building queue"
    void progress();       // takeProgress() has the newest ProgressUpdate
    void roundFinished();  // takeRoundSummary() has one more
    void queueReady();     // takeQueueSnapshot() has one more
    void exportFinished(); // takeExportResult() has one more
    void poolEmbeddingsReady(); // takePoolEmbeddings() has one more
    void failed(const QString &message);
    void idle();

private:
    // One request from the UI thread.
    struct Job
    {
        enum class Kind { Train, Queue, Rollback, Export, Follow };
        Kind kind = Kind::Queue;
        TrainRequest train;      // Kind::Train
        qint64 modelVersion = 0; // Kind::Rollback
        QString path;            // Kind::Export
        ModelExportFormat exportFormat = ModelExportFormat::TorchScript; // Kind::Export
        QueueRequest queue;      // every kind but Export ends with a queue
    };

    void post(Job job);
    // post(), unless the newest job waiting is of the same kind: then it is replaced by this one.
    void postReplacingNewestOfItsKind(Job job);
    void finishRound(RoundSummary summary); // hands it over and emits roundFinished
    void train(const TrainRequest &request, const QueueRequest &queue);
    void reportRoundProgress(const RoundProgress &progress);
    void buildQueue(const QueueRequest &queue);
    void rollback(qint64 modelVersion, const QueueRequest &queue);
    void follow(const QueueRequest &queue);
    void exportModel(const QString &path, ModelExportFormat format);
    void ensureOpen();
    void handOverPoolEmbeddings();
    // Builds a queue (with the live model, or from stored predictions while a round trains it),
    // hands it over and emits queueReady (no busy/idle signals).
    void emitQueue(const QueueRequest &queue, bool refreshImages, bool duringRound = false);

    const Project &m_project;
    std::atomic<bool> &m_cancel;
    std::unique_ptr<Database> m_db; // opened on the worker thread, used only there
    std::unique_ptr<TrainerLock> m_trainer; // a team project's trainer role, once this window trains
    std::unique_ptr<ModelService> m_service;
    LiveModel m_live; // the session's model: only this thread touches it
    ProgressReport m_report;
    std::optional<RoundProgress::Phase> m_reportPhase;
    bool m_roundSemi = false; // the running round is semi-supervised (for its progress text)
    bool m_followFailing = false; // the last look for the team's new model failed
    QElapsedTimer m_progressClock;
    qint64 m_lastProgressMs = -1;
    Mailbox<Job> m_jobs;                     // asked for, not started yet
    Mailbox<QueueRequest> m_pendingQueue;    // asked for during a round (only the newest counts)
    Mailbox<RoundSummary> m_summaries;       // announced, not taken yet
    Mailbox<QueueSnapshot> m_snapshots;      // likewise
    Mailbox<ExportResult> m_exports;         // likewise
    Mailbox<ProgressUpdate> m_progress;      // likewise
    Mailbox<std::shared_ptr<const PoolEmbeddings>> m_embeddings; // likewise
};

} // namespace activelabel
