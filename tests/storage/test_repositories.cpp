// Model versions, metrics, queries, settings, and predictions (chunked writes, complete runs,
// pruning) in their own database, readable while the project database takes label commits; each
// test on both backends (SQLite files, a PostgreSQL server).
#include "storage/imagerepository.h"
#include "storage/labelrepository.h"
#include "storage/classrepository.h"
#include "storage/metricrepository.h"
#include "storage/modelversionrepository.h"
#include "storage/predictionstore.h"
#include "storage/project.h"
#include "storage/queryrepository.h"
#include "storage/settingsrepository.h"
#include "storage/sqlitedatabase.h"
#include "support/storage/backendfixture.h"
#include "support/tempproject.h"

#include <QTest>

#include <thread>

using namespace activelabel;

namespace {

std::vector<StoredPrediction> makePredictions(std::int64_t first, std::int64_t n, int classes)
{
    std::vector<StoredPrediction> out;
    for (std::int64_t i = 0; i < n; ++i) {
        StoredPrediction p;
        p.imageId = first + i;
        p.probabilities.assign(static_cast<std::size_t>(classes), 0.0f);
        p.predictedClass = static_cast<int>(i % classes);
        p.probabilities[static_cast<std::size_t>(p.predictedClass)] = 0.75f;
        p.confidence = 0.75f;
        p.uncertainty = static_cast<float>(i) / static_cast<float>(n);
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace

class TestRepositories : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { testsupport::addBackendRows(); }

    void modelVersionsAndMetrics()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        Database &db = fx.db();
        ModelVersionRepository versions(db);
        QVERIFY(!versions.latest());
        ModelVersion v;
        v.backbone = QStringLiteral("smallcnn");
        v.transfer = QStringLiteral("frozen");
        v.labelsUsed = 40;
        const auto first = versions.add(v);
        v.parentId = first;
        v.transfer = QStringLiteral("finetune:2");
        const auto second = versions.add(v);
        QCOMPARE(versions.latest()->id, second);
        QCOMPARE(*versions.get(second)->parentId, first);
        QCOMPARE(versions.list().size(), std::size_t(2));
        QVERIFY(versions.get(first)->createdAt > 0);

        MetricRepository metrics(db);
        auto metric = [](std::int64_t version, const char *split, double value, std::int64_t labels) {
            Metric m;
            m.modelVersion = version;
            m.name = QStringLiteral("accuracy");
            m.split = QString::fromLatin1(split);
            m.value = value;
            m.labels = labels;
            return m;
        };
        metrics.addAll({metric(first, "test", 0.5, 40), metric(second, "test", 0.7, 80), metric(second, "audit", 0.65, 80)});
        const auto series = metrics.series(QStringLiteral("accuracy"), QStringLiteral("test"));
        QCOMPARE(series.size(), std::size_t(2));
        QCOMPARE(series[1].value, 0.7);
        QCOMPARE(series[1].labels, std::int64_t(80));
        QCOMPARE(metrics.forModelVersion(second).size(), std::size_t(2));
    }

    void queriesAndSettings()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        Database &db = fx.db();
        ImageRecord r;
        r.path = "x.png";
        r.contentHash = "h";
        const auto image = ImageRepository(db).add(r);
        QueryRepository queries(db);
        // Field by field: the record grows with the schema, positional initialisers would not.
        auto query = [&](const QString &strategy, std::optional<double> score, std::optional<std::int64_t> version,
                         bool audit) {
            QueryRecord q;
            q.imageId = image;
            q.strategy = strategy;
            q.score = score;
            q.modelVersion = version;
            q.audit = audit;
            return q;
        };
        queries.record(query(QStringLiteral("margin"), 0.25, std::nullopt, false));
        queries.record(query(QStringLiteral("random"), std::nullopt, std::nullopt, true));
        const auto forImage = queries.forImage(image);
        QCOMPARE(forImage.size(), std::size_t(2));
        QCOMPARE(*forImage[0].score, 0.25);
        QVERIFY(!forImage[1].score);
        QCOMPARE(queries.audits().size(), std::size_t(1));
        // A query must name an existing model version.
        QVERIFY_THROWS_EXCEPTION(DatabaseError, queries.record(query(QStringLiteral("x"), 1.0, 77, false)));

        SettingsRepository settings(db);
        QVERIFY(!settings.value(QStringLiteral("strategy")));
        settings.setValue(QStringLiteral("strategy"), QStringLiteral("hybrid"));
        settings.setValue(QStringLiteral("strategy"), QStringLiteral("margin"));
        QCOMPARE(settings.value(QStringLiteral("strategy"), QString()), QStringLiteral("margin"));
        settings.remove(QStringLiteral("strategy"));
        QCOMPARE(settings.value(QStringLiteral("strategy"), QStringLiteral("d")), QStringLiteral("d"));
    }

