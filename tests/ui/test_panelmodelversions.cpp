// The model-versions table: what it shows, and the rollback request it raises.
#include "ui/panels/modelversionsview.h"

#include <QAbstractItemModelTester>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QtTest>

using namespace activelabel;

namespace {

QList<ModelVersionRow> threeVersions()
{
    const QDateTime t0(QDate(2026, 3, 2), QTime(9, 30));
    QList<ModelVersionRow> rows;
    rows.append({1, t0, QStringLiteral("resnet18"), QStringLiteral("frozen"), 40, 0.55, {}, false});
    rows.append({2, t0.addSecs(600), QStringLiteral("resnet18"), QStringLiteral("frozen"), 80, 0.63,
                 0.61, false});
    rows.append({3, t0.addSecs(1200), QStringLiteral("resnet18"),
                 QStringLiteral("fine-tune last 2"), 120, 0.702, 0.69, true});
    return rows;
}

} // namespace

class TestPanelModelVersions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void modelShowsNewestFirstWithCurrentMarked()
    {
        ModelVersionsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setVersions(threeVersions());
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(ModelVersionsModel::ColumnCount));
        QCOMPARE(model.index(0, 0).data(ModelVersionsModel::VersionRole).toLongLong(), 3);
        QVERIFY(model.index(0, 0).data(ModelVersionsModel::IsCurrentRole).toBool());
        QVERIFY(model.index(0, 0).data().toString().contains(QLatin1String("current")));
        QVERIFY(model.index(0, 0).data(Qt::FontRole).value<QFont>().bold());
        QCOMPARE(model.index(2, ModelVersionsModel::HeldOutColumn).data().toString(),
                 QStringLiteral("55.0%"));
        // No test split: a dash, not 0%.
        QCOMPARE(model.index(2, ModelVersionsModel::TestColumn).data().toString(),
                 QStringLiteral("—"));
        QCOMPARE(model.index(0, ModelVersionsModel::TransferColumn).data().toString(),
                 QStringLiteral("fine-tune last 2"));
        model.setVersions({});
        QCOMPARE(model.rowCount(), 0);
    }

    void rollbackButtonEmitsTheSelectedVersion()
    {
        ModelVersionsView view;
        view.setConfirmationsEnabled(false);
        view.setVersions(threeVersions());
        QSignalSpy spy(&view, &ModelVersionsView::rollbackRequested);
        auto *button = view.findChild<QPushButton *>(QStringLiteral("rollbackButton"));
        QVERIFY(button);
        QVERIFY(!button->isEnabled()); // nothing selected

        QVERIFY(view.selectVersion(3));
        QVERIFY(!button->isEnabled()); // the current version cannot be rolled back to

        QVERIFY(view.selectVersion(2));
        QVERIFY(button->isEnabled());
        button->click();
        QCOMPARE(spy.size(), 1);
        QCOMPARE(spy.at(0).at(0).toLongLong(), 2);
    }

    void keyboardSelectionAndButton()
    {
        ModelVersionsView view;
        view.setConfirmationsEnabled(false);
        view.setVersions(threeVersions());
        view.show();
        view.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&view));
        QSignalSpy spy(&view, &ModelVersionsView::rollbackRequested);
        view.table()->setFocus();
        view.selectVersion(3);
        QTest::keyClick(view.table(), Qt::Key_Down); // version 2
        QTest::keyClick(view.table(), Qt::Key_Down); // version 1
        QCOMPARE(view.selectedVersion().value_or(-1), 1);
        // Tab moves from the table to the button; Space presses it.
        QTest::keyClick(view.table(), Qt::Key_Tab);
        auto *button = view.findChild<QPushButton *>(QStringLiteral("rollbackButton"));
        QVERIFY(button->hasFocus());
        QTest::keyClick(button, Qt::Key_Space);
        QCOMPARE(spy.size(), 1);
        QCOMPARE(spy.at(0).at(0).toLongLong(), 1);
    }

    void refusesCurrentAndUnknownVersions()
    {
        ModelVersionsView view;
        view.setConfirmationsEnabled(false);
        view.setVersions(threeVersions());
        QSignalSpy spy(&view, &ModelVersionsView::rollbackRequested);
        view.requestRollback(3);
        view.requestRollback(42);
        QCOMPARE(spy.size(), 0);
        view.requestRollback(1);
        QCOMPARE(spy.size(), 1);
    }

    void selectionSurvivesRefresh()
    {
        ModelVersionsView view;
        view.setVersions(threeVersions());
        QVERIFY(view.selectVersion(2));
        QList<ModelVersionRow> rows = threeVersions();
        rows.last().current = false;
        rows.append({4, QDateTime::currentDateTime(), QStringLiteral("resnet18"),
                     QStringLiteral("full"), 160, 0.74, 0.72, true});
        view.setVersions(rows);
        QCOMPARE(view.selectedVersion().value_or(-1), 2);
        QCOMPARE(view.model()->rowCount(), 4);
    }
};

QTEST_MAIN(TestPanelModelVersions)
#include "test_panelmodelversions.moc"
