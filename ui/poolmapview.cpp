#include "ui/poolmapview.h"

#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace activelabel {

namespace {

const QColor kBackground(0xfa, 0xfa, 0xfa);
const QColor kNoData(0xc8, 0xc8, 0xc8); // unlabelled (label view), unscored (prediction view)
constexpr double kMinScaleOfFit = 0.25, kMaxScaleOfFit = 400;

// Certain → uncertain: pale blue-grey through Okabe-Ito orange to vermillion.
QColor uncertaintyColour(float t)
{
    static const QColor stops[] = {QColor(0xc6, 0xd4, 0xe6), QColor(0xe6, 0x9f, 0x00),
                                   QColor(0xd5, 0x5e, 0x00), QColor(0x8c, 0x2d, 0x04)};
    t = std::clamp(t, 0.0f, 1.0f) * 3;
    const int i = std::min(2, int(t));
    const float f = t - float(i);
    auto mix = [f](int a, int b) { return int(std::lround(a + (b - a) * f)); };
    return QColor(mix(stops[i].red(), stops[i + 1].red()),
                  mix(stops[i].green(), stops[i + 1].green()),
                  mix(stops[i].blue(), stops[i + 1].blue()));
}

std::uint32_t dim(std::uint32_t argb)
{
    // Three quarters of the way to the background: context, not content.
    const QColor c = QColor::fromRgb(argb);
    auto toward = [](int v, int bg) { return (v + 3 * bg) / 4; };
    return qRgb(toward(c.red(), kBackground.red()), toward(c.green(), kBackground.green()),
                toward(c.blue(), kBackground.blue()));
}

} // namespace

PoolMapView::PoolMapView(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("poolMapView"));
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(200, 150);
}

void PoolMapView::setPoints(PoolMapPoints points, bool keepView)
{
    const std::size_t n = points.size();
    points.xy.resize(2 * n, 0.0f);
    points.labels.resize(n, -1);
    points.predictions.resize(n, -1);
    points.uncertainty.resize(n, std::nanf(""));
    m_points = std::move(points);
    m_selected.clear();
    m_isSelected.assign(n, 0);
    m_hovered = -1;
    m_minX = m_minY = 0;
    m_maxX = m_maxY = 1;
    if (n > 0) {
        m_minX = m_maxX = m_points.xy[0];
        m_minY = m_maxY = m_points.xy[1];
        for (std::size_t i = 0; i < n; ++i) {
            m_minX = std::min(m_minX, m_points.xy[2 * i]);
            m_maxX = std::max(m_maxX, m_points.xy[2 * i]);
            m_minY = std::min(m_minY, m_points.xy[2 * i + 1]);
            m_maxY = std::max(m_maxY, m_points.xy[2 * i + 1]);
        }
    }
    rebuildGrid();
    recolour();
    if (!keepView)
        fitAll();
    Q_EMIT selectionChanged(0);
    update();
}

void PoolMapView::setColouring(std::vector<qint16> labels, std::vector<qint16> predictions,
                               std::vector<float> uncertainty)
{
    const std::size_t n = m_points.size();
    labels.resize(n, -1);
    predictions.resize(n, -1);
    uncertainty.resize(n, std::nanf(""));
    m_points.labels = std::move(labels);
    m_points.predictions = std::move(predictions);
    m_points.uncertainty = std::move(uncertainty);
    recolour();
    update();
}

void PoolMapView::setClasses(const QStringList &names, const QList<QColor> &colours)
{
    m_classNames = names;
    m_classColours = colours;
    recolour();
    update();
}

void PoolMapView::setColourBy(ColourBy mode)
{
    if (mode == m_colourBy)
        return;
    m_colourBy = mode;
    recolour();
    update();
}

void PoolMapView::setTool(Tool tool)
{
    m_tool = tool;
    setCursor(tool == Tool::Pan ? Qt::OpenHandCursor : Qt::CrossCursor);
}

QColor PoolMapView::pointColour(std::size_t index) const
{
    return index < m_argb.size() ? QColor::fromRgb(m_argb[index]) : QColor();
}

