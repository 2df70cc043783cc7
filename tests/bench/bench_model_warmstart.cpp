// Warm-start study (Ash & Adams 2020): over active-learning-like rounds on Fashion-MNIST (labels
// added in equal steps, smallcnn, `full` warm rounds), compare continuing from the previous
// weights, shrink-and-perturb, and retraining from scratch. Prints test accuracy per round and
// the mean over rounds (an area under the learning curve) per variant; asserts nothing.
//   bench_model_warmstart [--seeds K] [--rounds R] [--step N]
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
    auto intArg = [&](const char *name, int fallback) {
        const int i = int(args.indexOf(QString::fromLatin1(name)));
        return i > 0 && i + 1 < args.size() ? args.at(i + 1).toInt() : fallback;
    };
    const int seeds = intArg("--seeds", 2), rounds = intArg("--rounds", 4), step = intArg("--step", 200);
    initTorchThreads(intArg("--threads", 2));
    const Dataset train = loadFashionMnist("train", std::size_t(rounds * step));
    const Dataset test = loadFashionMnist("t10k", 2000);
    std::vector<std::size_t> testIdx(test.provider.size());
    for (std::size_t i = 0; i < testIdx.size(); ++i)
        testIdx[i] = i;
    QStringList classes;
    for (int i = 0; i < 10; ++i)
        classes << QString::number(i);

    struct Variant
    {
        const char *name;
        TransferMode mode;
        WarmStart warm;
    };
    const Variant variants[] = {{"continue", TransferMode::full(), WarmStart::Continue},
                                {"shrink-perturb", TransferMode::full(), WarmStart::ShrinkAndPerturb},
                                {"scratch", TransferMode::scratch(), WarmStart::Continue}};
    for (const auto &v : variants) {
        double sumAcc = 0, sumFinal = 0, seconds = 0;
        long steps = 0;
        for (int s = 0; s < seeds; ++s) {
            auto c = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), classes, std::uint64_t(s));
            std::printf("%-15s seed %d:", v.name, s);
            for (int r = 1; r <= rounds; ++r) {
                std::vector<LabelledSample> labels;
                for (std::size_t i = 0; i < std::size_t(r * step); ++i)
                    labels.push_back({i, train.labels[i]});
                TrainingOptions o;
                o.mode = r == 1 ? TransferMode::full() : v.mode;
                o.warmStart = v.warm;
                o.setExactEpochs(15);
                o.seed = std::uint64_t(s * 100 + r);
                const RoundResult res = Trainer::train(*c, train.provider, labels, o);
                const double acc = evaluate(c->predict(test.provider, testIdx).probabilities, test.labels).accuracy;
                std::printf(" %d:%.3f", r * step, acc);
                std::fflush(stdout);
                sumAcc += acc;
                seconds += res.seconds;
                steps += res.steps;
                if (r == rounds)
                    sumFinal += acc;
            }
            std::printf("\n");
        }
        std::printf("== %-15s mean accuracy over rounds %.4f, final %.4f, %ld steps, %.1f s training\n", v.name,
                    sumAcc / (seeds * rounds), sumFinal / seeds, steps, seconds);
    }
    return 0;
}
