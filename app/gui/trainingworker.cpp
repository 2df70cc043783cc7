#include "app/gui/trainingworker.h"

#include "app/projectimages.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <exception>

namespace activelabel {

TrainingWorker::TrainingWorker(const Project &project, std::atomic<bool> &cancel)
    : m_project(project), m_cancel(cancel)
{
}

TrainingWorker::~TrainingWorker() = default;

void TrainingWorker::ensureOpen()
{
    if (m_service)
        return;
    m_db = m_project.openConnection();
    m_service = std::make_unique<ModelService>(m_project, *m_db);
    std::optional<std::int64_t> version;
    m_classifier = m_service->loadLatest(&version);
    if (version)
        m_version = *version;
}

void TrainingWorker::train(const TrainRequest &request, const QueueRequest &queue)
{
    try {
        ensureOpen();
        m_cancel = false;
        Q_EMIT busy(tr("Training"));
        const TrainOutcome outcome =
            m_service->train(request, [this](int step, int total, double loss) { Q_EMIT progress(step, total, loss); },
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
        Q_EMIT roundFinished(summary);
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

void TrainingWorker::buildQueue(const QueueRequest &queue)
{
    try {
        ensureOpen();
        Q_EMIT busy(tr("Building queue"));
        m_service->images().refresh();
        const QueueResult result = activelabel::buildQueue(*m_service, m_classifier.get(), queue);
        QueueSnapshot snapshot;
        snapshot.entries = result.entries;
        snapshot.modelVersion = m_version;
        snapshot.coldStart = result.coldStart;
        snapshot.strategy = result.coldStart ? QStringLiteral("cold start")
                                             : QString::fromStdString(strategyName(queue.strategy));
        snapshot.remaining = qint64(result.poolUnlabelled);
        Q_EMIT queueReady(snapshot);
    } catch (const std::exception &e) {
        Q_EMIT failed(tr("Could not build the queue: %1").arg(QString::fromUtf8(e.what())));
    }
    Q_EMIT idle();
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
        Q_EMIT roundFinished(summary);
        buildQueue(queue);
        return;
    } catch (const std::exception &e) {
        Q_EMIT failed(tr("Rollback failed: %1").arg(QString::fromUtf8(e.what())));
        Q_EMIT idle();
    }
}

} // namespace activelabel
