#include "storage/imageblobrepository.h"

#include "storage/database.h"

#include <algorithm>
#include <set>
#include <string>

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

void ImageBlobRepository::getMany(const std::vector<QByteArray> &contentHashes,
                                  const std::function<bool(const QByteArray &, const QByteArray &)> &found)
{
    // One statement text for every batch (a short last batch repeats its first hash), so the
    // connection prepares it once.
    static const std::string sql = [] {
        std::string text = "SELECT content_hash, bytes FROM image_blobs WHERE content_hash IN (?";
        for (int i = 1; i < kBatch; ++i)
            text += ", ?";
        return text + ")";
    }();
    std::vector<QByteArray> distinct;
    distinct.reserve(contentHashes.size());
    std::set<QByteArray> seen;
    for (const QByteArray &hash : contentHashes)
        if (seen.insert(hash).second)
            distinct.push_back(hash);
    for (std::size_t begin = 0; begin < distinct.size(); begin += kBatch) {
        const std::size_t end = std::min(distinct.size(), begin + std::size_t(kBatch));
        auto q = m_db.query(sql);
        for (int i = 0; i < kBatch; ++i)
            q.bindBlob(i + 1, distinct[begin + std::size_t(i) < end ? begin + std::size_t(i) : begin]);
        bool more = true;
        while (q.step())
            more = found(q.blob(0), q.blob(1)) && more;
        if (!more)
            return;
    }
}

std::int64_t ImageBlobRepository::count()
{
    return m_db.scalarInt("SELECT COUNT(*) FROM image_blobs");
}

} // namespace activelabel
