#pragma once

#include "app/gui/labelwriter.h"
#include "app/gui/lookalikeindexer.h"
#include "app/gui/teamleases.h"
#include "app/gui/trainingworker.h"
#include "app/mailbox.h"
#include "storage/classrepository.h"
#include "ui/trainingpanel.h"

#include <QHash>
#include <QSet>
#include <QImage>
#include <QObject>
#include <QStandardItemModel>
#include <QThread>
#include <QThreadPool>
#include <QUndoStack>

#include <atomic>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace activelabel {

class ImageCache;
class LabelingView;
class Project;

// Drives labelling: the queue (built by the training worker), what the annotator sees, one-key
// labels through the single writer thread, undo/redo, and automatic training rounds every K new
// labels. Lives on the UI thread and never blocks it: decoding, COMMITs and training all happen
// on other threads, and their results arrive as queued signals.
class LabelingController : public QObject
{
    Q_OBJECT
public:
    LabelingController(Project &project, LabelingView *view, QObject *parent = nullptr);
    ~LabelingController() override;

    // Full-size images kept decoded: the current one, the prefetched ones ahead and the most
    // recently shown (Backspace re-decodes older ones). What bounds memory in a long session.
    static constexpr int kMaxDecodedImages = 32;
    // When this few images are left in the queue, the next one is built in the background.
    static constexpr std::size_t kQueueLowWater = 20;
    // Images Backspace goes back to (and undo reaches as far): generous, yet bounded.
    static constexpr int kHistoryLength = 2000;

    QUndoStack *undoStack() { return &m_undo; }
    int decodedImageCount() const { return int(m_decoded.size()); }
    const std::vector<ClassInfo> &classes() const { return m_classes; }
    bool isWorkerBusy() const { return m_workerBusy; }
    // A team project: adopts the team trainer's newest model version, if newer than the live one,
    // and rebuilds the queue with it (skipped while the worker is busy: the next look catches up).
    void followTeamTrainer();
    qint64 labelsThisSession() const { return m_labelsThisSession; }
    // The look-alike index of the live model, rebuilt in the background after every round.
    LookalikeIndexer *lookalikes() { return &m_lookalikes; }

    // Submits a label change to the writer thread; used by the undo commands.
    qint64 submit(LabelOperation operation);

    // The accept path of the bulk review page and the look-alikes grid: every image of the page
    // gets class `classPosition` in one transaction (source bulk-accepted), as one step of the
    // undo stack (one Ctrl+Z takes the page back). The images leave the labelling queue, and count
    // towards the next automatic round. Returns the writer's ticket (pageSaved/pageFailed carry
    // it), 0 when there is nothing to write.
    qint64 acceptPage(const QList<qint64> &imageIds, int classPosition);
    // Images the model got wrong (unticked on a page): put at the front of the labelling queue,
    // and kept there across queue rebuilds until they are shown.
    void promote(const std::vector<QueueEntry> &entries);
    // Images a page must not show: the one in front of the annotator, those shown before it
    // (Backspace reaches them), and the audit draws waiting in the queue (an audit image is labelled
    // one by one, blind to nothing but never in bulk: it is the unbiased accuracy sample).
    QSet<qint64> imagesKeptFromPages() const;
    std::optional<qint64> modelVersion() const { return m_modelVersion; }
    // The labelling queue as it stands (front first), for tests and benchmarks.
    std::vector<QueueEntry> queuedEntries() const { return {m_queue.begin(), m_queue.end()}; }

public Q_SLOTS:
    void start();
    void reloadClasses();
    void setTrainingSettings(const activelabel::TrainingSettings &settings);
    void trainNow();
    void cancelTraining();
    void refreshQueue();
    void rollback(qint64 modelVersion);
    // Exports the session's live model through the worker; modelExported answers.
    void exportModel(const QString &path, ModelExportFormat format = ModelExportFormat::TorchScript);
    void label(int classPosition, const QString &source = QStringLiteral("human"));
    void relabel(qint64 imageId, int classPosition);
    void acceptPrediction();
    void skip();
    void markUnsure();
    void markBad();
    void previous();

Q_SIGNALS:
    void labelsChanged();           // a label was saved (counts, charts)
    // A page of labels (or its undo) was committed as a whole / failed as a whole.
    void pageSaved(qint64 ticket, int images, bool undo);
    void pageFailed(qint64 ticket, const QString &reason);
    void modelChanged();            // a new model version exists
    void modelExported(bool ok, const QString &message);
    void busy(const QString &what, int value, int maximum);
    void idle(const QString &lastRound);
    void message(const QString &text);
    void error(const QString &title, const QString &text);

private Q_SLOTS:
    // Hands what the decoder has finished to imageDecoded; m_decodedReady's wake-up.
    void takeDecoded();

private:
    void onQueueReady(const QueueSnapshot &snapshot);
    void onRoundFinished(const RoundSummary &summary);
    void onSaved(qint64 ticket, qint64 imageId);
    void onFailed(qint64 ticket, qint64 imageId, const QString &reason);
    void onPageSaved(qint64 ticket, int images);
    void onPageFailed(qint64 ticket, const QString &reason);
    void advance();
    // A team project: claims the next images of the queue ahead of the annotator (TeamLeases).
    void claimAhead();
    void onClaimed();
    void forgetQueued(const std::vector<qint64> &imageIds);
    void showCurrent();
    void prefetch();
    void dropStaleDecoded();
    void remember(const QueueEntry &shown);
    void decodeAsync(qint64 imageId);
    void decodeNext(); // on the decoder thread
    void imageDecoded(qint64 imageId, const QImage &image);
    void updateStrip();
    QueueRequest queueRequest() const;
    TrainRequest trainRequest() const;
    QString className(qint64 classId) const;
    qint64 predictedClassId(const QueueEntry &entry) const;

