// The pool map on a real project (real Fashion-MNIST PNGs, real SQLite): the map job computes a
// map from the kept pool embeddings that keeps the classes apart, caches it per model version
// and reads it back without computing, reads each dot's label and prediction, and stops when
// cancelled; through the real window, the Map page shows it, labels a selection (one undo takes
// it all back) and labels the ticked tiles of "open in grid" with Enter.
#include "app/gui/labelingcontroller.h"
#include "app/gui/poolmapcontroller.h"
#include "app/gui/poolmapjob.h"
#include "app/gui/projectcontroller.h"
#include "app/poolembeddings.h"
#include "model/modelerror.h"
#include "storage/classrepository.h"
#include "storage/imageimporter.h"
#include "storage/imagerepository.h"
#include "storage/labelrepository.h"
#include "storage/predictionstore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "support/fashionmnist.h"
#include "ui/labelingview.h"
#include "ui/mainwindow.h"
#include "ui/poolmappage.h"
#include "ui/trainingpanel.h"

#include <QAction>
#include <QSet>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <random>
#include <set>

using namespace activelabel;
using namespace activelabel::testsupport;

namespace {

const QStringList kClasses = {QStringLiteral("Trouser"), QStringLiteral("Sneaker"),
                              QStringLiteral("Bag")};
constexpr int kPerClass = 30;

qint64 labelCount(const QString &projectDir)
{
    Database db(std::filesystem::path(projectDir.toStdString()) / "project.sqlite",
                Database::Access::ReadOnly);
    return LabelRepository(db).count();
}

std::optional<int> labelPosition(const QString &projectDir, qint64 imageId)
{
    Database db(std::filesystem::path(projectDir.toStdString()) / "project.sqlite",
                Database::Access::ReadOnly);
    const auto label = LabelRepository(db).get(imageId);
    if (!label)
        return std::nullopt;
    return ClassRepository(db).get(label->classId)->position;
}

} // namespace

class TestPoolMap : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void jobComputesCachesAndColours();
    void cancelStopsTheComputation();
    void mapPageLabelsASelection();

private:
    QTemporaryDir m_root;
    QString m_project;
    std::map<qint64, int> m_classOf; // image id -> true class position
    qint64 m_labelled = 0;           // the one image labelled before the map
};

void TestPoolMap::initTestCase()
{
    if (!hasFashionMnist())
        QSKIP("Fashion-MNIST (dataset-fashion-mnist) is not installed");
    QCoreApplication::setOrganizationName(QStringLiteral("ActiveLabelTests"));
    QStandardPaths::setTestModeEnabled(true);
    const QString tree = m_root.filePath(QStringLiteral("tree"));
    QVERIFY(writeFashionMnistClassTree(tree.toStdString(),
                                       {{1, "Trouser"}, {7, "Sneaker"}, {8, "Bag"}}, kPerClass));
    m_project = m_root.filePath(QStringLiteral("pool map"));
    auto project = Project::create(m_project.toStdString());
    Database &db = project->database();
    ClassRepository classes(db);
    for (const QString &name : kClasses)
        classes.add(name);
    QCOMPARE(ImageImporter(db, {}).importPaths({tree.toStdString()}, false).added,
             std::int64_t(3 * kPerClass));

    // The kept embeddings of "model v1": each class a cluster in 16-D (what a trained model's
    // penultimate features look like to the map), and its predictions: right but for one per class.
    std::vector<std::int64_t> ids;
    for (const ImageRecord &image : ImageRepository(db).list({}, 0, 1000)) {
        for (int c = 0; c < kClasses.size(); ++c)
            if (QString::fromStdString(image.path)
                    .contains(QStringLiteral("/%1/").arg(kClasses[c])))
                m_classOf[image.id] = c;
        ids.push_back(image.id);
    }
    QCOMPARE(m_classOf.size(), std::size_t(3 * kPerClass));
    std::mt19937 rng(3);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    FloatMatrix embeddings(ids.size(), 16);
    std::vector<StoredPrediction> predictions;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const int c = m_classOf[ids[i]];
        for (std::size_t d = 0; d < 16; ++d)
            embeddings.at(i, d) = noise(rng) + (d == std::size_t(c) ? 12.0f : 0.0f);
        StoredPrediction p;
        p.imageId = ids[i];
        p.predictedClass = i % kPerClass == 0 ? (c + 1) % 3 : c;
        p.confidence = 0.9f;
        p.uncertainty = float(i % 7) / 7;
        p.probabilities = {0.05f, 0.05f, 0.05f};
        p.probabilities[std::size_t(p.predictedClass)] = 0.9f;
        predictions.push_back(p);
    }
    QVERIFY(PoolEmbeddings(1, ids, embeddings).save(m_project.toStdString()));
    auto predictionsDb = project->openPredictions();
    PredictionStore store(*predictionsDb);
    store.beginRun(1, 3);
    store.write(1, predictions);
    store.finishRun(1);
    m_labelled = ids[5];
    LabelRepository(db).setLabel(m_labelled, classes.list()[2].id, LabelSource::Human,
                                 QStringLiteral("t"));
}

