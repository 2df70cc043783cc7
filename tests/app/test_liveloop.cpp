// The application's own loop with one live model: the GUI's TrainingWorker (on its own thread, as
// in the window) trains a frozen smallcnn on real Fashion-MNIST images. Its second round runs no
// image through the backbone (the features of every image are cached), it never reads back the
// checkpoints it wrote (they are deleted under it), a reopened session reads the features from
// disk, export goes through the worker, and a round cancelled while training or while scoring
// leaves the model exactly as it was.
#include "app/gui/trainingworker.h"
#include "app/modelservice.h"
#include "app/projectimages.h"
#include "storage/classrepository.h"
#include "storage/imageimporter.h"
#include "storage/labelrepository.h"
#include "storage/modelversionrepository.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QElapsedTimer>
#include "support/fashionmnist.h"

#include <QTemporaryDir>
#include <QThread>
#include <QtTest>


#include <filesystem>
#include <functional>

using namespace activelabel;

namespace {

constexpr int kPerClass = 60;

// A worker on its own thread, as LabelingController runs it.
class WorkerSession
{
public:
    explicit WorkerSession(const Project &project) : worker(new TrainingWorker(project, cancel))
    {
        worker->moveToThread(&thread);
        QObject::connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
        thread.start();
    }
    ~WorkerSession()
    {
        thread.quit();
        thread.wait();
    }

    RoundSummary train(const TrainRequest &request)
    {
        if (!waitFor(&TrainingWorker::roundFinished, [&] { worker->requestTraining(request, QueueRequest{}); }))
            return {};
        const auto summary = worker->takeRoundSummary();
        return summary ? *summary : RoundSummary{};
    }

    // Calls `start`, then waits on this thread for a signal of the worker without arguments,
    // through a queued connection made first (a QSignalSpy's direct connection would write from
    // the worker's thread).
    template <typename Signal>
    bool waitFor(Signal signal, const std::function<void()> &start, int timeoutMs = 180000)
    {
        bool fired = false;
        QObject context;
        QObject::connect(worker, signal, &context, [&fired] { fired = true; }, Qt::QueuedConnection);
        start();
        QElapsedTimer timer;
        timer.start();
        while (!fired && timer.elapsed() < timeoutMs)
            QTest::qWait(20);
        return fired;
    }

    std::atomic<bool> cancel{false};
    QThread thread;
    TrainingWorker *worker;
};

TrainRequest frozenSmallCnn()
{
    TrainRequest request;
    request.backbone = QStringLiteral("smallcnn");
    request.mode = TransferMode::parse(QStringLiteral("frozen")).value();
    request.epochs = 2;
    request.seed = 3;
    return request;
}

} // namespace

