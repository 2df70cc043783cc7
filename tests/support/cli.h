#pragma once
// The activelabel-cli the tests run (ctest passes its folder as ACTIVELABEL_BIN_DIR), run once or
// inside a bash script, and quoting for the shell loops some tests build around it.
#include <QString>
#include <QStringList>

namespace activelabel::testsupport {

QString cliPath();

// Single-quoted for sh, with embedded quotes closed, escaped and reopened.
QString shellQuote(const QString &text);

// What a run printed and how it ended; out and err as printed (not trimmed).
struct CliResult
{
    int exitCode = -1; // -1: did not finish in time (killed), -2: crashed
    QString out;
    QString err;

    bool crashed() const { return exitCode == -2; }
    QString describe() const; // exit code, stdout and stderr, for a failure message
};

// activelabel-cli ARGS.
CliResult runCli(const QStringList &args, int timeoutMs = 300000);
// `bash -c SCRIPT` with $cli set to the CLI's path: for ulimit, loops and pipes around it.
CliResult runCliScript(const QString &script, int timeoutMs = 600000);

} // namespace activelabel::testsupport
