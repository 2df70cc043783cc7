// The labelling controller's side of the pages that label many images at once (bulk review,
// look-alikes, the map's selection): one undoable write per page, and the queue kept in step.
#include "app/gui/labelingcontroller.h"

#include "app/gui/pagelabelcommand.h"

#include <algorithm>

namespace activelabel {

qint64 LabelingController::acceptPage(const QList<qint64> &imageIds, int classPosition)
{
    if (imageIds.isEmpty() || classPosition < 0 || std::size_t(classPosition) >= m_classes.size())
        return 0;
    const ClassInfo &cls = m_classes[std::size_t(classPosition)];
    auto *command = new PageLabelCommand(this, std::vector<qint64>(imageIds.begin(), imageIds.end()), cls.id, cls.name);
    m_undo.push(command); // runs redo(): the page goes to the writer
    const qint64 ticket = command->ticket();
    m_labelsSinceRound += int(imageIds.size());
    m_labelsThisSession += imageIds.size();
    if (m_settings.retrainEvery > 0 && m_labelsSinceRound >= m_settings.retrainEvery && !m_workerBusy)
        trainNow();
    return ticket;
}

void LabelingController::forgetQueued(const std::vector<qint64> &imageIds)
{
    const QSet<qint64> ids(imageIds.begin(), imageIds.end());
    const auto labelled = [&ids](const QueueEntry &e) { return ids.contains(e.imageId); };
    const std::size_t before = m_queue.size();
    m_queue.erase(std::remove_if(m_queue.begin(), m_queue.end(), labelled), m_queue.end());
    m_promoted.erase(std::remove_if(m_promoted.begin(), m_promoted.end(), labelled), m_promoted.end());
    if (m_queue.size() != before) {
        updateStrip();
        prefetch();
        if (m_queue.size() < kQueueLowWater)
            refreshQueue();
    }
}

void LabelingController::promote(const std::vector<QueueEntry> &entries)
{
    QSet<qint64> ids;
    for (const QueueEntry &entry : entries)
        ids.insert(entry.imageId);
    if (m_current && ids.contains(m_current->imageId))
        ids.remove(m_current->imageId);
    const auto promoted = [&ids](const QueueEntry &e) { return ids.contains(e.imageId); };
    m_queue.erase(std::remove_if(m_queue.begin(), m_queue.end(), promoted), m_queue.end());
    m_promoted.erase(std::remove_if(m_promoted.begin(), m_promoted.end(), promoted), m_promoted.end());
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        if (!ids.contains(it->imageId))
            continue;
        QueueEntry entry = *it;
        entry.audit = false; // audit draws never reach a page, so none comes back from one
        m_queue.push_front(entry);
        m_promoted.push_front(entry);
    }
    if (!m_current)
        advance();
    else
        updateStrip();
    prefetch();
}

QSet<qint64> LabelingController::imagesKeptFromPages() const
{
    QSet<qint64> kept;
    if (m_current)
        kept.insert(m_current->imageId);
    for (const QueueEntry &e : m_history)
        kept.insert(e.imageId);
    for (const QueueEntry &e : m_queue)
        if (e.audit)
            kept.insert(e.imageId);
    return kept;
}

void LabelingController::onPageSaved(qint64 ticket, int images)
{
    const bool undo = m_pendingPages.take(ticket).undo;
    Q_EMIT pageSaved(ticket, images, undo);
    Q_EMIT labelsChanged();
}

void LabelingController::onPageFailed(qint64 ticket, const QString &reason)
{
    // Nothing of the page was written: the images are where they were before it.
    const PendingPage page = m_pendingPages.take(ticket);
    for (const qint64 id : page.imageIds) {
        if (page.undo)
            m_pageLabelled.insert(id);
        else
            m_pageLabelled.remove(id);
    }
    Q_EMIT pageFailed(ticket, reason);
    Q_EMIT error(tr("Page not saved"),
                 tr("The page of labels could not be saved:\n%1\n\nNone of its images was labelled.").arg(reason));
}

} // namespace activelabel
