#include "app/agreement.h"
#include "app/cli/command.h"

#include <QJsonDocument>

namespace activelabel::cli {

namespace {

QString shown(const std::optional<double> &v)
{
    return v ? QString::number(*v, 'f', 3) : QStringLiteral("-");
}

// agreement PROJECT [--json]: how far annotators agree where more than one labelled an image.
class AgreementCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("agreement"); }
    bool worksOnServer() const override { return true; }
    QString synopsis() const override { return QStringLiteral("PROJECT [--json]"); }
    QString description() const override
    {
        return QStringLiteral("Agreement between annotators on images more than one of them labelled: Cohen's kappa "
                              "per pair, Fleiss' kappa, each annotator's accuracy on audit draws with ground truth "
                              "and against the others' majority, and the images whose labels disagree.");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project directory or server URI."));
        parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON object.")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        const QStringList args = positionals(parser, 1, 1);
        auto project = context.openProject(args.at(0), Project::Mode::ReadOnly);
        const AgreementReport report = readAgreement(project->database());
        if (parser.isSet(QStringLiteral("json"))) {
            context.out() << QJsonDocument(report.toJson()).toJson(QJsonDocument::Compact) << Qt::endl;
            return 0;
        }
        context.out() << "images labelled by 2 or more: " << report.imagesMulti << "\n"
                      << "Fleiss' kappa:                " << shown(report.fleissKappa) << "\n"
                      << "disagreements:                " << report.disagreements << "\n";
        for (const PairAgreement &p : report.pairs)
            context.out() << "pair " << p.a << " / " << p.b << ": " << p.images << " images, Cohen's kappa "
                          << shown(p.cohenKappa) << "\n";
        for (const AnnotatorAgreement &a : report.annotators)
            context.out() << "annotator " << a.name << ": " << a.labels << " labels, audit accuracy "
                          << shown(a.auditAccuracy) << ", agrees with the majority " << shown(a.majorityAgreement)
                          << "\n";
        context.out().flush();
        return 0;
    }
};

} // namespace

std::unique_ptr<Command> makeAgreementCommand()
{
    return std::make_unique<AgreementCommand>();
}

} // namespace activelabel::cli
