// The review panel over models that serve the review roles (QStandardItemModel here, app/'s own
// models in the application): class filter, and relabel requests by key, Enter and menu.
#include "ui/imagebrowser.h"
#include "ui/panels/reviewpanel.h"

#include <QComboBox>
#include <QImage>
#include <QListView>
#include <QMenu>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QToolButton>
#include <QtTest>

using namespace activelabel;

namespace {

QList<ClassRow> classes()
{
    return {{1, QStringLiteral("T-shirt/top"), QStringLiteral("1"), QColor(0xE6, 0x9F, 0x00), 3},
            {2, QStringLiteral("Trouser"), QStringLiteral("2"), QColor(0x56, 0xB4, 0xE9), 2},
            {3, QStringLiteral("Shirt"), QStringLiteral("7"), QColor(0x00, 0x72, 0xB2), 1}};
}

QImage garment(int shade)
{
    QImage image(28, 28, QImage::Format_Grayscale8);
    image.fill(shade);
    return image;
}

// Image ids 100.. with given classes; the suspicious model adds predictions and confidences.
QStandardItemModel *labelledModel(QObject *parent)
{
    auto *model = new QStandardItemModel(parent);
    const int given[] = {0, 0, 1, 2, 1, 0};
    for (int i = 0; i < 6; ++i) {
        auto *item = new QStandardItem(QStringLiteral("img_%1.png").arg(i));
        item->setData(QPixmap::fromImage(garment(40 * i)), Qt::DecorationRole);
        item->setData(qint64(100 + i), ReviewRoles::ImageIdRole);
        item->setData(given[i], ReviewRoles::GivenClassRole);
        model->appendRow(item);
    }
    return model;
}

QStandardItemModel *suspiciousModel(QObject *parent)
{
    auto *model = new QStandardItemModel(parent);
    const struct
    {
        qint64 id;
        int given, predicted;
        double confidence;
    } rows[] = {{203, 2, 0, 0.97}, {207, 0, 1, 0.91}, {211, 1, 2, 0.84}};
    for (const auto &r : rows) {
        auto *item = new QStandardItem;
        item->setData(QImage(garment(120)), Qt::DecorationRole);
        item->setData(r.id, ReviewRoles::ImageIdRole);
        item->setData(r.given, ReviewRoles::GivenClassRole);
        item->setData(r.predicted, ReviewRoles::PredictedClassRole);
        item->setData(r.confidence, ReviewRoles::ConfidenceRole);
        model->appendRow(item);
    }
    return model;
}

} // namespace

