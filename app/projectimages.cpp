#include "app/projectimages.h"

#include "storage/imageblobrepository.h"
#include "storage/imagecache.h"
#include "storage/imagedecoder.h"
#include "storage/project.h"

#include <algorithm>

namespace activelabel {

ProjectImages::ProjectImages(const Project &project, Database &db) : m_project(project), m_db(db)
{
    refresh();
}

void ProjectImages::refresh()
{
    ImageRepository images(m_db);
    constexpr int kPage = 20000;
    for (;;) {
        const std::int64_t after = m_records.empty() ? 0 : m_records.back().id;
        std::vector<ImageRecord> page = images.list(ImageFilter{}, after, kPage);
        for (ImageRecord &r : page) {
            m_indexById.emplace(r.id, m_records.size());
            m_files.push_back(m_project.resolve(r.path));
            m_records.push_back(std::move(r));
        }
        if (page.size() < static_cast<std::size_t>(kPage))
            break;
    }
}

cv::Mat ProjectImages::load(std::size_t index, std::string *error) const
{
    if (index >= m_files.size()) {
        if (error)
            *error = "image index out of range";
        return {};
    }
    ImageCache *cache = m_project.imageCache().get();
    if (!cache)
        return ImageDecoder::decodeFile(m_files[index], error);
    // A team project: an image evicted from (or never fetched into) this client's cache is fetched
    // now. Passes over the images go in index order (rescoring, feature extraction), so a miss
    // brings the images after it with it, one query for a batch; a training batch's random draws
    // bring their neighbours, which a later draw may use.
    const auto following = [this, index] {
        std::vector<ImageCache::Image> more;
        const std::size_t end = std::min(m_files.size(), index + std::size_t(ImageBlobRepository::kBatch));
        for (std::size_t i = index + 1; i < end; ++i)
            more.push_back({m_records[i].contentHash, m_files[i]});
        return more;
    };
    std::string bytes, reason;
    if (!cache->read({m_records[index].contentHash, m_files[index]}, bytes, reason, following)) {
        if (error)
            *error = reason;
        return {};
    }
    return ImageDecoder::decode(bytes.data(), bytes.size(), error);
}

std::string ProjectImages::contentKey(std::size_t index) const
{
    if (index >= m_records.size())
        return {};
    const QByteArray &hash = m_records[index].contentHash;
    return std::string(hash.constData(), std::size_t(hash.size()));
}

long long ProjectImages::indexOf(std::int64_t imageId) const
{
    const auto it = m_indexById.find(imageId);
    return it == m_indexById.end() ? -1 : static_cast<long long>(it->second);
}

std::vector<std::size_t> ProjectImages::indicesOf(Split split) const
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < m_records.size(); ++i) {
        if (m_records[i].split == split)
            out.push_back(i);
    }
    return out;
}

} // namespace activelabel
