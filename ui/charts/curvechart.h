#pragma once

#include "ui/charts/curveseries.h"

#include <QChart>
#include <QSize>
#include <QString>

#include <optional>

class QValueAxis;

namespace activelabel {

struct CurveChartOptions
{
    QString title;
    QString xTitle = QStringLiteral("Labels");
    QString yTitle = QStringLiteral("Accuracy");
    std::optional<double> yMin; // fixed y range; unset = fit the data (lines and bands)
    std::optional<double> yMax;
    QString yFormat = QStringLiteral("%.2f");
    QString xFormat = QStringLiteral("%.0f");
};

// A line chart of curves with optional bands: learning curves (accuracy vs labels, one mean line
// per strategy with its min-max band over seeds) for `simulate`, and the GUI's live plots (the
// audit estimate with its 95% band beside test accuracy). setCurves() replaces the curves and
// refits the axes, so a view can keep one chart and refresh it.
class CurveChart : public QChart
{
    Q_OBJECT

public:
    explicit CurveChart(const CurveChartOptions &options = {}, QGraphicsItem *parent = nullptr);

    void setCurves(const QVector<CurveSeries> &curves);
    const QVector<CurveSeries> &curves() const { return m_curves; }

private:
    void fitAxes();

    CurveChartOptions m_options;
    QVector<CurveSeries> m_curves;
    QValueAxis *m_xAxis;
    QValueAxis *m_yAxis;
};

// Renders a chart into a white PNG of `size` pixels (written atomically). A chart already shown in
// a view is rendered from its scene as is; otherwise it is laid out in a temporary scene. Needs a
// QApplication (any platform, `offscreen` included). Returns false with a reason in `error`.
bool renderChartToPng(QChart *chart, const QString &path, const QSize &size = QSize(1000, 650),
                      QString *error = nullptr);

} // namespace activelabel
