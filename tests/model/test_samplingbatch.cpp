// Batches (audit draws + strategy picks), candidate subsets and the audit statistics.
#include "model/sampling/auditstats.h"
#include "model/sampling/batchcomposer.h"
#include "model/sampling/sampler.h"

#include <QtTest>

#include <cmath>
#include <set>

using namespace activelabel;

namespace {

SamplingInput randomInput(std::size_t n, std::uint64_t seed)
{
    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<float> u(0.05f, 1.0f);
    SamplingInput input;
    input.probabilities = FloatMatrix(n, 4);
    input.embeddings = FloatMatrix(n, 8);
    for (auto &v : input.embeddings.data)
        v = u(gen);
    for (std::size_t i = 0; i < n; ++i) {
        float sum = 0;
        for (std::size_t c = 0; c < 4; ++c)
            sum += (input.probabilities.at(i, c) = u(gen));
        for (std::size_t c = 0; c < 4; ++c)
            input.probabilities.at(i, c) /= sum;
    }
    input.mcProbabilities = {input.probabilities, input.probabilities};
    for (auto &v : input.mcProbabilities[1].data)
        v = std::sqrt(v);
    return input;
}

} // namespace

class TestSamplingBatch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void batchHasNoDuplicatesAndExactAuditFraction();
    void auditDrawsAreNotChosenByScore();
    void auditCountRoundsStochastically();
    void batchFromSmallPoolTakesEverything();
    void composeIsReproducible();
    void candidateSubsetIsUniformSortedAndCapped();
    void wilsonMatchesHandComputedValues();
    void auditWindowKeepsTheLastDraws();
    void aubcMatchesDeepALPlus();
};

void TestSamplingBatch::batchHasNoDuplicatesAndExactAuditFraction()
{
    const auto input = randomInput(1000, 1);
    for (Strategy s : allStrategies()) {
        const auto sampler = makeSampler(s);
        std::mt19937_64 rng(5);
        const auto batch = composeBatch(*sampler, input, {100, 0.1}, rng);
        QCOMPARE(batch.size(), std::size_t(100));
        std::set<std::size_t> rows;
        std::size_t audits = 0;
        for (const auto &q : batch) {
            rows.insert(q.row);
            audits += q.audit ? 1 : 0;
            QVERIFY(q.row < 1000);
        }
        QCOMPARE(rows.size(), std::size_t(100));
        QVERIFY2(audits == 10, strategyName(s).c_str());
        // Spread through the batch: every block of 10 holds exactly one audit draw.
        for (std::size_t block = 0; block < 10; ++block) {
            std::size_t inBlock = 0;
            for (std::size_t i = block * 10; i < block * 10 + 10; ++i)
                inBlock += batch[i].audit ? 1 : 0;
            QCOMPARE(inBlock, std::size_t(1));
        }
    }
    std::mt19937_64 rng(6);
    const auto margin = makeSampler(Strategy::Margin);
    std::size_t audits = 0;
    for (const auto &q : composeBatch(*margin, input, {50, 0.0}, rng))
        audits += q.audit ? 1 : 0;
    QCOMPARE(audits, std::size_t(0));
    audits = 0;
    for (const auto &q : composeBatch(*margin, input, {50, 1.0}, rng))
        audits += q.audit ? 1 : 0;
    QCOMPARE(audits, std::size_t(50));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, composeBatch(*margin, input, {50, 1.5}, rng));
}

void TestSamplingBatch::auditDrawsAreNotChosenByScore()
{
    // Margin alone would take the 90 most uncertain rows; the audit draws must come from the
    // whole candidate set, so across many batches most of them land outside those 90.
    const auto input = randomInput(1000, 2);
    const auto margin = makeSampler(Strategy::Margin);
    const auto top = topK(margin->scores(input), 90);
    std::set<std::size_t> topRows;
    for (const auto &p : top)
        topRows.insert(p.row);
    std::size_t outside = 0, total = 0;
    for (std::uint64_t seed = 0; seed < 30; ++seed) {
        std::mt19937_64 rng(seed);
        for (const auto &q : composeBatch(*margin, input, {100, 0.1}, rng)) {
            if (!q.audit)
                continue;
            ++total;
            outside += topRows.count(q.row) ? 0 : 1;
        }
    }
    QCOMPARE(total, std::size_t(300));
    QVERIFY(outside > 250); // uniform: ~91% expected outside the top 9%
}

void TestSamplingBatch::auditCountRoundsStochastically()
{
    std::mt19937_64 rng(8);
    QCOMPARE(auditDrawCount(100, 0.1, rng), std::size_t(10));
    QCOMPARE(auditDrawCount(0, 0.1, rng), std::size_t(0));
    std::size_t sum = 0;
    for (int i = 0; i < 4000; ++i) {
        const auto c = auditDrawCount(5, 0.1, rng);
        QVERIFY(c <= 1);
        sum += c;
    }
    // 5 x 10% = 0.5 per batch on average.
    QVERIFY(sum > 1800 && sum < 2200);
}

void TestSamplingBatch::batchFromSmallPoolTakesEverything()
{
    const auto input = randomInput(7, 3);
    for (Strategy s : allStrategies()) {
        std::mt19937_64 rng(1);
        const auto batch = composeBatch(*makeSampler(s), input, {100, 0.1}, rng);
        std::set<std::size_t> rows;
        for (const auto &q : batch)
            rows.insert(q.row);
        QCOMPARE(rows.size(), std::size_t(7));
        QCOMPARE(batch.size(), std::size_t(7));
    }
}

