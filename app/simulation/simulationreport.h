#pragma once

#include "app/simulation/simulation.h"

#include <QFile>
#include <QString>

#include <map>
#include <vector>

namespace activelabel {

// Per strategy, over its seeds (std is the population std over seeds, as DeepAL+ reports it).
struct StrategySummary
{
    Strategy strategy = Strategy::Random;
    int seeds = 0;
    double aubcMean = 0.0, aubcStd = 0.0;   // AUBC of test accuracy from init to budget
    double finalMean = 0.0, finalStd = 0.0; // test accuracy at the last round
    double wallSeconds = 0.0;               // every seed's run, end to end
};

std::vector<StrategySummary> summarise(const std::vector<RoundRecord> &rounds,
                                       const std::map<Strategy, double> &wallSeconds);

// rounds.csv, written row by row (flushed) so that an interrupted run keeps its finished rounds.
// Header: strategy,seed,round,labels,test_accuracy,audit_accuracy,audit_low,audit_high,
// train_seconds,score_seconds. Missing values (no test split, no audit draw yet) are empty.
class RoundsCsvWriter
{
public:
    // Throws std::runtime_error when the file cannot be created.
    explicit RoundsCsvWriter(const QString &path);
    void append(const RoundRecord &record); // throws std::runtime_error on a write error

private:
    QFile m_file;
};

// summary.csv:
// strategy,seeds,aubc_mean,aubc_std,final_accuracy_mean,final_accuracy_std,wall_seconds. Throws
// std::runtime_error on failure.
void writeSummaryCsv(const QString &path, const std::vector<StrategySummary> &summaries);

// Test accuracy vs labels, one mean line per strategy with its min-max band over seeds. Needs a
// QApplication (the CLI makes one, offscreen, for simulate). Throws std::runtime_error on failure.
void writeLearningCurvePlot(const QString &path, const std::vector<RoundRecord> &rounds,
                            const QString &title);

// A one-line progress report for stderr.
QString progressLine(const RoundRecord &record, std::size_t budget);

} // namespace activelabel