void TestPoolMap::jobComputesCachesAndColours()
{
    auto project = Project::open(m_project.toStdString(), Project::Mode::ReadWrite);
    PoolMapRequest request;
    request.iterations = 400;
    request.mode = PoolMapRequest::Mode::CachedOrNone;
    PoolMapResult none = runPoolMapJob(*project, request, {}, nullptr);
    QCOMPARE(none.newestEmbeddings, std::int64_t(1));
    QCOMPARE(none.modelVersion, std::int64_t(0)); // nothing cached, nothing computed

    request.mode = PoolMapRequest::Mode::CachedOrCompute;
    std::set<int> stages;
    const PoolMapResult computed = runPoolMapJob(
        *project, request, [&](int stage, double, double) { stages.insert(stage); }, nullptr);
    QVERIFY(computed.error.isEmpty());
    QVERIFY(computed.computed);
    QCOMPARE(computed.modelVersion, std::int64_t(1));
    QCOMPARE(stages, (std::set<int>{0, 1, 2}));
    const PoolMapPoints &points = computed.points;
    QCOMPARE(points.size(), std::size_t(3 * kPerClass));
    QCOMPARE(points.xy.size(), 2 * points.size());
    QVERIFY(std::filesystem::exists(poolMapFile(m_project.toStdString(), 1)));

    // The classes stay apart: every dot's nearest dot on the map is of its class.
    int same = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
        std::size_t best = i;
        float bestD = std::numeric_limits<float>::max();
        for (std::size_t j = 0; j < points.size(); ++j) {
            const float dx = points.xy[2 * i] - points.xy[2 * j],
                        dy = points.xy[2 * i + 1] - points.xy[2 * j + 1];
            if (j != i && dx * dx + dy * dy < bestD) {
                bestD = dx * dx + dy * dy;
                best = j;
            }
        }
        same += m_classOf[points.imageIds[i]] == m_classOf[points.imageIds[best]];
    }
    QCOMPARE(same, int(points.size()));
    // Colours: the label and the predictions as stored.
    for (std::size_t i = 0; i < points.size(); ++i) {
        const qint64 id = points.imageIds[i];
        QCOMPARE(points.labels[i], qint16(id == m_labelled ? 2 : -1));
        QVERIFY(points.predictions[i] >= 0);
        QVERIFY(!std::isnan(points.uncertainty[i]));
    }

    // The next time (the next session), from the cache: the same map, nothing computed.
    const PoolMapResult cached = runPoolMapJob(*project, request, {}, nullptr);
    QVERIFY(!cached.computed);
    QCOMPARE(cached.points.xy, points.xy);
    QCOMPARE(cached.points.imageIds, points.imageIds);
}

void TestPoolMap::cancelStopsTheComputation()
{
    auto project = Project::open(m_project.toStdString(), Project::Mode::ReadWrite);
    const std::filesystem::path cache = poolMapFile(m_project.toStdString(), 1);
    const std::filesystem::path kept = cache.string() + ".kept";
    std::filesystem::rename(cache, kept);
    std::atomic<bool> cancel{false};
    PoolMapRequest request;
    QVERIFY_THROWS_EXCEPTION(Cancelled, runPoolMapJob(
                                            *project, request,
                                            [&](int stage, double, double) {
                                                if (stage == 2)
                                                    cancel = true;
                                            },
                                            &cancel));
    QVERIFY(!std::filesystem::exists(cache)); // nothing half-written
    std::filesystem::rename(kept, cache);
}

