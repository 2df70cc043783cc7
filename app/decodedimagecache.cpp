#include "app/decodedimagecache.h"

namespace activelabel {

DecodedImageCache::DecodedImageCache(const ImageProvider &source, std::size_t budgetBytes)
    : m_source(source), m_budgetBytes(budgetBytes), m_kept(source.size())
{
}

cv::Mat DecodedImageCache::load(std::size_t index, std::string *error) const
{
    {
        std::lock_guard lock(m_mutex);
        if (index < m_kept.size() && !m_kept[index].empty())
            return m_kept[index].clone();
    }
    // Decoded outside the lock: two threads decode in parallel, and if both happen to decode the
    // same image the second simply finds it kept.
    cv::Mat image = m_source.load(index, error);
    if (image.empty() || index >= m_kept.size())
        return image;
    const std::size_t bytes = image.total() * image.elemSize();
    std::lock_guard lock(m_mutex);
    if (m_kept[index].empty() && m_bytes + bytes <= m_budgetBytes) {
        m_kept[index] = image.clone();
        m_bytes += bytes;
        ++m_count;
    }
    return image;
}

std::size_t DecodedImageCache::bytesUsed() const
{
    std::lock_guard lock(m_mutex);
    return m_bytes;
}

std::size_t DecodedImageCache::imagesKept() const
{
    std::lock_guard lock(m_mutex);
    return m_count;
}

} // namespace activelabel
