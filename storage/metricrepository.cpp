#include "storage/metricrepository.h"

#include "storage/sqlitedatabase.h"
#include "storage/timeutil.h"
#include "storage/transaction.h"

namespace activelabel {

namespace {

constexpr const char *kColumns = "SELECT id, model_version, name, split, value, labels, recorded_at FROM metrics";

std::vector<Metric> readAll(Query &q)
{
    std::vector<Metric> out;
    while (q.step()) {
        Metric m;
        m.id = q.int64(0);
        if (!q.isNull(1))
            m.modelVersion = q.int64(1);
        m.name = q.text(2);
        m.split = q.text(3);
        m.value = q.real(4);
        m.labels = q.int64(5);
        m.recordedAt = q.int64(6);
        out.push_back(std::move(m));
    }
    return out;
}

} // namespace

std::int64_t MetricRepository::add(const Metric &m)
{
    auto q = m_db.query("INSERT INTO metrics (model_version, name, split, value, labels, recorded_at) "
                        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
    m.modelVersion ? q.bind(1, *m.modelVersion) : q.bindNull(1);
    q.bind(2, m.name).bind(3, m.split).bind(4, m.value).bind(5, m.labels).bind(6, m.recordedAt ? m.recordedAt : nowMs());
    return q.returnedId();
}

void MetricRepository::addAll(const std::vector<Metric> &metrics)
{
    Transaction tx(m_db);
    for (const Metric &m : metrics)
        add(m);
    tx.commit();
}

std::vector<Metric> MetricRepository::forModelVersion(std::int64_t modelVersion)
{
    auto q = m_db.query(std::string(kColumns) + " WHERE model_version = ? ORDER BY id");
    q.bind(1, modelVersion);
    return readAll(q);
}

std::vector<Metric> MetricRepository::series(const QString &name, const QString &split)
{
    auto q = m_db.query(std::string(kColumns) + " WHERE name = ? AND split = ? ORDER BY id");
    q.bind(1, name).bind(2, split);
    return readAll(q);
}

std::vector<Metric> MetricRepository::all()
{
    auto q = m_db.query(std::string(kColumns) + " ORDER BY id");
    return readAll(q);
}

} // namespace activelabel
