#pragma once

#include "ui/panels/classrow.h"
#include "ui/tilegrid.h"

#include <QImage>
#include <QList>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;

namespace activelabel {

// "Find similar": the look-alikes of one image (its nearest neighbours in the current model's
// embedding space, app/ finds them) in a TileGrid, to label the same way at once. The annotator
// picks the class (the image's own label or prediction to start with), unticks the tiles that
// are not that class (click, or arrows + Space), and Enter labels the ticked ones; a class key
// (1..9, 0) picks the class and labels at once. Esc goes back to where the search started.
class LookalikesPage : public QWidget
{
    Q_OBJECT
public:
    explicit LookalikesPage(QWidget *parent = nullptr);

    void setClasses(const QList<ClassRow> &classes);
    // The image whose look-alikes are shown, and what is said about it (a null image or an empty
    // description keeps what is shown for the same image: its thumbnail may arrive later).
    void showQuery(qint64 imageId, const QImage &image, const QString &description);
    // The look-alikes; their border colour is the target class's.
    void setTiles(const QList<Tile> &tiles);
    // No tiles, only a message: no model or embeddings yet, the index is being built, ...
    void showMessage(const QString &message);
    void setTileImage(qint64 imageId, const QImage &image);

    // The class the ticked tiles will be labelled as (-1: none chosen).
    int targetClass() const;
    void setTargetClass(int classPosition);

    qint64 queryImageId() const { return m_queryId; }
    TileGrid *grid() const { return m_grid; }

    // (key, action) pairs for the cheat sheet.
    static QList<QPair<QString, QString>> keyBindings();

Q_SIGNALS:
    // Label the ticked tiles (grid()->tickedIds()) as `classPosition`.
    void acceptRequested(int classPosition);
    void backRequested();
    void targetClassChanged(int classPosition);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void accept();
    void updateAcceptButton();
    void recolourTiles();

    QList<ClassRow> m_classes;
    qint64 m_queryId = 0;
    QLabel *m_queryImage = nullptr;
    QLabel *m_title = nullptr;
    QComboBox *m_class = nullptr;
    QPushButton *m_accept = nullptr;
    QPushButton *m_back = nullptr;
    TileGrid *m_grid = nullptr;
};

} // namespace activelabel
