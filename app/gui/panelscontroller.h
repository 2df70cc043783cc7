#pragma once

#include "ui/panels/exportrequest.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>

namespace activelabel {

class FileJobRunner;
class LabelingController;
class MainWindow;
class MetricsPanel;
class ModelVersionsView;
class Project;
class ReviewModel;
class ReviewPanel;

// The researcher-facing pages of an open project — live metrics, model versions with rollback,
// label review — plus class management and export. Reads storage on the UI thread (small
// queries, throttled to twice a second while labelling) and sends every change through the
// labelling controller or storage's own transactions.
class PanelsController : public QObject
{
    Q_OBJECT
public:
    PanelsController(Project &project, MainWindow *window, LabelingController *labeling);
    ~PanelsController() override;

    ReviewPanel *reviewPanel() const { return m_review; }

public Q_SLOTS:
    void scheduleRefresh();
    void refresh();
    void manageClasses();
    void showExportDialog();
    void exportNow(const activelabel::ExportRequest &request);
    // Settles a disagreement (the Agreement tab): the reviewer's label, in one transaction.
    void settle(qint64 imageId, int classPosition);
    void settleByMajority();

private:
    void refreshMetrics();
    void refreshVersions();
    void refreshReview();
    void refreshShownPage();
    void classesChanged();
    // Copies (or links) the labelled images on a FileJobRunner thread, with progress and cancel.
    void startImageFolderExport(const ExportRequest &request);

    Project &m_project;
    MainWindow *m_window;
    LabelingController *m_labeling;
    MetricsPanel *m_metrics = nullptr;
    ModelVersionsView *m_versions = nullptr;
    ReviewPanel *m_review = nullptr;
    std::unique_ptr<ReviewModel> m_labelled;
    std::unique_ptr<ReviewModel> m_suspicious;
    QPointer<FileJobRunner> m_export;
    QTimer m_refreshTimer;
    // Pages whose data changed while they were hidden; each catches up when it is shown.
    bool m_metricsStale = true;
    bool m_versionsStale = true;
    bool m_reviewStale = true;
};

} // namespace activelabel
