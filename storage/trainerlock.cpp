#include "storage/trainerlock.h"

#include "storage/database.h"

namespace activelabel {

namespace {
// Any constant no other advisory lock of ours uses (the migrations take 7305010274).
constexpr const char *kTake = "SELECT pg_try_advisory_lock(7305010275)";
constexpr const char *kRelease = "SELECT pg_advisory_unlock(7305010275)";
} // namespace

TrainerLock::~TrainerLock()
{
    if (!m_held || m_db.dialect() != Dialect::Postgres)
        return;
    try {
        m_db.scalarInt(kRelease);
    } catch (const DatabaseError &) {
        // The connection is gone, and the lock with it.
    }
}

bool TrainerLock::tryTake()
{
    if (!m_held)
        m_held = m_db.dialect() != Dialect::Postgres || m_db.scalarInt(kTake) == 1;
    return m_held;
}

} // namespace activelabel
