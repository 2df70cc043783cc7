#pragma once

#include <QElapsedTimer>
#include <QString>

#include <optional>

namespace activelabel {

// Progress of one long job with an estimate of the time left: the one mechanism behind the
// window's status bar and the CLI's progress lines (feature passes, training rounds, imports,
// simulations, exports). The estimate is the job's average rate so far, shown once a second of
// work has passed, since the first batches (start-up, cold caches) say little about the rest.
class ProgressReport
{
public:
    // `what`: the job ("Computing features"); `unit`: what is counted ("images", "steps").
    explicit ProgressReport(QString what = {}, QString unit = {});
    void restart(QString what, QString unit);

    void update(double done, double total);
    double done() const { return m_done; }
    double total() const { return m_total; }
    // Seconds left at the rate so far; nullopt before the estimate means anything.
    std::optional<double> secondsLeft() const;
    // "Computing features: 4096 of 23000 images (18%), 52 s left".
    QString text() const;
    // At most one line a second (and always the last one): for the CLI's progress lines.
    bool lineDue();

    static QString formatDuration(double seconds); // "52 s", "3 min 05 s", "1 h 02 min"

private:
    QString m_what, m_unit;
    double m_done = 0, m_total = 0;
    QElapsedTimer m_clock;
    qint64 m_lastLineMs = -1;
};

} // namespace activelabel
