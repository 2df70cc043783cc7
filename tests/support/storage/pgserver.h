#pragma once
// A real PostgreSQL 15 server for the tests: Debian's postgresql-15 binaries, initdb into a
// fresh folder under /tmp, listening only on a Unix socket in that folder (no TCP port, so it never
// meets Debian's own cluster on 5432), stopped and removed when the test binary ends, also when it
// dies: a watchdog process stops it as soon as the test process's end of a pipe closes.
#include <QString>

#include <memory>
#include <string>
#include <sys/types.h>

namespace activelabel {
class Database;
}

namespace activelabel::testsupport {

class PgServer
{
public:
    // The binary's one server, started on first use. Never null; check available().
    static PgServer &instance();

    ~PgServer();
    PgServer(const PgServer &) = delete;
    PgServer &operator=(const PgServer &) = delete;

    // Whether the server runs. When not: notInstalled() says it is because postgresql-15 is
    // absent (tests skip), otherwise error() says what failed (tests fail).
    bool available() const { return m_running; }
    bool notInstalled() const { return m_notInstalled; }
    const QString &error() const { return m_error; }

    // Creates an empty database of a name unique in this run; returns its URI for the
    // superuser (no password: the socket is trusted for `postgres` only).
    std::string createDatabase();
    // A fresh schema (namespace) in the binary's one test database, as the URI of a connection
    // whose search_path starts there: what each test case gets. Much cheaper than a database
    // (CREATE DATABASE copies a template: ~0.5 s), and as isolated for our tables.
    std::string createSchema();
    // The socket-form URI of a database for a user, with the password in it when one is given.
    std::string uri(const std::string &database, const std::string &user = "postgres",
                    const std::string &password = {}) const;
    // Runs SQL as the superuser on the maintenance database (roles, databases).
    void adminExec(const std::string &sql);
    // For benchmarks, before the first instance(): commits wait for the disk (fsync on), as on a
    // real server, instead of the tests' no-fsync setting.
    static void setDurable(bool durable);
    // Stops the server (fast shutdown: clients are disconnected) and starts it again on the same
    // folder, as an administrator restarting it would. Each returns false and sets error() on failure.
    bool stopServer();
    bool startServer();
    const std::string &socketDir() const { return m_dir; }

private:
    PgServer();
    void start();
    QString serverOptions() const;
    bool run(const QStringList &command, QString *output);
    void startWatchdog();

    std::string m_dir; // /tmp/alpg-XXXXXX: the data folder and the socket
    bool m_running = false;
    bool m_notInstalled = false;
    QString m_error;
    int m_nextDatabase = 0;
    int m_nextSchema = 0;
    std::string m_schemaDatabase;
    std::unique_ptr<Database> m_schemaAdmin; // stays open: a connection costs a server process
    int m_watchdogPipe = -1;
    pid_t m_watchdog = -1;
    pid_t m_owner = -1;
};

} // namespace activelabel::testsupport

// In a test function (usually initTestCase): skips, saying why, when postgresql-15 is not
// installed, and fails when the server did not start.
#define ACTIVELABEL_REQUIRE_PGSERVER()                                                                   \
    do {                                                                                                 \
        activelabel::testsupport::PgServer &pgServer = activelabel::testsupport::PgServer::instance();   \
        if (pgServer.notInstalled())                                                                     \
            QSKIP(qPrintable(pgServer.error()));                                                         \
        QVERIFY2(pgServer.available(), qPrintable(pgServer.error()));                                    \
    } while (false)
