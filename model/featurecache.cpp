#include "model/detail/featurecache.h"

#include "model/detail/device.h"

namespace activelabel::detail {

void FeatureCache::setLimit(std::size_t bytes, bool fp16)
{
    if (fp16 != m_fp16 || bytes < this->bytes())
        clear();
    m_limitBytes = bytes;
    m_fp16 = fp16;
}

void FeatureCache::use(const Context &context)
{
    if (m_hasContext && m_context == context)
        return;
    clear();
    m_context = context;
    m_hasContext = true;
}

void FeatureCache::clear()
{
    m_slab = torch::Tensor();
    m_used = 0;
    m_rows.clear();
    m_hasContext = false;
}

std::size_t FeatureCache::bytes() const
{
    return m_slab.defined() ? std::size_t(m_slab.numel() * m_slab.element_size()) : 0;
}

std::vector<std::int64_t> FeatureCache::lookup(const std::vector<std::size_t> &indices)
{
    std::vector<std::int64_t> rows(indices.size(), -1);
    for (std::size_t i = 0; i < indices.size(); ++i) {
        const auto it = m_rows.find(indices[i]);
        if (it != m_rows.end()) {
            rows[i] = it->second;
            ++m_hits;
        } else {
            ++m_misses;
        }
    }
    return rows;
}

void FeatureCache::insert(const std::vector<std::size_t> &indices, const torch::Tensor &batch)
{
    if (indices.empty())
        return;
    const auto dtype = m_fp16 ? torch::kHalf : torch::kFloat;
    const std::int64_t rowBytes = (batch.numel() / batch.size(0)) * (m_fp16 ? 2 : 4);
    const std::int64_t maxRows = std::int64_t(m_limitBytes) / std::max<std::int64_t>(rowBytes, 1);
    std::int64_t n = std::min<std::int64_t>(std::int64_t(indices.size()), maxRows - m_used);
    if (n <= 0)
        return;
    if (!m_slab.defined() || m_slab.size(0) < m_used + n) {
        // Doubling keeps inserts amortised O(1) while never exceeding the byte limit.
        std::int64_t capacity = m_slab.defined() ? m_slab.size(0) : 0;
        capacity = std::min(maxRows, std::max({capacity * 2, m_used + n, std::int64_t(1024)}));
        std::vector<std::int64_t> shape(batch.sizes().begin(), batch.sizes().end());
        shape[0] = capacity;
        torch::Tensor slab = torch::empty(shape, torch::TensorOptions().dtype(dtype));
        if (m_used > 0)
            slab.narrow(0, 0, m_used).copy_(m_slab.narrow(0, 0, m_used));
        m_slab = slab;
    }
    std::int64_t stored = 0;
    std::vector<std::int64_t> sourceRows;
    for (std::int64_t i = 0; i < std::int64_t(indices.size()) && stored < n; ++i) {
        if (m_rows.count(indices[std::size_t(i)]))
            continue;
        m_rows[indices[std::size_t(i)]] = m_used + stored;
        sourceRows.push_back(i);
        ++stored;
    }
    if (stored == 0)
        return;
    // Host memory whatever device computed the batch: the GPU's memory is for the round.
    const auto source = batch.index_select(0, indexTensor(sourceRows, batch.device())).to(torch::kCPU, dtype);
    m_slab.narrow(0, m_used, stored).copy_(source);
    m_used += stored;
}

torch::Tensor FeatureCache::storagePrecision(const torch::Tensor &batch) const
{
    return m_fp16 ? batch.to(torch::kHalf).to(torch::kFloat) : batch;
}

torch::Tensor FeatureCache::gather(const std::vector<std::int64_t> &rows) const
{
    return m_slab.index_select(0, torch::tensor(rows, torch::kLong)).to(torch::kFloat);
}

} // namespace activelabel::detail
