#include "storage/leaserepository.h"

#include "storage/database.h"
#include "storage/timeutil.h"
#include "storage/transaction.h"

#include <QSysInfo>

#include <algorithm>
#include <stdexcept>

#include <unistd.h>

namespace activelabel {

LeaseRepository::LeaseRepository(Database &db, std::string holder, QString annotator)
    : m_db(db), m_holder(std::move(holder)), m_annotator(std::move(annotator))
{
    if (m_db.dialect() != Dialect::Postgres)
        throw std::logic_error("leases belong to team projects on a server");
}

std::string LeaseRepository::holderFor(const QString &annotator)
{
    return annotator.toStdString() + "@" + QSysInfo::machineHostName().toStdString() + ":" + std::to_string(::getpid());
}

std::vector<std::int64_t> LeaseRepository::claimWithTruth(int count, std::int64_t ttlMs, std::uint32_t seed)
{
    constexpr int kAttempts = 8;
    const std::int64_t now = nowMs();
    Transaction tx(m_db);
    if (m_cursor < 0) {
        const std::int64_t maxId = m_db.scalarInt("SELECT COALESCE(MAX(id), 0) FROM images");
        m_cursor = maxId > 0 ? static_cast<std::int64_t>(seed) % maxId : 0;
    }
    // NO KEY UPDATE, not UPDATE: a label's foreign key takes KEY SHARE on its image row, which
    // must not wait for another client's claim. The NOT EXISTS reads the statement's snapshot, in
    // which a lease that another client committed a moment ago may be missing; the ON CONFLICT
    // clause re-reads the lease row as committed, so such an image is never taken over (it is
    // just not returned). The last row, <= 0, is minus the number of images picked: when some were
    // picked but lost that way, the next statement (a new snapshot) picks again; when none was
    // left after the cursor, the next one starts from the first image.
    std::vector<std::int64_t> ids;
    bool wrapped = false;
    for (int attempt = 0; attempt < kAttempts && static_cast<int>(ids.size()) < count; ++attempt) {
        auto q = m_db.query(
            "WITH picked AS ("
            " SELECT i.id FROM images i JOIN ground_truth g ON g.image_id = i.id"
            " WHERE i.id > ?2 AND i.split = 'pool'"
            " AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id)"
            " AND NOT EXISTS (SELECT 1 FROM leases s WHERE s.image_id = i.id AND s.expires_at > ?1)"
            " ORDER BY i.id LIMIT ?3"
            " FOR NO KEY UPDATE OF i SKIP LOCKED),"
            " claimed AS ("
            " INSERT INTO leases (image_id, holder, annotator, expires_at) SELECT id, ?4, ?5, ?6 FROM picked"
            " ON CONFLICT (image_id) DO UPDATE SET holder = excluded.holder, annotator = excluded.annotator,"
            " expires_at = excluded.expires_at WHERE leases.expires_at <= ?1"
            " RETURNING image_id)"
            " SELECT image_id FROM claimed UNION ALL SELECT -COUNT(*) FROM picked");
        q.bind(1, now).bind(2, m_cursor).bind(3, count - static_cast<int>(ids.size()));
        q.bind(4, std::string_view(m_holder)).bind(5, m_annotator).bind(6, now + ttlMs);
        std::int64_t picked = 0;
        while (q.step()) {
            const std::int64_t value = q.int64(0);
            if (value > 0) {
                ids.push_back(value);
                m_cursor = std::max(m_cursor, value);
            } else {
                picked = -value;
            }
        }
        if (picked == 0) {
            if (wrapped)
                break; // nothing free is left
            wrapped = true;
            m_cursor = 0;
        }
    }
    tx.commit();
    return ids;
}

bool LeaseRepository::release(std::int64_t imageId)
{
    m_db.query("DELETE FROM leases WHERE image_id = ? AND holder = ?")
        .bind(1, imageId)
        .bind(2, std::string_view(m_holder))
        .exec();
    return m_db.changes() == 1;
}

void LeaseRepository::releaseAll()
{
    m_db.query("DELETE FROM leases WHERE holder = ?").bind(1, std::string_view(m_holder)).exec();
}

std::int64_t LeaseRepository::liveCount()
{
    auto q = m_db.query("SELECT COUNT(*) FROM leases WHERE expires_at > ?");
    q.bind(1, nowMs());
    return q.step() ? q.int64(0) : 0;
}

} // namespace activelabel
