// Classifier + trainer behaviour on small synthetic data: transfer modes really freeze what they
// say, the head grows without touching old classes, checkpoints round-trip exactly, exports load
// in Python and give our probabilities.
#include "modelfixtures.h"

#include "model/classifier.h"
#include "model/evaluation.h"
#include "model/modelerror.h"
#include "model/torchthreads.h"
#include "model/trainer.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace activelabel;
using namespace activelabel::testing;

namespace {

double accuracy(const FloatMatrix &p, const std::vector<int> &truth, std::size_t offset)
{
    std::vector<int> t(truth.begin() + std::ptrdiff_t(offset), truth.begin() + std::ptrdiff_t(offset + p.rows));
    return evaluate(p, t).accuracy;
}

} // namespace

class TestClassifier : public QObject
{
    Q_OBJECT

private:
    Dataset m_data = syntheticShapes(240, 28, 1, 1);
    QStringList m_classes{QStringLiteral("bars"), QStringLiteral("columns"), QStringLiteral("disc")};

    std::unique_ptr<Classifier> trained()
    {
        auto c = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), m_classes, 3);
        Trainer::train(*c, m_data.provider, labelledRange(m_data, 0, 120), quickRound(TransferMode::full()));
        return c;
    }

private Q_SLOTS:
    void initTestCase() { initTorchThreads(testThreads()); }

    void transferModeParsing()
    {
        for (const char *text : {"frozen", "finetune:2", "full", "scratch", "auto"})
            QCOMPARE(TransferMode::parse(QString::fromLatin1(text))->toString(), QString::fromLatin1(text));
        QString error;
        QVERIFY(!TransferMode::parse(QStringLiteral("finetune:0"), &error));
        QVERIFY(error.contains(QStringLiteral("finetune:N")));
        QVERIFY(!TransferMode::parse(QStringLiteral("finetune:x")));
        QVERIFY(!TransferMode::parse(QStringLiteral("warm")));
    }

    void builtinsHaveBlocksAndTorchvisionNames()
    {
        auto small = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), m_classes, 1);
        QCOMPARE(small->blockNames(), (QStringList{"conv1", "conv2", "fc"}));
        QCOMPARE(small->featureDim(), 128);
        ModelSpec rs = ModelSpec::defaultsFor(QStringLiteral("resnet18"));
        rs.inputHeight = rs.inputWidth = 32;
        auto resnet = Classifier::create(rs, m_classes, 1);
        QCOMPARE(resnet->blockNames(), (QStringList{"stem", "layer1", "layer2", "layer3", "layer4"}));
        const auto state = resnet->tensorState();
        for (const char *name : {"backbone.conv1.weight", "backbone.bn1.running_var", "backbone.layer1.0.conv2.weight",
                                 "backbone.layer2.0.downsample.0.weight", "backbone.layer4.1.bn2.num_batches_tracked"})
            QVERIFY2(state.count(QString::fromLatin1(name)), name);
        std::int64_t total = 0;
        for (const auto &n : resnet->blockParameterCounts())
            total += n;
        QCOMPARE(total, std::int64_t(11176512)); // torchvision resnet18 without fc
    }

    void learnsSyntheticShapes()
    {
        auto c = trained();
        const auto p = c->predict(m_data.provider, indexRange(120, 240));
        QVERIFY2(accuracy(p.probabilities, m_data.labels, 120) > 0.9, "synthetic shapes must be learnt");
        for (std::size_t r = 0; r < p.probabilities.rows; ++r) {
            double sum = 0;
            for (std::size_t k = 0; k < 3; ++k)
                sum += p.probabilities.at(r, k);
            QVERIFY(std::abs(sum - 1.0) < 1e-5);
        }
        QCOMPARE(p.embeddings.cols, std::size_t(128));
    }

    void frozenReallyFreezes()
    {
        auto c = trained();
        const auto before = c->tensorState();
        const RoundResult r = Trainer::train(*c, m_data.provider, labelledRange(m_data, 0, 150), quickRound(TransferMode::frozen()));
        QCOMPARE(r.modeUsed, TransferMode::frozen());
        QVERIFY(r.usedFeatureCache);
        const auto after = c->tensorState();
        for (const auto &[name, state] : after) {
            if (name.startsWith(QLatin1String("head.")))
                continue;
            // Parameters and BatchNorm buffers (running stats, batch counters) are untouched.
            QVERIFY2(state.bytes == before.at(name).bytes, qPrintable(name));
        }
        QVERIFY(after.at("head.weight").bytes != before.at("head.weight").bytes);
        // The frozen backbone never received gradients in this round.
        auto fresh = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), m_classes, 3);
        Trainer::train(*fresh, m_data.provider, labelledRange(m_data, 0, 60), quickRound(TransferMode::frozen()));
        for (const auto &[name, state] : fresh->tensorState())
            if (name.startsWith(QLatin1String("backbone.")))
                QVERIFY2(!state.hasGradient && !state.requiresGrad, qPrintable(name));
    }

    void finetuneChangesOnlyLastBlocks()
    {
        auto c = trained();
        const auto before = c->tensorState();
        const RoundResult r = Trainer::train(*c, m_data.provider, labelledRange(m_data, 0, 150), quickRound(TransferMode::finetune(1)));
        QCOMPARE(r.frozenBlocks, 2);
        const auto after = c->tensorState();
        int changedFc = 0;
        for (const auto &[name, state] : after) {
            const bool same = state.bytes == before.at(name).bytes;
            if (name.startsWith(QLatin1String("backbone.conv")))
                QVERIFY2(same, qPrintable(name)); // includes conv BatchNorm running statistics
            else if (name.startsWith(QLatin1String("backbone.fc")) && !same)
                ++changedFc;
        }
        QCOMPARE(changedFc, 2); // fc.linear.weight and fc.linear.bias
    }

    void headGrowthKeepsOldLogits()
    {
        auto c = trained();
        PredictOptions o;
        o.logits = true;
        const auto before = c->predict(m_data.provider, indexRange(0, 30), o);
        c->addClass(QStringLiteral("new"));
        QCOMPARE(c->classCount(), 4);
        const auto after = c->predict(m_data.provider, indexRange(0, 30), o);
        QCOMPARE(after.logits.cols, std::size_t(4));
        for (std::size_t r = 0; r < 30; ++r)
            for (std::size_t k = 0; k < 3; ++k)
                QCOMPARE(after.logits.at(r, k), before.logits.at(r, k));
        QVERIFY_THROWS_EXCEPTION(ModelError, c->addClass(QStringLiteral("disc")));
        // The grown head trains: a round with the fourth class present works.
        Dataset extra = m_data;
        for (std::size_t i = 0; i < 20; ++i) {
            cv::Mat m(28, 28, CV_8UC1, cv::Scalar(0));
            cv::line(m, {0, 0}, {27, 27}, cv::Scalar(255), 3);
            extra.provider.images.push_back(m);
            extra.labels.push_back(3);
        }
        auto labels = labelledRange(extra, 0, 120);
        for (std::size_t i = 240; i < 260; ++i)
            labels.push_back({i, 3});
        const RoundResult r = Trainer::train(*c, extra.provider, labels, quickRound(TransferMode::frozen()));
        QVERIFY(r.heldOutAccuracy > 0.5);
    }

    void checkpointRoundTripIsExact()
    {
        auto c = trained();
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("model v1.ckpt"));
        c->save(path);
        QVERIFY(!QFile::exists(path + QStringLiteral(".tmp")));
        auto loaded = Classifier::load(path);
        QCOMPARE(loaded->classNames(), c->classNames());
        QCOMPARE(loaded->temperature(), c->temperature());
        QCOMPARE(loaded->lastMode(), c->lastMode());
        QCOMPARE(loaded->backboneLabels(), c->backboneLabels());
        QCOMPARE(loaded->spec().inputHeight, 28);
        const auto a = c->tensorState(), b = loaded->tensorState();
        QCOMPARE(a.size(), b.size());
        for (const auto &[name, state] : a)
            QVERIFY2(state.bytes == b.at(name).bytes && state.shape == b.at(name).shape, qPrintable(name));
        const auto pa = c->predict(m_data.provider, indexRange(120, 180));
        const auto pb = loaded->predict(m_data.provider, indexRange(120, 180));
        QVERIFY(pa.probabilities.data == pb.probabilities.data);
        // The optimizer state travels too: the same next round from both gives the same weights.
        const auto opts = quickRound(TransferMode::full());
        Trainer::train(*c, m_data.provider, labelledRange(m_data, 0, 120), opts);
        Trainer::train(*loaded, m_data.provider, labelledRange(m_data, 0, 120), opts);
        QVERIFY(c->tensorState().at("head.weight").bytes == loaded->tensorState().at("head.weight").bytes);

        QFile garbage(dir.filePath(QStringLiteral("garbage.ckpt")));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("not a checkpoint");
        garbage.close();
        QVERIFY_THROWS_EXCEPTION(ModelError, Classifier::load(garbage.fileName()));
        QVERIFY_THROWS_EXCEPTION(ModelError, Classifier::load(dir.filePath(QStringLiteral("missing"))));
    }

    void cancelLeavesModelUnchanged()
    {
        auto c = trained();
        const auto before = c->tensorState();
        std::atomic<bool> cancel{false};
        int calls = 0;
        const RoundResult r = Trainer::train(
            *c, m_data.provider, labelledRange(m_data, 0, 150), quickRound(TransferMode::full()),
            [&](int, int, double) {
                if (++calls == 3)
                    cancel = true;
            },
            &cancel);
        QVERIFY(r.cancelled);
        // Progress for step 3 comes once step 4 is queued (trainer.h); the round stops before 5.
        QCOMPARE(r.steps, 4);
        for (const auto &[name, state] : c->tensorState())
            QVERIFY2(state.bytes == before.at(name).bytes, qPrintable(name));
    }

    void minStepsFloorsShortRounds()
    {
        // 150 labels less the held-out slice: 121-128 train images, 8 steps of 16 per epoch.
        const auto labels = labelledRange(m_data, 0, 150);
        const auto stepsOf = [&](const TrainingOptions &o) {
            auto c = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), m_classes, 1);
            return Trainer::train(*c, m_data.provider, labels, o).steps;
        };
        TrainingOptions o = quickRound(TransferMode::full(), 1);
        QCOMPARE(stepsOf(o), 8);
        o.minSteps = 13; // the floor lifts a round that one epoch would end early
        QCOMPARE(stepsOf(o), 13);
        o.epochs = 2; // and leaves a longer one alone
        QCOMPARE(stepsOf(o), 16);
        o.maxSteps = 5; // an exact step count wins over both
        QCOMPARE(stepsOf(o), 5);
    }

    void trainingIsReproducible()
    {
        auto a = trained();
        auto b = trained();
        QVERIFY(a->tensorState().at("backbone.fc.linear.weight").bytes ==
                b->tensorState().at("backbone.fc.linear.weight").bytes);
    }

    void featureCacheServesRescoring()
    {
        auto c = trained();
        Trainer::train(*c, m_data.provider, labelledRange(m_data, 0, 120), quickRound(TransferMode::frozen()));
        const auto first = c->predict(m_data.provider, indexRange(0, 240));
        const auto hitsBefore = c->featureCacheStats().hits;
        const auto second = c->predict(m_data.provider, indexRange(0, 240));
        QVERIFY(c->featureCacheStats().hits >= hitsBefore + 240);
        QVERIFY(first.probabilities.data == second.probabilities.data);
        PredictOptions direct;
        direct.useFeatureCache = false;
        const auto uncached = c->predict(m_data.provider, indexRange(0, 240), direct);
        double maxDiff = 0;
        for (std::size_t i = 0; i < first.probabilities.data.size(); ++i)
            maxDiff = std::max(maxDiff, double(std::abs(first.probabilities.data[i] - uncached.probabilities.data[i])));
        QVERIFY2(maxDiff < 2e-3, qPrintable(QString::number(maxDiff))); // fp16 storage
        // MC dropout: T different stochastic passes around the deterministic prediction.
        const auto mc = c->predictMcDropout(m_data.provider, indexRange(0, 10), 5, 1);
        QCOMPARE(mc.size(), std::size_t(5));
        QVERIFY(mc[0].data != mc[1].data);
    }

    void failedImagesAreReported()
    {
        auto c = trained();
        Dataset broken = m_data;
        broken.provider.images[5] = cv::Mat();
        const auto p = c->predict(broken.provider, indexRange(0, 10));
        QCOMPARE(p.failedRows, std::vector<std::size_t>{5});
        QCOMPARE(p.failureReasons.size(), 1);
        QVERIFY(std::abs(p.probabilities.at(5, 0) - 1.0f / 3.0f) < 1e-6);
    }

    void exportRoundTripThroughPython()
    {
        auto c = trained();
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("exported model.pt"));
        c->exportTorchScript(model, QJsonObject{{"accuracy", 0.9}});
        QVERIFY(QFile::exists(model + QStringLiteral(".json")));
        const auto indices = indexRange(120, 184);
        const auto ours = c->predict(m_data.provider, indices);
        QFile pixels(dir.filePath(QStringLiteral("pixels.bin"))), probs(dir.filePath(QStringLiteral("probs.bin")));
        QVERIFY(pixels.open(QIODevice::WriteOnly) && probs.open(QIODevice::WriteOnly));
        for (auto i : indices)
            pixels.write(reinterpret_cast<const char *>(m_data.provider.images[i].data), 784);
        probs.write(reinterpret_cast<const char *>(ours.probabilities.data.data()),
                    qint64(ours.probabilities.data.size() * sizeof(float)));
        pixels.close();
        probs.close();
        const QString script = QStringLiteral(R"PY(
import json, sys, numpy as np, torch
model, pixels, probs = sys.argv[1:4]
side = json.load(open(model + ".json"))
assert side["format"] == "activelabel-model" and side["classes"] == ["bars", "columns", "disc"], side
h, w = side["input_size"]; c = side["channels"]
x = torch.from_numpy(np.fromfile(pixels, dtype=np.uint8).astype(np.float32)).reshape(-1, c, h, w) / 255.0
x = (x - torch.tensor(side["mean"]).view(1, c, 1, 1)) / torch.tensor(side["std"]).view(1, c, 1, 1)
m = torch.jit.load(model).eval()
with torch.no_grad():
    p = m(x); lg = m.logits(x); e = m.embed(x)
ref = torch.from_numpy(np.fromfile(probs, dtype=np.float32)).reshape(p.shape)
diff = (p - ref).abs().max().item()
assert torch.allclose(torch.softmax(lg / m.temperature, 1), p) and e.shape[1] == 128
print("maxdiff", diff)
sys.exit(0 if diff <= 1e-5 else 1)
)PY");
        QString output;
        const int rc = runPython(script, {model, pixels.fileName(), probs.fileName()}, &output);
        QVERIFY2(rc == 0, qPrintable(output));

        // C++ side: the export imports back as a bring-your-own backbone and keeps its head rows
        // for matching classes (here in another order, plus one new class).
        ModelSpec spec;
        spec.backbone = model;
        auto imported = Classifier::create(spec, {"disc", "bars", "columns", "other"}, 5);
        QCOMPARE(imported->spec().inputHeight, 28);
        QCOMPARE(imported->featureDim(), 128);
        PredictOptions o;
        o.logits = true;
        const auto a = c->predict(m_data.provider, indices, o);
        const auto b = imported->predict(m_data.provider, indices, o);
        double maxDiff = 0;
        for (std::size_t r = 0; r < a.logits.rows; ++r)
            for (auto [from, to] : {std::pair{0, 1}, std::pair{1, 2}, std::pair{2, 0}})
                maxDiff = std::max(maxDiff, double(std::abs(a.logits.at(r, std::size_t(from)) -
                                                            b.logits.at(r, std::size_t(to)))));
        QVERIFY2(maxDiff < 1e-4, qPrintable(QString::number(maxDiff)));
    }
};

QTEST_GUILESS_MAIN(TestClassifier)
#include "test_classifier.moc"
