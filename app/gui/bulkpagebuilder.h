#pragma once

#include <QImage>
#include <QString>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <unordered_set>
#include <vector>

namespace activelabel {

class Project;

// What a bulk review page asks for: the class, how many images, and the images it must leave out
// (the labelling view's current image and audit draws, pages waiting for their COMMIT, images
// unticked or skipped earlier in the session).
struct BulkPageRequest
{
    std::uint64_t serial = 0; // echoed back: only the newest request's page is shown
    int classPosition = 0;
    int pageSize = 30;
    int thumbnailSize = 160; // larger images are scaled down to this (smaller ones are kept)
    std::unordered_set<std::int64_t> excluded;
};

struct BulkPageEntry
{
    std::int64_t imageId = 0;
    float confidence = 0;
    QImage image; // null when the file could not be decoded
};

struct BulkPage
{
    std::uint64_t serial = 0;
    int classPosition = 0;
    std::optional<std::int64_t> modelVersion; // nullopt: no complete predictions yet
    std::vector<BulkPageEntry> entries;       // most confident first
    std::int64_t inClass = 0;                 // eligible images in the class, this page included
    QString error;                            // non-empty: the page could not be built (why)
};

// Builds one page from the latest complete run of stored predictions: unlabelled pool images the
// model puts in the class, most confident first, never an audit draw (an image ever queried as
// one), never a flagged image (unsure, bad), never an excluded one. Opens its own connections and
// decodes the thumbnails through storage's one decode path: call it off the UI thread.
BulkPage buildBulkPage(const Project &project, const BulkPageRequest &request);

} // namespace activelabel
