#pragma once

#include <QString>

#include <optional>

namespace activelabel {

class Database;

// Per-project settings (key -> text value), e.g. the query strategy or the audit fraction.
class SettingsRepository
{
public:
    explicit SettingsRepository(Database &db) : m_db(db) {}

    std::optional<QString> value(const QString &key);
    QString value(const QString &key, const QString &fallback);
    void setValue(const QString &key, const QString &value);
    void remove(const QString &key);

private:
    Database &m_db;
};

} // namespace activelabel
