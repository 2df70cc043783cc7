// Model-core benchmark: smallcnn inference and training, ResNet-18 inference at 224x224, and a
// frozen round + pool rescoring through the feature cache, against tests/bench/reference_model.py
// (Debian's python3-torch, best of eager / channels_last / optimize_for_inference) run in the
// same invocation with the same thread count. Prints figures and ratios; asserts nothing.
//   bench_model [--quick] [--threads N] [--no-python] [--training-only]
#include "app/runtimeenvironment.h"
#include "model/modelfixtures.h"
#include "pythonreference.h"

#include "model/classifier.h"
#include "model/torchthreads.h"
#include "model/trainer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>

#include "benchstats.h"

using namespace activelabel;
using activelabel::bench::median;
using namespace activelabel::testing;

namespace {

std::vector<std::size_t> iota(std::size_t n)
{
    std::vector<std::size_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = i;
    return v;
}

QStringList classes(int n)
{
    QStringList c;
    for (int i = 0; i < n; ++i)
        c << QStringLiteral("c%1").arg(i);
    return c;
}

double inferenceRate(Classifier &c, const ImageProvider &images, std::size_t n, int batch, int repeats)
{
    PredictOptions o;
    o.batchSize = batch;
    o.useFeatureCache = false;
    const auto indices = iota(n);
    c.predict(images, std::vector<std::size_t>(indices.begin(), indices.begin() + std::min<std::size_t>(n, 256)), o);
    std::vector<double> rates;
    for (int r = 0; r < repeats; ++r) {
        QElapsedTimer t;
        t.start();
        c.predict(images, indices, o);
        rates.push_back(double(n) / (double(t.nsecsElapsed()) / 1e9));
    }
    return median(rates);
}

} // namespace

