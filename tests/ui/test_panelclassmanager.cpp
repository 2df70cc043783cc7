// The class manager: validation of names and keys, and the requests it sends with the right ids.
// A small "app" lambda applies each request to a list and calls setClasses(), as app/ does after
// a change is saved.
#include "ui/panels/classmanagerdialog.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>

using namespace activelabel;

namespace {

QList<ClassRow> fashionClasses()
{
    return {{11, QStringLiteral("T-shirt/top"), QStringLiteral("1"), QColor(0xE6, 0x9F, 0x00), 52},
            {12, QStringLiteral("Trouser"), QStringLiteral("2"), QColor(0x56, 0xB4, 0xE9), 41},
            {13, QStringLiteral("Pullover"), QStringLiteral("3"), QColor(0x00, 0x9E, 0x73), 0},
            {14, QStringLiteral("Shirt"), QString(), QColor(0x00, 0x72, 0xB2), 61}};
}

} // namespace

class TestPanelClassManager : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nameValidation()
    {
        const QList<ClassRow> rows = fashionClasses();
        QVERIFY(classNameProblem(QStringLiteral("Coat"), rows).isEmpty());
        QVERIFY(!classNameProblem(QString(), rows).isEmpty());
        QVERIFY(!classNameProblem(QStringLiteral("   "), rows).isEmpty());
        QVERIFY(
            classNameProblem(QStringLiteral(" trouser "), rows).contains(QLatin1String("Trouser")));
        QVERIFY(!classNameProblem(QStringLiteral("a\nb"), rows).isEmpty());
        QVERIFY(!classNameProblem(QString(101, QLatin1Char('x')), rows).isEmpty());
        // Renaming a class to itself (in another case) is allowed.
        QVERIFY(classNameProblem(QStringLiteral("TROUSER"), rows, 12).isEmpty());
    }

    void hotkeyValidation()
    {
        const QList<ClassRow> rows = fashionClasses();
        QVERIFY(hotkeyProblem(QStringLiteral("4"), rows, 14).isEmpty());
        QVERIFY(hotkeyProblem(QString(), rows, 11).isEmpty());
        QVERIFY(hotkeyProblem(QStringLiteral("2"), rows, 14).contains(QLatin1String("Trouser")));
        QVERIFY(hotkeyProblem(QStringLiteral("2"), rows, 12).isEmpty());
        QVERIFY(!hotkeyProblem(QStringLiteral("A"), rows, 14).isEmpty());
    }

    void addThroughTheUi()
    {
        ClassManagerDialog dialog;
        dialog.setClasses(fashionClasses());
        QSignalSpy spy(&dialog, &ClassManagerDialog::addRequested);
        auto *name = dialog.findChild<QLineEdit *>(QStringLiteral("newClassName"));
        auto *add = dialog.findChild<QPushButton *>(QStringLiteral("addButton"));
        QVERIFY(name && add);

        name->setText(QStringLiteral("pullover"));
        add->click();
        QCOMPARE(spy.size(), 0);
        QVERIFY(dialog.message().contains(QLatin1String("already")));
        QCOMPARE(name->text(), QStringLiteral("pullover")); // kept for fixing

        name->clear();
        add->click();
        QCOMPARE(spy.size(), 0);
        QVERIFY(dialog.message().contains(QLatin1String("name")));

        QTest::keyClicks(name, QStringLiteral("  Coat "));
        QTest::keyClick(name, Qt::Key_Return);
        QCOMPARE(spy.size(), 1);
        QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("Coat"));
        QVERIFY(dialog.message().isEmpty());
        QVERIFY(name->text().isEmpty());
    }

    void renameByEditingTheCell()
    {
        ClassManagerDialog dialog;
        QList<ClassRow> rows = fashionClasses();
        dialog.setClasses(rows);
        QSignalSpy spy(&dialog, &ClassManagerDialog::renameRequested);
        auto *table = dialog.findChild<QTableWidget *>(QStringLiteral("classTable"));
        QVERIFY(table);

        // Refused: the cell goes back to the saved name.
        table->item(3, 0)->setText(QStringLiteral("Trouser"));
        QCOMPARE(spy.size(), 0);
        QCOMPARE(table->item(3, 0)->text(), QStringLiteral("Shirt"));
        QVERIFY(!dialog.message().isEmpty());

        // Accepted, app/ saves and refreshes.
        connect(&dialog, &ClassManagerDialog::renameRequested, &dialog,
                [&](qint64 id, const QString &name) {
                    for (ClassRow &r : rows)
                        if (r.id == id)
                            r.name = name;
                    dialog.setClasses(rows);
                });
        table->item(3, 0)->setText(QStringLiteral("Shirt (woven)"));
        QCOMPARE(spy.size(), 1);
        QCOMPARE(spy.at(0).at(0).toLongLong(), 14);
        QCOMPARE(spy.at(0).at(1).toString(), QStringLiteral("Shirt (woven)"));
        QCOMPARE(table->item(3, 0)->text(), QStringLiteral("Shirt (woven)"));

        // Not saved (app/ does not refresh): the dialog keeps showing the saved name.
        disconnect(&dialog, &ClassManagerDialog::renameRequested, &dialog, nullptr);
        table->item(0, 0)->setText(QStringLiteral("Top"));
        QCOMPARE(spy.size(), 2);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("T-shirt/top"));
    }

    void hotkeysRefuseDuplicates()
    {
        ClassManagerDialog dialog;
        dialog.setClasses(fashionClasses());
        QSignalSpy spy(&dialog, &ClassManagerDialog::hotkeyRequested);
        QVERIFY(dialog.selectClass(14));
        auto *combo = dialog.findChild<QComboBox *>(QStringLiteral("keyCombo"));
        QVERIFY(combo);
        QCOMPARE(combo->currentText(), QStringLiteral("None"));

        QVERIFY(!dialog.requestHotkey(14, QStringLiteral("1")));
        QCOMPARE(spy.size(), 0);
        QVERIFY(dialog.message().contains(QLatin1String("T-shirt/top")));
        QCOMPARE(combo->currentText(), QStringLiteral("None")); // still the saved key

        QVERIFY(dialog.requestHotkey(14, QStringLiteral("4")));
        QCOMPARE(spy.size(), 1);
        QCOMPARE(spy.at(0).at(0).toLongLong(), 14);
        QCOMPARE(spy.at(0).at(1).toString(), QStringLiteral("4"));
        QVERIFY(dialog.message().isEmpty());

        // Clearing a key is always allowed.
        QVERIFY(dialog.requestHotkey(11, QString()));
        QCOMPARE(spy.at(1).at(1).toString(), QString());
    }

    void moveMergeDeleteAndColour()
    {
        ClassManagerDialog dialog;
        dialog.setConfirmationsEnabled(false);
        dialog.setClasses(fashionClasses());
        QSignalSpy moves(&dialog, &ClassManagerDialog::moveRequested);
        QSignalSpy merges(&dialog, &ClassManagerDialog::mergeRequested);
        QSignalSpy deletes(&dialog, &ClassManagerDialog::deleteRequested);
        QSignalSpy colours(&dialog, &ClassManagerDialog::colourRequested);

        QVERIFY(dialog.selectClass(13));
        dialog.findChild<QPushButton *>(QStringLiteral("moveUpButton"))->click();
        QCOMPARE(moves.size(), 1);
        QCOMPARE(moves.at(0).at(0).toLongLong(), 13);
        QCOMPARE(moves.at(0).at(1).toInt(), 1);
        // The first class cannot move up; the last cannot move down.
        QVERIFY(!dialog.requestMove(11, -1));
        QVERIFY(!dialog.requestMove(14, 4));
        QVERIFY(dialog.selectClass(11));
        QVERIFY(!dialog.findChild<QPushButton *>(QStringLiteral("moveUpButton"))->isEnabled());

        // Merge Shirt into T-shirt/top through the combo.
        QVERIFY(dialog.selectClass(14));
        auto *target = dialog.findChild<QComboBox *>(QStringLiteral("mergeTargetCombo"));
        QCOMPARE(target->count(), 3); // every other class
        target->setCurrentIndex(target->findText(QStringLiteral("T-shirt/top")));
        dialog.findChild<QPushButton *>(QStringLiteral("mergeButton"))->click();
        QCOMPARE(merges.size(), 1);
        QCOMPARE(merges.at(0).at(0).toLongLong(), 14);
        QCOMPARE(merges.at(0).at(1).toLongLong(), 11);
        QVERIFY(!dialog.requestMerge(14, 14));

        QVERIFY(dialog.selectClass(12));
        dialog.findChild<QPushButton *>(QStringLiteral("deleteButton"))->click();
        QCOMPARE(deletes.size(), 1);
        QCOMPARE(deletes.at(0).at(0).toLongLong(), 12);
        QVERIFY(!dialog.requestDelete(99));

        QVERIFY(dialog.requestColour(13, QColor(0xCC, 0x79, 0xA7)));
        QCOMPARE(colours.at(0).at(0).toLongLong(), 13);
        QCOMPARE(colours.at(0).at(1).value<QColor>(), QColor(0xCC, 0x79, 0xA7));
        QVERIFY(!dialog.requestColour(13, QColor()));
    }

    void keyboardDeleteAndReorder()
    {
        ClassManagerDialog dialog;
        dialog.setConfirmationsEnabled(false);
        dialog.setClasses(fashionClasses());
        QSignalSpy moves(&dialog, &ClassManagerDialog::moveRequested);
        QSignalSpy deletes(&dialog, &ClassManagerDialog::deleteRequested);
        auto *table = dialog.findChild<QTableWidget *>(QStringLiteral("classTable"));
        QVERIFY(dialog.selectClass(12));
        QTest::keyClick(table, Qt::Key_Down, Qt::ControlModifier);
        QCOMPARE(moves.size(), 1);
        QCOMPARE(moves.at(0).at(0).toLongLong(), 12);
        QCOMPARE(moves.at(0).at(1).toInt(), 2);
        QTest::keyClick(table, Qt::Key_Delete);
        QCOMPARE(deletes.size(), 1);
        QCOMPARE(deletes.at(0).at(0).toLongLong(), 12);
    }

    void refreshKeepsSelection()
    {
        ClassManagerDialog dialog;
        QList<ClassRow> rows = fashionClasses();
        dialog.setClasses(rows);
        QVERIFY(dialog.selectClass(13));
        std::swap(rows[1], rows[2]);
        rows.append({15, QStringLiteral("Coat"), QString(), QColor(0xD5, 0x5E, 0x00), 0});
        dialog.setClasses(rows);
        QCOMPARE(dialog.selectedClassId(), 13);
        auto *table = dialog.findChild<QTableWidget *>(QStringLiteral("classTable"));
        QCOMPARE(table->rowCount(), 5);
        QCOMPARE(table->item(1, 0)->text(), QStringLiteral("Pullover"));
        QCOMPARE(table->item(4, 2)->text(), QStringLiteral("0"));
        rows.removeAt(1);
        dialog.setClasses(rows);
        QCOMPARE(dialog.selectedClassId(), -1);
        QVERIFY(!dialog.findChild<QPushButton *>(QStringLiteral("deleteButton"))->isEnabled());
    }
};

QTEST_MAIN(TestPanelClassManager)
#include "test_panelclassmanager.moc"
