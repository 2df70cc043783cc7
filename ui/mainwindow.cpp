#include "ui/mainwindow.h"

#include "ui/bulkreviewpage.h"
#include "ui/imagebrowser.h"
#include "ui/labelingview.h"
#include "ui/lookalikespage.h"
#include "ui/panels/newprojectdialog.h"
#include "ui/projectsummarywidget.h"
#include "ui/trainingpanel.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressDialog>
#include <QSettings>
#include <QSplitter>
#include <QProgressBar>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QHeaderView>
#include <QDialog>
#include <QDialogButtonBox>
#include <QVBoxLayout>
#include <QShortcut>
#include <QUndoStack>

namespace activelabel {

namespace {
constexpr int kMaxRecentProjects = 8;
const QString kRecentKey = QStringLiteral("recentProjects");
const QString kNewProjectParentKey = QStringLiteral("newProjectParent");
const QString kServerUriKey = QStringLiteral("teamServerUri");
} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("ActiveLabel"));
    setAcceptDrops(true);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("mainTabs"));
    m_tabs->setDocumentMode(true);

    // Label: the image in front of the annotator, with the training panel beside it.
    auto *labelPage = new QSplitter(m_tabs);
    m_labeling = new LabelingView(labelPage);
    m_training = new TrainingPanel(labelPage);
    labelPage->addWidget(m_labeling);
    labelPage->addWidget(m_training);
    labelPage->setStretchFactor(0, 1);
    labelPage->setSizes({900, 280});
    m_tabs->addTab(labelPage, tr("&Label"));

    // Browse: the project's counts and a thumbnail grid of the pool.
    auto *browsePage = new QSplitter(m_tabs);
    m_summary = new ProjectSummaryWidget(browsePage);
    m_browser = new ImageBrowser(browsePage);
    browsePage->addWidget(m_summary);
    browsePage->addWidget(m_browser);
    browsePage->setStretchFactor(1, 1);
    browsePage->setSizes({260, 900});
    m_tabs->addTab(browsePage, tr("&Browse"));
    setCentralWidget(m_tabs);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (m_tabs->currentIndex() == 0)
            m_labeling->setFocus();
    });
    connect(m_labeling, &LabelingView::cheatSheetRequested, this, &MainWindow::showCheatSheet);
    connect(m_training, &TrainingPanel::trainRequested, this, &MainWindow::trainRequested);
    connect(m_training, &TrainingPanel::cancelRequested, this, &MainWindow::cancelTrainingRequested);
    auto *train = new QShortcut(QKeySequence(Qt::Key_T), m_labeling, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(train, &QShortcut::activated, this, &MainWindow::trainRequested);

    m_workerLabel = new QLabel(this);
    m_workerLabel->setObjectName(QStringLiteral("workerState"));
    m_workerProgress = new QProgressBar(this);
    m_workerProgress->setMaximumWidth(180);
    m_workerProgress->setVisible(false);
    m_statusLabel = new QLabel(this);
    m_deviceLabel = new QLabel(this);
    m_deviceLabel->setObjectName(QStringLiteral("computeDevice"));
    m_deviceLabel->setContentsMargins(12, 0, 0, 0); // apart from the image count beside it
    statusBar()->addPermanentWidget(m_workerLabel);
    statusBar()->addPermanentWidget(m_workerProgress);
    statusBar()->addPermanentWidget(m_statusLabel);
    statusBar()->addPermanentWidget(m_deviceLabel);

    createMenus();
    setProjectActionsEnabled(false);
    resize(1200, 780);
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New Project…"), QKeySequence::New, this, &MainWindow::askNewProject);
    file->addAction(tr("&Open Project…"), QKeySequence::Open, this, &MainWindow::askOpenProject);
    file->addAction(tr("New Team Project on a &Server…"), this, [this] { askServerProject(true); });
    file->addAction(tr("Open Team Project on a Ser&ver…"), QKeySequence(tr("Ctrl+Shift+O")), this,
                    [this] { askServerProject(false); });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    file->addSeparator();

    QMenu *import = file->addMenu(tr("&Import"));
    m_projectActions << import->addAction(tr("&Folder of Images…"), QKeySequence(tr("Ctrl+I")), this,
                                          [this] { askImportFolders(ImportRequest::Kind::Folders); });
    m_projectActions << import->addAction(tr("Folder per &Class (ImageFolder)…"), this,
                                          [this] { askImportFolders(ImportRequest::Kind::ImageFolder); });
    m_projectActions << import->addAction(tr("&CSV of path,label…"), this, &MainWindow::askImportCsv);
    m_projectActions << import->addAction(tr("&Fashion-MNIST Demo Dataset…"), this,
                                          &MainWindow::askImportFashionMnist);
    import->addSeparator();
    QAction *rescan = import->addAction(tr("&Rescan Imported Folders for New Files"), QKeySequence(tr("F5")), this, [this] {
        ImportRequest request;
        request.kind = ImportRequest::Kind::Rescan;
        Q_EMIT importRequested(request);
    });
    rescan->setObjectName(QStringLiteral("rescanAction"));
    rescan->setToolTip(tr("Look again in every folder imported before and add only files that are new"));
    m_projectActions << rescan;
    m_projectActions << import->menuAction();
    m_projectActions << file->addAction(tr("&Export…"), QKeySequence(tr("Ctrl+E")), this, &MainWindow::exportRequested);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    m_editMenu = menuBar()->addMenu(tr("&Edit"));
    m_projectActions << m_editMenu->addAction(tr("Manage &Classes…"), QKeySequence(tr("Ctrl+K")), this,
                                              &MainWindow::manageClassesRequested);

    QMenu *model = menuBar()->addMenu(tr("&Model"));
    m_projectActions << model->addAction(tr("&Train Now"), this, &MainWindow::trainRequested);
    m_projectActions << model->addAction(tr("&Cancel Training"), QKeySequence(tr("Ctrl+.")), this,
                                         &MainWindow::cancelTrainingRequested);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *bulk = view->addAction(tr("&Bulk Review Page"), QKeySequence(tr("Ctrl+B")), this,
                                    &MainWindow::bulkReviewRequested);
    bulk->setObjectName(QStringLiteral("bulkReviewAction"));
    bulk->setToolTip(tr("Many pool images the model puts in one class, to label at once"));
    m_projectActions << bulk;
    QAction *blind = view->addAction(tr("&Blind Mode (hide predictions)"));
    blind->setCheckable(true);
    connect(blind, &QAction::toggled, m_labeling, &LabelingView::setBlindMode);
    connect(m_labeling, &LabelingView::blindModeToggled, blind, &QAction::setChecked);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard Shortcuts"), QKeySequence(tr("Ctrl+/")), this, &MainWindow::showCheatSheet);
    help->addAction(tr("&About ActiveLabel"), this, &MainWindow::showAbout);
}