int main(int argc, char **argv)
{
    ensureRuntimeEnvironment(argv); // measure what the application runs with
    QCoreApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // figures appear as they are measured
    const QStringList args = app.arguments();
    const bool quick = args.contains(QStringLiteral("--quick"));
    int threads = 2;
    if (const int i = int(args.indexOf(QStringLiteral("--threads"))); i > 0 && i + 1 < args.size())
        threads = args.at(i + 1).toInt();
    initTorchThreads(threads);
    const int repeats = quick ? 3 : 5;
    // --training-only: just section 2, for profiling the training loop.
    const bool trainingOnly = args.contains(QStringLiteral("--training-only"));

    QJsonObject python;
    if (!args.contains(QStringLiteral("--no-python")) && !trainingOnly)
        python = bench::runPythonReference(QStringLiteral("reference_model.py"),
                                           quick ? QStringList{QStringLiteral("--quick")} : QStringList{}, threads);
    auto best = [&](const char *key) {
        return python.value(QString::fromLatin1(key) + QStringLiteral("_best")).toObject().value("images_per_second").toDouble();
    };
    auto bestConfig = [&](const char *key) {
        return python.value(QString::fromLatin1(key) + QStringLiteral("_best")).toObject().value("config").toString();
    };

    Dataset fashion = loadFashionMnist("train", 21000);
    // 1. smallcnn inference, 28x28, end to end from decoded pixels (preprocessing included).
    auto small = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), classes(10), 1);
    const std::size_t inferN = quick ? 5120 : 10240;
    double ourInfer = 0;
    int ourInferBatch = 0;
    for (int b : trainingOnly ? std::vector<int>{} : std::vector<int>{64, 128, 256, 512}) {
        const double rate = inferenceRate(*small, fashion.provider, inferN, b, repeats);
        std::printf("ours smallcnn inference batch %d: %.0f images/s\n", b, rate);
        if (rate > ourInfer) {
            ourInfer = rate;
            ourInferBatch = b;
        }
    }
    const double smallFlops = 2.0 * (28 * 28 * 32 * 9 + 14 * 14 * 64 * 32 * 9 + 3136 * 128 + 128 * 10);

    // 2. smallcnn training at batch 64 and 128 (the Python reference reports its best of both),
    // full mode, no held-out slice, no augmentation.
    std::printf("smallcnn inference best: %.0f images/s\n", ourInfer);
    const std::size_t trainN = quick ? 2048 : 4096;
    std::vector<LabelledSample> labels;
    for (std::size_t i = 0; i < trainN; ++i)
        labels.push_back({i, fashion.labels[i]});
    double ourTrain = 0;
    int ourTrainBatch = 0;
    for (int batch : {64, 128}) {
        std::vector<double> trainRates;
        for (int r = 0; r < repeats; ++r) {
            auto c = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), classes(10), 1);
            TrainingOptions o;
            o.mode = TransferMode::full();
            o.batchSize = batch;
            o.maxSteps = int(trainN) / batch;
            o.minLabelsForHeldOut = 1 << 30;
            o.augment = args.contains(QStringLiteral("--augment"));
            QElapsedTimer clock;
            clock.start();
            std::vector<double> at;
            const RoundResult res = Trainer::train(
                *c, fashion.provider, labels, o, [&](int, int, double) { at.push_back(double(clock.nsecsElapsed()) / 1e9); });
            trainRates.push_back(double(res.steps) * batch / res.seconds);
            if (trainingOnly)
                std::printf("batch %d: round %.3f s, first step reported at %.3f s, steps 2..%d: %.0f images/s\n", batch,
                            res.seconds, at.front(), res.steps, double(at.size() - 1) * batch / (at.back() - at.front()));
        }
        const double rate = median(trainRates);
        std::printf("ours smallcnn training batch %d: %.0f images/s\n", batch, rate);
        if (rate > ourTrain) {
            ourTrain = rate;
            ourTrainBatch = batch;
        }
    }
    if (trainingOnly)
        return 0;

    // 3. ResNet-18 inference at 224x224 RGB.
    Dataset rgb = syntheticShapes(quick ? 32 : 128, 224, 3, 1);
    auto resnet = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("resnet18")), classes(10), 1);
    double ourResnet = 0;
    for (int b : quick ? std::vector<int>{32} : std::vector<int>{32, 64})
        ourResnet = std::max(ourResnet, inferenceRate(*resnet, rgb.provider, rgb.provider.size(), b, 3));

    // 4. Frozen round on 1,000 labels + rescoring a 20,000-image pool through the feature cache.
    auto cached = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), classes(10), 1);
    std::vector<LabelledSample> thousand(labels.begin(), labels.begin() + 1000);
    std::vector<std::size_t> pool;
    for (std::size_t i = 1000; i < 21000; ++i)
        pool.push_back(i);
    TrainingOptions frozen;
    frozen.mode = TransferMode::frozen();
    QElapsedTimer cold;
    cold.start();
    Trainer::train(*cached, fashion.provider, thousand, frozen);
    cached->predict(fashion.provider, pool);
    const double coldSeconds = double(cold.nsecsElapsed()) / 1e9;
    std::vector<double> roundSeconds;
    int roundSteps = 0;
    for (int r = 0; r < repeats; ++r) {
        QElapsedTimer t;
        t.start();
        frozen.seed = std::uint64_t(r + 1);
        roundSteps = Trainer::train(*cached, fashion.provider, thousand, frozen).steps;
        cached->predict(fashion.provider, pool);
        roundSeconds.push_back(double(t.nsecsElapsed()) / 1e9);
    }
    const double ourRound = median(roundSeconds);
    const auto stats = cached->featureCacheStats();

    const double peak = measureMatmulGflops();
    std::printf("\n== bench_model (threads %d, medians over %d repeats) ==\n", threads, repeats);
    std::printf("attainable fp32 peak (1024^2 matmul, same threads): %.1f GFLOP/s\n", peak);
    std::printf("smallcnn inference 28x28: ours %.0f images/s (batch %d, incl. preprocessing, %.1f GFLOP/s = %.0f%% of "
                "peak), python best %.0f (%s), ratio %.2f\n",
                ourInfer, ourInferBatch, ourInfer * smallFlops / 1e9, 100.0 * ourInfer * smallFlops / 1e9 / peak,
                best("smallcnn_inference"),
                qPrintable(bestConfig("smallcnn_inference")), ourInfer / std::max(1.0, best("smallcnn_inference")));
    std::printf("smallcnn training 28x28: ours %.0f images/s (batch %d, %.0f%% of peak at 3x the forward FLOPs), "
                "python best %.0f (%s), ratio %.2f\n",
                ourTrain, ourTrainBatch, 100.0 * ourTrain * 3.0 * smallFlops / 1e9 / peak,
                best("smallcnn_training"), qPrintable(bestConfig("smallcnn_training")),
                ourTrain / std::max(1.0, best("smallcnn_training")));
    std::printf("resnet18 inference 224x224: ours %.1f images/s (%.1f GFLOP/s), python best %.1f (%s), ratio %.2f\n",
                ourResnet, ourResnet * 3.64, best("resnet18_inference"), qPrintable(bestConfig("resnet18_inference")),
                ourResnet / std::max(1e-9, best("resnet18_inference")));
    std::printf("frozen round (1,000 labels, %d steps) + rescoring 20,000 pool: ours %.3f s with the feature cache "
                "(cold first round + fill %.2f s; cache %zu entries, %.1f MB); python (head on precomputed features "
                "+ best-config network over the pool) %.2f s, ratio %.1fx\n",
                roundSteps, ourRound, coldSeconds, stats.entries, double(stats.bytes) / 1e6,
                python.value("frozen_round_rescore_seconds").toDouble(),
                python.value("frozen_round_rescore_seconds").toDouble() / ourRound);
    return 0;
}
