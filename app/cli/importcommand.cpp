#include "app/cli/command.h"

#include "storage/imageimporter.h"

namespace activelabel::cli {

namespace {

void printSummary(Context &context, const ImportSummary &summary)
{
    for (const auto &[path, reason] : summary.problems)
        context.err() << "skipped " << QString::fromUtf8(path.data(), static_cast<qsizetype>(path.size())) << ": "
                      << reason << Qt::endl;
    if (static_cast<std::int64_t>(summary.problems.size()) < summary.rejected + summary.duplicates)
        context.err() << "(more skipped files are listed in the project's import log)" << Qt::endl;
    context.out() << "imported: " << summary.text() << Qt::endl;
}

// import PROJECT PATH... [--image-folder] [--ground-truth] | import PROJECT --csv FILE [--ground-truth]
class ImportCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("import"); }
    bool worksOnServer() const override { return true; }
    QString synopsis() const override
    {
        return QStringLiteral("PROJECT (PATH... [--image-folder] | --csv FILE | --rescan) [--ground-truth]");
    }
    QString description() const override
    {
        return QStringLiteral("Import images: folders (recursive) and files, folder-per-class trees "
                              "(--image-folder), or a CSV with a header row path,label (--csv). Labels "
                              "become labels with source 'import', or ground truth with --ground-truth. --rescan looks "
                              "again in every folder imported before and adds only new files.");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project directory."));
        parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("Image folders or files."),
                                     QStringLiteral("PATH..."));
        parser.addOption({QStringLiteral("image-folder"),
                          QStringLiteral("Each sub-folder of PATH is a class (ImageFolder layout).")});
        parser.addOption({QStringLiteral("csv"), QStringLiteral("Import the images listed in FILE (path,label)."),
                          QStringLiteral("FILE")});
        parser.addOption({QStringLiteral("rescan"),
                          QStringLiteral("Add the files that appeared in previously imported folders since.")});
        parser.addOption({QStringLiteral("ground-truth"),
                          QStringLiteral("Store the labels as ground truth (simulation, evaluation) instead.")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        if (parser.isSet(QStringLiteral("rescan"))) {
            const QStringList only = positionals(parser, 1, 1);
            if (parser.isSet(QStringLiteral("csv")) || parser.isSet(QStringLiteral("image-folder")) ||
                parser.isSet(QStringLiteral("ground-truth")))
                throw UsageError("--rescan takes no PATH, --csv, --image-folder or --ground-truth: each folder "
                                 "is rescanned the way it was imported");
            auto project = context.openProject(only.at(0), Project::Mode::ReadWrite);
            ImageImporter::Options options;
            if (project->isOnServer())
                options.uploadTo = project->directory();
            const ImportSummary summary =
                ImageImporter(project->database(), options).rescan(context.progressPrinter(QStringLiteral("rescan")));
            printSummary(context, summary);
            return summary.cancelled ? 130 : 0;
        }
        const bool csv = parser.isSet(QStringLiteral("csv"));
        const QStringList args = positionals(parser, csv ? 1 : 2, csv ? 1 : -1);
        if (csv && parser.isSet(QStringLiteral("image-folder")))
            throw UsageError("--csv and --image-folder cannot be combined");
        const bool withLabels = csv || parser.isSet(QStringLiteral("image-folder"));
        if (parser.isSet(QStringLiteral("ground-truth")) && !withLabels)
            throw UsageError("--ground-truth needs labels to import: use it with --image-folder or --csv");

        auto project = context.openProject(args.at(0), Project::Mode::ReadWrite);
        ImageImporter::Options options;
        if (project->isOnServer())
            options.uploadTo = project->directory(); // the bytes go to the server: every client can see them
        if (withLabels)
            options.labelMode = parser.isSet(QStringLiteral("ground-truth")) ? ImportLabelMode::GroundTruth
                                                                              : ImportLabelMode::Labels;
        ImageImporter importer(project->database(), options);
        const auto progress = context.progressPrinter(QStringLiteral("import"));
        ImportSummary summary;
        if (csv) {
            summary = importer.importCsv(Context::toPath(parser.value(QStringLiteral("csv"))), progress);
        } else {
            std::vector<std::filesystem::path> paths;
            for (qsizetype i = 1; i < args.size(); ++i)
                paths.push_back(Context::toPath(args.at(i)));
            summary = importer.importPaths(paths, parser.isSet(QStringLiteral("image-folder")), progress);
        }
        printSummary(context, summary);
        return summary.cancelled ? 130 : 0;
    }
};

} // namespace

std::unique_ptr<Command> makeImportCommand()
{
    return std::make_unique<ImportCommand>();
}

} // namespace activelabel::cli
