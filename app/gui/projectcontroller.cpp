#include "app/gui/projectcontroller.h"

#include "app/gui/bulkreviewcontroller.h"
#include "app/gui/imagelistmodel.h"
#include "app/gui/importjob.h"
#include "app/gui/labelingcontroller.h"
#include "app/gui/lookalikescontroller.h"
#include "app/gui/panelscontroller.h"
#include "app/gui/poolmapcontroller.h"
#include "app/projectstatus.h"
#include "storage/modelversionrepository.h"
#include "storage/postgresdatabase.h"
#include "storage/project.h"
#include "storage/projectlock.h"
#include "ui/imagebrowser.h"
#include "ui/labelingview.h"
#include "ui/mainwindow.h"
#include "ui/trainingpanel.h"

#include <QDir>
#include <QTabWidget>
#include <QUrl>

#include <exception>

namespace activelabel {

ProjectController::ProjectController(MainWindow *window) : QObject(window), m_window(window)
{
    connect(window, &MainWindow::openProjectRequested, this, &ProjectController::openProject);
    connect(window, &MainWindow::newProjectRequested, this, &ProjectController::newProject);
    connect(window, &MainWindow::importRequested, this, &ProjectController::startImport);
    connect(window, &MainWindow::fileJobCancelRequested, this, &ProjectController::cancelImport);
    m_summaryTimer.setSingleShot(true);
    m_summaryTimer.setInterval(500);
    connect(&m_summaryTimer, &QTimer::timeout, this, &ProjectController::refreshSummary);
    // The look is one small query on the worker's connection; the trainer's rounds take minutes.
    m_followTimer.setInterval(qEnvironmentVariableIntValue("ACTIVELABEL_FOLLOW_SECONDS") > 0
                                  ? qEnvironmentVariableIntValue("ACTIVELABEL_FOLLOW_SECONDS") * 1000
                                  : 15000);
    connect(&m_followTimer, &QTimer::timeout, this, [this] {
        if (m_labeling)
            m_labeling->followTeamTrainer();
    });
    connect(window->tabs(), &QTabWidget::currentChanged, this, [this] {
        if (m_summaryStale && summaryShown())
            refreshSummary();
    });
}

ProjectController::~ProjectController()
{
    cancelImport();
    closeProject();
}

namespace {

// The URI with a password added as a parameter (percent-encoded): libpq reads it from there, and
// the Project keeps it in memory only.
std::string withPassword(const std::string &uri, const QString &password)
{
    const std::string encoded = QUrl::toPercentEncoding(password).toStdString();
    return uri + (uri.find('?') == std::string::npos ? "?" : "&") + "password=" + encoded;
}

} // namespace

void ProjectController::openServerProject(const QString &uri, bool create)
{
    const QString title = create ? tr("New Team Project") : tr("Open Team Project");
    std::string target = uri.toStdString();
    for (int attempt = 0;; ++attempt) {
        try {
            adoptProject(create ? Project::createOnServer(target)
                                : Project::openOnServer(target, Project::Mode::ReadWrite));
            startImageFetch();
            return;
        } catch (const PostgresError &e) {
            const QString message = QString::fromUtf8(e.what());
            if (!message.contains(QLatin1String("password")) || attempt >= 3) {
                m_window->showError(title, message);
                return;
            }
            bool ok = false;
            const QString password =
                m_window->askPassword(QString::fromStdString(redactedPostgresUri(target)), attempt > 0, &ok);
            if (!ok)
                return;
            target = withPassword(uri.toStdString(), password);
        } catch (const std::exception &e) {
            m_window->showError(title, QString::fromUtf8(e.what()));
            return;
        }
    }
}

void ProjectController::startImageFetch()
{
    if (!m_project || !m_project->isOnServer() || m_import)
        return;
    m_import = new FileJobRunner(fetchImagesJob(*m_project), this);
    connect(m_import, &FileJobRunner::progress, m_window, [this](qint64 done, qint64 total, const QString &text) {
        m_window->showFileJobProgress(tr("Fetching Images"), done, total, text);
    });
    connect(m_import, &FileJobRunner::finished, this, [this](const QString &summary, const QStringList &, bool ok) {
        if (m_import)
            m_import->deleteLater();
        m_import = nullptr;
        m_window->closeFileJobProgress();
        if (!ok) {
            m_window->showError(tr("Fetching Images"), summary);
            return;
        }
        m_window->showStatus(summary);
        if (m_images)
            m_images->reload();
        if (m_labeling)
            m_labeling->refreshQueue();
    });
    m_window->showFileJobProgress(tr("Fetching Images"), 0, 0, tr("Looking for images this computer has not seen…"));
    m_import->start();
}

void ProjectController::openProject(const QString &directory)
{
    if (Project::isServerUri(directory.toStdString())) {
        openServerProject(directory, false);
        return;
    }
    const std::filesystem::path dir = directory.toStdString();
    if (!Project::looksLikeProject(dir)) {
        m_window->showError(tr("Open Project"),
                            tr("“%1” is not an ActiveLabel project (no project.sqlite).")
                                .arg(QDir::toNativeSeparators(directory)));
        return;
    }
    try {
        adoptProject(Project::open(dir, Project::Mode::ReadWrite));
    } catch (const ProjectLockedError &locked) {
        // Another process is labelling: browsing read-only is still useful and risks nothing.
        try {
            adoptProject(Project::open(dir, Project::Mode::ReadOnly));
            m_window->showError(tr("Project In Use"),
                                tr("%1\n\nThe project is open read-only.").arg(QString::fromUtf8(locked.what())));
        } catch (const std::exception &e) {
            m_window->showError(tr("Open Project"), QString::fromUtf8(e.what()));
        }
    } catch (const std::exception &e) {
        m_window->showError(tr("Open Project"), QString::fromUtf8(e.what()));
    }
}

void ProjectController::newProject(const QString &directory)
{
    if (Project::isServerUri(directory.toStdString())) {
        openServerProject(directory, true);
        return;
    }
    try {
        adoptProject(Project::create(directory.toStdString()));
    } catch (const std::exception &e) {
        m_window->showError(tr("New Project"), QString::fromUtf8(e.what()));
    }
}

void ProjectController::adoptProject(std::unique_ptr<Project> project)
{
    cancelImport();
    closeProject();
    m_project = std::move(project);
    m_images = std::make_unique<ImageListModel>(*m_project);
    m_window->setImageModel(m_images.get());
    refreshSummary();
    if (m_project->isReadOnly()) {
        m_window->labelingView()->showEmpty(tr("This project is open read-only (another process is writing to it)."));
        return;
    }
    m_labeling = std::make_unique<LabelingController>(*m_project, m_window->labelingView());
    LabelingController *labeling = m_labeling.get();
    connect(m_window, &MainWindow::trainRequested, labeling, &LabelingController::trainNow);
    connect(m_window, &MainWindow::cancelTrainingRequested, labeling, &LabelingController::cancelTraining);
    connect(m_window->trainingPanel(), &TrainingPanel::settingsChanged, labeling,
            &LabelingController::setTrainingSettings);
    connect(labeling, &LabelingController::busy, m_window, &MainWindow::showWorkerBusy);
    connect(labeling, &LabelingController::idle, m_window, &MainWindow::showWorkerIdle);
    connect(labeling, &LabelingController::message, m_window, &MainWindow::showStatus);
    connect(labeling, &LabelingController::error, m_window, &MainWindow::showError);
    connect(labeling, &LabelingController::labelsChanged, this, &ProjectController::scheduleSummaryRefresh);
    connect(labeling, &LabelingController::modelChanged, this, &ProjectController::scheduleSummaryRefresh);
    // The panel starts on the project's current backbone: pressing Train must continue the model
    // the project has (a user's ResNet-18, say), not replace it with the panel's default.
    if (const auto latest = ModelVersionRepository(m_project->database()).latest()) {
        TrainingSettings settings = m_window->trainingPanel()->settings();
        settings.backbone = latest->backbone;
        m_window->trainingPanel()->setSettings(settings);
    }
    labeling->setTrainingSettings(m_window->trainingPanel()->settings());
    m_panels = std::make_unique<PanelsController>(*m_project, m_window, labeling);
    m_bulk = std::make_unique<BulkReviewController>(*m_project, m_window, labeling);
    m_poolMap = std::make_unique<PoolMapController>(*m_project, m_window, labeling);
    m_lookalikes = std::make_unique<LookalikesController>(*m_project, m_window, labeling, m_panels->reviewPanel());
    m_window->setUndoStack(labeling->undoStack());
    m_window->tabs()->setCurrentIndex(0);
    labeling->start();
    if (m_project->isOnServer())
        m_followTimer.start(); // the team's trainer publishes versions: the queue follows them
    m_window->labelingView()->setFocus();
}

void ProjectController::scheduleSummaryRefresh()
{
    // The counts are shown on the Browse page: while the annotator labels on another page,
    // recounting (a few queries over the whole project, on the UI thread) waits until it is
    // shown. Labels arrive several a second: recount at most twice a second.
    if (!summaryShown()) {
        m_summaryStale = true;
        return;
    }
    if (!m_summaryTimer.isActive())
        m_summaryTimer.start();
}

bool ProjectController::summaryShown() const
{
    QWidget *page = m_window->tabs()->currentWidget();
    return page && page->isAncestorOf(m_window->imageBrowser());
}

void ProjectController::closeProject()
{
    if (!m_project)
        return;
    m_window->closeProjectView();
    m_followTimer.stop();
    m_lookalikes.reset();
    m_bulk.reset();
    m_poolMap.reset();
    m_panels.reset();
    m_labeling.reset(); // waits for pending label commits and stops training first
    m_images.reset();
    m_project.reset();
}

void ProjectController::refreshSummary()
{
    if (!m_project)
        return;
    m_summaryStale = false;
    try {
        const ProjectStatus status = readProjectStatus(*m_project);
        ProjectSummary summary;
        if (m_project->isOnServer()) {
            summary.projectPath = summary.name = QString::fromStdString(m_project->name());
        } else {
            summary.projectPath = QString::fromStdString(m_project->directory().string());
            summary.name = QDir(summary.projectPath).dirName();
        }
        summary.imagesTotal = status.imagesTotal;
        summary.unlabelled = status.unlabelled;
        summary.labelled = status.labelled;
        summary.test = status.test;
        summary.rejectedFiles = status.rejectedFiles;
        summary.classes = status.classes;
        if (status.modelVersion)
            summary.modelVersion = *status.modelVersion;
        summary.readOnly = m_project->isReadOnly();
        m_window->showProject(summary);
    } catch (const std::exception &e) {
        m_window->showError(tr("Project"), QString::fromUtf8(e.what()));
    }
}

} // namespace activelabel

