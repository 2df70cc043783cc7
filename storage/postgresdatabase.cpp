#include "storage/postgresdatabase.h"

#include "storage/sqldialect.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

namespace activelabel {

namespace {

constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
// The advisory lock migrations take: any constant no other lock of ours uses.
constexpr const char *kSchemaLockSql = "SELECT pg_advisory_xact_lock(7305010274)";

// libpq's messages span lines ("connection to server ... failed: FATAL: ...\n\tIs the server
// running ...?"): one line for the user.
std::string oneLine(const char *text)
{
    std::string out;
    bool space = false;
    for (const char *p = text ? text : ""; *p; ++p) {
        if (*p == '\n' || *p == '\t' || *p == '\r' || *p == ' ') {
            space = true;
            continue;
        }
        if (space && !out.empty())
            out += ' ';
        space = false;
        out += *p;
    }
    return out.empty() ? std::string("unknown error") : out;
}

unsigned char hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return static_cast<unsigned char>(c - '0');
    return static_cast<unsigned char>((c | 0x20) - 'a' + 10);
}

} // namespace

std::string redactedPostgresUri(const std::string &uri)
{
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(uri.c_str(), &error);
    if (!options) {
        const std::string message = oneLine(error);
        PQfreemem(error);
        throw PostgresError("not a valid PostgreSQL connection URI: " + message, "");
    }
    std::string user, host, port, dbname;
    for (PQconninfoOption *o = options; o->keyword; ++o) {
        if (!o->val)
            continue;
        if (std::strcmp(o->keyword, "user") == 0)
            user = o->val;
        else if (std::strcmp(o->keyword, "host") == 0)
            host = o->val;
        else if (std::strcmp(o->keyword, "port") == 0)
            port = o->val;
        else if (std::strcmp(o->keyword, "dbname") == 0)
            dbname = o->val;
    }
    PQconninfoFree(options);
    std::string out = "postgresql://";
    if (!user.empty())
        out += user + "@";
    const bool socket = !host.empty() && host.front() == '/';
    if (!socket) {
        out += host;
        if (!port.empty())
            out += ":" + port;
    }
    out += "/" + dbname;
    if (socket)
        out += "?host=" + host + (port.empty() ? std::string() : "&port=" + port);
    return out;
}

bool isPostgresUri(const std::string &argument)
{
    return argument.rfind("postgresql://", 0) == 0 || argument.rfind("postgres://", 0) == 0;
}

PostgresCursor::PostgresCursor(PostgresConnection &connection, std::string name, std::string sql,
                               std::vector<int> slots)
    : m_connection(connection), m_name(std::move(name)), m_sql(std::move(sql)), m_slots(std::move(slots))
{
    int count = 0;
    for (int slot : m_slots)
        count = std::max(count, slot);
    m_values.resize(static_cast<std::size_t>(count));
    m_null.assign(static_cast<std::size_t>(count), 1); // unbound parameters are NULL, as in SQLite
    m_formats.assign(static_cast<std::size_t>(count), 0);
}

PostgresCursor::~PostgresCursor()
{
    PQclear(m_result);
}

// The value slot of a SQLite parameter number, or npos for a number the statement does not use.
std::size_t PostgresCursor::slot(int index)
{
    if (index < 1 || static_cast<std::size_t>(index) > m_slots.size())
        throw PostgresError("cannot bind parameter " + std::to_string(index) + " for \"" + m_sql +
                                "\": it has " + std::to_string(m_slots.size()),
                            "");
    if (m_result) { // binding rewinds, as sqlite3_reset would have to
        PQclear(m_result);
        m_result = nullptr;
    }
    const int pg = m_slots[static_cast<std::size_t>(index - 1)];
    return pg == 0 ? std::string::npos : static_cast<std::size_t>(pg - 1);
}

void PostgresCursor::bindInt(int index, std::int64_t value)
{
    const std::size_t s = slot(index);
    if (s == std::string::npos)
        return;
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    m_values[s].assign(buffer, result.ptr);
    m_null[s] = 0;
    m_formats[s] = 0;
}

void PostgresCursor::bindReal(int index, double value)
{
    const std::size_t s = slot(index);
    if (s == std::string::npos)
        return;
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value); // shortest exact form
    m_values[s].assign(buffer, result.ptr);
    m_null[s] = 0;
    m_formats[s] = 0;
}

