#pragma once

#include "ui/panels/metricsdata.h"

#include <QList>

namespace activelabel {

class Database;
class Project;

// Everything the metrics panel plots and `export --metrics` writes, read from storage: the audit
// estimate of pool accuracy (test-then-train audit draws, Wilson 95% interval over a window of
// recent draws) beside test accuracy, per-round training figures, per-class accuracy and the
// confusion matrix of the latest model on the test split (or on audit draws when there is no
// test split), the class balance of the labels, and labelling throughput.
struct MetricsReport
{
    QList<AccuracyPoint> accuracy;
    QList<RoundPoint> rounds;
    ClassSeries perClassAccuracy;
    ClassSeries classBalance;
    ConfusionData confusion;
    QList<ThroughputSample> throughput;
    int auditDraws = 0; // audit draws with a label so far

    static constexpr int kAuditWindow = 200;

    // `db`: the calling thread's connection to project.sqlite; predictions are read through a
    // connection of their own.
    static MetricsReport read(const Project &project, Database &db);

    // metrics.csv (every recorded metric), rounds.csv, accuracy.csv (the audit estimate series).
    // Returns the files written; throws std::runtime_error on I/O failure.
    QStringList writeCsv(const QString &dir) const;
};

} // namespace activelabel
