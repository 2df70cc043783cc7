#include "app/gui/trainingworker.h"

#include "app/projectimages.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <algorithm>
#include <exception>
#include <utility>

#ifdef __linux__
#include <cerrno>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace activelabel {

TrainingWorker::TrainingWorker(const Project &project, std::atomic<bool> &cancel)
    : m_project(project), m_cancel(cancel)
{
}

TrainingWorker::~TrainingWorker()
{
    // Requests and results left when the thread stopped go with the worker, after the UI
    // thread's last look at them: the lock makes that order visible to ThreadSanitizer (the
    // thread's own end is inside Qt).
    std::lock_guard lock(m_mailboxMutex);
    m_jobs.clear();
    m_summaries.clear();
    m_snapshots.clear();
}

namespace {

// The oldest item of a result queue, taken under its mutex; nullopt when it is empty.
template <typename T>
std::optional<T> takeOldest(std::mutex &mutex, std::deque<T> &queue)
{
    std::lock_guard lock(mutex);
    if (queue.empty())
        return std::nullopt;
    std::optional<T> oldest(std::move(queue.front()));
    queue.pop_front();
    return oldest;
}

// Training, rescoring and queue building are background work: on a busy machine they must not
// take CPU time from the UI thread, or the next image misses its frame. Linux nice values are
// per thread, and the OpenMP threads torch starts from this thread inherit it (libgomp keeps a
// team per calling thread), so one call here covers all of the worker's compute. Qt's
// QThread::LowPriority cannot express this: SCHED_OTHER has a single static priority.
void lowerThisThreadsCpuPriority()
{
#ifdef __linux__
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    errno = 0;
    const int current = ::getpriority(PRIO_PROCESS, tid);
    if (errno == 0)
        ::setpriority(PRIO_PROCESS, tid, std::min(19, current + kWorkerNiceIncrement));
#endif
}

} // namespace

void TrainingWorker::ensureOpen()
{
    if (m_service)
        return;
    lowerThisThreadsCpuPriority(); // first call on the worker thread, before any torch work
    m_db = m_project.openConnection();
    m_service = std::make_unique<ModelService>(m_project, *m_db);
    std::optional<std::int64_t> version;
    m_classifier = m_service->loadLatest(&version);
    if (version)
        m_version = *version;
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
    {
        std::lock_guard lock(m_mailboxMutex);
        if (!m_jobs.empty() && m_jobs.back().kind == Job::Kind::Queue) {
            m_jobs.back().queue = queue; // its call is already queued
            return;
        }
    }
    Job job;
    job.kind = Job::Kind::Queue;
    job.queue = queue;
    post(std::move(job));
}

void TrainingWorker::requestRollback(qint64 modelVersion, const QueueRequest &queue)
{
    Job job;
    job.kind = Job::Kind::Rollback;
    job.modelVersion = modelVersion;
    job.queue = queue;
    post(std::move(job));
}

void TrainingWorker::post(Job job)
{
    // The call is queued under the lock too, so that everything the UI thread does to this object
    // happens before the worker's next lock (ThreadSanitizer sees no other order between them).
    // By name, not by member pointer: the functor form allocates a slot object here for the
    // worker thread to read, the very hand-over this mailbox avoids.
    std::lock_guard lock(m_mailboxMutex);
    m_jobs.push_back(std::move(job));
    QMetaObject::invokeMethod(this, "runNextJob", Qt::QueuedConnection);
}

void TrainingWorker::runNextJob()
{
    Job job;
    {
        std::lock_guard lock(m_mailboxMutex);
        if (m_jobs.empty())
            return;
        job = std::move(m_jobs.front());
        m_jobs.pop_front();
    }
    switch (job.kind) {
    case Job::Kind::Train:
        train(job.train, job.queue);
        break;
    case Job::Kind::Queue:
        buildQueue(job.queue);
        break;
    case Job::Kind::Rollback:
        rollback(job.modelVersion, job.queue);
        break;
    }
}

