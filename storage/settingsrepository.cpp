#include "storage/settingsrepository.h"

#include "storage/sqlitedatabase.h"

namespace activelabel {

std::optional<QString> SettingsRepository::value(const QString &key)
{
    auto q = m_db.query("SELECT value FROM settings WHERE key = ?");
    q.bind(1, key);
    if (q.step())
        return q.text(0);
    return std::nullopt;
}

QString SettingsRepository::value(const QString &key, const QString &fallback)
{
    return value(key).value_or(fallback);
}

void SettingsRepository::setValue(const QString &key, const QString &value)
{
    m_db.query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(1, key)
        .bind(2, value)
        .exec();
}

void SettingsRepository::remove(const QString &key)
{
    m_db.query("DELETE FROM settings WHERE key = ?").bind(1, key).exec();
}

} // namespace activelabel
