#pragma once

#include "ui/importrequest.h"
#include "ui/projectsummary.h"

#include <QMainWindow>
#include <QUrl>

class QAbstractItemModel;
class QLabel;
class QMenu;
class QProgressDialog;

namespace activelabel {

class ImageBrowser;
class ProjectSummaryWidget;

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

public Q_SLOTS:
    void showProject(const activelabel::ProjectSummary &summary);
    void closeProjectView();
    void setImageModel(QAbstractItemModel *model);
    void showImportProgress(qint64 done, qint64 total, const QString &what);
    void showImportFinished(const QString &summary, const QStringList &rejectedWithReasons);
    void showError(const QString &title, const QString &message);
    void showStatus(const QString &message);
    // Folders or files dropped on the window (or handed over by the desktop) become an import.
    void importDroppedUrls(const QList<QUrl> &urls);

Q_SIGNALS:
    void newProjectRequested(const QString &directory);
    void openProjectRequested(const QString &directory);
    void importRequested(const activelabel::ImportRequest &request);
    void importCancelRequested();

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

    ProjectSummaryWidget *m_summary = nullptr;
    ImageBrowser *m_browser = nullptr;
    QLabel *m_statusLabel = nullptr;
    QMenu *m_recentMenu = nullptr;
    QProgressDialog *m_progress = nullptr;
    QList<QAction *> m_projectActions;
    QString m_projectPath;
};

} // namespace activelabel
