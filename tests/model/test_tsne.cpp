// The pool map's Barnes-Hut t-SNE against its definition: affinities at the asked perplexity,
// the exact gradient against finite differences of KL(P||Q), the Barnes-Hut gradient against the
// exact one, and a map of separated clusters that keeps them apart (trustworthiness, the measure
// scikit-learn's TSNE tests use).
#include "model/knngraph.h"
#include "model/modelerror.h"
#include "model/tsne.h"

#include <QtTest>

#include <cmath>
#include <random>
#include <set>

using namespace activelabel;

namespace {

// `clusters` Gaussian blobs (std 1) in `dim` dimensions, centres 10 apart on the axes.
FloatMatrix blobs(std::size_t perCluster, int clusters, std::size_t dim,
                  std::vector<int> *labels = nullptr)
{
    std::mt19937 rng(7);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    FloatMatrix x(perCluster * std::size_t(clusters), dim);
    for (std::size_t i = 0; i < x.rows; ++i) {
        const int c = int(i % std::size_t(clusters));
        for (std::size_t d = 0; d < dim; ++d)
            x.at(i, d) = normal(rng) + (d == std::size_t(c) % dim ? 10.0f : 0.0f);
        if (labels)
            labels->push_back(c);
    }
    return x;
}

FloatMatrix randomLayout(std::size_t n, float spread, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, spread);
    FloatMatrix y(n, 2);
    for (float &v : y.data)
        v = normal(rng);
    return y;
}

double relativeError(const FloatMatrix &a, const FloatMatrix &b)
{
    double diff = 0, norm = 0;
    for (std::size_t c = 0; c < a.data.size(); ++c) {
        diff += double(a.data[c] - b.data[c]) * (a.data[c] - b.data[c]);
        norm += double(b.data[c]) * b.data[c];
    }
    return std::sqrt(diff / norm);
}

} // namespace

