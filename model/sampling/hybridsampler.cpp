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
    // k-center runs on the shortlist alone (M rows, not the whole candidate set); the taken rows
    // (this batch's audit draws) are its initial centres: no near-duplicate of them either.
    const std::size_t d = space.cols;
    FloatMatrix shortlisted(shortlist.size(), d);
    for (std::size_t i = 0; i < shortlist.size(); ++i)
        std::copy_n(space.row(shortlist[i].row), d, shortlisted.row(i));
    std::vector<std::size_t> takenRows;
    for (std::size_t row = 0; row < taken.size() && row < space.rows; ++row)
        if (taken[row])
            takenRows.push_back(row);
    FloatMatrix centres(takenRows.size(), d);
    for (std::size_t i = 0; i < takenRows.size(); ++i)
        std::copy_n(space.row(takenRows[i]), d, centres.row(i));
    // Without centres the first pick is shortlist row 0: the most uncertain candidate.
    auto picks = kCenterGreedy(shortlisted, centres, count, 0);
    for (auto &pick : picks) {
        pick.row = shortlist[pick.row].row;
        pick.score = uncertainty[pick.row];
    }
    return picks;
}

} // namespace activelabel
