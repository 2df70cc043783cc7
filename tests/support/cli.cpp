#include "support/cli.h"

#include <QLatin1Char>
#include <QProcess>
#include <QtGlobal>

namespace activelabel::testsupport {

namespace {

CliResult run(const QString &program, const QStringList &args, int timeoutMs)
{
    QProcess process;
    process.start(program, args);
    CliResult r;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        r.err = QStringLiteral("timed out after %1 ms\n").arg(timeoutMs);
        return r;
    }
    r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    r.out = QString::fromUtf8(process.readAllStandardOutput());
    r.err = QString::fromUtf8(process.readAllStandardError());
    return r;
}

} // namespace

QString cliPath()
{
    return qEnvironmentVariable("ACTIVELABEL_BIN_DIR") + QStringLiteral("/activelabel-cli");
}

QString shellQuote(const QString &text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString CliResult::describe() const
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3").arg(exitCode).arg(out, err);
}

CliResult runCli(const QStringList &args, int timeoutMs)
{
    return run(cliPath(), args, timeoutMs);
}

CliResult runCliScript(const QString &script, int timeoutMs)
{
    return run(
        QStringLiteral("bash"),
        {QStringLiteral("-c"), QStringLiteral("cli=%1; %2").arg(shellQuote(cliPath()), script)},
        timeoutMs);
}

} // namespace activelabel::testsupport
