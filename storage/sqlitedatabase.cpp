#include "storage/sqlitedatabase.h"

#include <cstring>
#include <unistd.h>

namespace activelabel {

namespace {

// SQLite's text for I/O failures is generic ("disk I/O error", "unable to open database file"):
// add the operating system's reason (File too large, No space left on device, Read-only file
// system, Permission denied), which is what tells the user what to do.
std::string withSystemError(sqlite3 *db, int rc, std::string message)
{
    const int primary = rc & 0xff;
    if (!db || !(primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN ||
                 primary == SQLITE_READONLY || primary == SQLITE_PERM))
        return message;
    const int systemErrno = sqlite3_system_errno(db);
    if (systemErrno != 0) {
        message += std::string(" (") + std::strerror(systemErrno) + ")";
    } else if (primary == SQLITE_FULL) {
        // "database or disk is full" says it already.
    } else if (rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC ||
               rc == SQLITE_IOERR_TRUNCATE || rc == SQLITE_IOERR_SHMSIZE || rc == SQLITE_IOERR_DIR_FSYNC) {
        // Some write paths (a COMMIT's WAL frames) do not keep the errno: say what failed.
        message += " (writing failed: the disk may be full)";
    } else {
        message += " (SQLite code " + std::to_string(rc) + ")";
    }
    return message;
}

[[noreturn]] void throwError(sqlite3 *db, int rc, const std::string &context)
{
    const char *message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    throw SqliteError(context + ": " + withSystemError(db, rc, message ? message : "unknown SQLite error"), rc);
}

} // namespace

Statement::Statement(sqlite3 *db, std::string_view sql) : m_sql(sql)
{
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    if (rc != SQLITE_OK)
        throwError(db, rc, "cannot prepare \"" + m_sql + "\"");
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Query::Query(Statement &statement) : m_statement(&statement) {}

Query::Query(Query &&other) noexcept : m_statement(other.m_statement)
{
    other.m_statement = nullptr;
}

Query::~Query()
{
    if (m_statement) {
        sqlite3_reset(m_statement->handle());
        sqlite3_clear_bindings(m_statement->handle());
    }
}

void Query::check(int rc) const
{
    if (rc != SQLITE_OK)
        throwError(sqlite3_db_handle(m_statement->handle()), rc, "cannot bind for \"" + m_statement->sql() + "\"");
}

Query &Query::bind(int index, std::int64_t value)
{
    check(sqlite3_bind_int64(m_statement->handle(), index, value));
    return *this;
}

Query &Query::bind(int index, double value)
{
    check(sqlite3_bind_double(m_statement->handle(), index, value));
    return *this;
}

Query &Query::bind(int index, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    check(sqlite3_bind_text(m_statement->handle(), index, utf8.constData(), static_cast<int>(utf8.size()),
                            SQLITE_TRANSIENT));
    return *this;
}

Query &Query::bind(int index, std::string_view text)
{
    check(sqlite3_bind_text(m_statement->handle(), index, text.data(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT));
    return *this;
}

Query &Query::bindBlob(int index, const void *data, std::size_t size)
{
    // A zero-length blob must still be a blob, not NULL: pass a non-null pointer.
    static const char empty = 0;
    check(sqlite3_bind_blob64(m_statement->handle(), index, size ? data : &empty, size, SQLITE_TRANSIENT));
    return *this;
}

Query &Query::bindNull(int index)
{
    check(sqlite3_bind_null(m_statement->handle(), index));
    return *this;
}

bool Query::step()
{
    const int rc = sqlite3_step(m_statement->handle());
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    sqlite3_stmt *stmt = m_statement->handle();
    sqlite3_reset(stmt);
    throwError(sqlite3_db_handle(stmt), rc, "cannot run \"" + m_statement->sql() + "\"");
}

void Query::exec()
{
    while (step()) {
    }
}

void Query::reset()
{
    sqlite3_reset(m_statement->handle());
    sqlite3_clear_bindings(m_statement->handle());
}

bool Query::isNull(int column) const
{
    return sqlite3_column_type(m_statement->handle(), column) == SQLITE_NULL;
}

std::int64_t Query::int64(int column) const
{
    return sqlite3_column_int64(m_statement->handle(), column);
}

double Query::real(int column) const
{
    return sqlite3_column_double(m_statement->handle(), column);
}

QString Query::text(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_statement->handle(), column));
    const int size = sqlite3_column_bytes(m_statement->handle(), column);
    return data ? QString::fromUtf8(data, size) : QString();
}

std::string Query::utf8(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_statement->handle(), column));
    const int size = sqlite3_column_bytes(m_statement->handle(), column);
    return data ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

