// Training-recipe variants on 1,000 Fashion-MNIST labels (the first 1,000 training images),
// smallcnn from a fresh start in `full` mode, each scored on the 10,000 test images. This is the
// measurement behind the trainer's defaults (no selection of weights on the held-out slice).
// Letters combine: F horizontal flips, H no held-out slice, E 60 epochs, L learning rate 3e-3,
// W weight decay 5e-4, P early stopping with keep-best (patience 8), B keep-best without stopping,
// T a 10% held-out slice, K a constant learning rate (the default decays it, cosine), N no label
// smoothing (the default smooths by 0.1). "D" alone is the current default. Prints; asserts
// nothing. --labels N trains on the first N training images instead (the semi-supervised
// ceiling: all 20,000 labels), --epochs N sets the fresh round's epochs.
//   bench_training_recipe D,B,P,H,T [--threads N] [--labels N] [--epochs N]
#include "app/runtimeenvironment.h"
#include "model/modelfixtures.h"
#include "model/classifier.h"
#include "model/evaluation.h"
#include "model/torchthreads.h"
#include "model/trainer.h"

#include <QCoreApplication>

#include <cstdio>

using namespace activelabel;
using namespace activelabel::testing;

int main(int argc, char **argv)
{
    ensureRuntimeEnvironment(argv); // measure what the application runs with
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int t = int(args.indexOf(QStringLiteral("--threads")));
    initTorchThreads(t > 0 && t + 1 < args.size() ? args.at(t + 1).toInt() : 2);
    auto intArg = [&](const char *name, int fallback) {
        const int i = int(args.indexOf(QString::fromLatin1(name)));
        return i > 0 && i + 1 < args.size() ? args.at(i + 1).toInt() : fallback;
    };
    const std::size_t labelCount = std::size_t(std::max(1, intArg("--labels", 1000)));
    const int epochs = intArg("--epochs", 0);
    const Dataset train = loadFashionMnist("train", labelCount);
    const Dataset test = loadFashionMnist("t10k");
    std::vector<std::size_t> testIdx(test.provider.size());
    for (std::size_t i = 0; i < testIdx.size(); ++i)
        testIdx[i] = i;
    QStringList classes;
    for (int i = 0; i < 10; ++i)
        classes << QString::number(i);
    std::vector<LabelledSample> labels;
    for (std::size_t i = 0; i < train.provider.size(); ++i)
        labels.push_back({i, train.labels[i]});
    const QString which = args.value(1, QStringLiteral("D,P,B"));
    for (const QString &v : which.split(',')) {
        auto c = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), classes, 0);
        TrainingOptions o;
        o.mode = TransferMode::full();
        if (epochs > 0)
            o.epochs = epochs;
        if (v.contains('F'))
            o.horizontalFlip = true;
        if (v.contains('H'))
            o.minLabelsForHeldOut = 1 << 30;
        if (v.contains('E'))
            o.epochs = 60;
        if (v.contains('L'))
            o.learningRate = 3e-3;
        if (v.contains('W'))
            o.weightDecay = 5e-4;
        if (v.contains('P')) {
            o.patience = 8;
            o.keepBestOnHeldOut = true;
        }
        if (v.contains('B'))
            o.keepBestOnHeldOut = true;
        if (v.contains('T'))
            o.heldOutFraction = 0.1;
        if (v.contains('K'))
            o.cosineSchedule = false;
        if (v.contains('N'))
            o.labelSmoothing = 0.0;
        const RoundResult r = Trainer::train(*c, train.provider, labels, o);
        const double acc = evaluate(c->predict(test.provider, testIdx).probabilities, test.labels).accuracy;
        std::printf("%s: test accuracy %.4f, %d steps, early-stopped %d, %.1f s\n", qPrintable(v), acc, r.steps, int(r.earlyStopped), r.seconds);
        std::fflush(stdout);
    }
}
