// Many annotators on one team project: N annotator processes label one PostgreSQL project at once
// for a set time, each claiming images by lease and committing every label on its own, as the
// window does before it shows "saved". Prints labels/s, commit latency per label (p50/p99), claim
// latency, duplicate assignments (must be 0) and acknowledged labels lost (must be 0).
// Faults (each optional): kill -9 of random clients while they work (their leases must expire and
// their images return to the queue), and a server stop/start in the middle (clients must say the
// server is unreachable, keep their unacknowledged label, reconnect and lose nothing acknowledged).
// With --trainers N, the project is Fashion-MNIST (imported by the CLI, --pool images at most
// 60,000) and N `activelabel-cli serve-trainer` processes train it while the clients label; with
// --kill-trainer-at S the one holding the trainer role is killed (SIGKILL) S seconds in, at its
// next sign of being in the phase --kill-trainer-in names (training, scoring or saving), and the
// bench reports the takeover and checks that every checkpoint on the server loads.
//
//   bench_team_load [--clients 20] [--seconds 120] [--pool 60000] [--pace-ms 0] [--kill-every S]
//                   [--restart-at S] [--lease-ms 5000]
//                   [--trainers N [--train-every 500] [--train-epochs 1] [--transfer auto]
//                    [--kill-trainer-at S] [--kill-trainer-in training|scoring|saving]
//                    [--trainer-cache own|shared] [--test-limit 1000] [--show-trainers]]
// The server is the tests' own PostgreSQL 15 (tests/support/storage/pgserver.h) with fsync on.
#include "teamloadtrainers.h"
#include "teamloadworker.h"

#include "benchstats.h"
#include "storage/classrepository.h"
#include "storage/database.h"
#include "storage/groundtruthrepository.h"
#include "storage/leaserepository.h"
#include "storage/project.h"
#include "storage/timeutil.h"
#include "storage/transaction.h"
#include "support/storage/imagerows.h"
#include "support/storage/pgserver.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <set>

using namespace activelabel;
using namespace activelabel::testsupport;

