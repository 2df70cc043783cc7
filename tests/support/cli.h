#pragma once
// The activelabel-cli the tests run (ctest passes its folder as ACTIVELABEL_BIN_DIR) and quoting
// for the shell loops some tests build around it.
#include <QLatin1Char>
#include <QString>
#include <QtGlobal>

namespace activelabel::testsupport {

inline QString cliPath()
{
    return qEnvironmentVariable("ACTIVELABEL_BIN_DIR") + QStringLiteral("/activelabel-cli");
}

// Single-quoted for sh, with embedded quotes closed, escaped and reopened.
inline QString shellQuote(const QString &text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

} // namespace activelabel::testsupport
