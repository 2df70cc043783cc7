#include "model/detail/balancedsampler.h"

#include <algorithm>

namespace activelabel::detail {

BalancedSampler::BalancedSampler(const std::vector<int> &classes, std::uint64_t seed) : m_rng(seed)
{
    int maxClass = 0;
    for (int c : classes)
        maxClass = std::max(maxClass, c);
    m_members.resize(std::size_t(maxClass) + 1);
    for (std::size_t i = 0; i < classes.size(); ++i)
        m_members[std::size_t(classes[i])].push_back(std::int64_t(i));
    for (std::size_t c = 0; c < m_members.size(); ++c)
        if (!m_members[c].empty())
            m_present.push_back(int(c));
    m_cursor.assign(m_members.size(), 0);
    for (auto &m : m_members)
        std::shuffle(m.begin(), m.end(), m_rng);
}

std::vector<std::int64_t> BalancedSampler::next(int batchSize)
{
    std::vector<std::int64_t> batch;
    for (int i = 0; i < batchSize; ++i) {
        if (m_cycle.empty()) {
            m_cycle = m_present;
            std::shuffle(m_cycle.begin(), m_cycle.end(), m_rng);
        }
        const int c = m_cycle.back();
        m_cycle.pop_back();
        auto &members = m_members[std::size_t(c)];
        auto &cursor = m_cursor[std::size_t(c)];
        if (cursor == members.size()) {
            std::shuffle(members.begin(), members.end(), m_rng);
            cursor = 0;
        }
        batch.push_back(members[cursor++]);
    }
    return batch;
}

} // namespace activelabel::detail
