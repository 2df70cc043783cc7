#pragma once

#include <QString>
#include <QStringList>

#include <cstddef>

namespace activelabel::bench {

// activelabel-cli train on the window's frozen project (`projectDir`, backbone `model`), reopened:
// with the backbone named, then without. Prints each run; returns summary lines, compared with
// the window's first round (`firstRoundSeconds`).
QStringList cliReopened(const QString &projectDir, const QString &model, double firstRoundSeconds);

// The CLI protocol on a project of its own: `pool` pool images + the 10,000 test images,
// 200 oracle labels and a first frozen round naming `model`, then `k` more labels and a second
// round without naming it. Returns the summary lines.
QStringList cliProtocol(const QString &projectDir, const QString &model, std::size_t pool, int k);

} // namespace activelabel::bench
