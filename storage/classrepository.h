#pragma once

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace activelabel {

class Database;

struct ClassInfo
{
    std::int64_t id = 0;
    QString name;
    QString hotkey;  // e.g. "1"; empty: none
    QString colour;  // "#rrggbb"
    int position = 0; // class order: index into probability vectors and confusion matrices
};

// The classes table, always read in class order.
class ClassRepository
{
public:
    explicit ClassRepository(Database &db) : m_db(db) {}

    std::vector<ClassInfo> list();
    std::optional<ClassInfo> find(const QString &name);
    std::optional<ClassInfo> get(std::int64_t id);
    // Appends a class at the end of the order. Empty hotkey/colour get defaults (1..9, 0 for the
    // first ten; a ten-colour palette). Throws SqliteError when the name exists.
    std::int64_t add(const QString &name, const QString &hotkey = {}, const QString &colour = {});
    // The id of the class with that name, adding it when missing.
    std::int64_t ensure(const QString &name);
    void setHotkey(std::int64_t id, const QString &hotkey);
    void setColour(std::int64_t id, const QString &colour);

private:
    Database &m_db;
};

} // namespace activelabel