void PoolMapView::recolour()
{
    const std::size_t n = m_points.size();
    m_uncertaintyMax = 0;
    for (float u : m_points.uncertainty)
        if (!std::isnan(u))
            m_uncertaintyMax = std::max(m_uncertaintyMax, u);
    auto classColour = [this](int position) {
        return position >= 0 && position < m_classColours.size() ? m_classColours[position].rgb()
                                                                 : kNoData.rgb();
    };
    m_argb.resize(n);
    m_argbDimmed.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        QRgb c = kNoData.rgb();
        switch (m_colourBy) {
        case ColourBy::Label:
            c = classColour(m_points.labels[i]);
            break;
        case ColourBy::Prediction:
            c = classColour(m_points.predictions[i]);
            break;
        case ColourBy::Uncertainty: {
            const float u = m_points.uncertainty[i];
            if (!std::isnan(u))
                c = uncertaintyColour(m_uncertaintyMax > 0 ? u / m_uncertaintyMax : 0).rgb();
            break;
        }
        }
        m_argb[i] = c | 0xff000000u;
        m_argbDimmed[i] = dim(m_argb[i]) | 0xff000000u;
    }
    rebuildLegend();
}

void PoolMapView::rebuildLegend()
{
    QStringList names;
    QList<QColor> colours;
    if (m_colourBy == ColourBy::Uncertainty) {
        for (int i = 0; i <= 4; ++i) {
            names << (i == 0 ? tr("certain") : i == 4 ? tr("uncertain") : QString());
            colours << uncertaintyColour(float(i) / 4);
        }
    } else {
        names = m_classNames;
        colours = m_classColours;
        names << (m_colourBy == ColourBy::Label ? tr("unlabelled") : tr("not scored"));
        colours << kNoData;
    }
    const QFontMetrics fm(font());
    int width = 0;
    for (const QString &name : names)
        width = std::max(width, fm.horizontalAdvance(name));
    const int row = fm.height() + 2;
    m_legend =
        QImage(width + 34, row * int(names.size()) + 12, QImage::Format_ARGB32_Premultiplied);
    m_legend.fill(Qt::transparent);
    QPainter p(&m_legend);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(255, 255, 255, 215));
    p.drawRoundedRect(m_legend.rect(), 4, 4);
    for (int i = 0; i < names.size(); ++i) {
        const int y = 6 + i * row;
        p.setPen(Qt::NoPen);
        p.setBrush(colours[i]);
        p.drawEllipse(QRectF(8, y + row / 2.0 - 5, 10, 10));
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(QRect(26, y, width + 4, row), Qt::AlignVCenter | Qt::AlignLeft, names[i]);
    }
}

void PoolMapView::rebuildGrid()
{
    const std::size_t n = m_points.size();
    m_gridSize = std::clamp(int(std::sqrt(double(n) / 4)), 1, 512);
    const int g = m_gridSize;
    const float w = std::max(m_maxX - m_minX, 1e-6f), h = std::max(m_maxY - m_minY, 1e-6f);
    auto cellOf = [&](std::size_t i) {
        const int cx = std::min(g - 1, int((m_points.xy[2 * i] - m_minX) / w * float(g)));
        const int cy = std::min(g - 1, int((m_points.xy[2 * i + 1] - m_minY) / h * float(g)));
        return cy * g + cx;
    };
    m_cellStart.assign(std::size_t(g * g) + 1, 0);
    for (std::size_t i = 0; i < n; ++i)
        ++m_cellStart[std::size_t(cellOf(i)) + 1];
    for (std::size_t c = 1; c < m_cellStart.size(); ++c)
        m_cellStart[c] += m_cellStart[c - 1];
    m_cellPoints.resize(n);
    std::vector<std::int32_t> fill(m_cellStart.begin(), m_cellStart.end() - 1);
    for (std::size_t i = 0; i < n; ++i)
        m_cellPoints[std::size_t(fill[std::size_t(cellOf(i))]++)] = std::int32_t(i);
}

