// The curve-with-band chart: summarising runs, and rendering a real PNG offscreen.
#include "ui/charts/curvechart.h"

#include <QAreaSeries>
#include <QImage>
#include <QLineSeries>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace activelabel;

namespace {

// Pixels close to `colour` (antialiasing blends edges, so allow a small tolerance).
int countNear(const QImage &image, const QColor &colour, int tolerance = 12)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - colour.red()) <= tolerance &&
                std::abs(c.green() - colour.green()) <= tolerance &&
                std::abs(c.blue() - colour.blue()) <= tolerance)
                ++count;
        }
    }
    return count;
}

CurveChart *learningCurves()
{
    const QVector<QVector<QPointF>> marginRuns{{{100, 0.60}, {200, 0.70}, {300, 0.78}},
                                               {{100, 0.62}, {200, 0.74}, {300, 0.80}},
                                               {{100, 0.58}, {200, 0.72}, {300, 0.82}}};
    const QVector<QVector<QPointF>> randomRuns{{{100, 0.60}, {200, 0.66}, {300, 0.70}},
                                               {{100, 0.61}, {200, 0.65}, {300, 0.72}}};
    CurveChartOptions options;
    options.title = QStringLiteral("Fashion-MNIST");
    options.yTitle = QStringLiteral("Test accuracy");
    auto *chart = new CurveChart(options);
    chart->setCurves({summariseRuns("margin", marginRuns), summariseRuns("random", randomRuns)});
    return chart;
}

} // namespace

class TestChartCurve : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void summarisesRunsIntoMeanAndRange();
    void buildsOneLineAndOneBandPerCurve();
    void rendersANonBlankPng();
    void reportsUnwritablePath();
};

void TestChartCurve::summarisesRunsIntoMeanAndRange()
{
    const auto curve = summariseRuns("s", {{{1, 0.2}, {2, 0.5}}, {{1, 0.4}, {2, 0.9}, {3, 1.0}}});
    QCOMPARE(curve.points.size(), 3);
    QVERIFY(std::abs(curve.points[0].y() - 0.3) < 1e-12);
    QVERIFY(std::abs(curve.points[1].y() - 0.7) < 1e-12);
    QCOMPARE(curve.points[2].y(), 1.0); // only one run reached x = 3
    QCOMPARE(curve.bandLow[1].y(), 0.5);
    QCOMPARE(curve.bandHigh[1].y(), 0.9);
    QVERIFY(curve.hasBand());
    QVERIFY(!summariseRuns("one", {{{1, 0.5}}}).hasBand());
    QVERIFY(okabeItoColour(0) != okabeItoColour(1));
    QCOMPARE(okabeItoColour(8), okabeItoColour(0));
}

void TestChartCurve::buildsOneLineAndOneBandPerCurve()
{
    std::unique_ptr<CurveChart> chart(learningCurves());
    int lines = 0, bands = 0;
    for (auto *series : chart->series()) {
        lines += series->type() == QAbstractSeries::SeriesTypeLine ? 1 : 0;
        bands += series->type() == QAbstractSeries::SeriesTypeArea ? 1 : 0;
    }
    QCOMPARE(lines, 2);
    QCOMPARE(bands, 2);
    const auto axes = chart->axes();
    QCOMPARE(axes.size(), 2);
    QStringList titles;
    for (auto *axis : axes)
        titles << axis->titleText();
    QVERIFY(titles.contains("Labels"));
    QVERIFY(titles.contains("Test accuracy"));
    // Refreshing replaces rather than accumulates.
    chart->setCurves({summariseRuns("only", {{{1, 0.5}, {2, 0.6}}})});
    QCOMPARE(chart->series().size(), 1);
}

void TestChartCurve::rendersANonBlankPng()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::unique_ptr<CurveChart> chart(learningCurves());
    const QString path = dir.filePath(QStringLiteral("curves ü.png"));
    QString error;
    QVERIFY2(renderChartToPng(chart.get(), path, QSize(800, 500), &error), qPrintable(error));

    QImage image;
    QVERIFY(image.load(path, "PNG"));
    QCOMPARE(image.size(), QSize(800, 500));
    // Not blank: the two line colours (Okabe-Ito orange and sky blue) are drawn with real length.
    QVERIFY(countNear(image, okabeItoColour(0)) > 200);
    QVERIFY(countNear(image, okabeItoColour(1)) > 200);
    // The bands: a pale tint of each colour over white covers more area than the lines.
    const QColor orange = okabeItoColour(0);
    const QColor tint(255 - int(0.22 * (255 - orange.red())),
                      255 - int(0.22 * (255 - orange.green())),
                      255 - int(0.22 * (255 - orange.blue())));
    QVERIFY(countNear(image, tint, 10) > 1000);
    // The chart is still usable by its owner after rendering, and renders the same size again.
    QVERIFY(renderChartToPng(chart.get(), dir.filePath("again.png"), QSize(400, 300), &error));
    QVERIFY(image.load(dir.filePath("again.png")));
    QCOMPARE(image.size(), QSize(400, 300));
}

void TestChartCurve::reportsUnwritablePath()
{
    std::unique_ptr<CurveChart> chart(learningCurves());
    QString error;
    QVERIFY(!renderChartToPng(chart.get(), "/nonexistent-dir/x/plot.png", QSize(300, 200), &error));
    QVERIFY(error.contains("plot.png"));
}

QTEST_MAIN(TestChartCurve)
#include "test_chartcurve.moc"
