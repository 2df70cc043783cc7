#include "support/storage/pgserver.h"

#include "storage/database.h"

#include <QFile>
#include <QProcess>

#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

namespace activelabel::testsupport {

namespace {

const QString kBinDir = QStringLiteral("/usr/lib/postgresql/15/bin");

} // namespace

PgServer &PgServer::instance()
{
    static PgServer server;
    return server;
}

PgServer::PgServer() : m_owner(getpid())
{
    if (!QFile::exists(kBinDir + QStringLiteral("/initdb"))) {
        m_notInstalled = true;
        m_error = QStringLiteral("PostgreSQL 15 is not installed (%1/initdb is missing; "
                                 "packaging/install-deps.sh installs postgresql-15)")
                      .arg(kBinDir);
        return;
    }
    start();
}

// Runs a server binary, as the postgres user when we are root (PostgreSQL refuses to run as root).
bool PgServer::run(const QStringList &command, QString *output)
{
    QStringList arguments = command;
    QString program = arguments.takeFirst();
    if (geteuid() == 0) {
        arguments = QStringList{QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--"), program} + arguments;
        program = QStringLiteral("runuser");
    }
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    const bool finished = process.waitForFinished(60000);
    if (output)
        *output = QString::fromLocal8Bit(process.readAll()).trimmed();
    return finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

namespace {
bool g_durable = false;
}

void PgServer::setDurable(bool durable)
{
    g_durable = durable;
}

QString PgServer::serverOptions() const
{
    return QStringLiteral("-k %1 -h '' %2 -c max_connections=60 -c shared_buffers=32MB")
        .arg(QString::fromStdString(m_dir), g_durable ? QString() : QStringLiteral("-F"));
}

bool PgServer::startServer()
{
    const QString dir = QString::fromStdString(m_dir);
    QString output;
    if (!run({kBinDir + QStringLiteral("/pg_ctl"), QStringLiteral("-D"), dir + QStringLiteral("/data"), QStringLiteral("-o"),
              serverOptions(), QStringLiteral("-l"), dir + QStringLiteral("/server.log"), QStringLiteral("-w"),
              QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("start")},
             &output)) {
        QFile log(dir + QStringLiteral("/server.log"));
        log.open(QIODevice::ReadOnly);
        m_error = QStringLiteral("pg_ctl start failed: ") + output.right(300) + QStringLiteral(" / ") +
                  QString::fromLocal8Bit(log.readAll()).right(400);
        return false;
    }
    return true;
}

bool PgServer::stopServer()
{
    QString output;
    m_schemaAdmin.reset(); // its connection would be cut anyway
    if (!run({kBinDir + QStringLiteral("/pg_ctl"), QStringLiteral("-D"), QString::fromStdString(m_dir) + QStringLiteral("/data"),
              QStringLiteral("-m"), QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("stop")},
             &output)) {
        m_error = QStringLiteral("pg_ctl stop failed: ") + output.right(300);
        return false;
    }
    return true;
}

void PgServer::start()
{
    // A short folder: the socket path (folder + "/.s.PGSQL.5432") must fit in 107 bytes.
    char pattern[] = "/tmp/alpg-XXXXXX";
    if (!mkdtemp(pattern)) {
        m_error = QStringLiteral("cannot create a folder under /tmp for the test server");
        return;
    }
    m_dir = pattern;
    if (geteuid() == 0) {
        const passwd *pw = getpwnam("postgres");
        if (!pw || chown(m_dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
            m_error = QStringLiteral("cannot hand %1 to the postgres user").arg(QString::fromStdString(m_dir));
            return;
        }
    }
    const QString dir = QString::fromStdString(m_dir);
    const QString data = dir + QStringLiteral("/data");
    QString output;
    // Trust for the superuser on the socket, passwords for every other role (so that a test can
    // give a wrong one); C collation and UTF-8, as SQLite compares text; no fsync (a test server).
    if (!run({kBinDir + QStringLiteral("/initdb"), QStringLiteral("-D"), data, QStringLiteral("-U"),
              QStringLiteral("postgres"), QStringLiteral("-E"), QStringLiteral("UTF8"), QStringLiteral("--locale=C"),
              QStringLiteral("--no-sync"), QStringLiteral("--auth-local=trust"), QStringLiteral("--auth-host=reject")},
             &output)) {
        m_error = QStringLiteral("initdb failed: ") + output.right(400);
        return;
    }
    QFile hba(data + QStringLiteral("/pg_hba.conf"));
    if (!hba.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        hba.write("local all postgres trust\nlocal all all scram-sha-256\n") < 0) {
        m_error = QStringLiteral("cannot write %1").arg(hba.fileName());
        return;
    }
    hba.close();
    if (!startServer())
        return;
    m_running = true;
    startWatchdog();
}

// A child that waits for the pipe to close (this process ended, however it ended), then stops the
// server and removes its folder. The write end is close-on-exec: programs the tests start do not
// keep the server alive.
void PgServer::startWatchdog()
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return;
    const std::string data = m_dir + "/data";
    const std::string stop = "runuser -u postgres -- " + kBinDir.toStdString() + "/pg_ctl -D " + data +
                             " -m immediate -w stop >/dev/null 2>&1; rm -rf " + m_dir;
    const std::string stopAsUser = kBinDir.toStdString() + "/pg_ctl -D " + data +
                                   " -m immediate -w stop >/dev/null 2>&1; rm -rf " + m_dir;
    const std::string script = geteuid() == 0 ? stop : stopAsUser;
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[1]);
        char byte;
        while (read(fds[0], &byte, 1) > 0) {
        }
        setsid(); // not in the test's process group: a kill of that group must not stop the cleanup
        execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char *>(nullptr));
        _exit(127);
    }
    close(fds[0]);
    if (pid < 0) {
        close(fds[1]);
        return;
    }
    m_watchdog = pid;
    m_watchdogPipe = fds[1];
}

PgServer::~PgServer()
{
    // A forked child of the test (e.g. a process that holds a project) must not stop the server,
    // nor close the parent's connection (it shares the socket).
    if (getpid() != m_owner) {
        (void)m_schemaAdmin.release();
        return;
    }
    m_schemaAdmin.reset();
    if (m_watchdogPipe >= 0) {
        close(m_watchdogPipe);
        int status = 0;
        waitpid(m_watchdog, &status, 0);
    } else if (!m_dir.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }
}

std::string PgServer::uri(const std::string &database, const std::string &user, const std::string &password) const
{
    return "postgresql://" + user + (password.empty() ? "" : ":" + password) + "@/" + database + "?host=" + m_dir;
}

void PgServer::adminExec(const std::string &sql)
{
    auto admin = Database::connectPostgres(uri("postgres"));
    admin->exec(sql);
}

std::string PgServer::createDatabase()
{
    // Names are ours (t1, t2, ...), never test input: CREATE DATABASE takes no parameters.
    const std::string name = "t" + std::to_string(++m_nextDatabase);
    adminExec("CREATE DATABASE " + name);
    return uri(name);
}

} // namespace activelabel::testsupport

namespace activelabel::testsupport {

std::string PgServer::createSchema()
{
    if (!m_schemaAdmin) {
        m_schemaDatabase = createDatabase();
        m_schemaAdmin = Database::connectPostgres(m_schemaDatabase);
    }
    const std::string name = "case" + std::to_string(++m_nextSchema); // ours, not test input
    m_schemaAdmin->exec("CREATE SCHEMA " + name);
    // options=-c search_path=NAME, percent-encoded as the URI syntax asks.
    return m_schemaDatabase + "&options=-csearch_path%3D" + name;
}

} // namespace activelabel::testsupport
