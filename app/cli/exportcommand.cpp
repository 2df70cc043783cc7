#include "app/cli/command.h"

#include "storage/labelexporter.h"

namespace activelabel::cli {

namespace {

// export PROJECT --labels OUT.csv|OUT.json (later: --model, --image-folder, --metrics).
// Read-only: works while another process holds the project.
class ExportCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("export"); }
    QString synopsis() const override { return QStringLiteral("PROJECT --labels OUT.csv|OUT.json"); }
    QString description() const override
    {
        return QStringLiteral("Export the current labels as CSV (image_id,path,class,source,annotator,"
                              "labelled_at) or JSON with the same fields.");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project directory."));
        parser.addOption({QStringLiteral("labels"), QStringLiteral("Write the labels to OUT (.csv or .json)."),
                          QStringLiteral("OUT")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        const QStringList args = positionals(parser, 1, 1);
        if (!parser.isSet(QStringLiteral("labels")))
            throw UsageError("nothing to export: give --labels OUT.csv|OUT.json");
        const QString out = parser.value(QStringLiteral("labels"));
        const bool json = out.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
        if (!json && !out.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive))
            throw UsageError("--labels needs a file name ending in .csv or .json, not '" + out.toStdString() + "'");
        auto project = context.openProject(args.at(0), Project::Mode::ReadOnly);
        const std::size_t rows = json ? LabelExporter::writeJson(*project, Context::toPath(out))
                                      : LabelExporter::writeCsv(*project, Context::toPath(out));
        context.out() << "exported " << rows << " labels to " << out << Qt::endl;
        return 0;
    }
};

} // namespace

std::unique_ptr<Command> makeExportCommand()
{
    return std::make_unique<ExportCommand>();
}

} // namespace activelabel::cli
