#include "model/detail/featurecache.h"

#include "model/detail/device.h"

#include <sstream>

namespace activelabel::detail {

namespace {

// "shape 256 4 4 dtype f16": what a segment's rows are, checked when it is reopened.
std::string describeRows(const std::vector<std::int64_t> &rowShape, bool fp16)
{
    std::ostringstream out;
    out << "shape";
    for (std::int64_t d : rowShape)
        out << ' ' << d;
    out << " dtype " << (fp16 ? "f16" : "f32");
    return out.str();
}

std::vector<std::int64_t> parseShape(const std::string &meta, bool fp16)
{
    std::istringstream in(meta);
    std::string word;
    std::vector<std::int64_t> shape;
    if (!(in >> word) || word != "shape")
        return {};
    while (in >> word && word != "dtype")
        shape.push_back(std::strtoll(word.c_str(), nullptr, 10));
    if (!(in >> word) || word != (fp16 ? "f16" : "f32"))
        return {};
    return shape;
}

} // namespace

void FeatureCache::setLimit(std::size_t bytes, bool fp16)
{
    if (fp16 != m_fp16 || bytes < this->bytes())
        clear();
    m_limitBytes = bytes;
    m_fp16 = fp16;
}

void FeatureCache::attachStore(std::unique_ptr<DiskFeatureStore> store)
{
    clear();
    m_store = std::move(store);
}

void FeatureCache::use(const Context &context)
{
    if (m_hasContext && m_context == context)
        return;
    clear();
    m_context = context;
    m_hasContext = true;
    if (m_store && !context.persistentKey.empty() && m_store->openExisting(context.persistentKey)) {
        m_storedShape = parseShape(m_store->meta(), m_fp16);
        if (m_storedShape.empty())
            m_store->close(); // written at another precision: recomputed and rewritten on insert
    }
}

void FeatureCache::clear()
{
    m_slab = torch::Tensor();
    m_used = 0;
    m_rows.clear();
    m_hasContext = false;
    m_storedShape.clear();
    if (m_store)
        m_store->close();
}

std::size_t FeatureCache::bytes() const
{
    return m_slab.defined() ? std::size_t(m_slab.numel() * m_slab.element_size()) : 0;
}

void FeatureCache::loadFromDisk(const std::vector<std::size_t> &indices)
{
    if (!m_store || !m_store->isOpen() || m_storedShape.empty() || !m_context.provider)
        return;
    std::vector<std::size_t> found;
    std::vector<std::int64_t> fileRows;
    for (std::size_t index : indices) {
        if (m_rows.count(index))
            continue;
        const std::int64_t row = m_store->find(m_context.provider->contentKey(index));
        if (row >= 0) {
            found.push_back(index);
            fileRows.push_back(row);
        }
    }
    if (found.empty())
        return;
    std::vector<std::int64_t> shape{std::int64_t(found.size())};
    shape.insert(shape.end(), m_storedShape.begin(), m_storedShape.end());
    torch::Tensor rows = torch::empty(shape, torch::TensorOptions().dtype(m_fp16 ? torch::kHalf : torch::kFloat));
    if (!m_store->read(fileRows, rows.data_ptr()))
        return; // unreadable: these rows are recomputed
    insertInMemory(found, rows);
    m_diskHits += found.size();
}

std::vector<std::int64_t> FeatureCache::lookup(const std::vector<std::size_t> &indices)
{
    loadFromDisk(indices);
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
    if (m_store && !m_context.persistentKey.empty()) {
        const auto dtype = m_fp16 ? torch::kHalf : torch::kFloat;
        persist(indices, batch.to(torch::kCPU, dtype).contiguous());
    }
    insertInMemory(indices, batch);
}

std::string FeatureCache::rowMeta(const torch::Tensor &batch) const
{
    return describeRows(std::vector<std::int64_t>(batch.sizes().begin() + 1, batch.sizes().end()), m_fp16);
}

void FeatureCache::persist(const std::vector<std::size_t> &indices, const torch::Tensor &hostRows)
{
    if (!m_context.provider)
        return;
    const std::size_t rowBytes = std::size_t(hostRows.numel() / hostRows.size(0)) * std::size_t(hostRows.element_size());
    if (!m_store->isOpen()) {
        if (!m_store->open(m_context.persistentKey, rowBytes, rowMeta(hostRows)))
            return;
        m_storedShape.assign(hostRows.sizes().begin() + 1, hostRows.sizes().end());
    }
    if (m_store->meta() != rowMeta(hostRows))
        return;
    std::vector<std::string> keys;
    keys.reserve(indices.size());
    for (std::size_t index : indices)
        keys.push_back(m_context.provider->contentKey(index));
    m_store->append(keys, hostRows.data_ptr());
}

void FeatureCache::insertInMemory(const std::vector<std::size_t> &indices, const torch::Tensor &batch)
{
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
