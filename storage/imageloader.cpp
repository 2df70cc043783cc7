#include "storage/imageloader.h"

#include "storage/imagecache.h"
#include "storage/imagedecoder.h"
#include "storage/imagerepository.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

namespace activelabel {

cv::Mat ImageLoader::load(std::int64_t imageId, std::string *error)
{
    const auto record = ImageRepository(m_project.database()).get(imageId);
    if (!record) {
        if (error)
            *error = "no image with id " + std::to_string(imageId);
        return {};
    }
    const std::filesystem::path file = m_project.resolve(record->path);
    ImageCache *cache = m_project.imageCache().get();
    if (!cache)
        return ImageDecoder::decodeFile(file, error);
    std::string bytes, reason; // a team project: fetched from the server when not cached
    if (!cache->read(ImageCache::Image{record->contentHash, file}, bytes, reason)) {
        if (error)
            *error = reason;
        return {};
    }
    return ImageDecoder::decode(bytes.data(), bytes.size(), error);
}

std::vector<std::filesystem::path> ImageLoader::resolvedPaths(const std::vector<std::int64_t> &imageIds)
{
    std::vector<std::filesystem::path> out;
    out.reserve(imageIds.size());
    auto q = m_project.database().query("SELECT path FROM images WHERE id = ?");
    for (std::int64_t id : imageIds) {
        q.bind(1, id);
        out.push_back(q.step() ? m_project.resolve(q.blobString(0)) : std::filesystem::path());
        q.reset();
    }
    return out;
}

} // namespace activelabel
