#include "teamloadtrainers.h"

#include "model/classifier.h"
#include "storage/database.h"
#include "storage/modelfilerepository.h"
#include "storage/modelversionrepository.h"
#include "storage/timeutil.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <set>

namespace activelabel {

QString teamLoadCli()
{
    const QString set = qEnvironmentVariable("ACTIVELABEL_CLI");
    if (!set.isEmpty())
        return set;
    return QDir(QCoreApplication::applicationDirPath())
        .absoluteFilePath(QStringLiteral("../../app/activelabel-cli"));
}

QProcessEnvironment teamLoadCliEnvironment(const QString &cacheHome)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CACHE_HOME"), cacheHome);
    return env;
}

namespace {

// Every model file the server holds, written into `dir` as a client's models/ folder would hold
// them (a frozen round's checkpoint takes its backbone from an earlier one, by name).
bool downloadModelFiles(ModelFileRepository &files, const std::set<QString> &names, const QDir &dir)
{
    for (const QString &name : names) {
        const auto bytes = files.get(name);
        QFile file(dir.filePath(name));
        if (!bytes || !file.open(QIODevice::WriteOnly) || file.write(*bytes) != bytes->size())
            return false;
    }
    return true;
}

// Whether a checkpoint in `dir` loads as a classifier.
bool checkpointLoads(const QDir &dir, const QString &name, QString *why)
{
    if (!dir.exists(name)) {
        *why = QStringLiteral("not on the server");
        return false;
    }
    try {
        Classifier::load(dir.filePath(name));
        return true;
    } catch (const std::exception &e) {
        *why = QString::fromLocal8Bit(e.what());
        return false;
    }
}

} // namespace

TeamLoadTrainers::TeamLoadTrainers(std::string uri, Options options, QString cacheRoot)
    : m_uri(std::move(uri)), m_options(std::move(options)), m_cacheRoot(std::move(cacheRoot))
{
    QObject::connect(&m_watcher, &QFileSystemWatcher::directoryChanged, [this] { watchSaving(); });
}

TeamLoadTrainers::~TeamLoadTrainers()
{
    for (auto &t : m_trainers)
        if (t->process && t->process->state() != QProcess::NotRunning) {
            t->process->kill();
            t->process->waitForFinished(5000);
        }
}

QString TeamLoadTrainers::modelsDir(const Trainer &t) const
{
    // The project's cache is servers/<hash of the database>/ under the trainer's XDG_CACHE_HOME:
    // one database per run, so the one folder there.
    const QDir servers(t.cacheHome + QStringLiteral("/activelabel/servers"));
    const QStringList entries = servers.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    return entries.isEmpty() ? QString()
                             : servers.filePath(entries.first() + QStringLiteral("/models"));
}

bool TeamLoadTrainers::start()
{
    m_runStart = nowMs();
    for (int i = 0; i < m_options.trainers; ++i) {
        auto t = std::make_unique<Trainer>();
        t->name = QStringLiteral("trainer%1").arg(i);
        t->cacheHome = m_cacheRoot + (m_options.sharedCache ? QStringLiteral("/trainers")
                                                            : QLatin1Char('/') + t->name);
        t->process = std::make_unique<QProcess>();
        t->process->setProcessEnvironment(teamLoadCliEnvironment(t->cacheHome));
        t->process->start(teamLoadCli(),
                          {QStringLiteral("serve-trainer"), QString::fromStdString(m_uri),
                           QStringLiteral("--every"), QString::number(m_options.every),
                           QStringLiteral("--poll-seconds"), QStringLiteral("1"),
                           QStringLiteral("--epochs"), QString::number(m_options.epochs),
                           QStringLiteral("--transfer"), m_options.transfer});
        m_trainers.push_back(std::move(t));
        // One at a time: the first takes the role, the next ones wait for it.
        QElapsedTimer clock;
        clock.start();
        Trainer &started = *m_trainers.back();
        while (started.roleAtMs < 0 && !started.waiting && clock.elapsed() < 120000 &&
               started.process->state() != QProcess::NotRunning) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
            readLines(started);
        }
        if (started.roleAtMs < 0 && !started.waiting) {
            std::fprintf(stderr,
                         "bench_team_load: %s neither took the trainer role nor waited for it\n",
                         qPrintable(started.name));
            return false;
        }
    }
    return true;
}

