// Training and inference throughput of the default model (smallcnn, 28x28) on the GPU beside the
// CPU, in the same run. Needs a CUDA LibTorch and a GPU: on Debian's CPU-only LibTorch it says so
// and exits 0. tests/cuda/run-cuda-check.sh builds and runs it on the GPU machine, next to
// tests/bench/reference_model.py --device cuda (a Python loop over tensors already on the device).
//   bench_device [--threads N]
// A round's time includes preprocessing its images once; the steady-state rate (the difference
// between a 6- and a 2-epoch round) is the figure to set beside the Python reference.
#include "model/modelfixtures.h"

#include "model/classifier.h"
#include "model/computedevice.h"
#include "model/torchthreads.h"
#include "model/trainer.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>

using namespace activelabel;
using namespace activelabel::testing;

namespace {

double secondsSince(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e9;
}

struct Rates
{
    double steadyTraining = 0; // images/s, preprocessing excluded
    double roundTraining = 0;  // images/s over a whole 6-epoch round
    double inference = 0;      // images/s, preprocessing included
};

Rates measure(const QString &device, int batch, const Dataset &data,
              const std::vector<LabelledSample> &labels)
{
    const QStringList classes{QStringLiteral("bars"), QStringLiteral("columns"),
                              QStringLiteral("disc")};
    auto c = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), classes, 3);
    c->setDevice(device);
    TrainingOptions o = quickRound(TransferMode::full());
    o.batchSize = batch;
    o.heldOutFraction = 0;
    o.augment = false;
    o.setExactEpochs(1);
    Trainer::train(*c, data.provider, labels, o); // warm-up: allocator, cuDNN plans
    double seconds[2] = {0, 0};
    int steps[2] = {0, 0};
    for (int k = 0; k < 2; ++k) {
        o.setExactEpochs(k == 0 ? 2 : 6);
        QElapsedTimer t;
        t.start();
        steps[k] = Trainer::train(*c, data.provider, labels, o).steps;
        seconds[k] = secondsSince(t);
    }
    Rates r;
    r.roundTraining = double(steps[1]) * batch / seconds[1];
    r.steadyTraining = double(steps[1] - steps[0]) * batch / (seconds[1] - seconds[0]);
    PredictOptions p;
    p.useFeatureCache = false;
    QElapsedTimer t;
    t.start();
    c->predict(data.provider, indexRange(0, data.labels.size()), p);
    r.inference = double(data.labels.size()) / secondsSince(t);
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const QStringList args = app.arguments();
    int threads = 2;
    if (const int i = int(args.indexOf(QStringLiteral("--threads"))); i > 0 && i + 1 < args.size())
        threads = args.at(i + 1).toInt();
    initTorchThreads(threads);
    if (cudaDeviceCount() == 0) {
        std::printf(
            "bench_device: skipped: this LibTorch build has no CUDA device (Debian's is CPU-only); "
            "tests/cuda/run-cuda-check.sh runs it on a GPU machine\n");
        return 0;
    }

    const Dataset data = syntheticShapes(4096, 28, 1, 5);
    const std::vector<LabelledSample> labels = labelledRange(data, 0, data.labels.size());
    for (int batch : {64, 128}) {
        const Rates gpu = measure(QStringLiteral("cuda"), batch, data, labels);
        const Rates cpu = measure(QStringLiteral("cpu"), batch, data, labels);
        std::printf(
            "smallcnn 28x28 training, batch %d: cuda %.0f img/s steady (%.0f per 6-epoch round), "
            "cpu (%d threads) %.0f img/s steady (%.0f per round): cuda/cpu %.1fx\n",
            batch, gpu.steadyTraining, gpu.roundTraining, torchThreads(), cpu.steadyTraining,
            cpu.roundTraining, gpu.steadyTraining / cpu.steadyTraining);
        if (batch == 64)
            std::printf("smallcnn 28x28 inference incl. preprocessing: cuda %.0f img/s, cpu %.0f "
                        "img/s: cuda/cpu %.1fx\n",
                        gpu.inference, cpu.inference, gpu.inference / cpu.inference);
    }
    return 0;
}