QByteArray Query::blob(int column) const
{
    const auto *data = static_cast<const char *>(sqlite3_column_blob(m_statement->handle(), column));
    const int size = sqlite3_column_bytes(m_statement->handle(), column);
    return data ? QByteArray(data, size) : QByteArray();
}

std::string Query::blobString(int column) const
{
    const auto *data = static_cast<const char *>(sqlite3_column_blob(m_statement->handle(), column));
    const int size = sqlite3_column_bytes(m_statement->handle(), column);
    return data ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

Database::Database(const std::filesystem::path &file, Access access, int busyTimeoutMs)
    : m_access(access), m_file(file)
{
    // FULLMUTEX is not needed: a connection belongs to one thread. NOMUTEX avoids the locking cost.
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    flags |= access == Access::ReadWrite ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : SQLITE_OPEN_READONLY;
    const int rc = sqlite3_open_v2(file.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string message = withSystemError(m_db, rc, m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc));
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        throw SqliteError("cannot open database " + file.string() + ": " + message, rc);
    }
    try {
        configure(busyTimeoutMs);
    } catch (const SqliteError &e) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        // Reading a WAL database needs its -shm file, which SQLite creates beside it on first use:
        // in a folder we may not write, that fails with a bare "unable to open database file".
        const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : ".";
        if (access == Access::ReadOnly && (e.code() & 0xff) == SQLITE_CANTOPEN && ::access(folder.c_str(), W_OK) != 0)
            throw SqliteError(std::string(e.what()) + "; the folder " + folder.string() +
                                  " is read-only, and SQLite must create " + file.filename().string() +
                                  "-shm there to read the database",
                              e.code());
        throw;
    } catch (...) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        throw;
    }
}

Database::~Database()
{
    m_statements.clear(); // finalize before closing
    if (m_db)
        sqlite3_close_v2(m_db);
}

void Database::configure(int busyTimeoutMs)
{
    // busy_timeout first: the journal_mode change itself may need to wait for another connection.
    exec("PRAGMA busy_timeout=" + std::to_string(busyTimeoutMs));
    if (scalarInt("PRAGMA busy_timeout", -1) != busyTimeoutMs)
        throw SqliteError("busy_timeout did not take effect on " + m_file.string(), SQLITE_ERROR);

    if (m_access == Access::ReadWrite) {
        const std::string mode = scalarText("PRAGMA journal_mode=WAL");
        if (mode != "wal")
            throw SqliteError("cannot switch " + m_file.string() + " to WAL (journal_mode is " + mode + ")",
                              SQLITE_ERROR);
    }
    exec("PRAGMA synchronous=FULL");
    if (scalarInt("PRAGMA synchronous", -1) != 2)
        throw SqliteError("synchronous=FULL did not take effect on " + m_file.string(), SQLITE_ERROR);
    exec("PRAGMA foreign_keys=ON");
    if (scalarInt("PRAGMA foreign_keys", -1) != 1)
        throw SqliteError("foreign_keys=ON did not take effect on " + m_file.string(), SQLITE_ERROR);
}

Query Database::query(std::string_view sql)
{
    std::string key(sql);
    auto it = m_statements.find(key);
    if (it == m_statements.end())
        it = m_statements.emplace(key, std::make_unique<Statement>(m_db, sql)).first;
    return Query(*it->second);
}

void Database::exec(std::string_view sql)
{
    const std::string text(sql);
    char *error = nullptr;
    const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        const std::string message = withSystemError(m_db, rc, error ? error : sqlite3_errstr(rc));
        sqlite3_free(error);
        throw SqliteError("cannot run \"" + text.substr(0, 120) + "\": " + message, rc);
    }
}

std::string Database::scalarText(std::string_view sql)
{
    Statement statement(m_db, sql); // pragmas are not worth caching
    Query q(statement);
    return q.step() ? q.utf8(0) : std::string();
}

std::int64_t Database::scalarInt(std::string_view sql, std::int64_t fallback)
{
    Statement statement(m_db, sql);
    Query q(statement);
    return q.step() && !q.isNull(0) ? q.int64(0) : fallback;
}

std::int64_t Database::lastInsertRowId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const
{
    return sqlite3_changes(m_db);
}

bool Database::inTransaction() const
{
    return sqlite3_get_autocommit(m_db) == 0;
}

} // namespace activelabel
