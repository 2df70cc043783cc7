#include "ui/panels/metricscharts.h"

#include "ui/panels/palette.h"

#include "ui/charts/curvechart.h"

#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QDateTimeAxis>
#include <QHorizontalStackedBarSeries>
#include <QLineSeries>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace activelabel {

namespace {

// Indices of the accents in okabeItoColour's order, for CurveSeries::colourIndex.
constexpr int kBlueIndex = 3;
constexpr int kVermillionIndex = 4;

void styleChart(QChart *chart)
{
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(8, 8, 8, 8));
    QFont font = chart->titleFont();
    font.setPointSizeF(font.pointSizeF() * 1.15);
    font.setBold(true);
    chart->setTitleFont(font);
}

QChart *newChart(const QString &title)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    styleChart(chart);
    return chart;
}

QValueAxis *valueAxis(const QString &title, const QString &format)
{
    auto *axis = new QValueAxis;
    axis->setTitleText(title);
    axis->setLabelFormat(format);
    return axis;
}

// A pen for a data line: wide enough to read in a screenshot, dashed for secondary curves.
QPen linePen(const QColor &colour, bool dashed = false)
{
    QPen pen(colour, 2.5);
    if (dashed)
        pen.setStyle(Qt::DashLine);
    return pen;
}

// Nice bounds around [lo, hi] inside [floor, ceiling], never a zero-height range.
void fitRange(QValueAxis *axis, double lo, double hi, double floor, double ceiling)
{
    if (!(hi > lo)) {
        lo -= 0.05;
        hi += 0.05;
    }
    const double pad = (hi - lo) * 0.08;
    axis->setRange(std::max(floor, lo - pad), std::min(ceiling, hi + pad));
    axis->applyNiceNumbers();
    if (axis->min() < floor)
        axis->setMin(floor);
    if (axis->max() > ceiling)
        axis->setMax(ceiling);
}

void fitLabelsAxis(QValueAxis *axis, int first, int last)
{
    if (last <= first)
        last = first + 1;
    axis->setRange(first, last);
    axis->applyNiceNumbers();
}

// Shows a tooltip with `text(pointIndex)` when the pointer is over a point of the series.
template <typename TextFn> void addPointTooltips(QLineSeries *series, TextFn text)
{
    QObject::connect(series, &QLineSeries::hovered, series,
                     [series, text](const QPointF &point, bool state) {
                         if (!state) {
                             QToolTip::hideText();
                             return;
                         }
                         // Nearest point by x: the hover position is between points on a line.
                         const QList<QPointF> pts = series->points();
                         int best = -1;
                         double bestDistance = 0.0;
                         for (int i = 0; i < pts.size(); ++i) {
                             const double d = std::abs(pts.at(i).x() - point.x());
                             if (best < 0 || d < bestDistance) {
                                 best = i;
                                 bestDistance = d;
                             }
                         }
                         if (best >= 0)
                             QToolTip::showText(QCursor::pos(), text(best));
                     });
}

} // namespace

QChart *buildAccuracyChart(const QList<AccuracyPoint> &points)
{
    const int window = points.isEmpty() ? 0 : points.last().window;
    CurveSeries estimate;
    estimate.name = window > 0
                        ? QObject::tr("Audit estimate with 95% band (last %1 draws)").arg(window)
                        : QObject::tr("Audit estimate with 95% band");
    estimate.colourIndex = kBlueIndex;
    CurveSeries test;
    test.name = QObject::tr("Test split");
    test.colourIndex = kVermillionIndex;
    test.dashed = true;
    double lo = 1.0, hi = 0.0;
    for (const AccuracyPoint &p : points) {
        // window 0: no audit draw behind this point (labels from the oracle or an import), so
        // there is no estimate to draw, only the test split.
        if (p.window > 0) {
            estimate.points.append(QPointF(p.labels, p.estimate));
            estimate.bandLow.append(QPointF(p.labels, p.low));
            estimate.bandHigh.append(QPointF(p.labels, p.high));
            lo = std::min(lo, p.low);
            hi = std::max(hi, p.high);
        }
        if (p.test) {
            test.points.append(QPointF(p.labels, *p.test));
            lo = std::min(lo, *p.test);
            hi = std::max(hi, *p.test);
        }
    }
    // A fixed y range inside [0, 1]: CurveChart's own fit would pad past 100%.
    QValueAxis fit;
    fitRange(&fit, points.isEmpty() ? 0.0 : lo, points.isEmpty() ? 1.0 : hi, 0.0, 1.0);
    CurveChartOptions options;
    options.title = points.isEmpty() ? QObject::tr("Accuracy vs number of labels — no rounds yet")
                                     : QObject::tr("Accuracy vs number of labels");
    options.xTitle = QObject::tr("Labels");
    options.yTitle = QObject::tr("Accuracy");
    options.yMin = fit.min();
    options.yMax = fit.max();
    auto *chart = new CurveChart(options);
    styleChart(chart);
    QVector<CurveSeries> curves;
    if (!estimate.points.isEmpty())
        curves.append(estimate);
    if (!test.points.isEmpty())
        curves.append(test);
    chart->setCurves(curves);

    // Tooltips on the estimate's points tell the window and interval of each round.
    for (QAbstractSeries *series : chart->series()) {
        if (series->type() == QAbstractSeries::SeriesTypeLine && series->name() == estimate.name) {
            addPointTooltips(static_cast<QLineSeries *>(series), [points](int i) {
                const AccuracyPoint &p = points.at(i);
                return QObject::tr(
                           "%1 labels: estimate %2 (95% %3–%4) over the last %5 audit draws")
                    .arg(p.labels)
                    .arg(p.estimate, 0, 'f', 3)
                    .arg(p.low, 0, 'f', 3)
                    .arg(p.high, 0, 'f', 3)
                    .arg(p.window);
            });
        }
    }
    return chart;
}