void TeamLoadTrainers::readLines(Trainer &t)
{
    t.out += t.process->readAllStandardOutput();
    for (int nl = t.out.indexOf('\n'); nl >= 0; nl = t.out.indexOf('\n')) {
        const QString line = QString::fromUtf8(t.out.left(nl));
        t.out.remove(0, nl + 1);
        if (m_options.show)
            std::fprintf(stderr, "%7.1f s %s| %s\n", runSeconds(nowMs()), qPrintable(t.name),
                         qPrintable(line));
        if (line.startsWith(QLatin1String("serve-trainer: training "))) {
            t.roleAtMs = nowMs();
            t.waiting = false;
        } else if (line.startsWith(QLatin1String("round: model version "))) {
            const QString number = line.mid(21).section(QLatin1Char(','), 0, 0);
            t.versions.emplace_back(number.toLongLong(), nowMs());
        }
    }
    t.err += t.process->readAllStandardError();
    for (int nl = t.err.indexOf('\n'); nl >= 0; nl = t.err.indexOf('\n')) {
        const QString line = QString::fromUtf8(t.err.left(nl));
        t.err.remove(0, nl + 1);
        if (m_options.show)
            std::fprintf(stderr, "%7.1f s %s| %s\n", runSeconds(nowMs()), qPrintable(t.name),
                         qPrintable(line));
        if (line.contains(QLatin1String("waiting to take over"))) {
            t.waiting = true;
        } else if (line.startsWith(QLatin1String("serve-trainer: training: ")) ||
                   line.startsWith(QLatin1String("serve-trainer: scoring: "))) {
            t.lastProgress = line.mid(15);
            const QString phase = t.lastProgress.section(QLatin1Char(':'), 0, 0);
            if (!m_killDone && m_options.killAt >= 0 && runSeconds(nowMs()) >= m_options.killAt &&
                phase == m_options.killIn && !t.killed && t.roleAtMs >= 0)
                killHolder(t, t.lastProgress);
        } else if (!m_options.show) {
            std::fprintf(stderr, "%s: %s\n", qPrintable(t.name), qPrintable(line));
        }
    }
}

TeamLoadTrainers::Trainer *TeamLoadTrainers::holder()
{
    // The latest to take the role among those alive.
    Trainer *found = nullptr;
    for (auto &t : m_trainers)
        if (!t->killed && t->roleAtMs >= 0 && (!found || t->roleAtMs > found->roleAtMs))
            found = t.get();
    return found;
}

void TeamLoadTrainers::killHolder(Trainer &t, const QString &why)
{
    t.process->kill(); // SIGKILL: no clean-up; the server drops its session and the role with it
    m_killedAtMs = nowMs();
    t.process->waitForFinished(5000);
    t.killed = true;
    m_killDone = true;
    m_killedIn = why;
    m_killedName = t.name;
    const QDir models(modelsDir(t));
    for (const QString &name : models.entryList(QDir::Files))
        if (name.contains(QLatin1String(".tmp-")))
            m_tempFilesSeen.push_back(name);
}

void TeamLoadTrainers::watchSaving()
{
    if (m_killDone || m_options.killIn != QLatin1String("saving") || m_options.killAt < 0 ||
        runSeconds(nowMs()) < m_options.killAt)
        return;
    Trainer *t = holder();
    if (!t)
        return;
    const QString dir = modelsDir(*t);
    if (dir.isEmpty())
        return;
    if (!m_watcher.directories().contains(dir))
        m_watcher.addPath(dir);
    const QString mine = QStringLiteral(".tmp-%1").arg(t->process->processId());
    for (const QString &name : QDir(dir).entryList(QDir::Files))
        if (name.endsWith(mine)) {
            killHolder(*t, QStringLiteral("saving: %1 being written").arg(name));
            return;
        }
}

void TeamLoadTrainers::poll()
{
    for (auto &t : m_trainers)
        if (!t->killed)
            readLines(*t);
    watchSaving();
}

void TeamLoadTrainers::stop()
{
    for (auto &t : m_trainers)
        if (!t->killed && t->process->state() != QProcess::NotRunning)
            ::kill(static_cast<pid_t>(t->process->processId()), SIGINT);
    for (auto &t : m_trainers)
        if (!t->killed) {
            if (!t->process->waitForFinished(120000))
                t->process->kill();
            t->process->waitForFinished(5000);
            readLines(*t);
        }
}

