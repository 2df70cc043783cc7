// The metrics panel: charts reflect the data handed in, the plateau detector and hint, the
// confusion-matrix model, and PNG export of every plot.
#include "ui/panels/agreementview.h"
#include "ui/panels/confusionmatrixview.h"
#include "ui/panels/metricspanel.h"
#include "ui/panels/plateau.h"

#include <QAbstractItemModelTester>
#include <QAreaSeries>
#include <QBarSet>
#include <QChart>
#include <QComboBox>
#include <QHorizontalStackedBarSeries>
#include <QImage>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace activelabel;

namespace {

// A learning curve that rises then flattens, as after a few hundred Fashion-MNIST labels.
QList<AccuracyPoint> risingCurve()
{
    QList<AccuracyPoint> points;
    const double estimates[] = {0.42, 0.55, 0.63, 0.70, 0.74};
    for (int i = 0; i < 5; ++i) {
        AccuracyPoint p;
        p.labels = 50 * (i + 1);
        p.estimate = estimates[i];
        p.low = p.estimate - 0.05;
        p.high = p.estimate + 0.05;
        p.window = 100;
        if (i >= 2)
            p.test = p.estimate + 0.02;
        points.append(p);
    }
    return points;
}

QList<QLineSeries *> lineSeries(QChart *chart)
{
    QList<QLineSeries *> lines;
    for (QAbstractSeries *s : chart->series())
        if (s->type() == QAbstractSeries::SeriesTypeLine)
            lines.append(static_cast<QLineSeries *>(s));
    return lines;
}

template <typename T> T *findSeries(QChart *chart, QAbstractSeries::SeriesType type)
{
    for (QAbstractSeries *s : chart->series())
        if (s->type() == type)
            return static_cast<T *>(s);
    return nullptr;
}

// Distinct colours in a sample of pixels: a blank or single-colour image has one or two.
int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

} // namespace

