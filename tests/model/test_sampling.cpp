// The query strategies on constructed inputs: each picks what its definition says.
#include "model/sampling/badgesampler.h"
#include "model/sampling/coldstartsampler.h"
#include "model/sampling/geometry.h"
#include "model/sampling/sampler.h"
#include "model/sampling/uncertaintysampler.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <set>

using namespace activelabel;

namespace {

FloatMatrix matrix(std::size_t rows, std::size_t cols, std::initializer_list<float> values)
{
    FloatMatrix m(rows, cols);
    std::copy(values.begin(), values.end(), m.data.begin());
    return m;
}

// Four candidates on which the three uncertainty definitions disagree about the top pick:
//   A [.50 .50 .00 .00]  least-confidence .50, margin 1.00, entropy ln 2        = 0.693
//   B [.40 .20 .20 .20]  least-confidence .60, margin 0.80, entropy             = 1.332
//   C [.34 .33 .33 .00]  least-confidence .66, margin 0.99, entropy            ~= 1.099
//   D [.97 .01 .01 .01]  confident on every measure
FloatMatrix disagreeing()
{
    return matrix(4, 4,
                  {0.50f, 0.50f, 0.00f, 0.00f, 0.40f, 0.20f, 0.20f, 0.20f, 0.34f, 0.33f, 0.33f,
                   0.00f, 0.97f, 0.01f, 0.01f, 0.01f});
}

std::vector<std::size_t> rowsOf(const std::vector<Pick> &picks)
{
    std::vector<std::size_t> rows;
    for (const auto &p : picks)
        rows.push_back(p.row);
    return rows;
}

bool distinct(const std::vector<Pick> &picks)
{
    const auto rows = rowsOf(picks);
    return std::set<std::size_t>(rows.begin(), rows.end()).size() == rows.size();
}

// Points on a line: x = 0, 1, ..., n-1 (2-D, y = 0).
FloatMatrix line(std::size_t n)
{
    FloatMatrix m(n, 2);
    for (std::size_t i = 0; i < n; ++i)
        m.at(i, 0) = static_cast<float>(i);
    return m;
}

} // namespace

class TestSampling : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesExactNames();
    void parsesLists();
    void uncertaintyScoresMatchDefinitions();
    void eachUncertaintyStrategyPicksItsOwnTop();
    void topKSkipsTakenRowsAndBreaksTiesByRow();
    void baldIsZeroForDeterministicModel();
    void baldPrefersDisagreementOverAmbiguity();
    void kCenterPicksFarthestFirst();
    void coresetUsesLabelledSetAsCentres();
    void hybridAvoidsNearDuplicates();
    void badgeStartsFromLargestGradientAndStaysDistinct();
    void coldStartCoversEveryCluster();
    void sameSeedSamePicks();
    void missingInputIsAClearError();
};

void TestSampling::parsesExactNames()
{
    for (Strategy s : allStrategies())
        QCOMPARE(parseStrategy(strategyName(s)), std::optional<Strategy>(s));
    QCOMPARE(allStrategies().size(), std::size_t(8));
    QCOMPARE(strategyName(Strategy::LeastConfidence), std::string("least-confidence"));
    QVERIFY(!parseStrategy("Margin"));
    QVERIFY(!parseStrategy("least_confidence"));
    QVERIFY(!parseStrategy(" margin"));
    QVERIFY(!parseStrategy(""));
}

void TestSampling::parsesLists()
{
    std::string error;
    const auto list = parseStrategyList("margin,random,bald", &error);
    QCOMPARE(list.size(), std::size_t(3));
    QCOMPARE(list[0], Strategy::Margin);
    QCOMPARE(list[2], Strategy::Bald);
    QVERIFY(parseStrategyList("margin,foo", &error).empty());
    QVERIFY(QString::fromStdString(error).contains("foo"));
    QVERIFY(parseStrategyList("margin,margin", &error).empty());
    QVERIFY(parseStrategyList("margin,", &error).empty());
    QVERIFY(parseStrategyList("", &error).empty());
}

void TestSampling::uncertaintyScoresMatchDefinitions()
{
    const auto p = disagreeing();
    const auto lc = leastConfidenceScores(p);
    const auto margin = marginScores(p);
    const auto entropy = entropyScores(p);
    QVERIFY(std::abs(lc[0] - 0.50) < 1e-6);
    QVERIFY(std::abs(lc[2] - 0.66) < 1e-6);
    QVERIFY(std::abs(margin[0] - 1.00) < 1e-6);
    QVERIFY(std::abs(margin[1] - 0.80) < 1e-6);
    QVERIFY(std::abs(margin[2] - 0.99) < 1e-6);
    QVERIFY(std::abs(entropy[0] - std::log(2.0)) < 1e-6);
    QVERIFY(std::abs(entropy[1] - (0.4 * std::log(2.5) + 0.6 * std::log(5.0))) < 1e-6);
    QVERIFY(entropy[3] < entropy[0]);
}

