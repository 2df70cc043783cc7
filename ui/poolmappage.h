#pragma once

#include "ui/panels/classrow.h"
#include "ui/poolmapview.h"
#include "ui/tilegrid.h"

#include <QWidget>

class QButtonGroup;
class QComboBox;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;
class QSplitter;
class QToolButton;

namespace activelabel {

// The Map page: the pool map (PoolMapView) with its controls — colour by label / prediction /
// uncertainty (C cycles), the pan / rectangle / lasso tools (P, R, L), "Label selection as…"
// (a class key labels the selection too) and "Open in grid" (G) — and the state of the map's
// computation (progress with time left, Cancel, Recompute). It raises requests; app/ computes the
// map, writes labels and opens the grid.
class PoolMapPage : public QWidget
{
    Q_OBJECT
public:
    explicit PoolMapPage(QWidget *parent = nullptr);

    PoolMapView *view() const { return m_view; }
    TileGrid *grid() const { return m_grid; }
    void setClasses(const QList<ClassRow> &classes);
    void setColourBy(PoolMapView::ColourBy mode);

    // The map's state line: "Map of 20,000 images from model v3", "No embeddings yet: …".
    void setMapStatus(const QString &text);
    // A computation in progress (`text` with time left, permille done) with Cancel.
    void showProgress(const QString &text, int permille);
    void hideProgress();
    void setRecomputeEnabled(bool enabled);

    // The selection as tiles beside the map, a page at a time: untick the wrong ones, then Enter
    // labels the ticked ones as `classPosition` (the selection's most frequent prediction) or a
    // class key labels them as that class; then the next page comes. Esc closes the grid.
    void showGrid(const QList<Tile> &tiles, int classPosition);
    void showNextGridPage();
    void closeGrid();
    int gridClass() const { return m_gridClass; }
    bool gridShown() const;

public Q_SLOTS:
    void labelSelection(int classPosition);
    void openSelection();

Q_SIGNALS:
    void labelSelectionRequested(const QList<qint64> &imageIds, int classPosition);
    void openSelectionRequested(const QList<qint64> &imageIds);
    void recomputeRequested();
    void cancelRequested();
    void thumbnailRequested(qint64 imageId);
    // The grid's ticked tiles, labelled with a class key.
    void labelGridRequested(const QList<qint64> &imageIds, int classPosition);
    // A page of the grid is shown: its tiles want thumbnails.
    void gridPageShown();

private:
    void selectionChanged(int count);

    PoolMapView *m_view = nullptr;
    QComboBox *m_colourBy = nullptr;
    QButtonGroup *m_tools = nullptr;
    QToolButton *m_labelButton = nullptr;
    QMenu *m_labelMenu = nullptr;
    QPushButton *m_openButton = nullptr;
    QPushButton *m_recompute = nullptr;
    QLabel *m_status = nullptr;
    QWidget *m_progressBox = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_progressText = nullptr;
    QList<ClassRow> m_classes;
    QSplitter *m_split = nullptr;
    QWidget *m_gridPanel = nullptr;
    TileGrid *m_grid = nullptr;
    QLabel *m_gridTitle = nullptr;
    QList<Tile> m_gridQueue; // the selection's tiles not shown yet
    int m_gridClass = -1;
    int m_gridTotal = 0;
};

} // namespace activelabel
