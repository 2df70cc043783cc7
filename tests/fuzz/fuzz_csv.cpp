// Fuzzes the RFC 4180 parser used by CSV import, and the writer used by every CSV export:
// whatever parses must survive a round trip (write the rows with Csv::line, parse again, get the
// same rows), and a refusal carries a reason.
#include "fuzzcheck.h"
#include "storage/csv.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using activelabel::Csv;
using activelabel::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    std::vector<Csv::Row> rows;
    std::string error;
    if (!Csv::parse(text, rows, error)) {
        check(!error.empty(), "a refusal has a reason");
        return 0;
    }
    std::string written;
    for (const Csv::Row &row : rows) {
        check(!row.empty(), "a parsed row has at least one field");
        written += Csv::line(row);
    }
    std::vector<Csv::Row> again;
    check(Csv::parse(written, again, error), "what Csv::line writes parses");
    check(again == rows, "rows survive a write/parse round trip");
    return 0;
}
