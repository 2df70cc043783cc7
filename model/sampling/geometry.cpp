#include "model/sampling/geometry.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace activelabel {

namespace {

// A non-owning view: the matrices outlive every tensor made from them in this file.
torch::Tensor view(const FloatMatrix &m)
{
    return torch::from_blob(const_cast<float *>(m.data.data()),
                            {static_cast<int64_t>(m.rows), static_cast<int64_t>(m.cols)},
                            torch::kFloat32);
}

// Chunked so that the N x K distance matrix never exceeds ~32 MB.
constexpr int64_t kChunkElements = 8 * 1024 * 1024;

// min over centres of ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2, clamped at 0 (rounding).
void nearest(const torch::Tensor &x, const torch::Tensor &c, torch::Tensor &best,
             torch::Tensor &bestIndex)
{
    const int64_t n = x.size(0);
    const int64_t k = c.size(0);
    best = torch::full({n}, std::numeric_limits<float>::infinity());
    bestIndex = torch::zeros({n}, torch::kLong);
    if (k == 0 || n == 0)
        return;
    const auto xn = x.pow(2).sum(1, true);
    const auto cn = c.pow(2).sum(1);
    const int64_t step = std::max<int64_t>(1, kChunkElements / std::max<int64_t>(1, n));
    for (int64_t start = 0; start < k; start += step) {
        const int64_t end = std::min(k, start + step);
        const auto cs = c.slice(0, start, end);
        auto d = torch::addmm(xn + cn.slice(0, start, end).unsqueeze(0), x, cs.t(), 1.0, -2.0);
        auto [value, index] = d.clamp_min(0.0f).min(1);
        const auto better = value < best;
        best = torch::where(better, value, best);
        bestIndex = torch::where(better, index + start, bestIndex);
    }
}

// Squared distances of every row of x to row `row`, via precomputed row norms `xn`.
torch::Tensor distancesTo(const torch::Tensor &x, const torch::Tensor &xn, int64_t row)
{
    const auto c = x[row];
    return (xn - 2.0f * x.mv(c) + c.dot(c)).clamp_min(0.0f);
}

KMeansResult kMeansOnce(const FloatMatrix &points, const torch::Tensor &x, std::size_t k,
                        std::mt19937_64 &rng, int iterations)
{
    const auto xn = x.pow(2).sum(1);
    const std::size_t n = points.rows;
    const int64_t d = static_cast<int64_t>(points.cols);
    // Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, as scikit-learn does it): draw
    // 2 + ln k candidates by D^2 sampling and keep the one that lowers the potential most, so
    // that small, distant modes are not missed by an unlucky draw.
    const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
    std::vector<std::size_t> seeds{uniformIndex(rng, n)};
    auto minDist = distancesTo(x, xn, static_cast<int64_t>(seeds[0]));
    while (seeds.size() < k) {
        const auto contiguous = minDist.contiguous();
        const float *acc = contiguous.data_ptr<float>();
        double total = 0.0;
        for (std::size_t i = 0; i < n; ++i)
            total += acc[i];
        torch::Tensor bestDist;
        double bestPotential = std::numeric_limits<double>::infinity();
        std::size_t bestRow = 0;
        for (int t = 0; t < trials; ++t) {
            std::size_t candidate = n - 1;
            if (total <= 0.0) {
                candidate = uniformIndex(rng, n); // every point coincides with a seed
            } else {
                const double target = uniformUnit(rng) * total;
                double running = 0.0;
                for (std::size_t i = 0; i < n; ++i) {
                    if (acc[i] <= 0.0f)
                        continue;
                    candidate = i;
                    running += acc[i];
                    if (running > target)
                        break;
                }
            }
            auto merged =
                torch::minimum(minDist, distancesTo(x, xn, static_cast<int64_t>(candidate)));
            const double potential = merged.sum().item<double>();
            if (potential < bestPotential) {
                bestPotential = potential;
                bestDist = merged;
                bestRow = candidate;
            }
        }
        seeds.push_back(bestRow);
        minDist = bestDist;
    }
    std::vector<int64_t> seedIndex(seeds.begin(), seeds.end());
    auto centres = x.index_select(0, torch::tensor(seedIndex, torch::kLong)).clone();

    torch::Tensor best, assign;
    torch::Tensor previous;
    for (int it = 0; it <= iterations; ++it) {
        nearest(x, centres, best, assign);
        if (it == iterations || (previous.defined() && torch::equal(previous, assign)))
            break;
        previous = assign.clone();
        auto sums = torch::zeros({static_cast<int64_t>(k), d});
        sums.index_add_(0, assign, x);
        auto counts = torch::bincount(assign, {}, static_cast<int64_t>(k)).to(torch::kFloat32);
        // An emptied cluster is re-seeded with the point currently worst served.
        auto bestCopy = best.clone();
        for (int64_t c = 0; c < static_cast<int64_t>(k); ++c) {
            if (counts[c].item<float>() > 0.0f) {
                centres[c] = sums[c] / counts[c];
            } else {
                const auto far = bestCopy.argmax().item<int64_t>();
                centres[c] = x[far];
                bestCopy[far] = 0.0f;
            }
        }
    }
    KMeansResult result;
    result.centroids = FloatMatrix(k, points.cols);
    const auto cc = centres.contiguous();
    std::copy(cc.data_ptr<float>(), cc.data_ptr<float>() + k * points.cols,
              result.centroids.data.begin());
    result.assignment.resize(n);
    result.distances.resize(n);
    const auto a = assign.accessor<int64_t, 1>();
    const auto b = best.accessor<float, 1>();
    for (std::size_t i = 0; i < n; ++i) {
        result.assignment[i] = static_cast<std::size_t>(a[static_cast<int64_t>(i)]);
        result.distances[i] = b[static_cast<int64_t>(i)];
        result.inertia += result.distances[i];
    }
    return result;
}

} // namespace

