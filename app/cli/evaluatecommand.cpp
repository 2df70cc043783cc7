#include "app/cli/command.h"

#include "app/modelservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace activelabel::cli {

namespace {

// evaluate PROJECT: the latest model against the test split's ground truth.
class EvaluateCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("evaluate"); }
    bool worksOnServer() const override { return true; }
    QString synopsis() const override { return QStringLiteral("PROJECT [--split test] [--json]"); }
    QString description() const override
    {
        return QStringLiteral("Evaluate the latest model on the test split: accuracy, per-class accuracy, "
                              "confusion matrix (rows = true class) and expected calibration error.");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project directory."));
        parser.addOption({QStringLiteral("split"), QStringLiteral("Split to evaluate on: test (default)."),
                          QStringLiteral("SPLIT"), QStringLiteral("test")});
        parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON object.")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        const QStringList args = positionals(parser, 1, 1);
        if (parser.value(QStringLiteral("split")) != QLatin1String("test"))
            throw UsageError("--split: only the test split has ground truth to evaluate against");
        auto project = context.openProject(args.at(0), Project::Mode::ReadOnly);
        ModelService service(*project, project->database());
        auto classifier = service.loadLatest();
        if (!classifier)
            throw std::runtime_error("no model yet: train one first (activelabel-cli train)");
        const auto evaluation = service.evaluateTest(*classifier);
        if (!evaluation)
            throw std::runtime_error("the project has no test images with ground truth to evaluate on");
        const QStringList classes = classifier->classNames();

        if (parser.isSet(QStringLiteral("json"))) {
            QJsonObject perClass;
            for (int c = 0; c < classes.size(); ++c) {
                const double a = evaluation->perClassAccuracy[std::size_t(c)];
                perClass.insert(classes[c], a < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(a));
            }
            QJsonArray confusion;
            for (const auto &row : evaluation->confusion) {
                QJsonArray r;
                for (int v : row)
                    r.append(v);
                confusion.append(r);
            }
            QJsonObject o;
            o.insert(QStringLiteral("accuracy"), evaluation->accuracy);
            o.insert(QStringLiteral("per_class"), perClass);
            o.insert(QStringLiteral("confusion"), confusion);
            o.insert(QStringLiteral("ece"), evaluation->ece);
            context.out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
            return 0;
        }
        context.out() << "accuracy: " << QString::number(evaluation->accuracy, 'f', 4) << "\n"
                      << "ece:      " << QString::number(evaluation->ece, 'f', 4) << "\n";
        for (int c = 0; c < classes.size(); ++c) {
            const double a = evaluation->perClassAccuracy[std::size_t(c)];
            context.out() << "  " << classes[c].leftJustified(16) << (a < 0 ? QStringLiteral("-") : QString::number(a, 'f', 4))
                          << "\n";
        }
        context.out().flush();
        return 0;
    }
};

} // namespace

std::unique_ptr<Command> makeEvaluateCommand()
{
    return std::make_unique<EvaluateCommand>();
}

} // namespace activelabel::cli
