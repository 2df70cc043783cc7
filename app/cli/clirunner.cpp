#include "app/cli/clirunner.h"

#include "app/cli/commandtable.h"

#include <QCommandLineParser>
#include <QTextStream>

#include <cstdio>
#include <exception>

namespace activelabel::cli {

namespace {

constexpr const char *kProgram = "activelabel-cli";

int fail(int status, const QString &reason)
{
    QString line = reason.simplified(); // one line, whatever the underlying message held
    if (line.isEmpty())
        line = QStringLiteral("unknown error");
    QTextStream(stderr) << kProgram << ": error: " << line << Qt::endl;
    return status;
}

QString overview(const std::vector<std::unique_ptr<Command>> &commands)
{
    QString text = QStringLiteral("Usage: %1 COMMAND [options] [arguments]\n"
                                  "       %1 --version\n\n"
                                  "Active learning for image classifiers (headless).\n\nCommands:\n")
                       .arg(QLatin1String(kProgram));
    for (const auto &c : commands)
        text += QStringLiteral("  %1 %2\n").arg(c->name(), c->synopsis());
    text += QStringLiteral("\nRun '%1 COMMAND --help' for a command's options.\n").arg(QLatin1String(kProgram));
    return text;
}

QString commandHelp(const Command &command, const QCommandLineParser &parser)
{
    // QCommandLineParser's own usage line lacks the command name: write ours, keep its option list.
    QString help = parser.helpText();
    const qsizetype optionsStart = help.indexOf(QLatin1String("\nOptions:"));
    const QString options = optionsStart >= 0 ? help.mid(optionsStart + 1) : QString();
    QString text = QStringLiteral("Usage: %1 %2 %3\n\n%4\n\n%5")
                       .arg(QLatin1String(kProgram), command.name(), command.synopsis(), command.description(), options);
    if (!text.endsWith(QLatin1Char('\n')))
        text += QLatin1Char('\n');
    return text;
}

int runCommand(const Command &command, const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(command.description());
    const QCommandLineOption help(QStringList{QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOption(help);
    command.configure(parser);
    // arguments: program, command, rest. The parser skips its first element as the program name.
    QStringList forParser = arguments.mid(1);
    if (!parser.parse(forParser))
        return fail(2, parser.errorText());
    if (parser.isSet(help)) {
        QTextStream(stdout) << commandHelp(command, parser);
        return 0;
    }
    Context context;
    context.setCommand(command.name(), command.worksOnServer());
    const int status = command.run(parser, context);
    context.out().flush();
    return status;
}

} // namespace

int runCli(const QStringList &arguments)
{
    try {
        const auto commands = makeCommands();
        if (arguments.size() < 2) {
            QTextStream(stderr) << overview(commands);
            return 2;
        }
        const QString first = arguments.at(1);
        if (first == QLatin1String("--version") || first == QLatin1String("-v")) {
            QTextStream(stdout) << kProgram << ' ' << ACTIVELABEL_VERSION << Qt::endl;
            return 0;
        }
        if (first == QLatin1String("--help") || first == QLatin1String("-h") || first == QLatin1String("help")) {
            QTextStream(stdout) << overview(commands);
            return 0;
        }
        for (const auto &command : commands)
            if (command->name() == first)
                return runCommand(*command, arguments);
        return fail(2, QStringLiteral("unknown command '%1' (see %2 --help)").arg(first, QLatin1String(kProgram)));
    } catch (const UsageError &e) {
        return fail(2, QString::fromStdString(e.what()));
    } catch (const std::exception &e) {
        return fail(1, QString::fromStdString(e.what()));
    } catch (...) {
        return fail(1, QStringLiteral("unexpected internal error"));
    }
}

} // namespace activelabel::cli
