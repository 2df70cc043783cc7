#include "app/gui/labelwriter.h"

#include "storage/imageflagrepository.h"
#include "storage/imagerepository.h"
#include "storage/labelrepository.h"
#include "storage/leaserepository.h"
#include "storage/project.h"
#include "storage/queryrepository.h"
#include "storage/sqlitedatabase.h"

#include <atomic>
#include <exception>
#include <utility>

namespace activelabel {

LabelWriter::LabelWriter(const Project &project) : m_project(project) {}

LabelWriter::~LabelWriter()
{
    // On the writer thread, with its connection: the images this window held go back at once
    // rather than when their leases expire.
    if (m_leases) {
        try {
            m_leases->releaseAll();
        } catch (const std::exception &) {
            // The server is gone: the leases expire by themselves.
        }
    }
    m_claims.clear();
    // Takes the mailbox's lock: orders the UI thread's last post() before the jobs left go.
    m_jobs.clear();
}

void LabelWriter::submit(const LabelOperation &operation)
{
    post([this, operation] { apply(operation); });
}

void LabelWriter::submitQuery(qint64 imageId, const QString &strategy, double score, qint64 modelVersion,
                              bool audit, qint64 predictedClassId)
{
    post([this, imageId, strategy, score, modelVersion, audit, predictedClassId] {
        recordQuery(imageId, strategy, score, modelVersion, audit, predictedClassId);
    });
}

void LabelWriter::submitFlag(qint64 imageId, const QString &flag)
{
    post([this, imageId, flag] { this->flag(imageId, flag); });
}

void LabelWriter::submitCount()
{
    post([this] { m_countOwed = true; });
}

void LabelWriter::submitClaim(const std::vector<qint64> &imageIds)
{
    post([this, imageIds] {
        LeaseClaim claim;
        claim.asked = imageIds;
        try {
            const std::vector<std::int64_t> ids(imageIds.begin(), imageIds.end());
            for (const std::int64_t id : leases().claimIds(ids, kLeaseMs))
                claim.granted.push_back(id);
        } catch (const std::exception &e) {
            claim.granted = imageIds;
            claim.error = QString::fromUtf8(e.what());
        }
        m_claims.post(std::move(claim));
        Q_EMIT claimed();
    });
}

void LabelWriter::submitRelease(qint64 imageId)
{
    post([this, imageId] {
        try {
            leases().release(imageId);
        } catch (const std::exception &) {
            // It expires by itself.
        }
    });
}

LeaseRepository &LabelWriter::leases()
{
    if (!m_leases) {
        // One holder per window: two windows of one person on one machine are two clients.
        static std::atomic<int> windows{0};
        const QString annotator = qEnvironmentVariable("USER", QStringLiteral("annotator"));
        m_leases = std::make_unique<LeaseRepository>(
            db(), LeaseRepository::holderFor(annotator) + "#" + std::to_string(++windows), annotator);
    }
    return *m_leases;
}

void LabelWriter::lastHandOver()
{
    m_jobs.post([] {}); // nothing to run: the lock is the point (no wake-up needed)
}

void LabelWriter::post(std::function<void()> job)
{
    // By name: the member-pointer form would allocate a slot object here for the writer to read.
    m_jobs.post(std::move(job),
                [this] { QMetaObject::invokeMethod(this, "runNextJob", Qt::QueuedConnection); });
}

void LabelWriter::runNextJob()
{
    if (const auto job = m_jobs.take())
        (*job)();
    // Counted when nothing else waits: a burst of labels costs one count, and each count comes
    // after every change before it, so the last one the UI receives is the current number.
    if (m_countOwed && m_jobs.size() == 0) {
        m_countOwed = false;
        countUnlabelled();
    }
}

void LabelWriter::countUnlabelled()
{
    try {
        Q_EMIT unlabelledCounted(ImageRepository(db()).counts().unlabelledPool);
    } catch (const std::exception &) {
        // A count is only shown; a storage problem surfaces with the next label's COMMIT.
    }
}

Database &LabelWriter::db()
{
    // Opened lazily so that it is opened on the writer thread, the only one that uses it.
    if (!m_db)
        m_db = m_project.openConnection();
    return *m_db;
}

void LabelWriter::apply(const LabelOperation &operation)
{
    if (operation.kind == LabelOperation::Kind::SetPage || operation.kind == LabelOperation::Kind::UndoPage) {
        applyPage(operation);
        return;
    }
    try {
        LabelRepository labels(db());
        switch (operation.kind) {
        case LabelOperation::Kind::Set: {
            const auto source = parseLabelSource(operation.source.toStdString());
            if (!source)
                throw std::runtime_error("unknown label source " + operation.source.toStdString());
            labels.setLabel(operation.imageId, operation.classId, *source, operation.annotator);
            if (m_project.isOnServer()) {
                try {
                    leases().release(operation.imageId); // labelled: the lease has done its work
                } catch (const std::exception &) {
                    // Saved is saved; the lease expires by itself.
                }
            }
            break;
        }
        case LabelOperation::Kind::Undo:
            if (!labels.undoLast(operation.imageId, operation.annotator))
                throw std::runtime_error("nothing to undo for this image");
            break;
        case LabelOperation::Kind::SetPage:
        case LabelOperation::Kind::UndoPage:
            break; // applyPage
        }
        m_countOwed = true;
        Q_EMIT saved(operation.ticket, operation.imageId);
    } catch (const std::exception &e) {
        Q_EMIT failed(operation.ticket, operation.imageId, QString::fromUtf8(e.what()));
    }
}

void LabelWriter::applyPage(const LabelOperation &operation)
{
    try {
        LabelRepository labels(db());
        const std::vector<std::int64_t> ids(operation.imageIds.begin(), operation.imageIds.end());
        if (operation.kind == LabelOperation::Kind::SetPage) {
            const auto source = parseLabelSource(operation.source.toStdString());
            if (!source)
                throw std::runtime_error("unknown label source " + operation.source.toStdString());
            labels.setLabels(ids, operation.classId, *source, operation.annotator);
        } else {
            labels.undoLastOfEach(ids, operation.annotator);
        }
        m_countOwed = true;
        Q_EMIT pageSaved(operation.ticket, int(ids.size()));
    } catch (const std::exception &e) {
        Q_EMIT pageFailed(operation.ticket, QString::fromUtf8(e.what()));
    }
}

void LabelWriter::recordQuery(qint64 imageId, const QString &strategy, double score,
                              qint64 modelVersion, bool audit, qint64 predictedClassId)
{
    try {
        QueryRecord record;
        record.imageId = imageId;
        record.strategy = strategy;
        record.score = score;
        if (modelVersion >= 0)
            record.modelVersion = modelVersion;
        record.audit = audit;
        if (predictedClassId >= 0)
            record.predictedClassId = predictedClassId;
        QueryRepository(db()).record(record);
    } catch (const std::exception &) {
        // Why an image was asked is bookkeeping: a failure here must not disturb labelling. The
        // next label commit will surface a real storage problem (disk full, …) to the user.
    }
}

} // namespace activelabel

namespace activelabel {

void LabelWriter::flag(qint64 imageId, const QString &flag)
{
    try {
        const auto parsed = parseImageFlag(flag);
        if (!parsed)
            throw std::runtime_error("unknown flag " + flag.toStdString());
        ImageFlagRepository(db()).set(imageId, *parsed, qEnvironmentVariable("USER"));
    } catch (const std::exception &e) {
        Q_EMIT flagFailed(imageId, QString::fromUtf8(e.what()));
    }
}

} // namespace activelabel
