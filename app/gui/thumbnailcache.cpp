#include "app/gui/thumbnailcache.h"

#include "app/imageconversion.h"

#include <QImageReader>
#include <QImageWriter>
#include <QSaveFile>

#include <system_error>

namespace activelabel {

namespace {
constexpr char kSourceKey[] = "ActiveLabel-Source";
constexpr qint64 kEntriesPerFolder = 1000; // keeps every folder small at 500,000 images

QString qPath(const std::filesystem::path &p)
{
    return QString::fromStdString(p.string());
}
} // namespace

ThumbnailCache::ThumbnailCache(std::filesystem::path directory) : m_dir(std::move(directory)) {}

std::filesystem::path ThumbnailCache::entryPath(qint64 imageId, int size) const
{
    return m_dir / std::to_string(imageId / kEntriesPerFolder) / (std::to_string(imageId) + "-" + std::to_string(size) + ".png");
}

QString ThumbnailCache::sourceKey(const std::filesystem::path &file)
{
    std::error_code error;
    const auto bytes = std::filesystem::file_size(file, error);
    if (error)
        return {};
    const auto modified = std::filesystem::last_write_time(file, error);
    if (error)
        return {};
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(modified.time_since_epoch()).count();
    return QStringLiteral("%1:%2").arg(qint64(ns)).arg(qulonglong(bytes));
}

QImage ThumbnailCache::makeThumbnail(const std::filesystem::path &file, int size)
{
    const QImage image = decodeForDisplay(file);
    if (image.isNull())
        return {};
    const bool tiny = image.width() < size / 2 && image.height() < size / 2;
    return image.scaled(size, size, Qt::KeepAspectRatio, tiny ? Qt::FastTransformation : Qt::SmoothTransformation);
}

QImage ThumbnailCache::thumbnail(qint64 imageId, const std::filesystem::path &file, int size, bool *hit) const
{
    if (hit)
        *hit = false;
    const QString key = sourceKey(file);
    const std::filesystem::path entry = entryPath(imageId, size);
    if (!key.isEmpty()) {
        QImageReader reader(qPath(entry), "png");
        // The text chunk is read from the header, before any pixels are decoded.
        if (reader.canRead() && reader.text(QLatin1String(kSourceKey)) == key) {
            QImage cached = reader.read();
            if (!cached.isNull()) {
                if (hit)
                    *hit = true;
                return cached;
            }
        }
    }
    QImage made = makeThumbnail(file, size);
    if (made.isNull() || key.isEmpty())
        return made;
    std::error_code error;
    std::filesystem::create_directories(entry.parent_path(), error);
    QSaveFile out(qPath(entry));
    if (!error && out.open(QIODevice::WriteOnly)) {
        QImageWriter writer(&out, "png");
        writer.setText(QLatin1String(kSourceKey), key);
        if (writer.write(made))
            out.commit();
        else
            out.cancelWriting();
    }
    return made;
}

} // namespace activelabel
