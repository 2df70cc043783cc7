#pragma once

#include <QColor>
#include <QImage>
#include <QList>
#include <QString>
#include <QWidget>

class QPainter;

namespace activelabel {

// One image of a TileGrid: its pixels, the class it is shown as (border and badge colour) and
// whether it is ticked (kept). app/ fills these; the grid only shows and toggles them.
struct Tile
{
    qint64 imageId = 0;
    QImage image; // any size: drawn fitted into the tile (nearest-neighbour when enlarged)
    int classPosition = -1; // the class shown; -1: none (grey border, no badge colour)
    QColor colour;          // the class colour; invalid: defaultClassColour(classPosition)
    QString badge;          // short text on the badge ("Trouser 97%"); empty: no badge
    QString toolTip;
    bool ticked = true;
};

// A page of image tiles (columns × rows, e.g. 6 × 5) to accept or reject at a glance, shared by
// the bulk review page, the look-alikes grid and the pool map's selection. Each tile shows its
// image with a class-coloured border and badge and a tick; a click or Space on the focused tile
// toggles the tick, the arrow keys (and Home/End) move the focus, Enter emits accepted(). Keys the
// grid does not use (class keys, Esc…) go on to its parent.
class TileGrid : public QWidget
{
    Q_OBJECT
public:
    explicit TileGrid(QWidget *parent = nullptr);

    // The page's shape; tiles past columns × rows are dropped by setTiles.
    void setGridSize(int columns, int rows);
    int columns() const { return m_columns; }
    int rows() const { return m_rows; }
    int pageSize() const { return m_columns * m_rows; }

    // Replaces the page: the focus goes to the first tile.
    void setTiles(const QList<Tile> &tiles);
    void clear();
    const QList<Tile> &tiles() const { return m_tiles; }
    int count() const { return int(m_tiles.size()); }
    // Shown instead of tiles when the page is empty ("No predictions yet…").
    void setEmptyMessage(const QString &message);
    QString emptyMessage() const { return m_emptyMessage; }
    // Pixels that arrive after the page was shown (thumbnails decoded in the background).
    void setTileImage(qint64 imageId, const QImage &image);

    bool isTicked(int index) const;
    void setTicked(int index, bool ticked);
    void toggle(int index);
    void setAllTicked(bool ticked);
    QList<qint64> tickedIds() const;
    QList<qint64> untickedIds() const;

    int focusIndex() const { return m_focus; } // -1 when the page is empty
    void setFocusIndex(int index);

    // Geometry, for tests and for callers that place things over tiles.
    QRect tileRect(int index) const;
    int indexAt(const QPoint &position) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void tickChanged(int index, bool ticked);
    void focusChanged(int index);
    void accepted(); // Enter or Return: keep the ticked tiles

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;

private:
    int cellSize() const;
    QPoint gridOrigin() const;
    void moveFocus(int dx, int dy);
    void paintTile(QPainter &painter, int index);

    QList<Tile> m_tiles;
    QList<QImage> m_scaled; // per tile, the image at the current tile size
    int m_columns = 6;
    int m_rows = 5;
    int m_focus = -1;
    QString m_emptyMessage;
};

} // namespace activelabel
