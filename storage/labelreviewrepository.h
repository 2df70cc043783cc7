#pragma once

#include <QString>

#include <cstdint>
#include <map>

namespace activelabel {

class Database;

// Settlements of disagreements (schema v4): where annotators' labels of one image differ, a
// reviewer's label settles it. The settlement is an ordinary label change, so the label it leaves
// is what training reads; the row here marks which change it was.
class LabelReviewRepository
{
public:
    explicit LabelReviewRepository(Database &db) : m_db(db) {}

    // Labels the image `classId` as `reviewer` (source human) and records the change as the
    // image's settlement, replacing an earlier one. One durable transaction. Returns the id of the
    // label change it wrote.
    std::int64_t settle(std::int64_t imageId, std::int64_t classId, const QString &reviewer);
    // Image id -> the label change that settled it.
    std::map<std::int64_t, std::int64_t> settlements();

private:
    Database &m_db;
};

} // namespace activelabel
