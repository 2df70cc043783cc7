#pragma once

#include "app/gui/bulkpagebuilder.h"
#include "app/mailbox.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QThreadPool>

namespace activelabel {

class BulkReviewPage;
class LabelingController;
class MainWindow;
class Project;

// Drives the bulk review page: builds each page off the UI thread (buildBulkPage), shows it, and
// on Enter labels the ticked tiles through LabelingController::acceptPage (one transaction,
// source bulk-accepted, one undo step) and sends the unticked ones to the front of the labelling
// queue. Lives on the UI thread; the page is a tab of the main window while a project is open.
class BulkReviewController : public QObject
{
    Q_OBJECT
public:
    BulkReviewController(Project &project, MainWindow *window, LabelingController *labeling);
    ~BulkReviewController() override;

    static constexpr int kColumns = 6;
    static constexpr int kRows = 5;

    BulkReviewPage *page() const { return m_page; }
    // The page on screen (entries empty when none), and whether a newer one is being built.
    const BulkPage &shownPage() const { return m_shown; }
    bool isBuilding() const { return m_building; }

public Q_SLOTS:
    // Brings the page to the front (Ctrl+B), building a page if it has none.
    void showPage();
    void setClass(int classPosition);
    // Enter: label the ticked tiles, queue the unticked ones, show the next page.
    void acceptPage();
    // Page Down: leave this page unlabelled for now and show the next one.
    void nextPage();
    void requestPage();

Q_SIGNALS:
    // A page (or an empty page with its reason) is on screen.
    void pageShown(int tiles);

private Q_SLOTS:
    void takePage(); // the builder's wake-up

private:
    bool pageVisible() const;
    void reloadClasses();
    void show(const BulkPage &page);
    QString className(int position) const;

    Project &m_project;
    MainWindow *m_window;
    LabelingController *m_labeling;
    BulkReviewPage *m_page = nullptr;
    int m_class = 0;
    BulkPage m_shown;
    std::uint64_t m_serial = 0;
    bool m_building = false;
    bool m_stale = true; // the page on screen is out of date (model or labels changed while hidden)

    QSet<qint64> m_rejected; // unticked this session: in the queue, never on a page again
    QSet<qint64> m_skipped;  // Page Down on this class: not shown again for it
    QHash<qint64, QList<qint64>> m_saving; // page ticket -> its images, until COMMIT returns

    QThreadPool m_builder;
    Mailbox<BulkPageRequest> m_requests;
    Mailbox<BulkPage> m_built;
};

} // namespace activelabel
