#include "storage/sqldialect.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace activelabel::sqldialect {

namespace {

bool isWordChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Length of the literal, quoted identifier or comment starting at `i`, or 0 when none starts there.
std::size_t skippable(std::string_view sql, std::size_t i)
{
    const char c = sql[i];
    if (c == '\'' || c == '"') {
        std::size_t j = i + 1;
        while (j < sql.size()) {
            if (sql[j] == c) {
                if (j + 1 < sql.size() && sql[j + 1] == c) { // a doubled quote inside
                    j += 2;
                    continue;
                }
                return j + 1 - i;
            }
            ++j;
        }
        return sql.size() - i;
    }
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
        const std::size_t end = sql.find('\n', i);
        return (end == std::string_view::npos ? sql.size() : end) - i;
    }
    if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
        const std::size_t end = sql.find("*/", i + 2);
        return (end == std::string_view::npos ? sql.size() : end + 2) - i;
    }
    return 0;
}

bool equalsUpper(std::string_view word, std::string_view upper)
{
    if (word.size() != upper.size())
        return false;
    for (std::size_t i = 0; i < word.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(word[i])) != upper[i])
            return false;
    return true;
}

struct Token
{
    std::string_view text;
    bool word = false;
};

// Words, single characters, and runs of literals/comments/space kept verbatim.
std::vector<Token> tokenize(std::string_view sql)
{
    std::vector<Token> tokens;
    std::size_t i = 0;
    while (i < sql.size()) {
        if (const std::size_t n = skippable(sql, i)) {
            tokens.push_back({sql.substr(i, n), false});
            i += n;
        } else if (isWordChar(sql[i])) {
            std::size_t j = i;
            while (j < sql.size() && isWordChar(sql[j]))
                ++j;
            tokens.push_back({sql.substr(i, j - i), true});
            i = j;
        } else {
            tokens.push_back({sql.substr(i, 1), false});
            ++i;
        }
    }
    return tokens;
}

// The index of the word that follows token `i` across white space only (tokens.size() when
// something else comes first: "b INTEGER, PRIMARY KEY (a, b)" has no INTEGER PRIMARY KEY).
std::size_t nextWord(const std::vector<Token> &tokens, std::size_t i)
{
    for (++i; i < tokens.size(); ++i) {
        if (tokens[i].word)
            return i;
        if (!std::isspace(static_cast<unsigned char>(tokens[i].text.front())))
            break;
    }
    return tokens.size();
}

bool wordAt(const std::vector<Token> &tokens, std::size_t i, std::string_view upper)
{
    return i < tokens.size() && tokens[i].word && equalsUpper(tokens[i].text, upper);
}

} // namespace

namespace {

// Calls `onPlaceholder(number)` for each placeholder (SQLite's numbering) and `onText(piece)` for
// everything between them.
template <typename Text, typename Placeholder>
void scanPlaceholders(std::string_view sql, Text onText, Placeholder onPlaceholder)
{
    int highest = 0;
    std::size_t i = 0;
    while (i < sql.size()) {
        if (const std::size_t n = skippable(sql, i)) {
            onText(sql.substr(i, n));
            i += n;
            continue;
        }
        if (sql[i] != '?') {
            onText(sql.substr(i, 1));
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        int number = 0;
        while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j])))
            number = number * 10 + (sql[j++] - '0');
        if (j == i + 1)
            number = highest + 1; // SQLite: a bare ? is one more than the largest number so far
        highest = std::max(highest, number);
        onPlaceholder(number);
        i = j;
    }
}

} // namespace

std::string postgresPlaceholders(std::string_view sql, std::vector<int> &slots)
{
    slots.clear();
    scanPlaceholders(sql, [](std::string_view) {}, [&](int number) {
        if (slots.size() < static_cast<std::size_t>(number))
            slots.resize(static_cast<std::size_t>(number), 0);
        slots[static_cast<std::size_t>(number - 1)] = 1;
    });
    int next = 0;
    for (int &slot : slots)
        slot = slot ? ++next : 0;
    std::string out;
    out.reserve(sql.size() + 16);
    scanPlaceholders(sql, [&](std::string_view text) { out.append(text); }, [&](int number) {
        out += '$';
        out += std::to_string(slots[static_cast<std::size_t>(number - 1)]);
    });
    return out;
}

std::string postgresSchema(std::string_view sqliteDdl)
{
    const std::vector<Token> tokens = tokenize(sqliteDdl);
    std::string out;
    out.reserve(sqliteDdl.size() + 256);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const Token &t = tokens[i];
        if (!t.word) {
            out.append(t.text);
            continue;
        }
        if (equalsUpper(t.text, "INTEGER")) {
            const std::size_t primary = nextWord(tokens, i);
            const std::size_t key = nextWord(tokens, primary);
            const std::size_t after = nextWord(tokens, key);
            if (wordAt(tokens, primary, "PRIMARY") && wordAt(tokens, key, "KEY") &&
                !wordAt(tokens, after, "REFERENCES")) {
                out += "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
                i = key;
            } else {
                out += "BIGINT";
            }
        } else if (equalsUpper(t.text, "REAL")) {
            out += "DOUBLE PRECISION";
        } else if (equalsUpper(t.text, "BLOB")) {
            out += "BYTEA";
        } else if (equalsUpper(t.text, "WITHOUT") && wordAt(tokens, nextWord(tokens, i), "ROWID")) {
            i = nextWord(tokens, i);
        } else {
            out.append(t.text);
        }
    }
    return out;
}

} // namespace activelabel::sqldialect
