#include "app/lookalikeindex.h"

#include <algorithm>

namespace activelabel {

LookalikeIndex::LookalikeIndex(std::shared_ptr<const PoolEmbeddings> embeddings,
                               NeighbourIndexOptions options)
    : m_embeddings(std::move(embeddings))
{
    options.metric = NeighbourMetric::Cosine;
    m_index = NeighbourIndex::build(m_embeddings->matrix(), options);
}

std::vector<LookalikeImage>
LookalikeIndex::similarTo(std::int64_t imageId, std::size_t count,
                          const std::function<bool(std::int64_t)> &skip) const
{
    std::vector<LookalikeImage> out;
    const long long row = m_embeddings->rowOf(imageId);
    if (row < 0 || count == 0)
        return out;
    // Ask for more than `count` when some will be skipped, and more again while too many were:
    // a page of look-alikes of an image whose neighbourhood is mostly labelled still fills up.
    std::size_t ask = skip ? count * 2 : count;
    const std::size_t others = m_embeddings->size() - 1;
    for (;;) {
        ask = std::min(ask, others);
        out.clear();
        for (const Neighbour &n : m_index->queryRow(std::size_t(row), ask)) {
            const std::int64_t id = m_embeddings->imageIds()[n.row];
            if (skip && skip(id))
                continue;
            out.push_back({id, n.distance});
            if (out.size() == count)
                return out;
        }
        if (ask >= others || ask >= count * 64)
            return out; // the whole pool asked, or the neighbourhood is all skipped: what there is
        ask *= 4;
    }
}

} // namespace activelabel
