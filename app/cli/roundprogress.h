#pragma once

#include "app/modelservice.h"

#include <QString>

namespace activelabel::cli {

class Context;

// One progress line a second on stderr, with the time left, per phase of a training round:
// "PREFIX: training: 40 of 180 steps (22%), 5 s left, loss 0.5120", then "PREFIX: scoring: ...".
RoundProgressCallback roundProgressPrinter(Context &context, const QString &prefix);

} // namespace activelabel::cli
