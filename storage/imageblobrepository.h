#pragma once

#include <QByteArray>

#include <cstdint>
#include <optional>

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
    std::int64_t count();

private:
    Database &m_db;
};

} // namespace activelabel
