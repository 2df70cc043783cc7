#pragma once
// An invariant of a fuzz target: a violation aborts, which libFuzzer reports as a finding.
#include <cstdio>
#include <cstdlib>

namespace activelabel::fuzz {

inline void check(bool condition, const char *what)
{
    if (!condition) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

} // namespace activelabel::fuzz
