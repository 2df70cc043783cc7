#include "storage/groundtruthrepository.h"

#include "storage/sqlitedatabase.h"

namespace activelabel {

void GroundTruthRepository::set(std::int64_t imageId, std::int64_t classId)
{
    m_db.query("INSERT INTO ground_truth (image_id, class_id) VALUES (?, ?) "
               "ON CONFLICT (image_id) DO UPDATE SET class_id = excluded.class_id")
        .bind(1, imageId)
        .bind(2, classId)
        .exec();
}

std::optional<std::int64_t> GroundTruthRepository::get(std::int64_t imageId)
{
    auto q = m_db.query("SELECT class_id FROM ground_truth WHERE image_id = ?");
    q.bind(1, imageId);
    if (q.step())
        return q.int64(0);
    return std::nullopt;
}

std::vector<std::pair<std::int64_t, std::int64_t>> GroundTruthRepository::all(std::optional<Split> split)
{
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    auto q = split ? m_db.query("SELECT g.image_id, g.class_id FROM ground_truth g JOIN images i ON i.id = g.image_id "
                                "WHERE i.split = ? ORDER BY g.image_id")
                   : m_db.query("SELECT image_id, class_id FROM ground_truth ORDER BY image_id");
    if (split)
        q.bind(1, splitName(*split));
    while (q.step())
        out.emplace_back(q.int64(0), q.int64(1));
    return out;
}

std::vector<std::int64_t> GroundTruthRepository::unlabelledPoolWithTruth()
{
    auto q = m_db.query("SELECT g.image_id FROM ground_truth g JOIN images i ON i.id = g.image_id "
                        "WHERE i.split = 'pool' AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = g.image_id) "
                        "ORDER BY g.image_id");
    std::vector<std::int64_t> out;
    while (q.step())
        out.push_back(q.int64(0));
    return out;
}

std::int64_t GroundTruthRepository::count()
{
    auto q = m_db.query("SELECT count(*) FROM ground_truth");
    return q.step() ? q.int64(0) : 0;
}

} // namespace activelabel
