#include "app/gui/panelscontroller.h"

#include "app/agreement.h"
#include "app/gui/agreementdata.h"
#include "app/gui/filejobrunner.h"
#include "app/gui/labelingcontroller.h"
#include "app/gui/reviewmodel.h"
#include "app/metricsreport.h"
#include "storage/classrepository.h"
#include "storage/labelexporter.h"
#include "storage/labelreviewrepository.h"
#include "storage/metricrepository.h"
#include "storage/modelversionrepository.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "ui/mainwindow.h"
#include "ui/panels/agreementview.h"
#include "ui/panels/classmanagerdialog.h"
#include "ui/panels/exportdialog.h"
#include "ui/panels/metricspanel.h"
#include "ui/panels/modelversionsview.h"
#include "ui/panels/reviewpanel.h"

#include <QApplication>
#include <QDateTime>
#include <QTabWidget>
#include <QVBoxLayout>

#include <exception>
#include <memory>

namespace activelabel {

namespace {

QList<ClassRow> classRows(Database &db)
{
    ClassRepository classes(db);
    const auto counts = classes.labelCounts();
    QList<ClassRow> rows;
    for (const ClassInfo &info : classes.list()) {
        ClassRow row;
        row.id = info.id;
        row.name = info.name;
        row.hotkey = info.hotkey;
        row.colour = QColor(info.colour);
        for (const auto &[id, n] : counts)
            if (id == info.id)
                row.count = n;
        rows << row;
    }
    return rows;
}

} // namespace

PanelsController::PanelsController(Project &project, MainWindow *window, LabelingController *labeling)
    : QObject(window), m_project(project), m_window(window), m_labeling(labeling)
{
    m_metrics = new MetricsPanel;
    m_metrics->setObjectName(QStringLiteral("metricsPage"));
    window->addPage(m_metrics, tr("&Metrics"));

    m_versions = new ModelVersionsView;
    m_versions->setObjectName(QStringLiteral("versionsPage"));
    window->addPage(m_versions, tr("M&odels"));
    connect(m_versions, &ModelVersionsView::rollbackRequested, labeling, &LabelingController::rollback);

    m_review = new ReviewPanel;
    m_review->setObjectName(QStringLiteral("reviewPage"));
    window->addPage(m_review, tr("&Review"));
    m_labelled = std::make_unique<ReviewModel>(ReviewModel::Kind::Labelled);
    m_suspicious = std::make_unique<ReviewModel>(ReviewModel::Kind::Suspicious);
    m_review->setLabelledModel(m_labelled.get());
    m_review->setSuspiciousModel(m_suspicious.get());
    connect(m_review, &ReviewPanel::classFilterChanged, this, &PanelsController::refreshReview);
    connect(m_review, &ReviewPanel::relabelRequested, labeling, &LabelingController::relabel);
    connect(m_metrics->agreementView(), &AgreementView::settleRequested, this, &PanelsController::settle);
    connect(m_metrics->agreementView(), &AgreementView::settleByMajorityRequested, this,
            &PanelsController::settleByMajority);

    connect(window, &MainWindow::manageClassesRequested, this, &PanelsController::manageClasses);
    connect(window, &MainWindow::exportRequested, this, &PanelsController::showExportDialog);
    connect(window, &MainWindow::fileJobCancelRequested, this, [this] {
        if (m_export)
            m_export->cancel();
    });
    connect(labeling, &LabelingController::labelsChanged, this, &PanelsController::scheduleRefresh);
    connect(labeling, &LabelingController::modelChanged, this, &PanelsController::refresh);
    connect(labeling, &LabelingController::modelExported, this, [this](bool ok, const QString &message) {
        if (ok)
            m_window->showStatus(message);
        else
            m_window->showError(tr("Export"), message);
    });

    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(1500);
    connect(&m_refreshTimer, &QTimer::timeout, this, &PanelsController::refresh);
    connect(window->tabs(), &QTabWidget::currentChanged, this, &PanelsController::refreshShownPage);
    refresh();
}

PanelsController::~PanelsController()
{
    // The pages belong to the window's tab widget; take them out with the project.
    for (QWidget *page : {static_cast<QWidget *>(m_metrics), static_cast<QWidget *>(m_versions),
                          static_cast<QWidget *>(m_review)}) {
        const int index = m_window->tabs()->indexOf(page);
        if (index >= 0)
            m_window->tabs()->removeTab(index);
        delete page;
    }
}

void PanelsController::scheduleRefresh()
{
    if (!m_refreshTimer.isActive())
        m_refreshTimer.start();
}

void PanelsController::refresh()
{
    // Only the page in front of the user is recomputed. Reading metrics, predictions and labels
    // and laying out charts costs the UI thread tens of milliseconds on a large project: done
    // for hidden pages on every label, it would cost the labelling view frames. Hidden pages
    // catch up when shown.
    m_metricsStale = m_versionsStale = m_reviewStale = true;
    refreshShownPage();
}

void PanelsController::refreshShownPage()
{
    QWidget *shown = m_window->tabs()->currentWidget();
    try {
        if (shown == m_metrics && m_metricsStale) {
            refreshMetrics();
            m_metricsStale = false;
        } else if (shown == m_versions && m_versionsStale) {
            refreshVersions();
            m_versionsStale = false;
        } else if (shown == m_review && m_reviewStale) {
            refreshReview();
            m_reviewStale = false;
        }
    } catch (const std::exception &e) {
        m_window->showStatus(tr("Could not refresh the charts: %1").arg(QString::fromUtf8(e.what())));
    }
}

void PanelsController::refreshMetrics()
{
    const MetricsReport report = MetricsReport::read(m_project, m_project.database());
    m_metrics->setAccuracy(report.accuracy);
    m_metrics->setRounds(report.rounds);
    m_metrics->setPerClassAccuracy(report.perClassAccuracy);
    m_metrics->setClassBalance(report.classBalance);
    m_metrics->setConfusion(report.confusion);
    m_metrics->setThroughput(report.throughput);
    m_metrics->setAgreement(readAgreementData(m_project.database()));
}

namespace {

QString reviewerName()
{
    return qEnvironmentVariable("USER", QStringLiteral("annotator"));
}

} // namespace

void PanelsController::settle(qint64 imageId, int classPosition)
{
    const AgreementData &shown = m_metrics->agreementView()->agreement();
    if (classPosition < 0 || classPosition >= shown.classes.size())
        return;
    try {
        Database &db = m_project.database();
        const auto cls = ClassRepository(db).find(shown.classes[classPosition]);
        if (!cls)
            return; // renamed or retired meanwhile: the refresh below shows the classes as they are
        LabelReviewRepository(db).settle(imageId, cls->id, reviewerName());
        m_window->showStatus(tr("Image %1 settled as %2 ✓").arg(imageId).arg(cls->name));
    } catch (const std::exception &e) {
        m_window->showError(tr("Settle"), tr("The settlement was not saved: %1").arg(QString::fromUtf8(e.what())));
    }
    m_metricsStale = true;
    refreshShownPage();
}

void PanelsController::settleByMajority()
{
    try {
        Database &db = m_project.database();
        LabelReviewRepository reviews(db);
        int settled = 0;
        for (const ReviewItem &item : readReviewQueue(db)) {
            if (item.majorityClass) {
                reviews.settle(item.imageId, *item.majorityClass, reviewerName());
                ++settled;
            }
        }
        m_window->showStatus(tr("%n image(s) settled by majority ✓", nullptr, settled));
    } catch (const std::exception &e) {
        m_window->showError(tr("Settle"), tr("Settling stopped: %1").arg(QString::fromUtf8(e.what())));
    }
    m_metricsStale = true;
    refreshShownPage();
}

void PanelsController::refreshVersions()
{
    Database &db = m_project.database();
    const auto versions = ModelVersionRepository(db).list();
    MetricRepository metrics(db);
    QList<ModelVersionRow> rows;
    for (const ModelVersion &v : versions) {
        ModelVersionRow row;
        row.version = v.id;
        row.created = QDateTime::fromMSecsSinceEpoch(v.createdAt);
        row.backbone = v.backbone;
        row.transferMode = v.transfer;
        row.labels = int(v.labelsUsed);
        row.current = &v == &versions.back();
        for (const Metric &m : metrics.forModelVersion(v.id)) {
            if (m.name == QLatin1String("accuracy") && m.split == QLatin1String("heldout"))
                row.heldOutAccuracy = m.value;
            if (m.name == QLatin1String("accuracy") && m.split == QLatin1String("test"))
                row.testAccuracy = m.value;
        }
        rows << row;
    }
    m_versions->setVersions(rows);
}

void PanelsController::refreshReview()
{
    m_review->setClasses(classRows(m_project.database()));
    m_labelled->reload(m_project, m_project.database(), m_review->classFilter());
    m_suspicious->reload(m_project, m_project.database());
}

void PanelsController::manageClasses()
{
    ClassManagerDialog dialog(m_window);
    Database &db = m_project.database();
    const QString annotator = qEnvironmentVariable("USER", QStringLiteral("annotator"));
    // Each request runs in storage's own transaction; the dialog is refreshed from storage after
    // it succeeds, so it never shows a change that was not saved.
    auto apply = [&](const std::function<void(ClassRepository &)> &change) {
        try {
            ClassRepository repo(db);
            change(repo);
        } catch (const std::exception &e) {
            m_window->showError(tr("Classes"), QString::fromUtf8(e.what()));
        }
        dialog.setClasses(classRows(db));
        classesChanged();
    };
    connect(&dialog, &ClassManagerDialog::addRequested, this,
            [&](const QString &name) { apply([&](ClassRepository &r) { r.add(name); }); });
    connect(&dialog, &ClassManagerDialog::renameRequested, this, [&](qint64 id, const QString &name) {
        apply([&](ClassRepository &r) { r.rename(id, name); });
    });
    connect(&dialog, &ClassManagerDialog::mergeRequested, this, [&](qint64 from, qint64 into) {
        apply([&](ClassRepository &r) { r.merge(from, into, annotator); });
    });
    connect(&dialog, &ClassManagerDialog::deleteRequested, this,
            [&](qint64 id) { apply([&](ClassRepository &r) { r.retire(id, annotator); }); });
    connect(&dialog, &ClassManagerDialog::moveRequested, this,
            [&](qint64 id, int position) { apply([&](ClassRepository &r) { r.move(id, position); }); });
    connect(&dialog, &ClassManagerDialog::hotkeyRequested, this, [&](qint64 id, const QString &key) {
        apply([&](ClassRepository &r) { r.setHotkey(id, key); });
    });
    connect(&dialog, &ClassManagerDialog::colourRequested, this, [&](qint64 id, const QColor &colour) {
        apply([&](ClassRepository &r) { r.setColour(id, colour.name()); });
    });
    dialog.setClasses(classRows(db));
    dialog.exec();
}

void PanelsController::classesChanged()
{
    m_labeling->reloadClasses();
    m_labeling->refreshQueue(); // predictions in the queue follow the new class order and names
    refresh();
}

void PanelsController::showExportDialog()
{
    ExportDialog dialog(m_window);
    dialog.setDefaultDirectory(QString::fromStdString(m_project.exportsDir().string()));
    connect(&dialog, &ExportDialog::exportRequested, this, &PanelsController::exportNow);
    dialog.exec();
}

void PanelsController::exportNow(const ExportRequest &request)
{
    try {
        QString done;
        switch (request.kind) {
        case ExportRequest::Kind::Model:
        case ExportRequest::Kind::OnnxModel:
            // The worker owns the live model; it answers through modelExported.
            m_labeling->exportModel(request.path, request.kind == ExportRequest::Kind::OnnxModel
                                                      ? ModelExportFormat::Onnx
                                                      : ModelExportFormat::TorchScript);
            m_window->showStatus(tr("Exporting the model to %1…").arg(request.path));
            return;
        case ExportRequest::Kind::Labels: {
            const std::filesystem::path out = request.path.toStdString();
            const std::size_t n = request.labelFormat == ExportRequest::LabelFormat::Json
                                      ? LabelExporter::writeJson(m_project, out)
                                      : LabelExporter::writeCsv(m_project, out);
            done = tr("Exported %1 labels to %2").arg(n).arg(request.path);
            break;
        }
        case ExportRequest::Kind::ImageFolder:
            startImageFolderExport(request);
            return;
        case ExportRequest::Kind::Metrics: {
            refreshMetrics(); // the plots are saved from the page: bring it up to date first
            const MetricsReport report = MetricsReport::read(m_project, m_project.database());
            QStringList files = report.writeCsv(request.path);
            QString error;
            files << m_metrics->savePlots(request.path, &error);
            if (!error.isEmpty())
                throw std::runtime_error(error.toStdString());
            done = tr("Exported %1 metric files to %2").arg(files.size()).arg(request.path);
            break;
        }
        }
        m_window->showStatus(done);
    } catch (const std::exception &e) {
        m_window->showError(tr("Export"), QString::fromUtf8(e.what()));
    }
}

void PanelsController::startImageFolderExport(const ExportRequest &request)
{
    if (m_window->fileJobRunning()) {
        m_window->showError(tr("Export"), tr("Wait until the import or export in progress has finished."));
        return;
    }
    // The plan reads the labels on this thread's connection; the copying needs no database.
    auto plan = std::make_shared<const ImageFolderPlan>(LabelExporter::planImageFolder(m_project));
    const std::filesystem::path dir = request.path.toStdString();
    const bool symlinks = request.symlinks;
    const QString shownDir = request.path;
    m_export = new FileJobRunner(
        [plan, dir, symlinks, shownDir, cache = m_project.imageCache()](const ImportProgressCallback &progress) {
            const std::size_t n = LabelExporter::writePlannedFiles(*plan, dir, symlinks, progress, cache.get());
            if (n < plan->files.size())
                return FileJobRunner::Outcome{
                    tr("Export cancelled: %1 of %2 labelled images written to %3").arg(n).arg(plan->files.size()).arg(shownDir),
                    {}, true};
            return FileJobRunner::Outcome{tr("Exported %1 labelled images to %2").arg(n).arg(shownDir), {}, true};
        },
        this);
    connect(m_export, &FileJobRunner::progress, m_window, [this](qint64 done, qint64 total, const QString &text) {
        m_window->showFileJobProgress(tr("Exporting"), done, total, text);
    });
    connect(m_export, &FileJobRunner::finished, this, [this](const QString &summary, const QStringList &, bool ok) {
        if (m_export)
            m_export->deleteLater();
        m_export = nullptr;
        m_window->closeFileJobProgress();
        if (ok)
            m_window->showStatus(summary);
        else
            m_window->showError(tr("Export"), summary);
    });
    m_window->showFileJobProgress(tr("Exporting"), 0, qint64(plan->files.size()),
                                  tr("Exporting: 0 of %1 files").arg(plan->files.size()));
    m_export->start();
}

} // namespace activelabel