double uniformUnit(std::mt19937_64 &rng)
{
    return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

std::size_t uniformIndex(std::mt19937_64 &rng, std::size_t n)
{
    if (n == 0)
        throw std::invalid_argument("uniformIndex: empty range");
    const std::uint64_t range = n;
    const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                                std::numeric_limits<std::uint64_t>::max() % range;
    std::uint64_t value = rng();
    while (value >= limit)
        value = rng();
    return static_cast<std::size_t>(value % range);
}

std::vector<float> nearestCentreDistances(const FloatMatrix &points, const FloatMatrix &centres,
                                          std::vector<std::size_t> *nearestIndex)
{
    if (!centres.empty() && centres.cols != points.cols)
        throw std::invalid_argument("nearestCentreDistances: dimension mismatch");
    torch::NoGradGuard noGrad;
    torch::Tensor best, index;
    nearest(view(points), view(centres), best, index);
    std::vector<float> out(best.data_ptr<float>(), best.data_ptr<float>() + points.rows);
    if (nearestIndex) {
        nearestIndex->resize(points.rows);
        const auto acc = index.accessor<int64_t, 1>();
        for (std::size_t i = 0; i < points.rows; ++i)
            (*nearestIndex)[i] = static_cast<std::size_t>(acc[static_cast<int64_t>(i)]);
    }
    return out;
}

std::vector<Pick> kCenterGreedy(const FloatMatrix &points, const FloatMatrix &initialCentres,
                                std::size_t count, std::size_t firstRow,
                                const std::vector<std::uint8_t> &taken,
                                const std::vector<std::size_t> &allowed)
{
    const std::size_t n = points.rows;
    if (!initialCentres.empty() && initialCentres.cols != points.cols)
        throw std::invalid_argument("k-center: labelled embeddings have " +
                                    std::to_string(initialCentres.cols) +
                                    " dimensions, candidates " + std::to_string(points.cols));
    torch::NoGradGuard noGrad;
    const auto x = view(points);
    const auto xn = x.pow(2).sum(1);
    torch::Tensor minDist, unused;
    nearest(x, view(initialCentres), minDist, unused);

    // Eligible rows: allowed and not taken. Ineligible rows get -1 so argmax never picks them.
    std::vector<std::uint8_t> eligible(n, allowed.empty() ? 1 : 0);
    for (std::size_t row : allowed)
        if (row < n)
            eligible[row] = 1;
    bool anyCentre = !initialCentres.empty();
    auto addCentre = [&](std::size_t row) {
        minDist = torch::minimum(minDist, distancesTo(x, xn, static_cast<int64_t>(row)));
        anyCentre = true;
    };
    for (std::size_t row = 0; row < n && row < taken.size(); ++row) {
        if (taken[row]) {
            eligible[row] = 0;
            addCentre(row);
        }
    }
    std::size_t available = 0;
    std::vector<std::uint8_t> ineligible(n);
    for (std::size_t row = 0; row < n; ++row) {
        ineligible[row] = eligible[row] ? 0 : 1;
        available += eligible[row];
    }
    // Ineligible rows sit at -1: minimum() with distances >= 0 keeps them there.
    const auto mask = torch::from_blob(ineligible.data(), {static_cast<int64_t>(n)}, torch::kUInt8)
                          .to(torch::kBool);
    minDist.masked_fill_(mask, -1.0f);

    std::vector<Pick> picks;
    count = std::min(count, available);
    while (picks.size() < count) {
        std::size_t row;
        double score;
        if (!anyCentre) {
            row = (firstRow < n && eligible[firstRow])
                      ? firstRow
                      : static_cast<std::size_t>(minDist.argmax().item<int64_t>());
            score = std::numeric_limits<double>::infinity();
        } else {
            row = static_cast<std::size_t>(minDist.argmax().item<int64_t>());
            score = std::sqrt(std::max(0.0f, minDist[static_cast<int64_t>(row)].item<float>()));
        }
        picks.push_back({row, score});
        addCentre(row);
        minDist[static_cast<int64_t>(row)] = -1.0f;
    }
    return picks;
}

KMeansResult kMeans(const FloatMatrix &points, std::size_t k, std::mt19937_64 &rng, int iterations,
                    int restarts)
{
    if (points.rows == 0)
        return {};
    k = std::clamp<std::size_t>(k, 1, points.rows);
    torch::NoGradGuard noGrad;
    const auto x = view(points);
    KMeansResult best;
    for (int r = 0; r < std::max(1, restarts); ++r) {
        auto result = kMeansOnce(points, x, k, rng, std::max(1, iterations));
        if (r == 0 || result.inertia < best.inertia)
            best = std::move(result);
    }
    return best;
}

} // namespace activelabel
