// What only a server connection has: a one-line message for each way of failing to reach the
// database (wrong password, no server, a URI libpq cannot read), a password that never appears in
// what we print, read-only sessions, and two clients migrating one database at once. Runs against
// the binary's own PostgreSQL 15 (support/storage/pgserver.h); skips only when it is not installed.
#include "storage/database.h"
#include "storage/postgresdatabase.h"
#include "storage/schema.h"
#include "support/storage/pgserver.h"

#include <QTest>

#include <thread>

using namespace activelabel;
using namespace activelabel::testsupport;

namespace {

QString connectError(const std::string &uri)
{
    try {
        Database::connectPostgres(uri);
    } catch (const PostgresError &e) {
        return QString::fromUtf8(e.what());
    }
    return QString();
}

} // namespace

class TestPostgresConnection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        ACTIVELABEL_REQUIRE_PGSERVER();
    }

    void uriIsShownWithoutPassword()
    {
        QCOMPARE(redactedPostgresUri("postgresql://ann:s3cret@db.example.org:5433/labels?sslmode=require"),
                 std::string("postgresql://ann@db.example.org:5433/labels"));
        QCOMPARE(redactedPostgresUri("postgresql://ann@/labels?host=/run/pg&port=5499&password=s3cret"),
                 std::string("postgresql://ann@/labels?host=/run/pg&port=5499"));
        QCOMPARE(redactedPostgresUri("host=/run/pg dbname=labels user=ann password=s3cret"),
                 std::string("postgresql://ann@/labels?host=/run/pg"));
        QVERIFY(isPostgresUri("postgresql://x@/y") && isPostgresUri("postgres://h/d"));
        QVERIFY(!isPostgresUri("/home/ann/project") && !isPostgresUri("project"));
    }

    void eachConnectionFailureIsOneClearLine()
    {
        PgServer &server = PgServer::instance();
        const std::string db = "t_auth";
        server.adminExec("CREATE DATABASE t_auth");
        server.adminExec("CREATE ROLE annotator LOGIN PASSWORD 'right-one'");
        QVERIFY(Database::connectPostgres(server.uri(db, "annotator", "right-one")));

        const QString wrong = connectError(server.uri(db, "annotator", "wrong-one"));
        QVERIFY2(wrong.contains("password authentication failed"), qPrintable(wrong));
        QVERIFY2(!wrong.contains("wrong-one") && !wrong.contains('\n'), qPrintable(wrong));
        QVERIFY2(wrong.startsWith("cannot connect to postgresql://annotator@/t_auth?host="), qPrintable(wrong));

        const QString noServer = connectError("postgresql://postgres:pw@/x?host=/tmp/no-such-server-dir");
        QVERIFY2(noServer.contains("No such file or directory") && !noServer.contains('\n') &&
                     !noServer.contains(":pw"),
                 qPrintable(noServer));
        const QString noDatabase = connectError(server.uri("no_such_db"));
        QVERIFY2(noDatabase.contains("does not exist"), qPrintable(noDatabase));
        const QString badUri = connectError("postgresql://ann@/x?nonsense=1");
        QVERIFY2(badUri.contains("not a valid PostgreSQL connection URI"), qPrintable(badUri));
    }

    void readOnlySessionRefusesWrites()
    {
        PgServer &server = PgServer::instance();
        const std::string uri = server.createDatabase();
        SchemaMigrator::forProject().migrate(*Database::connectPostgres(uri));
        auto reader = Database::connectPostgres(uri, Database::Access::ReadOnly);
        SchemaMigrator::forProject().check(*reader);
        QCOMPARE(reader->scalarInt("SELECT count(*) FROM labels"), std::int64_t(0));
        QVERIFY_THROWS_EXCEPTION(PostgresError, reader->query("INSERT INTO settings (key, value) VALUES (?, ?)")
                                                    .bind(1, "k")
                                                    .bind(2, "v")
                                                    .exec());
    }

    void clientsMigratingAtOnceTakeTurns()
    {
        // Four clients open a new team database at the same moment: the advisory lock makes one of
        // them create the schema, the others find it done; none fails.
        const std::string uri = PgServer::instance().createDatabase();
        std::atomic<int> failures{0};
        std::vector<std::thread> clients;
        for (int i = 0; i < 4; ++i)
            clients.emplace_back([&] {
                try {
                    auto db = Database::connectPostgres(uri);
                    SchemaMigrator::forProject().migrate(*db);
                } catch (...) {
                    ++failures;
                }
            });
        for (auto &c : clients)
            c.join();
        QCOMPARE(failures.load(), 0);
        auto db = Database::connectPostgres(uri);
        QCOMPARE(SchemaMigrator::version(*db), SchemaMigrator::forProject().targetVersion());
    }
};

QTEST_GUILESS_MAIN(TestPostgresConnection)
#include "test_postgresconnection.moc"
