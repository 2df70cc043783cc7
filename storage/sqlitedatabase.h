#pragma once

#include <QByteArray>
#include <QString>

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace activelabel {

// Any SQLite failure: carries SQLite's message and the statement or file it concerns.
class SqliteError : public std::runtime_error
{
public:
    SqliteError(const std::string &message, int code) : std::runtime_error(message), m_code(code) {}
    int code() const { return m_code; }

private:
    int m_code;
};

// One prepared statement (RAII over sqlite3_stmt). Owned by Database's statement cache; callers
// use it through Query so that it is always reset after use.
class Statement
{
public:
    Statement(sqlite3 *db, std::string_view sql);
    ~Statement();
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    sqlite3_stmt *handle() const { return m_stmt; }
    const std::string &sql() const { return m_sql; }

private:
    sqlite3_stmt *m_stmt = nullptr;
    std::string m_sql;
};

// A use of a cached prepared statement: bind, step, read columns. The destructor resets the
// statement and clears its bindings, so no read transaction is left open by a forgotten cursor
// (an open cursor in WAL mode would pin the snapshot and stop checkpoints).
class Query
{
public:
    explicit Query(Statement &statement);
    ~Query();
    Query(const Query &) = delete;
    Query &operator=(const Query &) = delete;
    Query(Query &&other) noexcept;

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

    // Returns true when a row is available, false when done. Throws SqliteError on failure.
    bool step();
    // Runs a statement that returns no rows (or ignores them).
    void exec();
    // Rewinds the statement and clears its bindings, for reuse in a loop.
    void reset();

    bool isNull(int column) const;
    std::int64_t int64(int column) const;
    int integer(int column) const { return static_cast<int>(int64(column)); }
    double real(int column) const;
    QString text(int column) const;
    std::string utf8(int column) const;
    QByteArray blob(int column) const;
    std::string blobString(int column) const; // raw bytes, e.g. a non-UTF-8 path

private:
    void check(int rc) const;

    Statement *m_statement;
};

// A connection to one SQLite file (RAII over sqlite3*), with a cache of prepared statements.
//
// Why the sqlite3 C API and not Qt Sql: we must set and read back exact pragmas (WAL,
// synchronous=FULL, busy_timeout) per connection, reuse prepared statements on the label-commit
// hot path, bind raw BLOB paths, and open one connection per thread with precise read-only flags;
// QSqlDatabase's named-connection registry and driver layer hide or complicate all of these.
//
// A Database is used by one thread at a time (the thread that opened it); open another
// connection for another thread.
class Database
{
public:
    enum class Access { ReadWrite, ReadOnly };

    // Opens (and with ReadWrite, creates) the file, then sets and verifies the pragmas.
    Database(const std::filesystem::path &file, Access access, int busyTimeoutMs = 5000);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // A cached prepared statement, reset when the returned Query goes away.
    Query query(std::string_view sql);
    // Runs one or more statements without parameters (schema, pragmas).
    void exec(std::string_view sql);
    // The first column of the first row as text ("" when no row): for pragmas.
    std::string scalarText(std::string_view sql);
    std::int64_t scalarInt(std::string_view sql, std::int64_t fallback = 0);

    std::int64_t lastInsertRowId() const;
    int changes() const;
    bool inTransaction() const;
    Access access() const { return m_access; }
    const std::filesystem::path &file() const { return m_file; }
    sqlite3 *handle() const { return m_db; }

private:
    void configure(int busyTimeoutMs);

    sqlite3 *m_db = nullptr;
    Access m_access;
    std::filesystem::path m_file;
    std::unordered_map<std::string, std::unique_ptr<Statement>> m_statements;
};

} // namespace activelabel
