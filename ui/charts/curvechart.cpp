#include "ui/charts/curvechart.h"

#include <QAreaSeries>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QImage>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPainter>
#include <QPen>
#include <QSaveFile>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace activelabel {

CurveChart::CurveChart(const CurveChartOptions &options, QGraphicsItem *parent)
    : QChart(parent), m_options(options), m_xAxis(new QValueAxis), m_yAxis(new QValueAxis)
{
    setTitle(options.title);
    setAnimationOptions(QChart::NoAnimation); // offscreen renders must not catch a tween mid-way
    m_xAxis->setTitleText(options.xTitle);
    m_yAxis->setTitleText(options.yTitle);
    m_xAxis->setLabelFormat(options.xFormat);
    m_yAxis->setLabelFormat(options.yFormat);
    addAxis(m_xAxis, Qt::AlignBottom);
    addAxis(m_yAxis, Qt::AlignLeft);
    legend()->setAlignment(Qt::AlignBottom);
}

void CurveChart::setCurves(const QVector<CurveSeries> &curves)
{
    removeAllSeries();
    m_curves = curves;
    for (int i = 0; i < curves.size(); ++i) {
        const auto &curve = curves[i];
        const QColor colour = okabeItoColour(curve.colourIndex >= 0 ? curve.colourIndex : i);
        // The band first, so that every line is drawn on top of every band.
        if (curve.hasBand()) {
            auto *upper = new QLineSeries;
            auto *lower = new QLineSeries;
            upper->append(curve.bandHigh);
            lower->append(curve.bandLow);
            auto *band = new QAreaSeries(upper, lower);
            upper->setParent(band);
            lower->setParent(band);
            band->setName(curve.name + QStringLiteral(" range"));
            QColor fill = colour;
            fill.setAlphaF(0.22f);
            band->setBrush(fill);
            band->setPen(Qt::NoPen);
            addSeries(band);
            band->attachAxis(m_xAxis);
            band->attachAxis(m_yAxis);
            for (auto *marker : legend()->markers(band))
                marker->setVisible(false);
        }
    }
    for (int i = 0; i < curves.size(); ++i) {
        const auto &curve = curves[i];
        const QColor colour = okabeItoColour(curve.colourIndex >= 0 ? curve.colourIndex : i);
        auto *line = new QLineSeries;
        line->setName(curve.name);
        line->append(curve.points);
        QPen pen(colour);
        pen.setWidthF(2.5);
        if (curve.dashed)
            pen.setStyle(Qt::DashLine);
        line->setPen(pen);
        line->setPointsVisible(curve.points.size() <= 40);
        addSeries(line);
        line->attachAxis(m_xAxis);
        line->attachAxis(m_yAxis);
    }
    fitAxes();
}

void CurveChart::fitAxes()
{
    double xMin = std::numeric_limits<double>::infinity(), xMax = -xMin;
    double yMin = xMin, yMax = -xMin;
    auto take = [&](const QVector<QPointF> &points) {
        for (const auto &p : points) {
            if (!std::isfinite(p.x()) || !std::isfinite(p.y()))
                continue;
            xMin = std::min(xMin, p.x());
            xMax = std::max(xMax, p.x());
            yMin = std::min(yMin, p.y());
            yMax = std::max(yMax, p.y());
        }
    };
    for (const auto &curve : m_curves) {
        take(curve.points);
        take(curve.bandLow);
        take(curve.bandHigh);
    }
    if (!std::isfinite(xMin)) { // no data yet
        xMin = 0.0;
        xMax = 1.0;
        yMin = 0.0;
        yMax = 1.0;
    }
    if (xMax <= xMin) {
        // One point (a single round): show it from zero labels, not on a sliver of axis.
        xMax = xMin > 0 ? xMin * 1.25 : xMin + 1.0;
        xMin = 0.0;
    }
    const double pad = std::max(1e-3, 0.05 * (yMax - yMin));
    yMin = m_options.yMin.value_or(yMin - pad);
    yMax = m_options.yMax.value_or(yMax + pad);
    if (yMax <= yMin)
        yMax = yMin + 1.0;
    m_xAxis->setRange(xMin, xMax);
    m_yAxis->setRange(yMin, yMax);
    m_xAxis->applyNiceNumbers();
    if (!m_options.yMin && !m_options.yMax)
        m_yAxis->applyNiceNumbers();
}

bool renderChartToPng(QChart *chart, const QString &path, const QSize &size, QString *error)
{
    auto fail = [&](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (!chart)
        return fail(QStringLiteral("no chart to render"));
    if (size.isEmpty())
        return fail(QStringLiteral("empty image size"));

    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        if (QGraphicsScene *shown = chart->scene()) {
            shown->render(&painter, QRectF(QPointF(0, 0), size), chart->sceneBoundingRect());
        } else {
            // A chart lays itself out when it gets a geometry; a scene gives it one to paint in.
            QGraphicsScene scene;
            scene.addItem(chart);
            chart->setGeometry(QRectF(QPointF(0, 0), size));
            if (chart->layout())
                chart->layout()->activate();
            scene.setSceneRect(QRectF(QPointF(0, 0), size));
            scene.render(&painter, QRectF(QPointF(0, 0), size), scene.sceneRect());
            scene.removeItem(chart); // the caller keeps ownership
        }
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    if (!image.save(&file, "PNG"))
        return fail(QStringLiteral("cannot encode PNG for %1").arg(path));
    if (!file.commit())
        return fail(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return true;
}

} // namespace activelabel
