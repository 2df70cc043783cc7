#include "storage/imageblobrepository.h"

#include "storage/database.h"

namespace activelabel {

void ImageBlobRepository::put(const QByteArray &contentHash, const QByteArray &bytes)
{
    m_db.query("INSERT INTO image_blobs (content_hash, bytes) VALUES (?, ?) ON CONFLICT (content_hash) DO NOTHING")
        .bindBlob(1, contentHash)
        .bindBlob(2, bytes)
        .exec();
}

std::optional<QByteArray> ImageBlobRepository::get(const QByteArray &contentHash)
{
    auto q = m_db.query("SELECT bytes FROM image_blobs WHERE content_hash = ?");
    q.bindBlob(1, contentHash);
    if (!q.step())
        return std::nullopt;
    return q.blob(0);
}

std::int64_t ImageBlobRepository::count()
{
    return m_db.scalarInt("SELECT COUNT(*) FROM image_blobs");
}

} // namespace activelabel