class TestPanelReview : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void classFilterEmitsPositions()
    {
        ReviewPanel panel;
        QSignalSpy spy(&panel, &ReviewPanel::classFilterChanged);
        panel.setClasses(classes());
        QCOMPARE(spy.size(), 0); // still "all classes"
        auto *combo = panel.findChild<QComboBox *>(QStringLiteral("classFilterCombo"));
        QVERIFY(combo);
        QCOMPARE(combo->count(), 4);
        combo->setCurrentIndex(2);
        QCOMPARE(spy.size(), 1);
        QCOMPARE(spy.at(0).at(0).toInt(), 1);
        QCOMPARE(panel.classFilter(), 1);
        panel.setClassFilter(-1);
        QCOMPARE(spy.at(1).at(0).toInt(), -1);

        // A refresh that drops the filtered class falls back to all classes and says so.
        panel.setClassFilter(2);
        QList<ClassRow> fewer = classes();
        fewer.removeLast();
        panel.setClasses(fewer);
        QCOMPARE(panel.classFilter(), -1);
        QCOMPARE(spy.last().at(0).toInt(), -1);
    }

    void classKeyRelabelsSelectedImages()
    {
        ReviewPanel panel;
        panel.setClasses(classes());
        panel.setLabelledModel(labelledModel(&panel));
        QSignalSpy spy(&panel, &ReviewPanel::relabelRequested);
        ImageBrowser *grid = panel.labelledView();
        grid->selectionModel()->select(grid->model()->index(1, 0),
                                       QItemSelectionModel::ClearAndSelect);
        grid->selectionModel()->select(grid->model()->index(3, 0), QItemSelectionModel::Select);
        QTest::keyClick(grid, Qt::Key_2); // Trouser
        QCOMPARE(spy.size(), 2);
        QCOMPARE(spy.at(0).at(0).toLongLong(), 101);
        QCOMPARE(spy.at(0).at(1).toInt(), 1);
        QCOMPARE(spy.at(1).at(0).toLongLong(), 103);

        // Key 7 is bound to Shirt (position 2); image 103 already is a Shirt: one request.
        QTest::keyClick(grid, Qt::Key_7);
        QCOMPARE(spy.size(), 3);
        QCOMPARE(spy.at(2).at(0).toLongLong(), 101);
        QCOMPARE(spy.at(2).at(1).toInt(), 2);

        // An unbound key does nothing.
        QTest::keyClick(grid, Qt::Key_5);
        QCOMPARE(spy.size(), 3);
    }

    void suspiciousListEnterTakesThePrediction()
    {
        ReviewPanel panel;
        panel.setClasses(classes());
        panel.setSuspiciousModel(suspiciousModel(&panel));
        panel.tabs()->setCurrentIndex(ReviewPanel::SuspiciousTab);
        QSignalSpy spy(&panel, &ReviewPanel::relabelRequested);
        QListView *list = panel.suspiciousView();
        list->setCurrentIndex(list->model()->index(1, 0));
        QTest::keyClick(list, Qt::Key_Return);
        QCOMPARE(spy.size(), 1);
        QCOMPARE(spy.at(0).at(0).toLongLong(), 207);
        QCOMPARE(spy.at(0).at(1).toInt(), 1); // predicted Trouser

        list->setCurrentIndex(list->model()->index(0, 0));
        QTest::keyClick(list, Qt::Key_1);
        QCOMPARE(spy.size(), 2);
        QCOMPARE(spy.at(1).at(0).toLongLong(), 203);
        QCOMPARE(spy.at(1).at(1).toInt(), 0);
    }

    void relabelMenuListsClasses()
    {
        ReviewPanel panel;
        panel.setClasses(classes());
        panel.setSuspiciousModel(suspiciousModel(&panel));
        panel.tabs()->setCurrentIndex(ReviewPanel::SuspiciousTab);
        auto *button = panel.findChild<QToolButton *>(QStringLiteral("relabelButton"));
        QVERIFY(button);
        QVERIFY(!button->isEnabled()); // nothing selected
        QListView *list = panel.suspiciousView();
        list->setCurrentIndex(list->model()->index(2, 0));
        QVERIFY(button->isEnabled());
        QSignalSpy spy(&panel, &ReviewPanel::relabelRequested);
        const QList<QAction *> actions = button->menu()->actions();
        QCOMPARE(actions.size(), 3);
        QVERIFY(actions.at(2)->text().startsWith(QLatin1String("Shirt")));
        actions.at(0)->trigger();
        QCOMPARE(spy.size(), 1);
        QCOMPARE(spy.at(0).at(0).toLongLong(), 211);
        QCOMPARE(spy.at(0).at(1).toInt(), 0);
    }

    void emptySuspiciousListSaysSo()
    {
        ReviewPanel panel;
        panel.setClasses(classes());
        QVERIFY(panel.suspiciousEmptyShown()); // no model yet
        QStandardItemModel *model = suspiciousModel(&panel);
        panel.setSuspiciousModel(model);
        QVERIFY(!panel.suspiciousEmptyShown());
        model->removeRows(0, model->rowCount());
        QVERIFY(panel.suspiciousEmptyShown());
        model->appendRow(new QStandardItem);
        QVERIFY(!panel.suspiciousEmptyShown());
    }

    void rendersRowsWithoutCrashing()
    {
        ReviewPanel panel;
        panel.setClasses(classes());
        panel.setLabelledModel(labelledModel(&panel));
        panel.setSuspiciousModel(suspiciousModel(&panel));
        panel.resize(700, 500);
        for (int tab : {0, 1}) {
            panel.tabs()->setCurrentIndex(tab);
            const QImage image = panel.grab().toImage();
            QVERIFY(!image.isNull());
        }
    }
};

QTEST_MAIN(TestPanelReview)
#include "test_panelreview.moc"
