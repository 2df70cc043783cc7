// The label-efficiency protocol without a project: Fashion-MNIST read straight from the
// IDX files (pool = a seeded random subset of the training images, test = the test images), the
// same Simulation and reports `activelabel-cli simulate` uses. Arguments (all optional):
//   bench_simulation OUT_DIR [strategies] [pool] [seeds] [init] [batch] [budget] [transfer] [continue|shrink-perturb]
//                    [candidates] [warm-epochs] [min-steps] [semi|semi:KEY=VALUE,...|supervised]
// defaults: ./simulation-bench all 20000 3 100 100 1000 auto continue 2000 (the candidate subset
// scored each round, kDefaultCandidateLimit) 0 (the trainer's bound) -1 (the trainer's floor) supervised
// (semi: semi-supervised rounds with the recommended recipe, as simulate --semi; semi:... changes
// it for ablations, keys threshold, min-threshold, class-balanced, steps, ratio, weight, passes,
// pool, strong, e.g. semi:threshold=0.8,strong=0); torch threads: OMP_NUM_THREADS, else
// every core, as activelabel-cli.
//   bench_simulation --merge OUT_DIR IN_DIR...
// joins the rounds.csv/summary.csv of runs made in parallel (e.g. one process per group of
// strategies) into one rounds.csv, summary.csv and plot. Both forms print the table of
// docs/benchmarks.md: test accuracy at 200/500/1,000 labels (mean ± std over seeds), AUBC and wall
// time.
#include "app/runtimeenvironment.h"
#include "app/simulation/simulation.h"
#include "app/simulation/simulationreport.h"
#include "model/sampling/randomsampler.h"
#include "model/modelfixtures.h"
#include "model/torchthreads.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QThread>

#include <opencv2/core.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>

using namespace activelabel;

