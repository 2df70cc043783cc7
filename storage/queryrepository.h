#pragma once

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace activelabel {

class Database;

// Why an image was put in front of the annotator.
struct QueryRecord
{
    std::int64_t id = 0;
    std::int64_t imageId = 0;
    QString strategy;
    std::optional<double> score;
    std::optional<std::int64_t> modelVersion; // nullopt: cold start, no model yet
    bool audit = false;                       // a uniform random audit draw
    std::optional<std::int64_t> predictedClassId; // what that model predicted when it was asked
    std::int64_t queriedAt = 0;
};

// The queries table: each queried image records its strategy, score, model version and whether
// it was an audit draw (the unbiased accuracy estimate is computed over audit draws).
class QueryRepository
{
public:
    explicit QueryRepository(Database &db) : m_db(db) {}

    // queriedAt 0 means now. Returns the new id.
    std::int64_t record(const QueryRecord &query);
    std::vector<QueryRecord> forImage(std::int64_t imageId);
    std::vector<QueryRecord> audits();
    std::vector<QueryRecord> all();

private:
    std::vector<QueryRecord> select(const char *sql, std::optional<std::int64_t> imageId);

    Database &m_db;
};

} // namespace activelabel