void TestPoolMap::mapPageLabelsASelection()
{
    MainWindow window;
    ProjectController controller(&window);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    TrainingSettings settings = window.trainingPanel()->settings();
    settings.retrainEvery = 0; // no rounds: the map's labels are the test
    window.trainingPanel()->setSettings(settings);
    controller.openProject(m_project);
    auto *page = window.findChild<PoolMapPage *>(QStringLiteral("mapPage"));
    QVERIFY(page);
    window.tabs()->setCurrentWidget(page);
    PoolMapView *view = page->view();
    QTRY_COMPARE_WITH_TIMEOUT(view->points().size(), std::size_t(3 * kPerClass), 30000);

    // Select every dot and label them Sneaker: one page of labels (bulk-accepted), one undo
    // step; the image on the Label page and the audit draws are not labelled in bulk.
    view->selectRect(view->rect());
    QCOMPARE(view->selection().size(), std::size_t(3 * kPerClass));
    QTRY_VERIFY_WITH_TIMEOUT(window.labelingView()->currentImageId() != 0, 30000);
    const QSet<qint64> kept = controller.labeling()->imagesKeptFromPages();
    QVERIFY(kept.contains(window.labelingView()->currentImageId()));
    page->labelSelection(1);
    QTRY_COMPARE_WITH_TIMEOUT(labelCount(m_project), qint64(3 * kPerClass - kept.size()), 20000);
    for (qint64 id : kept)
        QVERIFY(!labelPosition(m_project, id));
    QCOMPARE(*labelPosition(m_project, m_labelled), 1);
    {
        Database db(std::filesystem::path(m_project.toStdString()) / "project.sqlite", Database::Access::ReadOnly);
        const auto label = LabelRepository(db).get(m_labelled);
        QCOMPARE(label->source, LabelSource::BulkAccepted);
    }
    // The dots take their new colour.
    QTRY_VERIFY_WITH_TIMEOUT(std::count(view->points().labels.begin(), view->points().labels.end(), qint16(1)) ==
                                 labelCount(m_project),
                             10000);
    // Edit > Undo, once.
    QAction *undo = nullptr;
    for (QAction *action : window.findChildren<QAction *>())
        if (action->shortcut() == QKeySequence(QKeySequence::Undo))
            undo = action;
    QVERIFY(undo && undo->isEnabled());
    undo->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(labelCount(m_project), qint64(1), 20000);
    QCOMPARE(*labelPosition(m_project, m_labelled), 2); // its own label back

    // Open in grid: the first page of the selection as tiles; untick one, Enter labels the rest
    // as the selection's most frequent prediction.
    QSignalSpy shown(page, &PoolMapPage::gridPageShown);
    page->openSelection();
    QVERIFY(page->gridShown());
    TileGrid *grid = page->grid();
    QCOMPARE(grid->count(), grid->pageSize());
    const int majority = page->gridClass();
    QVERIFY(majority >= 0);
    grid->setTicked(0, false);
    QList<qint64> ticked = grid->tickedIds();
    const QSet<qint64> keptNow = controller.labeling()->imagesKeptFromPages();
    ticked.removeIf([&](qint64 id) { return keptNow.contains(id); });
    const qint64 unticked = grid->tiles()[0].imageId;
    QTest::keyClick(grid, Qt::Key_Return);
    for (qint64 id : ticked)
        QTRY_COMPARE_WITH_TIMEOUT(labelPosition(m_project, id).value_or(-1), majority, 20000);
    QVERIFY(labelPosition(m_project, unticked).value_or(-1) != majority || unticked == m_labelled);
    QCOMPARE(shown.size(), 2); // the next page came
}

QTEST_MAIN(TestPoolMap)
#include "test_poolmap.moc"
