#pragma once

#include "app/lookalikeindex.h"
#include "app/mailbox.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace activelabel {

// Keeps the session's look-alike index: builds it from the pool embeddings a round (or the
// session's start) hands over, on its own thread at the training worker's low CPU priority, and
// swaps it in whole when it is ready. The UI thread's current() is a pointer copy under a lock
// that a build never holds: a query never waits for a rebuild, and keeps using the index it got
// while a newer one replaces it. A newer request cancels the build of an older one.
class LookalikeIndexer : public QObject
{
    Q_OBJECT
public:
    explicit LookalikeIndexer(QObject *parent = nullptr);
    ~LookalikeIndexer() override; // cancels the build in progress and joins the thread

    // Thread-safe: build an index over `embeddings` (nullptr: there are none; current() keeps
    // what it had). The newest request wins.
    void rebuild(std::shared_ptr<const PoolEmbeddings> embeddings);

    // Thread-safe and never blocks on a build: the index in use, nullptr before the first one.
    std::shared_ptr<const LookalikeIndex> current() const;
    // A build is running or waiting (the UI says "building…" rather than "no embeddings yet").
    bool isBuilding() const;
    // Blocks until no build is running or waiting (tests and benchmarks only).
    void waitUntilIdle() const;
    // The last build's failure (out of memory), or empty.
    QString lastError() const;

Q_SIGNALS:
    // On the UI thread: current() is a new index (or the last build failed: lastError()).
    void indexChanged();
    // On the UI thread: a build's progress (done of total rows).
    void progress(int done, int total);

private Q_SLOTS:
    void announce(); // the build thread's wake-up: emits indexChanged
    void announceProgress();

private:
    void run(); // the build thread

    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    std::shared_ptr<const PoolEmbeddings> m_pending; // guarded by m_mutex
    bool m_hasPending = false;                       // guarded by m_mutex
    bool m_building = false;                         // guarded by m_mutex
    bool m_stop = false;                             // guarded by m_mutex
    std::shared_ptr<const LookalikeIndex> m_current; // guarded by m_mutex
    QString m_lastError;                             // guarded by m_mutex
    std::atomic<bool> m_cancelBuild{false};
    Mailbox<bool> m_announcements; // one per finished build
    Mailbox<std::pair<int, int>> m_progress;
    std::thread m_thread;
};

} // namespace activelabel
