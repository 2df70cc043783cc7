#pragma once

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace activelabel {

class Database;

// Marks an annotator puts on an image instead of a label (schema v2): `unsure` keeps it for later
// review; `bad` (corrupt, off-topic, unusable) excludes it from the pool. One flag per image; a
// label does not clear it, so review can still find images someone was unsure about.
enum class ImageFlag { Unsure, Bad };
const char *imageFlagName(ImageFlag flag);
std::optional<ImageFlag> parseImageFlag(const QString &name);

class ImageFlagRepository
{
public:
    explicit ImageFlagRepository(Database &db) : m_db(db) {}

    void set(std::int64_t imageId, ImageFlag flag, const QString &annotator);
    // Returns false when the image had no flag.
    bool clear(std::int64_t imageId);
    std::optional<ImageFlag> get(std::int64_t imageId);
    // Image ids with that flag, in id order.
    std::vector<std::int64_t> images(ImageFlag flag);

private:
    Database &m_db;
};

} // namespace activelabel
