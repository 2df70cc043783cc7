#include "storage/imagerepository.h"

#include "storage/sqlitedatabase.h"

#include <algorithm>
#include <stdexcept>

namespace activelabel {

namespace {

// Fixed SQL fragments chosen by the filter (never user text): values are bound.
std::string whereClause(const ImageFilter &filter)
{
    std::string where = " WHERE i.id > ?1";
    if (filter.split)
        where += " AND i.split = ?2";
    if (filter.labels == ImageFilter::Labels::Labelled)
        where += " AND EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id)";
    else if (filter.labels == ImageFilter::Labels::Unlabelled)
        where += " AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id)";
    return where;
}

void bindFilter(Query &q, const ImageFilter &filter, std::int64_t afterId)
{
    q.bind(1, afterId);
    if (filter.split)
        q.bind(2, splitName(*filter.split));
}

ImageRecord readImage(const Query &q)
{
    ImageRecord r;
    r.id = q.int64(0);
    r.path = q.blobString(1);
    r.contentHash = q.blob(2);
    r.width = q.integer(3);
    r.height = q.integer(4);
    r.split = q.utf8(5) == "test" ? Split::Test : Split::Pool;
    r.added = q.int64(6);
    return r;
}

constexpr const char *kColumns = "SELECT i.id, i.path, i.content_hash, i.width, i.height, i.split, i.added FROM images i";

} // namespace

const char *splitName(Split split)
{
    return split == Split::Test ? "test" : "pool";
}

std::optional<Split> parseSplit(const std::string &name)
{
    if (name == "pool")
        return Split::Pool;
    if (name == "test")
        return Split::Test;
    return std::nullopt;
}

std::int64_t ImageRepository::add(const ImageRecord &image)
{
    auto q = m_db.query("INSERT INTO images (path, content_hash, width, height, split, added) "
                        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
    q.bindBlob(1, image.path.data(), image.path.size())
        .bindBlob(2, image.contentHash)
        .bind(3, image.width)
        .bind(4, image.height)
        .bind(5, splitName(image.split))
        .bind(6, image.added);
    return q.returnedId();
}

std::optional<std::int64_t> ImageRepository::findByHash(const QByteArray &hash)
{
    auto q = m_db.query("SELECT id FROM images WHERE content_hash = ? ORDER BY id LIMIT 1");
    q.bindBlob(1, hash);
    if (q.step())
        return q.int64(0);
    return std::nullopt;
}

std::optional<ImageRecord> ImageRepository::get(std::int64_t id)
{
    auto q = m_db.query(std::string(kColumns) + " WHERE i.id = ?");
    q.bind(1, id);
    if (q.step())
        return readImage(q);
    return std::nullopt;
}

std::vector<ImageRecord> ImageRepository::list(const ImageFilter &filter, std::int64_t afterId, int limit)
{
    auto q = m_db.query(std::string(kColumns) + whereClause(filter) + " ORDER BY i.id LIMIT ?3");
    bindFilter(q, filter, afterId);
    q.bind(3, limit);
    std::vector<ImageRecord> out;
    out.reserve(static_cast<std::size_t>(std::max(0, std::min(limit, 100000))));
    while (q.step())
        out.push_back(readImage(q));
    return out;
}

std::vector<std::int64_t> ImageRepository::ids(const ImageFilter &filter)
{
    auto q = m_db.query("SELECT i.id FROM images i" + whereClause(filter) + " ORDER BY i.id");
    bindFilter(q, filter, 0);
    std::vector<std::int64_t> out;
    while (q.step())
        out.push_back(q.int64(0));
    return out;
}

std::int64_t ImageRepository::count(const ImageFilter &filter)
{
    auto q = m_db.query("SELECT count(*) FROM images i" + whereClause(filter));
    bindFilter(q, filter, 0);
    return q.step() ? q.int64(0) : 0;
}

ImageCounts ImageRepository::counts()
{
    ImageCounts c;
    auto q = m_db.query("SELECT split, count(*) FROM images GROUP BY split");
    while (q.step())
        (q.utf8(0) == "test" ? c.test : c.pool) = q.int64(1);
    c.total = c.pool + c.test;
    auto l = m_db.query("SELECT count(*) FROM labels l JOIN images i ON i.id = l.image_id WHERE i.split = 'pool'");
    c.labelledPool = l.step() ? l.int64(0) : 0;
    c.unlabelledPool = c.pool - c.labelledPool;
    return c;
}

} // namespace activelabel
