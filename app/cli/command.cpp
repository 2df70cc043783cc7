#include "app/cli/command.h"

#include "app/progressreport.h"
#include "storage/classrepository.h"
#include "storage/imagerepository.h"

#include <QElapsedTimer>
#include <QFile>

#include <atomic>
#include <csignal>

namespace activelabel::cli {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void onSigint(int)
{
    g_interrupted = true;
}

} // namespace

Context::Context() : m_out(stdout), m_err(stderr) {}

std::filesystem::path Context::toPath(const QString &argument)
{
    // encodeName gives the bytes the file system uses (UTF-8 here), so non-ASCII names work.
    return std::filesystem::path(QFile::encodeName(argument).toStdString());
}

void Context::setCommand(const QString &name, bool worksOnServer)
{
    m_command = name;
    m_worksOnServer = worksOnServer;
}

std::unique_ptr<Project> Context::openProject(const QString &argument, Project::Mode mode)
{
    const std::string utf8 = argument.toStdString();
    if (!Project::isServerUri(utf8))
        return Project::open(toPath(argument), mode);
    if (!m_worksOnServer)
        throw std::runtime_error(m_command.toStdString() +
                                 " does not work on a team project (a server URI) yet; these do: init --server, import, "
                                 "import-fashion-mnist, status, label, oracle, train, serve-trainer, evaluate, predict, "
                                 "agreement, export");
    return Project::openOnServer(utf8, mode);
}

long long Context::integerOption(const QCommandLineParser &parser, const QString &name, long long minimum,
                                 long long fallback)
{
    if (!parser.isSet(name))
        return fallback;
    bool ok = false;
    const long long value = parser.value(name).toLongLong(&ok);
    if (!ok || value < minimum)
        throw UsageError(QStringLiteral("--%1 needs an integer >= %2, not '%3'")
                             .arg(name)
                             .arg(minimum)
                             .arg(parser.value(name))
                             .toStdString());
    return value;
}

bool Context::interrupted()
{
    return g_interrupted;
}

const std::atomic<bool> *Context::cancelOnInterrupt()
{
    std::signal(SIGINT, onSigint);
    return &g_interrupted;
}

ImportProgressCallback Context::progressPrinter(const QString &what)
{
    std::signal(SIGINT, onSigint);
    auto report = std::make_shared<ProgressReport>();
    auto phase = std::make_shared<QString>();
    return [this, what, report, phase](const ImportProgress &p) {
        if (*phase != p.phase) {
            *phase = p.phase;
            report->restart(p.phase, QStringLiteral("files"));
        }
        report->update(double(p.done), double(p.total));
        if (report->lineDue()) {
            if (p.total > 0) {
                m_err << what << ": " << p.phase << ' ' << p.done << '/' << p.total << " ("
                      << (100 * p.done / p.total) << "%)";
                if (const auto left = report->secondsLeft(); left && p.done < p.total)
                    m_err << ", " << ProgressReport::formatDuration(*left) << " left";
                m_err << Qt::endl;
            } else {
                m_err << what << ": " << p.phase << ' ' << p.done << " files found" << Qt::endl;
            }
        }
        return !g_interrupted;
    };
}

QStringList Command::positionals(const QCommandLineParser &parser, int minimum, int maximum) const
{
    const QStringList args = parser.positionalArguments();
    if (args.size() < minimum)
        throw UsageError(QStringLiteral("missing arguments; usage: activelabel-cli %1 %2").arg(name(), synopsis()).toStdString());
    if (maximum >= 0 && args.size() > maximum)
        throw UsageError(QStringLiteral("unexpected argument '%1'").arg(args.at(maximum)).toStdString());
    return args;
}

std::int64_t existingImageId(Database &db, const QString &argument)
{
    bool ok = false;
    const qint64 imageId = argument.toLongLong(&ok);
    if (!ok || imageId <= 0)
        throw UsageError("IMAGE_ID must be a positive integer, not '" + argument.toStdString() + "'");
    if (!ImageRepository(db).get(imageId))
        throw std::runtime_error("no image with id " + std::to_string(imageId));
    return imageId;
}

std::int64_t existingClassId(Database &db, const QString &name)
{
    ClassRepository classes(db);
    if (const auto cls = classes.find(name))
        return cls->id;
    QStringList names;
    for (const ClassInfo &c : classes.list())
        names << c.name;
    throw std::runtime_error("unknown class '" + name.toStdString() + "' (classes: " +
                             (names.isEmpty() ? std::string("none") : names.join(QStringLiteral(", ")).toStdString()) +
                             ")");
}

} // namespace activelabel::cli
