#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace activelabel {

// RFC 4180 CSV: quoted fields with doubled quotes, commas and line breaks inside quotes, CRLF or
// LF record ends, a UTF-8 byte-order mark tolerated. Fields are raw bytes (paths may not be UTF-8).
class Csv
{
public:
    using Row = std::vector<std::string>;

    // Returns false with a reason (e.g. an unterminated quote) on malformed input.
    static bool parse(std::string_view text, std::vector<Row> &rows, std::string &error);
    // One field, quoted when it holds a comma, quote, CR or LF (or leading/trailing space, or
    // starts with a byte-order mark).
    static std::string escape(std::string_view field);
    // Fields joined with commas and a trailing "\r\n" (RFC 4180 line end); parse() reads every
    // row it writes back unchanged (a lone empty field is written as "").
    static std::string line(const Row &fields);
};

} // namespace activelabel