QChart *buildRoundsChart(const QList<RoundPoint> &rounds)
{
    QChart *chart = newChart(QObject::tr("Training rounds: loss and held-out accuracy"));
    auto *xAxis = valueAxis(QObject::tr("Labels"), QStringLiteral("%d"));
    auto *lossAxis = valueAxis(QObject::tr("Training loss"), QStringLiteral("%.2f"));
    auto *accAxis = valueAxis(QObject::tr("Held-out accuracy"), QStringLiteral("%.2f"));
    chart->addAxis(xAxis, Qt::AlignBottom);
    chart->addAxis(lossAxis, Qt::AlignLeft);
    chart->addAxis(accAxis, Qt::AlignRight);
    // Colour the axes like their lines so the two y scales cannot be mixed up.
    lossAxis->setLinePenColor(accentVermillion());
    lossAxis->setLabelsColor(accentVermillion().darker(130));
    accAxis->setLinePenColor(accentBlue());
    accAxis->setLabelsColor(accentBlue().darker(130));

    auto *loss = new QLineSeries;
    loss->setName(QObject::tr("Training loss"));
    loss->setPen(linePen(accentVermillion()));
    loss->setPointsVisible(true);
    auto *acc = new QLineSeries;
    acc->setName(QObject::tr("Held-out accuracy"));
    acc->setPen(linePen(accentBlue(), true));
    acc->setPointsVisible(true);
    double lossMax = 0.0, accLo = 1.0, accHi = 0.0;
    for (const RoundPoint &r : rounds) {
        loss->append(r.labels, r.trainLoss);
        lossMax = std::max(lossMax, r.trainLoss);
        if (r.heldOutAccuracy) {
            acc->append(r.labels, *r.heldOutAccuracy);
            accLo = std::min(accLo, *r.heldOutAccuracy);
            accHi = std::max(accHi, *r.heldOutAccuracy);
        }
    }
    chart->addSeries(loss);
    loss->attachAxis(xAxis);
    loss->attachAxis(lossAxis);
    chart->addSeries(acc);
    acc->attachAxis(xAxis);
    acc->attachAxis(accAxis);
    auto roundText = [rounds](int i) {
        const RoundPoint &r = rounds.at(i);
        QString text = QObject::tr("Version %1, %2 labels, %3: loss %4")
                           .arg(r.version)
                           .arg(r.labels)
                           .arg(r.mode)
                           .arg(r.trainLoss, 0, 'f', 3);
        if (r.heldOutAccuracy)
            text += QObject::tr(", held-out accuracy %1").arg(*r.heldOutAccuracy, 0, 'f', 3);
        return text;
    };
    addPointTooltips(loss, roundText);

    if (rounds.isEmpty()) {
        chart->setTitle(QObject::tr("Training rounds — none yet"));
        xAxis->setRange(0, 100);
        lossAxis->setRange(0, 1);
        accAxis->setRange(0, 1);
    } else {
        fitLabelsAxis(xAxis, 0, rounds.last().labels);
        lossAxis->setRange(0.0, lossMax > 0.0 ? lossMax * 1.1 : 1.0);
        lossAxis->applyNiceNumbers();
        fitRange(accAxis, accHi >= accLo ? accLo : 0.0, accHi >= accLo ? accHi : 1.0, 0.0, 1.0);
    }
    return chart;
}

