// A team project on the binary's own PostgreSQL 15: created only in an empty database, opened by
// URI from any number of connections, refused clearly when it is not one or is newer than us; its
// image bytes stored once per content; and its queue handed out by leases that never give one
// image to two clients, expire when a client dies, and are lost (not overwritten) once another
// client took the image.
#include "storage/classrepository.h"
#include "storage/groundtruthrepository.h"
#include "storage/imageblobrepository.h"
#include "storage/imageimporter.h"
#include "storage/labelrepository.h"
#include "storage/leaserepository.h"
#include "storage/project.h"
#include "storage/schema.h"
#include "storage/sqlitedatabase.h"
#include "storage/transaction.h"
#include "support/storage/imagerows.h"
#include "support/imagecorpus.h"
#include "support/storage/pgserver.h"
#include "support/tempproject.h"

#include <QTest>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

using namespace activelabel;
using namespace activelabel::testsupport;

namespace {

// A team project with `count` pool images that all have ground truth (class "a").
std::string teamWithImages(int count)
{
    const std::string uri = PgServer::instance().createSchema();
    auto project = Project::createOnServer(uri);
    Database &db = project->database();
    const auto ids = addImages(db, count);
    const std::int64_t cls = ClassRepository(db).add(QStringLiteral("a"));
    Transaction tx(db);
    for (std::int64_t id : ids)
        GroundTruthRepository(db).set(id, cls);
    tx.commit();
    return uri;
}

QString errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const std::exception &e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

} // namespace

