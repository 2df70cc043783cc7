// The map's mouse and keys: pan, zoom, rectangle and lasso selection, hover.
#include "ui/poolmapview.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace activelabel {

void PoolMapView::mousePressEvent(QMouseEvent *event)
{
    m_dragStart = m_lastMouse = event->position();
    m_dragMoved = false;
    m_dragAdds = event->modifiers() & Qt::ShiftModifier;
    if (event->button() == Qt::MiddleButton ||
        (event->button() == Qt::LeftButton && m_tool == Tool::Pan)) {
        m_drag = Drag::Pan;
        setCursor(Qt::ClosedHandCursor);
    } else if (event->button() == Qt::LeftButton && m_tool == Tool::Rectangle) {
        m_drag = Drag::Rectangle;
    } else if (event->button() == Qt::LeftButton && m_tool == Tool::Lasso) {
        m_drag = Drag::Lasso;
        m_lasso = QPolygonF({event->position()});
    }
    setHovered(-1);
}

void PoolMapView::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (m_drag != Drag::None && QLineF(m_dragStart, pos).length() >= 3)
        m_dragMoved = true;
    switch (m_drag) {
    case Drag::None:
        setHovered(pointAt(pos));
        break;
    case Drag::Pan:
        panBy(pos - m_lastMouse);
        break;
    case Drag::Rectangle:
        update();
        break;
    case Drag::Lasso:
        if (QLineF(m_lasso.constLast(), pos).length() >= 2)
            m_lasso << pos;
        update();
        break;
    }
    m_lastMouse = pos;
}

void PoolMapView::mouseReleaseEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    const bool click = !m_dragMoved && QLineF(m_dragStart, pos).length() < 3;
    const Drag drag = m_drag;
    m_drag = Drag::None;
    setTool(m_tool); // the cursor
    if (drag == Drag::None)
        return;
    if (click) {
        // A click picks the dot under it (Shift: adds it); a click on nothing clears.
        const int index = pointAt(pos);
        if (index >= 0)
            applySelection({std::int32_t(index)}, m_dragAdds);
        else if (!m_dragAdds)
            clearSelection();
    } else if (drag == Drag::Rectangle) {
        selectRect(QRectF(m_dragStart, pos), m_dragAdds);
    } else if (drag == Drag::Lasso) {
        m_lasso << pos;
        selectPolygon(m_lasso, m_dragAdds);
    }
    m_lasso.clear();
    update();
}

void PoolMapView::wheelEvent(QWheelEvent *event)
{
    zoomBy(std::pow(1.0015, event->angleDelta().y()), event->position());
    event->accept();
}

void PoolMapView::keyPressEvent(QKeyEvent *event)
{
    const QPointF middle(width() / 2.0, height() / 2.0);
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomBy(1.25, middle);
        break;
    case Qt::Key_Minus:
        zoomBy(0.8, middle);
        break;
    case Qt::Key_Home: // not 0: that is a class key
        fitAll();
        break;
    case Qt::Key_Left:
        panBy(QPointF(60, 0));
        break;
    case Qt::Key_Right:
        panBy(QPointF(-60, 0));
        break;
    case Qt::Key_Up:
        panBy(QPointF(0, 60));
        break;
    case Qt::Key_Down:
        panBy(QPointF(0, -60));
        break;
    case Qt::Key_Escape:
        clearSelection();
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void PoolMapView::leaveEvent(QEvent *event)
{
    setHovered(-1);
    QWidget::leaveEvent(event);
}

} // namespace activelabel