void TestSampling::eachUncertaintyStrategyPicksItsOwnTop()
{
    SamplingInput input;
    input.probabilities = disagreeing();
    std::mt19937_64 rng(1);
    const auto lc = makeSampler(Strategy::LeastConfidence)->select(input, 1, rng);
    const auto margin = makeSampler(Strategy::Margin)->select(input, 1, rng);
    const auto entropy = makeSampler(Strategy::Entropy)->select(input, 1, rng);
    QCOMPARE(lc.at(0).row, std::size_t(2));      // C: lowest top probability
    QCOMPARE(margin.at(0).row, std::size_t(0));  // A: two classes tied
    QCOMPARE(entropy.at(0).row, std::size_t(1)); // B: mass spread over four classes
    // Every strategy leaves the confident D for last.
    for (Strategy s : {Strategy::LeastConfidence, Strategy::Margin, Strategy::Entropy}) {
        const auto picks = makeSampler(s)->select(input, 4, rng);
        QCOMPARE(picks.size(), std::size_t(4));
        QCOMPARE(picks.back().row, std::size_t(3));
        QVERIFY(distinct(picks));
        for (std::size_t i = 1; i < picks.size(); ++i)
            QVERIFY(picks[i - 1].score >= picks[i].score);
    }
}

void TestSampling::topKSkipsTakenRowsAndBreaksTiesByRow()
{
    const std::vector<double> scores{0.5, 0.9, 0.9, std::nan(""), 0.1};
    const auto picks = topK(scores, 10, {0, 1, 0, 0, 0});
    QCOMPARE(rowsOf(picks), (std::vector<std::size_t>{2, 0, 4, 3}));
    const auto two = topK(scores, 2);
    QCOMPARE(rowsOf(two), (std::vector<std::size_t>{1, 2}));
}

void TestSampling::baldIsZeroForDeterministicModel()
{
    const auto p = disagreeing();
    const std::vector<FloatMatrix> passes(5, p);
    for (double s : baldScores(passes))
        QVERIFY(std::abs(s) < 1e-9);
}

void TestSampling::baldPrefersDisagreementOverAmbiguity()
{
    // Row 0: the passes disagree confidently (epistemic); row 1: every pass says 50/50
    // (aleatoric). The mean prediction is 50/50 for both, so entropy cannot tell them apart.
    SamplingInput input;
    input.mcProbabilities = {matrix(2, 2, {1.0f, 0.0f, 0.5f, 0.5f}),
                             matrix(2, 2, {0.0f, 1.0f, 0.5f, 0.5f})};
    const auto scores = makeSampler(Strategy::Bald)->scores(input);
    QVERIFY(std::abs(scores[0] - std::log(2.0)) < 1e-9);
    QVERIFY(std::abs(scores[1]) < 1e-9);
    std::mt19937_64 rng(3);
    QCOMPARE(makeSampler(Strategy::Bald)->select(input, 1, rng).at(0).row, std::size_t(0));
}

void TestSampling::kCenterPicksFarthestFirst()
{
    const auto points = line(11);
    const auto labelled = matrix(1, 2, {0.0f, 0.0f});
    const auto picks = kCenterGreedy(points, labelled, 3, 0);
    QCOMPARE(picks.at(0).row, std::size_t(10));
    QVERIFY(std::abs(picks.at(0).score - 10.0) < 1e-4);
    QCOMPARE(picks.at(1).row, std::size_t(5)); // farthest from both 0 and 10
    QVERIFY(std::abs(picks.at(1).score - 5.0) < 1e-4);
    QVERIFY(distinct(picks));
    // Without centres the given first row starts it, then the farthest from it.
    const auto fresh = kCenterGreedy(points, FloatMatrix(), 2, 3);
    QCOMPARE(fresh.at(0).row, std::size_t(3));
    QCOMPARE(fresh.at(1).row, std::size_t(10));
}

