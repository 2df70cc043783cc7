#pragma once

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace activelabel {

class Database;

// One measured figure: e.g. name "accuracy", split "test", at `labels` labels, for a version.
struct Metric
{
    std::int64_t id = 0;
    std::optional<std::int64_t> modelVersion;
    QString name;
    QString split; // "test", "audit", "train", or empty
    double value = 0;
    std::int64_t labels = 0;
    std::int64_t recordedAt = 0; // 0 on add(): now
};

// The metrics table: what the live plots and `export --metrics` read.
class MetricRepository
{
public:
    explicit MetricRepository(Database &db) : m_db(db) {}

    std::int64_t add(const Metric &metric);
    // Adds several in one transaction.
    void addAll(const std::vector<Metric> &metrics);
    std::vector<Metric> forModelVersion(std::int64_t modelVersion);
    // One series for a plot, in recording order.
    std::vector<Metric> series(const QString &name, const QString &split);
    std::vector<Metric> all();

private:
    Database &m_db;
};

} // namespace activelabel
