#include "storage/labelreviewrepository.h"

#include "storage/database.h"
#include "storage/labelrepository.h"
#include "storage/timeutil.h"
#include "storage/transaction.h"

#include <stdexcept>

namespace activelabel {

std::int64_t LabelReviewRepository::settle(std::int64_t imageId, std::int64_t classId, const QString &reviewer)
{
    Transaction tx(m_db);
    LabelRepository labels(m_db);
    labels.writeInTransaction(imageId, classId, LabelSource::Human, reviewer, true);
    auto last = m_db.query("SELECT MAX(id) FROM label_history WHERE image_id = ?");
    last.bind(1, imageId);
    if (!last.step() || last.isNull(0))
        throw std::logic_error("a settlement wrote no label change");
    const std::int64_t changeId = last.int64(0);
    m_db.query("INSERT INTO label_reviews (image_id, history_id, reviewer, settled_at) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (image_id) DO UPDATE SET history_id = excluded.history_id, "
               "reviewer = excluded.reviewer, settled_at = excluded.settled_at")
        .bind(1, imageId)
        .bind(2, changeId)
        .bind(3, reviewer)
        .bind(4, nowMs())
        .exec();
    tx.commit();
    return changeId;
}

std::map<std::int64_t, std::int64_t> LabelReviewRepository::settlements()
{
    auto q = m_db.query("SELECT image_id, history_id FROM label_reviews");
    std::map<std::int64_t, std::int64_t> out;
    while (q.step())
        out[q.int64(0)] = q.int64(1);
    return out;
}

} // namespace activelabel
