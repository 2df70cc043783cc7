#include "app/cli/command.h"
#include "app/cli/roundprogress.h"
#include "app/modelservice.h"
#include "storage/labelrepository.h"
#include "storage/modelversionrepository.h"
#include "storage/trainerlock.h"

#include <QThread>

namespace activelabel::cli {

namespace {

// serve-trainer PROJECT: the one trainer of a team project. Waits for the trainer lock (held by a
// server session, so it passes to a waiting trainer when its holder dies), then trains a round
// whenever enough new labels have arrived, publishing each model version, its checkpoint and its
// predictions on the server. Clients follow by polling the latest version.
class ServeTrainerCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("serve-trainer"); }
    bool worksOnServer() const override { return true; }
    QString synopsis() const override
    {
        return QStringLiteral("PROJECT [--every N] [--poll-seconds S] [--rounds K] [--transfer MODE] [--epochs N]");
    }
    QString description() const override
    {
        return QStringLiteral("Train a team project headless: take the project's trainer role (or wait for it), "
                              "then train a round whenever N new labels arrived (default 100). Ctrl+C stops it.");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Server URI (or project directory)."));
        parser.addOption({QStringLiteral("every"), QStringLiteral("New labels that start a round (default 100)."),
                          QStringLiteral("N")});
        parser.addOption({QStringLiteral("poll-seconds"),
                          QStringLiteral("How often to look for new labels and for the trainer role (default 2)."),
                          QStringLiteral("S")});
        parser.addOption({QStringLiteral("rounds"), QStringLiteral("Stop after K rounds (default: run until Ctrl+C)."),
                          QStringLiteral("K")});
        parser.addOption({QStringLiteral("transfer"), QStringLiteral("frozen, finetune:N, full, scratch or auto."),
                          QStringLiteral("MODE"), QStringLiteral("auto")});
        parser.addOption({QStringLiteral("epochs"), QStringLiteral("Epochs per round (default: the trainer's)."),
                          QStringLiteral("N")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        const QStringList args = positionals(parser, 1, 1);
        const auto every = Context::integerOption(parser, QStringLiteral("every"), 1, 100);
        const auto pollMs = static_cast<unsigned long>(Context::integerOption(parser, QStringLiteral("poll-seconds"), 1, 2) * 1000);
        const auto rounds = Context::integerOption(parser, QStringLiteral("rounds"), 1, 0);
        TrainRequest request;
        const auto mode = TransferMode::parse(parser.value(QStringLiteral("transfer")));
        if (!mode)
            throw UsageError("--transfer needs frozen, finetune:N, full, scratch or auto");
        request.mode = *mode;
        request.epochs = static_cast<int>(Context::integerOption(parser, QStringLiteral("epochs"), 1, 0));

        auto project = context.openProject(args.at(0), Project::Mode::ReadWrite);
        Database &db = project->database();
        const std::atomic<bool> *stop = Context::cancelOnInterrupt();
        TrainerLock trainer(db);
        const bool waits = !trainer.tryTake();
        if (waits)
            context.err() << "serve-trainer: another trainer holds " << QString::fromStdString(project->name())
                          << "; waiting to take over" << Qt::endl;
        // A waiting trainer fetches the project's images now, not once it takes over: on a machine
        // of its own that is most of a takeover's time (images imported later come with its first round).
        ModelService service(*project, db);
        while (waits && !trainer.tryTake()) {
            if (stop->load())
                return 130;
            QThread::msleep(pollMs);
        }
        context.out() << "serve-trainer: training " << QString::fromStdString(project->name()) << Qt::endl;
        LiveModel live = service.loadLive(); // a trainer taking over starts from the latest version
        long long done = 0;
        while (!stop->load() && (rounds == 0 || done < rounds)) {
            const auto latest = ModelVersionRepository(db).latest();
            const std::int64_t labels = LabelRepository(db).count();
            if (labels == 0 || (latest && labels < latest->labelsUsed + every)) {
                QThread::msleep(pollMs);
                continue;
            }
            request.seed = static_cast<std::uint64_t>(labels);
            const TrainOutcome outcome =
                service.train(live, request, roundProgressPrinter(context, QStringLiteral("serve-trainer")), stop);
            if (outcome.round.cancelled)
                break;
            ++done;
            context.out() << "round: model version " << *outcome.modelVersion << ", labels " << outcome.labels
                          << ", mode " << outcome.round.modeUsed.toString() << ", "
                          << QString::number(outcome.round.seconds, 'f', 1) << " s";
            if (outcome.test)
                context.out() << ", test accuracy " << QString::number(outcome.test->accuracy, 'f', 4);
            context.out() << Qt::endl;
        }
        return stop->load() ? 130 : 0;
    }
};

} // namespace

std::unique_ptr<Command> makeServeTrainerCommand()
{
    return std::make_unique<ServeTrainerCommand>();
}

} // namespace activelabel::cli
