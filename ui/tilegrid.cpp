#include "ui/tilegrid.h"

#include "ui/panels/palette.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>

namespace activelabel {

namespace {
constexpr int kMinCell = 56;
constexpr int kPreferredCell = 112;
constexpr int kGap = 6;    // between tiles, where the focus ring goes
constexpr int kBorder = 4; // the class-coloured frame
constexpr int kTick = 22;  // the tick's circle

QColor tileColour(const Tile &tile)
{
    if (tile.colour.isValid())
        return tile.colour;
    return tile.classPosition >= 0 ? defaultClassColour(tile.classPosition)
                                   : QColor(0x99, 0x99, 0x99);
}
} // namespace

TileGrid::TileGrid(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("tileGrid"));
    setFocusPolicy(Qt::StrongFocus);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void TileGrid::setGridSize(int columns, int rows)
{
    m_columns = std::max(1, columns);
    m_rows = std::max(1, rows);
    if (m_tiles.size() > pageSize())
        setTiles(m_tiles);
    updateGeometry();
    update();
}

void TileGrid::setTiles(const QList<Tile> &tiles)
{
    m_tiles = tiles.mid(0, pageSize());
    m_scaled = QList<QImage>(m_tiles.size());
    m_focus = m_tiles.isEmpty() ? -1 : 0;
    Q_EMIT focusChanged(m_focus);
    update();
}

void TileGrid::clear()
{
    setTiles({});
}

void TileGrid::setEmptyMessage(const QString &message)
{
    m_emptyMessage = message;
    if (m_tiles.isEmpty())
        update();
}

void TileGrid::setTileImage(qint64 imageId, const QImage &image)
{
    for (int i = 0; i < m_tiles.size(); ++i) {
        if (m_tiles[i].imageId != imageId)
            continue;
        m_tiles[i].image = image;
        m_scaled[i] = QImage();
        update(tileRect(i));
    }
}

bool TileGrid::isTicked(int index) const
{
    return index >= 0 && index < m_tiles.size() && m_tiles[index].ticked;
}

void TileGrid::setTicked(int index, bool ticked)
{
    if (index < 0 || index >= m_tiles.size() || m_tiles[index].ticked == ticked)
        return;
    m_tiles[index].ticked = ticked;
    update(tileRect(index).adjusted(-kGap, -kGap, kGap, kGap));
    Q_EMIT tickChanged(index, ticked);
}

void TileGrid::toggle(int index)
{
    if (index >= 0 && index < m_tiles.size())
        setTicked(index, !m_tiles[index].ticked);
}

void TileGrid::setAllTicked(bool ticked)
{
    for (int i = 0; i < m_tiles.size(); ++i)
        setTicked(i, ticked);
}

QList<qint64> TileGrid::tickedIds() const
{
    QList<qint64> ids;
    for (const Tile &tile : m_tiles)
        if (tile.ticked)
            ids.append(tile.imageId);
    return ids;
}

QList<qint64> TileGrid::untickedIds() const
{
    QList<qint64> ids;
    for (const Tile &tile : m_tiles)
        if (!tile.ticked)
            ids.append(tile.imageId);
    return ids;
}

void TileGrid::setFocusIndex(int index)
{
    if (m_tiles.isEmpty())
        index = -1;
    else
        index = std::clamp(index, 0, int(m_tiles.size()) - 1);
    if (index == m_focus)
        return;
    const int old = m_focus;
    m_focus = index;
    if (old >= 0)
        update(tileRect(old).adjusted(-kGap, -kGap, kGap, kGap));
    if (m_focus >= 0)
        update(tileRect(m_focus).adjusted(-kGap, -kGap, kGap, kGap));
    Q_EMIT focusChanged(m_focus);
}

int TileGrid::cellSize() const
{
    return std::max(kMinCell, std::min(width() / m_columns, height() / m_rows));
}

QPoint TileGrid::gridOrigin() const
{
    const int cell = cellSize();
    return QPoint(std::max(0, (width() - cell * m_columns) / 2),
                  std::max(0, (height() - cell * m_rows) / 2));
}

QRect TileGrid::tileRect(int index) const
{
    if (index < 0 || index >= pageSize())
        return {};
    const int cell = cellSize();
    const QPoint origin = gridOrigin();
    const int column = index % m_columns;
    const int row = index / m_columns;
    return QRect(origin.x() + column * cell + kGap / 2, origin.y() + row * cell + kGap / 2,
                 cell - kGap, cell - kGap);
}

int TileGrid::indexAt(const QPoint &position) const
{
    for (int i = 0; i < m_tiles.size(); ++i)
        if (tileRect(i).contains(position))
            return i;
    return -1;
}

QSize TileGrid::sizeHint() const
{
    return QSize(m_columns * kPreferredCell, m_rows * kPreferredCell);
}

QSize TileGrid::minimumSizeHint() const
{
    return QSize(m_columns * kMinCell, m_rows * kMinCell);
}

void TileGrid::moveFocus(int dx, int dy)
{
    if (m_tiles.isEmpty())
        return;
    const int column = m_focus % m_columns;
    const int row = m_focus / m_columns;
    const int newColumn = column + dx;
    const int newRow = row + dy;
    // Left/right wrap to the row before/after (reading order); up/down stop at the edges.
    int index = m_focus;
    if (dx != 0)
        index = m_focus + dx;
    else if (newRow >= 0 && newRow < m_rows)
        index = newRow * m_columns + newColumn;
    if (index >= 0 && index < m_tiles.size())
        setFocusIndex(index);
}

void TileGrid::keyPressEvent(QKeyEvent *event)
{
    if (event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier)) {
        event->ignore(); // Ctrl+Z and friends belong to the window
        return;
    }
    switch (event->key()) {
    case Qt::Key_Left:
        moveFocus(-1, 0);
        break;
    case Qt::Key_Right:
        moveFocus(1, 0);
        break;
    case Qt::Key_Up:
        moveFocus(0, -1);
        break;
    case Qt::Key_Down:
        moveFocus(0, 1);
        break;
    case Qt::Key_Home:
        setFocusIndex(0);
        break;
    case Qt::Key_End:
        setFocusIndex(int(m_tiles.size()) - 1);
        break;
    case Qt::Key_Space:
        toggle(m_focus);
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        Q_EMIT accepted();
        break;
    default:
        event->ignore();
        return;
    }
    event->accept();
}