void PoolMapView::fitAll()
{
    // The whole map right of the legend.
    const double left = m_legend.isNull() ? 0 : m_legend.width() + 12;
    const double w = std::max(double(m_maxX - m_minX), 1e-6),
                 h = std::max(double(m_maxY - m_minY), 1e-6);
    m_scale = 0.94 * std::min(std::max(width() - left, 1.0) / w, height() / h);
    m_centre = QPointF((m_minX + m_maxX) / 2.0 - left / 2 / m_scale, (m_minY + m_maxY) / 2.0);
    m_fitted = true;
    update();
}

void PoolMapView::panBy(QPointF pixels)
{
    m_fitted = false;
    m_centre -= pixels / m_scale;
    update();
}

void PoolMapView::zoomBy(double factor, QPointF anchor)
{
    const double w = std::max(double(m_maxX - m_minX), 1e-6),
                 h = std::max(double(m_maxY - m_minY), 1e-6);
    const double fit = std::min(width() / w, height() / h);
    const double scale = std::clamp(m_scale * factor, fit * kMinScaleOfFit, fit * kMaxScaleOfFit);
    // Keep the map point under the anchor where it is.
    const QPointF half(width() / 2.0, height() / 2.0);
    const QPointF under = m_centre + (anchor - half) / m_scale;
    m_fitted = false;
    m_scale = scale;
    m_centre = under - (anchor - half) / m_scale;
    update();
}

QPointF PoolMapView::toWidget(std::size_t index) const
{
    return QPointF((m_points.xy[2 * index] - m_centre.x()) * m_scale + width() / 2.0,
                   (m_points.xy[2 * index + 1] - m_centre.y()) * m_scale + height() / 2.0);
}

int PoolMapView::pointAt(QPointF widgetPos, double radius) const
{
    if (m_points.size() == 0)
        return -1;
    const double x = m_centre.x() + (widgetPos.x() - width() / 2.0) / m_scale;
    const double y = m_centre.y() + (widgetPos.y() - height() / 2.0) / m_scale;
    const double r = radius / m_scale;
    const int g = m_gridSize;
    const double cw = std::max(double(m_maxX - m_minX), 1e-6) / g,
                 ch = std::max(double(m_maxY - m_minY), 1e-6) / g;
    const int x0 = std::max(0, int(std::floor((x - r - m_minX) / cw))),
              x1 = std::min(g - 1, int(std::floor((x + r - m_minX) / cw)));
    const int y0 = std::max(0, int(std::floor((y - r - m_minY) / ch))),
              y1 = std::min(g - 1, int(std::floor((y + r - m_minY) / ch)));
    int best = -1;
    double bestD2 = r * r;
    for (int cy = y0; cy <= y1; ++cy)
        for (int cx = x0; cx <= x1; ++cx) {
            const std::size_t c = std::size_t(cy * g + cx);
            for (std::int32_t k = m_cellStart[c]; k < m_cellStart[c + 1]; ++k) {
                const std::int32_t i = m_cellPoints[std::size_t(k)];
                const double dx = m_points.xy[2 * std::size_t(i)] - x,
                             dy = m_points.xy[2 * std::size_t(i) + 1] - y;
                const double d2 = dx * dx + dy * dy;
                if (d2 <= bestD2) {
                    bestD2 = d2;
                    best = i;
                }
            }
        }
    return best;
}

QList<qint64> PoolMapView::selectedImageIds() const
{
    QList<qint64> ids;
    ids.reserve(qsizetype(m_selected.size()));
    for (std::int32_t i : m_selected)
        ids << m_points.imageIds[std::size_t(i)];
    return ids;
}

void PoolMapView::clearSelection()
{
    applySelection({}, false);
}

void PoolMapView::applySelection(std::vector<std::int32_t> picked, bool add)
{
    if (!add)
        std::fill(m_isSelected.begin(), m_isSelected.end(), 0);
    for (std::int32_t i : picked)
        m_isSelected[std::size_t(i)] = 1;
    m_selected.clear();
    for (std::size_t i = 0; i < m_isSelected.size(); ++i)
        if (m_isSelected[i])
            m_selected.push_back(std::int32_t(i));
    update();
    Q_EMIT selectionChanged(int(m_selected.size()));
}

