#pragma once

#include <QFileSystemWatcher>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace activelabel {

// The activelabel-cli beside the bench (or $ACTIVELABEL_CLI), and the environment that gives a
// process started from it the cache folder `cacheHome` (XDG_CACHE_HOME).
QString teamLoadCli();
QProcessEnvironment teamLoadCliEnvironment(const QString &cacheHome);

// The trainers of a bench_team_load run: `activelabel-cli serve-trainer URI` processes beside the
// annotators, one holding the trainer role, the others waiting for it. Optionally the holder is
// killed (SIGKILL) in the middle of a round, in a chosen phase: "training" or "scoring" (seen on
// its progress lines) or "saving" (its checkpoint's temporary file is in its models/ folder).
// Each trainer has a cache of its own (XDG_CACHE_HOME), as on machines of their own, unless
// `sharedCache`; what the server holds afterwards is checked by report().
class TeamLoadTrainers
{
public:
    struct Options
    {
        int trainers = 0;
        int every = 500; // serve-trainer --every
        int epochs = 1;  // serve-trainer --epochs
        QString transfer = QStringLiteral("auto");
        int killAt = -1;                             // seconds into the run; < 0: no kill
        QString killIn = QStringLiteral("training"); // training, scoring or saving
        bool sharedCache = false;
        bool show = false; // echo every line the trainers print, with the run's seconds, on stderr
    };

    TeamLoadTrainers(std::string uri, Options options, QString cacheRoot);
    ~TeamLoadTrainers();

    // Starts the trainers and waits until one holds the role and the others wait (false on
    // timeout).
    bool start();
    // The run's clock starts now (ms since the epoch): times are reported from here.
    void setRunStart(std::int64_t ms) { m_runStart = ms; }
    // Reads what the trainers printed; kills the holder when the time and phase have come.
    void poll();
    // Asks every trainer still alive to stop (SIGINT: a round in progress is cancelled) and waits.
    void stop();
    // Prints the trainer figures and the checks of what the server holds; false when a check failed
    // (a version whose checkpoint is missing or does not load, a temporary file on the server, or
    // no takeover after the kill).
    bool report();

private:
    struct Trainer
    {
        QString name;
        QString cacheHome;
        std::unique_ptr<QProcess> process;
        QByteArray out, err;
        QString lastProgress;
        std::int64_t roleAtMs = -1; // ms since the epoch when it took the role; -1: not (yet)
        bool waiting = false;
        bool killed = false;
        std::vector<std::pair<std::int64_t, std::int64_t>>
            versions; // published version, ms since the epoch
    };

    double runSeconds(std::int64_t ms) const { return double(ms - m_runStart) / 1000.0; }
    void readLines(Trainer &t);
    Trainer *holder();
    void killHolder(Trainer &t, const QString &why);
    void watchSaving();
    QString modelsDir(const Trainer &t) const;

    std::string m_uri;
    Options m_options;
    QString m_cacheRoot;
    std::vector<std::unique_ptr<Trainer>> m_trainers;
    std::int64_t m_runStart = 0;
    bool m_killDone = false;
    std::int64_t m_killedAtMs = -1;
    QString m_killedIn;
    QString m_killedName;
    std::vector<QString>
        m_tempFilesSeen; // the killed holder's temporary checkpoint files, at the kill
    QFileSystemWatcher m_watcher;
};

} // namespace activelabel
