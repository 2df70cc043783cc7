#include "model/sampling/uncertaintysampler.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace activelabel {

namespace {

double entropyOfRow(const float *p, std::size_t c)
{
    double h = 0.0;
    for (std::size_t j = 0; j < c; ++j) {
        if (p[j] > 0.0f)
            h -= static_cast<double>(p[j]) * std::log(static_cast<double>(p[j]));
    }
    return h;
}

void requireProbabilities(const SamplingInput &input, Strategy strategy)
{
    if (input.probabilities.cols == 0 && input.probabilities.rows > 0)
        throw std::invalid_argument(strategyName(strategy) + " needs class probabilities");
    if (input.probabilities.rows != input.rows())
        throw std::invalid_argument(strategyName(strategy) +
                                    " needs class probabilities for every candidate");
}

} // namespace

std::vector<double> leastConfidenceScores(const FloatMatrix &probabilities)
{
    std::vector<double> out(probabilities.rows);
    for (std::size_t i = 0; i < probabilities.rows; ++i) {
        const float *p = probabilities.row(i);
        out[i] = 1.0 - static_cast<double>(*std::max_element(p, p + probabilities.cols));
    }
    return out;
}

std::vector<double> marginScores(const FloatMatrix &probabilities)
{
    std::vector<double> out(probabilities.rows);
    for (std::size_t i = 0; i < probabilities.rows; ++i) {
        const float *p = probabilities.row(i);
        float first = -1.0f;
        float second = -1.0f;
        for (std::size_t j = 0; j < probabilities.cols; ++j) {
            if (p[j] > first) {
                second = first;
                first = p[j];
            } else if (p[j] > second) {
                second = p[j];
            }
        }
        // One class only: no runner-up, so no margin to be unsure about.
        out[i] = probabilities.cols < 2 ? 0.0 : 1.0 - (double(first) - double(second));
    }
    return out;
}

std::vector<double> entropyScores(const FloatMatrix &probabilities)
{
    std::vector<double> out(probabilities.rows);
    for (std::size_t i = 0; i < probabilities.rows; ++i)
        out[i] = entropyOfRow(probabilities.row(i), probabilities.cols);
    return out;
}

std::vector<double> baldScores(const std::vector<FloatMatrix> &mc)
{
    if (mc.empty())
        return {};
    const std::size_t n = mc.front().rows;
    const std::size_t c = mc.front().cols;
    for (const auto &pass : mc) {
        if (pass.rows != n || pass.cols != c)
            throw std::invalid_argument("bald: MC-dropout passes differ in shape");
    }
    const double t = static_cast<double>(mc.size());
    std::vector<double> out(n);
    std::vector<double> mean(c);
    for (std::size_t i = 0; i < n; ++i) {
        std::fill(mean.begin(), mean.end(), 0.0);
        double expectedEntropy = 0.0;
        for (const auto &pass : mc) {
            const float *p = pass.row(i);
            for (std::size_t j = 0; j < c; ++j)
                mean[j] += p[j];
            expectedEntropy += entropyOfRow(p, c);
        }
        double entropyOfMean = 0.0;
        for (std::size_t j = 0; j < c; ++j) {
            const double m = mean[j] / t;
            if (m > 0.0)
                entropyOfMean -= m * std::log(m);
        }
        // Mutual information is >= 0 by Jensen; clamp away rounding below zero.
        out[i] = std::max(0.0, entropyOfMean - expectedEntropy / t);
    }
    return out;
}

UncertaintySampler::UncertaintySampler(Strategy strategy) : m_strategy(strategy)
{
    if (strategy != Strategy::LeastConfidence && strategy != Strategy::Margin &&
        strategy != Strategy::Entropy && strategy != Strategy::Bald)
        throw std::invalid_argument(strategyName(strategy) + " is not an uncertainty strategy");
}

std::vector<double> UncertaintySampler::scores(const SamplingInput &input) const
{
    switch (m_strategy) {
    case Strategy::LeastConfidence:
        requireProbabilities(input, m_strategy);
        return leastConfidenceScores(input.probabilities);
    case Strategy::Margin:
        requireProbabilities(input, m_strategy);
        return marginScores(input.probabilities);
    case Strategy::Entropy:
        requireProbabilities(input, m_strategy);
        return entropyScores(input.probabilities);
    case Strategy::Bald:
        if (input.mcProbabilities.empty() || input.mcProbabilities.front().rows != input.rows())
            throw std::invalid_argument("bald needs MC-dropout probabilities (T stochastic "
                                        "passes) for every candidate");
        return baldScores(input.mcProbabilities);
    default:
        return {};
    }
}

std::vector<Pick> UncertaintySampler::select(const SamplingInput &input, std::size_t count,
                                             std::mt19937_64 &,
                                             const std::vector<std::uint8_t> &taken) const
{
    return topK(scores(input), count, taken);
}

} // namespace activelabel