QChart *buildClassBarChart(const ClassSeries &series, const QString &title,
                           const QString &valueTitle, double valueMax, bool classColours,
                           bool fractions)
{
    QChart *chart = newChart(title);
    chart->legend()->hide(); // the class names are on the axis
    const int n = int(std::min(series.classes.size(), series.values.size()));

    // One set per class, stacked, each non-zero only at its own category: the only way Qt Charts
    // gives bars of one series different colours while keeping them centred on their category.
    // Categories are reversed so the first class is drawn on top.
    auto *bars = new QHorizontalStackedBarSeries;
    QStringList categories;
    for (int i = n - 1; i >= 0; --i)
        categories.append(series.classes.at(i));
    double maxValue = 0.0;
    for (int i = 0; i < n; ++i) {
        auto *set = new QBarSet(series.classes.at(i));
        for (int row = 0; row < n; ++row)
            set->append(row == n - 1 - i ? series.values.at(i) : 0.0);
        QColor colour = accentBlue();
        if (classColours)
            colour = i < series.colours.size() && series.colours.at(i).isValid()
                         ? series.colours.at(i)
                         : defaultClassColour(i);
        set->setColor(colour);
        set->setBorderColor(colour.darker(120));
        set->setLabelColor(contrastingTextColour(colour));
        bars->append(set);
        maxValue = std::max(maxValue, series.values.at(i));
    }
    bars->setLabelsVisible(true);
    bars->setLabelsFormat(QStringLiteral("@value"));
    // Significant digits: "0.83" for a fraction, counts in full.
    bars->setLabelsPrecision(fractions ? 2 : 9);
    bars->setLabelsPosition(QAbstractBarSeries::LabelsInsideEnd);
    bars->setBarWidth(0.7);
    chart->addSeries(bars);

    auto *categoryAxis = new QBarCategoryAxis;
    categoryAxis->append(categories);
    auto *values = valueAxis(valueTitle, fractions ? QStringLiteral("%.1f") : QStringLiteral("%d"));
    chart->addAxis(categoryAxis, Qt::AlignLeft);
    chart->addAxis(values, Qt::AlignBottom);
    bars->attachAxis(categoryAxis);
    bars->attachAxis(values);
    if (valueMax > 0.0) {
        values->setRange(0.0, valueMax);
        values->setTickCount(6); // 0, 0.2, ... 1.0: round numbers at one decimal
    } else {
        values->setRange(0.0, maxValue > 0.0 ? maxValue * 1.1 : 1.0);
        values->applyNiceNumbers();
    }
    if (n == 0)
        chart->setTitle(title + QObject::tr(" — no data yet"));
    return chart;
}

QChart *buildThroughputChart(const QList<ThroughputSample> &samples)
{
    QChart *chart = newChart(QObject::tr("Labelling throughput"));
    auto *xAxis = new QDateTimeAxis;
    xAxis->setTitleText(QObject::tr("Time"));
    xAxis->setFormat(QStringLiteral("HH:mm"));
    auto *yAxis = valueAxis(QObject::tr("Labels per hour"), QStringLiteral("%d"));
    chart->addAxis(xAxis, Qt::AlignBottom);
    chart->addAxis(yAxis, Qt::AlignLeft);
    auto *line = new QLineSeries;
    line->setName(QObject::tr("Labels per hour"));
    line->setPen(linePen(accentGreen()));
    line->setPointsVisible(true);
    double maxRate = 0.0;
    for (const ThroughputSample &s : samples) {
        line->append(double(s.end.toMSecsSinceEpoch()), s.labelsPerHour);
        maxRate = std::max(maxRate, s.labelsPerHour);
    }
    chart->addSeries(line);
    line->attachAxis(xAxis);
    line->attachAxis(yAxis);
    chart->legend()->hide();
    addPointTooltips(line, [samples](int i) {
        return QObject::tr("%1: %2 labels/hour")
            .arg(QLocale().toString(samples.at(i).end.time(), QLocale::ShortFormat))
            .arg(samples.at(i).labelsPerHour, 0, 'f', 0);
    });
    if (samples.isEmpty()) {
        chart->setTitle(QObject::tr("Labelling throughput — no labels yet"));
        const QDateTime now = QDateTime::currentDateTime();
        xAxis->setRange(now.addSecs(-3600), now);
        yAxis->setRange(0, 100);
    } else {
        QDateTime first = samples.first().end, last = samples.first().end;
        for (const ThroughputSample &s : samples) {
            first = std::min(first, s.end);
            last = std::max(last, s.end);
        }
        if (first == last)
            first = first.addSecs(-600);
        xAxis->setRange(first, last);
        chart->setTitle(QObject::tr("Labelling throughput — latest %1 labels/hour")
                            .arg(samples.last().labelsPerHour, 0, 'f', 0));
        yAxis->setRange(0.0, maxRate > 0.0 ? maxRate * 1.1 : 1.0);
        yAxis->applyNiceNumbers();
    }
    return chart;
}

} // namespace activelabel
