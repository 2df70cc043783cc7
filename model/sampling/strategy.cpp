#include "model/sampling/strategy.h"

#include <algorithm>
#include <sstream>
#include <utility>

namespace activelabel {

namespace {

const std::vector<std::pair<Strategy, const char *>> &names()
{
    static const std::vector<std::pair<Strategy, const char *>> table = {
        {Strategy::Random, "random"}, {Strategy::LeastConfidence, "least-confidence"},
        {Strategy::Margin, "margin"}, {Strategy::Entropy, "entropy"},
        {Strategy::Bald, "bald"},     {Strategy::Coreset, "coreset"},
        {Strategy::Badge, "badge"},   {Strategy::Hybrid, "hybrid"},
    };
    return table;
}

} // namespace

std::optional<Strategy> parseStrategy(const std::string &name)
{
    for (const auto &[strategy, text] : names()) {
        if (name == text)
            return strategy;
    }
    return std::nullopt;
}

std::string strategyName(Strategy strategy)
{
    for (const auto &[s, text] : names()) {
        if (s == strategy)
            return text;
    }
    return "unknown";
}

const std::vector<Strategy> &allStrategies()
{
    static const std::vector<Strategy> all = [] {
        std::vector<Strategy> out;
        for (const auto &entry : names())
            out.push_back(entry.first);
        return out;
    }();
    return all;
}

std::vector<Strategy> parseStrategyList(const std::string &list, std::string *error)
{
    std::vector<Strategy> out;
    std::stringstream stream(list);
    std::string item;
    auto fail = [&](const std::string &why) {
        if (error)
            *error = why;
        return std::vector<Strategy>{};
    };
    if (list.empty())
        return fail("no strategy given (expected one of: random, least-confidence, margin, "
                    "entropy, bald, coreset, badge, hybrid)");
    while (std::getline(stream, item, ',')) {
        const auto strategy = parseStrategy(item);
        if (!strategy)
            return fail("unknown strategy '" + item +
                        "' (expected one of: random, least-confidence, margin, entropy, bald, "
                        "coreset, badge, hybrid)");
        if (std::find(out.begin(), out.end(), *strategy) != out.end())
            return fail("strategy '" + item + "' given twice");
        out.push_back(*strategy);
    }
    if (!list.empty() && list.back() == ',')
        return fail("empty strategy name in '" + list + "'");
    return out;
}

} // namespace activelabel
