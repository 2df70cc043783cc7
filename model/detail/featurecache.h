#pragma once
// INTERNAL to model/: includes torch. Never include from a public model header.

#include <torch/torch.h>

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace activelabel::detail {

// Backbone outputs at a freeze boundary, computed once per image and reused by training rounds
// (for the layers above the boundary) and by pool rescoring. Rows live in one slab tensor so a
// batch is one index_select. Bounded in bytes; past the bound, images are simply not cached.
// The context says what the rows mean; any change of it (another provider, another boundary,
// a retrained frozen part) empties the cache.
class FeatureCache
{
public:
    struct Context
    {
        const void *provider = nullptr;
        std::size_t providerSize = 0;
        int boundary = 0;
        std::vector<std::uint64_t> versions; // versions of the stages below the boundary
        bool operator==(const Context &o) const
        {
            return provider == o.provider && providerSize == o.providerSize && boundary == o.boundary &&
                   versions == o.versions;
        }
    };

    void setLimit(std::size_t bytes, bool fp16);
    void use(const Context &context);
    void clear();

    // Slab row per index, -1 where absent.
    std::vector<std::int64_t> lookup(const std::vector<std::size_t> &indices);
    // Stores rows of `batch` (n x ..., on any device) under `indices` while the byte limit
    // allows. The slab is in host memory.
    void insert(const std::vector<std::size_t> &indices, const torch::Tensor &batch);
    // `batch` rounded to the storage precision, so that a row computed now and the same row
    // read back from the cache later give bit-identical results.
    torch::Tensor storagePrecision(const torch::Tensor &batch) const;
    // float32 rows, on the CPU.
    torch::Tensor gather(const std::vector<std::int64_t> &rows) const;

    std::size_t entries() const { return m_rows.size(); }
    std::size_t bytes() const;
    std::size_t limitBytes() const { return m_limitBytes; }
    std::size_t hits() const { return m_hits; }
    std::size_t misses() const { return m_misses; }

private:
    Context m_context;
    bool m_hasContext = false;
    torch::Tensor m_slab;
    std::int64_t m_used = 0;
    std::unordered_map<std::size_t, std::int64_t> m_rows;
    std::size_t m_limitBytes = std::size_t(1) << 30;
    bool m_fp16 = true;
    std::size_t m_hits = 0;
    std::size_t m_misses = 0;
};

} // namespace activelabel::detail
