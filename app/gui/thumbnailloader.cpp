#include "app/gui/thumbnailloader.h"

#include <QPointer>

namespace activelabel {

ThumbnailLoader::ThumbnailLoader(QObject *parent) : QObject(parent)
{
    // Leave a core for the UI and the training worker: thumbnails are nice-to-have.
    m_pool.setMaxThreadCount(1);
}

ThumbnailLoader::~ThumbnailLoader()
{
    m_stopping = true;
    m_pool.clear();
    m_pool.waitForDone();
}

void ThumbnailLoader::setCacheDirectory(const std::filesystem::path &directory)
{
    m_cache.emplace(directory);
}

void ThumbnailLoader::request(qint64 imageId, const std::filesystem::path &file, int size)
{
    std::optional<qint64> droppedId;
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_front({imageId, file, size});
        if (m_jobs.size() > kMaxQueued) {
            droppedId = m_jobs.back().imageId;
            m_jobs.pop_back();
        }
    }
    if (droppedId)
        Q_EMIT dropped(*droppedId);
    // One runnable per request; each serves whichever job is newest when it runs.
    m_pool.start([this] { work(); });
}

void ThumbnailLoader::work()
{
    if (m_stopping)
        return;
    Job job;
    {
        std::lock_guard lock(m_mutex);
        if (m_jobs.empty())
            return; // its job was dropped
        job = std::move(m_jobs.front());
        m_jobs.pop_front();
    }
    const QImage thumbnail =
        m_cache ? m_cache->thumbnail(job.imageId, job.file, job.size) : makeThumbnail(job.file, job.size);
    if (m_stopping)
        return;
    // Queued to the loader's (UI) thread; dropped if the loader is gone by then.
    QPointer<ThumbnailLoader> self(this);
    const qint64 imageId = job.imageId;
    QMetaObject::invokeMethod(
        this,
        [self, imageId, thumbnail] {
            if (self)
                Q_EMIT self->ready(imageId, thumbnail);
        },
        Qt::QueuedConnection);
}

} // namespace activelabel
