#pragma once

#include "storage/importtypes.h"
#include "storage/project.h"

#include <QCommandLineParser>
#include <QString>
#include <QTextStream>

#include <atomic>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace activelabel::cli {

// A wrong invocation (missing argument, bad value): exit status 2, like other Unix tools.
class UsageError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// What a command may use: stdout for results, stderr for progress, helpers for arguments that
// every command parses the same way (paths keep spaces and non-ASCII characters intact).
class Context
{
public:
    Context();

    QTextStream &out() { return m_out; }
    QTextStream &err() { return m_err; }

    static std::filesystem::path toPath(const QString &argument);
    static std::string toUtf8(const QString &text) { return text.toStdString(); }

    // Opens the project named by a positional argument: a folder, or a server URI for a team
    // project when the running command works on one (ReadOnly for read-only commands, so they work
    // while another process writes).
    std::unique_ptr<Project> openProject(const QString &argument, Project::Mode mode);
    // Set by the runner: which command runs, and whether it works on a team project.
    void setCommand(const QString &name, bool worksOnServer);

    // Parses an integer option value; throws UsageError naming the option when invalid.
    static long long integerOption(const QCommandLineParser &parser, const QString &name, long long minimum,
                                   long long fallback);

    // Progress lines on stderr ("import: 1200/5000 (24%)"), at most about one a second. Returns
    // false (cancel) after SIGINT, so an interrupted import keeps what it committed.
    ImportProgressCallback progressPrinter(const QString &what);
    static bool interrupted();
    // Installs the SIGINT handler and returns the flag it sets: for work that takes a cancel flag
    // (a training round stops between two steps or batches and leaves the model unchanged).
    static const std::atomic<bool> *cancelOnInterrupt();

private:
    QTextStream m_out;
    QTextStream m_err;
    QString m_command;
    bool m_worksOnServer = false;
};

// One CLI command. To add one: write a new file app/cli/<name>command.cpp defining a subclass
// and `std::unique_ptr<Command> make<Name>Command()`, then add one line to the table in
// app/cli/commandtable.cpp.
class Command
{
public:
    virtual ~Command() = default;

    virtual QString name() const = 0;           // e.g. "import-fashion-mnist"
    virtual QString synopsis() const = 0;       // arguments after the name, e.g. "PROJECT [--json]"
    virtual QString description() const = 0;    // one sentence for --help
    // Declares options and positional arguments (--help is added by the runner).
    virtual void configure(QCommandLineParser &parser) const = 0;
    // Runs the command; returns the exit status. Throw UsageError for bad arguments and any
    // std::exception for failures: the runner prints one line and exits non-zero.
    virtual int run(const QCommandLineParser &parser, Context &context) const = 0;
    // Whether PROJECT may be a server URI (a team project). Commands that read pixels or train
    // do not yet: a team's model is trained by one trainer process, still to come.
    virtual bool worksOnServer() const { return false; }

protected:
    // Checks the number of positional arguments, throwing UsageError otherwise.
    QStringList positionals(const QCommandLineParser &parser, int minimum, int maximum) const;
};

// An IMAGE_ID argument: a positive integer naming an image of the project (UsageError or
// runtime_error otherwise).
std::int64_t existingImageId(Database &db, const QString &argument);
// The id of the class named `name`; the error lists the project's classes.
std::int64_t existingClassId(Database &db, const QString &name);

} // namespace activelabel::cli
