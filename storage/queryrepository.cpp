#include "storage/queryrepository.h"

#include "storage/sqlitedatabase.h"
#include "storage/timeutil.h"

namespace activelabel {

std::int64_t QueryRepository::record(const QueryRecord &query)
{
    auto q = m_db.query("INSERT INTO queries (image_id, strategy, score, model_version, audit, queried_at, "
                        "predicted_class_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
    q.bind(1, query.imageId).bind(2, query.strategy);
    query.score ? q.bind(3, *query.score) : q.bindNull(3);
    query.modelVersion ? q.bind(4, *query.modelVersion) : q.bindNull(4);
    q.bind(5, query.audit ? 1 : 0).bind(6, query.queriedAt ? query.queriedAt : nowMs());
    query.predictedClassId ? q.bind(7, *query.predictedClassId) : q.bindNull(7);
    return q.returnedId();
}

std::vector<QueryRecord> QueryRepository::select(const char *sql, std::optional<std::int64_t> imageId)
{
    auto q = m_db.query(sql);
    if (imageId)
        q.bind(1, *imageId);
    std::vector<QueryRecord> out;
    while (q.step()) {
        QueryRecord r;
        r.id = q.int64(0);
        r.imageId = q.int64(1);
        r.strategy = q.text(2);
        if (!q.isNull(3))
            r.score = q.real(3);
        if (!q.isNull(4))
            r.modelVersion = q.int64(4);
        r.audit = q.int64(5) != 0;
        r.queriedAt = q.int64(6);
        if (!q.isNull(7))
            r.predictedClassId = q.int64(7);
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<QueryRecord> QueryRepository::forImage(std::int64_t imageId)
{
    return select("SELECT id, image_id, strategy, score, model_version, audit, queried_at, predicted_class_id FROM queries "
                  "WHERE image_id = ? ORDER BY id",
                  imageId);
}

std::vector<QueryRecord> QueryRepository::audits()
{
    return select("SELECT id, image_id, strategy, score, model_version, audit, queried_at, predicted_class_id FROM queries "
                  "WHERE audit = 1 ORDER BY id",
                  std::nullopt);
}

std::vector<QueryRecord> QueryRepository::all()
{
    return select("SELECT id, image_id, strategy, score, model_version, audit, queried_at, predicted_class_id FROM queries ORDER BY id",
                  std::nullopt);
}

} // namespace activelabel
