#pragma once

#include "ui/panels/metricsdata.h"

#include <QString>

class QChart;

namespace activelabel {

// Builders for the metrics panel's charts. Each returns a new chart (the caller owns it) drawn
// from plain data, so the panel can rebuild a chart on refresh and build a fresh copy to save as
// PNG without disturbing the one on screen. Colours are Okabe-Ito; animations are off so that a
// refresh never lags behind the data. The accuracy plot is a ui/charts CurveChart, so it looks
// like the learning curves `simulate` draws.

QChart *buildAccuracyChart(const QList<AccuracyPoint> &points);
QChart *buildRoundsChart(const QList<RoundPoint> &rounds);
// Horizontal bars, one per class, first class on top. `valueMax` fixes the value axis (e.g. 1 for
// accuracy); 0 fits the data. With `classColours` each bar takes its class's colour. `fractions`
// formats values as fractions (0.83), otherwise as counts.
QChart *buildClassBarChart(const ClassSeries &series, const QString &title,
                           const QString &valueTitle, double valueMax, bool classColours,
                           bool fractions);
QChart *buildThroughputChart(const QList<ThroughputSample> &samples);

} // namespace activelabel
