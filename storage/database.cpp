#include "storage/database.h"

#include "storage/postgresdatabase.h"
#include "storage/sqlitedatabase.h"

namespace activelabel {

Query::~Query()
{
    if (m_cursor)
        m_cursor->reset();
}

Query &Query::bind(int index, std::int64_t value)
{
    m_cursor->bindInt(index, value);
    return *this;
}

Query &Query::bind(int index, double value)
{
    m_cursor->bindReal(index, value);
    return *this;
}

Query &Query::bind(int index, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    m_cursor->bindText(index, std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())));
    return *this;
}

Query &Query::bind(int index, std::string_view text)
{
    m_cursor->bindText(index, text);
    return *this;
}

Query &Query::bindBlob(int index, const void *data, std::size_t size)
{
    m_cursor->bindBlob(index, data, size);
    return *this;
}

Query &Query::bindNull(int index)
{
    m_cursor->bindNull(index);
    return *this;
}

void Query::exec()
{
    while (step()) {
    }
}

std::int64_t Query::returnedId()
{
    if (!step())
        throw DatabaseError("no id returned by \"" + m_cursor->sql() + "\"", 0);
    const std::int64_t id = int64(0);
    exec(); // finish the statement
    return id;
}

QString Query::text(int column) const
{
    const std::string_view bytes = m_cursor->bytes(column);
    return QString::fromUtf8(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

QByteArray Query::blob(int column) const
{
    const std::string_view bytes = m_cursor->bytes(column);
    return QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

Database::Database(const std::filesystem::path &file, Access access, int busyTimeoutMs)
    : m_connection(std::make_unique<SqliteConnection>(file, access == Access::ReadOnly, busyTimeoutMs)),
      m_access(access), m_file(file)
{
}

Database::Database(std::unique_ptr<Connection> connection, Access access)
    : m_connection(std::move(connection)), m_access(access)
{
}

std::unique_ptr<Database> Database::connectPostgres(const std::string &uri, Access access)
{
    return std::make_unique<Database>(std::make_unique<PostgresConnection>(uri, access == Access::ReadOnly), access);
}

Database::~Database() = default;

std::string Database::scalarText(std::string_view sql)
{
    return m_connection->scalar(sql, nullptr);
}

std::int64_t Database::scalarInt(std::string_view sql, std::int64_t fallback)
{
    bool found = false;
    const std::string value = m_connection->scalar(sql, &found);
    if (!found)
        return fallback;
    if (value == "t" || value == "f") // a PostgreSQL boolean
        return value == "t" ? 1 : 0;
    try {
        return std::stoll(value);
    } catch (const std::exception &) {
        return fallback;
    }
}

} // namespace activelabel