namespace {

double meanOf(const std::vector<double> &v)
{
    double sum = 0;
    for (double x : v)
        sum += x;
    return v.empty() ? std::nan("") : sum / double(v.size());
}

double stdOf(const std::vector<double> &v)
{
    const double m = meanOf(v);
    double sq = 0;
    for (double x : v)
        sq += (x - m) * (x - m);
    return v.empty() ? std::nan("") : std::sqrt(sq / double(v.size()));
}

// Markdown table rows as docs/benchmarks.md shows them.
void printTable(const std::vector<RoundRecord> &rounds, const std::map<Strategy, double> &wall)
{
    std::printf("\n| Strategy | Acc. @200 | Acc. @500 | Acc. @1000 | AUBC | Wall time (all seeds) |\n"
                "|---|---|---|---|---|---|\n");
    for (const auto &s : summarise(rounds, wall)) {
        std::printf("| %s |", strategyName(s.strategy).c_str());
        for (std::size_t at : {200, 500, 1000}) {
            std::vector<double> acc;
            for (const auto &r : rounds)
                if (r.strategy == s.strategy && r.labels == at)
                    acc.push_back(r.testAccuracy);
            std::printf(" %.3f ± %.3f |", meanOf(acc), stdOf(acc));
        }
        std::printf(" %.4f ± %.4f | %.0f s |\n", s.aubcMean, s.aubcStd, s.wallSeconds);
    }
}

// Accuracy at 300 labels and where one strategy-seed's wall time goes: supervised steps, steps on
// the unlabelled pool (with its pseudo-labelling passes), and the rest (rescoring candidates and
// the test split, selection).
void printTimeSplit(const std::vector<RoundRecord> &rounds, const std::map<Strategy, double> &wall, int seeds)
{
    std::printf("\n| Strategy | Acc. @300 | Wall per seed | Supervised steps | Unlabelled pool | Rescoring + rest |\n"
                "|---|---|---|---|---|---|\n");
    for (const auto &[strategy, seconds] : wall) {
        std::vector<double> acc;
        double train = 0, pool = 0;
        for (const auto &r : rounds) {
            if (r.strategy != strategy)
                continue;
            if (r.labels == 300)
                acc.push_back(r.testAccuracy);
            train += r.trainSeconds;
            pool += r.unlabelledSeconds;
        }
        const double n = std::max(1, seeds);
        std::printf("| %s | %.3f ± %.3f | %.1f s | %.1f s | %.1f s | %.1f s |\n", strategyName(strategy).c_str(),
                    meanOf(acc), stdOf(acc), seconds / n, (train - pool) / n, pool / n, (seconds - train) / n);
    }
}

// rounds.csv as RoundsCsvWriter writes it (no quoted fields: names and numbers only).
std::vector<RoundRecord> readRounds(const QString &path)
{
    std::vector<RoundRecord> rounds;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return rounds;
    f.readLine(); // header
    while (!f.atEnd()) {
        const QStringList c = QString::fromUtf8(f.readLine()).trimmed().split(',');
        if (c.size() < 10)
            continue;
        RoundRecord r;
        r.strategy = *parseStrategy(c[0].toStdString());
        r.seed = c[1].toInt();
        r.round = c[2].toInt();
        r.labels = c[3].toULong();
        r.testAccuracy = c[4].isEmpty() ? std::nan("") : c[4].toDouble();
        r.auditAccuracy = c[5].isEmpty() ? std::nan("") : c[5].toDouble();
        r.audit = {c[6].toDouble(), c[7].toDouble()};
        r.trainSeconds = c[8].toDouble();
        r.scoreSeconds = c[9].toDouble();
        rounds.push_back(r);
    }
    return rounds;
}

int merge(const QStringList &args)
{
    const QDir out(args.value(2));
    QDir().mkpath(out.path());
    std::vector<RoundRecord> rounds;
    std::map<Strategy, double> wall;
    for (int i = 3; i < args.size(); ++i) {
        const QDir in(args[i]);
        const auto part = readRounds(in.filePath("rounds.csv"));
        rounds.insert(rounds.end(), part.begin(), part.end());
        QFile summary(in.filePath("summary.csv"));
        if (summary.open(QIODevice::ReadOnly)) {
            summary.readLine();
            while (!summary.atEnd()) {
                const QStringList c = QString::fromUtf8(summary.readLine()).trimmed().split(',');
                if (c.size() >= 7)
                    wall[*parseStrategy(c[0].toStdString())] = c[6].toDouble();
            }
        }
    }
    RoundsCsvWriter csv(out.filePath("rounds.csv"));
    for (const auto &r : rounds)
        csv.append(r);
    writeSummaryCsv(out.filePath("summary.csv"), summarise(rounds, wall));
    writeLearningCurvePlot(out.filePath("learning-curves.png"), rounds,
                           QStringLiteral("Fashion-MNIST: pool 20000, smallcnn, batch 100"));
    printTable(rounds, wall);
    return 0;
}

// "semi", "supervised" or "semi:key=value,...": the recipe's ablations without a rebuild.
bool parseSemiRecipe(const QString &text, SemiSupervisedOptions &semi)
{
    semi.enabled = text == QLatin1String("semi") || text.startsWith(QLatin1String("semi:"));
    if (!text.startsWith(QLatin1String("semi:")))
        return true;
    for (const QString &pair : text.mid(5).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString key = pair.section(QLatin1Char('='), 0, 0);
        const QString value = pair.section(QLatin1Char('='), 1);
        bool ok = false;
        const double number = value.toDouble(&ok);
        if (!ok) {
            std::fprintf(stderr, "semi recipe: '%s' needs a number\n", qPrintable(pair));
            return false;
        }
        if (key == QLatin1String("threshold"))
            semi.threshold = number;
        else if (key == QLatin1String("min-threshold"))
            semi.minThreshold = number;
        else if (key == QLatin1String("class-balanced"))
            semi.classBalanced = number != 0.0;
        else if (key == QLatin1String("steps"))
            semi.steps = int(number);
        else if (key == QLatin1String("ratio"))
            semi.unlabelledRatio = int(number);
        else if (key == QLatin1String("weight"))
            semi.weight = number;
        else if (key == QLatin1String("passes"))
            semi.passes = int(number);
        else if (key == QLatin1String("pool"))
            semi.maxPool = std::size_t(number);
        else if (key == QLatin1String("strong"))
            semi.strongAugmentation = number != 0.0;
        else {
            std::fprintf(stderr, "semi recipe: unknown key '%s'\n", qPrintable(key));
            return false;
        }
    }
    return true;
}

} // namespace


