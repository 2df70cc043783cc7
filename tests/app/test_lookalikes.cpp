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
    return QString::fromStdString(std::filesystem::path(image->path).parent_path().filename().string());
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
    QVERIFY(testsupport::writeFashionMnistClassTree(tree.toStdString(), {{1, "Trouser"}, {7, "Sneaker"}, {8, "Bag"}},
                                                    kPerClass));
    m_project = m_root.path() + QStringLiteral("/project");
    auto project = Project::create(m_project.toStdString());
    Database &db = project->database();
    ClassRepository classes(db);
    for (const QString &name : {QStringLiteral("Trouser"), QStringLiteral("Sneaker"), QStringLiteral("Bag")})
        classes.add(name);
    // Unlabelled pool images, then a few labels per class (as an annotator's first minutes).
    QCOMPARE(ImageImporter(db, {}).importPaths({tree.toStdString()}, false).added, std::int64_t(3 * kPerClass));
    LabelRepository labels(db);
    std::map<QString, int> given;
    for (const std::int64_t id : ImageRepository(db).ids({})) {
        const QString truth = truthOf(db, id);
        if (given[truth]++ < kLabelledPerClass)
            labels.setLabel(id, classes.find(truth)->id, LabelSource::Human, QStringLiteral("test"));
    }
    // The last session's round: its embeddings are on disk for this session to read back.
    ModelService service(*project, db);
    TrainRequest request;
    request.epochs = 3;
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
    QCOMPARE(page->grid()->count(), page->grid()->pageSize()); // 110 unlabelled images: a full page
    const QString truth = truthOf(db, shown);
    int sameClass = 0;
    std::set<qint64> ids;
    for (const Tile &tile : page->grid()->tiles()) {
        QVERIFY(tile.imageId != shown);
        QVERIFY2(!labels.get(tile.imageId), "a labelled image among the look-alikes");
        QVERIFY(tile.ticked);
        ids.insert(tile.imageId);
        sameClass += truthOf(db, tile.imageId) == truth;
    }
    QCOMPARE(int(ids.size()), page->grid()->count());
    // Of the 30 nearest, most are the image's own class (its class has 30 unlabelled images).
    QVERIFY2(sameClass >= 20, qPrintable(QStringLiteral("%1 of 30 look-alikes of a %2 are %2s").arg(sameClass).arg(truth)));
    // The class to label them as starts at the image's prediction, shown in the title.
    QVERIFY(page->targetClass() >= 0);

    // Esc goes back to the labelling page.
    QTest::keyClick(page->grid(), Qt::Key_Escape);
    QVERIFY(window.tabs()->currentWidget() != page);
    QVERIFY(window.tabs()->currentWidget()->isAncestorOf(view));

    // From the browse page: the current image of the thumbnail grid.
    ImageBrowser *browser = window.imageBrowser();
    window.tabs()->setCurrentWidget(window.tabs()->widget(1));
    QTRY_VERIFY_WITH_TIMEOUT(browser->model() && browser->model()->rowCount() > 5, 10000);
    const QModelIndex fifth = browser->model()->index(5, 0);
    browser->setCurrentIndex(fifth);
    browser->setFocus();
    QTest::keyClick(browser, Qt::Key_L);
    QCOMPARE(window.tabs()->currentWidget(), page);
    QCOMPARE(page->queryImageId(), fifth.data(Qt::UserRole + 1).toLongLong());
    QTRY_VERIFY_WITH_TIMEOUT(page->grid()->count() > 0, 10000);

    // From the review page: its labelled images' grid.
    auto *review = window.findChild<ReviewPanel *>(QStringLiteral("reviewPage"));
    QVERIFY(review);
    window.tabs()->setCurrentWidget(review);
    QTRY_VERIFY_WITH_TIMEOUT(review->labelledView()->model()->rowCount() >= 3 * kLabelledPerClass, 10000);
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
                    .importPaths({(m_root.path() + QStringLiteral("/tree/Trouser")).toStdString()}, false)
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
