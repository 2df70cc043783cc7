#include "app/cli/command.h"
#include "app/cli/roundprogress.h"

#include "app/modelservice.h"
#include "model/trainer.h"
#include "storage/settingsrepository.h"
#include "storage/trainerlock.h"

#include <optional>

namespace activelabel::cli {

namespace {

std::vector<float> floatList(const QString &text, const char *option)
{
    std::vector<float> values;
    for (const QString &part : text.split(QLatin1Char(','))) {
        bool ok = false;
        const float v = part.trimmed().toFloat(&ok);
        if (!ok)
            throw UsageError(std::string("--") + option + " needs comma-separated numbers, not '" + text.toStdString() + "'");
        values.push_back(v);
    }
    return values;
}

// train PROJECT: one round on every label, warm-started from the latest model version.
class TrainCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("train"); }
    bool worksOnServer() const override { return true; }
    QString synopsis() const override
    {
        return QStringLiteral("PROJECT [--backbone smallcnn|resnet18|FILE.pt] [--transfer MODE] [--epochs N] [--seed S] [--semi] "
                              "[--input-size HxW --channels C --mean a,b,c --std a,b,c]");
    }
    QString description() const override
    {
        return QStringLiteral("Train one round on every label, warm-started from the latest model version; "
                              "record the new version and rescore every image. MODE: frozen, finetune:N, full, "
                              "scratch, auto (default).");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project directory."));
        parser.addOption({QStringLiteral("backbone"),
                          QStringLiteral("smallcnn, resnet18, or a TorchScript file (trusted files only: "
                                         "loading runs its code). Default: the current model's, else smallcnn."),
                          QStringLiteral("B")});
        parser.addOption({QStringLiteral("transfer"), QStringLiteral("frozen, finetune:N, full, scratch or auto."),
                          QStringLiteral("MODE"), QStringLiteral("auto")});
        parser.addOption({QStringLiteral("epochs"),
                          QStringLiteral("Epochs for this round (default %1 for a fresh backbone, %2 for a warm round, "
                                         "and at least %3 steps; an explicit count is exact).")
                              .arg(TrainingOptions{}.epochs)
                              .arg(TrainingOptions{}.warmEpochs)
                              .arg(TrainingOptions{}.minSteps),
                          QStringLiteral("N")});
        parser.addOption({QStringLiteral("seed"), QStringLiteral("Random seed (default 0)."), QStringLiteral("S")});
        parser.addOption({QStringLiteral("semi"),
                          QStringLiteral("Semi-supervised round: also learn from the unlabelled pool images through "
                                         "pseudo-labels (derived for this round only, never stored as labels).")});
        parser.addOption({QStringLiteral("semi-steps"),
                          QStringLiteral("With --semi: steps on pool images (default %1).")
                              .arg(SemiSupervisedOptions{}.steps),
                          QStringLiteral("N")});
        parser.addOption({QStringLiteral("input-size"), QStringLiteral("Model input size for FILE.pt, e.g. 224x224."),
                          QStringLiteral("HxW")});
        parser.addOption({QStringLiteral("channels"), QStringLiteral("Input channels for FILE.pt: 1 or 3."),
                          QStringLiteral("C")});
        parser.addOption({QStringLiteral("mean"), QStringLiteral("Per-channel mean for FILE.pt."), QStringLiteral("a,b,c")});
        parser.addOption({QStringLiteral("std"), QStringLiteral("Per-channel std for FILE.pt."), QStringLiteral("a,b,c")});
        parser.addOption({QStringLiteral("feature-store-mb"),
                          QStringLiteral("Disk budget of the project's frozen-backbone feature store in MiB (kept "
                                         "as the project's setting; default 4096; 0 keeps features in memory only)."),
                          QStringLiteral("N")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        const QStringList args = positionals(parser, 1, 1);
        TrainRequest request;
        request.backbone = parser.value(QStringLiteral("backbone"));
        QString modeError;
        const auto mode = TransferMode::parse(parser.value(QStringLiteral("transfer")), &modeError);
        if (!mode)
            throw UsageError(("--transfer: " + modeError).toStdString());
        request.mode = *mode;
        request.epochs = int(Context::integerOption(parser, QStringLiteral("epochs"), 1, 0));
        request.seed = std::uint64_t(Context::integerOption(parser, QStringLiteral("seed"), 0, 0));
        request.semi = parser.isSet(QStringLiteral("semi"));
        if (parser.isSet(QStringLiteral("semi-steps"))) {
            if (!request.semi)
                throw UsageError("--semi-steps needs --semi");
            request.semiSteps = int(Context::integerOption(parser, QStringLiteral("semi-steps"), 0, 0));
        }
        if (parser.isSet(QStringLiteral("input-size"))) {
            const QStringList hw = parser.value(QStringLiteral("input-size")).toLower().split(QLatin1Char('x'));
            bool okH = false, okW = false;
            const int h = hw.value(0).toInt(&okH), w = hw.value(1).toInt(&okW);
            if (hw.size() != 2 || !okH || !okW || h < 1 || w < 1)
                throw UsageError("--input-size needs HxW, e.g. 224x224");
            request.inputHeight = h;
            request.inputWidth = w;
        }
        if (parser.isSet(QStringLiteral("channels")))
            request.channels = int(Context::integerOption(parser, QStringLiteral("channels"), 1, 3));
        if (parser.isSet(QStringLiteral("mean")))
            request.mean = floatList(parser.value(QStringLiteral("mean")), "mean");
        if (parser.isSet(QStringLiteral("std")))
            request.std = floatList(parser.value(QStringLiteral("std")), "std");

        auto project = context.openProject(args.at(0), Project::Mode::ReadWrite);
        if (parser.isSet(QStringLiteral("feature-store-mb")))
            SettingsRepository(project->database())
                .setValue(QStringLiteral("feature_store_mb"),
                          QString::number(Context::integerOption(parser, QStringLiteral("feature-store-mb"), 0, 4096)));
        ModelService service(*project, project->database());
        TrainerLock trainer(project->database());
        if (!trainer.tryTake())
            throw std::runtime_error("another process is training this team project (its serve-trainer): its model "
                                     "versions reach every client; train here once it stops");
        const auto progress = roundProgressPrinter(context, QStringLiteral("train"));
        const TrainOutcome outcome = service.train(request, progress, Context::cancelOnInterrupt());
        if (outcome.round.cancelled) {
            context.err() << "train: cancelled; the model is unchanged"
                          << (outcome.note.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(outcome.note)) << Qt::endl;
            return 130;
        }
        if (!outcome.note.isEmpty())
            context.err() << "train: " << outcome.note << Qt::endl;
        if (outcome.embeddingsRows > 0)
            context.err() << "train: pool embeddings " << outcome.embeddingsRows << " x " << outcome.embeddingsWidth
                          << " kept for look-alikes in " << QString::number(outcome.embeddingsSeconds, 'f', 3) << " s"
                          << Qt::endl;
        const RoundResult &r = outcome.round;
        context.out() << "mode: " << r.modeUsed.toString() << " (" << r.modeReason << ")\n"
                      << "device: " << r.device << "\n"
                      << "labels: " << outcome.labels << "\n"
                      << "steps: " << r.steps << "\n"
                      << "loss: " << QString::number(r.trainLoss, 'f', 4) << "\n";
        if (r.heldOutAccuracy >= 0)
            context.out() << "held-out accuracy: " << QString::number(r.heldOutAccuracy, 'f', 4) << "\n"
                          << "ece: " << QString::number(r.ece, 'f', 4) << "\n";
        if (outcome.test)
            context.out() << "test accuracy: " << QString::number(outcome.test->accuracy, 'f', 4) << "\n";
        if (request.semi)
            context.out() << "pseudo-labels: " << r.pseudoLabels << " of " << r.pseudoLabelCandidates
                          << " unlabelled images (threshold " << QString::number(r.pseudoThreshold, 'f', 2)
                          << ", lowest class threshold " << QString::number(r.pseudoMinClassThreshold, 'f', 2)
                          << "; not stored)\n"
                          << "unlabelled steps: " << r.unlabelledSteps << " ("
                          << QString::number(r.unlabelledSeconds, 'f', 2) << " s)\n";
        context.out() << "seconds: " << QString::number(r.seconds, 'f', 2) << "\n"
                      << "model version: " << *outcome.modelVersion << Qt::endl;
        return 0;
    }
};

} // namespace

std::unique_ptr<Command> makeTrainCommand()
{
    return std::make_unique<TrainCommand>();
}

} // namespace activelabel::cli
