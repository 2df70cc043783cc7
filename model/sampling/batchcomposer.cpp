#include "model/sampling/batchcomposer.h"

#include "model/sampling/geometry.h"
#include "model/sampling/randomsampler.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace activelabel {

std::vector<std::size_t> candidateSubset(std::size_t poolSize, std::size_t limit,
                                         std::mt19937_64 &rng)
{
    std::vector<std::size_t> rows;
    if (poolSize <= limit) {
        rows.resize(poolSize);
        for (std::size_t i = 0; i < poolSize; ++i)
            rows[i] = i;
        return rows;
    }
    rows = drawUniform(poolSize, limit, rng);
    std::sort(rows.begin(), rows.end());
    return rows;
}

std::size_t auditDrawCount(std::size_t batchSize, double fraction, std::mt19937_64 &rng)
{
    if (!(fraction >= 0.0 && fraction <= 1.0))
        throw std::invalid_argument("audit fraction must be between 0 and 1");
    const double exact = static_cast<double>(batchSize) * fraction;
    auto count = static_cast<std::size_t>(std::floor(exact));
    const double remainder = exact - static_cast<double>(count);
    if (remainder > 1e-12 && uniformUnit(rng) < remainder)
        ++count;
    return std::min(count, batchSize);
}

std::vector<QueryPick> composeBatch(const Sampler &sampler, const SamplingInput &input,
                                    const BatchOptions &options, std::mt19937_64 &rng)
{
    const std::size_t n = input.rows();
    const std::size_t batch = std::min(options.batchSize, n);
    const std::size_t audits = std::min(auditDrawCount(batch, options.auditFraction, rng), batch);

    const auto auditRows = drawUniform(n, audits, rng);
    std::vector<std::uint8_t> taken(n, 0);
    for (std::size_t row : auditRows)
        taken[row] = 1;
    const auto picks = sampler.select(input, batch - audits, rng, taken);

    // Interleave: audit i goes to position floor((i + 0.5) * batch / audits).
    std::vector<QueryPick> out;
    out.reserve(batch);
    std::size_t nextAudit = 0;
    std::size_t nextPick = 0;
    const std::size_t total = audits + picks.size();
    for (std::size_t pos = 0; pos < total; ++pos) {
        const bool auditHere =
            nextAudit < audits &&
            (nextPick >= picks.size() ||
             pos >= static_cast<std::size_t>((nextAudit + 0.5) * double(total) / double(audits)));
        if (auditHere) {
            out.push_back({auditRows[nextAudit++], 0.0, true});
        } else {
            const auto &pick = picks[nextPick++];
            if (pick.row >= n || taken[pick.row])
                throw std::logic_error("sampler returned a duplicate or out-of-range row");
            taken[pick.row] = 1;
            out.push_back({pick.row, pick.score, false});
        }
    }
    return out;
}

} // namespace activelabel
