#include "app/cli/command.h"

#include "app/projectstatus.h"
#include "storage/leaserepository.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace activelabel::cli {

namespace {

// status PROJECT [--json]: read-only, works while another process holds the project.
class StatusCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("status"); }
    bool worksOnServer() const override { return true; }
    QString synopsis() const override { return QStringLiteral("PROJECT [--json]"); }
    QString description() const override
    {
        return QStringLiteral("Show image, label and class counts, the current model version and the "
                              "number of rejected files.");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project directory."));
        parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON object.")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        const QStringList args = positionals(parser, 1, 1);
        auto project = context.openProject(args.at(0), Project::Mode::ReadOnly);
        const ProjectStatus s = readProjectStatus(*project);
        if (parser.isSet(QStringLiteral("json"))) {
            QJsonObject o;
            o.insert(QStringLiteral("images_total"), static_cast<qint64>(s.imagesTotal));
            o.insert(QStringLiteral("unlabelled"), static_cast<qint64>(s.unlabelled));
            o.insert(QStringLiteral("labelled"), static_cast<qint64>(s.labelled));
            o.insert(QStringLiteral("test"), static_cast<qint64>(s.test));
            o.insert(QStringLiteral("classes"), QJsonArray::fromStringList(s.classes));
            o.insert(QStringLiteral("model_version"),
                     s.modelVersion ? QJsonValue(static_cast<qint64>(*s.modelVersion)) : QJsonValue(QJsonValue::Null));
            o.insert(QStringLiteral("rejected_files"), static_cast<qint64>(s.rejectedFiles));
            if (project->isOnServer())
                o.insert(QStringLiteral("overlap"), LeaseRepository::overlap(project->database()));
            context.out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
            return 0;
        }
        context.out() << "images:         " << s.imagesTotal << " (pool " << (s.labelled + s.unlabelled) << ", test "
                      << s.test << ")\n"
                      << "labelled:       " << s.labelled << "\n"
                      << "unlabelled:     " << s.unlabelled << "\n"
                      << "classes:        " << (s.classes.isEmpty() ? QStringLiteral("(none)") : s.classes.join(QStringLiteral(", ")))
                      << "\n"
                      << "model version:  " << (s.modelVersion ? QString::number(*s.modelVersion) : QStringLiteral("none"))
                      << "\n"
                      << "rejected files: " << s.rejectedFiles << Qt::endl;
        if (project->isOnServer())
            context.out() << "overlap:        " << LeaseRepository::overlap(project->database())
                          << " annotator(s) per image" << Qt::endl;
        return 0;
    }
};

} // namespace

std::unique_ptr<Command> makeStatusCommand()
{
    return std::make_unique<StatusCommand>();
}

} // namespace activelabel::cli