bool TeamLoadTrainers::report()
{
    bool ok = true;
    std::printf("trainers: %d serve-trainer processes (--every %d --epochs %d --transfer %s), %s\n",
                m_options.trainers, m_options.every, m_options.epochs,
                qPrintable(m_options.transfer),
                m_options.sharedCache ? "one cache folder for all (one machine)"
                                      : "a cache folder each (as on machines of their own)");
    int before = 0, after = 0;
    for (const auto &t : m_trainers) {
        if (t->roleAtMs >= 0)
            std::printf("  %s: took the role at %.1f s; published %zu versions",
                        qPrintable(t->name), runSeconds(t->roleAtMs), t->versions.size());
        else
            std::printf("  %s: never took the role", qPrintable(t->name));
        if (!t->versions.empty())
            std::printf(" (%lld..%lld)", static_cast<long long>(t->versions.front().first),
                        static_cast<long long>(t->versions.back().first));
        std::printf("%s\n", t->killed ? "; killed" : "");
        for (const auto &[version, at] : t->versions)
            ++(m_killDone && at >= m_killedAtMs ? after : before);
    }
    if (m_options.killAt >= 0 && !m_killDone) {
        std::printf(
            "trainer kill: the holder was never seen in phase \"%s\" after %d s: not killed\n",
            qPrintable(m_options.killIn), m_options.killAt);
        ok = false;
    }
    if (m_killDone) {
        std::printf(
            "trainer killed (SIGKILL) at %.1f s, in \"%s\"; its temporary checkpoint files at that "
            "moment: %zu\n",
            runSeconds(m_killedAtMs), qPrintable(m_killedIn), m_tempFilesSeen.size());
        const Trainer *next = nullptr;
        for (const auto &t : m_trainers)
            if (!t->killed && t->roleAtMs >= m_killedAtMs &&
                (!next || t->roleAtMs < next->roleAtMs))
                next = t.get();
        if (!next) {
            std::printf("no trainer took the role after the kill\n");
            ok = false;
        } else {
            std::printf("%s took the role %.1f s after the kill", qPrintable(next->name),
                        double(next->roleAtMs - m_killedAtMs) / 1000.0);
            const auto first =
                std::find_if(next->versions.begin(), next->versions.end(),
                             [&](const auto &v) { return v.second >= m_killedAtMs; });
            if (first != next->versions.end())
                std::printf(" and published its first model version (%lld) %.1f s after the kill\n",
                            static_cast<long long>(first->first),
                            double(first->second - m_killedAtMs) / 1000.0);
            else
                std::printf(" and published no model version before the run ended\n");
        }
        std::printf("model versions published: %d before the kill, %d after\n", before, after);
    }

    // What the server holds: every version's checkpoint, and whether it loads.
    auto db = Database::connectPostgres(m_uri);
    const std::vector<ModelVersion> versions = ModelVersionRepository(*db).list();
    ModelFileRepository files(*db);
    const std::set<QString> names = files.names();
    QTemporaryDir downloaded;
    const QDir models(downloaded.path());
    if (!downloadModelFiles(files, names, models)) {
        std::printf("cannot download the server's model files into %s\n",
                    qPrintable(models.path()));
        return false;
    }
    std::set<QString> referenced;
    int loads = 0;
    for (const ModelVersion &v : versions) {
        referenced.insert(v.checkpoint);
        QString why;
        if (checkpointLoads(models, v.checkpoint, &why)) {
            ++loads;
        } else {
            std::printf("  model version %lld: checkpoint %s does not load: %s\n",
                        static_cast<long long>(v.id), qPrintable(v.checkpoint), qPrintable(why));
            ok = false;
        }
    }
    std::printf(
        "model versions on the server: %zu; their checkpoints on the server and loading: %d\n",
        versions.size(), loads);
    int orphans = 0, orphansLoading = 0, temporary = 0;
    for (const QString &name : names) {
        if (name.contains(QLatin1String(".tmp-")))
            ++temporary;
        if (referenced.count(name))
            continue;
        ++orphans;
        QString why;
        if (checkpointLoads(models, name, &why))
            ++orphansLoading;
        else
            std::printf("  model file %s (no version points at it) does not load: %s\n",
                        qPrintable(name), qPrintable(why));
    }
    std::printf(
        "model files on the server that no version points at: %d (loading: %d); temporary files "
        "among the server's: %d (must be 0)\n",
        orphans, orphansLoading, temporary);
    ok = ok && temporary == 0;
    if (m_killDone) {
        for (const auto &t : m_trainers)
            if (t->name == m_killedName) {
                int left = 0;
                for (const QString &name : QDir(modelsDir(*t)).entryList(QDir::Files))
                    left += name.contains(QLatin1String(".tmp-")) ? 1 : 0;
                std::printf("temporary checkpoint files the killed trainer left in its cache: %d\n",
                            left);
            }
    }
    auto q = db->query("SELECT MAX(model_version) FROM prediction_runs WHERE complete = 1");
    const std::int64_t complete = q.step() ? q.int64(0) : 0;
    std::printf("latest model version %lld; latest with all its predictions %lld\n",
                static_cast<long long>(versions.empty() ? 0 : versions.back().id),
                static_cast<long long>(complete));

    // A client that has nothing cached loads the latest version from the server and evaluates it.
    QProcess evaluate;
    evaluate.setProcessEnvironment(
        teamLoadCliEnvironment(m_cacheRoot + QStringLiteral("/evaluator")));
    evaluate.start(teamLoadCli(), {QStringLiteral("evaluate"), QString::fromStdString(m_uri),
                                   QStringLiteral("--json")});
    evaluate.waitForFinished(300000);
    const QJsonObject result = QJsonDocument::fromJson(evaluate.readAllStandardOutput()).object();
    if (evaluate.exitStatus() == QProcess::NormalExit && evaluate.exitCode() == 0 &&
        result.contains(QStringLiteral("accuracy"))) {
        std::printf("evaluate on a client with an empty cache: exit 0, test accuracy %.4f\n",
                    result.value(QStringLiteral("accuracy")).toDouble());
    } else {
        std::printf("evaluate on a client with an empty cache failed (exit %d): %s\n",
                    evaluate.exitCode(), evaluate.readAllStandardError().constData());
        ok = ok && versions.empty();
    }
    return ok;
}

} // namespace activelabel
