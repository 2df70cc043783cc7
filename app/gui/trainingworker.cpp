#include "app/gui/trainingworker.h"

#include "app/projectimages.h"
#include "app/runtimeenvironment.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "storage/trainerlock.h"

#include <QElapsedTimer>

#include <algorithm>
#include <exception>
#include <utility>

namespace activelabel {

TrainingWorker::TrainingWorker(const Project &project, std::atomic<bool> &cancel)
    : m_project(project), m_cancel(cancel)
{
}

TrainingWorker::~TrainingWorker()
{
    // Under each mailbox's lock, after the UI thread's last use of it (see lastHandOver).
    m_jobs.clear();
    m_pendingQueue.clear();
    m_summaries.clear();
    m_snapshots.clear();
    m_exports.clear();
    m_progress.clear();
    m_embeddings.clear();
}

void TrainingWorker::ensureOpen()
{
    if (m_service)
        return;
    lowerThisThreadsCpuPriority(kWorkerNiceIncrement); // first call on the worker thread, before any torch work
    m_db = m_project.openConnection();
    m_trainer = std::make_unique<TrainerLock>(*m_db);
    m_service = std::make_unique<ModelService>(m_project, *m_db);
    m_live = m_service->loadLive(); // the one checkpoint read of the session (plus rollbacks)
    if (m_live.version)
        handOverPoolEmbeddings(); // the last session's, for look-alikes before the first round
}

void TrainingWorker::handOverPoolEmbeddings()
{
    std::shared_ptr<const PoolEmbeddings> embeddings;
    try {
        embeddings = m_service->poolEmbeddings();
    } catch (const std::exception &e) {
        Q_EMIT failed(tr("Could not read the pool's embeddings: %1").arg(QString::fromUtf8(e.what())));
        return;
    }
    m_embeddings.post(std::move(embeddings));
    Q_EMIT poolEmbeddingsReady();
}

void TrainingWorker::requestTraining(const TrainRequest &request, const QueueRequest &queue)
{
    Job job;
    job.kind = Job::Kind::Train;
    job.train = request;
    job.queue = queue;
    post(std::move(job));
}

void TrainingWorker::requestQueue(const QueueRequest &queue)
{
    Job job;
    job.kind = Job::Kind::Queue;
    job.queue = queue;
    // Queue requests asked one after another before the worker gets to them build one queue.
    postReplacingNewestOfItsKind(std::move(job));
}

void TrainingWorker::requestRollback(qint64 modelVersion, const QueueRequest &queue)
{
    Job job;
    job.kind = Job::Kind::Rollback;
    job.modelVersion = modelVersion;
    job.queue = queue;
    post(std::move(job));
}

void TrainingWorker::requestFollow(const QueueRequest &queue)
{
    Job job;
    job.kind = Job::Kind::Follow;
    job.queue = queue;
    // A look asked for while one waits is the same look.
    postReplacingNewestOfItsKind(std::move(job));
}

void TrainingWorker::requestExport(const QString &path, ModelExportFormat format)
{
    Job job;
    job.kind = Job::Kind::Export;
    job.path = path;
    job.exportFormat = format;
    post(std::move(job));
}

void TrainingWorker::postReplacingNewestOfItsKind(Job job)
{
    const Job::Kind kind = job.kind;
    m_jobs.postOrReplaceNewest(
        std::move(job), [kind](const Job &newest) { return newest.kind == kind; },
        [this] { QMetaObject::invokeMethod(this, "runNextJob", Qt::QueuedConnection); });
}

void TrainingWorker::post(Job job)
{
    // By name, not by member pointer: the functor form allocates a slot object here for the
    // worker thread to read, the very hand-over the mailbox avoids.
    m_jobs.post(std::move(job), [this] { QMetaObject::invokeMethod(this, "runNextJob", Qt::QueuedConnection); });
}

void TrainingWorker::runNextJob()
{
    std::optional<Job> job = m_jobs.take();
    if (!job)
        return;
    switch (job->kind) {
    case Job::Kind::Train:
        train(job->train, job->queue);
        break;
    case Job::Kind::Queue:
        buildQueue(job->queue);
        break;
    case Job::Kind::Rollback:
        rollback(job->modelVersion, job->queue);
        break;
    case Job::Kind::Export:
        exportModel(job->path, job->exportFormat);
        break;
    case Job::Kind::Follow:
        follow(job->queue);
        break;
    }
    if (m_jobs.size() == 0)
        releaseFreedHeap(); // the session may sit idle for minutes: keep its memory flat
}

void TrainingWorker::train(const TrainRequest &request, const QueueRequest &queue)
{
    try {
        ensureOpen();
        if (!m_trainer->tryTake()) {
            // A team project's serve-trainer (or another window) trains it: this window follows.
            Q_EMIT failed(tr("Another computer is training this team project; its model versions reach this "
                             "window when it opens the project again."));
            return;
        }
        m_cancel = false;
        m_roundSemi = request.semi;
        Q_EMIT busy(request.semi ? tr("Training (semi-supervised)") : tr("Training"));
        m_pendingQueue.clear(); // this round ends with a fresh queue anyway
        m_reportPhase.reset();
        const TrainOutcome outcome = m_service->train(
            m_live, request,
            [this](const RoundProgress &p) {
                reportRoundProgress(p);
                // Between two steps or batches: the images' list is the round's (no refresh).
                const std::optional<QueueRequest> pending = m_pendingQueue.takeNewest();
                m_pendingQueue.clear();
                if (!pending)
                    return;
                try {
                    emitQueue(*pending, false, true);
                } catch (const std::exception &e) {
                    // The round goes on; the annotator waits for its queue instead.
                    Q_EMIT failed(tr("Could not build the queue: %1").arg(QString::fromUtf8(e.what())));
                }
            },
            &m_cancel);
        RoundSummary summary;
        summary.mode = outcome.round.modeUsed.toString();
        summary.modeReason = outcome.round.modeReason;
        summary.labels = int(outcome.labels);
        summary.steps = outcome.round.steps;
        summary.trainLoss = outcome.round.trainLoss;
        summary.heldOutAccuracy = outcome.round.heldOutAccuracy;
        summary.seconds = outcome.round.seconds;
        summary.cancelled = outcome.round.cancelled;
        summary.note = outcome.note;
        summary.imagesThroughBackbone = outcome.imagesThroughBackbone;
        summary.featuresFromDisk = outcome.featuresFromDisk;
        summary.pseudoLabelCandidates = outcome.round.pseudoLabelCandidates;
        summary.pseudoLabels = outcome.round.pseudoLabels;
        summary.pseudoMinClassThreshold = outcome.round.pseudoMinClassThreshold;
        if (outcome.test)
            summary.testAccuracy = outcome.test->accuracy;
        summary.modelVersion = outcome.modelVersion;
        finishRound(std::move(summary));
        if (outcome.modelVersion) {
            handOverPoolEmbeddings(); // the look-alike index is rebuilt while the queue is built
            buildQueue(queue);        // the live model is the new version: no checkpoint is read back
        }
    } catch (const std::exception &e) {
        Q_EMIT failed(tr("Training failed: %1").arg(QString::fromUtf8(e.what())));
    }
    Q_EMIT idle();
}

void TrainingWorker::reportRoundProgress(const RoundProgress &p)
{
    if (m_reportPhase != p.phase) {
        m_reportPhase = p.phase;
        m_lastProgressMs = -1;
        if (p.phase == RoundProgress::Phase::Training)
            // A semi-supervised round's steps include those on pseudo-labelled pool images.
            m_report.restart(m_roundSemi ? tr("Training on labels + pseudo-labels") : tr("Training"), tr("steps"));
        else
            m_report.restart(tr("Scoring images"), tr("images"));
    }
    m_report.update(double(p.done), double(p.total));
    // A few updates a second are all a status bar can show; more would only flood the UI thread.
    if (!m_progressClock.isValid())
        m_progressClock.start();
    const qint64 now = m_progressClock.elapsed();
    if (m_lastProgressMs >= 0 && now - m_lastProgressMs < 100 && p.done < p.total)
        return;
    m_lastProgressMs = now;
    ProgressUpdate update;
    update.text = m_report.text();
    if (p.phase == RoundProgress::Phase::Training)
        update.text += tr(", loss %1").arg(p.loss, 0, 'f', 3);
    update.value = int(p.done);
    update.maximum = int(p.total);
    // Through the mailbox, not as a signal argument: a QString made here and freed on the UI
    // thread would be ordered only by Qt's event queue, which ThreadSanitizer cannot see.
    m_progress.post(std::move(update));
    Q_EMIT progress();
}

std::optional<ProgressUpdate> TrainingWorker::takeProgress()
{
    std::vector<ProgressUpdate> all = m_progress.takeAll();
    if (all.empty())
        return std::nullopt;
    return std::move(all.back());
}

void TrainingWorker::requestQueueDuringRound(const QueueRequest &queue)
{
    m_pendingQueue.clear();
    m_pendingQueue.post(queue);
}

void TrainingWorker::buildQueue(const QueueRequest &queue)
{
    try {
        ensureOpen();
        Q_EMIT busy(tr("Building queue"));
        emitQueue(queue, true);
    } catch (const std::exception &e) {
        Q_EMIT failed(tr("Could not build the queue: %1").arg(QString::fromUtf8(e.what())));
    }
    Q_EMIT idle();
}

void TrainingWorker::emitQueue(const QueueRequest &queue, bool refreshImages, bool duringRound)
{
    if (refreshImages)
        m_service->images().refresh();
    QueueResult result;
    if (duringRound) {
        result = buildQueueFromStoredPredictions(*m_service, queue);
    } else {
        // Classes may have been renamed, reordered or merged since the last round: the queue's
        // predicted class positions must follow the project's class order.
        if (m_live.classifier && m_live.version)
            m_service->alignClasses(*m_live.classifier, *m_live.version);
        result = activelabel::buildQueue(*m_service, m_live.classifier.get(), queue);
    }
    QueueSnapshot snapshot;
    snapshot.entries = result.entries;
    if (result.storedPredictionsOf)
        snapshot.modelVersion = qint64(*result.storedPredictionsOf);
    else if (!duringRound && m_live.version)
        snapshot.modelVersion = qint64(*m_live.version);
    snapshot.coldStart = result.coldStart;
    snapshot.strategy = result.coldStart ? QStringLiteral("cold start")
                                         : QString::fromStdString(strategyName(result.strategyUsed));
    snapshot.remaining = qint64(result.poolUnlabelled);
    const ProjectImages &images = m_service->images();
    for (const QueueEntry &entry : snapshot.entries) {
        const long long index = images.indexOf(entry.imageId);
        if (index >= 0)
            snapshot.files.emplace(entry.imageId, m_project.resolve(images.record(std::size_t(index)).path));
    }
    m_snapshots.post(std::move(snapshot));
    Q_EMIT queueReady();
}

void TrainingWorker::finishRound(RoundSummary summary)
{
    m_summaries.post(std::move(summary));
    Q_EMIT roundFinished();
}

void TrainingWorker::rollback(qint64 modelVersion, const QueueRequest &queue)
{
    try {
        ensureOpen();
        Q_EMIT busy(tr("Rolling back"));
        QElapsedTimer timer;
        timer.start();
        m_service->rollbackTo(m_live, modelVersion);
        RoundSummary summary;
        summary.modelVersion = m_live.version;
        summary.mode = QStringLiteral("rollback to v%1").arg(modelVersion);
        summary.seconds = double(timer.elapsed()) / 1000.0;
        summary.note = tr("Rolled back to v%1: read its checkpoint and rescored %2 images in %3")
                           .arg(modelVersion)
                           .arg(m_service->images().size())
                           .arg(ProgressReport::formatDuration(summary.seconds));
        finishRound(std::move(summary));
        handOverPoolEmbeddings();
        buildQueue(queue);
        return;
    } catch (const std::exception &e) {
        Q_EMIT failed(tr("Rollback failed: %1").arg(QString::fromUtf8(e.what())));
        Q_EMIT idle();
    }
}

void TrainingWorker::follow(const QueueRequest &queue)
{
    try {
        ensureOpen();
        const std::optional<std::int64_t> before = m_live.version;
        QElapsedTimer timer;
        timer.start();
        const bool newer = m_service->followLatest(m_live);
        m_followFailing = false;
        if (!newer)
            return; // one small query: no busy/idle for it
        Q_EMIT busy(tr("Loading the team's new model"));
        RoundSummary summary;
        summary.modelVersion = m_live.version;
        summary.mode = QStringLiteral("from the team's trainer");
        summary.seconds = double(timer.elapsed()) / 1000.0;
        summary.note = before ? tr("Model v%1 from the team's trainer replaces v%2").arg(*m_live.version).arg(*before)
                              : tr("Model v%1 from the team's trainer").arg(*m_live.version);
        finishRound(std::move(summary));
        handOverPoolEmbeddings();
        buildQueue(queue);
    } catch (const std::exception &e) {
        // Asked every few seconds: one message per outage, not one per look.
        if (!m_followFailing)
            Q_EMIT failed(tr("Could not load the team's new model: %1").arg(QString::fromUtf8(e.what())));
        m_followFailing = true;
    }
}

void TrainingWorker::exportModel(const QString &path, ModelExportFormat format)
{
    ExportResult result;
    try {
        ensureOpen();
        Q_EMIT busy(tr("Exporting the model"));
        const std::int64_t version = m_service->exportModel(m_live, path, format);
        result.ok = true;
        result.message = tr("Exported model v%1 to %2 (+ .json sidecar)").arg(version).arg(path);
    } catch (const std::exception &e) {
        result.message = QString::fromUtf8(e.what());
    }
    m_exports.post(std::move(result));
    Q_EMIT exportFinished();
    Q_EMIT idle();
}

} // namespace activelabel
