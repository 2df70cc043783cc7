#pragma once

#include <QByteArray>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace activelabel {

class Database;

enum class Split { Pool, Test };
const char *splitName(Split split);
std::optional<Split> parseSplit(const std::string &name);

// One row of the images table. `path` holds the raw bytes of the file name (it may not be
// UTF-8); a relative path lies inside the project directory (Project::resolve).
struct ImageRecord
{
    std::int64_t id = 0;
    std::string path;
    QByteArray contentHash;
    int width = 0;
    int height = 0;
    Split split = Split::Pool;
    std::int64_t added = 0;
};

struct ImageCounts
{
    std::int64_t total = 0;          // pool + test
    std::int64_t pool = 0;
    std::int64_t test = 0;
    std::int64_t labelledPool = 0;   // pool images with a current label, any source
    std::int64_t unlabelledPool = 0;
};

struct ImageFilter
{
    enum class Labels { Any, Labelled, Unlabelled };
    std::optional<Split> split;       // nullopt: both
    Labels labels = Labels::Any;
};

// The images table: adding imported images, counts for status, and keyset paging for a browser
// of hundreds of thousands of images (list(afterId, limit) never uses OFFSET, so page N costs the
// same as page 1).
class ImageRepository
{
public:
    explicit ImageRepository(Database &db) : m_db(db) {}

    // Inserts one image; run it inside a Transaction when adding many. Returns the new id.
    std::int64_t add(const ImageRecord &image);
    std::optional<std::int64_t> findByHash(const QByteArray &hash);
    std::optional<ImageRecord> get(std::int64_t id);

    // Images with id > afterId matching the filter, in id order, at most `limit`.
    std::vector<ImageRecord> list(const ImageFilter &filter, std::int64_t afterId, int limit);
    std::vector<std::int64_t> ids(const ImageFilter &filter);
    std::int64_t count(const ImageFilter &filter);
    ImageCounts counts();

private:
    Database &m_db;
};

} // namespace activelabel