void TestSamplingBatch::composeIsReproducible()
{
    const auto input = randomInput(500, 4);
    for (Strategy s : allStrategies()) {
        const auto sampler = makeSampler(s);
        std::mt19937_64 a(77), b(77);
        const auto x = composeBatch(*sampler, input, {40, 0.1}, a);
        const auto y = composeBatch(*sampler, input, {40, 0.1}, b);
        QCOMPARE(x.size(), y.size());
        for (std::size_t i = 0; i < x.size(); ++i) {
            QCOMPARE(x[i].row, y[i].row);
            QCOMPARE(x[i].audit, y[i].audit);
        }
    }
}

void TestSamplingBatch::candidateSubsetIsUniformSortedAndCapped()
{
    std::mt19937_64 rng(9);
    const auto all = candidateSubset(100, kDefaultCandidateLimit, rng);
    QCOMPARE(all.size(), std::size_t(100));
    QCOMPARE(all.front(), std::size_t(0));
    QCOMPARE(all.back(), std::size_t(99));
    const auto some = candidateSubset(50000, 20000, rng);
    QCOMPARE(some.size(), std::size_t(20000));
    QVERIFY(std::is_sorted(some.begin(), some.end()));
    QCOMPARE(std::set<std::size_t>(some.begin(), some.end()).size(), std::size_t(20000));
    QVERIFY(some.back() < 50000);
    // Uniform: each half of the pool gets about half of the subset.
    const auto firstHalf =
        std::count_if(some.begin(), some.end(), [](auto i) { return i < 25000; });
    QVERIFY(firstHalf > 9600 && firstHalf < 10400);
    std::mt19937_64 a(1), b(1);
    QCOMPARE(candidateSubset(50000, 300, a), candidateSubset(50000, 300, b));
}

void TestSamplingBatch::wilsonMatchesHandComputedValues()
{
    // 8 of 10, z = 1.96: centre (0.8 + 0.19207) / 1.38415 = 0.71674,
    // half-width 1.96 / 1.38415 * sqrt(0.016 + 0.0096037) = 0.22658.
    const auto i = wilsonInterval(8, 10);
    QVERIFY(std::abs(i.low - 0.4902) < 1e-3);
    QVERIFY(std::abs(i.high - 0.9433) < 1e-3);
    const auto zero = wilsonInterval(0, 10);
    QCOMPARE(zero.low, 0.0);
    QVERIFY(std::abs(zero.high - 0.2775) < 1e-3);
    const auto all = wilsonInterval(10, 10);
    QVERIFY(std::abs(all.low - 0.7225) < 1e-3);
    QVERIFY(std::abs(all.high - 1.0) < 1e-12);
    const auto none = wilsonInterval(0, 0);
    QCOMPARE(none.low, 0.0);
    QCOMPARE(none.high, 1.0);
    // More trials, narrower interval.
    const auto big = wilsonInterval(800, 1000);
    QVERIFY(big.high - big.low < i.high - i.low);
    QVERIFY(big.low < 0.8 && big.high > 0.8);
}

void TestSamplingBatch::auditWindowKeepsTheLastDraws()
{
    AuditWindow window(3);
    QVERIFY(std::isnan(window.accuracy()));
    QCOMPARE(window.interval().low, 0.0);
    for (bool c : {true, true, false, false})
        window.add(c);
    QCOMPARE(window.size(), std::size_t(3));
    QCOMPARE(window.correct(), std::size_t(1));
    QCOMPARE(window.totalDraws(), std::size_t(4));
    QVERIFY(std::abs(window.accuracy() - 1.0 / 3.0) < 1e-12);
    const auto w = window.interval();
    const auto expected = wilsonInterval(1, 3);
    QCOMPARE(w.low, expected.low);
    QCOMPARE(w.high, expected.high);
    AuditWindow everything(0);
    for (int i = 0; i < 500; ++i)
        everything.add(i % 4 != 0);
    QCOMPARE(everything.size(), std::size_t(500));
    QVERIFY(std::abs(everything.accuracy() - 0.75) < 1e-12);
}

void TestSamplingBatch::aubcMatchesDeepALPlus()
{
    // DeepAL+ get_aubc(quota=200, bsize=100, [0.5, 0.7, 0.8]):
    // ((0.7 + 0.5) * 100 / 2 + (0.8 + 0.7) * 100 / 2) / 200 = 0.675.
    QVERIFY(std::abs(areaUnderBudgetCurve({100, 200, 300}, {0.5, 0.7, 0.8}) - 0.675) < 1e-12);
    // A last step shorter than the batch (quota 150, k = 50): (60 + 1.5 * 50 / 2) / 150 = 0.65.
    QVERIFY(std::abs(areaUnderBudgetCurve({100, 200, 250}, {0.5, 0.7, 0.8}) - 0.65) < 1e-12);
    QCOMPARE(areaUnderBudgetCurve({100}, {0.42}), 0.42);
    QVERIFY(std::isnan(areaUnderBudgetCurve({}, {})));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, areaUnderBudgetCurve({1, 2}, {0.5}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             areaUnderBudgetCurve({200, 100, 300}, {0.5, 0.6, 0.7}));
}

QTEST_GUILESS_MAIN(TestSamplingBatch)
#include "test_samplingbatch.moc"
