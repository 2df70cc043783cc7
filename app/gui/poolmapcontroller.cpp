#include "app/gui/poolmapcontroller.h"

#include "app/gui/imagelistmodel.h"
#include "app/gui/labelingcontroller.h"
#include "app/gui/thumbnailloader.h"
#include "model/modelerror.h"
#include "storage/classrepository.h"
#include "storage/imagerepository.h"
#include "storage/project.h"
#include "ui/mainwindow.h"
#include "ui/poolmappage.h"
#include "ui/tilegrid.h"

#include <QLocale>
#include <QTabWidget>
#include <QThread>
#include <QSet>

#include <algorithm>
#include <exception>
#include <unordered_map>

namespace activelabel {

namespace {
constexpr int kThumbnailSize = 96;
const char *const kStageNames[] = {
    QT_TRANSLATE_NOOP("PoolMapController", "Map: indexing embeddings"),
    QT_TRANSLATE_NOOP("PoolMapController", "Map: nearest neighbours"),
    QT_TRANSLATE_NOOP("PoolMapController", "Map: t-SNE")};
const char *const kStageUnits[] = {QT_TRANSLATE_NOOP("PoolMapController", "images"),
                                   QT_TRANSLATE_NOOP("PoolMapController", "images"),
                                   QT_TRANSLATE_NOOP("PoolMapController", "steps")};
// The share of the whole computation before each stage, and each stage's share (measured at
// 20,000 images: the index and the graph take about a tenth each).
constexpr double kStageStart[] = {0.0, 0.1, 0.2};
constexpr double kStageShare[] = {0.1, 0.1, 0.8};
} // namespace

PoolMapController::PoolMapController(Project &project, MainWindow *window,
                                     LabelingController *labeling)
    : QObject(window), m_project(project), m_window(window), m_labeling(labeling),
      m_thumbnails(std::make_unique<ThumbnailLoader>())
{
    m_page = new PoolMapPage;
    m_page->setObjectName(QStringLiteral("mapPage"));
    window->addPage(m_page, tr("M&ap"));
    m_thumbnails->setCacheDirectory(thumbnailCacheDirectory(project)); // the Browse page's cache
    m_thumbnails->setImageCache(project.imageCache());

    connect(m_page, &PoolMapPage::recomputeRequested, this, &PoolMapController::recompute);
    connect(m_page, &PoolMapPage::cancelRequested, this, &PoolMapController::cancel);
    connect(m_page, &PoolMapPage::labelSelectionRequested, this,
            &PoolMapController::labelSelection);
    connect(m_page, &PoolMapPage::openSelectionRequested, this, &PoolMapController::openSelection);
    connect(m_page, &PoolMapPage::gridPageShown, this, &PoolMapController::requestGridThumbnails);
    connect(m_page, &PoolMapPage::thumbnailRequested, this, [this](qint64 imageId) {
        try {
            if (const auto image = ImageRepository(m_project.database()).get(imageId))
                m_thumbnails->request(imageId, m_project.resolve(image->path), kThumbnailSize);
        } catch (const std::exception &) {
            // No thumbnail: the dot is still there.
        }
    });
    connect(m_thumbnails.get(), &ThumbnailLoader::ready, this,
            [this](qint64 imageId, const QImage &image) {
                m_page->view()->setThumbnail(imageId, image);
                m_page->grid()->setTileImage(imageId, image);
            });
    connect(m_page->grid(), &TileGrid::accepted, this, [this] {
        const QList<qint64> ticked = m_page->grid()->tickedIds();
        const int classPosition = m_page->gridClass();
        if (!ticked.isEmpty() && classPosition >= 0)
            labelSelection(ticked, classPosition);
        m_page->showNextGridPage();
    });
    connect(m_page, &PoolMapPage::labelGridRequested, this,
            [this](const QList<qint64> &ids, int classPosition) {
                labelSelection(ids, classPosition);
                m_page->showNextGridPage();
            });

    // Labels change several times a second while labelling: recolour at most every 1.5 s, and
    // only while the page is shown.
    m_colourTimer.setSingleShot(true);
    m_colourTimer.setInterval(1500);
    connect(&m_colourTimer, &QTimer::timeout, this, [this] {
        if (!pageShown() || isComputing() || m_mapVersion == 0) {
            m_coloursStale = true;
            return;
        }
        PoolMapRequest request;
        request.mode = PoolMapRequest::Mode::Colours;
        request.ids = m_page->view()->points().imageIds;
        start(request);
    });
    connect(labeling, &LabelingController::labelsChanged, this, [this] { m_colourTimer.start(); });
    connect(labeling, &LabelingController::modelChanged, this, [this] {
        m_modelStale = true;
        if (pageShown())
            refresh();
    });
    connect(window->tabs(), &QTabWidget::currentChanged, this, [this] {
        if (pageShown())
            refresh();
    });
    updateStatus();
}

PoolMapController::~PoolMapController()
{
    if (m_thread) {
        m_cancel = true;
        m_thread->wait();
        delete m_thread;
    }
    // The job thread's last touch of this object is inside the mailboxes' locks: taking them
    // orders it before the members go (QThread::wait's own ordering is invisible to TSan).
    m_jobProgress.clear();
    m_jobOutcome.clear();
    const int index = m_window->tabs()->indexOf(m_page);
    if (index >= 0)
        m_window->tabs()->removeTab(index);
    delete m_page;
}

bool PoolMapController::pageShown() const
{
    return m_window->tabs()->currentWidget() == m_page;
}

void PoolMapController::refresh()
{
    if (isComputing()) {
        m_pendingRefresh = true;
        return;
    }
    QList<ClassRow> rows;
    for (const ClassInfo &info : ClassRepository(m_project.database()).list())
        rows.append({info.id, info.name, info.hotkey, QColor(info.colour), 0});
    m_page->setClasses(rows);
    PoolMapRequest request;
    if (m_modelStale || m_mapVersion == 0) {
        // A computation starts on its own only where it is cheap, or where there is no map at all.
        const bool small = m_page->view()->points().size() <= kAutoRecomputeImages;
        request.mode = (m_mapVersion == 0 || small) ? PoolMapRequest::Mode::CachedOrCompute
                                                    : PoolMapRequest::Mode::CachedOrNone;
    } else if (m_coloursStale) {
        request.mode = PoolMapRequest::Mode::Colours;
        request.ids = m_page->view()->points().imageIds;
    } else {
        return; // up to date
    }
    start(request);
}

void PoolMapController::recompute()
{
    if (isComputing())
        return;
    std::error_code ec;
    if (m_newestEmbeddings > 0)
        std::filesystem::remove(poolMapFile(m_project.directory(), m_newestEmbeddings), ec);
    PoolMapRequest request;
    request.mode = PoolMapRequest::Mode::CachedOrCompute;
    start(request);
}

void PoolMapController::cancel()
{
    m_cancel = true;
}

void PoolMapController::start(PoolMapRequest request)
{
    m_cancel = false;
    m_stage = -1;
    m_coloursStale = false;
    if (request.mode != PoolMapRequest::Mode::Colours)
        m_modelStale = false;
    request.threads = std::max(1, QThread::idealThreadCount());
    const Project *project = &m_project;
    m_thread = QThread::create([this, project, request] {
        JobOutcome outcome;
        try {
            outcome.result = runPoolMapJob(
                *project, request,
                [this](int stage, double done, double total) {
                    m_jobProgress.postOrReplaceNewest(
                        {stage, done, total}, [](const JobProgress &) { return true; },
                        [this] { QMetaObject::invokeMethod(this, "deliverProgress", Qt::QueuedConnection); });
                },
                &m_cancel);
        } catch (const Cancelled &) {
            outcome.cancelled = true;
        } catch (const ModelError &e) {
            outcome.error = e.message();
        } catch (const std::exception &e) {
            outcome.error = QString::fromUtf8(e.what());
        }
        m_jobOutcome.post(std::move(outcome), [this] {
            QMetaObject::invokeMethod(this, "deliverFinished", Qt::QueuedConnection);
        });
    });
    m_thread->start(QThread::LowPriority);
}

void PoolMapController::deliverProgress()
{
    if (const auto p = m_jobProgress.take())
        showProgress(p->stage, p->done, p->total);
}

void PoolMapController::deliverFinished()
{
    if (auto outcome = m_jobOutcome.take())
        finished(outcome->result, outcome->error, outcome->cancelled);
}

void PoolMapController::showProgress(int stage, double done, double total)
{
    if (!m_thread)
        return;
    if (stage != m_stage) {
        m_stage = stage;
        m_report.restart(tr(kStageNames[stage]), tr(kStageUnits[stage]));
    }
    m_report.update(done, total);
    const double fraction =
        kStageStart[stage] + kStageShare[stage] * (total > 0 ? done / total : 0);
    m_page->showProgress(m_report.text(), int(fraction * 1000));
}

void PoolMapController::finished(const PoolMapResult &result, const QString &error, bool cancelled)
{
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    m_page->hideProgress();
    PoolMapView *view = m_page->view();
    if (cancelled) {
        m_window->showStatus(tr("Map computation cancelled."));
        m_pendingRefresh = false;
    } else if (!error.isEmpty()) {
        m_window->showStatus(tr("Could not compute the map: %1").arg(error));
        m_page->setMapStatus(tr("Could not compute the map: %1").arg(error));
    } else if (result.points.xy.empty() && !result.points.imageIds.empty()) {
        // Colours of the map shown.
        if (result.points.imageIds == view->points().imageIds)
            view->setColouring(result.points.labels, result.points.predictions,
                               result.points.uncertainty);
    } else {
        m_newestEmbeddings = result.newestEmbeddings;
        if (result.modelVersion != 0 && result.modelVersion != m_mapVersion) {
            m_mapVersion = result.modelVersion;
            view->setPoints(result.points);
            if (result.computed)
                m_window->showStatus(tr("Map of %1 images computed in %2.")
                                         .arg(QLocale().toString(qlonglong(result.points.size())),
                                              ProgressReport::formatDuration(result.seconds)));
        }
    }
    updateStatus();
    Q_EMIT updated();
    if (m_pendingRefresh || m_coloursStale || m_modelStale) {
        m_pendingRefresh = false;
        if (pageShown())
            refresh();
    }
}

void PoolMapController::updateStatus()
{
    const QString images = QLocale().toString(qlonglong(m_page->view()->points().size()));
    if (m_mapVersion == 0 && m_newestEmbeddings == 0)
        m_page->setMapStatus(
            tr("No map yet: the map shows the model's embeddings of the pool, kept when a "
               "training round rescores it."));
    else if (m_mapVersion == 0)
        m_page->setMapStatus(tr("No map yet for model v%1.").arg(m_newestEmbeddings));
    else if (m_mapVersion < m_newestEmbeddings)
        m_page->setMapStatus(
            tr("Map of %1 images from model v%2; model v%3 is newer: Recompute to update.")
                .arg(images)
                .arg(m_mapVersion)
                .arg(m_newestEmbeddings));
    else
        m_page->setMapStatus(tr("Map of %1 images from model v%2.").arg(images).arg(m_mapVersion));
    m_page->setRecomputeEnabled(!isComputing() && m_newestEmbeddings > 0);
}

void PoolMapController::labelSelection(const QList<qint64> &imageIds, int classPosition)
{
    // The page path: one transaction, source bulk-accepted, one undo step. Audit draws and the
    // image in front of the annotator are labelled one by one only (the audit estimate is
    // unbiased only so), so they are left out of a selection.
    const QSet<qint64> kept = m_labeling->imagesKeptFromPages();
    QList<qint64> page;
    for (qint64 id : imageIds)
        if (!kept.contains(id))
            page << id;
    const qsizetype leftOut = imageIds.size() - page.size();
    if (!page.isEmpty())
        m_labeling->acceptPage(page, classPosition);
    QString status = tr("Labelled %n image(s) from the map.", nullptr, int(page.size()));
    if (leftOut > 0)
        status += QLatin1Char(' ') + tr("%n left for the Label page (audit draws and the image shown there).",
                                        nullptr, int(leftOut));
    m_window->showStatus(status);
    m_colourTimer.start();
}

void PoolMapController::openSelection(const QList<qint64> &imageIds)
{
    // The grid shows the selection, its tiles badged with the model's prediction; the class the
    // page is labelled as is the selection's most frequent prediction.
    const PoolMapPoints &points = m_page->view()->points();
    std::unordered_map<qint64, std::size_t> row;
    for (std::size_t i = 0; i < points.size(); ++i)
        row.emplace(points.imageIds[i], i);
    QList<Tile> tiles;
    std::vector<int> votes(64, 0);
    for (qint64 id : imageIds) {
        Tile tile;
        tile.imageId = id;
        const auto r = row.find(id);
        if (r != row.end()) {
            tile.classPosition = points.predictions[r->second];
            if (tile.classPosition >= 0 && tile.classPosition < int(votes.size()))
                ++votes[std::size_t(tile.classPosition)];
        }
        tiles << tile;
    }
    const int majority = int(std::max_element(votes.begin(), votes.end()) - votes.begin());
    m_page->showGrid(tiles, votes[std::size_t(majority)] > 0 ? majority : -1);
}

void PoolMapController::requestGridThumbnails()
{
    for (const Tile &tile : m_page->grid()->tiles())
        if (const auto image = ImageRepository(m_project.database()).get(tile.imageId))
            m_thumbnails->request(tile.imageId, m_project.resolve(image->path), kThumbnailSize);
}

} // namespace activelabel
