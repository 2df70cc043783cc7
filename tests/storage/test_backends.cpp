// The database interface itself, the same on both backends (a SQLite file, a PostgreSQL server):
// values go through parameters and come back exact (quotes, NUL bytes, the full int64 range),
// SQLite-style placeholders (?, ?N with gaps) bind on both, errors are DatabaseError and leave no
// transaction open, and schema versions and migrations behave the same way.
#include "storage/database.h"
#include "storage/schema.h"
#include "storage/transaction.h"
#include "support/storage/backendfixture.h"
#include "support/storage/pgserver.h"

#include <QTest>

#include <limits>

using namespace activelabel;
using namespace activelabel::testsupport;

class TestBackends : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addBackendRows(); }

    void valuesRoundTripThroughParameters()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        Database &db = fx.db();
        db.execSchema("CREATE TABLE v (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB)");
        const std::int64_t big = std::numeric_limits<std::int64_t>::max();
        const std::int64_t small = std::numeric_limits<std::int64_t>::min();
        const QString hostile = QStringLiteral("it's \"quoted\"; '); DROP TABLE v; -- \u00e9\u4e2d ? $1");
        QByteArray bytes;
        for (int i = 0; i < 256; ++i)
            bytes.append(static_cast<char>(i));
        const std::int64_t first = db.query("INSERT INTO v (i, r, t, b) VALUES (?, ?, ?, ?) RETURNING id")
                                       .bind(1, big)
                                       .bind(2, 0.1)
                                       .bind(3, hostile)
                                       .bindBlob(4, bytes)
                                       .returnedId();
        auto q = db.query("INSERT INTO v (i, r, t, b) VALUES (?, ?, ?, ?) RETURNING id");
        q.bind(1, small).bind(2, -1e300).bind(3, QString()).bindBlob(4, QByteArray());
        const std::int64_t second = q.returnedId();
        q.reset();
        q.bindNull(1).bindNull(2).bindNull(3).bindNull(4);
        const std::int64_t third = q.returnedId();
        QCOMPARE(second, first + 1);
        QCOMPARE(third, second + 1);

        auto read = db.query("SELECT i, r, t, b FROM v WHERE id = ?");
        QVERIFY(read.bind(1, first).step());
        QCOMPARE(read.int64(0), big);
        QCOMPARE(read.real(1), 0.1);
        QCOMPARE(read.text(2), hostile);
        QCOMPARE(read.blob(3), bytes);
        read.reset();
        QVERIFY(read.bind(1, second).step());
        QCOMPARE(read.int64(0), small);
        QCOMPARE(read.real(1), -1e300);
        QVERIFY(!read.isNull(2) && read.text(2).isEmpty());
        QVERIFY(!read.isNull(3) && read.blob(3).isEmpty()); // an empty blob is not NULL
        read.reset();
        QVERIFY(read.bind(1, third).step());
        for (int column = 0; column < 4; ++column)
            QVERIFY(read.isNull(column));
        QVERIFY(!read.step());
        QCOMPARE(db.scalarInt("SELECT count(*) FROM v"), std::int64_t(3)); // the table is still there
        // A blob compares as a blob in WHERE.
        auto byBlob = db.query("SELECT id FROM v WHERE b = ?");
        QVERIFY(byBlob.bindBlob(1, bytes).step());
        QCOMPARE(byBlob.int64(0), first);
    }

    void numberedPlaceholdersWithGaps()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        Database &db = fx.db();
        db.execSchema("CREATE TABLE n (id INTEGER PRIMARY KEY, k TEXT)");
        for (const char *k : {"a", "b", "c", "d"})
            db.query("INSERT INTO n (k) VALUES (?)").bind(1, k).exec();
        // ?2 unused (as ImageRepository does without a split filter): bind 1 and 3 only.
        auto q = db.query("SELECT k FROM n WHERE id > ?1 AND k <> '?' ORDER BY id LIMIT ?3");
        q.bind(1, std::int64_t(1)).bind(3, std::int64_t(2));
        QVERIFY(q.step());
        QCOMPARE(q.utf8(0), std::string("b"));
        QVERIFY(q.step());
        QCOMPARE(q.utf8(0), std::string("c"));
        QVERIFY(!q.step());
        // Binding past the highest number is an error on both.
        q.reset();
        QVERIFY_THROWS_EXCEPTION(DatabaseError, q.bind(4, std::int64_t(1)));
    }

    void failuresAreDatabaseErrorsAndRollBack()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        Database &db = fx.db();
        db.execSchema("CREATE TABLE u (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
        db.query("INSERT INTO u (name) VALUES (?)").bind(1, "x").exec();
        QCOMPARE(db.changes(), 1);
        {
            Transaction tx(db);
            QVERIFY(db.inTransaction());
            db.query("INSERT INTO u (name) VALUES (?)").bind(1, "y").exec();
            QVERIFY_THROWS_EXCEPTION(DatabaseError, db.query("INSERT INTO u (name) VALUES (?)").bind(1, "x").exec());
        } // rolled back: "y" is gone too
        QVERIFY(!db.inTransaction());
        QCOMPARE(db.scalarInt("SELECT count(*) FROM u"), std::int64_t(1));
        db.query("UPDATE u SET name = name || ?").bind(1, "!").exec();
        QCOMPARE(db.changes(), 1);
        QVERIFY_THROWS_EXCEPTION(DatabaseError, db.exec("THIS IS NOT SQL"));
        QVERIFY(db.tableExists("u"));
        QVERIFY(!db.tableExists("nope"));
    }

    void migrationStepsEachInTheirOwnTransaction()
    {
        // Three steps, the third failing: the database ends at version 2, the third step's
        // partial work rolled back (PostgreSQL's DDL is transactional too).
        ACTIVELABEL_OPEN_BACKEND(fx);
        auto db = fx.openPredictions(); // any database of the backend; the steps below are ours
        SchemaMigrator migrator("test", {[](Database &d) { d.execSchema("CREATE TABLE a (x INTEGER)"); },
                                         [](Database &d) { d.execSchema("CREATE TABLE b (x INTEGER)"); },
                                         [](Database &d) {
                                             d.execSchema("CREATE TABLE c (x INTEGER)");
                                             d.exec("THIS IS NOT SQL");
                                         }});
        const int before = SchemaMigrator::version(*db);
        QCOMPARE(before, SchemaMigrator::forPredictions().targetVersion());
        db->exec("UPDATE meta SET value = '0' WHERE key = 'schema_version'");
        QVERIFY_THROWS_EXCEPTION(DatabaseError, migrator.migrate(*db));
        QCOMPARE(SchemaMigrator::version(*db), 2);
        QVERIFY(db->tableExists("a") && db->tableExists("b"));
        QVERIFY(!db->tableExists("c"));
        QVERIFY(!db->inTransaction());
        SchemaMigrator fixed("test", {[](Database &) { QFAIL("step 0 must not run again"); },
                                      [](Database &) { QFAIL("step 1 must not run again"); },
                                      [](Database &d) { d.execSchema("CREATE TABLE c (x INTEGER)"); }});
        QCOMPARE(fixed.migrate(*db), 2);
        QCOMPARE(SchemaMigrator::version(*db), 3);
        QVERIFY(db->tableExists("c"));
    }

    void version2ProjectTakesBulkAcceptedLabels()
    {
        // A project written before schema v3 (no `bulk-accepted` source), with labels and
        // history: the v3 step keeps every row (history ids too: undo reads them in order) and the
        // new source is accepted afterwards, an unknown one still refused.
        ACTIVELABEL_OPEN_BACKEND(fx);
        testsupport::TempDir tmp;
        std::unique_ptr<Database> db =
            fx.isPostgres() ? Database::connectPostgres(PgServer::instance().createSchema())
                            : std::make_unique<Database>(std::filesystem::path(tmp.file("v2.sqlite")),
                                                         Database::Access::ReadWrite);
        SchemaMigrator::forProject().upTo(2).migrate(*db);
        QCOMPARE(SchemaMigrator::version(*db), 2);
        db->exec("INSERT INTO classes (id, name, position) VALUES (1, 'cat', 0)");
        db->exec("INSERT INTO images (id, path, content_hash, width, height, added) "
                 "VALUES (1, 'a', 'h1', 2, 2, 0), (2, 'b', 'h2', 2, 2, 0)");
        db->exec("INSERT INTO labels (image_id, class_id, source, annotator, labelled_at) VALUES (1, 1, 'human', 'ann', 5)");
        db->exec("INSERT INTO label_history (id, image_id, new_class_id, source, annotator, changed_at) "
                 "VALUES (7, 1, 1, 'human', 'ann', 5)");
        QVERIFY_THROWS_EXCEPTION(DatabaseError, db->exec("INSERT INTO labels (image_id, class_id, source, labelled_at) "
                                                         "VALUES (2, 1, 'bulk-accepted', 6)"));

        QCOMPARE(SchemaMigrator::forProject().migrate(*db), 2);
        QCOMPARE(SchemaMigrator::version(*db), SchemaMigrator::forProject().targetVersion());
        QCOMPARE(db->scalarText("SELECT annotator FROM labels WHERE image_id = 1"), std::string("ann"));
        QCOMPARE(db->scalarInt("SELECT id FROM label_history WHERE image_id = 1"), std::int64_t(7));
        db->exec("INSERT INTO labels (image_id, class_id, source, labelled_at) VALUES (2, 1, 'bulk-accepted', 6)");
        db->exec("INSERT INTO label_history (image_id, new_class_id, source, changed_at) VALUES (2, 1, 'bulk-accepted', 6)");
        QCOMPARE(db->scalarInt("SELECT count(*) FROM label_history"), std::int64_t(2));
        QVERIFY_THROWS_EXCEPTION(DatabaseError, db->exec("UPDATE labels SET source = 'robot' WHERE image_id = 2"));
        QVERIFY_THROWS_EXCEPTION(DatabaseError,
                                 db->exec("UPDATE label_history SET source = 'robot' WHERE image_id = 2"));
        // The images' foreign keys still hold on the rebuilt tables.
        QVERIFY_THROWS_EXCEPTION(DatabaseError, db->exec("INSERT INTO labels (image_id, class_id, source, labelled_at) "
                                                         "VALUES (99, 1, 'human', 6)"));
    }

    void newerSchemaIsRefused()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        Database &db = fx.db();
        QCOMPARE(SchemaMigrator::version(db), SchemaMigrator::forProject().targetVersion());
        db.exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
        for (bool write : {true, false}) {
            try {
                write ? void(SchemaMigrator::forProject().migrate(db)) : SchemaMigrator::forProject().check(db);
                QFAIL("a newer schema must be refused");
            } catch (const SchemaError &e) {
                const QString message = QString::fromUtf8(e.what());
                QVERIFY2(message.contains("newer ActiveLabel") && message.contains("99"), e.what());
                QVERIFY2(!message.contains("password"), e.what());
            }
        }
        QCOMPARE(SchemaMigrator::version(db), 99); // nothing was changed by the refusals
    }
};

QTEST_GUILESS_MAIN(TestBackends)
#include "test_backends.moc"
