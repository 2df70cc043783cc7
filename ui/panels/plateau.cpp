#include "ui/panels/plateau.h"

#include <QCoreApplication>

#include <algorithm>

namespace activelabel {

PlateauResult detectPlateau(const QList<AccuracyPoint> &points, int rounds)
{
    PlateauResult result;
    result.rounds = rounds;
    if (rounds < 1 || points.size() < rounds + 1)
        return result;
    const qsizetype first = points.size() - rounds;
    const double base = points.at(first - 1).estimate;
    bool flat = true;
    double worstExcess = -1e300;
    for (qsizetype i = first; i < points.size(); ++i) {
        const AccuracyPoint &p = points.at(i);
        const double rise = p.estimate - base;
        const double excess = rise - p.halfWidth();
        if (excess > 0.0)
            flat = false;
        // Report the point that came closest to (or went furthest past) its interval.
        if (excess > worstExcess) {
            worstExcess = excess;
            result.rise = rise;
            result.halfWidth = p.halfWidth();
        }
    }
    result.plateau = flat;
    return result;
}

QString plateauHint(int rounds)
{
    return QCoreApplication::translate("activelabel::MetricsPanel",
                                       "The estimate has stopped rising over the last %1 rounds: "
                                       "more labels may not help; consider a different strategy "
                                       "or model.")
        .arg(rounds);
}

QList<ThroughputSample> throughputFromLabelTimes(QList<QDateTime> times, int bucketSeconds)
{
    QList<ThroughputSample> samples;
    if (times.size() < 2 || bucketSeconds <= 0)
        return samples;
    std::sort(times.begin(), times.end());
    const QDateTime start = times.first();
    const qint64 span = start.secsTo(times.last());
    const qint64 buckets = span / bucketSeconds + 1;
    QList<int> counts(buckets, 0);
    for (const QDateTime &t : std::as_const(times))
        ++counts[start.secsTo(t) / bucketSeconds];
    for (qint64 b = 0; b < buckets; ++b) {
        qint64 seconds = bucketSeconds;
        QDateTime end = start.addSecs((b + 1) * bucketSeconds);
        if (b == buckets - 1) {
            // The last bucket is still filling: rate over the time it covers so far (at least half
            // a bucket, so one quick label does not read as a burst).
            seconds = std::max<qint64>(span - b * bucketSeconds, bucketSeconds / 2);
            end = times.last();
        }
        samples.append({end, counts.at(b) * 3600.0 / double(seconds)});
    }
    return samples;
}

} // namespace activelabel
