#pragma once

#include "ui/importrequest.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>

namespace activelabel {

class BulkReviewController;
class ImageListModel;
class LabelingController;
class LookalikesController;
class PanelsController;
class FileJobRunner;
class PoolMapController;
class MainWindow;
class Project;

// The GUI's owner of the open project: opens/creates it (ReadWrite, falling back to read-only
// when another process holds it), feeds the main window its summary and image model, and runs
// imports on a worker thread with progress and cancel. Lives on the UI thread.
class ProjectController : public QObject
{
    Q_OBJECT
public:
    explicit ProjectController(MainWindow *window);
    ~ProjectController() override;

    bool hasProject() const { return m_project != nullptr; }
    // The open project's controllers (nullptr when none, or read-only): for tests and benchmarks.
    LabelingController *labeling() const { return m_labeling.get(); }
    BulkReviewController *bulkReview() const { return m_bulk.get(); }

public Q_SLOTS:
    void openProject(const QString &directory);
    void newProject(const QString &directory);
    void startImport(const activelabel::ImportRequest &request);
    void cancelImport();
    void refreshSummary();
    void scheduleSummaryRefresh();

private:
    void adoptProject(std::unique_ptr<Project> project);
    // A team project by its server URI, asking for the password when the server wants one.
    void openServerProject(const QString &uri, bool create);
    // A team project's images this computer has not cached yet, on a file-job thread.
    void startImageFetch();
    void closeProject();
    bool summaryShown() const;

    MainWindow *m_window;
    std::unique_ptr<Project> m_project;
    std::unique_ptr<ImageListModel> m_images;
    std::unique_ptr<LabelingController> m_labeling;
    std::unique_ptr<PanelsController> m_panels; // declared after m_labeling: destroyed first
    std::unique_ptr<BulkReviewController> m_bulk; // likewise
    std::unique_ptr<PoolMapController> m_poolMap; // likewise
    std::unique_ptr<LookalikesController> m_lookalikes; // likewise
    QPointer<FileJobRunner> m_import;
    QTimer m_summaryTimer;
    QTimer m_followTimer; // a team project: looks for the trainer's new model versions
    bool m_summaryStale = false;
};

} // namespace activelabel
