#pragma once

#include "ui/panels/classrow.h"
#include "ui/panels/reviewroles.h"

#include <QWidget>

class QAbstractItemModel;
class QAbstractItemView;
class QComboBox;
class QLabel;
class QListView;
class QMenu;
class QTabWidget;
class QToolButton;

namespace activelabel {

class ImageBrowser;
class LabelledThumbnailDelegate;
class SuspiciousLabelDelegate;

// Review of the labels so far, in two tabs: "Labelled images", a thumbnail grid filterable by
// class, and "Suspicious labels", labelled images the current model confidently disagrees with,
// most confident first (app/'s model serves them in that order). In either, selecting images and
// pressing a class key (or "Relabel as…", or Enter for the model's prediction in the suspicious
// list) asks app/ to relabel them through the same undoable path as labelling. The models come
// from app/ and serve the roles in reviewroles.h.
class ReviewPanel : public QWidget
{
    Q_OBJECT
public:
    enum Tab { LabelledTab, SuspiciousTab };

    explicit ReviewPanel(QWidget *parent = nullptr);

    void setLabelledModel(QAbstractItemModel *model);
    void setSuspiciousModel(QAbstractItemModel *model);
    // Classes in project order: names for the filter and menus, keys, colours.
    void setClasses(const QList<ClassRow> &classes);

    // -1 for all classes. Setting it emits classFilterChanged() when it changes.
    int classFilter() const;
    void setClassFilter(int classPosition);

    QTabWidget *tabs() const { return m_tabs; }
    ImageBrowser *labelledView() const { return m_grid; }
    QListView *suspiciousView() const { return m_suspicious; }
    // Whether the suspicious tab shows its "nothing suspicious" note instead of the list.
    bool suspiciousEmptyShown() const;

public Q_SLOTS:
    // Relabels the selected images of the tab on show (the current image when none is selected).
    void relabelSelection(int classPosition);

Q_SIGNALS:
    void classFilterChanged(int classPosition);
    void relabelRequested(qint64 imageId, int classPosition);
    // Look-alikes of the current image of the tab on show (L, the button, the context menu).
    void findSimilarRequested(qint64 imageId);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QAbstractItemView *activeView() const;
    void rebuildMenu();
    void updateActions();
    void updateEmptyState();
    void showContextMenu(QAbstractItemView *view, const QPoint &pos);
    int classForKey(int key) const;
    void findSimilar(const QModelIndex &index);

    QList<ClassRow> m_classes;
    QTabWidget *m_tabs = nullptr;
    QComboBox *m_filter = nullptr;
    ImageBrowser *m_grid = nullptr;
    QListView *m_suspicious = nullptr;
    QLabel *m_hint = nullptr;
    QLabel *m_suspiciousEmpty = nullptr;
    QToolButton *m_relabel = nullptr;
    QToolButton *m_similar = nullptr;
    QMenu *m_relabelMenu = nullptr;
    LabelledThumbnailDelegate *m_gridDelegate = nullptr;
    SuspiciousLabelDelegate *m_suspiciousDelegate = nullptr;
};

} // namespace activelabel