void PoolMapView::selectRect(const QRectF &widgetRect, bool add)
{
    std::vector<std::int32_t> picked;
    const QRectF r = widgetRect.normalized();
    for (std::size_t i = 0; i < m_points.size(); ++i)
        if (r.contains(toWidget(i)))
            picked.push_back(std::int32_t(i));
    applySelection(std::move(picked), add);
}

void PoolMapView::selectPolygon(const QPolygonF &widgetPolygon, bool add)
{
    std::vector<std::int32_t> picked;
    if (widgetPolygon.size() >= 3) {
        const QRectF bounds = widgetPolygon.boundingRect();
        for (std::size_t i = 0; i < m_points.size(); ++i) {
            const QPointF p = toWidget(i);
            if (bounds.contains(p) && widgetPolygon.containsPoint(p, Qt::OddEvenFill))
                picked.push_back(std::int32_t(i));
        }
    }
    applySelection(std::move(picked), add);
}

void PoolMapView::setThumbnail(qint64 imageId, const QImage &thumbnail)
{
    if (imageId != hoveredImageId())
        return;
    m_thumbnailId = imageId;
    m_thumbnail = thumbnail;
    update();
}

qint64 PoolMapView::hoveredImageId() const
{
    return m_hovered >= 0 ? m_points.imageIds[std::size_t(m_hovered)] : 0;
}

void PoolMapView::setHovered(int index)
{
    if (index == m_hovered)
        return;
    m_hovered = index;
    update();
    Q_EMIT hovered(hoveredImageId());
}

void PoolMapView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // A map the user has not moved stays fitted (the grid opening beside it, a resized window).
    if (m_fitted)
        fitAll();
}

void PoolMapView::rasterise()
{
    const qreal dpr = devicePixelRatioF();
    const QSize size = (QSizeF(this->size()) * dpr).toSize();
    if (m_frame.size() != size) {
        m_frame = QImage(size, QImage::Format_RGB32);
        m_frame.setDevicePixelRatio(dpr);
    }
    m_frame.fill(kBackground);
    const std::size_t n = m_points.size();
    if (n == 0)
        return;
    // Dots grow when they are few or when zoomed in, so that clusters read as areas.
    const double w = std::max(double(m_maxX - m_minX), 1e-6),
                 h = std::max(double(m_maxY - m_minY), 1e-6);
    const double zoom = m_scale / std::max(std::min(width() / w, height() / h), 1e-12);
    int dot = n > 30000 ? 2 : n > 3000 ? 3 : 4;
    dot = std::min(7, dot + int(std::log2(std::max(1.0, zoom)) / 2));
    dot = std::max(1, int(std::lround(dot * dpr)));
    const int W = size.width(), H = size.height();
    const float s = float(m_scale * dpr);
    const float ox = float(W / 2.0 - m_centre.x() * m_scale * dpr) - dot / 2.0f;
    const float oy = float(H / 2.0 - m_centre.y() * m_scale * dpr) - dot / 2.0f;
    auto *bits = reinterpret_cast<std::uint32_t *>(m_frame.bits());
    const std::size_t stride = std::size_t(m_frame.bytesPerLine()) / 4;
    const float *xy = m_points.xy.data();
    const bool anySelected = !m_selected.empty();
    const std::uint32_t *colours = anySelected ? m_argbDimmed.data() : m_argb.data();
    auto plot = [&](std::size_t i, std::uint32_t colour) {
        const int px = int(xy[2 * i] * s + ox), py = int(xy[2 * i + 1] * s + oy);
        if (unsigned(px) > unsigned(W - dot) || unsigned(py) > unsigned(H - dot))
            return;
        std::uint32_t *row = bits + std::size_t(py) * stride + std::size_t(px);
        for (int dy = 0; dy < dot; ++dy, row += stride)
            for (int dx = 0; dx < dot; ++dx)
                row[dx] = colour;
    };
    // Points without data (grey) first, so that coloured ones stay visible over them.
    const std::uint32_t noData = dim(kNoData.rgb()) | 0xff000000u,
                        grey = kNoData.rgb() | 0xff000000u;
    for (int pass = 0; pass < 2; ++pass)
        for (std::size_t i = 0; i < n; ++i) {
            const bool isGrey = m_argb[i] == grey;
            if (isGrey == (pass == 0))
                plot(i, anySelected && isGrey ? noData : colours[i]);
        }
    for (std::int32_t i : m_selected)
        plot(std::size_t(i), m_argb[std::size_t(i)]);
}

