// `activelabel-cli train --semi` end to end on a real Fashion-MNIST project: the round learns from
// the unlabelled pool (it says how many pseudo-labels it used, at what threshold), and not one of
// those pseudo-labels reaches the labels table or a label export.
#include "support/cli.h"
#include "support/fashionmnist.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace activelabel::testsupport;

namespace {

QJsonObject statusJson(const QString &project)
{
    const CliResult r = runCli({QStringLiteral("status"), project, QStringLiteral("--json")});
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestSemiTrain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(cliPath()), qPrintable(cliPath() + " not built"));
        if (!hasFashionMnist())
            QSKIP("Fashion-MNIST (dataset-fashion-mnist) is not installed");
    }

    void pseudoLabelsAreUsedButNeverStored()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("semi project"));
        CliResult r = runCli({QStringLiteral("import-fashion-mnist"), project, QStringLiteral("--limit"),
                              QStringLiteral("600")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = runCli({QStringLiteral("oracle"), project, QStringLiteral("--count"), QStringLiteral("80"),
                    QStringLiteral("--seed"), QStringLiteral("4")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject before = statusJson(project);
        QCOMPARE(before.value(QStringLiteral("labelled")).toInt(), 80);
        const QString labelsBefore = dir.filePath(QStringLiteral("before.csv"));
        r = runCli({QStringLiteral("export"), project, QStringLiteral("--labels"), labelsBefore});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));

        r = runCli({QStringLiteral("train"), project, QStringLiteral("--semi"), QStringLiteral("--semi-steps"),
                    QStringLiteral("20"), QStringLiteral("--seed"), QStringLiteral("2")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QRegularExpression used(QStringLiteral("pseudo-labels: (\\d+) of (\\d+) unlabelled images \\(threshold "
                                                     "0\\.95, lowest class threshold (0\\.\\d+); not stored\\)"));
        const QRegularExpressionMatch m = used.match(r.out);
        QVERIFY2(m.hasMatch(), qPrintable(r.out));
        QCOMPARE(m.captured(2).toInt(), 600 - 80); // every unlabelled pool image was pseudo-labelled
        QVERIFY2(m.captured(1).toInt() > 0, qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("unlabelled steps: 20 ")));

        const QJsonObject after = statusJson(project);
        QCOMPARE(after.value(QStringLiteral("labelled")).toInt(), 80);
        QCOMPARE(after.value(QStringLiteral("unlabelled")).toInt(), before.value(QStringLiteral("unlabelled")).toInt());
        const QString labelsAfter = dir.filePath(QStringLiteral("after.csv"));
        r = runCli({QStringLiteral("export"), project, QStringLiteral("--labels"), labelsAfter});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(readAll(labelsAfter), readAll(labelsBefore));
        QCOMPARE(readAll(labelsAfter).count('\n'), 81); // header + the 80 oracle labels
    }

    void semiStepsNeedSemi()
    {
        QTemporaryDir dir;
        const CliResult r = runCli({QStringLiteral("train"), dir.filePath(QStringLiteral("p")),
                                    QStringLiteral("--semi-steps"), QStringLiteral("5")});
        QVERIFY(r.exitCode > 0);
        QVERIFY2(r.err.contains(QStringLiteral("--semi-steps needs --semi")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestSemiTrain)
#include "test_semitrain.moc"