void TestSampling::coresetUsesLabelledSetAsCentres()
{
    SamplingInput input;
    input.embeddings = line(11);
    input.labelledEmbeddings = matrix(2, 2, {0.0f, 0.0f, 10.0f, 0.0f});
    std::mt19937_64 rng(5);
    const auto sampler = makeSampler(Strategy::Coreset);
    const auto picks = sampler->select(input, 1, rng);
    QCOMPARE(picks.at(0).row, std::size_t(5));
    const auto scores = sampler->scores(input);
    QVERIFY(std::abs(scores[5] - 5.0) < 1e-4);
    QVERIFY(std::abs(scores[0]) < 1e-3);
    // Taken rows are centres too: with 5 taken, the next pick is at 2/3 or 7/8.
    std::vector<std::uint8_t> taken(11, 0);
    taken[5] = 1;
    const auto next = sampler->select(input, 1, rng, taken);
    QVERIFY(next.at(0).row != 5);
    QVERIFY(std::abs(next.at(0).score - 3.0) < 1e-3 || std::abs(next.at(0).score - 2.0) < 1e-3);
}

void TestSampling::hybridAvoidsNearDuplicates()
{
    // Rows 0-9: ten copies of the same most uncertain image. Rows 10-29: distinct, slightly less
    // uncertain images. Rows 30-59: confident. A batch of 5.
    const std::size_t n = 60;
    SamplingInput input;
    input.probabilities = FloatMatrix(n, 2);
    input.embeddings = FloatMatrix(n, 2);
    for (std::size_t i = 0; i < n; ++i) {
        const float p = i < 10 ? 0.5f : i < 30 ? 0.55f + 0.001f * float(i) : 0.99f;
        input.probabilities.at(i, 0) = p;
        input.probabilities.at(i, 1) = 1.0f - p;
        input.embeddings.at(i, 0) = i < 10 ? 0.0f : static_cast<float>(i);
        input.embeddings.at(i, 1) = i < 10 ? 0.0f : static_cast<float>(i % 7);
    }
    std::mt19937_64 rng(11);
    const auto margin = makeSampler(Strategy::Margin)->select(input, 5, rng);
    for (const auto &p : margin)
        QVERIFY(p.row < 10); // textbook top-k: five copies of one image
    const auto hybrid = makeSampler(Strategy::Hybrid)->select(input, 5, rng);
    QCOMPARE(hybrid.size(), std::size_t(5));
    QVERIFY(distinct(hybrid));
    int duplicates = 0;
    for (const auto &p : hybrid) {
        duplicates += p.row < 10 ? 1 : 0;
        QVERIFY(p.row < 30); // still only uncertain images
    }
    QCOMPARE(duplicates, 1);
    QCOMPARE(hybrid.front().row, std::size_t(0)); // the most uncertain goes first
}

void TestSampling::badgeStartsFromLargestGradientAndStaysDistinct()
{
    const std::size_t n = 40;
    SamplingInput input;
    input.probabilities = FloatMatrix(n, 3);
    input.embeddings = FloatMatrix(n, 4);
    for (std::size_t i = 0; i < n; ++i) {
        const float top = 0.4f + 0.5f * float(i) / float(n); // row 0 is the least confident
        input.probabilities.at(i, i % 3) = top;
        input.probabilities.at(i, (i + 1) % 3) = (1.0f - top) / 2;
        input.probabilities.at(i, (i + 2) % 3) = (1.0f - top) / 2;
        for (std::size_t d = 0; d < 4; ++d)
            input.embeddings.at(i, d) = 1.0f + float((i * (d + 3)) % 5);
    }
    // Row 7 gets a much longer embedding: the largest gradient norm (|p - e| x |h|).
    for (std::size_t d = 0; d < 4; ++d)
        input.embeddings.at(7, d) = 20.0f;
    const auto sampler = makeSampler(Strategy::Badge);
    const auto scores = sampler->scores(input);
    QCOMPARE(std::size_t(std::max_element(scores.begin(), scores.end()) - scores.begin()),
             std::size_t(7));
    // Hand-computed gradient norm for row 0: |p - onehot| * |h|.
    const float top0 = 0.4f, rest0 = 0.3f;
    const double a0 = std::sqrt(double(1 - top0) * (1 - top0) + 2.0 * rest0 * rest0);
    double h0 = 0;
    for (std::size_t d = 0; d < 4; ++d)
        h0 += double(input.embeddings.at(0, d)) * input.embeddings.at(0, d);
    QVERIFY(std::abs(scores[0] - a0 * std::sqrt(h0)) < 1e-4);

    std::mt19937_64 rng(17);
    const auto picks = sampler->select(input, 10, rng);
    QCOMPARE(picks.size(), std::size_t(10));
    QCOMPARE(picks.front().row, std::size_t(7));
    QVERIFY(distinct(picks));
    // Asking for everything returns everything exactly once.
    QCOMPARE(sampler->select(input, 100, rng).size(), n);
}

