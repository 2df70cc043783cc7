#include "storage/classrepository.h"

#include "storage/labelrepository.h"
#include "storage/sqlitedatabase.h"
#include "storage/transaction.h"

#include <algorithm>
#include <stdexcept>

namespace activelabel {

namespace {

ClassInfo readClass(const Query &q)
{
    return ClassInfo{q.int64(0), q.text(1), q.text(2), q.text(3), q.integer(4)};
}

constexpr const char *kColumns = "SELECT id, name, coalesce(hotkey, ''), coalesce(colour, ''), position FROM classes";

// Okabe & Ito's colour-blind-safe palette (what the charts use too), then grey and wine from
// Paul Tol's muted set for the ninth and tenth class.
const char *const kPalette[] = {"#e69f00", "#56b4e9", "#009e73", "#0072b2", "#d55e00",
                                "#cc79a7", "#000000", "#f0e442", "#999999", "#882255"};

// Temporary positions during a reorder stay clear of real ones (>= 0) and retired ones (-id).
constexpr std::int64_t kTemporaryPositionBase = -4000000000000LL;

} // namespace

std::vector<ClassInfo> ClassRepository::list()
{
    auto q = m_db.query(std::string(kColumns) + " WHERE retired = 0 ORDER BY position");
    std::vector<ClassInfo> out;
    while (q.step())
        out.push_back(readClass(q));
    return out;
}

std::optional<ClassInfo> ClassRepository::find(const QString &name)
{
    auto q = m_db.query(std::string(kColumns) + " WHERE name = ? AND retired = 0");
    q.bind(1, name);
    if (q.step())
        return readClass(q);
    return std::nullopt;
}

std::optional<ClassInfo> ClassRepository::get(std::int64_t id)
{
    auto q = m_db.query(std::string(kColumns) + " WHERE id = ?");
    q.bind(1, id);
    if (q.step())
        return readClass(q);
    return std::nullopt;
}

std::int64_t ClassRepository::add(const QString &name, const QString &hotkey, const QString &colour)
{
    auto p = m_db.query("SELECT coalesce(max(position) + 1, 0) FROM classes WHERE retired = 0");
    const int position = p.step() ? p.integer(0) : 0;
    QString key = hotkey;
    if (key.isEmpty() && position < 10)
        key = QString::number((position + 1) % 10);
    const QString col = colour.isEmpty() ? QString::fromLatin1(kPalette[position % 10]) : colour;
    auto q = m_db.query("INSERT INTO classes (name, hotkey, colour, position) VALUES (?, ?, ?, ?) RETURNING id");
    q.bind(1, name).bind(2, key).bind(3, col).bind(4, position);
    return q.returnedId();
}

std::int64_t ClassRepository::ensure(const QString &name)
{
    if (auto c = find(name))
        return c->id;
    return add(name);
}

void ClassRepository::setHotkey(std::int64_t id, const QString &hotkey)
{
    m_db.query("UPDATE classes SET hotkey = ? WHERE id = ?").bind(1, hotkey).bind(2, id).exec();
}

void ClassRepository::setColour(std::int64_t id, const QString &colour)
{
    m_db.query("UPDATE classes SET colour = ? WHERE id = ?").bind(1, colour).bind(2, id).exec();
}

void ClassRepository::rename(std::int64_t id, const QString &name)
{
    m_db.query("UPDATE classes SET name = ? WHERE id = ?").bind(1, name).bind(2, id).exec();
}

namespace {

// Writes the order of `ids` as positions 0..n-1 without tripping the UNIQUE constraint midway.
void writeOrder(Database &db, const std::vector<std::int64_t> &ids)
{
    for (std::size_t i = 0; i < ids.size(); ++i)
        db.query("UPDATE classes SET position = ? WHERE id = ?")
            .bind(1, kTemporaryPositionBase - std::int64_t(i))
            .bind(2, ids[i])
            .exec();
    for (std::size_t i = 0; i < ids.size(); ++i)
        db.query("UPDATE classes SET position = ? WHERE id = ?").bind(1, std::int64_t(i)).bind(2, ids[i]).exec();
}

std::vector<std::int64_t> activeIds(ClassRepository &repo)
{
    std::vector<std::int64_t> ids;
    for (const ClassInfo &c : repo.list())
        ids.push_back(c.id);
    return ids;
}

std::vector<std::int64_t> labelledImages(Database &db, std::int64_t classId)
{
    auto q = db.query("SELECT image_id FROM labels WHERE class_id = ? ORDER BY image_id");
    q.bind(1, classId);
    std::vector<std::int64_t> images;
    while (q.step())
        images.push_back(q.int64(0));
    return images;
}

void retireRow(Database &db, std::int64_t id)
{
    // Out of the order: a negative position unique to the class, and a name freed for reuse.
    db.query("UPDATE classes SET retired = 1, position = ?, name = name || ' (retired ' || id || ')' WHERE id = ?")
        .bind(1, -id)
        .bind(2, id)
        .exec();
}

} // namespace

void ClassRepository::move(std::int64_t id, int position)
{
    Transaction tx(m_db);
    std::vector<std::int64_t> ids = activeIds(*this);
    const auto it = std::find(ids.begin(), ids.end(), id);
    if (it == ids.end())
        throw std::runtime_error("no such class");
    ids.erase(it);
    position = std::clamp(position, 0, int(ids.size()));
    ids.insert(ids.begin() + position, id);
    writeOrder(m_db, ids);
    tx.commit();
}

int ClassRepository::merge(std::int64_t fromId, std::int64_t intoId, const QString &annotator)
{
    if (fromId == intoId)
        throw std::runtime_error("a class cannot be merged into itself");
    Transaction tx(m_db);
    if (!get(fromId) || !get(intoId))
        throw std::runtime_error("no such class");
    const std::vector<std::int64_t> images = labelledImages(m_db, fromId);
    LabelRepository labels(m_db);
    for (std::int64_t image : images)
        labels.writeInTransaction(image, intoId, LabelSource::Human, annotator, true);
    m_db.query("UPDATE ground_truth SET class_id = ? WHERE class_id = ?").bind(1, intoId).bind(2, fromId).exec();
    retireRow(m_db, fromId);
    writeOrder(m_db, activeIds(*this));
    tx.commit();
    return int(images.size());
}

int ClassRepository::retire(std::int64_t id, const QString &annotator)
{
    Transaction tx(m_db);
    if (!get(id))
        throw std::runtime_error("no such class");
    const std::vector<std::int64_t> images = labelledImages(m_db, id);
    LabelRepository labels(m_db);
    for (std::int64_t image : images)
        labels.removeInTransaction(image, annotator);
    retireRow(m_db, id);
    writeOrder(m_db, activeIds(*this));
    tx.commit();
    return int(images.size());
}

std::vector<std::pair<std::int64_t, int>> ClassRepository::labelCounts()
{
    auto q = m_db.query("SELECT c.id, count(l.image_id) FROM classes c LEFT JOIN labels l ON l.class_id = c.id "
                        "WHERE c.retired = 0 GROUP BY c.id ORDER BY c.position");
    std::vector<std::pair<std::int64_t, int>> out;
    while (q.step())
        out.emplace_back(q.int64(0), q.integer(1));
    return out;
}

} // namespace activelabel
