#include "model/sampling/badgesampler.h"

#include "model/sampling/geometry.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace activelabel {

namespace {

torch::Tensor view(const FloatMatrix &m)
{
    return torch::from_blob(const_cast<float *>(m.data.data()),
                            {static_cast<int64_t>(m.rows), static_cast<int64_t>(m.cols)},
                            torch::kFloat32);
}

// The two factors of the gradient embedding: a = p - onehot(argmax p) (N x C) and h (N x D).
struct GradientFactors
{
    torch::Tensor a, h, aNorm2, hNorm2;
};

GradientFactors factors(const SamplingInput &input)
{
    const std::size_t n = input.rows();
    if (input.probabilities.rows != n || input.probabilities.cols == 0)
        throw std::invalid_argument("badge needs class probabilities for every candidate");
    if (input.embeddings.rows != n || input.embeddings.cols == 0)
        throw std::invalid_argument("badge needs penultimate embeddings for every candidate");
    GradientFactors f;
    const auto p = view(input.probabilities);
    f.a = p - torch::one_hot(p.argmax(1), p.size(1)).to(torch::kFloat32);
    f.h = view(input.embeddings);
    f.aNorm2 = f.a.pow(2).sum(1);
    f.hNorm2 = f.h.pow(2).sum(1);
    return f;
}

// ||g_i - g_j||^2 for every i, given pick j.
torch::Tensor distancesTo(const GradientFactors &f, int64_t j)
{
    const auto cross = f.a.mv(f.a[j]) * f.h.mv(f.h[j]);
    return (f.aNorm2 * f.hNorm2 + f.aNorm2[j] * f.hNorm2[j] - 2.0f * cross).clamp_min(0.0f);
}

} // namespace

std::vector<double> BadgeSampler::scores(const SamplingInput &input) const
{
    torch::NoGradGuard noGrad;
    const auto f = factors(input);
    const auto norm = (f.aNorm2 * f.hNorm2).sqrt().contiguous();
    return std::vector<double>(norm.data_ptr<float>(), norm.data_ptr<float>() + input.rows());
}

std::vector<Pick> BadgeSampler::select(const SamplingInput &input, std::size_t count,
                                       std::mt19937_64 &rng,
                                       const std::vector<std::uint8_t> &taken) const
{
    torch::NoGradGuard noGrad;
    const std::size_t n = input.rows();
    const auto f = factors(input);
    std::vector<std::uint8_t> chosen(n, 0);
    std::size_t available = n;
    auto minDist = torch::full({static_cast<int64_t>(n)}, std::numeric_limits<float>::infinity());
    bool anyCentre = false;
    auto addCentre = [&](std::size_t row) {
        minDist = torch::minimum(minDist, distancesTo(f, static_cast<int64_t>(row)));
        chosen[row] = 1;
        --available;
        anyCentre = true;
    };
    for (std::size_t row = 0; row < n && row < taken.size(); ++row) {
        if (taken[row])
            addCentre(row);
    }
    std::vector<Pick> picks;
    count = std::min(count, available);
    while (picks.size() < count) {
        std::size_t row = n;
        double score = 0.0;
        if (!anyCentre) {
            // BADGE's reference implementation starts from the largest gradient norm.
            const auto norm2 = (f.aNorm2 * f.hNorm2).contiguous();
            row = static_cast<std::size_t>(norm2.argmax().item<int64_t>());
            score = std::sqrt(norm2[static_cast<int64_t>(row)].item<float>());
        } else {
            const auto d = minDist.contiguous();
            const float *dist = d.data_ptr<float>();
            double total = 0.0;
            for (std::size_t i = 0; i < n; ++i)
                total += chosen[i] ? 0.0 : dist[i];
            if (total > 0.0) {
                const double target = uniformUnit(rng) * total;
                double running = 0.0;
                for (std::size_t i = 0; i < n; ++i) {
                    if (chosen[i] || dist[i] <= 0.0f)
                        continue;
                    row = i; // the last positive-weight row, should rounding exhaust the sum
                    running += dist[i];
                    if (running > target)
                        break;
                }
            } else {
                // Every remaining gradient embedding coincides with a pick: any is as good.
                std::size_t skip = uniformIndex(rng, available);
                for (std::size_t i = 0; i < n; ++i) {
                    if (!chosen[i] && skip-- == 0) {
                        row = i;
                        break;
                    }
                }
            }
            score = std::sqrt(std::max(0.0f, dist[row]));
        }
        picks.push_back({row, score});
        addCentre(row);
    }
    return picks;
}

} // namespace activelabel