    Project &m_project;
    LabelingView *m_view;
    std::vector<ClassInfo> m_classes;
    TrainingSettings m_settings;

    QThread m_writerThread;
    LabelWriter *m_writer = nullptr;
    QThread m_workerThread;
    TrainingWorker *m_worker = nullptr;
    std::atomic<bool> m_cancel{false};
    bool m_workerBusy = false;
    bool m_trainAgain = false;
    bool m_queueAskedDuringRound = false;

    std::deque<QueueEntry> m_queue;
    TeamLeases m_leases; // a team project: only images this window claimed are shown
    std::optional<QueueEntry> m_current;
    std::deque<QueueEntry> m_history; // shown before the current one (Backspace), oldest first
    std::optional<qint64> m_modelVersion;
    QString m_strategyShown;
    qint64 m_remaining = 0;             // unlabelled and not shown yet, when the queue was built
    std::optional<qint64> m_unlabelled; // the writer's latest count: what the view shows
    QUndoStack m_undo;
    qint64 m_nextTicket = 1;
    QHash<qint64, QString> m_pendingClass; // ticket -> class name being saved
    struct PendingPage
    {
        bool undo = false;
        std::vector<qint64> imageIds;
    };
    QHash<qint64, PendingPage> m_pendingPages; // ticket -> page being saved
    QSet<qint64> m_pageLabelled;           // labelled on a page (not undone): never queued again
    std::deque<QueueEntry> m_promoted;     // unticked on a page, not shown yet: front of the queue
    int m_labelsSinceRound = 0;
    qint64 m_labelsThisSession = 0;

    std::shared_ptr<ImageCache> m_imageCache; // a team project's: the decoders fetch what is missing
    QThreadPool m_decoders;
    Mailbox<std::pair<qint64, std::filesystem::path>> m_decodeJobs; // to decode, oldest first
    Mailbox<std::pair<qint64, QImage>> m_decodedReady;              // decoded, not yet taken
    QHash<qint64, QImage> m_decoded; // full images by id, at most kMaxDecodedImages
    QSet<qint64> m_decoding;
    // Files of the images that may be shown (queue, current, history), from the worker.
    std::unordered_map<qint64, std::filesystem::path> m_files;
    QStandardItemModel m_strip;
    LookalikeIndexer m_lookalikes;
};

} // namespace activelabel