void MainWindow::addPage(QWidget *page, const QString &title)
{
    m_tabs->addTab(page, title);
}

void MainWindow::setComputeDevice(const QString &description)
{
    m_deviceLabel->setText(tr("Compute: %1").arg(description));
    m_deviceLabel->setToolTip(tr("Where the model trains and scores. ACTIVELABEL_DEVICE=cpu|cuda|cuda:N chooses; "
                                 "a GPU needs ActiveLabel built against a CUDA LibTorch."));
}

void MainWindow::setUndoStack(QUndoStack *stack)
{
    delete m_undoAction;
    delete m_redoAction;
    m_undoAction = m_redoAction = nullptr;
    if (!stack)
        return;
    m_undoAction = stack->createUndoAction(this, tr("&Undo"));
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_redoAction = stack->createRedoAction(this, tr("&Redo"));
    m_redoAction->setShortcuts({QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence::Redo});
    QAction *first = m_editMenu->actions().value(0);
    m_editMenu->insertAction(first, m_undoAction);
    m_editMenu->insertAction(first, m_redoAction);
    m_editMenu->insertSeparator(first);
}

void MainWindow::showWorkerBusy(const QString &what, int value, int maximum)
{
    m_workerLabel->setText(what);
    m_workerProgress->setVisible(true);
    m_workerProgress->setRange(0, maximum);
    m_workerProgress->setValue(value);
    m_training->showBusy(what, value, maximum);
}

void MainWindow::showWorkerIdle(const QString &message)
{
    m_workerProgress->setVisible(false);
    m_workerLabel->setText(tr("Idle"));
    m_training->showIdle(message.isEmpty() ? tr("Idle") : message);
}

