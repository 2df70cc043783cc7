#pragma once

#include <QImage>
#include <QObject>
#include <QThreadPool>

#include <atomic>
#include <filesystem>

namespace activelabel {

// Decodes thumbnails on a private thread pool and hands them back to the UI thread through
// `ready`. Requests are cheap to drop: a destroyed loader waits for in-flight work, and queued
// work for a loader that is going away is skipped.
class ThumbnailLoader : public QObject
{
    Q_OBJECT
public:
    explicit ThumbnailLoader(QObject *parent = nullptr);
    ~ThumbnailLoader() override;

    void request(qint64 imageId, const std::filesystem::path &file, int size);

    // Decoded through storage's single decode path (same orientation as training), scaled to fit
    // `size` keeping the aspect ratio; tiny images are scaled up without smoothing so pixels stay
    // crisp. A null image when the file cannot be decoded.
    static QImage makeThumbnail(const std::filesystem::path &file, int size);

Q_SIGNALS:
    void ready(qint64 imageId, const QImage &thumbnail);

private:
    QThreadPool m_pool;
    std::atomic<bool> m_stopping{false};
};

} // namespace activelabel