namespace {

struct Options
{
    int clients = 20;
    int seconds = 120;
    int pool = 60000;
    int paceMs = 0;
    int killEvery = 0;  // seconds; 0: no kills
    int restartAt = -1; // seconds into the run; < 0: no restart
    int leaseMs = 5000;
    int testLimit = 1000; // with trainers: Fashion-MNIST test images (evaluated each round)
    TeamLoadTrainers::Options trainers;
};

int intArg(const QStringList &args, const QString &name, int fallback)
{
    const int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.at(i + 1).toInt() : fallback;
}

QString stringArg(const QStringList &args, const QString &name, const QString &fallback)
{
    const int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.at(i + 1) : fallback;
}

// One running annotator process and what it reported.
struct Client
{
    QString name;
    std::unique_ptr<QProcess> process;
    bool killed = false;
    bool ready = false;
    QByteArray buffer;
};

struct Totals
{
    std::vector<double> commitMs, claimMs;
    std::map<std::int64_t, QString> acked; // image -> annotator that was told "saved"
    int unreachable = 0, reconnected = 0, lateAcks = 0;
};

void readLines(Client &c, Totals &t)
{
    c.buffer += c.process->readAllStandardOutput();
    for (int nl = c.buffer.indexOf('\n'); nl >= 0; nl = c.buffer.indexOf('\n')) {
        const QList<QByteArray> f = c.buffer.left(nl).split(' ');
        c.buffer.remove(0, nl + 1);
        if (f.value(0) == "ack" && f.size() >= 3) {
            t.acked[f[1].toLongLong()] = c.name;
            t.commitMs.push_back(f[2].toDouble() / 1000.0);
        } else if (f.value(0) == "lateack" && f.size() >= 2) {
            t.acked[f[1].toLongLong()] = c.name;
            ++t.lateAcks;
        } else if (f.value(0) == "claim" && f.size() >= 2) {
            t.claimMs.push_back(f[1].toDouble() / 1000.0);
        } else if (f.value(0).startsWith("unreachable")) {
            ++t.unreachable;
        } else if (f.value(0).startsWith("reconnected")) {
            ++t.reconnected;
        } else if (f.value(0) == "ready") {
            c.ready = true;
        } else {
            std::fprintf(stderr, "bench_team_load: unexpected line from %s: %s\n", qPrintable(c.name),
                         f.join(' ').constData());
        }
    }
}

// The images a client holds by lease (read by the bench itself, on a connection of its own).
std::vector<std::int64_t> leasesOf(const std::string &uri, const QString &annotator)
{
    std::vector<std::int64_t> ids;
    auto db = Database::connectPostgres(uri);
    auto q = db->query("SELECT image_id, annotator FROM leases");
    while (q.step())
        if (q.text(1) == annotator)
            ids.push_back(q.int64(0));
    return ids;
}

std::string preparedProject(PgServer &server, int pool)
{
    const std::string uri = server.createDatabase();
    auto project = Project::createOnServer(uri);
    Database &db = project->database();
    const auto ids = addImages(db, pool);
    ClassRepository classes(db);
    std::vector<std::int64_t> classIds;
    for (int c = 0; c < 10; ++c)
        classIds.push_back(classes.add(QStringLiteral("class %1").arg(c)));
    Transaction tx(db);
    GroundTruthRepository truth(db);
    for (std::size_t i = 0; i < ids.size(); ++i)
        truth.set(ids[i], classIds[i % classIds.size()]);
    tx.commit();
    db.exec("ANALYZE");
    return uri;
}

// A project the trainers can train: Fashion-MNIST through the CLI (pixels on the server, ground
// truth for the clients to label from), as a team would import it. Empty on failure.
std::string fashionMnistProject(PgServer &server, const Options &o, const QString &cacheHome)
{
    const std::string uri = server.createDatabase();
    const QString project = QString::fromStdString(uri);
    for (const QStringList &args :
         {QStringList{QStringLiteral("init"), QStringLiteral("--server"), project},
          QStringList{QStringLiteral("import-fashion-mnist"), project, QStringLiteral("--limit"), QString::number(o.pool),
                      QStringLiteral("--test-limit"), QString::number(o.testLimit)}}) {
        QProcess cli;
        cli.setProcessEnvironment(teamLoadCliEnvironment(cacheHome));
        cli.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        cli.start(teamLoadCli(), args);
        if (!cli.waitForFinished(600000) || cli.exitStatus() != QProcess::NormalExit || cli.exitCode() != 0) {
            std::fprintf(stderr, "bench_team_load: activelabel-cli %s failed (%s)\n", qPrintable(args.first()),
                         qPrintable(teamLoadCli()));
            return {};
        }
    }
    Database::connectPostgres(uri)->exec("ANALYZE");
    return uri;
}

// deadline: ms since the epoch, or 0 for a client of the first group (it waits to be told).
void startClient(Client &c, const std::string &uri, const Options &o, qint64 deadline)
{
    c.process = std::make_unique<QProcess>();
    c.process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    c.process->start(QCoreApplication::applicationFilePath(),
                     {QStringLiteral("--worker"), QString::fromStdString(uri), c.name, QString::number(deadline),
                      QString::number(o.paceMs), QString::number(o.leaseMs)});
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.value(1) == QStringLiteral("--worker"))
        return runTeamLoadWorker(args.mid(2));

    Options o;
    o.clients = intArg(args, QStringLiteral("--clients"), o.clients);
    o.seconds = intArg(args, QStringLiteral("--seconds"), o.seconds);
    o.pool = intArg(args, QStringLiteral("--pool"), o.pool);
    o.paceMs = intArg(args, QStringLiteral("--pace-ms"), o.paceMs);
    o.killEvery = intArg(args, QStringLiteral("--kill-every"), o.killEvery);
    o.restartAt = intArg(args, QStringLiteral("--restart-at"), o.restartAt);
    o.leaseMs = intArg(args, QStringLiteral("--lease-ms"), o.leaseMs);
    o.testLimit = intArg(args, QStringLiteral("--test-limit"), o.testLimit);
    o.trainers.trainers = intArg(args, QStringLiteral("--trainers"), 0);
    o.trainers.every = intArg(args, QStringLiteral("--train-every"), o.trainers.every);
    o.trainers.epochs = intArg(args, QStringLiteral("--train-epochs"), o.trainers.epochs);
    o.trainers.transfer = stringArg(args, QStringLiteral("--transfer"), o.trainers.transfer);
    o.trainers.killAt = intArg(args, QStringLiteral("--kill-trainer-at"), o.trainers.killAt);
    o.trainers.killIn = stringArg(args, QStringLiteral("--kill-trainer-in"), o.trainers.killIn);
    o.trainers.show = args.contains(QStringLiteral("--show-trainers"));
    o.trainers.sharedCache = stringArg(args, QStringLiteral("--trainer-cache"), QStringLiteral("own")) == QStringLiteral("shared");

