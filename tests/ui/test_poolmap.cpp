// The pool map page: rectangle and lasso selection (driven by the mouse) pick exactly the dots
// inside, colouring follows label / prediction / uncertainty in the drawn pixels, pan and zoom
// keep the map under the cursor, hover asks for a thumbnail, and the page's requests carry the
// selection.
#include "ui/poolmappage.h"
#include "ui/poolmapview.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

#include <cmath>
#include <set>

using namespace activelabel;

namespace {

// Three clusters of 25 dots on 5 x 5 lattices: A around (0, 0), B around (10, 0), C around
// (5, 10); image ids 100 + index. A is labelled class 0, B predicted class 1, C unscored; the
// uncertainty grows with the index.
PoolMapPoints threeClusters()
{
    PoolMapPoints p;
    const float centres[3][2] = {{0, 0}, {10, 0}, {5, 10}};
    for (int c = 0; c < 3; ++c)
        for (int i = 0; i < 25; ++i) {
            p.xy.push_back(centres[c][0] + float(i % 5) * 0.4f - 0.8f);
            p.xy.push_back(centres[c][1] + float(i / 5) * 0.4f - 0.8f);
            const int index = c * 25 + i;
            p.imageIds.push_back(100 + index);
            p.labels.push_back(c == 0 ? 0 : -1);
            p.predictions.push_back(c == 2 ? -1 : qint16(c == 0 ? 2 : 1));
            p.uncertainty.push_back(float(index));
        }
    return p;
}

QList<qint64> idsOfCluster(int c)
{
    QList<qint64> ids;
    for (int i = 0; i < 25; ++i)
        ids << 100 + c * 25 + i;
    return ids;
}

// The widget rectangle around a cluster's dots, `margin` pixels wide.
QRectF clusterRect(const PoolMapView &view, int c, double margin = 6)
{
    QRectF r(view.toWidget(std::size_t(c * 25)), QSizeF(0, 0));
    for (int i = 0; i < 25; ++i) {
        const QPointF p = view.toWidget(std::size_t(c * 25 + i));
        r = r.united(QRectF(p, QSizeF(0.01, 0.01)));
    }
    return r.adjusted(-margin, -margin, margin, margin);
}

void send(QWidget *w, QEvent::Type type, QPointF pos, Qt::MouseButton button,
          Qt::MouseButtons buttons, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    QMouseEvent event(type, pos, w->mapToGlobal(pos), button, buttons, modifiers);
    QCoreApplication::sendEvent(w, &event);
}

void drag(QWidget *w, const QList<QPointF> &path, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    send(w, QEvent::MouseButtonPress, path.first(), Qt::LeftButton, Qt::LeftButton, modifiers);
    for (int i = 1; i < path.size(); ++i)
        send(w, QEvent::MouseMove, path[i], Qt::NoButton, Qt::LeftButton, modifiers);
    send(w, QEvent::MouseButtonRelease, path.last(), Qt::LeftButton, Qt::NoButton, modifiers);
}

QColor pixelAt(PoolMapView &view, QPointF p)
{
    const QImage image = view.grab().toImage();
    return image.pixelColor(p.toPoint());
}

const QList<QColor> kColours = {QColor(0xe6, 0x9f, 0x00), QColor(0x56, 0xb4, 0xe9),
                                QColor(0x00, 0x9e, 0x73)};

} // namespace

