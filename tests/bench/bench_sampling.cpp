// Sampler timings on a pool the size of the default candidate limit (20,000 x 128 embeddings,
// 10 classes, 1,000 labelled), against a plain-loop k-center greedy doing the same work in the
// same run. Prints medians over repeats; asserts nothing about time.
#include "app/runtimeenvironment.h"
#include "model/sampling/batchcomposer.h"
#include "model/sampling/geometry.h"
#include "model/sampling/sampler.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <limits>
#include <random>

using namespace activelabel;

namespace {

double medianSeconds(int repeats, const std::function<void()> &work)
{
    std::vector<double> times;
    for (int i = 0; i < repeats; ++i) {
        QElapsedTimer t;
        t.start();
        work();
        times.push_back(t.nsecsElapsed() / 1e9);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

// The textbook loop: for every point, its distance to every centre, then greedy updates.
std::vector<std::size_t> naiveKCenter(const FloatMatrix &x, const FloatMatrix &centres,
                                      std::size_t count)
{
    const std::size_t n = x.rows, d = x.cols;
    std::vector<float> minDist(n, std::numeric_limits<float>::infinity());
    auto dist = [&](const float *a, const float *b) {
        float s = 0.0f;
        for (std::size_t k = 0; k < d; ++k)
            s += (a[k] - b[k]) * (a[k] - b[k]);
        return s;
    };
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t c = 0; c < centres.rows; ++c)
            minDist[i] = std::min(minDist[i], dist(x.row(i), centres.row(c)));
    std::vector<std::size_t> picks;
    for (std::size_t k = 0; k < count; ++k) {
        const std::size_t best =
            std::size_t(std::max_element(minDist.begin(), minDist.end()) - minDist.begin());
        picks.push_back(best);
        for (std::size_t i = 0; i < n; ++i)
            minDist[i] = std::min(minDist[i], dist(x.row(i), x.row(best)));
    }
    return picks;
}

} // namespace

int main(int argc, char **argv)
{
    ensureRuntimeEnvironment(argv); // measure what the application runs with
    QCoreApplication app(argc, argv);
    const std::size_t n = 20000, d = 128, c = 10, labelled = 1000, batch = 100;
    std::mt19937_64 gen(1);
    std::normal_distribution<float> normal;
    SamplingInput input;
    input.embeddings = FloatMatrix(n, d);
    input.labelledEmbeddings = FloatMatrix(labelled, d);
    input.probabilities = FloatMatrix(n, c);
    for (auto &v : input.embeddings.data)
        v = normal(gen);
    for (auto &v : input.labelledEmbeddings.data)
        v = normal(gen);
    for (std::size_t i = 0; i < n; ++i) {
        float sum = 0;
        for (std::size_t j = 0; j < c; ++j)
            sum += (input.probabilities.at(i, j) = std::exp(2.0f * normal(gen)));
        for (std::size_t j = 0; j < c; ++j)
            input.probabilities.at(i, j) /= sum;
    }
    for (int t = 0; t < 10; ++t) {
        FloatMatrix pass = input.probabilities;
        for (auto &v : pass.data)
            v *= std::exp(0.3f * normal(gen));
        input.mcProbabilities.push_back(pass);
    }
    std::printf("pool %zu x %zu embeddings, %zu classes, %zu labelled, batch %zu\n", n, d, c,
                labelled, batch);

    std::vector<Pick> ours;
    const double fast = medianSeconds(
        5, [&] { ours = kCenterGreedy(input.embeddings, input.labelledEmbeddings, batch, 0); });
    std::vector<std::size_t> reference;
    const double naive = medianSeconds(
        1, [&] { reference = naiveKCenter(input.embeddings, input.labelledEmbeddings, batch); });
    std::size_t agree = 0;
    for (std::size_t i = 0; i < batch; ++i)
        agree += ours[i].row == reference[i] ? 1 : 0;
    std::printf(
        "k-center greedy (coreset): %.3f s; plain loops %.3f s (%.1fx); same picks %zu/%zu\n", fast,
        naive, naive / fast, agree, batch);

    for (Strategy s : allStrategies()) {
        const auto sampler = makeSampler(s);
        const double t = medianSeconds(5, [&] {
            std::mt19937_64 rng(7);
            composeBatch(*sampler, input, {batch, 0.1}, rng);
        });
        std::printf("composeBatch %-16s %.3f s\n", strategyName(s).c_str(), t);
    }
    FloatMatrix pixels(n, 64);
    for (auto &v : pixels.data)
        v = normal(gen);
    SamplingInput cold;
    cold.embeddings = pixels;
    const double coldTime = medianSeconds(3, [&] {
        std::mt19937_64 rng(7);
        makeColdStartSampler()->select(cold, batch, rng);
    });
    std::printf("cold start (k-means, k=%zu, %zu x 64 features): %.3f s\n", batch, n, coldTime);
    return 0;
}