void PoolMapView::paintEvent(QPaintEvent *)
{
    rasterise();
    QPainter painter(this);
    painter.drawImage(0, 0, m_frame);
    drawOverlays(painter);
}

void PoolMapView::drawOverlays(QPainter &painter)
{
    painter.setRenderHint(QPainter::Antialiasing);
    if (m_points.size() == 0) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("No map yet."));
        return;
    }
    if (!m_legend.isNull())
        painter.drawImage(8, 8, m_legend);
    const QString count = m_selected.empty()
                              ? tr("%1 images").arg(QLocale().toString(qlonglong(m_points.size())))
                              : tr("%1 of %2 images selected")
                                    .arg(QLocale().toString(qlonglong(m_selected.size())),
                                         QLocale().toString(qlonglong(m_points.size())));
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignBottom | Qt::AlignLeft, count);

    const QColor outline(0x00, 0x72, 0xb2);
    if (m_drag == Drag::Rectangle) {
        painter.setPen(QPen(outline, 1, Qt::DashLine));
        painter.setBrush(QColor(0x00, 0x72, 0xb2, 30));
        painter.drawRect(QRectF(m_dragStart, m_lastMouse).normalized());
    } else if (m_drag == Drag::Lasso && m_lasso.size() > 1) {
        painter.setPen(QPen(outline, 1.5));
        painter.setBrush(QColor(0x00, 0x72, 0xb2, 30));
        painter.drawPolygon(m_lasso);
    }
    if (m_hovered < 0)
        return;
    const QPointF at = toWidget(std::size_t(m_hovered));
    painter.setPen(QPen(Qt::black, 1.5));
    painter.setBrush(Qt::NoBrush);
    painter.drawEllipse(at, 6, 6);
    if (m_thumbnailId != hoveredImageId() || m_thumbnail.isNull())
        return;
    const std::size_t i = std::size_t(m_hovered);
    auto className = [this](int position) {
        return position >= 0 && position < m_classNames.size() ? m_classNames[position]
                                                               : QStringLiteral("—");
    };
    const QString caption =
        tr("#%1  label: %2  model: %3")
            .arg(m_points.imageIds[i])
            .arg(className(m_points.labels[i]), className(m_points.predictions[i]));
    const QFontMetrics fm(font());
    const QSize image = m_thumbnail.deviceIndependentSize().toSize();
    const int boxW = std::max(image.width(), fm.horizontalAdvance(caption)) + 12;
    const int boxH = image.height() + fm.height() + 16;
    QPointF topLeft = at + QPointF(14, 14);
    if (topLeft.x() + boxW > width())
        topLeft.setX(at.x() - 14 - boxW);
    if (topLeft.y() + boxH > height())
        topLeft.setY(at.y() - 14 - boxH);
    const QRectF box(topLeft, QSizeF(boxW, boxH));
    painter.setPen(QPen(QColor(0, 0, 0, 90)));
    painter.setBrush(Qt::white);
    painter.drawRoundedRect(box, 4, 4);
    painter.drawImage(QPointF(box.left() + (boxW - image.width()) / 2.0, box.top() + 6),
                      m_thumbnail);
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(
        QRectF(box.left() + 6, box.top() + 8 + image.height(), boxW - 12, fm.height() + 4),
        Qt::AlignCenter, caption);
}

} // namespace activelabel
