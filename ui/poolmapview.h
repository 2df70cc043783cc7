#pragma once

#include <QColor>
#include <QImage>
#include <QList>
#include <QPolygonF>
#include <QStringList>
#include <QWidget>

#include <cstdint>
#include <vector>

namespace activelabel {

// What the pool map shows for each image: its place on the map and what colours it.
struct PoolMapPoints
{
    std::vector<float> xy; // x0 y0 x1 y1 …: map coordinates (any scale)
    std::vector<qint64> imageIds;
    std::vector<qint16> labels;      // class position, -1 when unlabelled
    std::vector<qint16> predictions; // class position, -1 when no model has scored it
    std::vector<float> uncertainty;  // the strategy's score, NaN when none

    std::size_t size() const { return imageIds.size(); }
};

// The pool map: every image a dot, coloured by its label, the model's prediction or the model's
// uncertainty; pan (drag, arrows), zoom (wheel, +/-), fit (Home); rectangle (R) and lasso (L)
// selection, Shift adds to the selection, Esc clears it; hovering a dot asks for its thumbnail.
//
// Drawn for 100,000 dots at 60 fps: each frame writes the dots straight into a reused ARGB
// buffer (one multiply-add per coordinate and a few pixel stores per dot, colours looked up once
// when the colouring changes), not through QPainter's per-primitive path; hover uses a grid
// over the map, and only the overlays (selection outline, legend, thumbnail) go through QPainter.
class PoolMapView : public QWidget
{
    Q_OBJECT
public:
    enum class ColourBy { Label, Prediction, Uncertainty };
    enum class Tool { Pan, Rectangle, Lasso };

    explicit PoolMapView(QWidget *parent = nullptr);

    // New points: the selection is cleared; the view is fitted unless `keepView`.
    void setPoints(PoolMapPoints points, bool keepView = false);
    // New labels / predictions / uncertainties for the same images (same order); keeps the view
    // and the selection.
    void setColouring(std::vector<qint16> labels, std::vector<qint16> predictions,
                      std::vector<float> uncertainty);
    void setClasses(const QStringList &names, const QList<QColor> &colours);
    const PoolMapPoints &points() const { return m_points; }

    ColourBy colourBy() const { return m_colourBy; }
    void setColourBy(ColourBy mode);
    Tool tool() const { return m_tool; }
    void setTool(Tool tool);
    // The colour of point `index` as drawn now (before dimming for a selection).
    QColor pointColour(std::size_t index) const;

    // Point indices (into points()), ascending.
    const std::vector<std::int32_t> &selection() const { return m_selected; }
    QList<qint64> selectedImageIds() const;
    void clearSelection();
    // Selects the points drawn inside a rectangle / polygon in widget coordinates (what the
    // mouse tools call); `add` keeps the current selection.
    void selectRect(const QRectF &widgetRect, bool add = false);
    void selectPolygon(const QPolygonF &widgetPolygon, bool add = false);

    // The view: map point at the widget's centre and pixels per map unit.
    QPointF centre() const { return m_centre; }
    double scale() const { return m_scale; }
    void fitAll();
    void panBy(QPointF pixels);
    void zoomBy(double factor, QPointF widgetAnchor);
    QPointF toWidget(std::size_t index) const;
    // The point drawn nearest to `widgetPos` within `radius` pixels, -1 if none.
    int pointAt(QPointF widgetPos, double radius = 6) const;

    // The thumbnail for the hovered image (ignored if the mouse has moved on).
    void setThumbnail(qint64 imageId, const QImage &thumbnail);
    qint64 hoveredImageId() const;

    QSize sizeHint() const override { return {800, 600}; }

Q_SIGNALS:
    void selectionChanged(int count);
    // 0 when the mouse leaves every dot.
    void hovered(qint64 imageId);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    void recolour();
    void rebuildGrid();
    void rebuildLegend();
    void setHovered(int index);
    void rasterise();
    void drawOverlays(class QPainter &painter);
    void applySelection(std::vector<std::int32_t> picked, bool add);

    PoolMapPoints m_points;
    QStringList m_classNames;
    QList<QColor> m_classColours;
    ColourBy m_colourBy = ColourBy::Label;
    Tool m_tool = Tool::Pan;
    std::vector<std::uint32_t> m_argb;       // per point, as drawn
    std::vector<std::uint32_t> m_argbDimmed; // per point, when another point is selected
    std::vector<std::int32_t> m_selected;
    std::vector<std::uint8_t> m_isSelected;
    float m_minX = 0, m_minY = 0, m_maxX = 1, m_maxY = 1;
    // Hover lookup: a uniform grid over the map's bounding box, points bucketed per cell (CSR).
    int m_gridSize = 1;
    std::vector<std::int32_t> m_cellStart, m_cellPoints;
    QPointF m_centre;
    double m_scale = 1;
    bool m_fitted = true; // not panned or zoomed since the last fit: refit on resize
    QImage m_frame;
    QImage m_legend;
    float m_uncertaintyMax = 1;
    // Interaction
    enum class Drag { None, Pan, Rectangle, Lasso } m_drag = Drag::None;
    QPointF m_dragStart, m_lastMouse;
    QPolygonF m_lasso;
    bool m_dragAdds = false;
    bool m_dragMoved = false; // ever 3 pixels from the start: not a click
    int m_hovered = -1;
    QImage m_thumbnail;
    qint64 m_thumbnailId = 0;
};

} // namespace activelabel
