#pragma once

#include <QByteArray>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace activelabel {

class Database;

// A team project's image bytes on the server, by content hash (images.content_hash, SHA-1): what
// lets every annotator's client show an image given only the server. The same picture imported
// twice is stored once.
class ImageBlobRepository
{
public:
    explicit ImageBlobRepository(Database &db) : m_db(db) {}

    // Inside the caller's transaction; a hash already stored is left as it is.
    void put(const QByteArray &contentHash, const QByteArray &bytes);
    std::optional<QByteArray> get(const QByteArray &contentHash);
    // The bytes of many hashes, kBatch per query (an IN list of bound parameters, so one round
    // trip brings a batch rather than one image: docs/benchmarks.md has the figures).
    // Calls `found` once per stored hash, in no particular order; hashes the server lacks are
    // skipped, duplicates are asked for once. `found` returning false stops after that batch.
    static constexpr int kBatch = 256;
    void getMany(const std::vector<QByteArray> &contentHashes,
                 const std::function<bool(const QByteArray &hash, const QByteArray &bytes)> &found);
    std::int64_t count();

private:
    Database &m_db;
};

} // namespace activelabel
