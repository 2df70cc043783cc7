#include "storage/modelversionrepository.h"

#include "storage/sqlitedatabase.h"
#include "storage/timeutil.h"

namespace activelabel {

namespace {

constexpr const char *kColumns = "SELECT id, parent_id, created_at, backbone, transfer, checkpoint, labels_used, "
                                 "train_seconds, config FROM model_versions";

ModelVersion readVersion(const Query &q)
{
    ModelVersion v;
    v.id = q.int64(0);
    if (!q.isNull(1))
        v.parentId = q.int64(1);
    v.createdAt = q.int64(2);
    v.backbone = q.text(3);
    v.transfer = q.text(4);
    v.checkpoint = q.text(5);
    v.labelsUsed = q.int64(6);
    v.trainSeconds = q.real(7);
    v.config = q.text(8);
    return v;
}

} // namespace

std::int64_t ModelVersionRepository::add(const ModelVersion &v)
{
    auto q = m_db.query("INSERT INTO model_versions (parent_id, created_at, backbone, transfer, checkpoint, "
                        "labels_used, train_seconds, config) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    v.parentId ? q.bind(1, *v.parentId) : q.bindNull(1);
    q.bind(2, v.createdAt ? v.createdAt : nowMs())
        .bind(3, v.backbone)
        .bind(4, v.transfer)
        .bind(5, v.checkpoint)
        .bind(6, v.labelsUsed)
        .bind(7, v.trainSeconds)
        .bind(8, v.config.isEmpty() ? QStringLiteral("{}") : v.config);
    return q.returnedId();
}

std::optional<ModelVersion> ModelVersionRepository::get(std::int64_t id)
{
    auto q = m_db.query(std::string(kColumns) + " WHERE id = ?");
    q.bind(1, id);
    if (q.step())
        return readVersion(q);
    return std::nullopt;
}

std::optional<ModelVersion> ModelVersionRepository::latest()
{
    auto q = m_db.query(std::string(kColumns) + " ORDER BY id DESC LIMIT 1");
    if (q.step())
        return readVersion(q);
    return std::nullopt;
}

std::vector<ModelVersion> ModelVersionRepository::list()
{
    auto q = m_db.query(std::string(kColumns) + " ORDER BY id");
    std::vector<ModelVersion> out;
    while (q.step())
        out.push_back(readVersion(q));
    return out;
}

} // namespace activelabel
