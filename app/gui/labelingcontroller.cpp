#include "app/gui/labelingcontroller.h"

#include "app/gui/labelcommand.h"
#include "app/imageconversion.h"
#include "storage/imagerepository.h"
#include "storage/project.h"
#include "ui/labelingview.h"

#include <algorithm>

namespace activelabel {

namespace {
constexpr int kPrefetchDepth = 8;
// Shown images kept decoded for Backspace: what the decoded-image bound leaves after the current
// image and the prefetched ones.
constexpr int kRecentDecoded = LabelingController::kMaxDecodedImages - 1 - kPrefetchDepth;
static_assert(kRecentDecoded > 0);
constexpr int kStripLength = kPrefetchDepth; // every strip image is one already decoded
constexpr int kStripThumbnail = 64;
constexpr std::size_t kQueueLength = 200;
} // namespace

LabelingController::LabelingController(Project &project, LabelingView *view, QObject *parent)
    : QObject(parent), m_project(project), m_view(view), m_leases(project.isOnServer()),
      m_imageCache(project.imageCache())
{
    m_writer = new LabelWriter(project);
    m_writer->moveToThread(&m_writerThread);
    connect(&m_writerThread, &QThread::finished, m_writer, &QObject::deleteLater);
    connect(m_writer, &LabelWriter::saved, this, &LabelingController::onSaved);
    connect(m_writer, &LabelWriter::failed, this, &LabelingController::onFailed);
    connect(m_writer, &LabelWriter::pageSaved, this, &LabelingController::onPageSaved);
    connect(m_writer, &LabelWriter::pageFailed, this, &LabelingController::onPageFailed);
    connect(m_writer, &LabelWriter::unlabelledCounted, this, [this](qint64 unlabelled) {
        m_unlabelled = unlabelled;
        m_view->showRemaining(int(unlabelled));
    });
    connect(m_writer, &LabelWriter::flagFailed, this, [this](qint64 imageId, const QString &reason) {
        Q_EMIT error(tr("Flag not saved"), tr("Image #%1 could not be flagged: %2").arg(imageId).arg(reason));
    });
    connect(m_writer, &LabelWriter::claimed, this, &LabelingController::onClaimed);
    m_writerThread.setObjectName(QStringLiteral("label-writer"));
    m_writerThread.start();

    m_worker = new TrainingWorker(project, m_cancel);
    m_worker->moveToThread(&m_workerThread);
    connect(&m_workerThread, &QThread::finished, m_worker, &QObject::deleteLater);
    // Results wait in the worker's mailbox; each signal announces one.
    connect(m_worker, &TrainingWorker::queueReady, this, [this] {
        if (const auto snapshot = m_worker->takeQueueSnapshot())
            onQueueReady(*snapshot);
    });
    connect(m_worker, &TrainingWorker::roundFinished, this, [this] {
        if (const auto summary = m_worker->takeRoundSummary())
            onRoundFinished(*summary);
    });
    connect(m_worker, &TrainingWorker::busy, this, [this](const QString &what) {
        m_workerBusy = true;
        Q_EMIT busy(what + QStringLiteral("…"), 0, 0);
    });
    connect(m_worker, &TrainingWorker::progress, this, [this] {
        if (const auto update = m_worker->takeProgress())
            Q_EMIT busy(update->text, update->value, update->maximum);
    });
    connect(m_worker, &TrainingWorker::exportFinished, this, [this] {
        if (const auto result = m_worker->takeExportResult())
            Q_EMIT modelExported(result->ok, result->message);
    });
    connect(m_worker, &TrainingWorker::poolEmbeddingsReady, this, [this] {
        if (auto embeddings = m_worker->takePoolEmbeddings())
            m_lookalikes.rebuild(std::move(*embeddings));
    });
    connect(m_worker, &TrainingWorker::failed, this, [this](const QString &text) { Q_EMIT error(tr("Model"), text); });
    connect(m_worker, &TrainingWorker::idle, this, [this] {
        m_workerBusy = false;
        Q_EMIT idle(QString());
        if (m_trainAgain) {
            m_trainAgain = false;
            trainNow();
        }
    });
    m_workerThread.setObjectName(QStringLiteral("training"));
    m_workerThread.start(QThread::LowPriority);

    // Decoding full-size images for the view: one thread is plenty for a few images ahead.
    m_decoders.setMaxThreadCount(1);
    // Each step holds little, but a session of thousands of labels would keep them all.
    m_undo.setUndoLimit(kHistoryLength);

    connect(view, &LabelingView::labelRequested, this, [this](int position) { label(position); });
    connect(view, &LabelingView::acceptPredictionRequested, this, &LabelingController::acceptPrediction);
    connect(view, &LabelingView::skipRequested, this, &LabelingController::skip);
    connect(view, &LabelingView::unsureRequested, this, &LabelingController::markUnsure);
    connect(view, &LabelingView::badImageRequested, this, &LabelingController::markBad);
    connect(view, &LabelingView::previousRequested, this, &LabelingController::previous);
    view->setQueueModel(&m_strip);
}

LabelingController::~LabelingController()
{
    m_writer->lastHandOver(); // before the writer, deleted on its thread, takes its slot objects
    m_worker->lastHandOver(); // likewise for the training worker
    // Stop training between batches, let the writer finish its queue (no label is dropped), and
    // only then let the project go.
    m_cancel = true;
    m_workerThread.quit();
    m_workerThread.wait();
    m_writerThread.quit();
    m_writerThread.wait();
    m_decoders.clear();
    m_decoders.waitForDone();
    // waitForDone's synchronisation is inside Qt, which ThreadSanitizer cannot see; the decoder's
    // last access to this object is inside a mailbox's lock (decodeNext), so taking both here
    // orders that before the members go.
    m_decodeJobs.clear();
    m_decodedReady.clear();
}

void LabelingController::start()
{
    reloadClasses();
    m_writer->submitCount();
    refreshQueue();
}

void LabelingController::reloadClasses()
{
    m_classes = ClassRepository(m_project.database()).list();
    QList<ClassButtonInfo> buttons;
    for (const ClassInfo &info : m_classes)
        buttons.append({info.name, info.hotkey, QColor(info.colour)});
    m_view->setClasses(buttons);
}

void LabelingController::setTrainingSettings(const TrainingSettings &settings)
{
    const bool strategyChanged = settings.strategy != m_settings.strategy;
    m_settings = settings;
    if (strategyChanged)
        refreshQueue();
}

QueueRequest LabelingController::queueRequest() const
{
    QueueRequest request;
    request.strategy = parseStrategy(m_settings.strategy.toStdString()).value_or(kDefaultStrategy);
    request.count = kQueueLength;
    request.seed = std::uint64_t(m_labelsThisSession) * 7919u + std::uint64_t(m_modelVersion.value_or(0));
    // Images already in front of the annotator or waiting for their COMMIT are not asked again.
    if (m_current)
        request.excluded.insert(m_current->imageId);
    for (const QueueEntry &e : m_history)
        request.excluded.insert(e.imageId);
    return request;
}

TrainRequest LabelingController::trainRequest() const
{
    TrainRequest request;
    request.backbone = m_settings.backbone;
    request.mode = TransferMode::parse(m_settings.transfer).value_or(TransferMode::automatic());
    request.epochs = m_settings.epochs;
    request.semi = m_settings.semiSupervised;
    request.seed = std::uint64_t(m_modelVersion.value_or(0));
    return request;
}

void LabelingController::refreshQueue()
{
    if (m_workerBusy) {
        // A round (or a rebuild) is running and ends with a fresh queue; if the annotator runs out
        // before that, the worker builds one between two training steps.
        if (!m_queueAskedDuringRound) {
            m_queueAskedDuringRound = true;
            m_worker->requestQueueDuringRound(queueRequest());
        }
        return;
    }
    m_worker->requestQueue(queueRequest());
}

void LabelingController::trainNow()
{
    if (m_workerBusy) {
        m_trainAgain = true; // run once more when the current work ends
        return;
    }
    m_labelsSinceRound = 0;
    m_cancel = false;
    m_worker->requestTraining(trainRequest(), queueRequest());
}

void LabelingController::cancelTraining()
{
    m_trainAgain = false;
    m_cancel = true;
}

void LabelingController::exportModel(const QString &path, ModelExportFormat format)
{
    m_worker->requestExport(path, format); // the worker owns the model: no torch on this thread
}

void LabelingController::rollback(qint64 modelVersion)
{
    if (m_workerBusy) {
        Q_EMIT message(tr("Wait for the current round to finish (or cancel it) before rolling back."));
        return;
    }
    m_worker->requestRollback(modelVersion, queueRequest());
}

void LabelingController::onRoundFinished(const RoundSummary &summary)
{
    if (summary.cancelled) {
        Q_EMIT idle(tr("Round cancelled; the model is unchanged."));
        return;
    }
    if (!summary.modelVersion)
        return;
    if (!summary.note.isEmpty())
        Q_EMIT message(summary.note);
    m_modelVersion = summary.modelVersion;
    QString line = tr("Model v%1 · %2 · %3 labels").arg(*summary.modelVersion).arg(summary.mode).arg(summary.labels);
    if (summary.heldOutAccuracy >= 0)
        line += tr(" · held-out %1%").arg(summary.heldOutAccuracy * 100, 0, 'f', 1);
    if (summary.testAccuracy)
        line += tr(" · test %1%").arg(*summary.testAccuracy * 100, 0, 'f', 1);
    if (summary.pseudoLabelCandidates > 0) // derived for the round only, never labels
        line += tr(" · %1 pseudo-labels of %2 unlabelled (confidence ≥ %3)")
                    .arg(summary.pseudoLabels)
                    .arg(summary.pseudoLabelCandidates)
                    .arg(summary.pseudoMinClassThreshold, 0, 'f', 2);
    Q_EMIT message(line);
    Q_EMIT modelChanged();
}

void LabelingController::onQueueReady(const QueueSnapshot &snapshot)
{
    // The new order replaces what is left of the old queue, but the image in front of the
    // annotator stays where it is: re-ordering never pulls it away mid-decision.
    m_queueAskedDuringRound = false;
    m_modelVersion = snapshot.modelVersion;
    m_strategyShown = snapshot.strategy;
    m_remaining = snapshot.remaining;
    m_writer->submitCount(); // images may have been imported since the last count
    m_queue.clear();
    // A queue asked for earlier may hold images labelled or skipped since: leave those out.
    QSet<qint64> shown;
    for (const QueueEntry &entry : m_history)
        shown.insert(entry.imageId);
    if (m_current)
        shown.insert(m_current->imageId);
    // Images the model got wrong on a page come first, until shown; images labelled on a page
    // since the queue was asked for are left out.
    for (const QueueEntry &entry : m_promoted)
        if (!shown.contains(entry.imageId)) {
            m_queue.push_back(entry);
            shown.insert(entry.imageId);
        }
    for (const QueueEntry &entry : snapshot.entries)
        if (!shown.contains(entry.imageId) && !m_pageLabelled.contains(entry.imageId) && !m_leases.denied(entry.imageId))
            m_queue.push_back(entry);
    // The files of the new queue, plus those of images shown before it; the rest go, or the map
    // would grow with every queue of a long session.
    std::unordered_map<qint64, std::filesystem::path> files = snapshot.files;
    for (const qint64 id : shown)
        if (const auto known = m_files.find(id); known != m_files.end())
            files.insert(*known);
    m_files.swap(files);
    if (!m_current)
        advance();
    else
        updateStrip();
    prefetch();
}

void LabelingController::advance()
{
    m_current.reset();
    // A team project shows an image only once this window holds its lease: until the writer has
    // claimed the front of the queue, the view waits.
    if (m_leases.enabled() && !m_queue.empty() && !m_leases.granted(m_queue.front().imageId)) {
        claimAhead();
        updateStrip();
        if (m_leases.claiming()) {
            m_view->showEmpty(tr("Claiming the next images on the server…"));
            return;
        }
    }
    if (m_queue.empty()) {
        updateStrip();
        m_view->showEmpty(m_remaining > 0 ? tr("Choosing the next images…")
                                          : tr("Every pool image is labelled. Import more images, or review labels."));
        if (m_remaining > 0)
            refreshQueue();
        return;
    }
    m_current = m_queue.front();
    m_queue.pop_front();
    const qint64 shownId = m_current->imageId;
    m_promoted.erase(std::remove_if(m_promoted.begin(), m_promoted.end(),
                                    [shownId](const QueueEntry &e) { return e.imageId == shownId; }),
                     m_promoted.end());
    m_writer->submitQuery(m_current->imageId, m_strategyShown, m_current->score, m_modelVersion.value_or(-1),
                          m_current->audit, predictedClassId(*m_current));
    showCurrent();
    updateStrip();
    prefetch();
    claimAhead();
    if (m_queue.size() < kQueueLowWater)
        refreshQueue();
}

void LabelingController::showCurrent()
{
    if (!m_current)
        return;
    CurrentItem item;
    item.imageId = m_current->imageId;
    item.remaining = int(m_unlabelled.value_or(m_remaining));
    item.strategy = m_strategyShown;
    item.score = m_current->score;
    if (m_current->predictedClass >= 0 && std::size_t(m_current->predictedClass) < m_classes.size()) {
        item.predictedClass = m_classes[std::size_t(m_current->predictedClass)].name;
        item.confidence = m_current->confidence;
    }
    const auto decoded = m_decoded.constFind(m_current->imageId);
    if (decoded != m_decoded.constEnd()) {
        item.image = *decoded;
        m_view->showItem(item);
    } else {
        // Not prefetched yet (first image, or the annotator outran the decoder): show the text
        // now and the pixels the moment they are decoded.
        m_view->showItem(item);
        m_view->showEmpty(tr("Loading image #%1…").arg(m_current->imageId));
        decodeAsync(m_current->imageId);
    }
}

void LabelingController::prefetch()
{
    int ahead = 0;
    for (const QueueEntry &entry : m_queue) {
        if (ahead++ >= kPrefetchDepth)
            break;
        if (!m_decoded.contains(entry.imageId))
            decodeAsync(entry.imageId);
    }
    dropStaleDecoded();
}

void LabelingController::dropStaleDecoded()
{
    // Kept: the current image, the next kPrefetchDepth and the kRecentDecoded last shown. An
    // image further back is decoded again if Backspace reaches it.
    QSet<qint64> keep;
    if (m_current)
        keep.insert(m_current->imageId);
    int n = 0;
    for (const QueueEntry &entry : m_queue) {
        if (n++ >= kPrefetchDepth)
            break;
        keep.insert(entry.imageId);
    }
    n = 0;
    for (auto it = m_history.rbegin(); it != m_history.rend() && n < kRecentDecoded; ++it, ++n)
        keep.insert(it->imageId);
    for (auto it = m_decoded.begin(); it != m_decoded.end();)
        it = keep.contains(it.key()) ? std::next(it) : m_decoded.erase(it);
}

void LabelingController::remember(const QueueEntry &shown)
{
    m_history.push_back(shown);
    if (m_history.size() > std::size_t(kHistoryLength))
        m_history.pop_front();
}

void LabelingController::decodeAsync(qint64 imageId)
{
    if (m_decoding.contains(imageId))
        return;
    // The worker resolved every queue image's file; only an image put back after a failed
    // COMMIT can be missing, and that rare path may read the database here.
    std::filesystem::path file;
    if (const auto known = m_files.find(imageId); known != m_files.end()) {
        file = known->second;
    } else {
        const auto record = ImageRepository(m_project.database()).get(imageId);
        if (!record)
            return;
        file = m_project.resolve(record->path);
        m_files.emplace(imageId, file);
    }
    m_decoding.insert(imageId);
    // One runnable per image, each decoding the oldest job: the file crosses in a mailbox, not as
    // a capture of the runnable (app/mailbox.h says why).
    m_decodeJobs.post({imageId, std::move(file)});
    m_decoders.start([this] { decodeNext(); });
}

void LabelingController::decodeNext()
{
    const auto job = m_decodeJobs.take();
    if (!job)
        return;
    QImage image = decodeForDisplay(job->second, nullptr, m_imageCache.get());
    // By name: the member-pointer form would allocate a slot object here for the UI thread to
    // read. A call still queued when the controller is destroyed is discarded with it.
    m_decodedReady.post({job->first, std::move(image)}, [this] {
        QMetaObject::invokeMethod(this, "takeDecoded", Qt::QueuedConnection);
    });
}

void LabelingController::takeDecoded()
{
    for (const auto &[imageId, image] : m_decodedReady.takeAll())
        imageDecoded(imageId, image);
}

void LabelingController::imageDecoded(qint64 imageId, const QImage &image)
{
    m_decoding.remove(imageId);
    m_decoded.insert(imageId, image);
    if (m_current && m_current->imageId == imageId)
        showCurrent();
    updateStrip();
    dropStaleDecoded(); // e.g. an image the annotator has gone past (or back from) meanwhile
}

void LabelingController::updateStrip()
{
    m_strip.clear();
    int n = 0;
    for (const QueueEntry &entry : m_queue) {
        if (n++ >= kStripLength)
            break;
        auto *item = new QStandardItem(QStringLiteral("#%1").arg(entry.imageId));
        const auto decoded = m_decoded.constFind(entry.imageId);
        if (decoded != m_decoded.constEnd()) {
            const bool tiny = decoded->width() < kStripThumbnail && decoded->height() < kStripThumbnail;
            item->setData(decoded->scaled(kStripThumbnail, kStripThumbnail, Qt::KeepAspectRatio,
                                          tiny ? Qt::FastTransformation : Qt::SmoothTransformation),
                          Qt::DecorationRole);
        } else {
            QImage placeholder(kStripThumbnail, kStripThumbnail, QImage::Format_RGB32);
            placeholder.fill(QColor(0xe6, 0xe9, 0xed));
            item->setData(placeholder, Qt::DecorationRole);
        }
        item->setEditable(false);
        m_strip.appendRow(item);
    }
}

qint64 LabelingController::submit(LabelOperation operation)
{
    operation.ticket = m_nextTicket++;
    if (operation.annotator.isEmpty())
        operation.annotator = qEnvironmentVariable("USER", QStringLiteral("annotator"));
    if (operation.kind == LabelOperation::Kind::SetPage || operation.kind == LabelOperation::Kind::UndoPage) {
        const bool undo = operation.kind == LabelOperation::Kind::UndoPage;
        m_pendingPages.insert(operation.ticket, PendingPage{undo, operation.imageIds});
        for (const qint64 id : operation.imageIds) {
            if (undo)
                m_pageLabelled.remove(id); // unlabelled again: the queue may ask for it
            else
                m_pageLabelled.insert(id);
        }
        if (!undo)
            forgetQueued(operation.imageIds);
        m_writer->submit(operation);
        return operation.ticket;
    }
    m_pendingClass.insert(operation.ticket,
                          operation.kind == LabelOperation::Kind::Undo ? tr("undo") : className(operation.classId));
    m_view->showSaveState(operation.imageId, m_pendingClass.value(operation.ticket), tr("saving…"), false);
    m_writer->submit(operation);
    return operation.ticket;
}

qint64 LabelingController::predictedClassId(const QueueEntry &entry) const
{
    if (entry.predictedClass < 0 || std::size_t(entry.predictedClass) >= m_classes.size())
        return -1;
    return m_classes[std::size_t(entry.predictedClass)].id;
}

QString LabelingController::className(qint64 classId) const
{
    for (const ClassInfo &info : m_classes)
        if (info.id == classId)
            return info.name;
    return QStringLiteral("?");
}

void LabelingController::label(int classPosition, const QString &source)
{
    if (!m_current || classPosition < 0 || std::size_t(classPosition) >= m_classes.size())
        return;
    const QueueEntry labelled = *m_current;
    m_undo.push(new LabelCommand(this, labelled.imageId, m_classes[std::size_t(classPosition)].id, source,
                                 m_classes[std::size_t(classPosition)].name));
    remember(labelled);
    m_leases.forget(labelled.imageId); // the writer ends the lease with the label
    ++m_labelsSinceRound;
    ++m_labelsThisSession;
    advance();
    if (m_settings.retrainEvery > 0 && m_labelsSinceRound >= m_settings.retrainEvery && !m_workerBusy)
        trainNow();
}

void LabelingController::relabel(qint64 imageId, int classPosition)
{
    if (classPosition < 0 || std::size_t(classPosition) >= m_classes.size())
        return;
    m_undo.push(new LabelCommand(this, imageId, m_classes[std::size_t(classPosition)].id, QStringLiteral("human"),
                                 m_classes[std::size_t(classPosition)].name));
}

void LabelingController::acceptPrediction()
{
    if (!m_current)
        return;
    if (m_current->predictedClass < 0) {
        Q_EMIT message(tr("There is no prediction to accept yet: press a class key."));
        return;
    }
    label(m_current->predictedClass, QStringLiteral("accepted"));
}

void LabelingController::skip()
{
    if (!m_current)
        return;
    remember(*m_current);
    if (m_leases.granted(m_current->imageId) && m_leases.enabled()) {
        m_writer->submitRelease(m_current->imageId); // another annotator may take it
        m_leases.forget(m_current->imageId);
    }
    advance();
}

void LabelingController::markUnsure()
{
    if (!m_current)
        return;
    m_writer->submitFlag(m_current->imageId, QStringLiteral("unsure"));
    Q_EMIT message(tr("Image #%1 marked unsure: it is kept for review.").arg(m_current->imageId));
    skip();
}

void LabelingController::markBad()
{
    if (!m_current)
        return;
    m_writer->submitFlag(m_current->imageId, QStringLiteral("bad"));
    Q_EMIT message(tr("Image #%1 marked as a bad image: excluded from the pool.").arg(m_current->imageId));
    skip();
}

void LabelingController::previous()
{
    if (m_history.empty())
        return;
    if (m_current)
        m_queue.push_front(*m_current);
    m_current = m_history.back();
    m_history.pop_back();
    showCurrent();
    updateStrip();
    dropStaleDecoded();
}

void LabelingController::onSaved(qint64 ticket, qint64 imageId)
{
    m_view->showSaveState(imageId, m_pendingClass.take(ticket), tr("saved ✓"), false);
    Q_EMIT labelsChanged();
}

void LabelingController::onFailed(qint64 ticket, qint64 imageId, const QString &reason)
{
    m_view->showSaveState(imageId, m_pendingClass.take(ticket), tr("NOT saved: %1").arg(reason), true);
    Q_EMIT error(tr("Label not saved"),
                 tr("The label for image #%1 could not be saved:\n%2\n\nThe image is back in the queue.")
                     .arg(imageId)
                     .arg(reason));
    // Put it back in front of the annotator so nothing is silently lost.
    QueueEntry entry;
    entry.imageId = imageId;
    if (m_current)
        m_queue.push_front(*m_current);
    m_current = entry;
    showCurrent();
    updateStrip();
}

} // namespace activelabel
