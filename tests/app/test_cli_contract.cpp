// activelabel-cli against /work/shared/CLI-CONTRACT.md: the real executable, real project
// directories (with spaces and non-ASCII characters), real generated images.
#include "storage/project.h"
#include "support/cli.h"
#include "support/imagecorpus.h"
#include "support/storage/projectholder.h"
#include "support/tempproject.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <csignal>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>

using namespace activelabel;
using namespace activelabel::testsupport;
namespace fs = std::filesystem;

namespace {

// The contract for errors: non-zero exit, exactly one line on stderr with the fixed prefix.
bool isOneLineError(const CliResult &r)
{
    return r.exitCode > 0 && r.err.startsWith(QStringLiteral("activelabel-cli: error: ")) &&
           r.err.count(QLatin1Char('\n')) == 1 && r.err.endsWith(QLatin1Char('\n'));
}

QJsonObject statusJson(const QString &project)
{
    const CliResult r = runCli({QStringLiteral("status"), project, QStringLiteral("--json")});
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

} // namespace

class TestCliContract : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFile::exists(cliPath()), qPrintable(cliPath() + " not built")); }

    void version()
    {
        const CliResult r = runCli({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QStringLiteral("activelabel-cli " ACTIVELABEL_VERSION));
    }

    void everyCommandHasHelp()
    {
        const CliResult overview = runCli({QStringLiteral("--help")});
        QCOMPARE(overview.exitCode, 0);
        // Commands are listed as "  NAME ARGS"; every one must answer --help.
        QStringList names;
        const QRegularExpression line(QStringLiteral("^  ([a-z][a-z-]*) "), QRegularExpression::MultilineOption);
        for (auto it = line.globalMatch(overview.out); it.hasNext();)
            names << it.next().captured(1);
        for (const char *required : {"init", "import", "import-fashion-mnist", "status", "label", "oracle", "export"})
            QVERIFY2(names.contains(QLatin1String(required)), required);
        for (const QString &name : names) {
            const CliResult r = runCli({name, QStringLiteral("--help")});
            QVERIFY2(r.exitCode == 0, qPrintable(name + ": " + r.describe()));
            QVERIFY2(r.out.startsWith(QStringLiteral("Usage: activelabel-cli ") + name + ' '), qPrintable(r.out));
            QVERIFY2(r.out.contains(QStringLiteral("--help")), qPrintable(r.out));
        }
    }

    void errorsAreOneLine()
    {
        TempDir tmp;
        const QString missing = QString::fromStdString(tmp.file("no such project"));
        const QList<QStringList> bad = {
            {QStringLiteral("frobnicate")},
            {QStringLiteral("status"), missing},
            {QStringLiteral("status")},
            {QStringLiteral("status"), missing, QStringLiteral("--bogus")},
            {QStringLiteral("import"), missing, QStringLiteral("/nowhere")},
            {QStringLiteral("label"), missing, QStringLiteral("x"), QStringLiteral("cat")},
            {QStringLiteral("oracle"), missing},
            {QStringLiteral("import-fashion-mnist"), missing, QStringLiteral("--limit"), QStringLiteral("-3")},
            {QStringLiteral("export"), missing, QStringLiteral("--labels"), QStringLiteral("out.txt")},
        };
        for (const QStringList &args : bad) {
            const CliResult r = runCli(args);
            QVERIFY2(isOneLineError(r), qPrintable(args.join(' ') + "\n" + r.describe()));
        }
        // init refuses an existing project.
        const QString project = QString::fromStdString(tmp.file("p"));
        QCOMPARE(runCli({QStringLiteral("init"), project}).exitCode, 0);
        QVERIFY(isOneLineError(runCli({QStringLiteral("init"), project})));
    }

    void importLabelStatusExport()
    {
        TempDir tmp;
        // Paths with spaces and non-ASCII characters everywhere.
        const std::string tree = tmp.file("bilder für tests");
        for (const char *cls : {"cat", "dog"})
            fs::create_directories(tree + "/" + cls);
        QVERIFY(writeImage(tree + "/cat/ä 1.png", 20, 20, 1));
        QVERIFY(writeImage(tree + "/cat/2.jpg", 20, 20, 2));
        QVERIFY(writeImage(tree + "/dog/3.png", 20, 20, 3));
        QVERIFY(writeFile(tree + "/dog/broken.jpg", "not a jpeg"));
        const std::string plain = tmp.file("plain images");
        fs::create_directories(plain);
        for (int i = 0; i < 4; ++i)
            QVERIFY(writeImage(plain + "/p" + std::to_string(i) + ".png", 16, 16, 10 + i));
        const QString project = QString::fromStdString(tmp.file("mein projekt ✓"));

        QCOMPARE(runCli({QStringLiteral("init"), project}).exitCode, 0);
        CliResult r = runCli({QStringLiteral("import"), project, QString::fromStdString(tree),
                              QStringLiteral("--image-folder")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(r.err.contains(QStringLiteral("broken.jpg"))); // the reason is shown
        r = runCli({QStringLiteral("import"), project, QString::fromStdString(plain)});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));

        QJsonObject s = statusJson(project);
        for (const char *key : {"images_total", "unlabelled", "labelled", "test", "classes", "model_version", "rejected_files"})
            QVERIFY2(s.contains(QLatin1String(key)), key);
        QCOMPARE(s.value(QStringLiteral("images_total")).toInt(), 7);
        QCOMPARE(s.value(QStringLiteral("labelled")).toInt(), 3);
        QCOMPARE(s.value(QStringLiteral("unlabelled")).toInt(), 4);
        QCOMPARE(s.value(QStringLiteral("test")).toInt(), 0);
        QCOMPARE(s.value(QStringLiteral("classes")).toArray(), QJsonArray({QStringLiteral("cat"), QStringLiteral("dog")}));
        QVERIFY(s.value(QStringLiteral("model_version")).isNull());
        QCOMPARE(s.value(QStringLiteral("rejected_files")).toInt(), 1);

        // Label an unlabelled image (ids 4..7 are the plain images).
        r = runCli({QStringLiteral("label"), project, QStringLiteral("5"), QStringLiteral("dog"),
                    QStringLiteral("--annotator"), QStringLiteral("zoë")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(r.out.trimmed(), QStringLiteral("saved"));
        QCOMPARE(statusJson(project).value(QStringLiteral("labelled")).toInt(), 4);
        QVERIFY(isOneLineError(runCli(
            {QStringLiteral("label"), project, QStringLiteral("5"), QStringLiteral("horse")})));
        QVERIFY(isOneLineError(runCli(
            {QStringLiteral("label"), project, QStringLiteral("999"), QStringLiteral("dog")})));

        const QString csv = QString::fromStdString(tmp.file("out dir ü/labels.csv"));
        fs::create_directories(tmp.file("out dir ü"));
        r = runCli({QStringLiteral("export"), project, QStringLiteral("--labels"), csv});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.value(0), QStringLiteral("image_id,path,class,source,annotator,labelled_at"));
        QCOMPARE(lines.size(), 5);
        const QString humanRow = lines.filter(QRegularExpression(QStringLiteral("^5,"))).value(0);
        QVERIFY2(humanRow.contains(QStringLiteral(",dog,human,zoë,")), qPrintable(humanRow));
        QVERIFY(lines.filter(QStringLiteral(",import,")).size() == 3);

        const QString json = QString::fromStdString(tmp.file("labels.json"));
        QCOMPARE(
            runCli({QStringLiteral("export"), project, QStringLiteral("--labels"), json}).exitCode,
            0);
        QFile jf(json);
        QVERIFY(jf.open(QIODevice::ReadOnly));
        const QJsonArray rows = QJsonDocument::fromJson(jf.readAll()).array();
        QCOMPARE(rows.size(), 4);
        for (const char *key : {"image_id", "path", "class", "source", "annotator", "labelled_at"})
            QVERIFY2(rows.at(0).toObject().contains(QLatin1String(key)), key);
    }

    void lockedProject()
    {
        TempDir tmp;
        const QString project = QString::fromStdString(tmp.file("p"));
        QCOMPARE(runCli({QStringLiteral("init"), project}).exitCode, 0);
        const pid_t holder = holdProject(tmp.file("p"));
        QVERIFY(holder > 0);
        const CliResult refused = runCli(
            {QStringLiteral("oracle"), project, QStringLiteral("--count"), QStringLiteral("1")});
        const CliResult status =
            runCli({QStringLiteral("status"), project, QStringLiteral("--json")});
        const CliResult exported =
            runCli({QStringLiteral("export"), project, QStringLiteral("--labels"),
                    QString::fromStdString(tmp.file("l.csv"))});
        ::kill(holder, SIGKILL);
        ::waitpid(holder, nullptr, 0);
        QVERIFY2(isOneLineError(refused), qPrintable(refused.describe()));
        QVERIFY2(refused.err.contains(QStringLiteral("pid %1").arg(holder)), qPrintable(refused.err));
        QVERIFY2(status.exitCode == 0,
                 qPrintable(status.describe())); // read-only commands work meanwhile
        QVERIFY2(exported.exitCode == 0, qPrintable(exported.describe()));
        // After kill -9 the project opens for writing at once.
        const CliResult after = runCli(
            {QStringLiteral("import"), project, QString::fromStdString(tmp.file("p/images"))});
        QVERIFY2(after.exitCode == 0, qPrintable(after.describe()));
    }

    void fashionMnistAndOracle()
    {
        if (!fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
            QSKIP("dataset-fashion-mnist is not installed");
        TempDir tmp;
        const QString project = QString::fromStdString(tmp.file("fm"));
        QCOMPARE(runCli({QStringLiteral("init"), project}).exitCode, 0);
        CliResult r =
            runCli({QStringLiteral("import-fashion-mnist"), project, QStringLiteral("--limit"),
                    QStringLiteral("200"), QStringLiteral("--seed"), QStringLiteral("3")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        // The dataset's labels are ground truth, kept apart: the import must not call them labelled
        // when `status` then says 0 labelled.
        QVERIFY2(r.out.contains(QStringLiteral("10200 with ground truth (kept apart from labels)")),
                 qPrintable(r.out));
        QVERIFY2(!r.out.contains(QStringLiteral("labelled")), qPrintable(r.out));
        QJsonObject s = statusJson(project);
        QCOMPARE(s.value(QStringLiteral("labelled")).toInt(), 0);
        QCOMPARE(s.value(QStringLiteral("images_total")).toInt(), 10200);
        QCOMPARE(s.value(QStringLiteral("test")).toInt(), 10000);
        QCOMPARE(s.value(QStringLiteral("unlabelled")).toInt(), 200);
        QCOMPARE(s.value(QStringLiteral("classes")).toArray().size(), 10);
        QCOMPARE(s.value(QStringLiteral("classes")).toArray().at(0).toString(), QStringLiteral("T-shirt/top"));
        QVERIFY(isOneLineError(
            runCli({QStringLiteral("import-fashion-mnist"), project}))); // already imported

        r = runCli({QStringLiteral("oracle"), project, QStringLiteral("--count"),
                    QStringLiteral("15"), QStringLiteral("--seed"), QStringLiteral("1")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        s = statusJson(project);
        QCOMPARE(s.value(QStringLiteral("labelled")).toInt(), 15);
        QCOMPARE(s.value(QStringLiteral("unlabelled")).toInt(), 185);
        const QString csv = QString::fromStdString(tmp.file("l.csv"));
        QCOMPARE(
            runCli({QStringLiteral("export"), project, QStringLiteral("--labels"), csv}).exitCode,
            0);
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 16);
        QCOMPARE(lines.filter(QStringLiteral(",oracle,oracle,")).size(), 15);
    }
};

QTEST_GUILESS_MAIN(TestCliContract)
#include "test_cli_contract.moc"
