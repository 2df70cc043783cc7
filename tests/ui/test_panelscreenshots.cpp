// Renders every panel offscreen with realistic data (a Fashion-MNIST project a few rounds in) and
// checks the images are not blank. With ACTIVELABEL_PANEL_SHOTS=DIR set, the PNGs are kept there
// for people to look at; otherwise they go to a temporary folder.
#include "ui/panels/metricspanel.h"
#include "ui/panels/plateau.h"

#include <QImage>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace activelabel;

namespace {

const QStringList kClasses = {
    QStringLiteral("T-shirt/top"), QStringLiteral("Trouser"), QStringLiteral("Pullover"),
    QStringLiteral("Dress"),       QStringLiteral("Coat"),    QStringLiteral("Sandal"),
    QStringLiteral("Shirt"),       QStringLiteral("Sneaker"), QStringLiteral("Bag"),
    QStringLiteral("Ankle boot")};

int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

void fillMetrics(MetricsPanel &panel)
{
    QList<AccuracyPoint> accuracy;
    QList<RoundPoint> rounds;
    for (int i = 0; i < 12; ++i) {
        const int labels = 40 * (i + 1);
        const double estimate = std::min(0.80, 0.35 + 0.45 * (1.0 - std::exp(-labels / 120.0)));
        const int window = std::min(100, 8 * (i + 1));
        const double half = 1.96 * std::sqrt(estimate * (1 - estimate) / window);
        AccuracyPoint p{labels, estimate, std::max(0.0, estimate - half),
                        std::min(1.0, estimate + half), window, {}};
        if (i % 2 == 1)
            p.test = estimate + 0.015;
        accuracy.append(p);
        rounds.append({i + 1, labels, 1.9 * std::exp(-labels / 200.0) + 0.25,
                       estimate + 0.01, i < 6 ? QStringLiteral("frozen")
                                              : QStringLiteral("fine-tune last 2")});
    }
    panel.setAccuracy(accuracy);
    panel.setRounds(rounds);

    ClassSeries perClass;
    perClass.classes = kClasses;
    perClass.values = {0.78, 0.95, 0.66, 0.82, 0.69, 0.91, 0.41, 0.90, 0.94, 0.93};
    panel.setPerClassAccuracy(perClass);
    ClassSeries balance;
    balance.classes = kClasses;
    balance.values = {52, 41, 55, 47, 50, 38, 61, 44, 39, 53};
    panel.setClassBalance(balance);

    ConfusionData confusion;
    confusion.classes = kClasses;
    for (int r = 0; r < 10; ++r) {
        QList<int> row;
        for (int c = 0; c < 10; ++c)
            row.append(r == c ? 80 - 3 * r : ((r * 7 + c * 3) % 11 == 0 ? 9 : (r + c) % 3));
        confusion.counts.append(row);
    }
    panel.setConfusion(confusion);

    QList<QDateTime> times;
    const QDateTime start(QDate(2026, 3, 2), QTime(9, 0));
    int t = 0;
    for (int i = 0; i < 480; ++i) {
        t += 4 + (i % 7) + (i > 300 ? 3 : 0);
        times.append(start.addSecs(t));
    }
    panel.setThroughput(throughputFromLabelTimes(times, 600));
}

} // namespace

class TestPanelScreenshots : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_outDir = qEnvironmentVariable("ACTIVELABEL_PANEL_SHOTS");
        if (m_outDir.isEmpty()) {
            QVERIFY(m_tmp.isValid());
            m_outDir = m_tmp.path();
        }
        QVERIFY(QDir().mkpath(m_outDir));
    }

    void metricsPanel()
    {
        MetricsPanel panel;
        fillMetrics(panel);
        QString error;
        const QStringList written =
            panel.savePlots(QDir(m_outDir).filePath(QStringLiteral("metrics")), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(written.size(), 6);
        for (const QString &path : written)
            QVERIFY2(distinctColours(QImage(path)) > 20, qPrintable(path));
        for (int tab = 0; tab < 6; ++tab) {
            panel.tabs()->setCurrentIndex(tab);
            save(panel, QStringLiteral("metricspanel_tab%1.png").arg(tab), QSize(900, 600));
        }
    }

private:
    void save(QWidget &widget, const QString &name, const QSize &size)
    {
        widget.resize(size);
        widget.setAttribute(Qt::WA_DontShowOnScreen);
        widget.show();
        QCoreApplication::processEvents();
        const QImage image = widget.grab().toImage();
        QVERIFY2(distinctColours(image) > 10, qPrintable(name));
        QVERIFY(image.save(QDir(m_outDir).filePath(name)));
    }

    QTemporaryDir m_tmp;
    QString m_outDir;
};

QTEST_MAIN(TestPanelScreenshots)
#include "test_panelscreenshots.moc"
