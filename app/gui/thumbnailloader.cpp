#include "app/gui/thumbnailloader.h"

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
    // waitForDone's synchronisation is inside Qt, which ThreadSanitizer cannot see; the pool's
    // last access to this object is under m_mutex (work), so taking it orders that first.
    std::lock_guard lock(m_mutex);
    m_jobs.clear();
    m_done.clear();
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
    // Handed back under m_mutex, with a queued call by name and without arguments to the loader's
    // (UI) thread, not as the captures of a queued functor: those would be written here and read
    // there, ordered only by Qt's event queue lock, which ThreadSanitizer cannot see. The call is
    // queued under the lock too, so this thread's last touch of the loader is inside it (see the
    // destructor); a call still queued when the loader is destroyed is discarded with it.
    std::lock_guard lock(m_mutex);
    m_done.emplace_back(job.imageId, thumbnail);
    QMetaObject::invokeMethod(this, "deliver", Qt::QueuedConnection);
}

void ThumbnailLoader::deliver()
{
    std::vector<std::pair<qint64, QImage>> done;
    {
        std::lock_guard lock(m_mutex);
        done.swap(m_done);
    }
    for (const auto &[imageId, thumbnail] : done)
        Q_EMIT ready(imageId, thumbnail);
}

} // namespace activelabel
