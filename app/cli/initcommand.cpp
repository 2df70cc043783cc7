#include "app/cli/command.h"

namespace activelabel::cli {

namespace {

// init PROJECT: creates an empty project directory.
class InitCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("init"); }
    QString synopsis() const override { return QStringLiteral("PROJECT"); }
    QString description() const override
    {
        return QStringLiteral("Create an empty project in the directory PROJECT (absent or empty).");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project directory to create."));
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        const QStringList args = positionals(parser, 1, 1);
        Project::create(Context::toPath(args.at(0)));
        context.out() << "created project " << args.at(0) << Qt::endl;
        return 0;
    }
};

} // namespace

std::unique_ptr<Command> makeInitCommand()
{
    return std::make_unique<InitCommand>();
}

} // namespace activelabel::cli
