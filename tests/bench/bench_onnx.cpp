// The ONNX export run by OpenCV's dnn module beside LibTorch's predict on the same model, in the
// same run: inference rate (median of 5 passes) and the largest probability difference.
//   bench_onnx [--threads N]
// smallcnn (28x28 grey) on 2,000 Fashion-MNIST test images after a short full round; resnet18
// (64x64 RGB, random weights, head fitted in a frozen round) on 256 synthetic images. LibTorch's
// figure is Classifier::predict (preprocessing included, feature cache off); OpenCV's is
// Net::forward on the tensor built from the sidecar (built once, outside the timing), in batches
// of 256 like predict's.
#include "model/modelfixtures.h"
#include "model/onnxfixtures.h"

#include "model/classifier.h"
#include "model/torchthreads.h"
#include "model/trainer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "benchstats.h"

using namespace activelabel;
using activelabel::bench::median;
using namespace activelabel::testing;

namespace {

template <typename F>
double medianSeconds(F &&run)
{
    std::vector<double> seconds;
    run(); // warm-up
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer t;
        t.start();
        run();
        seconds.push_back(double(t.nsecsElapsed()) / 1e9);
    }
    return median(seconds);
}

void compare(const char *name, Classifier &c, const Dataset &data, const QString &file)
{
    const std::vector<std::size_t> indices = indexRange(0, data.provider.images.size());
    PredictOptions options;
    options.embeddings = false;
    options.useFeatureCache = false;
    Prediction p;
    const double torchSeconds = medianSeconds([&] { p = c.predict(data.provider, indices, options); });

    c.exportOnnx(file);
    cv::dnn::Net net = cv::dnn::readNetFromONNX(file.toStdString());
    const cv::Mat blob = onnxInputBlob(readJsonFile(file + ".json"), data.provider, indices);
    const int n = int(indices.size()), batch = 256;
    cv::Mat probabilities(n, int(p.probabilities.cols), CV_32F);
    const double cvSeconds = medianSeconds([&] {
        for (int start = 0; start < n; start += batch) {
            const int end = std::min(n, start + batch);
            net.setInput(blob(std::vector<cv::Range>{{start, end}, cv::Range::all(), cv::Range::all(),
                                                      cv::Range::all()}).clone());
            net.forward().copyTo(probabilities.rowRange(start, end));
        }
    });
    double worst = 0;
    for (int r = 0; r < n; ++r)
        for (int k = 0; k < probabilities.cols; ++k)
            worst = std::max(worst, std::abs(double(probabilities.at<float>(r, k)) - p.probabilities.at(r, k)));
    std::printf("%-9s %5d images  LibTorch predict %8.0f img/s  OpenCV dnn %8.0f img/s  (x%.2f)  "
                "max |difference| %.2g\n",
                name, n, n / torchSeconds, n / cvSeconds, torchSeconds / cvSeconds, worst);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int threads = 2;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--threads") == 0)
            threads = std::max(1, std::atoi(argv[i + 1]));
    initTorchThreads(threads);
    cv::setNumThreads(threads);
    std::printf("threads: %d (LibTorch and OpenCV)\n", threads);
    QTemporaryDir dir;

    const Dataset train = loadFashionMnist("train", 1000);
    const Dataset test = loadFashionMnist("t10k", 2000);
    const QStringList fashion{"t-shirt", "trouser", "pullover", "dress", "coat",
                              "sandal", "shirt", "sneaker", "bag", "boot"};
    auto small = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), fashion, 1);
    Trainer::train(*small, train.provider, labelledRange(train, 0, 1000), quickRound(TransferMode::full(), 2, 32));
    compare("smallcnn", *small, test, dir.filePath(QStringLiteral("smallcnn.onnx")));

    const Dataset shapes = syntheticShapes(256, 64, 3, 5);
    ModelSpec spec = ModelSpec::defaultsFor(QStringLiteral("resnet18"));
    spec.inputHeight = spec.inputWidth = 64;
    auto resnet = Classifier::create(spec, {"bars", "columns", "disc"}, 1);
    Trainer::train(*resnet, shapes.provider, labelledRange(shapes, 0, 64), quickRound(TransferMode::frozen(), 1, 32));
    compare("resnet18", *resnet, shapes, dir.filePath(QStringLiteral("resnet18.onnx")));
    return 0;
}
