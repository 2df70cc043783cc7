#pragma once

#include "storage/database.h"

#include <unordered_map>
#include <vector>

struct pg_conn;
struct pg_result;

namespace activelabel {

// Any PostgreSQL failure: the server's or libpq's message on one line, and the SQLSTATE
// (e.g. 23505 unique violation, 28P01 wrong password; empty when libpq itself failed).
class PostgresError : public DatabaseError
{
public:
    PostgresError(const std::string &message, std::string sqlState)
        : DatabaseError(message, 0), m_sqlState(std::move(sqlState))
    {
    }
    const std::string &sqlState() const { return m_sqlState; }

private:
    std::string m_sqlState;
};

// A libpq connection URI or key=value string as it may be shown: user, host, port and database,
// never the password. Throws PostgresError when libpq cannot parse it.
std::string redactedPostgresUri(const std::string &uri);
// Whether a command-line argument names a server database rather than a project folder.
bool isPostgresUri(const std::string &argument);

class PostgresConnection;

// One prepared statement on the server. Values travel as parameters: text format for numbers
// and text, binary for blobs; results come back in text format (bytea as hex, decoded here).
class PostgresCursor : public Cursor
{
public:
    PostgresCursor(PostgresConnection &connection, std::string name, std::string sql, std::vector<int> slots);
    ~PostgresCursor() override;
    PostgresCursor(const PostgresCursor &) = delete;
    PostgresCursor &operator=(const PostgresCursor &) = delete;

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
    std::size_t slot(int index);
    void run();

    PostgresConnection &m_connection;
    std::string m_name;
    std::string m_sql;
    std::vector<int> m_slots; // SQLite parameter number - 1 -> PostgreSQL $N (0: unused)
    std::vector<std::string> m_values;
    std::vector<char> m_null;
    std::vector<int> m_formats;
    pg_result *m_result = nullptr;
    int m_row = -1;
    int m_rows = 0;
    mutable std::vector<std::string> m_decoded; // bytea columns of the current row
    mutable std::vector<int> m_decodedRow;
};

// A connection to a PostgreSQL database through libpq, with a cache of prepared statements.
//
// Why libpq and not Qt's QPSQL driver: the same reasons the SQLite side uses the sqlite3 C API
// (prepared statements we cache and reuse, exact control of transactions and session settings),
// plus binary parameters for blobs, the SQLSTATE of each error, and no QSqlDatabase registry;
// Debian's QPSQL plugin would also be one more package, linking libpq anyway.
class PostgresConnection : public Connection
{
public:
    // Connects (10 s timeout unless the URI sets connect_timeout). Throws PostgresError with one
    // line: the server as redactedPostgresUri() shows it and libpq's reason.
    PostgresConnection(const std::string &uri, bool readOnly);
    ~PostgresConnection() override;
    PostgresConnection(const PostgresConnection &) = delete;
    PostgresConnection &operator=(const PostgresConnection &) = delete;

    Dialect dialect() const override { return Dialect::Postgres; }
    Cursor &prepare(std::string_view sql) override;
    void exec(std::string_view sql) override;
    void execSchema(std::string_view sqliteDdl) override;
    std::string scalar(std::string_view sql, bool *found) override;
    int changes() const override { return m_changes; }
    bool inTransaction() const override;
    void beginWrite() override { exec("BEGIN"); }
    // A transaction-scoped advisory lock: two clients migrating at once take turns.
    void lockSchema() override;
    bool tableExists(std::string_view name) override;
    std::string name() const override { return m_name; }

    pg_conn *handle() const { return m_conn; }
    void setChanges(int changes) { m_changes = changes; }
    // Throws PostgresError for a failed result (and frees it); returns it otherwise.
    pg_result *checked(pg_result *result, const std::string &sql);

private:
    pg_conn *m_conn = nullptr;
    std::string m_name;
    int m_changes = 0;
    int m_nextStatement = 0;
    std::unordered_map<std::string, std::unique_ptr<PostgresCursor>> m_statements;
};

} // namespace activelabel
