#pragma once

#include "model/transfermode.h"

#include <QString>

namespace activelabel::bench {

// The window's rounds through simulate's loop on `projectDir`: one classifier kept in memory,
// `k` labels a round from the ground truth, hybrid over the window's candidate limit, `rounds`
// rounds. Prints each round; returns the summary line.
QString simulatePhase(const QString &projectDir, const char *what, const QString &backbone, TransferMode mode,
                      int k, int rounds);

} // namespace activelabel::bench
