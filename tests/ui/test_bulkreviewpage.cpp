// The bulk review page's own keys: a class key or the chooser picks the class, A ticks or unticks
// every tile, Enter and the button ask to accept, Page Down and Esc ask for the next page and the
// way back; the accept button says how many images it will label, and an empty page says why.
#include "ui/bulkreviewpage.h"

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

using namespace activelabel;

namespace {

QList<ClassButtonInfo> classes()
{
    return {{QStringLiteral("T-shirt/top"), QStringLiteral("1"), QColor(0xE6, 0x9F, 0x00)},
            {QStringLiteral("Trouser"), QStringLiteral("2"), QColor(0x56, 0xB4, 0xE9)},
            {QStringLiteral("Bag"), QStringLiteral("0"), QColor()}};
}

QList<Tile> page(int count, int classPosition)
{
    QList<Tile> tiles;
    for (int i = 0; i < count; ++i) {
        Tile tile;
        tile.imageId = 10 + i;
        tile.image = QImage(28, 28, QImage::Format_Grayscale8);
        tile.image.fill(100);
        tile.classPosition = classPosition;
        tile.badge = QStringLiteral("Trouser 99%");
        tiles << tile;
    }
    return tiles;
}

} // namespace

class TestBulkReviewPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keysAndChooser()
    {
        BulkReviewPage view;
        view.setClasses(classes());
        view.setCurrentClass(1);
        view.showPage(page(4, 1), QStringLiteral("4 of 4 images the model calls Trouser"));
        view.resize(900, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setFocus();
        QCOMPARE(view.grid()->count(), 4);
        auto *button = view.findChild<QPushButton *>(QStringLiteral("bulkAcceptButton"));
        QVERIFY(button && button->isEnabled());
        QCOMPARE(button->text(), QStringLiteral("Label 4 as Trouser (Enter)"));

        QSignalSpy chosen(&view, &BulkReviewPage::classChosen);
        QSignalSpy accept(&view, &BulkReviewPage::acceptRequested);
        QSignalSpy next(&view, &BulkReviewPage::nextPageRequested);
        QSignalSpy back(&view, &BulkReviewPage::backRequested);

        // A: untick every tile (all were ticked), A again: tick them all.
        QTest::keyClick(view.grid(), Qt::Key_A);
        QVERIFY(view.grid()->tickedIds().isEmpty());
        QCOMPARE(button->text(), QStringLiteral("Label 0 as Trouser (Enter)"));
        QTest::keyClick(view.grid(), Qt::Key_Space); // one back
        QTest::keyClick(view.grid(), Qt::Key_A);
        QCOMPARE(view.grid()->tickedIds().size(), 4);

        QTest::keyClick(view.grid(), Qt::Key_Return);
        button->click();
        QCOMPARE(accept.size(), 2);
        QTest::keyClick(view.grid(), Qt::Key_PageDown);
        QCOMPARE(next.size(), 1);
        QTest::keyClick(view.grid(), Qt::Key_Escape);
        QCOMPARE(back.size(), 1);

        // Class keys: the class's hotkey, 0 included; a key no class has does nothing.
        QTest::keyClick(view.grid(), Qt::Key_0);
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen.at(0).at(0).toInt(), 2);
        QCOMPARE(view.currentClass(), 2);
        QTest::keyClick(view.grid(), Qt::Key_7);
        QCOMPARE(chosen.size(), 1);
        // The chooser, as the mouse uses it.
        auto *combo = view.findChild<QComboBox *>(QStringLiteral("bulkClassCombo"));
        QVERIFY(combo);
        QCOMPARE(combo->count(), 3);
        QCOMPARE(combo->currentIndex(), 2);
        Q_EMIT combo->activated(0);
        QCOMPARE(chosen.last().at(0).toInt(), 0);
        QCOMPARE(view.currentClass(), 0);
        QVERIFY(view.findChild<QLabel *>(QStringLiteral("bulkBlindNote"))
                    ->text()
                    .contains(QStringLiteral("Blind mode")));
    }

    void emptyPageSaysWhy()
    {
        BulkReviewPage view;
        view.setClasses(classes());
        view.showEmpty(QStringLiteral("No predictions yet"));
        QCOMPARE(view.grid()->count(), 0);
        QCOMPARE(view.grid()->emptyMessage(), QStringLiteral("No predictions yet"));
        QVERIFY(!view.findChild<QPushButton *>(QStringLiteral("bulkAcceptButton"))->isEnabled());
        // Fewer classes than the one selected: back to none.
        view.setCurrentClass(2);
        view.setClasses(classes().mid(0, 1));
        QCOMPARE(view.currentClass(), -1);
    }
};

QTEST_MAIN(TestBulkReviewPage)
#include "test_bulkreviewpage.moc"
