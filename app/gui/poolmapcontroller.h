#pragma once

#include "app/gui/poolmapjob.h"
#include "app/mailbox.h"
#include "app/progressreport.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <atomic>
#include <memory>

class QThread;

namespace activelabel {

class LabelingController;
class MainWindow;
class PoolMapPage;
class Project;
class ThumbnailLoader;

// The Map page of an open project: computes the pool map off the UI thread (progress with time
// left, Cancel), keeps its colours in step with labels and predictions, shows thumbnails on hover,
// and sends "label selection as…" through the labelling controller's page path (one transaction,
// source bulk-accepted, one undo; audit draws left out) and "open in grid" to the page's tile
// grid.
//
// When the map is recomputed: a map is computed once per model version and cached on disk
// (poolmapjob.h). Nothing is computed while the page is hidden: the annotator who never opens the
// map pays nothing, and a round does not wait for it. When the page is shown and a newer model's
// embeddings exist, the map is recomputed at once if the pool is small (up to
// kAutoRecomputeImages, about a minute on two cores); a larger pool keeps its current map and the
// page says a newer one can be computed (Recompute), since t-SNE on 100,000 images takes minutes
// (docs/benchmarks.md) and the clusters rarely move between consecutive rounds.
class PoolMapController : public QObject
{
    Q_OBJECT
public:
    static constexpr std::size_t kAutoRecomputeImages = 30000;

    PoolMapController(Project &project, MainWindow *window, LabelingController *labeling);
    ~PoolMapController() override;

    PoolMapPage *page() const { return m_page; }
    bool isComputing() const { return m_thread != nullptr; }

public Q_SLOTS:
    // What the page shows: the cached map, or a computation when due (see above).
    void refresh();
    void recompute();
    void cancel();

Q_SIGNALS:
    // A job finished (map shown, colours updated, or failed): for tests and screenshots.
    void updated();

private Q_SLOTS:
    // The job thread's wake-ups: take what it posted and show it (app/mailbox.h).
    void deliverProgress();
    void deliverFinished();

private:
    struct JobProgress
    {
        int stage = 0;
        double done = 0;
        double total = 0;
    };
    struct JobOutcome
    {
        PoolMapResult result;
        QString error;
        bool cancelled = false;
    };

    void start(PoolMapRequest request);
    void finished(const PoolMapResult &result, const QString &error, bool cancelled);
    void showProgress(int stage, double done, double total);
    void openSelection(const QList<qint64> &imageIds);
    void requestGridThumbnails();
    void labelSelection(const QList<qint64> &imageIds, int classPosition);
    bool pageShown() const;
    void updateStatus();

    Project &m_project;
    MainWindow *m_window;
    LabelingController *m_labeling;
    PoolMapPage *m_page = nullptr;
    std::unique_ptr<ThumbnailLoader> m_thumbnails;
    QThread *m_thread = nullptr;
    std::atomic<bool> m_cancel{false};
    Mailbox<JobProgress> m_jobProgress; // the newest reading only
    Mailbox<JobOutcome> m_jobOutcome;
    ProgressReport m_report;
    int m_stage = -1;
    std::int64_t m_mapVersion = 0;
    std::int64_t m_newestEmbeddings = 0;
    bool m_coloursStale = false;
    bool m_modelStale = true; // a newer model may have embeddings: look again
    bool m_pendingRefresh = false;
    QTimer m_colourTimer;
};

} // namespace activelabel
