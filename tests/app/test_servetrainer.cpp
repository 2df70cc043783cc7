// The trainer role of a team project, with real processes on the tests' PostgreSQL: one
// serve-trainer trains as labels arrive while a second waits; the first is killed (SIGKILL) in the
// middle of a round; the second takes over from the latest version, whose checkpoint it reads
// from the server, and publishes the next; `train` meanwhile refuses to be a second trainer.
#include "storage/database.h"
#include "support/cli.h"
#include "support/storage/pgserver.h"

#include <QProcess>
#include <QTest>

using namespace activelabel;
using namespace activelabel::testsupport;

namespace {

std::unique_ptr<QProcess> startTrainer(const QString &uri)
{
    auto p = std::make_unique<QProcess>();
    p->start(cliPath(), {QStringLiteral("serve-trainer"), uri, QStringLiteral("--every"), QStringLiteral("20"),
                         QStringLiteral("--poll-seconds"), QStringLiteral("1"), QStringLiteral("--epochs"),
                         QStringLiteral("1"), QStringLiteral("--transfer"), QStringLiteral("frozen")});
    return p;
}

// Waits until the process has printed `text` on the given channel (both are kept in `seen`).
bool waitFor(QProcess &p, QString &seen, const QString &text, int timeoutMs = 120000)
{
    QElapsedTimer clock;
    clock.start();
    while (!seen.contains(text) && clock.elapsed() < timeoutMs && p.state() != QProcess::NotRunning) {
        p.waitForReadyRead(200);
        seen += QString::fromUtf8(p.readAllStandardOutput()) + QString::fromUtf8(p.readAllStandardError());
    }
    return seen.contains(text);
}

} // namespace

class TestServeTrainer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(cliPath()), qPrintable(cliPath() + " not built"));
        ACTIVELABEL_REQUIRE_PGSERVER();
    }

    void aWaitingTrainerTakesOverWhenTheFirstDies()
    {
        const QString uri = QString::fromStdString(PgServer::instance().createDatabase());
        QCOMPARE(runCli({QStringLiteral("init"), QStringLiteral("--server"), uri}).exitCode, 0);
        QCOMPARE(runCli({QStringLiteral("import-fashion-mnist"), uri, QStringLiteral("--limit"), QStringLiteral("300"),
                         QStringLiteral("--test-limit"), QStringLiteral("100")}).exitCode, 0);
        QCOMPARE(runCli({QStringLiteral("oracle"), uri, QStringLiteral("--count"), QStringLiteral("40")}).exitCode, 0);

        auto first = startTrainer(uri);
        QString firstSeen;
        QVERIFY2(waitFor(*first, firstSeen, QStringLiteral("round: model version 1")), qPrintable(firstSeen));
        auto second = startTrainer(uri);
        QString secondSeen;
        QVERIFY2(waitFor(*second, secondSeen, QStringLiteral("waiting to take over")), qPrintable(secondSeen));
        const CliResult train = runCli({QStringLiteral("train"), uri});
        QVERIFY2(train.exitCode == 1 && train.err.contains(QStringLiteral("another process is training")),
                 qPrintable(train.describe()));

        // New labels start a round; the first trainer dies in the middle of it.
        QCOMPARE(runCli({QStringLiteral("oracle"), uri, QStringLiteral("--count"), QStringLiteral("30")}).exitCode, 0);
        QVERIFY2(waitFor(*first, firstSeen, QStringLiteral("serve-trainer: training: ")), qPrintable(firstSeen));
        first->kill();
        QVERIFY(first->waitForFinished(10000));

        QVERIFY2(waitFor(*second, secondSeen, QStringLiteral("serve-trainer: training postgresql://")), qPrintable(secondSeen));
        // On a loaded machine the first may have finished its round before the kill reached it;
        // 20 more labels give the new trainer a round of its own either way.
        QCOMPARE(runCli({QStringLiteral("oracle"), uri, QStringLiteral("--count"), QStringLiteral("20"),
                         QStringLiteral("--seed"), QStringLiteral("1")}).exitCode, 0);
        QVERIFY2(waitFor(*second, secondSeen, QStringLiteral(", labels 90, ")), qPrintable(secondSeen));
        second->kill();
        QVERIFY(second->waitForFinished(10000));

        const auto db = Database::connectPostgres(uri.toStdString());
        QVERIFY(db->scalarInt("SELECT COUNT(*) FROM model_versions") >= 2);
        QCOMPARE(db->scalarInt("SELECT labels_used FROM model_versions ORDER BY id DESC LIMIT 1"), std::int64_t(90));
        // Every version's checkpoint is on the server, and the latest loads (evaluate reads it).
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM model_versions v WHERE NOT EXISTS "
                               "(SELECT 1 FROM model_files f WHERE f.name = v.checkpoint)"),
                 std::int64_t(0));
        const CliResult evaluate = runCli({QStringLiteral("evaluate"), uri, QStringLiteral("--json")});
        QVERIFY2(evaluate.exitCode == 0 && evaluate.out.contains(QStringLiteral("\"accuracy\"")),
                 qPrintable(evaluate.describe()));
    }
};

QTEST_GUILESS_MAIN(TestServeTrainer)
#include "test_servetrainer.moc"