void TileGrid::mousePressEvent(QMouseEvent *event)
{
    setFocus(Qt::MouseFocusReason);
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    const int index = indexAt(event->position().toPoint());
    if (index < 0)
        return;
    setFocusIndex(index);
    toggle(index);
}

bool TileGrid::event(QEvent *event)
{
    // Arrow keys and Tab would move the focus out of the grid; the arrows are the grid's own.
    if (event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Left || key == Qt::Key_Right || key == Qt::Key_Up ||
            key == Qt::Key_Down) {
            keyPressEvent(static_cast<QKeyEvent *>(event));
            return true;
        }
    }
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int index = indexAt(help->pos());
        if (index >= 0 && !m_tiles[index].toolTip.isEmpty())
            QToolTip::showText(help->globalPos(), m_tiles[index].toolTip, this, tileRect(index));
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

void TileGrid::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Window));
    if (m_tiles.isEmpty()) {
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap,
                         m_emptyMessage);
        return;
    }
    painter.setRenderHint(QPainter::Antialiasing);
    for (int i = 0; i < m_tiles.size(); ++i)
        paintTile(painter, i);
}

void TileGrid::paintTile(QPainter &painter, int index)
{
    const Tile &tile = m_tiles[index];
    const QRect outer = tileRect(index);
    const QColor colour = tileColour(tile);

    // Focus ring in the gap around the tile.
    if (index == m_focus) {
        QPen ring(palette().color(QPalette::Highlight), hasFocus() ? 3 : 2);
        if (!hasFocus())
            ring.setStyle(Qt::DashLine);
        painter.setPen(ring);
        painter.setBrush(Qt::NoBrush);
        painter.drawRoundedRect(QRectF(outer).adjusted(-2.5, -2.5, 2.5, 2.5), 6, 6);
    }

    // Class-coloured frame; an unticked tile keeps only a thin grey one.
    painter.setPen(Qt::NoPen);
    painter.setBrush(tile.ticked ? colour : palette().color(QPalette::Mid));
    painter.drawRoundedRect(outer, 4, 4);
    const int frame = tile.ticked ? kBorder : 1;
    const QRect inner = outer.adjusted(frame, frame, -frame, -frame);
    painter.fillRect(inner, QColor(0x20, 0x20, 0x20));

    if (!tile.image.isNull()) {
        const QSize fitted = tile.image.size().scaled(inner.size(), Qt::KeepAspectRatio);
        QImage &scaled = m_scaled[index];
        if (scaled.size() != fitted) {
            const bool enlarging = fitted.width() > tile.image.width();
            scaled =
                tile.image.scaled(fitted, Qt::IgnoreAspectRatio,
                                  enlarging ? Qt::FastTransformation : Qt::SmoothTransformation);
        }
        const QPoint at(inner.x() + (inner.width() - fitted.width()) / 2,
                        inner.y() + (inner.height() - fitted.height()) / 2);
        painter.drawImage(at, scaled);
    }

    // The badge: class colour, along the bottom edge.
    if (!tile.badge.isEmpty()) {
        QFont font = painter.font();
        font.setPointSizeF(std::max(7.0, font.pointSizeF() * 0.85));
        painter.setFont(font);
        const int h = painter.fontMetrics().height() + 4;
        const QRect badge(inner.left(), inner.bottom() - h + 1, inner.width(), h);
        painter.fillRect(badge, tile.ticked ? colour : palette().color(QPalette::Mid));
        painter.setPen(
            contrastingTextColour(tile.ticked ? colour : palette().color(QPalette::Mid)));
        painter.drawText(
            badge.adjusted(4, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft,
            painter.fontMetrics().elidedText(tile.badge, Qt::ElideRight, badge.width() - 8));
    }

    // Unticked: dimmed, crossed out.
    if (!tile.ticked) {
        painter.fillRect(inner, QColor(255, 255, 255, 150));
        QPen cross(accentVermillion(), 3);
        painter.setPen(cross);
        const QRect c = inner.adjusted(inner.width() / 4, inner.height() / 4, -inner.width() / 4,
                                       -inner.height() / 4);
        painter.drawLine(c.topLeft(), c.bottomRight());
        painter.drawLine(c.topRight(), c.bottomLeft());
    }

    // The tick, top right: a filled circle with a check when kept, an empty one when not.
    const QRectF tick(inner.right() - kTick - 2, inner.top() + 3, kTick, kTick);
    painter.setPen(QPen(Qt::white, 1.5));
    painter.setBrush(tile.ticked ? colour.darker(115) : QColor(0, 0, 0, 90));
    painter.drawEllipse(tick);
    if (tile.ticked) {
        QPainterPath check;
        check.moveTo(tick.left() + tick.width() * 0.27, tick.top() + tick.height() * 0.52);
        check.lineTo(tick.left() + tick.width() * 0.44, tick.top() + tick.height() * 0.70);
        check.lineTo(tick.left() + tick.width() * 0.75, tick.top() + tick.height() * 0.32);
        painter.setPen(QPen(contrastingTextColour(colour.darker(115)), 2.5, Qt::SolidLine,
                            Qt::RoundCap, Qt::RoundJoin));
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(check);
    }
}

} // namespace activelabel
