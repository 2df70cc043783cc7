// bench_gui_loop's CLI phases: activelabel-cli as a subprocess on a frozen project, first with
// the backbone named, then reopened without it (the on-disk features at work).
#include "guiloopcli.h"

#include "guidriver.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>

#include <cstdio>
#include <optional>

namespace activelabel::bench {

namespace {

constexpr int kCliFirstLabels = 200; // the CLI protocol's first round (the figure)

QString cliPath()
{
    const QString set = qEnvironmentVariable("ACTIVELABEL_CLI");
    if (!set.isEmpty())
        return set;
    return QDir(QCoreApplication::applicationDirPath())
        .absoluteFilePath(QStringLiteral("../../app/activelabel-cli"));
}

struct CliRun
{
    bool ok = false;
    double wallSeconds = 0;
    QString trainerSeconds; // its "seconds:" line (the trainer's round)
    QString version;
    QString error;
};

CliRun runCli(const QStringList &args)
{
    CliRun run;
    QProcess p;
    QElapsedTimer t;
    t.start();
    p.start(cliPath(), args);
    p.waitForFinished(-1);
    run.wallSeconds = double(t.nsecsElapsed()) / 1e9;
    run.ok = p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    for (const QString &line :
         QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("seconds: ")))
            run.trainerSeconds = line.mid(9).trimmed();
        if (line.startsWith(QLatin1String("model version: ")))
            run.version = line.mid(15).trimmed();
    }
    if (!run.ok)
        run.error =
            (p.errorString() + QStringLiteral("; ") + QString::fromUtf8(p.readAllStandardError()))
                .simplified()
                .right(400);
    return run;
}

// Runs activelabel-cli and prints its line; nullopt (with the reason printed) when it failed.
std::optional<CliRun> cliStep(const char *what, const QStringList &args)
{
    const CliRun run = runCli(args);
    if (!run.ok) {
        std::printf("  %-50s failed: %s\n", what, qPrintable(run.error));
        return std::nullopt;
    }
    if (run.version.isEmpty())
        std::printf("  %-50s wall %7.2f s\n", what, run.wallSeconds);
    else
        std::printf("  %-50s wall %7.2f s (trainer %s s), model v%s\n", what, run.wallSeconds,
                    qPrintable(run.trainerSeconds), qPrintable(run.version));
    std::fflush(stdout);
    return run;
}

bool cliBuilt()
{
    if (QFileInfo(cliPath()).isExecutable())
        return true;
    std::printf("\n%s not built (cmake --build build/release --target activelabel-cli): CLI path "
                "skipped\n",
                qPrintable(cliPath()));
    return false;
}


} // namespace

// The window's frozen project reopened by the CLI: features the window computed exist (once they
// are kept on disk), so neither run should need a backbone pass.
QStringList cliReopened(const QString &projectDir, const QString &model, double firstRoundSeconds)
{
    QStringList summary;
    if (!cliBuilt())
        return summary;
    std::printf("\nCLI path: activelabel-cli train on the window's frozen project, reopened\n");
    const QStringList base{QStringLiteral("train"), projectDir, QStringLiteral("--transfer"),
                           QStringLiteral("frozen")};
    const struct
    {
        const char *what;
        QStringList args;
    } runs[] = {{"train P --transfer frozen --backbone FILE.pt",
                 base + QStringList{QStringLiteral("--backbone"), model}},
                {"train P --transfer frozen (backbone not named)", base}};
    std::vector<double> walls;
    for (const auto &r : runs) {
        const auto run = cliStep(r.what, r.args);
        if (!run)
            return summary;
        walls.push_back(run->wallSeconds);
    }
    summary << QStringLiteral(
                   "CLI train on the window's project reopened: %1 s with --backbone, "
                   "%2 s without = %3x the window's first round (its first feature pass)")
                   .arg(walls[0], 0, 'f', 2)
                   .arg(walls[1], 0, 'f', 2)
                   .arg(walls[1] / firstRoundSeconds, 0, 'f', 2);
    return summary;
}

// The CLI measurement on a project of its own: --cli-pool pool images + the 10,000 test
// images, the oracle's 200 labels, a first frozen round naming the backbone (the first feature
// pass), K more labels, and a second round on the reopened project without naming it.
QStringList cliProtocol(const QString &projectDir, const QString &model, std::size_t pool, int k)
{
    QStringList summary;
    if (!cliBuilt())
        return summary;
    std::printf(
        "\nCLI path, the issue's protocol: %zu pool + 10,000 test images, frozen ResNet-18\n",
        pool);
    createFashionMnistProject(projectDir, pool); // closed again on return
    const QStringList train{QStringLiteral("train"), projectDir, QStringLiteral("--transfer"),
                            QStringLiteral("frozen")};
    const auto oracle = [&](int count) {
        return QStringList{QStringLiteral("oracle"), projectDir, QStringLiteral("--count"),
                           QString::number(count)};
    };
    const QByteArray firstLabels = QByteArray::number(kCliFirstLabels);
    const QByteArray moreLabels = QByteArray::number(k);
    if (!cliStep(("oracle P --count " + firstLabels).constData(), oracle(kCliFirstLabels)))
        return summary;
    const auto first = cliStep("train P --transfer frozen --backbone FILE.pt",
                               train + QStringList{QStringLiteral("--backbone"), model});
    if (!first || !cliStep(("oracle P --count " + moreLabels).constData(), oracle(k)))
        return summary;
    const auto second = cliStep("train P --transfer frozen (backbone not named)", train);
    if (!second)
        return summary;
    summary << QStringLiteral("CLI protocol (%1 pool + 10,000 test, %2 then %3 labels): round 1 "
                              "%4 s, round 2 on the reopened project %5 s = %6x (goal: <= 0.3x, no "
                              "backbone pass)")
                   .arg(pool)
                   .arg(kCliFirstLabels)
                   .arg(kCliFirstLabels + k)
                   .arg(first->wallSeconds, 0, 'f', 2)
                   .arg(second->wallSeconds, 0, 'f', 2)
                   .arg(second->wallSeconds / first->wallSeconds, 0, 'f', 2);
    return summary;
}

} // namespace activelabel::bench
