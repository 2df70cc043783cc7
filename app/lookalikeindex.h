#pragma once

#include "app/poolembeddings.h"
#include "model/neighbourindex.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace activelabel {

// One look-alike of an image: another pool image and how far it is in the model's embedding space.
struct LookalikeImage
{
    std::int64_t imageId = 0;
    float distance = 0.0f; // cosine distance, 1 - cos, in [0, 2]
};

// The pool embeddings of one model version and the nearest-neighbour index built over them,
// ready to answer "find similar". Immutable: built off the UI thread, then shared
// (std::shared_ptr<const LookalikeIndex>) and swapped whole when a newer model's is ready.
class LookalikeIndex
{
public:
    // Builds the index (cosine metric) over `embeddings`; `options`' metric is overridden.
    // Throws Cancelled when options.cancel is set, ModelError when memory runs out.
    LookalikeIndex(std::shared_ptr<const PoolEmbeddings> embeddings,
                   NeighbourIndexOptions options = {});

    std::int64_t modelVersion() const { return m_embeddings->modelVersion(); }
    const PoolEmbeddings &embeddings() const { return *m_embeddings; }
    const NeighbourIndex &index() const { return *m_index; }
    std::size_t size() const { return m_embeddings->size(); }
    bool contains(std::int64_t imageId) const { return m_embeddings->rowOf(imageId) >= 0; }

    // Up to `count` pool images nearest to `imageId`, nearest first, the image itself excluded,
    // skipping those `skip` says no to (e.g. labelled already). Empty when the image has no
    // embedding in this version (not a pool image, or imported since).
    std::vector<LookalikeImage> similarTo(std::int64_t imageId, std::size_t count,
                                          const std::function<bool(std::int64_t)> &skip = {}) const;

private:
    std::shared_ptr<const PoolEmbeddings> m_embeddings;
    std::unique_ptr<NeighbourIndex> m_index;
};

} // namespace activelabel