void MainWindow::showCheatSheet()
{
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("cheatSheet"));
    dialog.setWindowTitle(tr("Keyboard Shortcuts"));
    // L is in the labelling view's list already: the look-alikes page's own keys follow.
    const auto bindings =
        LabelingView::keyBindings() + BulkReviewPage::keyBindings() + LookalikesPage::keyBindings().mid(1);
    auto *table = new QTableWidget(int(bindings.size()), 2, &dialog);
    table->setHorizontalHeaderLabels({tr("Key"), tr("Action")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    for (int i = 0; i < bindings.size(); ++i) {
        table->setItem(i, 0, new QTableWidgetItem(bindings[i].first));
        table->setItem(i, 1, new QTableWidgetItem(bindings[i].second));
    }
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(table);
    layout->addWidget(buttons);
    dialog.resize(520, 420);
    dialog.exec();
}

void MainWindow::setProjectActionsEnabled(bool enabled)
{
    for (QAction *action : std::as_const(m_projectActions))
        action->setEnabled(enabled);
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (const QString &path : recent) {
        m_recentMenu->addAction(QDir::toNativeSeparators(path), this,
                                [this, path] { Q_EMIT openProjectRequested(path); });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::rememberRecent(const QString &directory)
{
    QSettings settings;
    QStringList recent = settings.value(kRecentKey).toStringList();
    recent.removeAll(directory);
    recent.prepend(directory);
    while (recent.size() > kMaxRecentProjects)
        recent.removeLast();
    settings.setValue(kRecentKey, recent);
    rebuildRecentMenu();
}

void MainWindow::askNewProject()
{
    NewProjectDialog dialog(this);
    QSettings settings;
    dialog.setParentDirectory(settings.value(kNewProjectParentKey, QDir::homePath()).toString());
    if (dialog.exec() != QDialog::Accepted)
        return;
    settings.setValue(kNewProjectParentKey, dialog.parentDirectory());
    Q_EMIT newProjectRequested(dialog.projectDirectory());
}

void MainWindow::askServerProject(bool create)
{
    QSettings settings;
    bool ok = false;
    const QString uri =
        QInputDialog::getText(this, create ? tr("New Team Project") : tr("Open Team Project"),
                              tr("The project's PostgreSQL database, as a URI:\n"
                                 "postgresql://user@host:port/database (or postgresql://user@/database?host=/socket/dir).\n"
                                 "%1\nThe password comes from ~/.pgpass or PGPASSWORD, or is asked for next.")
                                  .arg(create ? tr("The database must exist and be empty (createdb).") : QString()),
                              QLineEdit::Normal, settings.value(kServerUriKey).toString(), &ok)
            .trimmed();
    if (!ok || uri.isEmpty())
        return;
    settings.setValue(kServerUriKey, uri);
    if (create)
        Q_EMIT newProjectRequested(uri);
    else
        Q_EMIT openProjectRequested(uri);
}

QString MainWindow::askPassword(const QString &server, bool again, bool *ok)
{
    return QInputDialog::getText(this, tr("Password"),
                                 (again ? tr("That password was not accepted.\n") : QString())
                                     + tr("Password for %1:").arg(server),
                                 QLineEdit::Password, QString(), ok);
}

void MainWindow::askOpenProject()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Project Folder"),
                                                          QDir::homePath());
    if (!dir.isEmpty())
        Q_EMIT openProjectRequested(dir);
}

void MainWindow::askImportFolders(ImportRequest::Kind kind)
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Import Folder"), QDir::homePath());
    if (dir.isEmpty())
        return;
    ImportRequest request;
    request.kind = kind;
    request.paths = {dir};
    if (kind == ImportRequest::Kind::ImageFolder) {
        const auto answer = QMessageBox::question(
            this, tr("Import Labels"),
            tr("Store the folder names as labels?\n\n"
               "Yes: they become labels (source \"import\").\n"
               "No: they are kept apart as ground truth, for simulation and evaluation only."));
        request.asGroundTruth = answer != QMessageBox::Yes;
    }
    Q_EMIT importRequested(request);
}

void MainWindow::askImportCsv()
{
    const QString csv = QFileDialog::getOpenFileName(this, tr("Import CSV"), QDir::homePath(),
                                                     tr("CSV files (*.csv);;All files (*)"));
    if (csv.isEmpty())
        return;
    ImportRequest request;
    request.kind = ImportRequest::Kind::Csv;
    request.paths = {csv};
    Q_EMIT importRequested(request);
}