void TrainingWorker::train(const TrainRequest &request, const QueueRequest &queue)
{
    try {
        ensureOpen();
        m_cancel = false;
        Q_EMIT busy(tr("Training"));
        {
            std::lock_guard lock(m_mailboxMutex);
            m_pendingQueue.reset(); // this round ends with a fresh queue anyway
        }
        const TrainOutcome outcome = m_service->train(
            request,
            [this](int step, int total, double loss) {
                Q_EMIT progress(step, total, loss);
                std::optional<QueueRequest> pending;
                {
                    std::lock_guard lock(m_mailboxMutex);
                    pending.swap(m_pendingQueue);
                }
                // Between two steps: the images' list is the round's, so it is not refreshed.
                if (!pending)
                    return;
                try {
                    emitQueue(*pending, false);
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
        if (outcome.test)
            summary.testAccuracy = outcome.test->accuracy;
        summary.modelVersion = outcome.modelVersion;
        finishRound(std::move(summary));
        if (outcome.modelVersion) {
            // The service saved and rescored the new version; load it as the queue's model.
            m_classifier = m_service->loadLatest();
            m_version = *outcome.modelVersion;
            buildQueue(queue);
        }
    } catch (const std::exception &e) {
        Q_EMIT failed(tr("Training failed: %1").arg(QString::fromUtf8(e.what())));
    }
    Q_EMIT idle();
}

void TrainingWorker::requestQueueDuringRound(const QueueRequest &queue)
{
    std::lock_guard lock(m_mailboxMutex);
    m_pendingQueue = queue;
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

void TrainingWorker::emitQueue(const QueueRequest &queue, bool refreshImages)
{
    if (refreshImages)
        m_service->images().refresh();
    // Classes may have been renamed, reordered or merged since the model was loaded: the
    // queue's predicted class positions must follow the project's class order.
    if (m_classifier && m_version)
        m_service->alignClasses(*m_classifier, *m_version);
    const QueueResult result = activelabel::buildQueue(*m_service, m_classifier.get(), queue);
    QueueSnapshot snapshot;
    snapshot.entries = result.entries;
    snapshot.modelVersion = m_version;
    snapshot.coldStart = result.coldStart;
    snapshot.strategy = result.coldStart ? QStringLiteral("cold start")
                                         : QString::fromStdString(strategyName(queue.strategy));
    snapshot.remaining = qint64(result.poolUnlabelled);
    const ProjectImages &images = m_service->images();
    for (const QueueEntry &entry : snapshot.entries) {
        const long long index = images.indexOf(entry.imageId);
        if (index >= 0)
            snapshot.files.emplace(entry.imageId, m_project.resolve(images.record(std::size_t(index)).path));
    }
    {
        std::lock_guard lock(m_mailboxMutex);
        m_snapshots.push_back(std::move(snapshot));
    }
    Q_EMIT queueReady();
}

void TrainingWorker::finishRound(RoundSummary summary)
{
    {
        std::lock_guard lock(m_mailboxMutex);
        m_summaries.push_back(std::move(summary));
    }
    Q_EMIT roundFinished();
}

std::optional<RoundSummary> TrainingWorker::takeRoundSummary()
{
    return takeOldest(m_mailboxMutex, m_summaries);
}

std::optional<QueueSnapshot> TrainingWorker::takeQueueSnapshot()
{
    return takeOldest(m_mailboxMutex, m_snapshots);
}

void TrainingWorker::rollback(qint64 modelVersion, const QueueRequest &queue)
{
    try {
        ensureOpen();
        Q_EMIT busy(tr("Rolling back"));
        m_service->rollbackTo(modelVersion);
        std::optional<std::int64_t> version;
        m_classifier = m_service->loadLatest(&version);
        m_version = version ? std::optional<qint64>(*version) : std::nullopt;
        RoundSummary summary;
        summary.modelVersion = m_version;
        summary.mode = QStringLiteral("rollback to v%1").arg(modelVersion);
        finishRound(std::move(summary));
        buildQueue(queue);
        return;
    } catch (const std::exception &e) {
        Q_EMIT failed(tr("Rollback failed: %1").arg(QString::fromUtf8(e.what())));
        Q_EMIT idle();
    }
}

} // namespace activelabel
