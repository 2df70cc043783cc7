#pragma once

#include <QColor>
#include <QPointF>
#include <QString>
#include <QVector>

namespace activelabel {

// One curve of a CurveChart: a line, optionally with a band around it (a min-max range over
// seeds, a 95% confidence interval, ...). Plain data, so app/ can build it without touching charts.
struct CurveSeries
{
    QString name;
    QVector<QPointF> points;   // the line, in increasing x
    QVector<QPointF> bandLow;  // the band's lower edge (same x values), empty = no band
    QVector<QPointF> bandHigh; // its upper edge
    bool dashed = false;       // e.g. a reference curve beside the estimate
    int colourIndex = -1;      // index into the Okabe-Ito palette; -1 = by position in the chart

    bool hasBand() const { return !bandLow.isEmpty() && bandLow.size() == bandHigh.size(); }
};

// Mean line with a min-max band over several runs (e.g. one per seed). Runs are matched by x:
// each x value present in any run gets the mean, min and max of the runs that have it.
CurveSeries summariseRuns(const QString &name, const QVector<QVector<QPointF>> &runs);

// The Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008), ordered so the first colours are the
// most distinct on white; black and yellow come last. Wraps around past 8.
QColor okabeItoColour(int index);

} // namespace activelabel
