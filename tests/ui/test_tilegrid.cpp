// The tile grid shared by the bulk review page, the look-alikes grid and the pool map: ticks by
// mouse and by arrows + Space, Enter accepts, unused keys reach the parent, pages are clipped to
// the grid, and the class colour is painted on each tile's border.
#include "ui/panels/palette.h"
#include "ui/tilegrid.h"

#include <QSignalSpy>
#include <QtTest>

using namespace activelabel;

namespace {

QList<Tile> tiles(int count)
{
    QList<Tile> out;
    for (int i = 0; i < count; ++i) {
        Tile tile;
        tile.imageId = 100 + i;
        tile.image = QImage(28, 28, QImage::Format_Grayscale8);
        tile.image.fill(20 + 7 * i);
        tile.classPosition = i % 3;
        tile.badge = QStringLiteral("class %1").arg(i % 3);
        out.append(tile);
    }
    return out;
}

// Records the keys that the grid passed on to its parent.
class KeySink : public QWidget
{
public:
    QList<int> keys;

protected:
    void keyPressEvent(QKeyEvent *event) override { keys.append(event->key()); }
};

} // namespace

class TestTileGrid : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keysMoveFocusToggleAndAccept()
    {
        KeySink parent;
        auto *grid = new TileGrid(&parent);
        grid->setGridSize(3, 2);
        grid->setTiles(tiles(5)); // the last row has two tiles
        grid->resize(300, 200);
        parent.show();
        grid->setFocus();
        QVERIFY(QTest::qWaitForWindowExposed(&parent));
        QSignalSpy ticks(grid, &TileGrid::tickChanged);
        QSignalSpy accepted(grid, &TileGrid::accepted);

        QCOMPARE(grid->focusIndex(), 0);
        QCOMPARE(grid->tickedIds().size(), 5); // every tile starts ticked
        QTest::keyClick(grid, Qt::Key_Right);
        QTest::keyClick(grid, Qt::Key_Down);
        QCOMPARE(grid->focusIndex(), 4);
        QTest::keyClick(grid, Qt::Key_Space);
        QCOMPARE(ticks.size(), 1);
        QCOMPARE(ticks.at(0).at(0).toInt(), 4);
        QCOMPARE(ticks.at(0).at(1).toBool(), false);
        QCOMPARE(grid->untickedIds(), QList<qint64>{104});

        // Down from the last row and right past the last tile stay put; left wraps to the row
        // above.
        QTest::keyClick(grid, Qt::Key_Down);
        QTest::keyClick(grid, Qt::Key_Right);
        QCOMPARE(grid->focusIndex(), 4);
        QTest::keyClick(grid, Qt::Key_Left);
        QTest::keyClick(grid, Qt::Key_Left);
        QCOMPARE(grid->focusIndex(), 2);
        QTest::keyClick(grid, Qt::Key_Space);
        QTest::keyClick(grid, Qt::Key_Space); // twice: ticked again
        QCOMPARE(grid->untickedIds(), QList<qint64>{104});
        QTest::keyClick(grid, Qt::Key_Home);
        QCOMPARE(grid->focusIndex(), 0);
        QTest::keyClick(grid, Qt::Key_End);
        QCOMPARE(grid->focusIndex(), 4);

        QTest::keyClick(grid, Qt::Key_Return);
        QTest::keyClick(grid, Qt::Key_Enter);
        QCOMPARE(accepted.size(), 2);
        QCOMPARE(grid->tickedIds(), (QList<qint64>{100, 101, 102, 103}));

        // Class keys and Ctrl+Z are not the grid's: they reach the parent.
        QTest::keyClick(grid, Qt::Key_3);
        QTest::keyClick(grid, Qt::Key_Z, Qt::ControlModifier);
        parent.keys.removeAll(Qt::Key_Control); // QTest presses the modifier as a key of its own
        QCOMPARE(parent.keys, (QList<int>{Qt::Key_3, Qt::Key_Z}));
        QCOMPARE(accepted.size(), 2);
    }

    void mouseClickTogglesTheTileUnderIt()
    {
        TileGrid grid;
        grid.setGridSize(6, 5);
        grid.setTiles(tiles(8));
        grid.resize(600, 500);
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        QSignalSpy ticks(&grid, &TileGrid::tickChanged);
        const QRect seventh = grid.tileRect(7);
        QVERIFY(seventh.isValid());
        QCOMPARE(grid.indexAt(seventh.center()), 7);
        QCOMPARE(grid.indexAt(grid.tileRect(20).center()), -1); // no tile there on this page

        QTest::mouseClick(&grid, Qt::LeftButton, {}, seventh.center());
        QCOMPARE(grid.focusIndex(), 7);
        QCOMPARE(grid.untickedIds(), QList<qint64>{107});
        QTest::mouseClick(&grid, Qt::LeftButton, {}, grid.tileRect(1).center());
        QTest::mouseClick(&grid, Qt::LeftButton, {}, seventh.center());
        QCOMPARE(grid.untickedIds(), QList<qint64>{101});
        QCOMPARE(ticks.size(), 3);
        // A click between tiles (the gap) or on an empty cell changes nothing.
        QTest::mouseClick(&grid, Qt::LeftButton, {}, grid.tileRect(20).center());
        QTest::mouseClick(&grid, Qt::LeftButton, {},
                          QPoint(grid.tileRect(0).right() + 3, grid.tileRect(0).center().y()));
        QCOMPARE(ticks.size(), 3);
        // Then the keyboard goes on from the last clicked tile.
        QCOMPARE(grid.focusIndex(), 7);
        QTest::keyClick(&grid, Qt::Key_Up);
        QCOMPARE(grid.focusIndex(), 1);
    }

    void pageIsClippedAndReplaced()
    {
        TileGrid grid;
        grid.setGridSize(2, 2);
        QSignalSpy focus(&grid, &TileGrid::focusChanged);
        grid.setTiles(tiles(7));
        QCOMPARE(grid.count(), 4);
        QCOMPARE(grid.pageSize(), 4);
        grid.setFocusIndex(3);
        grid.setAllTicked(false);
        QCOMPARE(grid.untickedIds().size(), 4);
        QVERIFY(grid.tickedIds().isEmpty());
        grid.setTiles(tiles(2)); // the next page: focus back to the first tile, ticks as given
        QCOMPARE(grid.focusIndex(), 0);
        QCOMPARE(grid.tickedIds().size(), 2);
        QCOMPARE(focus.last().at(0).toInt(), 0);
        grid.clear();
        QCOMPARE(grid.focusIndex(), -1);
        QTest::keyClick(&grid, Qt::Key_Space); // nothing to toggle, no crash
        QCOMPARE(grid.count(), 0);
    }

    void paintsClassColourAndUntickedState()
    {
        TileGrid grid;
        grid.setGridSize(2, 1);
        QList<Tile> page = tiles(2);
        page[1].colour = QColor(0x12, 0x34, 0x56); // an explicit class colour wins over the default
        grid.setTiles(page);
        grid.resize(240, 120);
        const QImage shot = grid.grab().toImage();
        // The border, just inside the tile's top-left corner rounding, on the left edge.
        auto borderPixel = [&](int index) {
            const QRect r = grid.tileRect(index);
            return shot.pixelColor(r.left() + 1, r.center().y());
        };
        QCOMPARE(borderPixel(0).rgb(), defaultClassColour(0).rgb());
        QCOMPARE(borderPixel(1).rgb(), QColor(0x12, 0x34, 0x56).rgb());
        grid.setTicked(1, false);
        const QImage after = grid.grab().toImage();
        const QRect r = grid.tileRect(1);
        QVERIFY(after.pixelColor(r.left() + 1, r.center().y()).rgb() !=
                QColor(0x12, 0x34, 0x56).rgb());

        grid.clear();
        grid.setEmptyMessage(QStringLiteral("No predictions yet"));
        QCOMPARE(grid.emptyMessage(), QStringLiteral("No predictions yet"));
    }
};

QTEST_MAIN(TestTileGrid)
#include "test_tilegrid.moc"
