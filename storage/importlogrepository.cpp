#include "storage/importlogrepository.h"

#include "storage/sqlitedatabase.h"
#include "storage/timeutil.h"

namespace activelabel {

void ImportLogRepository::add(const std::string &path, const char *kind, const QString &reason)
{
    m_db.query("INSERT INTO import_log (path, kind, reason, logged_at) VALUES (?, ?, ?, ?)")
        .bindBlob(1, path.data(), path.size())
        .bind(2, kind)
        .bind(3, reason)
        .bind(4, nowMs())
        .exec();
}

void ImportLogRepository::addRejected(const std::string &path, const QString &reason)
{
    add(path, "rejected", reason);
}

void ImportLogRepository::addDuplicate(const std::string &path, const QString &reason)
{
    add(path, "duplicate", reason);
}

std::int64_t ImportLogRepository::rejectedCount()
{
    auto q = m_db.query("SELECT count(*) FROM import_log WHERE kind = 'rejected'");
    return q.step() ? q.int64(0) : 0;
}

std::vector<ImportLogEntry> ImportLogRepository::recent(int limit)
{
    auto q = m_db.query("SELECT id, path, kind, reason, logged_at FROM import_log ORDER BY id DESC LIMIT ?");
    q.bind(1, limit);
    std::vector<ImportLogEntry> out;
    while (q.step())
        out.push_back(ImportLogEntry{q.int64(0), q.blobString(1), q.text(2), q.text(3), q.int64(4)});
    return out;
}

} // namespace activelabel
