#pragma once

#include "storage/classrepository.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>

#include <memory>
#include <vector>

namespace activelabel {

class Database;
class LabelingController;
class LookalikesPage;
class MainWindow;
class Project;
class ReviewPanel;
class ThumbnailLoader;

// "Find similar" (issue 19's look-alikes): from the labelling, browse and review pages (L, a
// button, a context-menu entry), shows the look-alikes of an image in the Look-alikes page's tile
// grid: its nearest unlabelled pool images in the live model's embedding space, from the index
// the labelling controller's LookalikeIndexer keeps (never waiting for a rebuild). Enter labels
// the ticked tiles as the chosen class through the labelling controller's page path (acceptPage:
// source bulk-accepted, one transaction, one undo), then the next look-alikes of the same image
// fill the page. Lives on the UI thread; its reads are a few small queries per page.
class LookalikesController : public QObject
{
    Q_OBJECT
public:
    LookalikesController(Project &project, MainWindow *window, LabelingController *labeling,
                         ReviewPanel *review);
    ~LookalikesController() override;

    LookalikesPage *page() const { return m_page; }

public Q_SLOTS:
    // Shows the look-alikes page for `imageId` (the page says why when there are none).
    void findSimilar(qint64 imageId);

private:
    void reloadClasses();
    void showLookalikes();
    void accept(int classPosition);
    void back();

    Project &m_project;
    MainWindow *m_window;
    LabelingController *m_labeling;
    LookalikesPage *m_page = nullptr;
    ThumbnailLoader *m_loader = nullptr;
    std::unique_ptr<Database> m_predictions; // this thread's connection to predictions.sqlite
    std::vector<ClassInfo> m_classes;
    qint64 m_queryId = 0;
    // Labelled from this page: skipped at once, before the writer thread's COMMIT is visible here.
    QSet<qint64> m_labelledHere;
    QHash<qint64, QList<qint64>> m_pendingPages; // writer ticket -> its images, until committed
    int m_returnTab = 0;
    bool m_waitingForIndex = false; // the page says "building…" and fills in when it is ready
};

} // namespace activelabel
