#include "app/gui/thumbnailloader.h"

#include "app/imageconversion.h"

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

void ThumbnailLoader::request(qint64 imageId, const std::filesystem::path &file, int size)
{
    QPointer<ThumbnailLoader> self(this);
    m_pool.start([this, self, imageId, file, size] {
        if (m_stopping)
            return;
        const QImage thumbnail = makeThumbnail(file, size);
        if (m_stopping)
            return;
        // Queued to the loader's (UI) thread; dropped if the loader is gone by then.
        QMetaObject::invokeMethod(
            this,
            [self, imageId, thumbnail] {
                if (self)
                    Q_EMIT self->ready(imageId, thumbnail);
            },
            Qt::QueuedConnection);
    });
}

QImage ThumbnailLoader::makeThumbnail(const std::filesystem::path &file, int size)
{
    const QImage image = decodeForDisplay(file);
    if (image.isNull())
        return {};
    const bool tiny = image.width() < size / 2 && image.height() < size / 2;
    return image.scaled(size, size, Qt::KeepAspectRatio,
                        tiny ? Qt::FastTransformation : Qt::SmoothTransformation);
}

} // namespace activelabel
