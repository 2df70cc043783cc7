// Renders every panel offscreen with realistic data (a Fashion-MNIST project a few rounds in) and
// checks the images are not blank. With ACTIVELABEL_PANEL_SHOTS=DIR set, the PNGs are kept there
// for people to look at; otherwise they go to a temporary folder.
#include "support/fashionmnist.h"
#include "ui/imagebrowser.h"
#include "ui/panels/cheatsheetdialog.h"
#include "ui/panels/classmanagerdialog.h"
#include "ui/panels/exportdialog.h"
#include "ui/panels/metricspanel.h"
#include "ui/panels/modelversionsview.h"
#include "ui/panels/palette.h"
#include "ui/panels/plateau.h"
#include "ui/panels/reviewpanel.h"

#include <QImage>
#include <QListView>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace activelabel;
using namespace activelabel::testsupport;

namespace {

const QStringList kClasses = fashionMnistClasses();

int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

// Fashion-MNIST test images and labels when the Debian dataset is installed, else grey squares:
// the screenshots should show what an annotator sees.
struct Garment
{
    QImage image;
    int label = 0;
};

QList<Garment> garments(int count)
{
    QList<Garment> out;
    if (hasFashionMnist()) {
        const IdxImages test = readFashionMnist("t10k", std::size_t(count));
        for (std::size_t i = 0; i < test.images.size(); ++i) {
            const cv::Mat &pixels = test.images[i];
            QImage image(pixels.cols, pixels.rows, QImage::Format_Grayscale8);
            for (int y = 0; y < pixels.rows; ++y)
                for (int x = 0; x < pixels.cols; ++x) // dark garments on white, as people expect
                    image.scanLine(y)[x] = uchar(255 - pixels.at<uchar>(y, x));
            out.append({image, test.labels[i]});
        }
    }
    for (int i = int(out.size()); i < count; ++i) {
        QImage image(28, 28, QImage::Format_Grayscale8);
        image.fill(60 + (i * 37) % 180);
        out.append({image, i % 10});
    }
    return out;
}

QList<ClassRow> classRows()
{
    const QList<int> counts = {52, 41, 55, 47, 50, 38, 61, 44, 39, 53};
    QList<ClassRow> rows;
    for (int i = 0; i < kClasses.size(); ++i)
        rows.append({100 + i, kClasses.at(i), QString::number((i + 1) % 10), defaultClassColour(i),
                     counts.at(i)});
    rows[9].hotkey.clear(); // 10 classes, 10 keys: leave one free to show "—"
    return rows;
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
        AccuracyPoint p{
            labels, estimate, std::max(0.0, estimate - half), std::min(1.0, estimate + half),
            window, {}};
        if (i % 2 == 1)
            p.test = estimate + 0.015;
        accuracy.append(p);
        rounds.append({i + 1, labels, 1.9 * std::exp(-labels / 200.0) + 0.25, estimate + 0.01,
                       i < 6 ? QStringLiteral("frozen") : QStringLiteral("fine-tune last 2")});
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

    void modelVersionsView()
    {
        ModelVersionsView view;
        QList<ModelVersionRow> rows;
        const QDateTime t0(QDate(2026, 3, 2), QTime(9, 12));
        for (int i = 0; i < 12; ++i)
            rows.append({i + 1, t0.addSecs(i * 420), QStringLiteral("resnet18"),
                         i < 6 ? QStringLiteral("frozen") : QStringLiteral("fine-tune last 2"),
                         40 * (i + 1), 0.48 + 0.3 * (1 - std::exp(-i / 4.0)),
                         i % 2 ? std::optional<double>(0.47 + 0.3 * (1 - std::exp(-i / 4.0)))
                               : std::nullopt,
                         i == 11});
        view.setVersions(rows);
        view.selectVersion(9);
        save(view, QStringLiteral("modelversions.png"), QSize(760, 420));
    }

    void classManager()
    {
        ClassManagerDialog dialog;
        dialog.setClasses(classRows());
        dialog.selectClass(106);
        dialog.requestHotkey(106, QStringLiteral("1")); // shows the duplicate-key message
        save(dialog, QStringLiteral("classmanager.png"), QSize(620, 460));
    }

    void reviewPanel()
    {
        ReviewPanel panel;
        panel.setClasses(classRows());
        const QList<Garment> items = garments(160);
        QStandardItemModel labelled;
        for (int i = 0; i < items.size(); ++i) {
            auto *item = new QStandardItem(QStringLiteral("%1.png").arg(10000 + i));
            item->setData(QPixmap::fromImage(items.at(i).image.scaled(96, 96, Qt::KeepAspectRatio,
                                                                      Qt::FastTransformation)),
                          Qt::DecorationRole);
            item->setData(qint64(i + 1), ReviewRoles::ImageIdRole);
            item->setData(items.at(i).label, ReviewRoles::GivenClassRole);
            labelled.appendRow(item);
        }
        QStandardItemModel suspicious;
        for (int i = 0; i < 8; ++i) {
            const Garment &g = items.at(i * 7);
            auto *item = new QStandardItem;
            item->setData(g.image, Qt::DecorationRole);
            item->setData(qint64(i * 7 + 1), ReviewRoles::ImageIdRole);
            item->setData(g.label, ReviewRoles::GivenClassRole);
            item->setData((g.label + 3) % 10, ReviewRoles::PredictedClassRole);
            item->setData(0.98 - 0.05 * i, ReviewRoles::ConfidenceRole);
            suspicious.appendRow(item);
        }
        panel.setLabelledModel(&labelled);
        panel.setSuspiciousModel(&suspicious);
        panel.labelledView()->selectionModel()->select(labelled.index(3, 0),
                                                       QItemSelectionModel::Select);
        save(panel, QStringLiteral("review_labelled.png"), QSize(820, 560));
        panel.tabs()->setCurrentIndex(ReviewPanel::SuspiciousTab);
        panel.suspiciousView()->setCurrentIndex(suspicious.index(1, 0));
        save(panel, QStringLiteral("review_suspicious.png"), QSize(820, 560));
    }

    void exportDialog()
    {
        ExportDialog dialog;
        dialog.setDefaultDirectory(QStringLiteral("/home/ana/fashion-project/exports"));
        save(dialog, QStringLiteral("export_model.png"), dialog.size());
        dialog.setKind(ExportRequest::Kind::ImageFolder);
        save(dialog, QStringLiteral("export_imagefolder.png"), dialog.size());
    }

    void cheatSheet()
    {
        CheatSheetDialog dialog(CheatSheetDialog::defaultShortcuts());
        save(dialog, QStringLiteral("cheatsheet.png"), dialog.size());
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