    PgServer::setDurable(true);
    PgServer &server = PgServer::instance();
    if (!server.available()) {
        std::fprintf(stderr, "bench_team_load: no PostgreSQL server: %s\n", qPrintable(server.error()));
        return 1;
    }
    QTemporaryDir caches; // the CLI processes' cache folders (XDG_CACHE_HOME), removed at the end
    const bool training = o.trainers.trainers > 0;
    const std::string uri = training ? fashionMnistProject(server, o, caches.filePath(QStringLiteral("importer")))
                                     : preparedProject(server, o.pool);
    if (uri.empty())
        return 1;
    std::printf("team load: %d clients, %d s, pool %d%s, pace %d ms, lease %d ms, kill every %d s, restart at %d s "
                "(fsync on)\n",
                o.clients, o.seconds, o.pool, training ? " (Fashion-MNIST)" : "", o.paceMs, o.leaseMs, o.killEvery,
                o.restartAt);
    TeamLoadTrainers trainers(uri, o.trainers, caches.path());
    if (training) {
        std::printf("trainers: %d; kill the role holder at %d s in \"%s\"\n", o.trainers.trainers, o.trainers.killAt,
                    qPrintable(o.trainers.killIn));
        std::fflush(stdout);
        if (!trainers.start())
            return 1;
    }

    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < o.clients; ++i) {
        auto c = std::make_unique<Client>();
        c->name = QStringLiteral("ann%1").arg(i);
        startClient(*c, uri, o, 0);
        clients.push_back(std::move(c));
    }
    Totals totals;
    QElapsedTimer startup;
    startup.start();
    const auto allReady = [&] {
        return std::all_of(clients.begin(), clients.end(), [](const auto &c) { return c->ready; });
    };
    while (!allReady() && startup.elapsed() < 120000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        for (auto &c : clients)
            readLines(*c, totals);
    }
    if (!allReady()) {
        std::fprintf(stderr, "bench_team_load: the clients did not connect within 2 minutes\n");
        return 1;
    }
    const double startupSeconds = startup.elapsed() / 1000.0;
    const qint64 deadline = nowMs() + o.seconds * 1000LL;
    for (auto &c : clients)
        c->process->write(QByteArray::number(deadline) + '\n');
    trainers.setRunStart(deadline - o.seconds * 1000LL);
    std::mt19937 rng(1);
    std::set<QString> killedNames;
    std::set<std::int64_t> leftBehind; // images leased by a client when it was killed
    QElapsedTimer clock;
    clock.start();
    qint64 nextKill = o.killEvery > 0 ? o.killEvery * 1000LL : -1;
    bool restarted = false;
    double outageSeconds = 0;
    while (clock.elapsed() < o.seconds * 1000LL) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        for (auto &c : clients)
            readLines(*c, totals);
        trainers.poll();
        if (nextKill > 0 && clock.elapsed() >= nextKill) {
            nextKill += o.killEvery * 1000LL;
            std::vector<Client *> alive;
            for (auto &c : clients)
                if (!c->killed)
                    alive.push_back(c.get());
            Client *victim = alive[std::uniform_int_distribution<std::size_t>(0, alive.size() - 1)(rng)];
            victim->process->kill(); // SIGKILL: no clean-up of its leases
            victim->process->waitForFinished(5000);
            readLines(*victim, totals);
            victim->killed = true;
            killedNames.insert(victim->name);
            for (std::int64_t id : leasesOf(uri, victim->name))
                leftBehind.insert(id);
            auto replacement = std::make_unique<Client>();
            replacement->name = victim->name + QStringLiteral("r");
            startClient(*replacement, uri, o, deadline);
            clients.push_back(std::move(replacement));
        }
        if (o.restartAt >= 0 && !restarted && clock.elapsed() >= o.restartAt * 1000LL) {
            restarted = true;
            QElapsedTimer down;
            down.start();
            if (!server.stopServer())
                std::fprintf(stderr, "%s\n", qPrintable(server.error()));
            QThread::msleep(3000);
            if (!server.startServer())
                std::fprintf(stderr, "%s\n", qPrintable(server.error()));
            outageSeconds = down.elapsed() / 1000.0;
        }
    }
    for (auto &c : clients)
        if (!c->killed) {
            c->process->waitForFinished(30000);
            readLines(*c, totals);
        }
    const double wall = o.seconds; // every acknowledgement came before the deadline
    trainers.stop();

    // What the server holds, read after every client stopped.
    auto db = Database::connectPostgres(uri);
    const std::int64_t duplicates = db->scalarInt(
        "SELECT COUNT(*) FROM (SELECT image_id FROM label_history GROUP BY image_id HAVING COUNT(*) > 1) d");
    std::int64_t lost = 0;
    {
        auto q = db->query("SELECT annotator FROM labels WHERE image_id = ?");
        for (const auto &[image, annotator] : totals.acked) {
            q.reset();
            q.bind(1, image);
            if (!q.step() || q.text(0) != annotator)
                ++lost;
        }
    }
    const std::int64_t labels = db->scalarInt("SELECT COUNT(*) FROM labels");
    // The images that killed clients held: each is back in the queue once the lease time passed,
    // so by now another client has labelled it or a claim of every free image includes it.
    std::int64_t leftLabelled = 0, leftClaimable = 0;
    if (!leftBehind.empty()) {
        QThread::msleep(static_cast<unsigned long>(o.leaseMs));
        auto q = db->query("SELECT image_id FROM labels");
        while (q.step())
            leftLabelled += leftBehind.count(q.int64(0)) ? 1 : 0;
        for (std::int64_t id : LeaseRepository(*db, "checker", QStringLiteral("checker")).claimWithTruth(o.pool, 60000, 0))
            leftClaimable += leftBehind.count(id) ? 1 : 0;
    }
    std::sort(totals.commitMs.begin(), totals.commitMs.end());
    std::sort(totals.claimMs.begin(), totals.claimMs.end());
    const auto pct = [](const std::vector<double> &v, double p) {
        return v.empty() ? 0.0 : v[std::min(v.size() - 1, static_cast<std::size_t>(p * double(v.size())))];
    };
    std::printf("clients connected in %.1f s; labels acknowledged: %zu in %.0f s = %.1f labels/s (labels on the server: "
                "%lld)\n",
                startupSeconds, totals.acked.size(), wall, double(totals.acked.size()) / wall, static_cast<long long>(labels));
    std::printf("commit latency per label: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu commits)\n",
                pct(totals.commitMs, 0.5), pct(totals.commitMs, 0.99),
                totals.commitMs.empty() ? 0.0 : totals.commitMs.back(), totals.commitMs.size());
    std::printf("claim latency per batch of 8: p50 %.2f ms, p99 %.2f ms (%zu claims)\n", pct(totals.claimMs, 0.5),
                pct(totals.claimMs, 0.99), totals.claimMs.size());
    std::printf("duplicate assignments: %lld (must be 0)\n", static_cast<long long>(duplicates));
    std::printf("acknowledged labels lost: %lld (must be 0)\n", static_cast<long long>(lost));
    if (!killedNames.empty())
        std::printf("killed clients: %zu; images they held: %zu, since labelled by another client: %lld, claimable "
                    "again: %lld (the two must add up)\n",
                    killedNames.size(), leftBehind.size(), static_cast<long long>(leftLabelled),
                    static_cast<long long>(leftClaimable));
    if (restarted)
        std::printf("server restart: down %.1f s; clients reported unreachable %d times, reconnected %d times; "
                    "labels acknowledged after reconnecting by re-checking a commit cut off: %d\n",
                    outageSeconds, totals.unreachable, totals.reconnected, totals.lateAcks);
    const bool trainersOk = !training || trainers.report();
    const bool ok = trainersOk && duplicates == 0 && lost == 0 && leftLabelled + leftClaimable == static_cast<std::int64_t>(leftBehind.size());
    return ok ? 0 : 1;
}
