#pragma once

#include "app/gui/thumbnailcache.h"
#include "app/mailbox.h"

#include <QImage>
#include <QObject>
#include <QThreadPool>

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <utility>

namespace activelabel {

class ImageCache;

// Makes thumbnails on a private thread pool (through the on-disk cache when one is set) and hands
// them back to the UI thread through `ready`. Newest requests are served first and only the
// newest few hundred are kept: when the user scrolls fast through a huge pool, the rows now on
// screen come first and rows scrolled past are `dropped` (the view asks again if they return).
// A destroyed loader waits for in-flight work; queued work is discarded.
class ThumbnailLoader : public QObject
{
    Q_OBJECT
public:
    explicit ThumbnailLoader(QObject *parent = nullptr);
    ~ThumbnailLoader() override;

    // Thumbnails are read from and written to this cache (set before the first request).
    void setCacheDirectory(const std::filesystem::path &directory);
    // A team project's image cache: a source image evicted from it is fetched before its
    // thumbnail is made (set before the first request).
    void setImageCache(std::shared_ptr<ImageCache> images) { m_images = std::move(images); }
    void request(qint64 imageId, const std::filesystem::path &file, int size);

    static QImage makeThumbnail(const std::filesystem::path &file, int size)
    {
        return ThumbnailCache::makeThumbnail(file, size);
    }

    static constexpr std::size_t kMaxQueued = 512;

Q_SIGNALS:
    void ready(qint64 imageId, const QImage &thumbnail);
    void dropped(qint64 imageId);

private Q_SLOTS:
    // Emits `ready` for the thumbnails the pool has finished; m_done's wake-up.
    void deliver();

private:
    struct Job
    {
        qint64 imageId;
        std::filesystem::path file;
        int size;
    };
    void work();

    QThreadPool m_pool;
    std::optional<ThumbnailCache> m_cache;
    std::shared_ptr<ImageCache> m_images;
    Mailbox<Job> m_jobs;                       // asked for, not started; served newest first
    Mailbox<std::pair<qint64, QImage>> m_done; // made, not yet delivered
    std::atomic<bool> m_stopping{false};
};

} // namespace activelabel
