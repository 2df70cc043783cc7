#pragma once

#include <QColor>
#include <QImage>
#include <QList>
#include <QWidget>

#include <limits>

class QAbstractItemModel;
class QBoxLayout;
class QLabel;
class QLineEdit;
class QListView;
class QShortcut;

namespace activelabel {

class ImageView;

// A class as the label bar shows it.
struct ClassButtonInfo
{
    QString name;
    QString hotkey; // "1".."9", "0" or empty
    QColor colour;
};

// The image in front of the annotator and what the model thinks of it.
struct CurrentItem
{
    qint64 imageId = 0;
    QImage image;
    QString predictedClass; // empty before a model exists
    double confidence = -1;
    double score = std::numeric_limits<double>::quiet_NaN(); // the strategy's score
    QString strategy;
    int remaining = 0; // unlabelled images left in the pool
};

// The labelling screen: a large view of the current image, the model's prediction, the next
// images of the queue, and one button per class. Every action is one key (see the cheat sheet);
// the view only emits requests and never waits: app/ moves it on at once and reports each save.
class LabelingView : public QWidget
{
    Q_OBJECT
public:
    explicit LabelingView(QWidget *parent = nullptr);

    void setClasses(const QList<ClassButtonInfo> &classes);
    void showItem(const CurrentItem &item);
    void showEmpty(const QString &message);
    void setQueueModel(QAbstractItemModel *model);
    void setBlindMode(bool blind);
    bool blindMode() const { return m_blind; }
    // "Saved", "Saving…" or a failure, for the label just given to image `imageId`.
    void showSaveState(qint64 imageId, const QString &className, const QString &state, bool failed);
    // "N unlabelled" alone: the count changes as labels are saved and undone.
    void showRemaining(int unlabelled);
    qint64 currentImageId() const { return m_current.imageId; }
    const QImage &currentImage() const { return m_current.image; }

    // (key, action) pairs of every shortcut, for the cheat sheet.
    static QList<QPair<QString, QString>> keyBindings();

Q_SIGNALS:
    void labelRequested(int classPosition);
    void acceptPredictionRequested();
    void skipRequested();
    void unsureRequested();
    void badImageRequested();
    void previousRequested();
    void cheatSheetRequested();
    void findSimilarRequested(); // look-alikes of the current image (L, button, context menu)
    void blindModeToggled(bool blind);

private:
    void addShortcut(const QKeySequence &key, void (LabelingView::*signal)());
    void pickTypedClass();
    void updatePredictionText();

    ImageView *m_image = nullptr;
    QLabel *m_prediction = nullptr;
    QLabel *m_saveState = nullptr;
    QLabel *m_progress = nullptr;
    QListView *m_strip = nullptr;
    QWidget *m_classBar = nullptr;
    QBoxLayout *m_classLayout = nullptr;
    QLineEdit *m_classPicker = nullptr;
    QList<QShortcut *> m_classShortcuts;
    QList<ClassButtonInfo> m_classes;
    CurrentItem m_current;
    bool m_blind = false;
    bool m_saveFailedShown = false;
};

} // namespace activelabel