namespace activelabel {

void ProjectController::startImport(const ImportRequest &request)
{
    if (!m_project || m_project->isReadOnly()) {
        m_window->showError(tr("Import"), tr("Open a project you can write to first."));
        return;
    }
    if (m_import) {
        m_window->showError(tr("Import"), tr("An import is already running."));
        return;
    }
    if (m_window->fileJobRunning()) {
        m_window->showError(tr("Import"), tr("Wait until the export in progress has finished."));
        return;
    }
    m_import = new FileJobRunner(importJob(*m_project, request), this);
    connect(m_import, &FileJobRunner::progress, m_window, [this](qint64 done, qint64 total, const QString &text) {
        m_window->showFileJobProgress(tr("Importing"), done, total, text);
    });
    connect(m_import, &FileJobRunner::finished, this,
            [this](const QString &summary, const QStringList &problems, bool ok) {
                if (m_import)
                    m_import->deleteLater();
                m_import = nullptr;
                if (!ok) {
                    m_window->showImportFinished(QString(), {});
                    m_window->showError(tr("Import"), summary);
                } else {
                    m_window->showImportFinished(summary, problems);
                }
                if (m_images)
                    m_images->reload();
                if (m_labeling) {
                    m_labeling->reloadClasses();
                    m_labeling->refreshQueue();
                }
                refreshSummary();
            });
    m_window->showFileJobProgress(tr("Importing"), 0, 0, tr("Scanning…"));
    m_import->start();
}

void ProjectController::cancelImport()
{
    if (m_import)
        m_import->cancel();
}

} // namespace activelabel
