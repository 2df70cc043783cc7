// Compute devices: the CPU path always; with a CUDA LibTorch and a GPU (tests/cuda/run-cuda-check.sh
// on the GPU machine), every part of a round on the GPU, and files written there that the CPU
// reads back with the same numbers. On Debian's CPU-only LibTorch the GPU cases skip.
#include "modelfixtures.h"

#include "model/classifier.h"
#include "model/computedevice.h"
#include "model/evaluation.h"
#include "model/modelerror.h"
#include "model/torchthreads.h"
#include "model/trainer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace activelabel;
using namespace activelabel::testing;

namespace {

double maxAbsDiff(const FloatMatrix &a, const FloatMatrix &b)
{
    if (a.rows != b.rows || a.cols != b.cols)
        return 1e30;
    double m = 0;
    for (std::size_t i = 0; i < a.data.size(); ++i)
        m = std::max(m, double(std::abs(a.data[i] - b.data[i])));
    return m;
}

// ACTIVELABEL_DEVICE for the lifetime of the object, restored after.
class DeviceOverride
{
public:
    explicit DeviceOverride(const QByteArray &value)
        : m_had(qEnvironmentVariableIsSet("ACTIVELABEL_DEVICE")), m_old(qgetenv("ACTIVELABEL_DEVICE"))
    {
        qputenv("ACTIVELABEL_DEVICE", value);
    }
    ~DeviceOverride()
    {
        if (m_had)
            qputenv("ACTIVELABEL_DEVICE", m_old);
        else
            qunsetenv("ACTIVELABEL_DEVICE");
    }

private:
    bool m_had;
    QByteArray m_old;
};

} // namespace

// A macro, not a function: QSKIP returns from the test function it is written in.
#define REQUIRE_GPU()                                                                                        \
    if (cudaDeviceCount() == 0)                                                                              \
    QSKIP("this LibTorch build has no CUDA device (Debian's is CPU-only): GPU cases run in tests/cuda")

class TestDevice : public QObject
{
    Q_OBJECT

private:
    Dataset m_data = syntheticShapes(240, 28, 1, 1);
    QStringList m_classes{QStringLiteral("bars"), QStringLiteral("columns"), QStringLiteral("disc")};

    std::unique_ptr<Classifier> create(const QString &backbone = QStringLiteral("smallcnn"), std::uint64_t seed = 3)
    {
        return Classifier::create(ModelSpec::defaultsFor(backbone), m_classes, seed);
    }

    // A smallcnn moved to the GPU and given one full round on the first 120 images.
    std::unique_ptr<Classifier> trainedOnGpu()
    {
        auto c = create();
        c->setDevice(QStringLiteral("cuda"));
        Trainer::train(*c, m_data.provider, labelledRange(m_data, 0, 120), quickRound(TransferMode::full()));
        return c;
    }

    double heldAccuracy(Classifier &c)
    {
        const auto p = c.predict(m_data.provider, indexRange(120, 240));
        return evaluate(p.probabilities,
                        std::vector<int>(m_data.labels.begin() + 120, m_data.labels.end()))
            .accuracy;
    }


private Q_SLOTS:
    void initTestCase()
    {
        initTorchThreads(testThreads());
        qInfo("CUDA devices: %d; default device: %s", cudaDeviceCount(), qPrintable(defaultComputeDevice()));
    }

    void unknownDevicesAreRefusedClearly()
    {
        auto c = create();
        for (const char *bad : {"gpu", "cuda:x", "cuda:-1", "tpu"}) {
            try {
                c->setDevice(QString::fromLatin1(bad));
                QFAIL(qPrintable(QStringLiteral("'%1' was accepted").arg(QLatin1String(bad))));
            } catch (const ModelError &e) {
                QVERIFY2(e.message().contains(QLatin1String("unknown device")), qPrintable(e.message()));
            }
        }
        {
            DeviceOverride env("quantum");
            QVERIFY_THROWS_EXCEPTION(ModelError, defaultComputeDevice());
            QVERIFY_THROWS_EXCEPTION(ModelError, create());
        }
        // A device this machine does not have: a clear reason, and the classifier carries on.
        const QString absent = QStringLiteral("cuda:%1").arg(cudaDeviceCount());
        try {
            c->setDevice(absent);
            QFAIL("an absent CUDA device was accepted");
        } catch (const ModelError &e) {
            QVERIFY2(e.message().contains(QLatin1String("CUDA")), qPrintable(e.message()));
        }
        QCOMPARE(c->predict(m_data.provider, indexRange(0, 8)).probabilities.rows, std::size_t(8));
    }