class TestPoolMap : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rectangleSelectsTheDotsInside()
    {
        PoolMapView view;
        view.resize(600, 450);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setPoints(threeClusters());
        view.setTool(PoolMapView::Tool::Rectangle);
        QSignalSpy changed(&view, &PoolMapView::selectionChanged);

        const QRectF a = clusterRect(view, 0);
        drag(&view, {a.topLeft(), a.center(), a.bottomRight()});
        QCOMPARE(view.selectedImageIds(), idsOfCluster(0));
        QCOMPARE(changed.last().at(0).toInt(), 25);

        // Only the left column of B: x = 10 - 0.8, five dots.
        const QPointF left = view.toWidget(25), leftBottom = view.toWidget(45);
        drag(&view, {left - QPointF(3, 3), leftBottom + QPointF(3, 3)}, Qt::ShiftModifier);
        QList<qint64> expected = idsOfCluster(0);
        for (int row = 0; row < 5; ++row)
            expected << 125 + row * 5;
        std::sort(expected.begin(), expected.end());
        QCOMPARE(view.selectedImageIds(), expected);

        // Without Shift a new rectangle replaces; Esc clears.
        const QRectF c = clusterRect(view, 2);
        drag(&view, {c.bottomRight(), c.topLeft()});
        QCOMPARE(view.selectedImageIds(), idsOfCluster(2));
        QTest::keyClick(&view, Qt::Key_Escape);
        QVERIFY(view.selection().empty());
    }

    void lassoSelectsTheDotsInsideItsOutline()
    {
        PoolMapView view;
        view.resize(600, 450);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setPoints(threeClusters());
        view.setTool(PoolMapView::Tool::Lasso);
        // A triangle around cluster C that a rectangle could not draw without clipping B's and A's
        // corners: apex above C, base below C between A and B.
        const QRectF c = clusterRect(view, 2, 4);
        const QPointF apex(c.center().x(), c.top() - 90), baseLeft(c.left() - 60, c.bottom() + 4),
            baseRight(c.right() + 60, c.bottom() + 4);
        QList<QPointF> path;
        for (int i = 0; i <= 10; ++i)
            path << apex + (baseRight - apex) * (i / 10.0);
        for (int i = 0; i <= 10; ++i)
            path << baseRight + (baseLeft - baseRight) * (i / 10.0);
        for (int i = 0; i <= 10; ++i)
            path << baseLeft + (apex - baseLeft) * (i / 10.0);
        drag(&view, path);
        QCOMPARE(view.selectedImageIds(), idsOfCluster(2));

        // Half of A: a lasso around its lower-left triangle (dots with column <= row), 15 dots.
        const QPointF a00 = view.toWidget(0), a04 = view.toWidget(20), a44 = view.toWidget(24);
        drag(&view, {a00 + QPointF(-6, -10), a04 + QPointF(-6, 6), a44 + QPointF(10, 6),
                     a00 + QPointF(-6, -10)});
        QList<qint64> lower;
        for (int i = 0; i < 25; ++i)
            if (i % 5 <= i / 5)
                lower << 100 + i;
        QCOMPARE(view.selectedImageIds(), lower);
    }

    void clickPicksOneDotAndPanDoesNotSelect()
    {
        PoolMapView view;
        view.resize(600, 450);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setPoints(threeClusters());
        const QPointF p = view.toWidget(30);
        drag(&view, {p, p});
        QCOMPARE(view.selectedImageIds(), QList<qint64>{130});
        // A pan drag moves the map by the mouse's motion and keeps the selection.
        drag(&view, {QPointF(100, 100), QPointF(150, 120), QPointF(160, 130)});
        QCOMPARE(view.toWidget(30), p + QPointF(60, 30));
        QCOMPARE(view.selectedImageIds(), QList<qint64>{130});
    }

    void zoomKeepsThePointUnderTheCursor()
    {
        PoolMapView view;
        view.resize(600, 450);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setPoints(threeClusters());
        const QPointF anchor = view.toWidget(12);
        const double before = QLineF(view.toWidget(0), view.toWidget(4)).length();
        QWheelEvent wheel(anchor, view.mapToGlobal(anchor), QPoint(), QPoint(0, 240), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(&view, &wheel);
        QVERIFY(QLineF(view.toWidget(12), anchor).length() < 1e-6);
        QVERIFY(QLineF(view.toWidget(0), view.toWidget(4)).length() > 1.3 * before);
        QTest::keyClick(&view, Qt::Key_Home); // fit: back to the start
        QVERIFY(std::abs(QLineF(view.toWidget(0), view.toWidget(4)).length() - before) < 1e-6);
        QTest::keyClick(&view, Qt::Key_Minus);
        QVERIFY(QLineF(view.toWidget(0), view.toWidget(4)).length() < before);
    }

    void coloursFollowLabelPredictionAndUncertainty()
    {
        PoolMapView view;
        view.resize(600, 450);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setClasses({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}, kColours);
        view.setPoints(threeClusters());
        // Label view: A in class 0's colour, B and C grey (unlabelled) — in the pixels drawn.
        const QPointF a = view.toWidget(12), b = view.toWidget(37), c = view.toWidget(62);
        QCOMPARE(pixelAt(view, a), kColours[0]);
        QCOMPARE(pixelAt(view, b), pixelAt(view, c));
        QVERIFY(pixelAt(view, b) != kColours[1]);

        view.setColourBy(PoolMapView::ColourBy::Prediction);
        QCOMPARE(pixelAt(view, a), kColours[2]);
        QCOMPARE(pixelAt(view, b), kColours[1]);
        QCOMPARE(view.pointColour(62), pixelAt(view, c)); // unscored: grey

        view.setColourBy(PoolMapView::ColourBy::Uncertainty);
        QVERIFY(view.pointColour(0) != view.pointColour(74));
        QCOMPARE(pixelAt(view, c), view.pointColour(62));
        // The least uncertain dot is lighter than the most uncertain one.
        QVERIFY(view.pointColour(0).lightness() > view.pointColour(74).lightness());

        // New labels recolour in place: B labelled class 1.
        view.setColourBy(PoolMapView::ColourBy::Label);
        std::vector<qint16> labels(75, -1);
        for (int i = 25; i < 50; ++i)
            labels[std::size_t(i)] = 1;
        view.setColouring(labels, {}, {});
        QCOMPARE(pixelAt(view, b), kColours[1]);
        QVERIFY(pixelAt(view, a) != kColours[0]);
        // A selection dims the other dots and keeps its own colour.
        view.selectRect(clusterRect(view, 1));
        QCOMPARE(pixelAt(view, b), kColours[1]);
        QVERIFY(pixelAt(view, c) != view.pointColour(62));
    }

    void hoverAsksForTheThumbnail()
    {
        PoolMapPage page;
        page.resize(800, 600);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        PoolMapView *view = page.view();
        view->setPoints(threeClusters());
        QSignalSpy asked(&page, &PoolMapPage::thumbnailRequested);
        const QPointF p = view->toWidget(40);
        send(view, QEvent::MouseMove, p + QPointF(2, 1), Qt::NoButton, Qt::NoButton);
        QCOMPARE(view->hoveredImageId(), 140);
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked.at(0).at(0).toLongLong(), 140);
        QImage thumb(32, 32, QImage::Format_RGB32);
        thumb.fill(Qt::magenta);
        view->setThumbnail(140, thumb);
        // The thumbnail is drawn beside the dot.
        const QImage shot = view->grab().toImage();
        bool found = false;
        for (int y = 0; y < shot.height() && !found; y += 2)
            for (int x = 0; x < shot.width() && !found; x += 2)
                found = shot.pixelColor(x, y) == QColor(Qt::magenta);
        QVERIFY(found);
        send(view, QEvent::MouseMove, QPointF(2, 2), Qt::NoButton, Qt::NoButton);
        QCOMPARE(view->hoveredImageId(), 0);
    }

    void pageRequestsCarryTheSelection()
    {
        PoolMapPage page;
        page.resize(800, 600);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QList<ClassRow> classes;
        for (int i = 0; i < 3; ++i)
            classes.append(
                {i + 1, QStringLiteral("class %1").arg(i), QString::number(i + 1), kColours[i], 0});
        page.setClasses(classes);
        PoolMapView *view = page.view();
        view->setPoints(threeClusters());
        auto *open = page.findChild<QPushButton *>(QStringLiteral("mapOpenSelection"));
        QVERIFY(open && !open->isEnabled());
        view->selectRect(clusterRect(*view, 1));
        QVERIFY(open->isEnabled());

        QSignalSpy label(&page, &PoolMapPage::labelSelectionRequested);
        QSignalSpy opened(&page, &PoolMapPage::openSelectionRequested);
        open->click();
        QCOMPARE(opened.size(), 1);
        QCOMPARE(opened.at(0).at(0).value<QList<qint64>>(), idsOfCluster(1));
        // The class key "2" labels the selection as class position 1.
        page.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&page));
        view->setFocus();
        QTest::keyClick(view, Qt::Key_2);
        QCOMPARE(label.size(), 1);
        QCOMPARE(label.at(0).at(0).value<QList<qint64>>(), idsOfCluster(1));
        QCOMPARE(label.at(0).at(1).toInt(), 1);
        // R and L switch the tool, C the colouring.
        QTest::keyClick(view, Qt::Key_L);
        QCOMPARE(view->tool(), PoolMapView::Tool::Lasso);
        QTest::keyClick(view, Qt::Key_C);
        QCOMPARE(view->colourBy(), PoolMapView::ColourBy::Prediction);
    }
};

QTEST_MAIN(TestPoolMap)
#include "test_poolmap.moc"