class TestPanelMetrics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void plateauNeedsEnoughPoints()
    {
        QList<AccuracyPoint> points = risingCurve();
        QVERIFY(!detectPlateau(points.mid(0, 3), 3).plateau);
        QVERIFY(!detectPlateau({}, 3).plateau);
        QVERIFY(!detectPlateau(points, 0).plateau);
    }

    void plateauFalseWhileRising()
    {
        // Each of the last 3 points is more than 0.05 above the base (0.55).
        const PlateauResult result = detectPlateau(risingCurve(), 3);
        QVERIFY(!result.plateau);
        QVERIFY(result.rise > result.halfWidth);
    }

    void plateauTrueWhenFlatWithinInterval()
    {
        QList<AccuracyPoint> points = risingCurve();
        // Three more rounds within ±0.04 of 0.74, intervals ±0.05.
        for (double e : {0.76, 0.73, 0.775}) {
            AccuracyPoint p = points.last();
            p.labels += 50;
            p.estimate = e;
            p.low = e - 0.05;
            p.high = e + 0.05;
            points.append(p);
        }
        const PlateauResult result = detectPlateau(points, 3);
        QVERIFY(result.plateau);
        QCOMPARE(result.rounds, 3);
        QVERIFY(result.rise <= result.halfWidth);
        // A narrower interval makes the same small rises significant.
        QList<AccuracyPoint> tight = points;
        for (AccuracyPoint &p : tight) {
            p.low = p.estimate - 0.01;
            p.high = p.estimate + 0.01;
        }
        QVERIFY(!detectPlateau(tight, 3).plateau);
        // A jump beyond the interval in the last round ends the plateau.
        points.last().estimate = 0.85;
        points.last().low = 0.80;
        points.last().high = 0.90;
        QVERIFY(!detectPlateau(points, 3).plateau);
    }

    void throughputBucketsLabelTimes()
    {
        const QDateTime start(QDate(2026, 3, 1), QTime(9, 0));
        QList<QDateTime> times;
        for (int i = 0; i < 30; ++i) // 30 labels in the first 10 minutes
            times.append(start.addSecs(i * 20));
        for (int i = 0; i < 10; ++i) // 10 in the next 10 minutes
            times.append(start.addSecs(600 + i * 60));
        const QList<ThroughputSample> samples = throughputFromLabelTimes(times, 600);
        QCOMPARE(samples.size(), 2);
        QCOMPARE(samples.at(0).labelsPerHour, 180.0);
        // The last bucket covers 540 s so far (600..1140): 10 labels in 0.15 h.
        QCOMPARE(samples.at(1).labelsPerHour, 10 * 3600.0 / 540.0);
        QCOMPARE(samples.at(0).end, start.addSecs(600));
        QCOMPARE(samples.at(1).end, start.addSecs(1140));
        QVERIFY(throughputFromLabelTimes({start}, 600).isEmpty());
    }

    void accuracyChartShowsEstimateBandAndTest()
    {
        MetricsPanel panel;
        const QList<AccuracyPoint> points = risingCurve();
        panel.setAccuracy(points);
        QChart *chart = panel.chart(MetricsPanel::Plot::Accuracy);
        QVERIFY(chart);
        auto *band = findSeries<QAreaSeries>(chart, QAbstractSeries::SeriesTypeArea);
        QVERIFY(band);
        QCOMPARE(band->upperSeries()->count(), 5);
        QCOMPARE(band->lowerSeries()->at(2).y(), points.at(2).low);
        QCOMPARE(band->upperSeries()->at(4).y(), points.at(4).high);
        const QList<QLineSeries *> lines = lineSeries(chart);
        QCOMPARE(lines.size(), 2); // estimate and test
        QCOMPARE(lines.at(0)->count(), 5);
        QCOMPARE(lines.at(0)->at(3), QPointF(200, 0.70));
        QVERIFY(lines.at(0)->name().contains(QLatin1String("100")));
        QCOMPARE(lines.at(1)->count(), 3); // test only where present
        QCOMPARE(lines.at(1)->at(0).y(), points.at(2).test.value());

        // Points arriving out of order are drawn in order of labels.
        QList<AccuracyPoint> shuffled = points;
        std::swap(shuffled[0], shuffled[3]);
        panel.setAccuracy(shuffled);
        QCOMPARE(lineSeries(panel.chart(MetricsPanel::Plot::Accuracy)).at(0)->at(0).x(), 50.0);

        // Without a test split there is no test line.
        QList<AccuracyPoint> noTest = points;
        for (AccuracyPoint &p : noTest)
            p.test.reset();
        panel.setAccuracy(noTest);
        QCOMPARE(lineSeries(panel.chart(MetricsPanel::Plot::Accuracy)).size(), 1);
    }

    void plateauHintFollowsTheData()
    {
        MetricsPanel panel;
        panel.setAccuracy(risingCurve());
        QVERIFY(!panel.plateauHintShown());
        QList<AccuracyPoint> flat = risingCurve();
        for (int i = 0; i < 4; ++i) {
            AccuracyPoint p = flat.last();
            p.labels += 50;
            flat.append(p);
        }
        panel.setAccuracy(flat);
        QVERIFY(panel.plateauHintShown());
        QVERIFY(panel.plateauHintText().contains(QLatin1String("last 3 rounds")));
        panel.setPlateauRounds(6); // the rise from 0.63 to 0.74 is beyond ±0.05
        QVERIFY(!panel.plateauHintShown());
    }

    void roundsChartHasLossAndHeldOut()
    {
        MetricsPanel panel;
        QList<RoundPoint> rounds;
        for (int i = 0; i < 4; ++i) {
            RoundPoint r;
            r.version = i + 1;
            r.labels = 40 * (i + 1);
            r.trainLoss = 1.8 - 0.3 * i;
            if (i > 0)
                r.heldOutAccuracy = 0.5 + 0.08 * i;
            r.mode = QStringLiteral("frozen");
            rounds.append(r);
        }
        panel.setRounds(rounds);
        const QList<QLineSeries *> lines = lineSeries(panel.chart(MetricsPanel::Plot::Rounds));
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines.at(0)->count(), 4);
        QCOMPARE(lines.at(0)->at(2), QPointF(120, 1.2));
        QCOMPARE(lines.at(1)->count(), 3);
        QCOMPARE(lines.at(1)->at(2).y(), 0.74);
        // Loss and accuracy sit on different y axes.
        QCOMPARE(lines.at(0)->attachedAxes().size(), 2);
        QVERIFY(lines.at(0)->attachedAxes().at(1) != lines.at(1)->attachedAxes().at(1));
    }

    void classChartsHaveOneBarPerClass()
    {
        MetricsPanel panel;
        ClassSeries balance;
        balance.classes = {QStringLiteral("T-shirt/top"), QStringLiteral("Trouser"),
                           QStringLiteral("Pullover")};
        balance.colours = {QColor(0, 114, 178), QColor(213, 94, 0), QColor(0, 158, 115)};
        balance.values = {12, 30, 7};
        panel.setClassBalance(balance);
        auto *bars = findSeries<QHorizontalStackedBarSeries>(
            panel.chart(MetricsPanel::Plot::ClassBalance),
            QAbstractSeries::SeriesTypeHorizontalStackedBar);
        QVERIFY(bars);
        QCOMPARE(bars->count(), 3);
        double total = 0;
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(bars->barSets().at(i)->label(), balance.classes.at(i));
            QCOMPARE(bars->barSets().at(i)->sum(), balance.values.at(i));
            QCOMPARE(bars->barSets().at(i)->color(), balance.colours.at(i));
            total += bars->barSets().at(i)->sum();
        }
        QCOMPARE(total, 49.0);

        ClassSeries accuracy = balance;
        accuracy.colours.clear();
        accuracy.values = {0.81, 0.97, 0.64};
        panel.setPerClassAccuracy(accuracy);
        bars = findSeries<QHorizontalStackedBarSeries>(
            panel.chart(MetricsPanel::Plot::PerClassAccuracy),
            QAbstractSeries::SeriesTypeHorizontalStackedBar);
        QVERIFY(bars);
        QCOMPARE(bars->barSets().at(2)->sum(), 0.64);
    }

    void confusionModelIsRowNormalised()
    {
        ConfusionMatrixModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ConfusionData data;
        data.classes = {QStringLiteral("Sneaker"), QStringLiteral("Sandal"),
                        QStringLiteral("Ankle boot")};
        data.counts = {{40, 5, 5}, {2, 8, 0}, {1, 0, 9}};
        model.setConfusion(data);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), 3);
        QCOMPARE(model.index(0, 1).data().toInt(), 5);
        QCOMPARE(model.index(1, 1).data(ConfusionMatrixModel::RowFractionRole).toDouble(), 0.8);
        QCOMPARE(model.index(0, 0).data(ConfusionMatrixModel::RowFractionRole).toDouble(), 0.8);
        QCOMPARE(model.headerData(2, Qt::Vertical).toString(), QStringLiteral("Ankle boot"));
        // Equal row fractions shade equally however many images the row has.
        QCOMPARE(model.index(0, 0).data(Qt::BackgroundRole),
                 model.index(1, 1).data(Qt::BackgroundRole));
        // An empty row is shaded white, not divided by zero.
        data.counts = {{40, 5, 5}, {0, 0, 0}, {1, 0, 9}};
        model.setConfusion(data);
        QCOMPARE(model.index(1, 1).data(ConfusionMatrixModel::RowFractionRole).toDouble(), 0.0);
        model.setConfusion({});
        QCOMPARE(model.rowCount(), 0);
    }

    void savePlotsWritesNonBlankPngs()
    {
        MetricsPanel panel;
        panel.setAccuracy(risingCurve());
        ClassSeries balance;
        balance.classes = {QStringLiteral("Coat"), QStringLiteral("Bag")};
        balance.values = {5, 9};
        panel.setClassBalance(balance);
        ConfusionData confusion;
        confusion.classes = balance.classes;
        confusion.counts = {{4, 1}, {2, 7}};
        panel.setConfusion(confusion);

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QString error;
        const QStringList written = panel.savePlots(dir.filePath(QStringLiteral("plots")), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // Only plots with data are written.
        QCOMPARE(written.size(), 3);
        for (const QString &path : written) {
            QImage image(path);
            QVERIFY2(!image.isNull(), qPrintable(path));
            QVERIFY(image.width() >= 600);
            QVERIFY2(distinctColours(image) > 20, qPrintable(path));
        }
        QVERIFY(written.at(0).endsWith(QLatin1String("accuracy.png")));
        // The chart on screen is untouched by the export.
        QVERIFY(panel.chart(MetricsPanel::Plot::Accuracy)->scene());
    }

    void savePlotsReportsAnUnwritableFolder()
    {
        MetricsPanel panel;
        panel.setAccuracy(risingCurve());
        QTemporaryDir dir;
        QFile blocker(dir.filePath(QStringLiteral("file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        QString error;
        const QStringList written =
            panel.savePlots(dir.filePath(QStringLiteral("file/plots")), &error);
        QVERIFY(written.isEmpty());
        QVERIFY(!error.isEmpty());
    }

    void tabsAreNamedAndReachable()
    {
        MetricsPanel panel;
        QCOMPARE(panel.tabs()->count(), 7);
        QVERIFY(panel.findChild<QWidget *>(QStringLiteral("accuracyChart")));
        QVERIFY(panel.findChild<QWidget *>(QStringLiteral("agreementView")));
        QVERIFY(panel.findChild<QWidget *>(QStringLiteral("confusionTable")));
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("plateauHint")));
        // Empty charts still exist (with a "no data" title) so the tabs never look broken.
        QVERIFY(panel.chart(MetricsPanel::Plot::Throughput)
                    ->title()
                    .contains(QLatin1String("no labels yet")));
    }

    void agreementTabListsAndSettles()
    {
        AgreementView view;
        QVERIFY(view.findChild<QLabel *>(QStringLiteral("agreementSummary"))->text().contains(QLatin1String("--overlap 2")));
        AgreementData data;
        data.imagesMulti = 4;
        data.fleissKappa = 0.5;
        data.classes = {QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("fox")};
        data.annotators = {{QStringLiteral("ann"), 4, 0.9, 0.75}, {QStringLiteral("bob"), 4, std::nullopt, 0.5}};
        data.pairs = {{QStringLiteral("ann"), QStringLiteral("bob"), 4, 0.4}};
        data.queue = {{11, QStringLiteral("a.png"), {QStringLiteral("ann: cat"), QStringLiteral("bob: dog")}, {}, -1},
                      {12, QStringLiteral("b.png"), {QStringLiteral("ann: fox"), QStringLiteral("bob: fox"),
                                                     QStringLiteral("cy: cat")}, QStringLiteral("fox"), 2}};
        view.setAgreement(data);
        QVERIFY(view.findChild<QLabel *>(QStringLiteral("agreementSummary"))->text().contains(QLatin1String("0.500")));
        auto *queue = view.findChild<QTableWidget *>(QStringLiteral("disagreementTable"));
        QCOMPARE(queue->rowCount(), 2);
        QCOMPARE(queue->item(0, 2)->text(), QStringLiteral("ann: cat, bob: dog"));
        QCOMPARE(view.findChild<QTableWidget *>(QStringLiteral("annotatorTable"))->item(1, 2)->text(), QStringLiteral("–"));
        auto *settle = view.findChild<QPushButton *>(QStringLiteral("settleButton"));
        QVERIFY(!settle->isEnabled()); // nothing selected
        QSignalSpy settled(&view, &AgreementView::settleRequested);
        view.selectQueueRow(1); // the majority's class is preselected
        QCOMPARE(view.findChild<QComboBox *>(QStringLiteral("settleClass"))->currentText(), QStringLiteral("fox"));
        QVERIFY(settle->isEnabled());
        QTest::mouseClick(settle, Qt::LeftButton);
        QCOMPARE(settled.count(), 1);
        QCOMPARE(settled.at(0).at(0).toLongLong(), 12);
        QCOMPARE(settled.at(0).at(1).toInt(), 2);
        // Enter in the queue settles too; a refresh keeps the reviewer on the same image.
        queue->setFocus();
        QTest::keyClick(queue, Qt::Key_Return);
        QCOMPARE(settled.count(), 2);
        data.queue.removeFirst();
        view.setAgreement(data);
        QCOMPARE(view.selectedQueueRow(), 0);
        QCOMPARE(view.agreement().queue[0].imageId, 12);
        QSignalSpy majority(&view, &AgreementView::settleByMajorityRequested);
        QTest::mouseClick(view.findChild<QPushButton *>(QStringLiteral("settleMajorityButton")), Qt::LeftButton);
        QCOMPARE(majority.count(), 1);
    }
};

QTEST_MAIN(TestPanelMetrics)
#include "test_panelmetrics.moc"
