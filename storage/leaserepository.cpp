#include "storage/leaserepository.h"

#include "storage/database.h"
#include "storage/settingsrepository.h"
#include "storage/timeutil.h"
#include "storage/transaction.h"

#include <QSysInfo>

#include <algorithm>
#include <stdexcept>

#include <unistd.h>

namespace activelabel {

namespace {

const QString kOverlapKey = QStringLiteral("overlap");

// A pool image still wants a label from annotator ?5 at time ?1 (the claim's parameters). Overlap
// 1: nobody labelled it and nobody holds a live lease. Overlap k (?7): it has no label that came
// with the files, this annotator has neither labelled nor leased it, and fewer than k others have
// (the others counted once each, whether they labelled it, hold it, or both).
constexpr const char *kWantedOnce =
    " NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id)"
    " AND NOT EXISTS (SELECT 1 FROM leases s WHERE s.image_id = i.id AND s.expires_at > ?1)";
constexpr const char *kWantedByOverlap =
    " NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id AND l.source = 'import')"
    " AND NOT EXISTS (SELECT 1 FROM label_history h WHERE h.image_id = i.id AND h.annotator = ?5"
    " AND h.source <> 'import')"
    " AND NOT EXISTS (SELECT 1 FROM leases s WHERE s.image_id = i.id AND s.annotator = ?5 AND s.expires_at > ?1)"
    " AND (SELECT COUNT(*) FROM (SELECT h.annotator FROM label_history h WHERE h.image_id = i.id"
    " AND h.source NOT IN ('import', 'undo') AND h.annotator <> ''"
    " UNION SELECT s.annotator FROM leases s WHERE s.image_id = i.id AND s.expires_at > ?1) AS others) < ?7";

// Leases of holder ?1 on images that, read now, have more takers than the overlap ?3 allows: what
// a concurrent claim committed between this claim's snapshot and its row locks. The claim still
// holds those rows, so every claim that could have raced it committed before this statement began
// and is visible to it; the later of two racing claims gives the image up.
constexpr const char *kOversubscribedOnce =
    "DELETE FROM leases m WHERE m.holder = ?1 AND m.expires_at > ?2 AND (EXISTS (SELECT 1 FROM labels l"
    " WHERE l.image_id = m.image_id) OR EXISTS (SELECT 1 FROM leases s WHERE s.image_id = m.image_id"
    " AND s.annotator <> m.annotator AND s.expires_at > ?2)) RETURNING m.image_id";
constexpr const char *kOversubscribedByOverlap =
    "DELETE FROM leases m WHERE m.holder = ?1 AND m.expires_at > ?2 AND (SELECT COUNT(*) FROM ("
    "SELECT h.annotator FROM label_history h WHERE h.image_id = m.image_id"
    " AND h.source NOT IN ('import', 'undo') AND h.annotator <> '' AND h.annotator <> m.annotator"
    " UNION SELECT s.annotator FROM leases s WHERE s.image_id = m.image_id AND s.annotator <> m.annotator"
    " AND s.expires_at > ?2) AS others) >= ?3 RETURNING m.image_id";

} // namespace

LeaseRepository::LeaseRepository(Database &db, std::string holder, QString annotator)
    : m_db(db), m_holder(std::move(holder)), m_annotator(std::move(annotator))
{
    if (m_db.dialect() != Dialect::Postgres)
        throw std::logic_error("leases belong to team projects on a server");
    m_overlap = overlap(m_db);
}

int LeaseRepository::overlap(Database &db)
{
    bool ok = false;
    const int k = SettingsRepository(db).value(kOverlapKey, QStringLiteral("1")).toInt(&ok);
    return ok ? std::max(1, k) : 1;
}

void LeaseRepository::setOverlap(Database &db, int annotatorsPerImage)
{
    if (annotatorsPerImage < 1)
        throw std::invalid_argument("the overlap is the number of annotators per image: 1 or more");
    SettingsRepository(db).setValue(kOverlapKey, QString::number(annotatorsPerImage));
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
    // must not wait for another client's claim. The conditions read the statement's snapshot, in
    // which a lease that another client committed a moment ago may be missing: a lease of the same
    // annotator is caught by the ON CONFLICT clause (which re-reads the row as committed), one of
    // another annotator by the check after the claim. Expired leases of others on the picked images
    // are deleted, so that their holders learn at release that they lost them. The last row, <= 0,
    // is minus the number of images picked: when some were picked but lost, the next statement (a
    // new snapshot) picks again; when none was left after the cursor, the next one starts from the
    // first image.
    const std::string sql = claimSql("i.id > ?2", true);
    std::vector<std::int64_t> ids;
    bool wrapped = false;
    for (int attempt = 0; attempt < kAttempts && static_cast<int>(ids.size()) < count; ++attempt) {
        auto q = m_db.query(sql);
        q.bind(1, now).bind(2, m_cursor).bind(3, count - static_cast<int>(ids.size()));
        q.bind(4, std::string_view(m_holder)).bind(5, m_annotator).bind(6, now + ttlMs);
        if (m_overlap > 1)
            q.bind(7, m_overlap);
        std::int64_t picked = 0;
        std::size_t claimedNow = 0;
        while (q.step()) {
            const std::int64_t value = q.int64(0);
            if (value > 0) {
                ids.push_back(value);
                ++claimedNow;
                m_cursor = std::max(m_cursor, value);
            } else {
                picked = -value;
            }
        }
        if (claimedNow > 0)
            dropOversubscribed(ids, now);
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

std::string LeaseRepository::claimSql(const std::string &where, bool needsTruth) const
{
    return std::string("WITH picked AS (SELECT i.id FROM images i") +
           (needsTruth ? " JOIN ground_truth g ON g.image_id = i.id" : "") + " WHERE " + where +
           " AND i.split = 'pool' AND" + (m_overlap == 1 ? kWantedOnce : kWantedByOverlap) +
           " ORDER BY i.id LIMIT ?3"
           " FOR NO KEY UPDATE OF i SKIP LOCKED),"
           " cleared AS (DELETE FROM leases s USING picked p WHERE s.image_id = p.id AND s.annotator <> ?5"
           " AND s.expires_at <= ?1),"
           " claimed AS ("
           " INSERT INTO leases (image_id, holder, annotator, expires_at) SELECT id, ?4, ?5, ?6 FROM picked"
           " ON CONFLICT (image_id, annotator) DO UPDATE SET holder = excluded.holder,"
           " expires_at = excluded.expires_at WHERE leases.expires_at <= ?1"
           " RETURNING image_id)"
           " SELECT image_id FROM claimed UNION ALL SELECT -COUNT(*) FROM picked";
}

std::vector<std::int64_t> LeaseRepository::claimIds(const std::vector<std::int64_t> &imageIds, std::int64_t ttlMs)
{
    const std::int64_t now = nowMs();
    Transaction tx(m_db);
    // One image per statement: a window asks for a handful at a time, and a parameter per image
    // keeps the statement's text fixed.
    const std::string sql = claimSql("i.id = ?2", false);
    std::vector<std::int64_t> ids;
    for (const std::int64_t id : imageIds) {
        auto q = m_db.query(sql);
        q.bind(1, now).bind(2, id).bind(3, 1);
        q.bind(4, std::string_view(m_holder)).bind(5, m_annotator).bind(6, now + ttlMs);
        if (m_overlap > 1)
            q.bind(7, m_overlap);
        while (q.step())
            if (q.int64(0) > 0)
                ids.push_back(q.int64(0));
    }
    if (!ids.empty())
        dropOversubscribed(ids, now);
    tx.commit();
    return ids;
}

void LeaseRepository::dropOversubscribed(std::vector<std::int64_t> &ids, std::int64_t now)
{
    auto q = m_db.query(m_overlap == 1 ? kOversubscribedOnce : kOversubscribedByOverlap);
    q.bind(1, std::string_view(m_holder)).bind(2, now);
    if (m_overlap > 1)
        q.bind(3, m_overlap);
    std::vector<std::int64_t> dropped;
    while (q.step())
        dropped.push_back(q.int64(0));
    if (!dropped.empty())
        ids.erase(std::remove_if(ids.begin(), ids.end(),
                                 [&](std::int64_t id) {
                                     return std::find(dropped.begin(), dropped.end(), id) != dropped.end();
                                 }),
                  ids.end());
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
