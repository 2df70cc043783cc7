#pragma once

#include "ui/panels/metricsdata.h"

#include <QList>
#include <QString>

namespace activelabel {

// Whether the audit estimate has stopped rising: over the last `rounds` points, no estimate rose
// above the estimate just before that stretch by more than its own 95% half-width. A rise within
// the interval is indistinguishable from noise, so more labels of the same kind may not help.
struct PlateauResult
{
    bool plateau = false;
    int rounds = 0;         // the stretch looked at
    double rise = 0.0;      // largest rise of an estimate in the stretch over the base estimate
    double halfWidth = 0.0; // the half-width of the interval at that point
};

// Points in increasing order of labels. Needs rounds + 1 points; fewer gives no plateau.
PlateauResult detectPlateau(const QList<AccuracyPoint> &points, int rounds);

// The sentence the panel shows when there is a plateau.
QString plateauHint(int rounds);

// Labels per hour in consecutive buckets of `bucketSeconds` from the first to the last time (in
// any order); the last, unfinished bucket is rated over the time it covers and ends at the last
// label. Empty for fewer than two times or a non-positive bucket.
QList<ThroughputSample> throughputFromLabelTimes(QList<QDateTime> times, int bucketSeconds);

} // namespace activelabel
