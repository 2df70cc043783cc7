// "Find similar" through the real window on a real project: real Fashion-MNIST images (Trouser,
// Sneaker, Bag), a model trained on a few labels, its pool embeddings kept at rescoring and read
// back by the next session, the look-alike index built in the background, and L on the labelling,
// browse and review pages showing the image's nearest unlabelled pool images in the look-alikes
// grid, mostly of the image's own class. Without a model the page says so.
#include "app/gui/projectcontroller.h"
#include "app/modelservice.h"
#include "app/poolembeddings.h"
#include "storage/classrepository.h"
#include "storage/imageimporter.h"
#include "storage/imagerepository.h"
#include "storage/labelrepository.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "support/fashionmnist.h"
#include "ui/imagebrowser.h"
#include "ui/labelingview.h"
#include "ui/lookalikespage.h"
#include "ui/mainwindow.h"
#include "ui/panels/reviewpanel.h"

#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <set>

using namespace activelabel;

namespace {

constexpr int kPerClass = 40;
constexpr int kLabelledPerClass = 10;

// The class folder an image came from: its ground truth.
QString truthOf(Database &db, qint64 imageId)
{
    const auto image = ImageRepository(db).get(imageId);
    if (!image)
        return {};
    return QString::fromStdString(
        std::filesystem::path(image->path).parent_path().filename().string());
}

} // namespace

class TestLookalikes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void findSimilarFromEveryPage();
    void withoutAModelThePageSaysSo();

private:
    QTemporaryDir m_root;
    QString m_project;
};

void TestLookalikes::initTestCase()
{
    QVERIFY(m_root.isValid());
    if (!testsupport::hasFashionMnist())
        QSKIP("Fashion-MNIST (dataset-fashion-mnist) is not installed");
    const QString tree = m_root.path() + QStringLiteral("/tree");
    QVERIFY(testsupport::writeFashionMnistClassTree(
        tree.toStdString(), {{1, "Trouser"}, {7, "Sneaker"}, {8, "Bag"}}, kPerClass));
    m_project = m_root.path() + QStringLiteral("/project");
    auto project = Project::create(m_project.toStdString());
    Database &db = project->database();
    ClassRepository classes(db);
    for (const QString &name :
         {QStringLiteral("Trouser"), QStringLiteral("Sneaker"), QStringLiteral("Bag")})
        classes.add(name);
    // Unlabelled pool images, then a few labels per class (as an annotator's first minutes).
    QCOMPARE(ImageImporter(db, {}).importPaths({tree.toStdString()}, false).added,
             std::int64_t(3 * kPerClass));
    LabelRepository labels(db);
    std::map<QString, int> given;
    for (const std::int64_t id : ImageRepository(db).ids({})) {
        const QString truth = truthOf(db, id);
        if (given[truth]++ < kLabelledPerClass)
            labels.setLabel(id, classes.find(truth)->id, LabelSource::Human,
                            QStringLiteral("test"));
    }
    // The last session's round: its embeddings are on disk for this session to read back.
    ModelService service(*project, db);
    TrainRequest request;
    // The whole network learns from the labels: its penultimate features then separate the classes.
    request.mode = TransferMode::parse(QStringLiteral("full")).value();
    request.epochs = 5;
    request.seed = 1;
    QVERIFY(service.train(request).modelVersion);
    QVERIFY(std::filesystem::exists(PoolEmbeddings::fileFor(m_project.toStdString(), 1)));
}