void PostgresCursor::bindText(int index, std::string_view utf8)
{
    const std::size_t s = slot(index);
    if (s == std::string::npos)
        return;
    if (utf8.find('\0') != std::string_view::npos) // text parameters end at a NUL byte
        throw PostgresError("cannot bind text with a NUL byte for \"" + m_sql + "\"", "22021");
    m_values[s].assign(utf8);
    m_null[s] = 0;
    m_formats[s] = 0;
}

void PostgresCursor::bindBlob(int index, const void *data, std::size_t size)
{
    const std::size_t s = slot(index);
    if (s == std::string::npos)
        return;
    m_values[s].assign(static_cast<const char *>(data), size);
    m_null[s] = 0;
    m_formats[s] = 1; // binary: bytea as it is
}

void PostgresCursor::bindNull(int index)
{
    const std::size_t s = slot(index);
    if (s == std::string::npos)
        return;
    m_values[s].clear();
    m_null[s] = 1;
}

void PostgresCursor::run()
{
    const int count = static_cast<int>(m_values.size());
    std::vector<const char *> values(m_values.size());
    std::vector<int> lengths(m_values.size());
    for (std::size_t i = 0; i < m_values.size(); ++i) {
        values[i] = m_null[i] ? nullptr : m_values[i].c_str();
        lengths[i] = static_cast<int>(m_values[i].size());
    }
    m_result = m_connection.checked(PQexecPrepared(m_connection.handle(), m_name.c_str(), count, values.data(),
                                                   lengths.data(), m_formats.data(), 0),
                                    m_sql);
    m_connection.setChanges(std::atoi(PQcmdTuples(m_result)));
    m_rows = PQntuples(m_result);
    m_row = -1;
    m_decoded.assign(static_cast<std::size_t>(PQnfields(m_result)), std::string());
    m_decodedRow.assign(static_cast<std::size_t>(PQnfields(m_result)), -1);
}

bool PostgresCursor::step()
{
    if (!m_result)
        run();
    if (m_row < m_rows)
        ++m_row;
    return m_row < m_rows;
}

void PostgresCursor::reset()
{
    PQclear(m_result);
    m_result = nullptr;
    m_row = -1;
    m_rows = 0;
    for (std::size_t i = 0; i < m_values.size(); ++i) {
        m_values[i].clear();
        m_null[i] = 1;
        m_formats[i] = 0;
    }
}

bool PostgresCursor::isNull(int column) const
{
    return !m_result || m_row < 0 || m_row >= m_rows || column >= PQnfields(m_result) ||
           PQgetisnull(m_result, m_row, column);
}

std::int64_t PostgresCursor::int64(int column) const
{
    if (isNull(column))
        return 0;
    const char *text = PQgetvalue(m_result, m_row, column);
    const char *end = text + PQgetlength(m_result, m_row, column);
    if (PQftype(m_result, column) == kBoolOid)
        return *text == 't' ? 1 : 0;
    std::int64_t value = 0;
    const auto result = std::from_chars(text, end, value);
    if (result.ptr != end) // a numeric such as avg()'s "2.5000": truncate as SQLite does
        return static_cast<std::int64_t>(real(column));
    return value;
}

double PostgresCursor::real(int column) const
{
    if (isNull(column))
        return 0;
    const char *text = PQgetvalue(m_result, m_row, column);
    const char *end = text + PQgetlength(m_result, m_row, column);
    double value = 0; // from_chars, not strtod: independent of the locale Qt sets
    std::from_chars(text, end, value);
    return value;
}

std::string_view PostgresCursor::bytes(int column) const
{
    if (isNull(column))
        return {};
    const char *text = PQgetvalue(m_result, m_row, column);
    const auto length = static_cast<std::size_t>(PQgetlength(m_result, m_row, column));
    if (PQftype(m_result, column) != kByteaOid)
        return std::string_view(text, length);
    auto &decoded = m_decoded[static_cast<std::size_t>(column)];
    if (m_decodedRow[static_cast<std::size_t>(column)] != m_row) {
        // bytea_output = hex (set on connect): "\x" then two digits per byte.
        decoded.clear();
        decoded.reserve(length / 2);
        for (std::size_t i = 2; i + 1 < length; i += 2)
            decoded.push_back(static_cast<char>(hexValue(text[i]) << 4 | hexValue(text[i + 1])));
        m_decodedRow[static_cast<std::size_t>(column)] = m_row;
    }
    return decoded;
}

