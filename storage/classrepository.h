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

    // Class management (each one transaction). A class that is deleted or merged away is
    // retired, not removed: the label history still names it. Retired classes leave the class
    // order, and the remaining positions stay 0..n-1.
    void rename(std::int64_t id, const QString &name); // throws SqliteError on a duplicate name
    // Moves a class to `position` (0-based, clamped), shifting the others.
    void move(std::int64_t id, int position);
    // Relabels every image of `fromId` as `intoId` (history rows, source human), moves its
    // ground truth too, then retires `fromId`. Returns the number of labels changed.
    int merge(std::int64_t fromId, std::int64_t intoId, const QString &annotator);
    // Removes the class's labels (history rows) and retires it. Returns the labels removed.
    int retire(std::int64_t id, const QString &annotator);
    // Labels per class id (current labels).
    std::vector<std::pair<std::int64_t, int>> labelCounts();

private:
    Database &m_db;
};

} // namespace activelabel