    void cpuIsChosenWhenAskedOrWithoutCuda()
    {
        {
            DeviceOverride env("cpu");
            QCOMPARE(defaultComputeDevice(), QStringLiteral("cpu"));
            QCOMPARE(create()->device(), QStringLiteral("cpu"));
        }
        {
            DeviceOverride env("auto");
            QCOMPARE(defaultComputeDevice(), cudaDeviceCount() > 0 ? QStringLiteral("cuda:0") : QStringLiteral("cpu"));
        }
        auto c = create();
        c->setDevice(QStringLiteral("cpu"));
        QCOMPARE(c->device(), QStringLiteral("cpu"));
        const RoundResult r = Trainer::train(*c, m_data.provider, labelledRange(m_data, 0, 120), quickRound(TransferMode::full()));
        QCOMPARE(r.device, QStringLiteral("cpu"));
        QCOMPARE(r.toJson().value(QStringLiteral("device")).toString(), QStringLiteral("cpu"));
    }

    void newClassifiersUseTheGpu()
    {
        REQUIRE_GPU();
        DeviceOverride env("auto");
        auto c = create();
        QCOMPARE(c->device(), QStringLiteral("cuda:0"));
        const RoundResult r = Trainer::train(*c, m_data.provider, labelledRange(m_data, 0, 120), quickRound(TransferMode::full()));
        QCOMPARE(r.device, QStringLiteral("cuda:0"));
        QVERIFY2(heldAccuracy(*c) > 0.9, "synthetic shapes must be learnt on the GPU");
    }

    // Same weights, same images: the GPU's probabilities are the CPU's to float precision
    // (cuDNN without TF32), with and without the feature cache, and MC dropout draws the same masks.
    void gpuPredictionsMatchCpu()
    {
        REQUIRE_GPU();
        auto c = trainedOnGpu();
        Trainer::train(*c, m_data.provider, labelledRange(m_data, 0, 150), quickRound(TransferMode::frozen()));
        PredictOptions o;
        o.logits = true;
        o.mcDropoutPasses = 3;
        o.mcDropoutSeed = 11;
        const auto gpu = c->predict(m_data.provider, indexRange(0, 240), o);
        const auto gpuCached = c->predict(m_data.provider, indexRange(0, 240), o);
        QVERIFY(c->featureCacheStats().hits > 0);
        c->setDevice(QStringLiteral("cpu"));
        const auto cpu = c->predict(m_data.provider, indexRange(0, 240), o);
        const double d = maxAbsDiff(gpu.probabilities, cpu.probabilities);
        qInfo("max |p_gpu - p_cpu| = %.3g, logits %.3g", d, maxAbsDiff(gpu.logits, cpu.logits));
        QVERIFY2(d <= 1e-5, qPrintable(QString::number(d)));
        QVERIFY(maxAbsDiff(gpu.probabilities, gpuCached.probabilities) <= 1e-5);
        QCOMPARE(gpu.mcProbabilities.size(), std::size_t(3));
        for (std::size_t t = 0; t < 3; ++t)
            QVERIFY(maxAbsDiff(gpu.mcProbabilities[t], cpu.mcProbabilities[t]) <= 1e-5);
        QVERIFY(maxAbsDiff(gpu.embeddings, cpu.embeddings) <= 1e-4);
    }

    void everyTransferModeTrainsOnTheGpu()
    {
        REQUIRE_GPU();
        auto c = trainedOnGpu();
        const auto before = c->tensorState();
        const RoundResult frozen =
            Trainer::train(*c, m_data.provider, labelledRange(m_data, 0, 150), quickRound(TransferMode::frozen()));
        QVERIFY(frozen.usedFeatureCache);
        const auto after = c->tensorState();
        for (const auto &[name, state] : before)
            if (name.startsWith(QLatin1String("backbone.")))
                QVERIFY2(after.at(name).bytes == state.bytes, qPrintable(name + " moved in a frozen round"));
        QVERIFY(after.at(QStringLiteral("head.weight")).bytes != before.at(QStringLiteral("head.weight")).bytes);

        TrainingOptions perturbed = quickRound(TransferMode::finetune(1));
        perturbed.warmStart = WarmStart::ShrinkAndPerturb;
        for (const TrainingOptions &o : {perturbed, quickRound(TransferMode::full()), quickRound(TransferMode::scratch()),
                                         quickRound(TransferMode::automatic())}) {
            const RoundResult r = Trainer::train(*c, m_data.provider, labelledRange(m_data, 0, 120), o);
            QCOMPARE(r.device, QStringLiteral("cuda:0"));
            QVERIFY2(std::isfinite(r.trainLoss) && r.temperature > 0, qPrintable(o.mode.toString()));
        }
        QVERIFY2(heldAccuracy(*c) > 0.9, "the last round (auto) must still classify the shapes");

        // The head grows and is remapped on the device, and a round trains with it.
        c->addClass(QStringLiteral("blank"));
        c->remapClasses({QStringLiteral("disc"), QStringLiteral("bars"), QStringLiteral("columns")}, {2, 0, 1});
        std::vector<LabelledSample> remapped;
        for (std::size_t i = 0; i < 120; ++i)
            remapped.push_back({i, (m_data.labels[i] + 1) % 3});
        Trainer::train(*c, m_data.provider, remapped, quickRound(TransferMode::full()));
        QCOMPARE(c->classCount(), 3);
    }

