// Schema creation, the migration loop (simulated v0 -> v1 and a failing step), refusal of a newer
// schema, and pragmas read back on every connection.
#include "storage/project.h"
#include "storage/schema.h"
#include "storage/sqlitedatabase.h"
#include "support/tempproject.h"

#include <QTest>

using namespace activelabel;

class TestSchema : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createsEveryTable()
    {
        testsupport::TempDir tmp;
        auto project = Project::create(tmp.file("p"));
        Database &db = project->database();
        QCOMPARE(SchemaMigrator::version(db), SchemaMigrator::forProject().targetVersion());
        for (const char *table : {"images", "import_log", "classes", "labels", "label_history", "queries",
                                  "ground_truth", "model_versions", "metrics", "settings", "meta", "image_flags", "label_reviews"}) {
            auto q = db.query("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?");
            q.bind(1, table);
            QVERIFY(q.step());
            QVERIFY2(q.int64(0) == 1, table);
        }
        auto preds = project->openPredictions();
        QCOMPARE(SchemaMigrator::version(*preds), 1);
        QCOMPARE(preds->scalarInt("SELECT count(*) FROM sqlite_schema WHERE name IN ('predictions', 'prediction_runs')"), std::int64_t(2));
        // The project layout on disk.
        for (const char *entry : {"project.sqlite", "predictions.sqlite", "images", "models", "exports"})
            QVERIFY2(std::filesystem::exists(project->directory() / entry), entry);
    }

    void migratesVersionZeroDatabase()
    {
        // A v0 file: a database without a meta table (e.g. `init` interrupted before its first
        // commit). Opening it for writing runs step 0 -> 1 in a transaction.
        testsupport::TempDir tmp;
        std::filesystem::create_directories(tmp.file("p"));
        {
            Database raw(tmp.file("p/project.sqlite"), Database::Access::ReadWrite);
            raw.exec("CREATE TABLE leftover (x)");
            QCOMPARE(SchemaMigrator::version(raw), 0);
        }
        // Read-only open cannot migrate: refused with a clear message.
        try {
            Project::open(tmp.file("p"), Project::Mode::ReadOnly);
            QFAIL("read-only open of a v0 database must be refused");
        } catch (const SchemaError &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("needs an upgrade"), e.what());
        }
        auto project = Project::open(tmp.file("p"), Project::Mode::ReadWrite);
        QCOMPARE(SchemaMigrator::version(project->database()), SchemaMigrator::forProject().targetVersion());
        QCOMPARE(project->database().scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'leftover'"), std::int64_t(1));
        QCOMPARE(project->database().scalarInt("SELECT count(*) FROM labels"), std::int64_t(0));
    }

    void migratesVersionOneKeepingData()
    {
        // A project written by the first release (schema v1, before image flags and the predicted
        // class of queries): build it with the v1 step alone, add data, then open it normally.
        testsupport::TempDir tmp;
        std::filesystem::create_directories(tmp.file("p"));
        {
            Database raw(tmp.file("p/project.sqlite"), Database::Access::ReadWrite);
            SchemaMigrator::forProject().upTo(1).migrate(raw);
            QCOMPARE(SchemaMigrator::version(raw), 1);
            QCOMPARE(raw.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'image_flags'"), std::int64_t(0));
            raw.exec("INSERT INTO classes (id, name, hotkey, colour, position) VALUES (1, 'cat', '1', '#000000', 0)");
            raw.exec("INSERT INTO images (id, path, content_hash, width, height, split, added) "
                     "VALUES (1, X'2F612E706E67', X'00', 2, 2, 'pool', 0)");
            raw.exec("INSERT INTO queries (image_id, strategy, audit, queried_at) VALUES (1, 'random', 1, 0)");
        }
        auto project = Project::open(tmp.file("p"), Project::Mode::ReadWrite);
        Database &db = project->database();
        QCOMPARE(SchemaMigrator::version(db), SchemaMigrator::forProject().targetVersion());
        QCOMPARE(db.scalarInt("SELECT count(*) FROM queries WHERE predicted_class_id IS NULL"), std::int64_t(1));
        QCOMPARE(db.scalarInt("SELECT count(*) FROM image_flags"), std::int64_t(0));
        db.exec("INSERT INTO image_flags (image_id, flag, flagged_at) VALUES (1, 'bad', 0)");
        QVERIFY_THROWS_EXCEPTION(SqliteError,
                                 db.exec("UPDATE image_flags SET flag = 'odd' WHERE image_id = 1"));
    }

    void eachStepInItsOwnTransaction()
    {
        // A migrator with three steps, the third failing: the database ends at version 2, with the
        // third step's partial work rolled back.
        testsupport::TempDir tmp;
        Database db(tmp.file("m.sqlite"), Database::Access::ReadWrite);
        SchemaMigrator migrator("test", {[](Database &d) { d.exec("CREATE TABLE a (x)"); },
                                         [](Database &d) { d.exec("CREATE TABLE b (x)"); },
                                         [](Database &d) {
                                             d.exec("CREATE TABLE c (x)");
                                             d.exec("THIS IS NOT SQL");
                                         }});
        QVERIFY_THROWS_EXCEPTION(SqliteError, migrator.migrate(db));
        QCOMPARE(SchemaMigrator::version(db), 2);
        QCOMPARE(db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name IN ('a', 'b')"), std::int64_t(2));
        QCOMPARE(db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'c'"), std::int64_t(0));
        QVERIFY(!db.inTransaction());
        // Fixing the step resumes at version 2.
        SchemaMigrator fixed("test", {[](Database &) { QFAIL("step 0 must not run again"); },
                                      [](Database &) { QFAIL("step 1 must not run again"); },
                                      [](Database &d) { d.exec("CREATE TABLE c (x)"); }});
        QCOMPARE(fixed.migrate(db), 2);
        QCOMPARE(SchemaMigrator::version(db), fixed.targetVersion());
    }

    void refusesNewerSchema()
    {
        testsupport::TempDir tmp;
        { Project::create(tmp.file("p")); }
        {
            Database raw(tmp.file("p/project.sqlite"), Database::Access::ReadWrite);
            raw.exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
        }
        for (auto mode : {Project::Mode::ReadWrite, Project::Mode::ReadOnly}) {
            try {
                Project::open(tmp.file("p"), mode);
                QFAIL("a newer schema must be refused");
            } catch (const SchemaError &e) {
                const QString message = QString::fromUtf8(e.what());
                QVERIFY2(message.contains("newer ActiveLabel") && message.contains("99"), e.what());
            }
        }
        // And nothing was changed by the refused opens.
        Database raw(tmp.file("p/project.sqlite"), Database::Access::ReadOnly);
        QCOMPARE(SchemaMigrator::version(raw), 99);
    }

    void pragmasReadBack()
    {
        testsupport::TempDir tmp;
        auto project = Project::create(tmp.file("p"));
        auto check = [](Database &db) {
            QCOMPARE(QString::fromStdString(db.scalarText("PRAGMA journal_mode")), QStringLiteral("wal"));
            QCOMPARE(db.scalarInt("PRAGMA synchronous"), std::int64_t(2)); // FULL
            QCOMPARE(db.scalarInt("PRAGMA foreign_keys"), std::int64_t(1));
            QVERIFY(db.scalarInt("PRAGMA busy_timeout") >= 1000);
        };
        check(project->database());
        check(*project->openConnection());
        check(*project->openPredictions());
        auto reader = Project::open(tmp.file("p"), Project::Mode::ReadOnly);
        check(reader->database());
        // Foreign keys are enforced, not just switched on.
        QVERIFY_THROWS_EXCEPTION(SqliteError, project->database()
                                                  .query("INSERT INTO labels (image_id, class_id, source, labelled_at) VALUES (42, 42, 'human', 0)")
                                                  .exec());
    }

    void notAProject()
    {
        testsupport::TempDir tmp;
        QVERIFY_THROWS_EXCEPTION(ProjectError, Project::open(tmp.file("missing"), Project::Mode::ReadOnly));
        QVERIFY_THROWS_EXCEPTION(ProjectError, Project::open(tmp.path(), Project::Mode::ReadWrite));
        { Project::create(tmp.file("p")); }
        QVERIFY_THROWS_EXCEPTION(ProjectError, Project::create(tmp.file("p")));
    }
};

QTEST_GUILESS_MAIN(TestSchema)
#include "test_schema.moc"
