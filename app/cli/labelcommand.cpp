#include "app/cli/command.h"

#include "storage/classrepository.h"
#include "storage/imagerepository.h"
#include "storage/labelrepository.h"

namespace activelabel::cli {

namespace {

// label PROJECT IMAGE_ID CLASS_NAME [--annotator NAME]: prints "saved" only after COMMIT returned.
class LabelCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("label"); }
    bool worksOnServer() const override { return true; }
    QString synopsis() const override { return QStringLiteral("PROJECT IMAGE_ID CLASS_NAME [--annotator NAME]"); }
    QString description() const override
    {
        return QStringLiteral("Label one image (source 'human'); prints 'saved' once the label is durably "
                              "committed.");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project directory."));
        parser.addPositionalArgument(QStringLiteral("IMAGE_ID"), QStringLiteral("Image id (see export or queue)."));
        parser.addPositionalArgument(QStringLiteral("CLASS_NAME"), QStringLiteral("An existing class name."));
        parser.addOption({QStringLiteral("annotator"), QStringLiteral("Who labels (default: $USER)."),
                          QStringLiteral("NAME")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        const QStringList args = positionals(parser, 3, 3);
        bool ok = false;
        const qint64 imageId = args.at(1).toLongLong(&ok);
        if (!ok || imageId <= 0)
            throw UsageError("IMAGE_ID must be a positive integer, not '" + args.at(1).toStdString() + "'");
        QString annotator = parser.value(QStringLiteral("annotator"));
        if (annotator.isEmpty())
            annotator = qEnvironmentVariable("USER");

        auto project = context.openProject(args.at(0), Project::Mode::ReadWrite);
        Database &db = project->database();
        if (!ImageRepository(db).get(imageId))
            throw std::runtime_error("no image with id " + std::to_string(imageId));
        ClassRepository classes(db);
        const auto cls = classes.find(args.at(2));
        if (!cls) {
            QStringList names;
            for (const ClassInfo &c : classes.list())
                names << c.name;
            throw std::runtime_error("unknown class '" + args.at(2).toStdString() + "' (classes: " +
                                     (names.isEmpty() ? std::string("none") : names.join(QStringLiteral(", ")).toStdString()) + ")");
        }
        LabelRepository(db).setLabel(imageId, cls->id, LabelSource::Human, annotator);
        context.out() << "saved" << Qt::endl;
        return 0;
    }
};

} // namespace

std::unique_ptr<Command> makeLabelCommand()
{
    return std::make_unique<LabelCommand>();
}

} // namespace activelabel::cli
