#include "app/projectimages.h"

#include "storage/imagedecoder.h"
#include "storage/project.h"

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
    return ImageDecoder::decodeFile(m_files[index], error);
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
