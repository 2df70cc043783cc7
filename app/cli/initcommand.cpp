#include "app/cli/command.h"

#include "storage/leaserepository.h"

namespace activelabel::cli {

namespace {

// init PROJECT | init --server URI: creates an empty project directory, or a team project in an
// empty PostgreSQL database.
class InitCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("init"); }
    QString synopsis() const override { return QStringLiteral("PROJECT | --server URI [--overlap K]"); }
    QString description() const override
    {
        return QStringLiteral("Create an empty project in the directory PROJECT (absent or empty), or with --server a "
                              "team project in an empty PostgreSQL database (URI: postgresql://user@host:port/db "
                              "or postgresql://user@/db?host=SOCKETDIR; the password comes from ~/.pgpass or "
                              "PGPASSWORD, never from the command line's output). --overlap K routes each image "
                              "to K annotators of the team (default 1), for agreement.");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project directory to create."));
        parser.addOption({QStringLiteral("server"), QStringLiteral("Create a team project in the database URI."),
                          QStringLiteral("URI")});
        parser.addOption({QStringLiteral("overlap"),
                          QStringLiteral("Team project: how many annotators label each image (default 1)."),
                          QStringLiteral("K")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        if (parser.isSet(QStringLiteral("server"))) {
            positionals(parser, 0, 0);
            const std::string uri = parser.value(QStringLiteral("server")).toStdString();
            if (!Project::isServerUri(uri))
                throw UsageError("--server needs a postgresql:// URI");
            const int overlap = static_cast<int>(Context::integerOption(parser, QStringLiteral("overlap"), 1, 1));
            const auto project = Project::createOnServer(uri);
            if (overlap != 1)
                LeaseRepository::setOverlap(project->database(), overlap);
            context.out() << "created team project in " << QString::fromStdString(project->name());
            if (overlap != 1)
                context.out() << " (each image labelled by " << overlap << " annotators)";
            context.out() << Qt::endl;
            return 0;
        }
        if (parser.isSet(QStringLiteral("overlap")))
            throw UsageError("--overlap belongs to team projects: init --server URI --overlap K");
        const QStringList args = positionals(parser, 1, 1);
        if (Project::isServerUri(args.at(0).toStdString()))
            throw UsageError("to create a team project on a server, write init --server URI");
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
