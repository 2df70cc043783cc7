#include "model/sampling/hybridsampler.h"

#include "model/sampling/geometry.h"
#include "model/sampling/uncertaintysampler.h"

#include <algorithm>
#include <stdexcept>

namespace activelabel {

HybridSampler::HybridSampler(std::size_t prefilterFactor)
    : m_prefilterFactor(std::max<std::size_t>(1, prefilterFactor))
{
}

std::vector<double> HybridSampler::scores(const SamplingInput &input) const
{
    if (input.probabilities.rows != input.rows() || input.probabilities.cols == 0)
        throw std::invalid_argument("hybrid needs class probabilities for every candidate");
    return marginScores(input.probabilities);
}

std::vector<Pick> HybridSampler::select(const SamplingInput &input, std::size_t count,
                                        std::mt19937_64 &,
                                        const std::vector<std::uint8_t> &taken) const
{
    const auto uncertainty = scores(input);
    const auto shortlist = topK(uncertainty, count * m_prefilterFactor, taken);
    if (shortlist.empty())
        return {};
    const bool haveEmbeddings = input.embeddings.rows == input.rows() && input.embeddings.cols > 0;
    const FloatMatrix &space = haveEmbeddings ? input.embeddings : input.probabilities;
    std::vector<std::size_t> allowed;
    allowed.reserve(shortlist.size());
    for (const auto &pick : shortlist)
        allowed.push_back(pick.row);
    // Taken rows (this batch's audit draws) count as centres: no near-duplicate of them either.
    auto picks = kCenterGreedy(space, FloatMatrix(), count, shortlist.front().row, taken, allowed);
    for (auto &pick : picks)
        pick.score = uncertainty[pick.row];
    return picks;
}

} // namespace activelabel
