#pragma once

#include <QByteArray>
#include <QString>

#include <optional>
#include <set>

namespace activelabel {

class Database;

// A team project's model files on the server (checkpoints by file name, as under models/): the
// trainer publishes each checkpoint before the version row that points at it, and a client or a
// trainer taking over fetches what its cache lacks.
class ModelFileRepository
{
public:
    explicit ModelFileRepository(Database &db) : m_db(db) {}

    std::set<QString> names();
    // A name already stored keeps its bytes (a checkpoint never changes once written).
    void put(const QString &name, const QByteArray &bytes);
    std::optional<QByteArray> get(const QString &name);

private:
    Database &m_db;
};

} // namespace activelabel
