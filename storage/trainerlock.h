#pragma once

namespace activelabel {

class Database;

// The one trainer of a team project: a session-level advisory lock on the server, held by the
// connection that took it. The server drops it when that connection ends, also when the process
// is killed, so another trainer waiting for it takes over without anyone cleaning up. A folder
// project has one writing process anyway (its lock file): there the lock is always granted.
class TrainerLock
{
public:
    explicit TrainerLock(Database &db) : m_db(db) {}
    ~TrainerLock();
    TrainerLock(const TrainerLock &) = delete;
    TrainerLock &operator=(const TrainerLock &) = delete;

    // Takes the lock if no other session holds it; true when this one holds it now.
    bool tryTake();
    bool held() const { return m_held; }

private:
    Database &m_db;
    bool m_held = false;
};

} // namespace activelabel