void TestSampling::coldStartCoversEveryCluster()
{
    // Six well-separated blobs of very different sizes in 8-D: 600, 250, 80, 40, 15 and 5 images.
    // Plain random sampling of six would almost never touch the two smallest.
    const std::vector<std::size_t> sizes{600, 250, 80, 40, 15, 5};
    std::size_t n = 0;
    for (auto s : sizes)
        n += s;
    SamplingInput input;
    input.embeddings = FloatMatrix(n, 8);
    std::vector<std::size_t> blobOf;
    std::mt19937_64 noise(99);
    std::normal_distribution<float> jitter(0.0f, 1.0f);
    std::size_t row = 0;
    for (std::size_t b = 0; b < sizes.size(); ++b) {
        for (std::size_t i = 0; i < sizes[b]; ++i, ++row) {
            for (std::size_t d = 0; d < 8; ++d)
                input.embeddings.at(row, d) = (d == b ? 100.0f : 0.0f) + jitter(noise);
            blobOf.push_back(b);
        }
    }
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        std::mt19937_64 rng(seed);
        const auto picks = makeColdStartSampler()->select(input, sizes.size(), rng);
        std::set<std::size_t> covered;
        for (const auto &p : picks)
            covered.insert(blobOf[p.row]);
        QCOMPARE(covered.size(), sizes.size());
        QCOMPARE(blobOf[picks.front().row], std::size_t(0)); // biggest cluster first
    }
    // With more picks than blobs it still returns distinct rows.
    std::mt19937_64 rng(4);
    const auto many = makeColdStartSampler()->select(input, 20, rng);
    QCOMPARE(many.size(), std::size_t(20));
    QVERIFY(distinct(many));
    QVERIFY(coldStartNeeded(false, 100, 10));
    QVERIFY(coldStartNeeded(true, 9, 10));
    QVERIFY(!coldStartNeeded(true, 10, 10));
}

void TestSampling::sameSeedSamePicks()
{
    const std::size_t n = 300;
    std::mt19937_64 gen(123);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    SamplingInput input;
    input.probabilities = FloatMatrix(n, 5);
    input.embeddings = FloatMatrix(n, 6);
    input.labelledEmbeddings = FloatMatrix(10, 6);
    for (auto &v : input.embeddings.data)
        v = u(gen);
    for (auto &v : input.labelledEmbeddings.data)
        v = u(gen);
    for (std::size_t i = 0; i < n; ++i) {
        float sum = 0;
        for (std::size_t c = 0; c < 5; ++c)
            sum += (input.probabilities.at(i, c) = u(gen) + 0.01f);
        for (std::size_t c = 0; c < 5; ++c)
            input.probabilities.at(i, c) /= sum;
    }
    for (int t = 0; t < 4; ++t) {
        FloatMatrix pass = input.probabilities;
        for (auto &v : pass.data)
            v *= 0.5f + u(gen);
        input.mcProbabilities.push_back(pass);
    }
    for (Strategy s : allStrategies()) {
        const auto sampler = makeSampler(s);
        std::mt19937_64 a(42), b(42);
        const auto first = sampler->select(input, 25, a);
        const auto second = sampler->select(input, 25, b);
        QCOMPARE(rowsOf(first), rowsOf(second));
        QCOMPARE(first.size(), std::size_t(25));
        QVERIFY2(distinct(first), strategyName(s).c_str());
    }
    std::mt19937_64 a(42), b(43);
    QVERIFY(rowsOf(makeSampler(Strategy::Random)->select(input, 25, a)) !=
            rowsOf(makeSampler(Strategy::Random)->select(input, 25, b)));
    std::mt19937_64 c(7), d(7);
    QCOMPARE(rowsOf(makeColdStartSampler()->select(input, 12, c)),
             rowsOf(makeColdStartSampler()->select(input, 12, d)));
}

void TestSampling::missingInputIsAClearError()
{
    SamplingInput input;
    input.probabilities = disagreeing();
    std::mt19937_64 rng(1);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             makeSampler(Strategy::Bald)->select(input, 1, rng));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             makeSampler(Strategy::Coreset)->select(input, 1, rng));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             makeSampler(Strategy::Badge)->select(input, 1, rng));
    SamplingInput onlyCount;
    onlyCount.candidateCount = 10;
    QCOMPARE(makeSampler(Strategy::Random)->select(onlyCount, 4, rng).size(), std::size_t(4));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             makeSampler(Strategy::Margin)->select(onlyCount, 4, rng));
}

QTEST_GUILESS_MAIN(TestSampling)
#include "test_sampling.moc"
