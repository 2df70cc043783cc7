#include "storage/csv.h"

namespace activelabel {

bool Csv::parse(std::string_view text, std::vector<Row> &rows, std::string &error)
{
    rows.clear();
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    Row row;
    std::string field;
    bool quoted = false;     // inside a quoted field
    bool fieldStarted = false;
    std::size_t line = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n')
                    ++line;
                field += c;
            }
            continue;
        }
        switch (c) {
        case '"':
            if (!field.empty()) { // a quote inside an unquoted field: keep it (lenient)
                field += c;
                break;
            }
            quoted = true;
            fieldStarted = true;
            break;
        case ',':
            row.push_back(std::move(field));
            field.clear();
            fieldStarted = true;
            break;
        case '\r':
            if (i + 1 < text.size() && text[i + 1] == '\n')
                break; // CRLF: the LF ends the record
            [[fallthrough]];
        case '\n':
            if (fieldStarted || !field.empty() || !row.empty()) {
                row.push_back(std::move(field));
                rows.push_back(std::move(row));
            }
            row.clear();
            field.clear();
            fieldStarted = false;
            ++line;
            break;
        default:
            field += c;
            fieldStarted = true;
        }
    }
    if (quoted) {
        error = "unterminated quoted field (started before line " + std::to_string(line) + ")";
        return false;
    }
    if (fieldStarted || !field.empty() || !row.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return true;
}

std::string Csv::escape(std::string_view field)
{
    // A leading byte-order mark is quoted too: at the start of a file a reader would drop it.
    const bool needsQuotes = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                             (!field.empty() && (field.front() == ' ' || field.back() == ' ')) ||
                             field.substr(0, 3) == "\xEF\xBB\xBF";
    if (!needsQuotes)
        return std::string(field);
    std::string out = "\"";
    for (char c : field) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string Csv::line(const Row &fields)
{
    // A record of one empty field written bare would be an empty line, which readers (ours
    // included) skip: quote it so that the row survives.
    if (fields.size() == 1 && fields[0].empty())
        return "\"\"\r\n";
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i)
            out += ',';
        out += escape(fields[i]);
    }
    out += "\r\n";
    return out;
}

} // namespace activelabel