class TestLiveLoop : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        // Trouser (1), Sneaker (7), Bag (8): 60 real Fashion-MNIST images each, imported with labels.
        const QString tree = m_root.path() + QStringLiteral("/tree");
        QVERIFY(testsupport::writeFashionMnistClassTree(tree.toStdString(), {{1, "Trouser"}, {7, "Sneaker"}, {8, "Bag"}},
                                                        kPerClass));
        m_project = m_root.path() + QStringLiteral("/project");
        auto project = Project::create(m_project.toStdString());
        ImageImporter::Options options;
        options.labelMode = ImportLabelMode::Labels;
        const ImportSummary summary = ImageImporter(project->database(), options).importPaths({tree.toStdString()}, true);
        QCOMPARE(summary.added, std::int64_t(3 * kPerClass));
    }

    void secondRoundRunsNoImageThroughTheFrozenBackbone()
    {
        auto project = Project::open(m_project.toStdString(), Project::Mode::ReadWrite);
        const std::size_t images = 3 * kPerClass;
        {
            WorkerSession session(*project);
            const RoundSummary first = session.train(frozenSmallCnn());
            QVERIFY(first.modelVersion);
            QCOMPARE(first.mode, QStringLiteral("frozen"));
            QCOMPARE(first.imagesThroughBackbone, images); // the first pass: every image once

            // The live model is never read back from its checkpoints: take them away.
            for (const auto &entry : std::filesystem::directory_iterator(project->modelsDir()))
                std::filesystem::remove(entry.path());
            TrainRequest again = frozenSmallCnn();
            again.backbone.clear(); // "keep the current one", as the window asks
            const RoundSummary second = session.train(again);
            QVERIFY2(second.modelVersion, "the second round failed");
            QVERIFY(*second.modelVersion > *first.modelVersion);
            QCOMPARE(second.imagesThroughBackbone, std::size_t(0));
            QCOMPARE(second.featuresFromDisk, std::size_t(0)); // all in memory already

            // Export goes through the worker, from the live model.
            const QString path = m_root.path() + QStringLiteral("/live.pt");
            QVERIFY(session.waitFor(
                &TrainingWorker::exportFinished, [&] { session.worker->requestExport(path); }, 60000));
            const auto result = session.worker->takeExportResult();
            QVERIFY(result);
            QVERIFY2(result->ok, qPrintable(result->message));
            QVERIFY(QFile::exists(path) && QFile::exists(path + QStringLiteral(".json")));
            const QString onnx = m_root.path() + QStringLiteral("/live.onnx");
            QVERIFY(session.waitFor(
                &TrainingWorker::exportFinished,
                [&] { session.worker->requestExport(onnx, ModelExportFormat::Onnx); }, 60000));
            const auto onnxResult = session.worker->takeExportResult();
            QVERIFY(onnxResult);
            QVERIFY2(onnxResult->ok, qPrintable(onnxResult->message));
            QVERIFY(QFile::exists(onnx) && QFile::exists(onnx + QStringLiteral(".json")));
        }
        // A new session (the project reopened): the latest checkpoint is its start, and every
        // feature comes back from disk.
        QVERIFY(std::filesystem::exists(project->directory() / "cache" / "features"));
        WorkerSession reopened(*project);
        TrainRequest again = frozenSmallCnn();
        again.backbone.clear();
        const RoundSummary third = reopened.train(again);
        QVERIFY(third.modelVersion);
        QCOMPARE(third.imagesThroughBackbone, std::size_t(0));
        QCOMPARE(third.featuresFromDisk, images);
    }

    void cancelledRoundsLeaveTheLiveModelAsItWas()
    {
        auto project = Project::open(m_project.toStdString(), Project::Mode::ReadWrite);
        ModelService service(*project, project->database());
        LiveModel live;
        TrainRequest request = frozenSmallCnn();
        request.mode = TransferMode::automatic(); // a fresh smallcnn trains fully: the backbone changes too
        const TrainOutcome first = service.train(live, request);
        QVERIFY(first.modelVersion);
        QVERIFY(live.classifier);
        const auto before = live.classifier->tensorState();
        const double temperature = live.classifier->temperature();
        const auto versions = ModelVersionRepository(project->database()).list().size();

        // Cancelled between two training steps.
        std::atomic<bool> cancel{false};
        const TrainOutcome duringTraining = service.train(
            live, request,
            [&](const RoundProgress &p) {
                if (p.phase == RoundProgress::Phase::Training && p.done == 5)
                    cancel = true;
            },
            &cancel);
        QVERIFY(duringTraining.round.cancelled);
        QVERIFY(!duringTraining.modelVersion);

        // Cancelled while scoring the images, after the weights were trained.
        cancel = false;
        bool trained = false;
        const TrainOutcome duringScoring = service.train(
            live, request,
            [&](const RoundProgress &p) {
                trained = trained || p.phase == RoundProgress::Phase::Training;
                if (p.phase == RoundProgress::Phase::Scoring)
                    cancel = true;
            },
            &cancel);
        QVERIFY(trained);
        QVERIFY(duringScoring.round.cancelled);
        QVERIFY(!duringScoring.modelVersion);

        QCOMPARE(live.version, first.modelVersion);
        QCOMPARE(live.classifier->temperature(), temperature);
        const auto after = live.classifier->tensorState();
        QCOMPARE(after.size(), before.size());
        for (const auto &[name, state] : before)
            QVERIFY2(after.at(name).bytes == state.bytes, qPrintable(name));
        QCOMPARE(ModelVersionRepository(project->database()).list().size(), versions);
    }

private:
    QTemporaryDir m_root;
    QString m_project;
};

QTEST_GUILESS_MAIN(TestLiveLoop)
#include "test_liveloop.moc"
