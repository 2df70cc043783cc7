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
        QString annotator = parser.value(QStringLiteral("annotator"));
        if (annotator.isEmpty())
            annotator = qEnvironmentVariable("USER");

        auto project = context.openProject(args.at(0), Project::Mode::ReadWrite);
        Database &db = project->database();
        const std::int64_t imageId = existingImageId(db, args.at(1));
        const std::int64_t classId = existingClassId(db, args.at(2));
        LabelRepository(db).setLabel(imageId, classId, LabelSource::Human, annotator);
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