PostgresConnection::PostgresConnection(const std::string &uri, bool readOnly) : m_name(redactedPostgresUri(uri))
{
    // Later entries override earlier ones: the URI may set its own connect_timeout; the encoding
    // is ours (all text in and out is UTF-8).
    const char *keys[] = {"connect_timeout", "dbname", "client_encoding", "fallback_application_name", nullptr};
    const char *values[] = {"10", uri.c_str(), "UTF8", "activelabel", nullptr};
    m_conn = PQconnectdbParams(keys, values, 1);
    if (!m_conn || PQstatus(m_conn) != CONNECTION_OK) {
        const std::string message = oneLine(m_conn ? PQerrorMessage(m_conn) : "out of memory");
        PQfinish(m_conn);
        m_conn = nullptr;
        throw PostgresError("cannot connect to " + m_name + ": " + message, "");
    }
    // Notices ("relation already exists, skipping") would go to stderr.
    PQsetNoticeProcessor(m_conn, [](void *, const char *) {}, nullptr);
    try {
        exec(readOnly ? "SET bytea_output = 'hex'; SET default_transaction_read_only = on"
                      : "SET bytea_output = 'hex'");
    } catch (...) {
        PQfinish(m_conn);
        m_conn = nullptr;
        throw;
    }
}

PostgresConnection::~PostgresConnection()
{
    m_statements.clear();
    PQfinish(m_conn);
}

pg_result *PostgresConnection::checked(pg_result *result, const std::string &sql)
{
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return result;
    std::string state;
    std::string message;
    if (result && PQresultErrorField(result, PG_DIAG_SQLSTATE))
        state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    if (result && PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY))
        message = oneLine(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY));
    else
        message = oneLine(PQerrorMessage(m_conn));
    PQclear(result);
    if (PQstatus(m_conn) == CONNECTION_BAD)
        message = "lost the connection to " + m_name + ": " + message;
    throw PostgresError("cannot run \"" + sql.substr(0, 120) + "\": " + message, state);
}

Cursor &PostgresConnection::prepare(std::string_view sql)
{
    std::string key(sql);
    auto it = m_statements.find(key);
    if (it != m_statements.end())
        return *it->second;
    std::vector<int> slots;
    const std::string translated = sqldialect::postgresPlaceholders(sql, slots);
    std::string name = "al" + std::to_string(++m_nextStatement);
    PQclear(checked(PQprepare(m_conn, name.c_str(), translated.c_str(), 0, nullptr), key));
    auto cursor = std::make_unique<PostgresCursor>(*this, std::move(name), key, std::move(slots));
    return *m_statements.emplace(key, std::move(cursor)).first->second;
}

void PostgresConnection::exec(std::string_view sql)
{
    const std::string text(sql);
    pg_result *result = checked(PQexec(m_conn, text.c_str()), text);
    m_changes = std::atoi(PQcmdTuples(result));
    PQclear(result);
}

void PostgresConnection::execSchema(std::string_view sqliteDdl)
{
    exec(sqldialect::postgresSchema(sqliteDdl));
}

std::string PostgresConnection::scalar(std::string_view sql, bool *found)
{
    const std::string text(sql);
    pg_result *result = checked(PQexecParams(m_conn, text.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0), text);
    const bool row = PQntuples(result) > 0 && PQnfields(result) > 0 && !PQgetisnull(result, 0, 0);
    std::string value = row ? std::string(PQgetvalue(result, 0, 0), static_cast<std::size_t>(PQgetlength(result, 0, 0)))
                            : std::string();
    PQclear(result);
    if (found)
        *found = row;
    return value;
}

bool PostgresConnection::inTransaction() const
{
    const PGTransactionStatusType status = PQtransactionStatus(m_conn);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

void PostgresConnection::lockSchema()
{
    exec(kSchemaLockSql);
}

bool PostgresConnection::tableExists(std::string_view name)
{
    Query q(prepare("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = ?"));
    q.bind(1, name);
    return q.step() && q.int64(0) > 0;
}

} // namespace activelabel
