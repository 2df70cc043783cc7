#pragma once

#include "storage/database.h"

#include <sqlite3.h>

#include <unordered_map>

namespace activelabel {

// Any SQLite failure: carries SQLite's message and the statement or file it concerns.
class SqliteError : public DatabaseError
{
public:
    using DatabaseError::DatabaseError;
};

// One prepared statement (RAII over sqlite3_stmt), owned by its connection's statement cache.
class SqliteCursor : public Cursor
{
public:
    SqliteCursor(sqlite3 *db, std::string_view sql);
    ~SqliteCursor() override;
    SqliteCursor(const SqliteCursor &) = delete;
    SqliteCursor &operator=(const SqliteCursor &) = delete;

    void bindInt(int index, std::int64_t value) override;
    void bindReal(int index, double value) override;
    void bindText(int index, std::string_view utf8) override;
    void bindBlob(int index, const void *data, std::size_t size) override;
    void bindNull(int index) override;
    bool step() override;
    void reset() override;

    bool isNull(int column) const override;
    std::int64_t int64(int column) const override;
    double real(int column) const override;
    std::string_view bytes(int column) const override;
    const std::string &sql() const override { return m_sql; }

private:
    void check(int rc) const;

    sqlite3_stmt *m_stmt = nullptr;
    std::string m_sql;
};

// A connection to one SQLite file (RAII over sqlite3*), with a cache of prepared statements.
//
// Why the sqlite3 C API and not Qt Sql: we must set and read back exact pragmas (WAL,
// synchronous=FULL, busy_timeout) per connection, reuse prepared statements on the label-commit
// hot path, bind raw BLOB paths, and open one connection per thread with precise read-only flags;
// QSqlDatabase's named-connection registry and driver layer hide or complicate all of these.
class SqliteConnection : public Connection
{
public:
    // Opens (and unless readOnly, creates) the file, then sets and verifies the pragmas.
    SqliteConnection(const std::filesystem::path &file, bool readOnly, int busyTimeoutMs);
    ~SqliteConnection() override;
    SqliteConnection(const SqliteConnection &) = delete;
    SqliteConnection &operator=(const SqliteConnection &) = delete;

    Dialect dialect() const override { return Dialect::Sqlite; }
    Cursor &prepare(std::string_view sql) override;
    void exec(std::string_view sql) override;
    void execSchema(std::string_view sqliteDdl) override { exec(sqliteDdl); }
    std::string scalar(std::string_view sql, bool *found) override;
    int changes() const override;
    bool inTransaction() const override;
    // BEGIN IMMEDIATE takes the write lock up front, so a read never has to be upgraded
    // mid-transaction, which is where SQLITE_BUSY deadlocks come from.
    void beginWrite() override { exec("BEGIN IMMEDIATE"); }
    void lockSchema() override {} // BEGIN IMMEDIATE already holds the file's only write lock
    bool tableExists(std::string_view name) override;
    std::string name() const override { return m_file.string(); }

private:
    void configure(int busyTimeoutMs);
    std::int64_t scalarInt(std::string_view sql); // -1 when no row

    sqlite3 *m_db = nullptr;
    bool m_readOnly;
    std::filesystem::path m_file;
    std::unordered_map<std::string, std::unique_ptr<SqliteCursor>> m_statements;
};

} // namespace activelabel
