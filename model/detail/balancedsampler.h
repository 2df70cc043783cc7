#pragma once
// INTERNAL to model/.

#include <cstdint>
#include <random>
#include <vector>

namespace activelabel::detail {

// Class-balanced batches: classes are visited in shuffled cycles, and each class walks through its
// own shuffled samples, so rare classes appear as often as common ones. Rows are positions in the
// `classes` vector it was built from.
class BalancedSampler
{
public:
    BalancedSampler(const std::vector<int> &classes, std::uint64_t seed);

    std::vector<std::int64_t> next(int batchSize);

private:
    std::mt19937_64 m_rng;
    std::vector<std::vector<std::int64_t>> m_members;
    std::vector<std::size_t> m_cursor;
    std::vector<int> m_present;
    std::vector<int> m_cycle;
};

} // namespace activelabel::detail
