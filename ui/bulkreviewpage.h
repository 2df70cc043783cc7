#pragma once

#include "ui/labelingview.h"
#include "ui/tilegrid.h"

#include <QList>
#include <QPair>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QShortcut;

namespace activelabel {

// The bulk review page: a grid of pool images the model puts in one class, most confident first.
// The annotator picks the class (its key, or the chooser), unticks the images the model got
// wrong (click, or arrows + Space) and presses Enter to label the rest with that class at once.
// Every key is on the page (see keyBindings()); app/ builds the pages and writes the labels.
class BulkReviewPage : public QWidget
{
    Q_OBJECT
public:
    explicit BulkReviewPage(QWidget *parent = nullptr);

    void setClasses(const QList<ClassButtonInfo> &classes);
    // Selects the class shown in the chooser without asking for a page.
    void setCurrentClass(int position);
    int currentClass() const { return m_class; }

    // A page of tiles and the line above it ("30 of 1,204 images the model calls Trouser…").
    void showPage(const QList<Tile> &tiles, const QString &caption);
    // No tiles, and why ("No predictions yet: …").
    void showEmpty(const QString &message);
    TileGrid *grid() const { return m_grid; }

    // (key, action) pairs of the page's keys, for the cheat sheet.
    static QList<QPair<QString, QString>> keyBindings();

Q_SIGNALS:
    void classChosen(int position);
    void acceptRequested();   // Enter: label the ticked tiles with the class
    void nextPageRequested(); // Page Down: leave this page unlabelled, show the next
    void backRequested();     // Esc: back to one image per key

private:
    void chooseClass(int position);
    void updateAcceptButton();

    TileGrid *m_grid = nullptr;
    QComboBox *m_classCombo = nullptr;
    QLabel *m_caption = nullptr;
    QPushButton *m_accept = nullptr;
    QList<QShortcut *> m_classShortcuts;
    QList<ClassButtonInfo> m_classes;
    int m_class = -1;
};

} // namespace activelabel
