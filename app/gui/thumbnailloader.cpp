#include "app/gui/thumbnailloader.h"

#include "storage/imagecache.h"

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
    // last access to this object is inside a mailbox's lock (work): taking both orders it first.
    m_jobs.clear();
    m_done.clear();
}

void ThumbnailLoader::setCacheDirectory(const std::filesystem::path &directory)
{
    m_cache.emplace(directory);
}

void ThumbnailLoader::request(qint64 imageId, const std::filesystem::path &file, int size)
{
    m_jobs.post({imageId, file, size});
    for (const Job &stale : m_jobs.trimOldest(kMaxQueued))
        Q_EMIT dropped(stale.imageId);
    // One runnable per request; each serves whichever job is newest when it runs.
    m_pool.start([this] { work(); });
}

void ThumbnailLoader::work()
{
    if (m_stopping)
        return;
    const std::optional<Job> job = m_jobs.takeNewest();
    if (!job)
        return; // its job was dropped
    if (m_images)
        m_images->ensure(job->file); // a failure leaves the file missing: no thumbnail, as before
    QImage thumbnail = m_cache ? m_cache->thumbnail(job->imageId, job->file, job->size)
                               : makeThumbnail(job->file, job->size);
    // Posted even when the loader is stopping: this thread's last touch of the loader is then
    // inside m_done's lock, which the destructor takes. A call still queued when the loader is
    // destroyed is discarded with it.
    m_done.post({job->imageId, std::move(thumbnail)},
                [this] { QMetaObject::invokeMethod(this, "deliver", Qt::QueuedConnection); });
}

void ThumbnailLoader::deliver()
{
    for (const auto &[imageId, thumbnail] : m_done.takeAll())
        Q_EMIT ready(imageId, thumbnail);
}

} // namespace activelabel
