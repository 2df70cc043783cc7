#pragma once

#include "ui/panels/metricsdata.h"

#include <QSize>
#include <QString>

class QChart;

namespace activelabel {

// Builders for the metrics panel's charts. Each returns a new chart (the caller owns it) drawn
// from plain data, so the panel can rebuild a chart on refresh and build a fresh copy to save as
// PNG without disturbing the one on screen. Colours are Okabe-Ito; animations are off so that a
// refresh never lags behind the data.

QChart *buildAccuracyChart(const QList<AccuracyPoint> &points);
QChart *buildRoundsChart(const QList<RoundPoint> &rounds);
// Horizontal bars, one per class, first class on top. `valueMax` fixes the value axis (e.g. 1 for
// accuracy); 0 fits the data. With `classColours` each bar takes its class's colour. `fractions`
// formats values as fractions (0.83), otherwise as counts.
QChart *buildClassBarChart(const ClassSeries &series, const QString &title,
                           const QString &valueTitle, double valueMax, bool classColours,
                           bool fractions);
QChart *buildThroughputChart(const QList<ThroughputSample> &samples);

// Lays the chart out at `size` in a scene of its own and writes it as a PNG on white. The chart
// must not be shown in a view. Returns false with a reason in `error`.
bool saveChartPng(QChart *chart, const QString &path, const QSize &size, QString *error);

} // namespace activelabel
