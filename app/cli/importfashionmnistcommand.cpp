#include "app/cli/command.h"

#include "storage/fashionmnistimporter.h"

namespace activelabel::cli {

namespace {

// import-fashion-mnist PROJECT [--limit N] [--test-limit N] [--seed S] [--source DIR]
class ImportFashionMnistCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("import-fashion-mnist"); }
    bool worksOnServer() const override { return true; }
    QString synopsis() const override { return QStringLiteral("PROJECT [--limit N] [--test-limit N] [--seed S]"); }
    QString description() const override
    {
        return QStringLiteral("Import Fashion-MNIST: the training images as the unlabelled pool (or a "
                              "seeded random subset of N), the 10,000 test images as the test split, "
                              "and the dataset's labels as ground truth. Creates PROJECT if it does not exist.");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project directory."));
        parser.addOption({QStringLiteral("limit"), QStringLiteral("Import only N training images."),
                          QStringLiteral("N")});
        parser.addOption({QStringLiteral("test-limit"),
                          QStringLiteral("Import only the first N of the 10,000 test images (default all)."),
                          QStringLiteral("N")});
        parser.addOption({QStringLiteral("seed"), QStringLiteral("Seed of the random subset (default 0)."),
                          QStringLiteral("S")});
        parser.addOption({QStringLiteral("source"),
                          QStringLiteral("Directory with the IDX .gz files (default /usr/share/datasets/fashion-mnist)."),
                          QStringLiteral("DIR")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        const QStringList args = positionals(parser, 1, 1);
        FashionMnistImporter::Options options;
        if (parser.isSet(QStringLiteral("test-limit")))
            options.testLimit =
                static_cast<std::size_t>(Context::integerOption(parser, QStringLiteral("test-limit"), 0, 0));
        if (parser.isSet(QStringLiteral("limit")))
            options.limit = static_cast<std::size_t>(Context::integerOption(parser, QStringLiteral("limit"), 0, 0));
        options.seed = static_cast<std::uint32_t>(Context::integerOption(parser, QStringLiteral("seed"), 0, 0));
        if (parser.isSet(QStringLiteral("source")))
            options.sourceDir = Context::toPath(parser.value(QStringLiteral("source")));
        // The demo's one-step start: a missing project is created (an existing non-project
        // directory is still refused by open()).
        const std::filesystem::path dir = Context::toPath(args.at(0));
        auto project = Project::isServerUri(args.at(0).toStdString()) || std::filesystem::exists(dir)
                           ? context.openProject(args.at(0), Project::Mode::ReadWrite)
                           : Project::create(dir);
        const ImportSummary summary =
            FashionMnistImporter(*project, options).run(context.progressPrinter(QStringLiteral("import-fashion-mnist")));
        context.out() << "imported Fashion-MNIST: " << summary.text() << Qt::endl;
        return summary.cancelled ? 130 : 0;
    }
};

} // namespace

std::unique_ptr<Command> makeImportFashionMnistCommand()
{
    return std::make_unique<ImportFashionMnistCommand>();
}

} // namespace activelabel::cli
