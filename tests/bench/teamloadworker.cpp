#include "teamloadworker.h"

#include "storage/database.h"
#include "storage/groundtruthrepository.h"
#include "storage/labelrepository.h"
#include "storage/leaserepository.h"
#include "storage/timeutil.h"
#include "storage/transaction.h"

#include <QElapsedTimer>
#include <QThread>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>

namespace activelabel {

namespace {

constexpr int kClaimBatch = 8;
constexpr unsigned long kRetryMs = 200;

struct Session
{
    std::unique_ptr<Database> db;
    std::unique_ptr<LeaseRepository> leases;
};

Session connect(const std::string &uri, const std::string &holder, const QString &name)
{
    Session s;
    s.db = Database::connectPostgres(uri);
    s.leases = std::make_unique<LeaseRepository>(*s.db, holder, name);
    return s;
}

} // namespace

int runTeamLoadWorker(const QStringList &args)
{
    const std::string uri = args.value(0).toStdString();
    const QString name = args.value(1);
    qint64 deadline = args.value(2).toLongLong(); // ms since the epoch; 0: read it from stdin once ready
    const unsigned long paceMs = args.value(3).toULong();
    const std::int64_t leaseMs = args.value(4).toLongLong();
    const std::string holder = LeaseRepository::holderFor(name);
    const auto seed = static_cast<std::uint32_t>(qHash(name));

    Session s; // connected in the loop: a client may start while the server is down
    if (deadline == 0) {
        // The first clients start together: a process takes a second or more to start (more on a
        // loaded machine), so the run's clock starts once every one of them is connected.
        s = connect(uri, holder, name);
        std::printf("ready\n");
        std::fflush(stdout);
        char line[64] = {};
        if (!std::fgets(line, sizeof line, stdin))
            return 1;
        deadline = std::strtoll(line, nullptr, 10);
    }
    std::deque<std::int64_t> inHand; // claimed, not yet acknowledged
    bool cutOff = false;             // the last commit's outcome is unknown (the connection broke)
    while (nowMs() < deadline) {
        try {
            if (!s.db) {
                s = connect(uri, holder, name);
                if (cutOff)
                    std::printf("reconnected\n");
            }
            if (inHand.empty()) {
                QElapsedTimer t;
                t.start();
                for (std::int64_t id : s.leases->claimWithTruth(kClaimBatch, leaseMs, seed))
                    inHand.push_back(id);
                std::printf("claim %lld\n", static_cast<long long>(t.nsecsElapsed() / 1000));
                if (inHand.empty()) {
                    QThread::msleep(50);
                    continue;
                }
            }
            const std::int64_t image = inHand.front();
            LabelRepository labels(*s.db);
            if (cutOff) {
                // Did the commit that was cut off land? Then the label is ours: acknowledge it now.
                cutOff = false;
                if (const auto label = labels.get(image); label && label->annotator == name) {
                    inHand.pop_front();
                    std::printf("lateack %lld\n", static_cast<long long>(image));
                    continue;
                }
            }
            QElapsedTimer t;
            t.start();
            Transaction tx(*s.db);
            const bool ours = s.leases->release(image)
                              && labels.writeInTransaction(image, *GroundTruthRepository(*s.db).get(image),
                                                           LabelSource::Human, name, false);
            if (ours)
                tx.commit();
            const qint64 us = t.nsecsElapsed() / 1000;
            inHand.pop_front();
            if (ours)
                std::printf("ack %lld %lld\n", static_cast<long long>(image), static_cast<long long>(us));
            std::fflush(stdout);
            if (paceMs > 0)
                QThread::msleep(paceMs);
        } catch (const DatabaseError &e) {
            // The server went away (or cut this connection): keep the label in hand, reconnect.
            if (s.db) {
                std::printf("unreachable\n");
                std::fflush(stdout);
            }
            cutOff = cutOff || s.db != nullptr;
            s = Session{};
            QThread::msleep(kRetryMs);
        }
    }
    std::fflush(stdout);
    if (s.db) {
        try {
            s.leases->releaseAll();
        } catch (const DatabaseError &) {
        }
    }
    return 0;
}

} // namespace activelabel
