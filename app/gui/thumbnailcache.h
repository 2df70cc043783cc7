#pragma once

#include <QImage>
#include <QString>

#include <filesystem>

namespace activelabel {

// Thumbnails kept on disk, so that browsing a 500,000-image pool decodes each source file once,
// not once per session: <dir>/<id / 1000>/<id>-<size>.png. Each entry records the source file's
// modification time and size it was made from (a PNG text key); an entry whose source has since
// changed is a miss and is rewritten. Entries are written atomically (temporary file + rename),
// so concurrent readers never see half a file. Stateless apart from the directory: safe to use
// from several threads, and meant for worker threads only (it reads and decodes files).
class ThumbnailCache
{
public:
    explicit ThumbnailCache(std::filesystem::path directory);

    const std::filesystem::path &directory() const { return m_dir; }
    std::filesystem::path entryPath(qint64 imageId, int size) const;

    // The thumbnail of `file` (image `imageId`) fitting `size`: from the cache when its entry was
    // made from the file as it is now, else decoded (see makeThumbnail) and stored. `hit` tells
    // which. A null image when the file cannot be decoded (nothing is stored then). A cache that
    // cannot be written (read-only disk, full disk) only costs speed.
    QImage thumbnail(qint64 imageId, const std::filesystem::path &file, int size, bool *hit = nullptr) const;

    // Decoded through storage's single decode path (same orientation as training), scaled to fit
    // `size` keeping the aspect ratio; tiny images are scaled up without smoothing.
    static QImage makeThumbnail(const std::filesystem::path &file, int size);

    // "mtime-ns:bytes" of a file, empty when it cannot be read.
    static QString sourceKey(const std::filesystem::path &file);

private:
    std::filesystem::path m_dir;
};

} // namespace activelabel
