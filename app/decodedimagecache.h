#pragma once

#include "model/imageprovider.h"

#include <cstddef>
#include <mutex>
#include <vector>

namespace activelabel {

// Keeps the decoded pixels of another provider's images in memory, up to a byte budget, for work
// that reads the same images round after round: a simulation rescores its pool and its test split
// after every round, and decoding its 20,000 Fashion-MNIST PNGs again each time cost ~0.3 s a round.
// Images are kept in the order they are first asked for; once the budget is spent, the rest are
// decoded on every call, so results never depend on the budget. Failures are not kept (a file may
// be repaired). Thread-safe, as ImageProvider requires.
class DecodedImageCache : public ImageProvider
{
public:
    static constexpr std::size_t kDefaultBudgetBytes = std::size_t(1) << 30;

    explicit DecodedImageCache(const ImageProvider &source, std::size_t budgetBytes = kDefaultBudgetBytes);

    std::size_t size() const override { return m_source.size(); }
    // A copy of the kept pixels, so a caller converting in place cannot change what others see.
    cv::Mat load(std::size_t index, std::string *error = nullptr) const override;

    std::size_t bytesUsed() const;
    std::size_t imagesKept() const;

private:
    const ImageProvider &m_source;
    const std::size_t m_budgetBytes;
    mutable std::mutex m_mutex;
    mutable std::vector<cv::Mat> m_kept; // by provider index; empty = not kept
    mutable std::size_t m_bytes = 0;
    mutable std::size_t m_count = 0;
};

} // namespace activelabel
