// The CLI on a team project, given only its server URI: init --server, the Fashion-MNIST import
// (image bytes to the server), status, three concurrent oracles that label distinct images through
// leases with their own names, label, export --labels; and one-line refusals for what a team
// project cannot do yet, for a second init, and for a wrong password; a password never reaches
// output, tables or exports.
#include "storage/database.h"
#include "support/cli.h"
#include "support/imagecorpus.h"
#include "support/storage/pgserver.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <set>

using namespace activelabel;
using namespace activelabel::testsupport;

namespace {

constexpr int kPool = 200;

bool isOneLineError(const CliResult &r)
{
    return r.exitCode > 0 && r.err.startsWith(QStringLiteral("activelabel-cli: error: ")) &&
           r.err.count(QLatin1Char('\n')) == 1;
}

} // namespace

class TestTeamCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(cliPath()), qPrintable(cliPath() + " not built"));
        ACTIVELABEL_REQUIRE_PGSERVER();
    }

    void teamProjectByUri()
    {
        const QString uri = QString::fromStdString(PgServer::instance().createDatabase());
        CliResult r = runCli({QStringLiteral("init"), QStringLiteral("--server"), uri});
        QVERIFY2(r.exitCode == 0 && r.out.startsWith(QStringLiteral("created team project in postgresql://")),
                 qPrintable(r.describe()));
        r = runCli({QStringLiteral("init"), QStringLiteral("--server"), uri});
        QVERIFY2(isOneLineError(r) && r.err.contains(QStringLiteral("a project already exists")), qPrintable(r.describe()));
        r = runCli({QStringLiteral("import-fashion-mnist"), uri, QStringLiteral("--limit"), QString::number(kPool),
                    QStringLiteral("--test-limit"), QStringLiteral("100")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const auto db = Database::connectPostgres(uri.toStdString());
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM image_blobs"), db->scalarInt("SELECT COUNT(DISTINCT content_hash) FROM images"));

        // Three annotators' clients at once: 3 x 40 distinct images, each label recorded as its own.
        std::vector<std::unique_ptr<QProcess>> oracles;
        for (int i = 0; i < 3; ++i) {
            auto p = std::make_unique<QProcess>();
            p->start(cliPath(), {QStringLiteral("oracle"), uri, QStringLiteral("--count"), QStringLiteral("40"),
                                 QStringLiteral("--annotator"), QStringLiteral("ann%1").arg(i)});
            oracles.push_back(std::move(p));
        }
        for (auto &p : oracles) {
            QVERIFY(p->waitForFinished(120000));
            QCOMPARE(p->exitCode(), 0);
            QCOMPARE(QString::fromUtf8(p->readAllStandardOutput()).trimmed(), QStringLiteral("labelled 40 images"));
        }
        QCOMPARE(db->scalarInt("SELECT COUNT(DISTINCT image_id) FROM label_history"), std::int64_t(120));
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM label_history"), std::int64_t(120));
        QCOMPARE(db->scalarInt("SELECT COUNT(DISTINCT annotator) FROM labels"), std::int64_t(3));
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM leases"), std::int64_t(0)); // every client gave its leases back

        const qint64 unlabelled = db->scalarInt("SELECT MIN(id) FROM images WHERE split = 'pool' AND id NOT IN (SELECT image_id FROM labels)");
        r = runCli({QStringLiteral("label"), uri, QString::number(unlabelled), QStringLiteral("Bag"),
                    QStringLiteral("--annotator"), QStringLiteral("zoë")});
        QVERIFY2(r.exitCode == 0 && r.out.trimmed() == QStringLiteral("saved"), qPrintable(r.describe()));

        r = runCli({QStringLiteral("status"), uri, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject status = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(status.value(QStringLiteral("labelled")).toInt(), 121);
        QCOMPARE(status.value(QStringLiteral("unlabelled")).toInt(), kPool - 121);
        QCOMPARE(status.value(QStringLiteral("test")).toInt(), 100);

        QTemporaryDir tmp;
        const QString csv = tmp.filePath(QStringLiteral("labels.csv"));
        r = runCli({QStringLiteral("export"), uri, QStringLiteral("--labels"), csv});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QCOMPARE(text.count(QLatin1Char('\n')), 122);
        QVERIFY(text.contains(QStringLiteral(",Bag,human,zoë,")));

        r = runCli({QStringLiteral("simulate"), uri, QStringLiteral("--strategy"), QStringLiteral("random")});
        QVERIFY2(isOneLineError(r) && r.err.contains(QStringLiteral("does not work on a team project")), qPrintable(r.describe()));
        r = runCli({QStringLiteral("export"), uri, QStringLiteral("--model"), tmp.filePath(QStringLiteral("m.pt"))});
        QVERIFY2(isOneLineError(r) && r.err.contains(QStringLiteral("no model yet")), qPrintable(r.describe()));
    }

    void overlapRoutesImagesForAgreementAndReview()
    {
        // Overlap 2 on a pool of 60: a and then b (who slips half the time) label the same 30
        // images; c and d at once take the other 30, each image once each; nothing is left for e.
        const QString uri = QString::fromStdString(PgServer::instance().createDatabase());
        CliResult r = runCli({QStringLiteral("init"), QStringLiteral("--server"), uri, QStringLiteral("--overlap"),
                              QStringLiteral("2")});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral("each image labelled by 2 annotators")),
                 qPrintable(r.describe()));
        QCOMPARE(runCli({QStringLiteral("import-fashion-mnist"), uri, QStringLiteral("--limit"), QStringLiteral("60"),
                         QStringLiteral("--test-limit"), QStringLiteral("10")})
                     .exitCode,
                 0);
        auto oracle = [&](const QString &who, const QStringList &more = {}) {
            return QStringList{QStringLiteral("oracle"), uri, QStringLiteral("--count"), QStringLiteral("30"),
                               QStringLiteral("--annotator"), who} + more;
        };
        QCOMPARE(runCli(oracle(QStringLiteral("a"))).out.trimmed(), QStringLiteral("labelled 30 images"));
        QCOMPARE(runCli(oracle(QStringLiteral("b"), {QStringLiteral("--slip-rate"), QStringLiteral("0.5")})).out.trimmed(),
                 QStringLiteral("labelled 30 images"));
        std::vector<std::unique_ptr<QProcess>> both;
        for (const QString &who : {QStringLiteral("c"), QStringLiteral("d")}) {
            both.push_back(std::make_unique<QProcess>());
            both.back()->start(cliPath(), oracle(who));
        }
        for (auto &p : both) {
            QVERIFY(p->waitForFinished(120000));
            QCOMPARE(QString::fromUtf8(p->readAllStandardOutput()).trimmed(), QStringLiteral("labelled 30 images"));
        }
        r = runCli(oracle(QStringLiteral("e")));
        QVERIFY2(r.exitCode == 0 && r.out.trimmed() == QStringLiteral("labelled 0 images"), qPrintable(r.describe()));

        const auto db = Database::connectPostgres(uri.toStdString());
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM label_history"), std::int64_t(120));
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM (SELECT DISTINCT image_id, annotator FROM label_history) AS t"),
                 std::int64_t(120)); // nobody was given an image twice
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM (SELECT image_id FROM label_history GROUP BY image_id"
                               " HAVING COUNT(*) = 2) AS t"),
                 std::int64_t(60)); // every image, exactly two annotators
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM label_history h JOIN label_history o ON o.image_id = h.image_id"
                               " WHERE h.annotator = 'c' AND o.annotator = 'd'"),
                 std::int64_t(30));
        r = runCli({QStringLiteral("status"), uri, QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("overlap")).toInt(), 2);

        // b's slips are the disagreements; the queue lists them, a reviewer settles one.
        const qint64 slips = db->scalarInt("SELECT COUNT(*) FROM label_history h JOIN ground_truth g ON"
                                           " g.image_id = h.image_id WHERE h.annotator = 'b' AND h.new_class_id <> g.class_id");
        QVERIFY(slips > 0);
        r = runCli({QStringLiteral("agreement"), uri, QStringLiteral("--json")});
        QJsonObject agreement = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(agreement.value(QStringLiteral("images_multi")).toInt(), 60);
        QCOMPARE(agreement.value(QStringLiteral("disagreements")).toInt(), int(slips));
        r = runCli({QStringLiteral("review"), uri, QStringLiteral("--json")});
        const QJsonObject queue = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(queue.value(QStringLiteral("count")).toInt(), int(slips));
        const QJsonObject first = queue.value(QStringLiteral("queue")).toArray().at(0).toObject();
        const qint64 imageId = first.value(QStringLiteral("image_id")).toInteger();
        const QString truth = first.value(QStringLiteral("votes")).toObject().value(QStringLiteral("a")).toString();
        QVERIFY(!truth.isEmpty() && first.value(QStringLiteral("majority")).isNull()); // one against one
        r = runCli({QStringLiteral("review"), uri, QString::number(imageId), truth, QStringLiteral("--reviewer"),
                    QStringLiteral("rev")});
        QVERIFY2(r.exitCode == 0 && r.out.trimmed() == QStringLiteral("settled"), qPrintable(r.describe()));
        r = runCli({QStringLiteral("review"), uri, QString::number(imageId), truth});
        QVERIFY2(isOneLineError(r) && r.err.contains(QStringLiteral("not awaiting review")), qPrintable(r.describe()));
        r = runCli({QStringLiteral("agreement"), uri, QStringLiteral("--json")});
        agreement = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(agreement.value(QStringLiteral("disagreements")).toInt(), int(slips) - 1);
        QCOMPARE(agreement.value(QStringLiteral("annotators")).toArray().size(), 4); // the reviewer is not a vote
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM labels l JOIN ground_truth g ON g.image_id = l.image_id"
                               " WHERE l.image_id = " + std::to_string(imageId) + " AND l.class_id = g.class_id"
                               " AND l.annotator = 'rev'"),
                 std::int64_t(1)); // the settled label is the image's label, what training reads
        r = runCli({QStringLiteral("review"), uri, QStringLiteral("--majority")});
        QVERIFY2(r.exitCode == 0 && r.out.startsWith(QStringLiteral("settled 0 images by majority; ")), qPrintable(r.describe()));
    }

    void folderImportUploadsTheBytes()
    {
        QTemporaryDir tmp;
        const std::string tree = tmp.filePath(QStringLiteral("tree")).toStdString();
        QVERIFY(writeImageFolder(tree, {"cat", "dog"}, 3));
        QVERIFY(writeFile(tree + "/cat/broken.png", QByteArray("not an image")));
        const QString uri = QString::fromStdString(PgServer::instance().createDatabase());
        QCOMPARE(runCli({QStringLiteral("init"), QStringLiteral("--server"), uri}).exitCode, 0);
        CliResult r = runCli({QStringLiteral("import"), uri, QString::fromStdString(tree), QStringLiteral("--image-folder")});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral("6 added, 0 duplicates, 1 rejected")), qPrintable(r.describe()));
        const auto db = Database::connectPostgres(uri.toStdString());
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM image_blobs"), std::int64_t(6));
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM labels"), std::int64_t(6));
        // Stored relative to the project, so that each client resolves it into its own cache.
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM images WHERE encode(path, 'escape') LIKE 'images/imported/%'"),
                 std::int64_t(6));
        // The same files again: recognised by their content, nothing stored twice.
        r = runCli({QStringLiteral("import"), uri, QString::fromStdString(tree), QStringLiteral("--image-folder")});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral("0 added, 6 duplicates")), qPrintable(r.describe()));
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM image_blobs"), std::int64_t(6));

        // Another machine (a cache of its own, empty): the images come from the server, whole,
        // with no temporary file left beside them.
        const QString cache = tmp.filePath(QStringLiteral("other machine"));
        QProcess other;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CACHE_HOME"), cache);
        other.setProcessEnvironment(env);
        other.start(cliPath(), {QStringLiteral("export"), uri, QStringLiteral("--image-folder"), tmp.filePath(QStringLiteral("out"))});
        QVERIFY(other.waitForFinished(120000));
        QVERIFY2(other.exitCode() == 0, other.readAllStandardError().constData());
        std::set<QByteArray> originals, fetched;
        for (QDirIterator it(QString::fromStdString(tree), {QStringLiteral("*.png")}, QDir::Files, QDirIterator::Subdirectories); it.hasNext();) {
            QFile f(it.next());
            if (f.open(QIODevice::ReadOnly))
                originals.insert(f.readAll());
        }
        int cached = 0;
        for (QDirIterator it(cache, QDir::Files, QDirIterator::Subdirectories); it.hasNext();) {
            const QString path = it.next();
            QVERIFY2(!path.contains(QStringLiteral(".tmp-")), qPrintable(path));
            QFile f(path);
            if (path.contains(QStringLiteral("/images/")) && f.open(QIODevice::ReadOnly)) {
                ++cached;
                fetched.insert(f.readAll());
            }
        }
        QCOMPARE(cached, 6);
        originals.erase(QByteArray("not an image")); // rejected at import: never on the server
        QVERIFY(fetched == originals);
    }

    void credentialsAreNeverPrintedNorStored()
    {
        PgServer &server = PgServer::instance();
        server.adminExec("CREATE DATABASE t_team_auth");
        server.adminExec("CREATE ROLE team_ann LOGIN PASSWORD 'right-one'");
        const QString wrong = QString::fromStdString(server.uri("t_team_auth", "team_ann", "hunter2-wrong"));
        const CliResult r = runCli({QStringLiteral("status"), wrong});
        QVERIFY2(isOneLineError(r) && r.err.contains(QStringLiteral("password authentication failed")), qPrintable(r.describe()));
        QVERIFY(!r.err.contains(QStringLiteral("hunter2")));
        const CliResult none = runCli({QStringLiteral("status"), QString::fromStdString(server.uri("t_team_auth"))});
        QVERIFY2(isOneLineError(none) && none.err.contains(QStringLiteral("no project in")), qPrintable(none.describe()));

        // With the right password in the URI: it reaches no output, no table, no export.
        server.adminExec("GRANT ALL ON SCHEMA public TO team_ann");
        server.adminExec("ALTER DATABASE t_team_auth OWNER TO team_ann");
        const QString right = QString::fromStdString(server.uri("t_team_auth", "team_ann", "right-one"));
        QTemporaryDir tmp;
        const std::string tree = tmp.filePath(QStringLiteral("tree")).toStdString();
        QVERIFY(writeImageFolder(tree, {"cat"}, 2));
        const QString csv = tmp.filePath(QStringLiteral("labels.csv"));
        QString printed;
        for (const QStringList &args : {QStringList{QStringLiteral("init"), QStringLiteral("--server"), right},
                                        QStringList{QStringLiteral("import"), right, QString::fromStdString(tree),
                                                    QStringLiteral("--image-folder")},
                                        QStringList{QStringLiteral("status"), right},
                                        QStringList{QStringLiteral("export"), right, QStringLiteral("--labels"), csv}}) {
            const CliResult run = runCli(args);
            QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
            printed += run.out + run.err;
        }
        QVERIFY2(!printed.contains(QStringLiteral("right-one")), qPrintable(printed));
        QFile exported(csv);
        QVERIFY(exported.open(QIODevice::ReadOnly));
        QVERIFY(!exported.readAll().contains("right-one"));
        const auto db = Database::connectPostgres(right.toStdString());
        QVERIFY(db->scalarInt("SELECT COUNT(*) FROM settings") > 0); // the import's folders, among others
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM settings WHERE value LIKE '%right-one%'"), std::int64_t(0));
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM meta WHERE value LIKE '%right-one%'"), std::int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestTeamCli)
#include "test_teamcli.moc"
