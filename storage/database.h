#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace activelabel {

// Any failure of either backend: carries the backend's message and the statement, file or server
// it concerns. SqliteError and PostgresError derive from it; callers that work on both catch this.
class DatabaseError : public std::runtime_error
{
public:
    DatabaseError(const std::string &message, int code) : std::runtime_error(message), m_code(code) {}
    // SQLite's extended result code; for PostgreSQL 0 (see PostgresError::sqlState()).
    int code() const { return m_code; }

private:
    int m_code;
};

// Which SQL the connection speaks. The repositories write one SQL (SQLite's, with `?` or `?N`
// placeholders, upserts as ON CONFLICT, new ids through RETURNING, which both accept); what still
// differs is translated in one place, storage/sqldialect.cpp, by the PostgreSQL backend.
enum class Dialect { Sqlite, Postgres };

// One prepared statement of a backend, used through Query. Parameters are 1-based.
class Cursor
{
public:
    virtual ~Cursor() = default;
    virtual void bindInt(int index, std::int64_t value) = 0;
    virtual void bindReal(int index, double value) = 0;
    virtual void bindText(int index, std::string_view utf8) = 0;
    virtual void bindBlob(int index, const void *data, std::size_t size) = 0;
    virtual void bindNull(int index) = 0;
    virtual bool step() = 0;
    // Forgets the result and the bindings, ready to run again.
    virtual void reset() = 0;

    virtual bool isNull(int column) const = 0;
    virtual std::int64_t int64(int column) const = 0;
    virtual double real(int column) const = 0;
    // Text and blob columns as bytes (UTF-8 for text), valid until the next step or reset.
    virtual std::string_view bytes(int column) const = 0;
    virtual const std::string &sql() const = 0;
};

// A use of a cached prepared statement: bind, step, read columns. The destructor resets the
// statement and clears its bindings, so no read transaction is left open by a forgotten cursor
// (an open cursor in SQLite's WAL mode would pin the snapshot and stop checkpoints).
class Query
{
public:
    explicit Query(Cursor &cursor) : m_cursor(&cursor) {}
    ~Query();
    Query(const Query &) = delete;
    Query &operator=(const Query &) = delete;
    Query(Query &&other) noexcept : m_cursor(other.m_cursor) { other.m_cursor = nullptr; }

    // Parameters are 1-based as in SQLite.
    Query &bind(int index, std::int64_t value);
    Query &bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Query &bind(int index, double value);
    Query &bind(int index, const QString &text);
    Query &bind(int index, std::string_view text); // UTF-8 text
    Query &bind(int index, const char *text) { return bind(index, std::string_view(text)); }
    Query &bindBlob(int index, const void *data, std::size_t size);
    Query &bindBlob(int index, const QByteArray &data) { return bindBlob(index, data.constData(), static_cast<std::size_t>(data.size())); }
    Query &bindNull(int index);

    // Binds all values in order from parameter 1.
    template <typename... Args>
    Query &bindAll(const Args &...args)
    {
        int index = 1;
        (bind(index++, args), ...);
        return *this;
    }

    // Returns true when a row is available, false when done. Throws DatabaseError on failure.
    bool step() { return m_cursor->step(); }
    // Runs a statement that returns no rows (or ignores them).
    void exec();
    // Runs an INSERT ... RETURNING id (both backends: SQLite has RETURNING since 3.35) and returns
    // the new row's id.
    std::int64_t returnedId();
    // Rewinds the statement and clears its bindings, for reuse in a loop.
    void reset() { m_cursor->reset(); }

    bool isNull(int column) const { return m_cursor->isNull(column); }
    std::int64_t int64(int column) const { return m_cursor->int64(column); }
    int integer(int column) const { return static_cast<int>(int64(column)); }
    double real(int column) const { return m_cursor->real(column); }
    QString text(int column) const;
    std::string utf8(int column) const { return std::string(m_cursor->bytes(column)); }
    QByteArray blob(int column) const;
    std::string blobString(int column) const { return std::string(m_cursor->bytes(column)); } // raw bytes, e.g. a non-UTF-8 path

private:
    Cursor *m_cursor;
};

// One connection of a backend. Implemented by SqliteConnection and PostgresConnection.
class Connection
{
public:
    virtual ~Connection() = default;
    virtual Dialect dialect() const = 0;
    // A cached prepared statement.
    virtual Cursor &prepare(std::string_view sql) = 0;
    // Runs one or more statements without parameters.
    virtual void exec(std::string_view sql) = 0;
    virtual void execSchema(std::string_view sqliteDdl) = 0;
    // The first column of the first row, as bytes ("" when none): for one-off statements that are
    // not worth caching.
    virtual std::string scalar(std::string_view sql, bool *found) = 0;
    virtual int changes() const = 0;
    virtual bool inTransaction() const = 0;
    virtual void beginWrite() = 0;
    virtual void lockSchema() = 0;
    virtual bool tableExists(std::string_view name) = 0;
    // For messages: the file, or the server URI without its password.
    virtual std::string name() const = 0;
};

// A connection to a project database: a SQLite file or a PostgreSQL database. Used by one thread
// at a time (the thread that opened it); open another connection for another thread.
class Database
{
public:
    enum class Access { ReadWrite, ReadOnly };

    // Opens (and with ReadWrite, creates) a SQLite file, then sets and verifies its pragmas.
    Database(const std::filesystem::path &file, Access access, int busyTimeoutMs = 5000);
    // Takes over an open connection of either backend.
    Database(std::unique_ptr<Connection> connection, Access access);
    // Connects to a PostgreSQL database given a libpq connection URI or key=value string.
    // Throws PostgresError with a one-line message (wrong password, unreachable server, ...).
    static std::unique_ptr<Database> connectPostgres(const std::string &uri, Access access = Access::ReadWrite);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // A cached prepared statement, reset when the returned Query goes away.
    Query query(std::string_view sql) { return Query(m_connection->prepare(sql)); }
    // Runs one or more statements without parameters, as written (no translation).
    void exec(std::string_view sql) { m_connection->exec(sql); }
    // Runs schema statements written in SQLite's dialect, translated for the backend
    // (INTEGER PRIMARY KEY ids become identity columns, BLOB becomes BYTEA, ...).
    void execSchema(std::string_view sqliteDdl) { m_connection->execSchema(sqliteDdl); }
    // The first column of the first row as text ("" when no row).
    std::string scalarText(std::string_view sql);
    std::int64_t scalarInt(std::string_view sql, std::int64_t fallback = 0);

    // Rows changed by the last INSERT, UPDATE or DELETE.
    int changes() const { return m_connection->changes(); }
    bool inTransaction() const { return m_connection->inTransaction(); }
    // Starts a transaction that will write: SQLite takes the write lock up front (BEGIN IMMEDIATE).
    void beginWrite() { m_connection->beginWrite(); }
    // Inside a write transaction: waits until no other connection is changing the schema.
    void lockSchema() { m_connection->lockSchema(); }
    bool tableExists(std::string_view name) { return m_connection->tableExists(name); }

    Dialect dialect() const { return m_connection->dialect(); }
    Access access() const { return m_access; }
    // The SQLite file (empty for a server database).
    const std::filesystem::path &file() const { return m_file; }
    // For messages: the file, or the server URI without its password.
    std::string name() const { return m_connection->name(); }

private:
    std::unique_ptr<Connection> m_connection;
    Access m_access;
    std::filesystem::path m_file;
};

} // namespace activelabel