    void predictionsWriteReadPrune()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        auto db = fx.openPredictions();
        PredictionStore store(*db);
        QVERIFY(!store.latestCompleteRun());
        store.beginRun(1, 4);
        const auto rows = makePredictions(1, 5000, 4); // spans three chunks
        store.write(1, rows);
        QVERIFY(!store.latestCompleteRun()); // not complete until finished
        store.finishRun(1);
        QCOMPARE(*store.latestCompleteRun(), std::int64_t(1));
        QCOMPARE(store.count(1), std::int64_t(5000));
        const auto back = store.read(1);
        QCOMPARE(back.size(), rows.size());
        QCOMPARE(back[4321].probabilities, rows[4321].probabilities);
        QCOMPARE(back[4321].predictedClass, rows[4321].predictedClass);
        QCOMPARE(back[4321].uncertainty, rows[4321].uncertainty);
        QCOMPARE(store.get(1, 17)->imageId, std::int64_t(17));

        for (std::int64_t v = 2; v <= 4; ++v) {
            store.beginRun(v, 4);
            store.write(v, makePredictions(1, 10, 4));
            store.finishRun(v);
        }
        QCOMPARE(store.prune(2), 2);
        QCOMPARE(store.runs(), (std::vector<std::int64_t>{3, 4}));
        QCOMPARE(store.count(1), std::int64_t(0)); // rows went with their run
        // Restarting a run replaces its rows.
        store.beginRun(4, 4);
        QCOMPARE(store.count(4), std::int64_t(0));
    }

    void labelCommitsWhilePredictionsAreWritten()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        Database &db = fx.db();
        const auto cls = ClassRepository(db).add(QStringLiteral("a"));
        std::vector<std::int64_t> images;
        for (int i = 0; i < 50; ++i) {
            ImageRecord r;
            r.path = "img" + std::to_string(i);
            r.contentHash = QByteArray::number(i);
            images.push_back(ImageRepository(db).add(r));
        }
        fx.openPredictions(); // creates the predictions database before the thread connects
        std::atomic<bool> writerFailed{false};
        std::thread writer([&] {
            try {
                auto conn = fx.openPredictions(); // its own connection, opened in its thread
                PredictionStore store(*conn);
                store.beginRun(1, 10);
                store.write(1, makePredictions(1, 20000, 10));
                store.finishRun(1);
            } catch (...) {
                writerFailed = true;
            }
        });
        LabelRepository labels(db);
        for (std::int64_t id : images)
            labels.setLabel(id, cls, LabelSource::Human, QStringLiteral("t"));
        writer.join();
        QVERIFY(!writerFailed);
        QCOMPARE(labels.count(), std::int64_t(50));
        auto check = fx.openPredictions();
        QCOMPARE(PredictionStore(*check).count(1), std::int64_t(20000));
    }
};

QTEST_GUILESS_MAIN(TestRepositories)
#include "test_repositories.moc"