class TestTeamProject : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        ACTIVELABEL_REQUIRE_PGSERVER();
    }

    void createdOnlyInAnEmptyDatabase()
    {
        PgServer &server = PgServer::instance();
        const std::string uri = server.createSchema();
        QVERIFY(Project::isServerUri(uri));
        QVERIFY(!Project::isServerUri("/home/ann/project"));
        QVERIFY2(errorOf([&] { Project::openOnServer(uri, Project::Mode::ReadOnly); }).startsWith("no project in postgresql://"),
                 qPrintable(errorOf([&] { Project::openOnServer(uri, Project::Mode::ReadOnly); })));
        {
            auto project = Project::createOnServer(uri);
            QVERIFY(project->isOnServer());
            QVERIFY(project->name().rfind("postgresql://", 0) == 0);
            QVERIFY(std::filesystem::is_directory(project->directory() / "images")); // the local cache
            Database &db = project->database();
            QCOMPARE(SchemaMigrator::forTeam().versionIn(db), SchemaMigrator::forTeam().targetVersion());
            QCOMPARE(SchemaMigrator::forServerPredictions().versionIn(db),
                     SchemaMigrator::forServerPredictions().targetVersion());
            QVERIFY(db.tableExists("prediction_runs") && db.tableExists("leases"));
        }
        QVERIFY(errorOf([&] { Project::createOnServer(uri); }).startsWith("a project already exists in"));
        // Several clients open it at once, each with its own connections.
        auto a = Project::openOnServer(uri, Project::Mode::ReadWrite);
        auto b = Project::openOnServer(uri, Project::Mode::ReadWrite);
        LabelRepository(a->database()).setLabel(addImage(a->database(), 1), ClassRepository(a->database()).add("x"),
                                                LabelSource::Human, QStringLiteral("ann"));
        QCOMPARE(LabelRepository(*b->openConnection()).count(), std::int64_t(1));

        // Another database with a table of its own is not taken over.
        const std::string other = server.createSchema();
        Database::connectPostgres(other)->exec("CREATE TABLE mine (x INTEGER)");
        const QString notEmpty = errorOf([&] { Project::createOnServer(other); });
        QVERIFY2(notEmpty.contains("the database is not empty (1 tables)"), qPrintable(notEmpty));
    }

    void version2LeasesUpgradeToPerAnnotatorLeases()
    {
        // A team database as the previous release left it (team v2: one lease per image), with a
        // live lease; opening it for writing upgrades it in place.
        const std::string uri = PgServer::instance().createSchema();
        {
            auto db = Database::connectPostgres(uri);
            SchemaMigrator::forProject().migrate(*db);
            SchemaMigrator::forServerPredictions().migrate(*db);
            SchemaMigrator::forTeam().upTo(2).migrate(*db);
            addImage(*db, 1);
            db->exec("INSERT INTO leases (image_id, holder, annotator, expires_at) VALUES (1, 'a@h:1', 'a', 9000000000000)");
            QVERIFY_THROWS_EXCEPTION(DatabaseError, db->exec("INSERT INTO leases (image_id, holder, annotator, expires_at) "
                                                             "VALUES (1, 'b@h:2', 'b', 9000000000000)"));
        }
        auto project = Project::openOnServer(uri, Project::Mode::ReadWrite);
        Database &db = project->database();
        QCOMPARE(SchemaMigrator::forTeam().versionIn(db), SchemaMigrator::forTeam().targetVersion());
        QCOMPARE(db.scalarText("SELECT holder FROM leases WHERE image_id = 1"), std::string("a@h:1"));
        db.exec("INSERT INTO leases (image_id, holder, annotator, expires_at) VALUES (1, 'b@h:2', 'b', 9000000000000)");
        QVERIFY_THROWS_EXCEPTION(DatabaseError, db.exec("INSERT INTO leases (image_id, holder, annotator, expires_at) "
                                                        "VALUES (1, 'a@h:3', 'a', 9000000000000)"));
    }

    void newerSchemaIsRefused()
    {
        const std::string uri = PgServer::instance().createSchema();
        Project::createOnServer(uri);
        Database::connectPostgres(uri)->exec("UPDATE meta SET value = '99' WHERE key = 'team_schema_version'");
        const QString error = errorOf([&] { Project::openOnServer(uri, Project::Mode::ReadWrite); });
        QVERIFY2(error.contains("written by a newer ActiveLabel"), qPrintable(error));
    }

    void imageBytesAreStoredOncePerContent()
    {
        auto project = Project::createOnServer(PgServer::instance().createSchema());
        ImageBlobRepository blobs(project->database());
        const QByteArray hash = QByteArray::fromHex("00112233445566778899aabbccddeeff00112233");
        const QByteArray bytes("\x89PNG\r\n\x1a\n\0binary", 16);
        blobs.put(hash, bytes);
        blobs.put(hash, QByteArray("other bytes")); // the same content hash: kept as first stored
        QCOMPARE(blobs.count(), std::int64_t(1));
        QCOMPARE(*blobs.get(hash), bytes);
        QVERIFY(!blobs.get(QByteArray(20, 'x')));
    }

    void concurrentClaimsNeverShareAnImage()
    {
        const std::string uri = teamWithImages(400);
        constexpr int kClients = 8;
        std::vector<std::vector<std::int64_t>> claimed(kClients);
        std::vector<std::thread> clients;
        for (int c = 0; c < kClients; ++c)
            clients.emplace_back([&, c] {
                auto db = Database::connectPostgres(uri);
                // Two annotators, four clients each: a race between two clients of one annotator
                // ends at the lease's key, one between annotators at the check after the claim.
                LeaseRepository leases(*db, "client" + std::to_string(c), QStringLiteral("ann%1").arg(c % 2));
                for (int round = 0; round < 5; ++round) {
                    const auto ids = leases.claimWithTruth(10, 60'000, 7);
                    claimed[c].insert(claimed[c].end(), ids.begin(), ids.end());
                }
            });
        for (auto &t : clients)
            t.join();
        std::set<std::int64_t> distinct;
        std::size_t total = 0;
        for (const auto &ids : claimed) {
            total += ids.size();
            distinct.insert(ids.begin(), ids.end());
        }
        QCOMPARE(total, std::size_t(kClients * 5 * 10)); // 400 free images: every claim was served in full
        QCOMPARE(distinct.size(), total);
        auto db = Database::connectPostgres(uri);
        QCOMPARE(LeaseRepository(*db, "reader", QStringLiteral("r")).liveCount(), std::int64_t(total));
        QVERIFY(LeaseRepository(*db, "x", QStringLiteral("x")).claimWithTruth(10, 60'000, 7).empty()); // all leased
    }

    void overlapRoutesEachImageToKDistinctAnnotators()
    {
        // Overlap 2: six annotators claim at once, each from its own connection; no image goes to
        // more than two of them nor twice to one, and once they are done every image has two.
        constexpr int kImages = 100;
        constexpr int kClients = 6;
        const std::string uri = teamWithImages(kImages);
        LeaseRepository::setOverlap(*Database::connectPostgres(uri), 2);
        std::vector<std::vector<std::int64_t>> claimed(kClients);
        auto claimUntilEmpty = [&](int c) {
            auto db = Database::connectPostgres(uri);
            LeaseRepository leases(*db, "client" + std::to_string(c), QStringLiteral("ann%1").arg(c));
            for (int empty = 0; empty < 3;) {
                const auto ids = leases.claimWithTruth(7, 60'000, static_cast<std::uint32_t>(c * 31));
                claimed[c].insert(claimed[c].end(), ids.begin(), ids.end());
                empty = ids.empty() ? empty + 1 : 0;
            }
        };
        std::vector<std::thread> clients;
        for (int c = 0; c < kClients; ++c)
            clients.emplace_back(claimUntilEmpty, c);
        for (auto &t : clients)
            t.join();
        for (int c = 0; c < kClients; ++c) // a claim may come back empty while others hold row locks
            claimUntilEmpty(c);
        std::map<std::int64_t, int> takers;
        for (const auto &ids : claimed) {
            QCOMPARE(std::set<std::int64_t>(ids.begin(), ids.end()).size(), ids.size());
            for (std::int64_t id : ids)
                ++takers[id];
        }
        QCOMPARE(takers.size(), std::size_t(kImages));
        for (const auto &[id, count] : takers)
            QVERIFY2(count == 2, qPrintable(QStringLiteral("image %1 went to %2 annotators").arg(id).arg(count)));
        auto db = Database::connectPostgres(uri);
        QCOMPARE(db->scalarInt("SELECT MAX(c) FROM (SELECT COUNT(*) AS c FROM leases GROUP BY image_id) AS t"),
                 std::int64_t(2));
    }

    void anAnnotatorsLabelCountsTowardsTheOverlap()
    {
        const std::string uri = teamWithImages(5);
        auto db = Database::connectPostgres(uri);
        LeaseRepository::setOverlap(*db, 2);
        QCOMPARE(LeaseRepository::overlap(*db), 2);
        GroundTruthRepository truth(*db);
        LabelRepository labels(*db);
        // The number of images claimed and labelled; 0 when a lease or a write failed.
        auto labelAll = [&](LeaseRepository &leases, const QString &who) -> std::size_t {
            const auto ids = leases.claimWithTruth(10, 60'000, 0);
            for (std::int64_t id : ids) {
                Transaction tx(*db);
                if (!leases.release(id) || !labels.writeInTransaction(id, *truth.get(id), LabelSource::Oracle, who, true))
                    return 0;
                tx.commit();
            }
            return ids.size();
        };
        LeaseRepository a(*db, "a@host:1", QStringLiteral("a"));
        LeaseRepository b(*db, "b@host:2", QStringLiteral("b"));
        LeaseRepository c(*db, "c@host:3", QStringLiteral("c"));
        QCOMPARE(labelAll(a, QStringLiteral("a")), std::size_t(5));
        QVERIFY(a.claimWithTruth(10, 60'000, 0).empty()); // a labelled them all: none is a's to label again
        QCOMPARE(labelAll(b, QStringLiteral("b")), std::size_t(5));
        QVERIFY(c.claimWithTruth(10, 60'000, 0).empty()); // two votes each: done
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM label_history"), std::int64_t(10));
        QCOMPARE(labels.count(), std::int64_t(5));
    }

    void hostileNamesAreDataNeverSql()
    {
        // Class and file names that would break SQL built from text travel as parameters only.
        TempDir tmp;
        const std::string evilClass = "'; DROP TABLE labels; --";
        const std::string evilFile = "it's \"quoted\"; DELETE FROM images; --.png";
        const std::string tree = tmp.file("tree");
        std::filesystem::create_directories(tree + "/" + evilClass);
        std::filesystem::create_directories(tree + "/Robert'); DROP TABLE classes;--");
        QVERIFY(writeImage(tree + "/" + evilClass + "/" + evilFile, 16, 16, 1));
        QVERIFY(writeImage(tree + "/Robert'); DROP TABLE classes;--/x.png", 16, 16, 2));
        auto project = Project::createOnServer(PgServer::instance().createSchema());
        ImageImporter::Options options;
        options.labelMode = ImportLabelMode::Labels;
        options.uploadTo = project->directory();
        const ImportSummary summary = ImageImporter(project->database(), options).importPaths({tree}, true);
        QCOMPARE(summary.added, std::int64_t(2));
        QCOMPARE(summary.labelled, std::int64_t(2));
        Database &db = project->database();
        QVERIFY(db.tableExists("labels") && db.tableExists("classes") && db.tableExists("images"));
        ClassRepository classes(db);
        QVERIFY(classes.find(QString::fromStdString(evilClass)));
        QVERIFY(classes.find(QStringLiteral("Robert'); DROP TABLE classes;--")));
        QCOMPARE(LabelRepository(db).count(), std::int64_t(2));
        QCOMPARE(ImageBlobRepository(db).count(), std::int64_t(2));
    }

    void expiredLeasesReturnAndALostLeaseWritesNothing()
    {
        const std::string uri = teamWithImages(5);
        auto db = Database::connectPostgres(uri);
        LeaseRepository dead(*db, "dead@host:1", QStringLiteral("dead"));
        const auto first = dead.claimWithTruth(5, -1, 0); // expired at once: a client that died
        QCOMPARE(first.size(), std::size_t(5));
        LeaseRepository alive(*db, "alive@host:2", QStringLiteral("alive"));
        const auto second = alive.claimWithTruth(5, 60'000, 0);
        QCOMPARE(std::set<std::int64_t>(second.begin(), second.end()), std::set<std::int64_t>(first.begin(), first.end()));

        // The dead client comes back: its lease was taken over, so its label must not be written.
        {
            Transaction tx(*db);
            QVERIFY(!dead.release(first[0]));
        }
        Transaction tx(*db);
        QVERIFY(alive.release(first[0]));
        QVERIFY(LabelRepository(*db).writeInTransaction(first[0], *GroundTruthRepository(*db).get(first[0]),
                                                        LabelSource::Oracle, QStringLiteral("alive"), false));
        tx.commit();
        alive.releaseAll();
        QCOMPARE(alive.liveCount(), std::int64_t(0));
        // Labelled images are never claimed again; the rest are free.
        QCOMPARE(LeaseRepository(*db, "third", QStringLiteral("t")).claimWithTruth(10, 60'000, 0).size(), std::size_t(4));
    }
};

QTEST_GUILESS_MAIN(TestTeamProject)
#include "test_teamproject.moc"