    void cancelOnTheGpuRestoresTheModel()
    {
        REQUIRE_GPU();
        auto c = trainedOnGpu();
        const auto before = c->tensorState();
        std::atomic<bool> cancel{false};
        const RoundResult r = Trainer::train(
            *c, m_data.provider, labelledRange(m_data, 0, 150), quickRound(TransferMode::full()),
            [&](int step, int, double) {
                if (step == 3)
                    cancel = true;
            },
            &cancel);
        QVERIFY(r.cancelled);
        const auto after = c->tensorState();
        for (const auto &[name, state] : before)
            QVERIFY2(after.at(name).bytes == state.bytes, qPrintable(name));
    }

    // A checkpoint and an export written from the GPU hold CPU tensors: a CPU-only machine opens
    // them, with the optimizer's moments, and gets the GPU's numbers.
    void filesFromTheGpuOpenOnTheCpu()
    {
        REQUIRE_GPU();
        QTemporaryDir dir;
        const QString checkpoint = dir.filePath(QStringLiteral("model.ckpt"));
        const QString exported = dir.filePath(QStringLiteral("export.pt"));
        auto c = trainedOnGpu();
        c->save(checkpoint);
        c->exportTorchScript(exported);
        PredictOptions withLogits;
        withLogits.logits = true;
        const auto gpu = c->predict(m_data.provider, indexRange(120, 240), withLogits);

        {
            DeviceOverride env("cpu");
            auto onCpu = Classifier::load(checkpoint);
            QCOMPARE(onCpu->device(), QStringLiteral("cpu"));
            QVERIFY(maxAbsDiff(onCpu->predict(m_data.provider, indexRange(120, 240)).probabilities, gpu.probabilities) <=
                    1e-5);
            const RoundResult r =
                Trainer::train(*onCpu, m_data.provider, labelledRange(m_data, 0, 150), quickRound(TransferMode::full()));
            QCOMPARE(r.device, QStringLiteral("cpu"));

            ModelSpec spec;
            spec.backbone = exported;
            auto imported = Classifier::create(spec, m_classes, 5);
            QCOMPARE(imported->device(), QStringLiteral("cpu"));
            // Logits: an imported backbone starts its own calibration (temperature 1).
            const double d = maxAbsDiff(imported->predict(m_data.provider, indexRange(120, 240), withLogits).logits, gpu.logits);
            QVERIFY2(d <= 1e-4, qPrintable(QString::number(d)));
        }

        // Back on the GPU from the same files: the checkpoint continues with its moments, the
        // export trains as an imported backbone (generic re-initialisation for scratch).
        auto again = Classifier::load(checkpoint);
        QCOMPARE(again->device(), QStringLiteral("cuda:0"));
        Trainer::train(*again, m_data.provider, labelledRange(m_data, 0, 150), quickRound(TransferMode::full()));
        ModelSpec spec;
        spec.backbone = exported;
        auto imported = Classifier::create(spec, m_classes, 5);
        QCOMPARE(imported->device(), QStringLiteral("cuda:0"));
        for (const TransferMode &mode : {TransferMode::frozen(), TransferMode::scratch()})
            QCOMPARE(Trainer::train(*imported, m_data.provider, labelledRange(m_data, 0, 120), quickRound(mode)).device,
                     QStringLiteral("cuda:0"));

        // Python opens the export without map_location: its tensors must be CPU tensors.
        QString output;
        const int rc = runPython(QStringLiteral(R"PY(
import sys, torch
m = torch.jit.load(sys.argv[1])
devices = {t.device.type for t in list(m.parameters()) + list(m.buffers())}
print("export tensors on", devices)
sys.exit(0 if devices == {"cpu"} else 1)
)PY"),
                                 {exported}, &output);
        QVERIFY2(rc == 0, qPrintable(output));
    }

    void resnetRoundOnTheGpu()
    {
        REQUIRE_GPU();
        Dataset rgb = syntheticShapes(96, 64, 3, 2);
        ModelSpec spec = ModelSpec::defaultsFor(QStringLiteral("resnet18"));
        spec.inputHeight = spec.inputWidth = 64;
        auto c = Classifier::create(spec, m_classes, 1);
        c->setDevice(QStringLiteral("cuda"));
        std::vector<LabelledSample> labels;
        for (std::size_t i = 0; i < 64; ++i)
            labels.push_back({i, rgb.labels[i]});
        const RoundResult r = Trainer::train(*c, rgb.provider, labels, quickRound(TransferMode::full()));
        QCOMPARE(r.device, QStringLiteral("cuda:0"));
        const auto gpu = c->predict(rgb.provider, indexRange(64, 96));
        c->setDevice(QStringLiteral("cpu"));
        const double d = maxAbsDiff(gpu.probabilities, c->predict(rgb.provider, indexRange(64, 96)).probabilities);
        qInfo("resnet18: max |p_gpu - p_cpu| = %.3g", d);
        QVERIFY2(d <= 1e-4, qPrintable(QString::number(d)));
    }
};

QTEST_GUILESS_MAIN(TestDevice)
#include "test_device.moc"
