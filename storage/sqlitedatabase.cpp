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

SqliteCursor::SqliteCursor(sqlite3 *db, std::string_view sql) : m_sql(sql)
{
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    if (rc != SQLITE_OK)
        throwError(db, rc, "cannot prepare \"" + m_sql + "\"");
}

SqliteCursor::~SqliteCursor()
{
    sqlite3_finalize(m_stmt);
}

void SqliteCursor::check(int rc) const
{
    if (rc != SQLITE_OK)
        throwError(sqlite3_db_handle(m_stmt), rc, "cannot bind for \"" + m_sql + "\"");
}

void SqliteCursor::bindInt(int index, std::int64_t value)
{
    check(sqlite3_bind_int64(m_stmt, index, value));
}

void SqliteCursor::bindReal(int index, double value)
{
    check(sqlite3_bind_double(m_stmt, index, value));
}

void SqliteCursor::bindText(int index, std::string_view text)
{
    check(sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
}

void SqliteCursor::bindBlob(int index, const void *data, std::size_t size)
{
    // A zero-length blob must still be a blob, not NULL: pass a non-null pointer.
    static const char empty = 0;
    check(sqlite3_bind_blob64(m_stmt, index, size ? data : &empty, size, SQLITE_TRANSIENT));
}

void SqliteCursor::bindNull(int index)
{
    check(sqlite3_bind_null(m_stmt, index));
}

bool SqliteCursor::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    sqlite3_reset(m_stmt);
    throwError(sqlite3_db_handle(m_stmt), rc, "cannot run \"" + m_sql + "\"");
}

void SqliteCursor::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool SqliteCursor::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::int64_t SqliteCursor::int64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

double SqliteCursor::real(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

std::string_view SqliteCursor::bytes(int column) const
{
    // A text column read as a blob gives its UTF-8 bytes; sqlite3_column_bytes after it is exact.
    const auto *data = static_cast<const char *>(sqlite3_column_blob(m_stmt, column));
    const int size = sqlite3_column_bytes(m_stmt, column);
    return data ? std::string_view(data, static_cast<std::size_t>(size)) : std::string_view();
}

SqliteConnection::SqliteConnection(const std::filesystem::path &file, bool readOnly, int busyTimeoutMs)
    : m_readOnly(readOnly), m_file(file)
{
    // FULLMUTEX is not needed: a connection belongs to one thread. NOMUTEX avoids the locking cost.
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    flags |= readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
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
        if (readOnly && (e.code() & 0xff) == SQLITE_CANTOPEN && ::access(folder.c_str(), W_OK) != 0)
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

SqliteConnection::~SqliteConnection()
{
    m_statements.clear(); // finalize before closing
    if (m_db)
        sqlite3_close_v2(m_db);
}

std::int64_t SqliteConnection::scalarInt(std::string_view sql)
{
    SqliteCursor cursor(m_db, sql);
    return cursor.step() && !cursor.isNull(0) ? cursor.int64(0) : -1;
}

void SqliteConnection::configure(int busyTimeoutMs)
{
    // busy_timeout first: the journal_mode change itself may need to wait for another connection.
    exec("PRAGMA busy_timeout=" + std::to_string(busyTimeoutMs));
    if (scalarInt("PRAGMA busy_timeout") != busyTimeoutMs)
        throw SqliteError("busy_timeout did not take effect on " + m_file.string(), SQLITE_ERROR);

    if (!m_readOnly) {
        const std::string mode = scalar("PRAGMA journal_mode=WAL", nullptr);
        if (mode != "wal")
            throw SqliteError("cannot switch " + m_file.string() + " to WAL (journal_mode is " + mode + ")",
                              SQLITE_ERROR);
    }
    exec("PRAGMA synchronous=FULL");
    if (scalarInt("PRAGMA synchronous") != 2)
        throw SqliteError("synchronous=FULL did not take effect on " + m_file.string(), SQLITE_ERROR);
    exec("PRAGMA foreign_keys=ON");
    if (scalarInt("PRAGMA foreign_keys") != 1)
        throw SqliteError("foreign_keys=ON did not take effect on " + m_file.string(), SQLITE_ERROR);
}

Cursor &SqliteConnection::prepare(std::string_view sql)
{
    std::string key(sql);
    auto it = m_statements.find(key);
    if (it == m_statements.end())
        it = m_statements.emplace(key, std::make_unique<SqliteCursor>(m_db, sql)).first;
    return *it->second;
}

void SqliteConnection::exec(std::string_view sql)
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

std::string SqliteConnection::scalar(std::string_view sql, bool *found)
{
    SqliteCursor cursor(m_db, sql); // one-off statements (pragmas) are not worth caching
    const bool row = cursor.step() && !cursor.isNull(0);
    if (found)
        *found = row;
    return row ? std::string(cursor.bytes(0)) : std::string();
}

int SqliteConnection::changes() const
{
    return sqlite3_changes(m_db);
}

bool SqliteConnection::inTransaction() const
{
    return sqlite3_get_autocommit(m_db) == 0;
}

bool SqliteConnection::tableExists(std::string_view name)
{
    auto &cursor = prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?");
    Query q(cursor);
    q.bind(1, name);
    return q.step() && q.int64(0) > 0;
}

} // namespace activelabel