void MainWindow::askImportFashionMnist()
{
    bool ok = false;
    const int limit = QInputDialog::getInt(
        this, tr("Import Fashion-MNIST"),
        tr("Pool size (a seeded random subset of the 60,000 training images; 0 = all).\n"
           "The 10,000 test images become the test split."),
        20000, 0, 60000, 1000, &ok);
    if (!ok)
        return;
    ImportRequest request;
    request.kind = ImportRequest::Kind::FashionMnist;
    request.limit = limit;
    Q_EMIT importRequested(request);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About ActiveLabel"),
                       tr("<b>ActiveLabel %1</b><p>Active learning for image classifiers: label the "
                          "images your model is least sure about, and fine-tune it as you go.</p>")
                           .arg(QApplication::applicationVersion()));
}

void MainWindow::showProject(const ProjectSummary &summary)
{
    if (summary.projectPath != m_projectPath) {
        m_projectPath = summary.projectPath;
        rememberRecent(summary.projectPath);
    }
    setWindowTitle(tr("%1 — ActiveLabel").arg(summary.name));
    m_summary->setSummary(summary);
    setProjectActionsEnabled(!summary.readOnly);
    m_statusLabel->setText(tr("%1 images").arg(QLocale().toString(summary.imagesTotal)));
}

void MainWindow::closeProjectView()
{
    m_projectPath.clear();
    m_summary->clear();
    m_browser->setModel(nullptr);
    m_labeling->showEmpty(tr("No project open."));
    setUndoStack(nullptr);
    setProjectActionsEnabled(false);
    setWindowTitle(QStringLiteral("ActiveLabel"));
}

void MainWindow::setImageModel(QAbstractItemModel *model)
{
    m_browser->setModel(model);
}

void MainWindow::showFileJobProgress(const QString &title, qint64 done, qint64 total, const QString &text)
{
    if (!m_progress) {
        m_progress = new QProgressDialog(this);
        m_progress->setObjectName(QStringLiteral("fileJobProgress"));
        m_progress->setWindowModality(Qt::WindowModal);
        m_progress->setMinimumDuration(300);
        m_progress->setAutoClose(false);
        m_progress->setAutoReset(false);
        m_progress->setMinimumWidth(420); // room for "…, 3 min 05 s left" without the dialog jumping
        connect(m_progress, &QProgressDialog::canceled, this, &MainWindow::fileJobCancelRequested);
    }
    m_progress->setWindowTitle(title);
    // QProgressDialog works in int: scale large counts so 500,000-image imports still fit.
    const int maximum = total > 0 ? 1000 : 0;
    m_progress->setMaximum(maximum);
    m_progress->setValue(total > 0 ? int(done * 1000 / total) : 0);
    m_progress->setLabelText(text);
}

void MainWindow::closeFileJobProgress()
{
    if (m_progress) {
        m_progress->deleteLater();
        m_progress = nullptr;
    }
}

void MainWindow::showImportFinished(const QString &summary, const QStringList &rejectedWithReasons)
{
    closeFileJobProgress();
    showStatus(summary);
    if (rejectedWithReasons.isEmpty())
        return;
    QMessageBox box(QMessageBox::Information, tr("Import Finished"), summary, QMessageBox::Ok, this);
    box.setInformativeText(tr("%n file(s) were not imported; see details.", nullptr,
                              rejectedWithReasons.size()));
    box.setDetailedText(rejectedWithReasons.join(QLatin1Char('\n')));
    box.exec();
}

void MainWindow::showError(const QString &title, const QString &message)
{
    QMessageBox::warning(this, title, message);
}

void MainWindow::showStatus(const QString &message)
{
    statusBar()->showMessage(message, 8000);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls() && !m_projectPath.isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    event->acceptProposedAction();
    importDroppedUrls(event->mimeData()->urls());
}

void MainWindow::importDroppedUrls(const QList<QUrl> &urls)
{
    if (m_projectPath.isEmpty()) {
        showStatus(tr("Open or create a project before importing."));
        return;
    }
    ImportRequest request;
    for (const QUrl &url : urls) {
        if (url.isLocalFile())
            request.paths << url.toLocalFile();
    }
    if (!request.paths.isEmpty())
        Q_EMIT importRequested(request);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Labels are committed as they are made, so closing never loses work; an import in progress
    // is cancelled cleanly by app/ when the window goes away.
    event->accept();
}

} // namespace activelabel
