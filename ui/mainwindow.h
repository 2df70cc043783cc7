#pragma once

#include "ui/importrequest.h"
#include "ui/projectsummary.h"

#include <QMainWindow>
#include <QUrl>

class QAbstractItemModel;
class QLabel;
class QMenu;
class QProgressBar;
class QProgressDialog;
class QTabWidget;
class QUndoStack;

namespace activelabel {

class ImageBrowser;
class LabelingView;
class ProjectSummaryWidget;
class TrainingPanel;

// The application's home: project summary, the pool's image browser, the File menu and import
// progress. It only raises requests (signals) and shows what app/ tells it; it never touches
// storage or the model itself.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    ImageBrowser *imageBrowser() const { return m_browser; }
    LabelingView *labelingView() const { return m_labeling; }
    TrainingPanel *trainingPanel() const { return m_training; }
    QTabWidget *tabs() const { return m_tabs; }

    // Adds a page (metrics, review…) owned by the window.
    void addPage(QWidget *page, const QString &title);
    // Undo/redo of labels: the Edit menu follows this stack (nullptr when no project is open).
    void setUndoStack(QUndoStack *stack);
    // Where the model computes, shown at the right of the status bar ("CPU, 2 threads", "GPU cuda:0").
    void setComputeDevice(const QString &description);

public Q_SLOTS:
    void showProject(const activelabel::ProjectSummary &summary);
    void closeProjectView();
    void setImageModel(QAbstractItemModel *model);
    void showImportProgress(qint64 done, qint64 total, const QString &what);
    void showImportFinished(const QString &summary, const QStringList &rejectedWithReasons);
    void showError(const QString &title, const QString &message);
    void showStatus(const QString &message);
    // The training worker's state in the status bar: busy with progress (maximum 0 = unknown).
    void showWorkerBusy(const QString &what, int value, int maximum);
    void showWorkerIdle(const QString &message);
    void showCheatSheet();
    // Folders or files dropped on the window (or handed over by the desktop) become an import.
    void importDroppedUrls(const QList<QUrl> &urls);

Q_SIGNALS:
    void newProjectRequested(const QString &directory);
    void openProjectRequested(const QString &directory);
    void importRequested(const activelabel::ImportRequest &request);
    void importCancelRequested();
    void trainRequested();
    void cancelTrainingRequested();
    void exportRequested();
    void manageClassesRequested();
    // Ctrl+B: the bulk review page (app/ adds it when a project is open).
    void bulkReviewRequested();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void rebuildRecentMenu();
    void rememberRecent(const QString &directory);
    void askNewProject();
    void askOpenProject();
    void askImportFolders(ImportRequest::Kind kind);
    void askImportCsv();
    void askImportFashionMnist();
    void showAbout();
    void setProjectActionsEnabled(bool enabled);

    QTabWidget *m_tabs = nullptr;
    LabelingView *m_labeling = nullptr;
    TrainingPanel *m_training = nullptr;
    QMenu *m_editMenu = nullptr;
    QAction *m_undoAction = nullptr;
    QAction *m_redoAction = nullptr;
    QProgressBar *m_workerProgress = nullptr;
    QLabel *m_workerLabel = nullptr;
    ProjectSummaryWidget *m_summary = nullptr;
    ImageBrowser *m_browser = nullptr;
    QLabel *m_statusLabel = nullptr;
    QLabel *m_deviceLabel = nullptr;
    QMenu *m_recentMenu = nullptr;
    QProgressDialog *m_progress = nullptr;
    QList<QAction *> m_projectActions;
    QString m_projectPath;
};

} // namespace activelabel