void TestLookalikes::findSimilarFromEveryPage()
{
    MainWindow window;
    ProjectController controller(&window);
    window.resize(1100, 800);
    window.show();
    controller.openProject(m_project);
    LabelingView *view = window.labelingView();
    QTRY_VERIFY_WITH_TIMEOUT(view->currentImageId() != 0, 30000);
    auto *page = window.findChild<LookalikesPage *>(QStringLiteral("lookalikesPage"));
    QVERIFY(page);
    auto reader = Project::open(m_project.toStdString(), Project::Mode::ReadOnly);
    Database &db = reader->database();
    LabelRepository labels(db);

    // From the labelling page: L on the image in front of the annotator.
    const qint64 shown = view->currentImageId();
    view->setFocus();
    QTest::keyClick(view, Qt::Key_L);
    QCOMPARE(window.tabs()->currentWidget(), page);
    QCOMPARE(page->queryImageId(), shown);
    // The index of the embeddings read back from disk is built in the background; the page fills
    // in when it is ready.
    QTRY_VERIFY_WITH_TIMEOUT(page->grid()->count() > 0, 30000);
    QCOMPARE(page->grid()->count(), page->grid()->pageSize()); // 90 unlabelled images: a full page
    std::set<qint64> ids;
    for (const Tile &tile : page->grid()->tiles()) {
        QVERIFY(tile.imageId != shown);
        QVERIFY2(!labels.get(tile.imageId), "a labelled image among the look-alikes");
        QVERIFY(tile.ticked);
        ids.insert(tile.imageId);
    }
    QCOMPARE(int(ids.size()), page->grid()->count());
    // The class to label them as starts at the image's prediction, shown in the title.
    QVERIFY(page->targetClass() >= 0);

    // Untick the first two (Space, then arrow right + Space) and label the rest with Enter: one
    // transaction, source bulk-accepted, one step of undo; the page fills with the next
    // look-alikes.
    const QList<Tile> page1 = page->grid()->tiles();
    const QString targetName = ClassRepository(db).list()[std::size_t(page->targetClass())].name;
    page->grid()->setFocus();
    QTest::keyClick(page->grid(), Qt::Key_Space);
    QTest::keyClick(page->grid(), Qt::Key_Right);
    QTest::keyClick(page->grid(), Qt::Key_Space);
    QCOMPARE(page->grid()->tickedIds().size(), page1.size() - 2);
    const qint64 labelsBefore = labels.count();
    QTest::keyClick(page->grid(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(labels.count(), labelsBefore + page1.size() - 2, 10000);
    for (int i = 0; i < page1.size(); ++i) {
        const auto given = labels.get(page1[i].imageId);
        QCOMPARE(given.has_value(), i >= 2);
        if (i >= 2) {
            QCOMPARE(ClassRepository(db).get(given->classId)->name, targetName);
            QCOMPARE(labels.history(page1[i].imageId).back().source,
                     QStringLiteral("bulk-accepted"));
        }
    }
    // The next look-alikes of the same image: none of those just labelled.
    QCOMPARE(page->queryImageId(), shown);
    QVERIFY(page->grid()->count() > 0);
    for (const Tile &tile : page->grid()->tiles())
        for (int i = 2; i < page1.size(); ++i)
            QVERIFY(tile.imageId != page1[i].imageId);
    // One Ctrl+Z takes the whole page back.
    QTest::keyClick(page->grid(), Qt::Key_Z, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(labels.count(), labelsBefore, 10000);
    QCOMPARE(labels.history(page1[2].imageId).back().source, QStringLiteral("undo"));

    // Esc goes back to the labelling page.
    QTest::keyClick(page->grid(), Qt::Key_Escape);
    QVERIFY(window.tabs()->currentWidget() != page);
    QVERIFY(window.tabs()->currentWidget()->isAncestorOf(view));

    // From the browse page: the current image of the thumbnail grid. Look-alikes are mostly of the
    // image's own class (the labelling page's image above is the model's least certain one, an
    // outlier by design; these are a fair draw: two of each class).
    ImageBrowser *browser = window.imageBrowser();
    window.tabs()->setCurrentWidget(window.tabs()->widget(1));
    QTRY_VERIFY_WITH_TIMEOUT(browser->model() && browser->model()->rowCount() >= 3 * kPerClass,
                             10000);
    int sameClass = 0, shownTiles = 0;
    for (int row : {3, 17, 43, 57, 83, 97}) {
        window.tabs()->setCurrentWidget(window.tabs()->widget(1));
        const QModelIndex index = browser->model()->index(row, 0);
        browser->setCurrentIndex(index);
        browser->setFocus();
        QTest::keyClick(browser, Qt::Key_L);
        QCOMPARE(window.tabs()->currentWidget(), page);
        const qint64 query = index.data(Qt::UserRole + 1).toLongLong();
        QCOMPARE(page->queryImageId(), query);
        QTRY_VERIFY_WITH_TIMEOUT(page->grid()->count() > 0, 10000);
        const QString truth = truthOf(db, query);
        for (const Tile &tile : page->grid()->tiles()) {
            sameClass += truthOf(db, tile.imageId) == truth;
            ++shownTiles;
        }
    }
    // 3 classes: a third by chance.
    QVERIFY2(sameClass >= shownTiles * 7 / 10,
             qPrintable(QStringLiteral("%1 of %2").arg(sameClass).arg(shownTiles)));

    // From the review page: its labelled images' grid.
    auto *review = window.findChild<ReviewPanel *>(QStringLiteral("reviewPage"));
    QVERIFY(review);
    window.tabs()->setCurrentWidget(review);
    QTRY_VERIFY_WITH_TIMEOUT(review->labelledView()->model()->rowCount() >= 3 * kLabelledPerClass,
                             10000);
    const QModelIndex first = review->labelledView()->model()->index(0, 0);
    review->labelledView()->setCurrentIndex(first);
    review->labelledView()->setFocus();
    QTest::keyClick(review->labelledView(), Qt::Key_L);
    QCOMPARE(window.tabs()->currentWidget(), page);
    const qint64 labelled = first.data(Qt::UserRole + 1).toLongLong();
    QCOMPARE(page->queryImageId(), labelled);
    QTRY_VERIFY_WITH_TIMEOUT(page->grid()->count() > 0, 10000);
    // A labelled image's look-alikes are to be labelled as its label.
    const auto label = labels.get(labelled);
    QVERIFY(label);
    QCOMPARE(page->targetClass(), ClassRepository(db).get(label->classId)->position);
}

void TestLookalikes::withoutAModelThePageSaysSo()
{
    const QString dir = m_root.path() + QStringLiteral("/fresh");
    {
        auto project = Project::create(dir.toStdString());
        ClassRepository(project->database()).add(QStringLiteral("Trouser"));
        QVERIFY(ImageImporter(project->database(), {})
                    .importPaths({(m_root.path() + QStringLiteral("/tree/Trouser")).toStdString()},
                                 false)
                    .added > 0);
    }
    MainWindow window;
    ProjectController controller(&window);
    window.show();
    controller.openProject(dir);
    LabelingView *view = window.labelingView();
    QTRY_VERIFY_WITH_TIMEOUT(view->currentImageId() != 0, 30000);
    view->setFocus();
    QTest::keyClick(view, Qt::Key_L);
    auto *page = window.findChild<LookalikesPage *>(QStringLiteral("lookalikesPage"));
    QVERIFY(page);
    QCOMPARE(window.tabs()->currentWidget(), page);
    QCOMPARE(page->grid()->count(), 0);
    QVERIFY2(page->grid()->emptyMessage().contains(QStringLiteral("No model yet")),
             qPrintable(page->grid()->emptyMessage()));
}

QTEST_MAIN(TestLookalikes)
#include "test_lookalikes.moc"
