#pragma once

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace activelabel {

class Database;

// A trained model: each training round warm-starts from its parent and yields a new version.
struct ModelVersion
{
    std::int64_t id = 0;
    std::optional<std::int64_t> parentId;
    std::int64_t createdAt = 0; // 0 on add(): now
    QString backbone;           // "smallcnn", "resnet18", or a TorchScript file name
    QString transfer;           // "frozen", "finetune:2", "full", "scratch", "auto"
    QString checkpoint;         // relative to the project's models/ directory
    std::int64_t labelsUsed = 0;
    double trainSeconds = 0;
    QString config = QStringLiteral("{}"); // JSON: hyper-parameters, input size, normalisation
};

// The model_versions table.
class ModelVersionRepository
{
public:
    explicit ModelVersionRepository(Database &db) : m_db(db) {}

    std::int64_t add(const ModelVersion &version);
    std::optional<ModelVersion> get(std::int64_t id);
    std::optional<ModelVersion> latest();
    std::vector<ModelVersion> list();

private:
    Database &m_db;
};

} // namespace activelabel
