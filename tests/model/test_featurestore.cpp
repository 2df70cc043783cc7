// The on-disk feature store: rows survive a reopen, a torn append loses only that batch, a store
// of another layout is started afresh, the budget evicts the least recently used backbone; and a
// frozen classifier reloaded from its checkpoint (a new session) reads its features back instead
// of running the backbone again, with the very same predictions.
#include "model/classifier.h"
#include "model/detail/diskfeaturestore.h"
#include "model/modelerror.h"
#include "modelfixtures.h"
#include "model/trainer.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <numeric>

using namespace activelabel;
using activelabel::detail::DiskFeatureStore;

namespace {

// Real Fashion-MNIST pixels with a content key per image (here: its position in the IDX file).
class KeyedImages : public testing::MatProvider
{
public:
    std::string contentKey(std::size_t index) const override { return "fmnist-" + std::to_string(index); }
};

std::vector<float> rowsOf(float first, std::size_t count, std::size_t width)
{
    std::vector<float> rows(count * width);
    std::iota(rows.begin(), rows.end(), first);
    return rows;
}

std::vector<std::size_t> allOf(const ImageProvider &images)
{
    std::vector<std::size_t> all(images.size());
    std::iota(all.begin(), all.end(), std::size_t(0));
    return all;
}

} // namespace

class TestFeatureStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rowsSurviveAReopen()
    {
        QTemporaryDir dir;
        constexpr std::size_t width = 4, rowBytes = width * sizeof(float);
        {
            DiskFeatureStore store(dir.path().toStdString(), 1 << 20);
            QVERIFY(store.open("segment", rowBytes, "shape 4 dtype f32"));
            const std::vector<float> rows = rowsOf(0, 3, width);
            QCOMPARE(store.append({"a", "b", "c"}, rows.data()), std::size_t(3));
            // Keys already stored are skipped, the new one is appended after them.
            const std::vector<float> more = rowsOf(100, 2, width);
            QCOMPARE(store.append({"b", "d"}, more.data()), std::size_t(1));
        }
        DiskFeatureStore store(dir.path().toStdString(), 1 << 20);
        QVERIFY(store.openExisting("segment"));
        QCOMPARE(store.meta(), std::string("shape 4 dtype f32"));
        QCOMPARE(store.rowCount(), std::size_t(4));
        QCOMPARE(store.find("zzz"), std::int64_t(-1));
        std::vector<float> out(2 * width);
        QVERIFY(store.read({store.find("d"), store.find("b")}, out.data()));
        QCOMPARE(out[0], 104.0f); // d is the second row of the second batch
        QCOMPARE(out[4], 4.0f);   // b is the second row of the first
        QVERIFY(!DiskFeatureStore(dir.path().toStdString(), 1 << 20).openExisting("absent"));
    }

    void aTornAppendLosesOnlyThatBatch()
    {
        QTemporaryDir dir;
        constexpr std::size_t rowBytes = 8;
        {
            DiskFeatureStore store(dir.path().toStdString(), 1 << 20);
            QVERIFY(store.open("s", rowBytes, "m"));
            const std::vector<float> rows = rowsOf(0, 2, 2);
            QCOMPARE(store.append({"a", "b"}, rows.data()), std::size_t(2));
        }
        // A crash after the rows of the next batch were written, before their keys.
        {
            std::ofstream rows((dir.path() + "/s/rows.bin").toStdString(), std::ios::app | std::ios::binary);
            rows.write("0123456789abc", 13);
        }
        DiskFeatureStore store(dir.path().toStdString(), 1 << 20);
        QVERIFY(store.openExisting("s"));
        QCOMPARE(store.rowCount(), std::size_t(2));
        const std::vector<float> next = rowsOf(50, 1, 2);
        QCOMPARE(store.append({"c"}, next.data()), std::size_t(1));
        std::vector<float> out(2);
        QVERIFY(store.read({store.find("c")}, out.data()));
        QCOMPARE(out[0], 50.0f); // lined up with its key, not shifted by the torn bytes
        QCOMPARE(std::filesystem::file_size((dir.path() + "/s/rows.bin").toStdString()), std::uintmax_t(3 * rowBytes));
    }

    void anotherLayoutStartsAfresh()
    {
        QTemporaryDir dir;
        DiskFeatureStore store(dir.path().toStdString(), 1 << 20);
        QVERIFY(store.open("s", 8, "shape 2 dtype f32"));
        const std::vector<float> rows = rowsOf(0, 1, 2);
        QCOMPARE(store.append({"a"}, rows.data()), std::size_t(1));
        store.close();
        QVERIFY(store.open("s", 4, "shape 2 dtype f16"));
        QCOMPARE(store.rowCount(), std::size_t(0));
        QCOMPARE(store.find("a"), std::int64_t(-1));
    }

    void theBudgetEvictsTheLeastRecentlyUsed()
    {
        QTemporaryDir dir;
        constexpr std::size_t rowBytes = 1000;
        const std::vector<char> row(rowBytes * 4, 'x');
        DiskFeatureStore store(dir.path().toStdString(), 10000);
        QVERIFY(store.open("old", rowBytes, "m"));
        QCOMPARE(store.append({"1", "2", "3", "4"}, row.data()), std::size_t(4));
        QVERIFY(store.open("new", rowBytes, "m"));
        QCOMPARE(store.append({"1", "2", "3", "4"}, row.data()), std::size_t(4));
        QVERIFY(std::filesystem::exists((dir.path() + "/old").toStdString()));
        // Four more rows do not fit beside "old": it goes, the open segment stays.
        QCOMPARE(store.append({"5", "6", "7", "8"}, row.data()), std::size_t(4));
        QVERIFY(!std::filesystem::exists((dir.path() + "/old").toStdString()));
        QVERIFY(store.totalBytes() <= 10000);
        // The open segment alone would pass the budget: nothing more is written, nothing fails.
        QCOMPARE(store.append({"9", "10", "11"}, row.data()), std::size_t(0));
        QCOMPARE(store.rowCount(), std::size_t(8));
    }

    void aReloadedFrozenClassifierReadsItsFeaturesBack()
    {
        QTemporaryDir dir;
        const testing::Dataset data = testing::loadFashionMnist("train", 300);
        KeyedImages images;
        images.images = data.provider.images;
        const QString features = dir.path() + QStringLiteral("/features");
        const QString checkpoint = dir.path() + QStringLiteral("/model.ckpt");

        ModelSpec spec = ModelSpec::defaultsFor(QStringLiteral("smallcnn"));
        spec.channels = 1;
        spec.inputHeight = spec.inputWidth = 28;
        spec.mean = {0.5f};
        spec.std = {0.5f};
        QStringList classes;
        for (int c = 0; c < 10; ++c)
            classes << QString::number(c);
        auto first = Classifier::create(spec, classes, 7);
        first->setFeatureStore(features, 64 << 20);
        std::vector<LabelledSample> labels;
        for (std::size_t i = 0; i < 100; ++i)
            labels.push_back({i, data.labels[i]});
        TrainingOptions options;
        options.mode = TransferMode::parse(QStringLiteral("frozen")).value();
        options.setExactEpochs(1);
        const RoundResult round = Trainer::train(*first, images, labels, options);
        QVERIFY(round.usedFeatureCache);
        PredictOptions predict;
        predict.embeddings = false;
        const Prediction before = first->predict(images, allOf(images), predict);
        QCOMPARE(first->featureCacheStats().backboneImages, images.size()); // each image once
        first->save(checkpoint);

        // A new session: the same weights from the checkpoint, an empty memory cache.
        auto second = Classifier::load(checkpoint);
        second->setFeatureStore(features, 64 << 20);
        const Prediction after = second->predict(images, allOf(images), predict);
        const FeatureCacheStats stats = second->featureCacheStats();
        QCOMPARE(stats.backboneImages, std::size_t(0));
        QCOMPARE(stats.diskHits, images.size());
        QCOMPARE(stats.diskRows, images.size());
        QCOMPARE(after.probabilities.data, before.probabilities.data);

        // Other weights below the boundary (a fresh backbone) never see those rows.
        auto other = Classifier::create(spec, classes, 8);
        other->setFeatureStore(features, 64 << 20);
        Trainer::train(*other, images, labels, options);
        QCOMPARE(other->featureCacheStats().diskHits, std::size_t(0));
    }

    void aFrozenRoundsCheckpointSharesTheBackbone()
    {
        QTemporaryDir dir;
        const testing::Dataset data = testing::loadFashionMnist("train", 200);
        auto classifier = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")),
                                             {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, 4);
        std::vector<LabelledSample> labels;
        for (std::size_t i = 0; i < 100; ++i)
            labels.push_back({i, data.labels[i]});
        TrainingOptions frozen;
        frozen.mode = TransferMode::parse(QStringLiteral("frozen")).value();
        frozen.setExactEpochs(1);
        Trainer::train(*classifier, data.provider, labels, frozen);
        const QString first = dir.filePath(QStringLiteral("a.ckpt")), second = dir.filePath(QStringLiteral("b.ckpt"));
        classifier->save(first);
        Trainer::train(*classifier, data.provider, labels, frozen); // the head changes, the backbone not
        classifier->save(second);
        QVERIFY2(QFileInfo(second).size() * 4 < QFileInfo(first).size(),
                 qPrintable(QStringLiteral("%1 vs %2 bytes").arg(QFileInfo(second).size()).arg(QFileInfo(first).size())));
        PredictOptions options;
        options.embeddings = false;
        options.logits = true;
        const Prediction live = classifier->predict(data.provider, allOf(data.provider), options);
        auto reloaded = Classifier::load(second);
        const auto liveState = classifier->tensorState(), reloadedState = reloaded->tensorState();
        QCOMPARE(reloadedState.size(), liveState.size());
        for (const auto &[name, state] : liveState)
            QVERIFY2(reloadedState.at(name).bytes == state.bytes, qPrintable(name));
        QCOMPARE(reloaded->temperature(), classifier->temperature());
        // Features computed afresh in other batches than the live cache's: equal up to rounding.
        const Prediction again = reloaded->predict(data.provider, allOf(data.provider), options);
        QCOMPARE(again.logits.data.size(), live.logits.data.size());
        for (std::size_t i = 0; i < live.logits.data.size(); ++i)
            QVERIFY(std::abs(again.logits.data[i] - live.logits.data[i]) < 1e-3f);

        // A round that trains the backbone writes it whole again.
        TrainingOptions full = frozen;
        full.mode = TransferMode::parse(QStringLiteral("full")).value();
        Trainer::train(*classifier, data.provider, labels, full);
        const QString third = dir.filePath(QStringLiteral("c.ckpt"));
        classifier->save(third);
        QVERIFY(QFileInfo(third).size() * 4 > QFileInfo(first).size());

        QVERIFY(QFile::remove(first));
        try {
            Classifier::load(second);
            QFAIL("a checkpoint whose backbone file is gone must be refused");
        } catch (const ModelError &e) {
            QVERIFY2(e.message().contains(QStringLiteral("missing")), qPrintable(e.message()));
        }
        QVERIFY(Classifier::load(third));
    }

    void cancelStopsAPredictionAndKeepsWhatItComputed()
    {
        const testing::Dataset data = testing::loadFashionMnist("train", 600);
        auto classifier = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), {"a", "b"}, 1);
        std::atomic<bool> cancel{false};
        PredictOptions options;
        options.batchSize = 100;
        options.cancel = &cancel;
        std::size_t reported = 0;
        options.progress = [&](std::size_t done, std::size_t total) {
            QCOMPARE(total, std::size_t(600));
            reported = done;
            if (done >= 200)
                cancel = true;
        };
        QVERIFY_THROWS_EXCEPTION(Cancelled, classifier->predict(data.provider, allOf(data.provider), options));
        QCOMPARE(reported, std::size_t(200));
    }
};

QTEST_GUILESS_MAIN(TestFeatureStore)
#include "test_featurestore.moc"
