#include "app/gui/lookalikescontroller.h"

#include "app/gui/imagelistmodel.h"
#include "app/gui/labelingcontroller.h"
#include "app/gui/thumbnailloader.h"
#include "storage/imageflagrepository.h"
#include "storage/imagerepository.h"
#include "storage/labelrepository.h"
#include "storage/modelversionrepository.h"
#include "storage/predictionstore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "ui/imagebrowser.h"
#include "ui/labelingview.h"
#include "ui/lookalikespage.h"
#include "ui/mainwindow.h"
#include "ui/panels/reviewpanel.h"

#include <QTabWidget>

namespace activelabel {

namespace {
constexpr int kThumbnail = 112;
} // namespace

LookalikesController::LookalikesController(Project &project, MainWindow *window,
                                           LabelingController *labeling, ReviewPanel *review)
    : QObject(window), m_project(project), m_window(window), m_labeling(labeling),
      m_loader(new ThumbnailLoader(this))
{
    m_page = new LookalikesPage;
    window->addPage(m_page, tr("Look-&alikes"));
    m_loader->setCacheDirectory(thumbnailCacheDirectory(project));
    m_loader->setImageCache(project.imageCache());
    connect(m_loader, &ThumbnailLoader::ready, this,
            [this](qint64 imageId, const QImage &thumbnail) {
                m_page->setTileImage(imageId, thumbnail);
                if (imageId == m_queryId)
                    m_page->showQuery(m_queryId, thumbnail, QString());
            });

    connect(window->labelingView(), &LabelingView::findSimilarRequested, this, [this] {
        if (const qint64 id = m_window->labelingView()->currentImageId())
            findSimilar(id);
    });
    connect(window->imageBrowser(), &ImageBrowser::findSimilarRequested, this,
            &LookalikesController::findSimilar);
    if (review)
        connect(review, &ReviewPanel::findSimilarRequested, this,
                &LookalikesController::findSimilar);
    connect(m_page, &LookalikesPage::acceptRequested, this, &LookalikesController::accept);
    connect(m_page, &LookalikesPage::backRequested, this, &LookalikesController::back);
    connect(labeling->lookalikes(), &LookalikeIndexer::indexChanged, this, [this] {
        // A page that waited for the index fills in; one on show keeps its tiles (the annotator
        // is looking at them) until it is asked again.
        if (m_waitingForIndex && m_queryId)
            showLookalikes();
    });
    connect(labeling->lookalikes(), &LookalikeIndexer::progress, this, [this](int done, int total) {
        if (m_waitingForIndex)
            m_page->showMessage(
                tr("Building the look-alike index for the new model: %1 of %2 images…")
                    .arg(done)
                    .arg(total));
    });
    // Once a page is committed (or failed), storage says whether its images are labelled.
    auto settled = [this](qint64 ticket) {
        for (qint64 id : m_pendingPages.take(ticket))
            m_labelledHere.remove(id);
    };
    connect(labeling, &LabelingController::pageSaved, this,
            [settled](qint64 ticket, int, bool) { settled(ticket); });
    connect(labeling, &LabelingController::pageFailed, this,
            [settled](qint64 ticket, const QString &) { settled(ticket); });
    reloadClasses();
    m_page->showMessage(
        tr("Press L on an image (labelling, browse or review page) to see its look-alikes here."));
}

LookalikesController::~LookalikesController()
{
    const int index = m_window->tabs()->indexOf(m_page);
    if (index >= 0)
        m_window->tabs()->removeTab(index);
    delete m_page;
}

void LookalikesController::reloadClasses()
{
    ClassRepository classes(m_project.database());
    m_classes = classes.list();
    QList<ClassRow> rows;
    for (const ClassInfo &info : m_classes) {
        ClassRow row;
        row.id = info.id;
        row.name = info.name;
        row.hotkey = info.hotkey;
        row.colour = QColor(info.colour);
        rows << row;
    }
    m_page->setClasses(rows);
}

void LookalikesController::findSimilar(qint64 imageId)
{
    if (imageId <= 0)
        return;
    const int current = m_window->tabs()->currentIndex();
    if (m_window->tabs()->widget(current) != m_page)
        m_returnTab = current;
    m_queryId = imageId;
    reloadClasses();
    m_window->tabs()->setCurrentWidget(m_page);
    showLookalikes();
    m_page->setFocus();
}

void LookalikesController::showLookalikes()
{
    Database &db = m_project.database();
    m_waitingForIndex = false;
    const auto image = ImageRepository(db).get(m_queryId);
    if (!image) {
        m_page->showQuery(m_queryId, {}, tr("Image #%1 is not in this project.").arg(m_queryId));
        m_page->showMessage(QString());
        return;
    }
    m_loader->request(m_queryId, m_project.resolve(image->path), kThumbnail);

    // What the model and the annotator say about the image: its label, else its prediction.
    if (!m_predictions)
        m_predictions = m_project.openPredictions();
    PredictionStore predictions(*m_predictions);
    const std::optional<std::int64_t> run = predictions.latestCompleteRun();
    auto positionOf = [this](std::int64_t classId) {
        for (std::size_t i = 0; i < m_classes.size(); ++i)
            if (m_classes[i].id == classId)
                return int(i);
        return -1;
    };
    auto className = [this](int position) {
        return position >= 0 && position < int(m_classes.size())
                   ? m_classes[std::size_t(position)].name
                   : tr("class %1").arg(position);
    };
    LabelRepository labels(db);
    const std::optional<Label> label = labels.get(m_queryId);
    const std::optional<StoredPrediction> predicted =
        run ? predictions.get(*run, m_queryId) : std::nullopt;
    QString about;
    int target = -1;
    if (label) {
        target = positionOf(label->classId);
        about = tr("labelled %1").arg(className(target));
    } else if (predicted) {
        target = predicted->predictedClass;
        about =
            tr("predicted %1, %2%").arg(className(target)).arg(qRound(predicted->confidence * 100));
    } else {
        about = tr("unlabelled");
    }
    m_page->setTargetClass(target);

    const std::shared_ptr<const LookalikeIndex> index = m_labeling->lookalikes()->current();
    const QString title = tr("Look-alikes of image #%1 (%2)").arg(m_queryId).arg(about);
    if (!index) {
        m_page->showQuery(m_queryId, {}, title);
        if (m_labeling->lookalikes()->isBuilding()) {
            m_waitingForIndex = true;
            m_page->showMessage(tr("Building the look-alike index for the new model…"));
        } else if (!ModelVersionRepository(db).latest()) {
            m_page->showMessage(
                tr("No model yet: look-alikes are the images a trained model sees as similar. "
                   "Label a few images and train a round (T), then ask again."));
        } else {
            m_waitingForIndex = true;
            const QString failure = m_labeling->lookalikes()->lastError();
            m_page->showMessage(
                failure.isEmpty()
                    ? tr("The model has no embeddings of the pool yet: they are kept from the next "
                         "training round on (train a round with T).")
                    : tr("The look-alike index could not be built: %1").arg(failure));
        }
        return;
    }
    if (!index->contains(m_queryId)) {
        m_page->showQuery(m_queryId, {}, title);
        m_page->showMessage(
            image->split == Split::Test
                ? tr("Image #%1 is a test image: look-alikes are searched among pool images by "
                     "their own embeddings.")
                      .arg(m_queryId)
                : tr("Image #%1 has no embedding in model v%2 (imported since that round, or it "
                     "could not be read): it gets one at the next round.")
                      .arg(m_queryId)
                      .arg(index->modelVersion()));
        return;
    }

    // Unlabelled pool images only: the page is for labelling (labelled ones are on the review
    // page).
    ImageFlagRepository flags(db);
    // The image in front of the annotator and the audit draws waiting in the queue are labelled
    // one by one (an audit label is the unbiased accuracy sample), as on the bulk review page.
    const QSet<qint64> keptFromPages = m_labeling->imagesKeptFromPages();
    const int pageSize = m_page->grid()->pageSize();
    const std::vector<LookalikeImage> similar =
        index->similarTo(m_queryId, std::size_t(pageSize), [&](std::int64_t id) {
            return m_labelledHere.contains(id) || keptFromPages.contains(id) ||
                   labels.get(id).has_value() || flags.get(id) == ImageFlag::Bad;
        });
    QList<Tile> tiles;
    for (const LookalikeImage &look : similar) {
        Tile tile;
        tile.imageId = look.imageId;
        if (run) {
            if (const auto p = predictions.get(*run, look.imageId))
                tile.badge =
                    tr("%1 %2%").arg(className(p->predictedClass)).arg(qRound(p->confidence * 100));
        }
        tile.toolTip =
            tr("Image #%1 · distance %2").arg(look.imageId).arg(double(look.distance), 0, 'f', 3);
        tiles << tile;
        if (const auto row = ImageRepository(db).get(look.imageId))
            m_loader->request(look.imageId, m_project.resolve(row->path), kThumbnail);
    }
    m_page->showQuery(m_queryId, {},
                      tr("%1: its %n nearest unlabelled pool images in model v%2's embedding "
                         "space, nearest first",
                         nullptr, int(tiles.size()))
                          .arg(title)
                          .arg(index->modelVersion()));
    m_page->setTiles(tiles);
}

void LookalikesController::accept(int classPosition)
{
    if (classPosition < 0 || classPosition >= int(m_classes.size()))
        return;
    const QList<qint64> ids = m_page->grid()->tickedIds();
    if (ids.isEmpty())
        return;
    const qint64 ticket = m_labeling->acceptPage(ids, classPosition);
    if (ticket == 0)
        return;
    for (qint64 id : ids)
        m_labelledHere.insert(id);
    m_pendingPages.insert(ticket, ids);
    // The next look-alikes of the same image: the ones just labelled are skipped from now on.
    showLookalikes();
}

void LookalikesController::back()
{
    m_window->tabs()->setCurrentIndex(m_returnTab);
}

} // namespace activelabel
