#include "app/cli/command.h"

#include "app/decodedimagecache.h"
#include "app/progressreport.h"
#include "app/projectimages.h"
#include "app/simulation/simulation.h"
#include "app/simulation/simulationreport.h"
#include "model/trainer.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>

#include <algorithm>
#include <atomic>
#include <map>

namespace activelabel::cli {

namespace {

// simulate PROJECT --strategy S[,S...]: the active-learning loop with the project's ground truth as
// the annotator, on an in-memory copy of the state; writes rounds.csv, summary.csv and
// learning-curves.png into --out and nothing into the project (opened read-only).
class SimulateCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("simulate"); }
    QString synopsis() const override
    {
        return QStringLiteral(
            "PROJECT --strategy S[,S...] [--init N] [--batch N] [--budget N] [--seeds K] "
            "[--backbone B] [--transfer MODE] [--out DIR] [--semi]");
    }
    QString description() const override
    {
        return QStringLiteral(
            "Simulate active learning with the ground truth as the annotator and compare "
            "strategies (random, least-confidence, margin, entropy, bald, coreset, badge, "
            "hybrid); writes rounds.csv, summary.csv and a PNG plot into --out, nothing "
            "into the project.");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"),
                                     QStringLiteral("Project directory (read only)."));
        parser.addOption({QStringLiteral("strategy"), QStringLiteral("Comma-separated strategies."),
                          QStringLiteral("S")});
        parser.addOption({QStringLiteral("init"),
                          QStringLiteral("Random initial labels (default 100)."),
                          QStringLiteral("N")});
        parser.addOption({QStringLiteral("batch"),
                          QStringLiteral("Labels per round (default 100)."), QStringLiteral("N")});
        parser.addOption({QStringLiteral("budget"),
                          QStringLiteral("Total labels, the initial ones included (default 1000)."),
                          QStringLiteral("N")});
        parser.addOption({QStringLiteral("seeds"),
                          QStringLiteral("Seeds per strategy, 0..K-1 (default 1)."),
                          QStringLiteral("K")});
        parser.addOption({QStringLiteral("backbone"),
                          QStringLiteral("smallcnn (default), resnet18 or FILE.pt."),
                          QStringLiteral("B")});
        parser.addOption({QStringLiteral("transfer"),
                          QStringLiteral("frozen, finetune:N, full, scratch, auto (default)."),
                          QStringLiteral("MODE")});
        parser.addOption({QStringLiteral("out"),
                          QStringLiteral("Output directory (default ./simulation)."),
                          QStringLiteral("DIR")});
        parser.addOption({QStringLiteral("epochs"),
                          QStringLiteral("Exactly N epochs every round, fresh or warm (default: the trainer's bounds and step floor)."),
                          QStringLiteral("N")});
        parser.addOption({QStringLiteral("warm-epochs"),
                          QStringLiteral("Upper bound on epochs for a warm round only (default %1; the "
                                         "--min-steps floor still applies).")
                              .arg(TrainingOptions{}.warmEpochs),
                          QStringLiteral("N")});
        parser.addOption({QStringLiteral("min-steps"),
                          QStringLiteral("Floor on a round's optimiser steps (default %1, 0 with --epochs; 0 = "
                                         "epochs alone decide).")
                              .arg(TrainingOptions{}.minSteps),
                          QStringLiteral("N")});
        parser.addOption(
            {QStringLiteral("audit-fraction"),
             QStringLiteral("Share of each batch drawn uniformly as audit draws (default 0.1)."),
             QStringLiteral("F")});
        parser.addOption(
            {QStringLiteral("candidates"),
             QStringLiteral("Score at most this many random unlabelled images per round (default %1).")
                 .arg(kDefaultCandidateLimit),
             QStringLiteral("M")});
        parser.addOption({QStringLiteral("warm-start"),
                          QStringLiteral("What a warm round does with the previous weights: continue (default) "
                                         "or shrink-perturb (Ash & Adams 2020)."),
                          QStringLiteral("W")});
        parser.addOption({QStringLiteral("semi"),
                          QStringLiteral("Semi-supervised rounds: each round also learns from the unlabelled "
                                         "pool through pseudo-labels (never written as labels).")});
        parser.addOption({QStringLiteral("semi-threshold"),
                          QStringLiteral("With --semi: calibrated confidence a pseudo-label needs (default %1).")
                              .arg(SemiSupervisedOptions{}.threshold),
                          QStringLiteral("T")});
        parser.addOption({QStringLiteral("semi-steps"),
                          QStringLiteral("With --semi: steps on pool images per round (default %1).")
                              .arg(SemiSupervisedOptions{}.steps),
                          QStringLiteral("N")});
        parser.addOption({QStringLiteral("mc-passes"),
                          QStringLiteral("MC-dropout passes for bald (default 10)."),
                          QStringLiteral("T")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        const QStringList args = positionals(parser, 1, 1);
        SimulationOptions options;
        std::string strategyError;
        options.strategies = parseStrategyList(
            parser.value(QStringLiteral("strategy")).toStdString(), &strategyError);
        if (options.strategies.empty())
            throw UsageError("--strategy: " + strategyError);
        options.init = std::size_t(Context::integerOption(parser, QStringLiteral("init"), 1, 100));
        options.batch =
            std::size_t(Context::integerOption(parser, QStringLiteral("batch"), 1, 100));
        options.budget =
            std::size_t(Context::integerOption(parser, QStringLiteral("budget"), 1, 1000));
        options.seeds = int(Context::integerOption(parser, QStringLiteral("seeds"), 1, 1));
        options.epochs = int(Context::integerOption(parser, QStringLiteral("epochs"), 1, 0));
        options.warmEpochs = int(Context::integerOption(parser, QStringLiteral("warm-epochs"), 1, 0));
        options.minSteps = int(Context::integerOption(parser, QStringLiteral("min-steps"), 0, -1));
        options.candidateLimit = std::size_t(Context::integerOption(
            parser, QStringLiteral("candidates"), 1, (long long)kDefaultCandidateLimit));
        options.mcPasses = int(Context::integerOption(parser, QStringLiteral("mc-passes"), 2, 10));
        if (parser.isSet(QStringLiteral("backbone")))
            options.backbone = parser.value(QStringLiteral("backbone"));
        if (parser.isSet(QStringLiteral("transfer"))) {
            QString modeError;
            const auto mode =
                TransferMode::parse(parser.value(QStringLiteral("transfer")), &modeError);
            if (!mode)
                throw UsageError(("--transfer: " + modeError).toStdString());
            options.mode = *mode;
        }
        if (parser.isSet(QStringLiteral("warm-start"))) {
            const QString warm = parser.value(QStringLiteral("warm-start"));
            if (warm == QLatin1String("shrink-perturb"))
                options.warmStart = WarmStart::ShrinkAndPerturb;
            else if (warm != QLatin1String("continue"))
                throw UsageError("--warm-start: expected continue or shrink-perturb");
        }
        if (parser.isSet(QStringLiteral("audit-fraction"))) {
            bool ok = false;
            options.auditFraction = parser.value(QStringLiteral("audit-fraction")).toDouble(&ok);
            if (!ok)
                throw UsageError("--audit-fraction needs a number between 0 and 1");
        }
        options.semi.enabled = parser.isSet(QStringLiteral("semi"));
        if (parser.isSet(QStringLiteral("semi-threshold"))) {
            bool ok = false;
            options.semi.threshold = parser.value(QStringLiteral("semi-threshold")).toDouble(&ok);
            if (!ok || !(options.semi.threshold > 0.0 && options.semi.threshold <= 1.0))
                throw UsageError("--semi-threshold needs a number in (0, 1]");
            options.semi.minThreshold = std::min(options.semi.minThreshold, options.semi.threshold);
        }
        options.semi.steps = int(Context::integerOption(parser, QStringLiteral("semi-steps"), 0,
                                                         SemiSupervisedOptions{}.steps));
        if ((parser.isSet(QStringLiteral("semi-threshold")) || parser.isSet(QStringLiteral("semi-steps"))) &&
            !options.semi.enabled)
            throw UsageError("--semi-threshold and --semi-steps need --semi");
        if (const QString problem = options.validate(); !problem.isEmpty())
            throw UsageError(problem.toStdString());
        // QChart needs a QApplication; main() makes one for simulate (makeCliApplication).
        const bool canPlot = qobject_cast<QApplication *>(QCoreApplication::instance()) != nullptr;

        auto project = context.openProject(args.at(0), Project::Mode::ReadOnly);
        const QString outDir = parser.isSet(QStringLiteral("out"))
                                   ? parser.value(QStringLiteral("out"))
                                   : QStringLiteral("simulation");
        const QString projectDir =
            QFileInfo(QFile::decodeName(project->directory().string().c_str())).canonicalFilePath();
        // Checked before anything is created: the project must stay untouched.
        const QString outAbsolute = QDir::cleanPath(QFileInfo(outDir).absoluteFilePath());
        if (outAbsolute == projectDir || outAbsolute.startsWith(projectDir + QLatin1Char('/')))
            throw UsageError("--out must be outside the project: simulate writes nothing into it");
        if (!QDir().mkpath(outDir))
            throw std::runtime_error(
                ("cannot create the output directory " + outDir).toStdString());
        const QDir out(outDir);

        ProjectImages images(*project, project->database());
        SimulationData data = loadSimulationData(images, project->database());
        // Every round rescores the test split and a pool subset: decode each file once.
        const DecodedImageCache decoded(images);
        data.images = &decoded;
        if (data.pool.empty())
            throw std::runtime_error(
                "the project has no pool images with ground truth (import a dataset with "
                "--ground-truth, or import-fashion-mnist)");
        context.err() << "simulate: pool " << data.pool.size() << " images with ground truth, test "
                      << data.test.size() << ", " << data.classNames.size() << " classes"
                      << Qt::endl;
        if (data.test.empty())
            context.err()
                << "simulate: no test split with ground truth: test_accuracy and AUBC stay empty"
                << Qt::endl;
        context.progressPrinter(QStringLiteral("simulate")); // installs the SIGINT handler

        std::atomic<bool> cancel{false};
        RoundsCsvWriter roundsCsv(out.filePath(QStringLiteral("rounds.csv")));
        std::vector<RoundRecord> rounds;
        std::map<Strategy, double> wall;
        const Simulation simulation(data, options);
        // Time left over every run at the label rate so far: later rounds train on more labels,
        // so the estimate errs short early in a run and settles as runs complete.
        const std::size_t labelsPerRun = std::min(options.budget, data.pool.size());
        ProgressReport report(QStringLiteral("simulate"), QStringLiteral("labels"));
        const double totalLabels = double(labelsPerRun) * double(options.seeds) * double(options.strategies.size());
        std::size_t runsDone = 0;
        for (Strategy strategy : options.strategies) {
            for (int seed = 0; seed < options.seeds && !cancel; ++seed, ++runsDone) {
                QElapsedTimer timer;
                timer.start();
                const auto runRounds = simulation.run(
                    strategy, seed,
                    [&](const RoundRecord &r) {
                        roundsCsv.append(r);
                        report.update(double(runsDone * labelsPerRun + r.labels), totalLabels);
                        QString line = progressLine(r, labelsPerRun);
                        if (const auto left = report.secondsLeft(); left && report.done() < report.total())
                            line += QStringLiteral(", %1 left").arg(ProgressReport::formatDuration(*left));
                        context.err() << line << Qt::endl;
                        if (Context::interrupted())
                            cancel = true;
                    },
                    &cancel);
                wall[strategy] += timer.nsecsElapsed() / 1e9;
                rounds.insert(rounds.end(), runRounds.begin(), runRounds.end());
            }
        }
        const auto summaries = summarise(rounds, wall);
        writeSummaryCsv(out.filePath(QStringLiteral("summary.csv")), summaries);
        for (const auto &s : summaries)
            context.out() << QString::fromStdString(strategyName(s.strategy)) << ": AUBC "
                          << QString::number(s.aubcMean, 'f', 4) << " ± "
                          << QString::number(s.aubcStd, 'f', 4) << ", final accuracy "
                          << QString::number(s.finalMean, 'f', 4) << " ± "
                          << QString::number(s.finalStd, 'f', 4) << ", "
                          << QString::number(s.wallSeconds, 'f', 1) << " s" << Qt::endl;
        if (!canPlot)
            throw std::runtime_error(
                "rounds.csv and summary.csv written, but the plot needs a QApplication "
                "(activelabel-cli's main must use makeCliApplication)");
        const QString title = QStringLiteral("%1: pool %2, batch %3, %4 seed(s)")
                                  .arg(QFileInfo(projectDir).fileName())
                                  .arg(data.pool.size())
                                  .arg(options.batch)
                                  .arg(options.seeds);
        writeLearningCurvePlot(out.filePath(QStringLiteral("learning-curves.png")), rounds, title);
        context.out() << "wrote " << out.filePath(QStringLiteral("rounds.csv"))
                      << ", summary.csv and "
                      << "learning-curves.png" << Qt::endl;
        if (cancel) {
            context.err() << "simulate: interrupted; the files hold the rounds finished so far"
                          << Qt::endl;
            return 130;
        }
        return 0;
    }
};

} // namespace

std::unique_ptr<Command> makeSimulateCommand()
{
    return std::make_unique<SimulateCommand>();
}

} // namespace activelabel::cli
