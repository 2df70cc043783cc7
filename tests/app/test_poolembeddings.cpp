// The pool's embeddings are kept when the pool is rescored: a training round on a real project
// (real Fashion-MNIST PNGs, imported with their labels) writes
// cache/embeddings/pool-v<version>.emb, which reads back as the latest model's features of every
// pool image (and of no test image), replaces the previous version's file at the next round, and is
// refused (not misread) when damaged.
#include "app/modelservice.h"
#include "app/poolembeddings.h"
#include "app/projectimages.h"
#include "storage/classrepository.h"
#include "storage/imageimporter.h"
#include "storage/imagerepository.h"
#include "storage/project.h"
#include "support/fashionmnist.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace activelabel;
using namespace activelabel::testsupport;

class TestPoolEmbeddings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!hasFashionMnist())
            QSKIP("Fashion-MNIST (dataset-fashion-mnist) is not installed");
    }

    void keptAtRescoreAndReadBack();
    void saveAndLoadRoundTrip();
};

void TestPoolEmbeddings::keptAtRescoreAndReadBack()
{
    QTemporaryDir dir;
    const QString tree = dir.filePath(QStringLiteral("tree"));
    QVERIFY(writeFashionMnistClassTree(tree.toStdString(),
                                       {{1, "Trouser"}, {7, "Sneaker"}, {8, "Bag"}}, 20));
    const std::filesystem::path projectDir =
        dir.filePath(QStringLiteral("pool embeddings \u00fc")).toStdString();
    auto project = Project::create(projectDir);
    Database &db = project->database();
    ImageImporter::Options options;
    options.labelMode = ImportLabelMode::Labels;
    QCOMPARE(ImageImporter(db, options).importPaths({tree.toStdString()}, true).added,
             std::int64_t(60));
    // One test-split image with real pixels: scored, but not a pool image.
    ImageRecord test;
    test.path = (tree + QStringLiteral("/Bag/0.png")).toStdString();
    test.contentHash = QByteArray(32, 't');
    test.width = test.height = 28;
    test.split = Split::Test;
    const std::int64_t testId = ImageRepository(db).add(test);

    ModelService service(*project, db);
    QVERIFY(!service.poolEmbeddings()); // no model yet
    TrainRequest request;
    request.epochs = 1;
    request.seed = 1;
    QVERIFY(service.train(request).modelVersion);
    QVERIFY(std::filesystem::exists(PoolEmbeddings::fileFor(projectDir, 1)));
    const std::shared_ptr<const PoolEmbeddings> inMemory = service.poolEmbeddings();
    QVERIFY(inMemory);

    {
        ModelService reader(*project, db); // as the next session: from disk
        const std::shared_ptr<const PoolEmbeddings> kept = reader.poolEmbeddings();
        QVERIFY(kept);
        QVERIFY(kept != inMemory);
        QCOMPARE(kept->modelVersion(), std::int64_t(1));
        QCOMPARE(kept->dimension(), std::size_t(128)); // smallcnn's penultimate features

        // Every pool image, in id order, and not the test image.
        const std::vector<std::size_t> pool = reader.images().indicesOf(Split::Pool);
        QCOMPARE(pool.size(), std::size_t(60));
        QCOMPARE(kept->size(), pool.size());
        QCOMPARE(kept->imageIds(), inMemory->imageIds());
        for (std::size_t i = 0; i < pool.size(); ++i) {
            QCOMPARE(kept->imageIds()[i], reader.images().record(pool[i]).id);
            QCOMPARE(kept->rowOf(kept->imageIds()[i]), (long long)i);
        }
        QCOMPARE(kept->rowOf(testId), -1LL);

        // The rows are the model's features of those images (to fp16's precision on disk).
        std::unique_ptr<Classifier> model = reader.loadLatest();
        PredictOptions predict;
        predict.embeddings = true;
        const Prediction p = model->predict(reader.images(), pool, predict);
        double worst = 0.0, worstInMemory = 0.0, norm = 0.0;
        for (std::size_t i = 0; i < p.embeddings.data.size(); ++i) {
            worst =
                std::max(worst, double(std::abs(p.embeddings.data[i] - kept->matrix().data[i])));
            worstInMemory = std::max(
                worstInMemory, double(std::abs(p.embeddings.data[i] - inMemory->matrix().data[i])));
            norm = std::max(norm, double(std::abs(p.embeddings.data[i])));
        }
        QVERIFY(norm > 0.0);
        QVERIFY2(worst <= 2e-3 * norm, qPrintable(QStringLiteral("%1 of %2").arg(worst).arg(norm)));
        QVERIFY2(worstInMemory <= 1e-4 * norm,
                 qPrintable(QStringLiteral("%1 of %2").arg(worstInMemory).arg(norm)));
    }

    // The next round's file replaces this one.
    QVERIFY(service.train(request).modelVersion);
    QVERIFY(std::filesystem::exists(PoolEmbeddings::fileFor(projectDir, 2)));
    QVERIFY(!std::filesystem::exists(PoolEmbeddings::fileFor(projectDir, 1)));
    QCOMPARE(service.poolEmbeddings()->modelVersion(), std::int64_t(2));

    // A damaged file is refused, and a new session then has none (derived: the next round
    // writes it again).
    const QString file = QString::fromStdString(PoolEmbeddings::fileFor(projectDir, 2).string());
    QVERIFY(QFile::resize(file, QFileInfo(file).size() - 2));
    QString error;
    QVERIFY(!PoolEmbeddings::load(projectDir, 2, &error));
    QVERIFY2(error.contains(QStringLiteral("truncated")), qPrintable(error));
    ModelService next(*project, db);
    QVERIFY(!next.poolEmbeddings());
}

void TestPoolEmbeddings::saveAndLoadRoundTrip()
{
    QTemporaryDir dir;
    const std::filesystem::path projectDir = dir.path().toStdString();
    FloatMatrix m(3, 4);
    m.data = {0.f, 1.f, -2.5f, 1024.f, 0.1f, 0.2f, 0.3f, 0.4f, 7.f, 8.f, 9.f, 10.f};
    const PoolEmbeddings written(5, {11, 7, 42}, m);
    QVERIFY(written.save(projectDir));
    const auto read = PoolEmbeddings::load(projectDir, 5);
    QVERIFY(read);
    QCOMPARE(read->imageIds(), (std::vector<std::int64_t>{11, 7, 42}));
    QCOMPARE(read->rowOf(42), 2LL);
    QCOMPARE(read->rowOf(8), -1LL);
    for (std::size_t i = 0; i < m.data.size(); ++i)
        QVERIFY(std::abs(read->matrix().data[i] - m.data[i]) <=
                1e-3f * std::max(1.0f, std::abs(m.data[i])));
    // Another version's file is not this one's.
    QVERIFY(!PoolEmbeddings::load(projectDir, 4));
    // Empty (a pool that is all labelled... or all undecodable) round-trips too.
    QVERIFY(PoolEmbeddings(6, {}, FloatMatrix(0, 4)).save(projectDir));
    QVERIFY(PoolEmbeddings::load(projectDir, 6));
    QVERIFY(PoolEmbeddings::load(projectDir, 6)->empty());
    QVERIFY(!std::filesystem::exists(PoolEmbeddings::fileFor(projectDir, 5))); // replaced
}

QTEST_MAIN(TestPoolEmbeddings)
#include "test_poolembeddings.moc"
