#pragma once

#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace activelabel {

class Database;

struct ImportLogEntry
{
    std::int64_t id = 0;
    std::string path; // raw bytes
    QString kind;     // "rejected" (unreadable, unsupported, too large...) or "duplicate"
    QString reason;
    std::int64_t loggedAt = 0;
};

// The import log: every file an import did not add, with the reason.
class ImportLogRepository
{
public:
    explicit ImportLogRepository(Database &db) : m_db(db) {}

    void addRejected(const std::string &path, const QString &reason);
    void addDuplicate(const std::string &path, const QString &reason);
    std::int64_t rejectedCount();
    std::vector<ImportLogEntry> recent(int limit);

private:
    void add(const std::string &path, const char *kind, const QString &reason);

    Database &m_db;
};

} // namespace activelabel