int main(int argc, char **argv)
{
    ensureRuntimeEnvironment(argv); // measure what the application runs with
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    // As activelabel-cli: every core, unless OMP_NUM_THREADS asks for fewer (parallel runs).
    const int ompThreads = qEnvironmentVariableIntValue("OMP_NUM_THREADS");
    initTorchThreads(ompThreads > 0 ? ompThreads : std::max(1, QThread::idealThreadCount()));
    const QStringList args = app.arguments();
    if (args.value(1) == QLatin1String("--merge"))
        return merge(args);
    const QString outDir = args.value(1, "simulation-bench");
    SimulationOptions options;
    std::string error;
    options.strategies = args.size() > 2 && args[2] != "all" ? parseStrategyList(args[2].toStdString(), &error)
                                                             : allStrategies();
    if (options.strategies.empty()) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 2;
    }
    const std::size_t poolSize = args.value(3, "20000").toULong();
    options.seeds = args.value(4, "3").toInt();
    options.init = args.value(5, "100").toULong();
    options.batch = args.value(6, "100").toULong();
    options.budget = args.value(7, "1000").toULong();
    if (args.size() > 8)
        options.mode = *TransferMode::parse(args[8]);
    if (args.size() > 9 && args[9] == QLatin1String("shrink-perturb"))
        options.warmStart = WarmStart::ShrinkAndPerturb;
    if (args.size() > 10)
        options.candidateLimit = args[10].toULong();
    if (args.size() > 11) // bound on warm rounds' epochs, as simulate --warm-epochs
        options.warmEpochs = args[11].toInt();
    if (args.size() > 12 && args[12].toInt() >= 0) // floor on a round's steps, as simulate --min-steps
        options.minSteps = args[12].toInt();
    if (args.size() > 13 && !parseSemiRecipe(args[13], options.semi))
        return 2;

    // The model suites' Fashion-MNIST fixture: one IDX reader for tests and benchmarks.
    const testing::Dataset trainSet = testing::loadFashionMnist("train");
    const testing::Dataset testSet = testing::loadFashionMnist("t10k");
    const std::vector<cv::Mat> &train = trainSet.provider.images;
    const std::vector<cv::Mat> &test = testSet.provider.images;
    const std::vector<int> &trainLabels = trainSet.labels;
    const std::vector<int> &testLabels = testSet.labels;
    testing::MatProvider images;
    SimulationData data;
    data.images = &images;
    data.classNames = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                       "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    std::mt19937_64 rng(2024);
    for (std::size_t i : drawUniform(train.size(), poolSize, rng)) {
        data.pool.push_back(images.images.size());
        data.poolTruth.push_back(trainLabels[i]);
        images.images.push_back(train[i]);
    }
    for (std::size_t i = 0; i < test.size(); ++i) {
        data.test.push_back(images.images.size());
        data.testTruth.push_back(testLabels[i]);
        images.images.push_back(test[i]);
    }
    QDir().mkpath(outDir);
    const QDir out(outDir);
    std::fprintf(stderr, "pool %zu, test %zu, init %zu, batch %zu, budget %zu, seeds %d, transfer %s, candidates %zu\n",
                 data.pool.size(), data.test.size(), options.init, options.batch, options.budget,
                 options.seeds, qPrintable(options.mode.toString()), options.candidateLimit);
    RoundsCsvWriter csv(out.filePath("rounds.csv"));
    std::vector<RoundRecord> rounds;
    std::map<Strategy, double> wall;
    const Simulation simulation(data, options);
    for (Strategy s : options.strategies) {
        for (int seed = 0; seed < options.seeds; ++seed) {
            QElapsedTimer timer;
            timer.start();
            const auto run = simulation.run(s, seed, [&](const RoundRecord &r) {
                csv.append(r);
                std::fprintf(stderr, "%s\n", qPrintable(progressLine(r, options.budget)));
            });
            wall[s] += timer.nsecsElapsed() / 1e9;
            rounds.insert(rounds.end(), run.begin(), run.end());
            // Partial reports after every run, so a long protocol can be read while it goes.
            writeSummaryCsv(out.filePath("summary.csv"), summarise(rounds, wall));
        }
    }
    writeLearningCurvePlot(out.filePath("learning-curves.png"), rounds,
                           QStringLiteral("Fashion-MNIST: pool %1, smallcnn, batch %2").arg(poolSize).arg(options.batch));
    for (const auto &s : summarise(rounds, wall))
        std::printf("%-16s AUBC %.4f ± %.4f  final %.4f ± %.4f  %.1f s\n", strategyName(s.strategy).c_str(),
                    s.aubcMean, s.aubcStd, s.finalMean, s.finalStd, s.wallSeconds);
    printTable(rounds, wall);
    printTimeSplit(rounds, wall, options.seeds);
    return 0;
}