class TestTsne : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bruteForceKnnIsExact()
    {
        FloatMatrix x(5, 1);
        for (int i = 0; i < 5; ++i)
            x.at(std::size_t(i), 0) = float(i * i); // 0 1 4 9 16
        const KnnGraph g = bruteForceKnn(x, 2, 2);
        QCOMPARE(g.k, std::size_t(2));
        QCOMPARE(g.neighboursOf(2)[0], 1); // 4: 1 (d 3), 0 (d 4)
        QCOMPARE(g.neighboursOf(2)[1], 0);
        QCOMPARE(g.distancesOf(2)[0], 9.0f);
        QCOMPARE(g.neighboursOf(4)[0], 3);
        QCOMPARE(g.distancesOf(4)[1], 144.0f);
    }

    void affinitiesReachThePerplexityAndAreSymmetric()
    {
        const FloatMatrix x = blobs(40, 3, 5);
        const KnnGraph g = bruteForceKnn(x, 30, 2);
        const double perplexity = 10;
        const SparseAffinities p = tsne::affinities(g, perplexity, 2);
        double total = 0;
        for (double v : p.values)
            total += v;
        QVERIFY(std::abs(total - 1) < 1e-9);
        auto at = [&](std::size_t i, std::int32_t j) {
            for (std::size_t e = p.rowStart[i]; e < p.rowStart[i + 1]; ++e)
                if (p.columns[e] == j)
                    return p.values[e];
            return 0.0;
        };
        for (std::size_t i = 0; i < p.rows; ++i)
            for (std::size_t e = p.rowStart[i]; e < p.rowStart[i + 1]; ++e) {
                QVERIFY(p.columns[e] != std::int32_t(i));
                QCOMPARE(p.values[e], at(std::size_t(p.columns[e]), std::int32_t(i)));
            }
        // Each row's conditional distribution sums to 1, falls with distance and has entropy
        // log(perplexity); P is their symmetrised mean.
        const std::vector<double> cond = tsne::conditionalAffinities(g, perplexity, 2);
        const std::size_t k = g.k;
        for (std::size_t i = 0; i < g.rows; ++i) {
            double sum = 0, entropy = 0;
            for (std::size_t m = 0; m < k; ++m) {
                const double c = cond[i * k + m];
                sum += c;
                entropy -= c > 0 ? c * std::log(c) : 0;
                if (m > 0)
                    QVERIFY(c <= cond[i * k + m - 1]);
            }
            QVERIFY(std::abs(sum - 1) < 1e-9);
            QVERIFY2(std::abs(entropy - std::log(perplexity)) < 1e-4,
                     qPrintable(QString::number(entropy)));
        }
        for (std::size_t i = 0; i < g.rows; i += 7) {
            const std::int64_t j = g.neighboursOf(i)[3];
            double back = 0;
            for (std::size_t m = 0; m < k; ++m)
                if (g.neighboursOf(std::size_t(j))[m] == std::int64_t(i))
                    back = cond[std::size_t(j) * k + m];
            const double expected = (cond[i * k + 3] + back) / (2.0 * double(g.rows));
            QVERIFY(std::abs(at(i, std::int32_t(j)) - expected) < 1e-12);
        }
    }

    void exactGradientIsTheDerivativeOfKl()
    {
        const FloatMatrix x = blobs(15, 3, 4);
        const SparseAffinities p = tsne::affinities(bruteForceKnn(x, 20), 5);
        FloatMatrix y = randomLayout(x.rows, 3.0f, 1);
        const FloatMatrix grad = tsne::exactGradient(p, y);
        const float h = 1e-3f;
        for (std::size_t c : {0u, 7u, 33u, 60u, 89u}) {
            const float keep = y.data[c];
            y.data[c] = keep + h;
            const double up = tsne::klDivergence(p, y);
            y.data[c] = keep - h;
            const double down = tsne::klDivergence(p, y);
            y.data[c] = keep;
            const double numeric = (up - down) / (2 * double(h));
            QVERIFY2(std::abs(numeric - grad.data[c]) <
                         1e-3 * std::max(1.0, std::abs(numeric)) + 1e-5,
                     qPrintable(QStringLiteral("coordinate %1: finite difference %2, gradient %3")
                                    .arg(c)
                                    .arg(numeric)
                                    .arg(grad.data[c])));
        }
    }

    void barnesHutGradientMatchesTheExactOne()
    {
        const FloatMatrix x = blobs(100, 4, 8);
        const SparseAffinities p = tsne::affinities(bruteForceKnn(x, 60, 2), 20, 2);
        for (float spread : {0.01f, 5.0f, 40.0f}) {
            const FloatMatrix y = randomLayout(x.rows, spread, 3);
            const FloatMatrix exact = tsne::exactGradient(p, y, 12);
            // theta = 0 opens every cell: the same sums in another order.
            QVERIFY(relativeError(tsne::barnesHutGradient(p, y, 0.0, 12, 2), exact) < 1e-5);
            const double approx = relativeError(tsne::barnesHutGradient(p, y, 0.5, 12, 2), exact);
            QVERIFY2(
                approx < 0.03,
                qPrintable(QStringLiteral("spread %1: relative error %2").arg(spread).arg(approx)));
        }
    }

    void mapKeepsSeparatedClustersApart()
    {
        std::vector<int> labels;
        const FloatMatrix x = blobs(120, 5, 20, &labels);
        TsneOptions options;
        options.iterations = 500;
        options.threads = 2;
        int lastProgress = 0;
        const FloatMatrix y = tsneEmbed(bruteForceKnn(x, 90, 2), options, [&](int done, int total) {
            QCOMPARE(total, 500);
            QVERIFY(done > lastProgress);
            lastProgress = done;
        });
        QCOMPARE(lastProgress, 500);
        QCOMPARE(y.rows, x.rows);
        const double t = trustworthiness(x, y, 5);
        QVERIFY2(t > 0.95, qPrintable(QString::number(t)));
        // Every point's nearest map neighbour is of its own cluster.
        const KnnGraph mapNeighbours = bruteForceKnn(y, 1);
        int same = 0;
        for (std::size_t i = 0; i < y.rows; ++i)
            same += labels[i] == labels[std::size_t(mapNeighbours.neighboursOf(i)[0])];
        QCOMPARE(same, int(y.rows));
        // A random layout is far less trustworthy: the measure can fail.
        QVERIFY(trustworthiness(x, randomLayout(x.rows, 1, 9), 5) < 0.7);
    }

    void trustworthinessOverASampleEstimatesTheWhole()
    {
        const FloatMatrix x = blobs(60, 3, 6);
        const FloatMatrix y = randomLayout(x.rows, 1, 4);
        std::vector<std::size_t> all(x.rows);
        for (std::size_t i = 0; i < x.rows; ++i)
            all[i] = i;
        QCOMPARE(trustworthiness(x, y, 5, all), trustworthiness(x, y, 5));
        QCOMPARE(trustworthiness(x, x, 5), 1.0); // a perfect map
    }

    void cancelStopsBetweenIterations()
    {
        const FloatMatrix x = blobs(50, 2, 3);
        std::atomic<bool> cancel{false};
        TsneOptions options;
        int calls = 0;
        QVERIFY_THROWS_EXCEPTION(Cancelled, tsneEmbed(
                                                bruteForceKnn(x, 30), options,
                                                [&](int, int) {
                                                    if (++calls == 2)
                                                        cancel = true;
                                                },
                                                &cancel));
        QCOMPARE(calls, 2);
    }

    void initialLayoutIsKeptWhereItFits()
    {
        const FloatMatrix x = blobs(30, 2, 3);
        TsneOptions options;
        options.iterations = 0;
        const FloatMatrix start = randomLayout(x.rows, 2, 5);
        const FloatMatrix y = tsneEmbed(bruteForceKnn(x, 20), options, {}, nullptr, &start);
        QCOMPARE(y.data, start.data);
    }
};

QTEST_APPLESS_MAIN(TestTsne)
#include "test_tsne.moc"
