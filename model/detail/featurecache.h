#pragma once
// INTERNAL to model/: includes torch. Never include from a public model header.

#include "model/detail/diskfeaturestore.h"
#include "model/imageprovider.h"

#include <torch/torch.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace activelabel::detail {

// Backbone outputs at a freeze boundary, computed once per image and reused by training rounds
// (for the layers above the boundary) and by pool rescoring. Rows live in one slab tensor so a
// batch is one index_select. Bounded in bytes; past the bound, images are simply not cached.
// The context says what the rows mean; any change of it (another provider, another boundary,
// a retrained frozen part) empties the cache.
//
// With a disk store attached and a context that names a persistent key (a content hash of the
// frozen stages and the input spec), rows also go to disk under each image's content key, and
// rows missing from memory are read back from there before anything is recomputed: that is what
// carries features across sessions and processes.
class FeatureCache
{
public:
    struct Context
    {
        const ImageProvider *provider = nullptr;
        std::size_t providerSize = 0;
        int boundary = 0;
        std::vector<std::uint64_t> versions; // versions of the stages below the boundary
        std::string persistentKey;           // empty: memory only
        bool operator==(const Context &o) const
        {
            return provider == o.provider && providerSize == o.providerSize && boundary == o.boundary &&
                   versions == o.versions && persistentKey == o.persistentKey;
        }
    };

    void setLimit(std::size_t bytes, bool fp16);
    // Rows are also kept on disk from now on (nullptr: memory only). Empties the memory cache.
    void attachStore(std::unique_ptr<DiskFeatureStore> store);
    bool hasStore() const { return m_store != nullptr; }
    const DiskFeatureStore *store() const { return m_store.get(); }
    void use(const Context &context);
    void clear();

    // Slab row per index, -1 where absent (rows found on disk are loaded into memory first).
    std::vector<std::int64_t> lookup(const std::vector<std::size_t> &indices);
    // Stores rows of `batch` (n x ..., on any device) under `indices` while the byte limit
    // allows, and on disk when a store is attached. The slab is in host memory.
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
    std::size_t diskHits() const { return m_diskHits; }

private:
    void insertInMemory(const std::vector<std::size_t> &indices, const torch::Tensor &batch);
    void loadFromDisk(const std::vector<std::size_t> &indices);
    void persist(const std::vector<std::size_t> &indices, const torch::Tensor &hostRows);
    std::string rowMeta(const torch::Tensor &batch) const;

    Context m_context;
    bool m_hasContext = false;
    torch::Tensor m_slab;
    std::int64_t m_used = 0;
    std::unordered_map<std::size_t, std::int64_t> m_rows;
    std::size_t m_limitBytes = std::size_t(1) << 30;
    bool m_fp16 = true;
    std::size_t m_hits = 0;
    std::size_t m_misses = 0;
    std::size_t m_diskHits = 0;
    std::unique_ptr<DiskFeatureStore> m_store;
    std::vector<std::int64_t> m_storedShape; // row shape of the open disk segment (no batch dim)
};

} // namespace activelabel::detail
