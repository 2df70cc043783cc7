#pragma once
// Summary statistics the benchmarks print: shared so every figure reads the same way.
#include <algorithm>
#include <vector>

namespace activelabel::bench {

// The true median (the mean of the middle two for an even count); -1 for none.
inline double median(std::vector<double> values)
{
    if (values.empty())
        return -1;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

} // namespace activelabel::bench
