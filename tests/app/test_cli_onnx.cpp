// `activelabel-cli export PROJECT --onnx OUT.onnx`: the real executable on a real project trained
// by `train`; the sidecar carries the keys of the TorchScript export's; errors are one line.
// (The numerical round trip through OpenCV is tests/model/test_onnxexport.)
#include "support/cli.h"
#include "support/imagecorpus.h"
#include "support/tempproject.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <filesystem>

using namespace activelabel::testsupport;
namespace fs = std::filesystem;

namespace {

bool isOneLineError(const CliResult &r)
{
    return r.exitCode > 0 && r.err.startsWith(QStringLiteral("activelabel-cli: error: ")) &&
           r.err.count(QLatin1Char('\n')) == 1;
}

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject{};
}

} // namespace

class TestCliOnnx : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFile::exists(cliPath()), qPrintable(cliPath() + " not built")); }

    void exportOnnx()
    {
        TempDir tmp;
        QVERIFY(writeImageFolder(tmp.file("tree"), {"cat", "dog"}, 6));
        const QString project = QString::fromStdString(tmp.file("p"));
        QCOMPARE(runCli({QStringLiteral("init"), project}).exitCode, 0);
        CliResult r = runCli({QStringLiteral("import"), project, QString::fromStdString(tmp.file("tree")),
                              QStringLiteral("--image-folder")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString onnx = QString::fromStdString(tmp.file("model.onnx"));

        r = runCli({QStringLiteral("export"), project, QStringLiteral("--onnx"), onnx});
        QVERIFY2(isOneLineError(r) && r.err.contains(QStringLiteral("no model yet")), qPrintable(r.describe()));

        r = runCli({QStringLiteral("train"), project, QStringLiteral("--epochs"), QStringLiteral("1")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = runCli({QStringLiteral("export"), project, QStringLiteral("--onnx"), onnx});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.out.contains(QStringLiteral("model.onnx.json")), qPrintable(r.out));
        QFile file(onnx);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.size() > 1000);

        // The same sidecar keys as the TorchScript export's (plus what says it is ONNX).
        const QString pt = QString::fromStdString(tmp.file("model.pt"));
        QCOMPARE(runCli({QStringLiteral("export"), project, QStringLiteral("--model"), pt}).exitCode, 0);
        const QJsonObject onnxSidecar = readJson(onnx + ".json"), ptSidecar = readJson(pt + ".json");
        QVERIFY(!ptSidecar.isEmpty());
        for (const QString &key : ptSidecar.keys())
            QVERIFY2(onnxSidecar.contains(key), qPrintable(key));
        for (const char *key : {"input_size", "channels", "mean", "std", "classes"})
            QCOMPARE(onnxSidecar.value(QLatin1String(key)), ptSidecar.value(QLatin1String(key)));
        QCOMPARE(onnxSidecar.value(QStringLiteral("model_format")).toString(), QStringLiteral("onnx"));

        r = runCli({QStringLiteral("export"), project, QStringLiteral("--onnx"),
                    QString::fromStdString(tmp.file("missing dir/model.onnx"))});
        QVERIFY2(isOneLineError(r) && r.err.contains(QStringLiteral("cannot write")), qPrintable(r.describe()));
        r = runCli({QStringLiteral("export"), project, QStringLiteral("--onnx"), onnx, QStringLiteral("--model"), pt});
        QVERIFY2(isOneLineError(r), qPrintable(r.describe()));
    }
};

QTEST_GUILESS_MAIN(TestCliOnnx)
#include "test_cli_onnx.moc"
