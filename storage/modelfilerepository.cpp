#include "storage/modelfilerepository.h"

#include "storage/database.h"
#include "storage/timeutil.h"

namespace activelabel {

std::set<QString> ModelFileRepository::names()
{
    std::set<QString> out;
    auto q = m_db.query("SELECT name FROM model_files");
    while (q.step())
        out.insert(q.text(0));
    return out;
}

void ModelFileRepository::put(const QString &name, const QByteArray &bytes)
{
    m_db.query("INSERT INTO model_files (name, bytes, stored_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING")
        .bind(1, name)
        .bindBlob(2, bytes)
        .bind(3, nowMs())
        .exec();
}

std::optional<QByteArray> ModelFileRepository::get(const QString &name)
{
    auto q = m_db.query("SELECT bytes FROM model_files WHERE name = ?");
    q.bind(1, name);
    if (!q.step())
        return std::nullopt;
    return q.blob(0);
}

} // namespace activelabel
