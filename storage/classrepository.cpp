#include "storage/classrepository.h"

#include "storage/sqlitedatabase.h"

namespace activelabel {

namespace {

ClassInfo readClass(const Query &q)
{
    return ClassInfo{q.int64(0), q.text(1), q.text(2), q.text(3), q.integer(4)};
}

constexpr const char *kColumns = "SELECT id, name, coalesce(hotkey, ''), coalesce(colour, ''), position FROM classes";

// Matplotlib's tab10: distinct, colour-blind-friendlier than a rainbow.
const char *const kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

} // namespace

std::vector<ClassInfo> ClassRepository::list()
{
    auto q = m_db.query(std::string(kColumns) + " ORDER BY position");
    std::vector<ClassInfo> out;
    while (q.step())
        out.push_back(readClass(q));
    return out;
}

std::optional<ClassInfo> ClassRepository::find(const QString &name)
{
    auto q = m_db.query(std::string(kColumns) + " WHERE name = ?");
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
    auto p = m_db.query("SELECT coalesce(max(position) + 1, 0) FROM classes");
    const int position = p.step() ? p.integer(0) : 0;
    QString key = hotkey;
    if (key.isEmpty() && position < 10)
        key = QString::number((position + 1) % 10);
    const QString col = colour.isEmpty() ? QString::fromLatin1(kPalette[position % 10]) : colour;
    auto q = m_db.query("INSERT INTO classes (name, hotkey, colour, position) VALUES (?, ?, ?, ?)");
    q.bind(1, name).bind(2, key).bind(3, col).bind(4, position);
    q.exec();
    return m_db.lastInsertRowId();
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

} // namespace activelabel
