// The nearest-neighbour index (hnswlib) against brute force: exact on a small case, recall@10 on a
// few thousand random vectors, the kNN graph, cancel and progress, and the edge cases.
#include "model/modelerror.h"
#include "model/neighbourindex.h"

#include <QtTest>

#include <algorithm>
#include <random>
#include <set>

using namespace activelabel;

namespace {

// Gaussian clusters, as penultimate features of a classifier look (plus a noise floor).
FloatMatrix clusteredVectors(std::size_t n, std::size_t d, std::size_t clusters, std::uint64_t seed)
{
    std::mt19937_64 gen(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    FloatMatrix centres(clusters, d);
    for (float &v : centres.data)
        v = 3.0f * normal(gen);
    FloatMatrix points(n, d);
    for (std::size_t r = 0; r < n; ++r)
        for (std::size_t c = 0; c < d; ++c)
            points.at(r, c) = centres.at(r % clusters, c) + normal(gen);
    return points;
}

std::set<std::size_t> rowsOf(const std::vector<Neighbour> &found)
{
    std::set<std::size_t> rows;
    for (const Neighbour &n : found)
        rows.insert(n.row);
    return rows;
}

} // namespace

class TestNeighbourIndex : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exactOnASmallCase_data();
    void exactOnASmallCase();
    void recallAtTenOnThousandsOfVectors();
    void knnGraphIsEveryRowsNeighbours();
    void progressAndCancel();
    void edgeCases();
};

void TestNeighbourIndex::exactOnASmallCase_data()
{
    QTest::addColumn<NeighbourMetric>("metric");
    QTest::newRow("cosine") << NeighbourMetric::Cosine;
    QTest::newRow("squared-l2") << NeighbourMetric::SquaredL2;
}

void TestNeighbourIndex::exactOnASmallCase()
{
    QFETCH(NeighbourMetric, metric);
    const FloatMatrix points = clusteredVectors(300, 16, 6, 1);
    NeighbourIndexOptions options;
    options.metric = metric;
    options.threads = 2;
    const auto index = NeighbourIndex::build(points, options);
    QCOMPARE(index->size(), std::size_t(300));
    QCOMPARE(index->dimension(), std::size_t(16));
    QCOMPARE(index->metric(), metric);

    // Queries that are not rows of the index, and rows themselves (which they must not return).
    const FloatMatrix queries = clusteredVectors(20, 16, 6, 2);
    for (std::size_t q = 0; q < queries.rows; ++q) {
        const auto found = index->query(queries.row(q), 5);
        const auto exact = bruteForceNeighbours(points, queries.row(q), 5, metric);
        QCOMPARE(found.size(), std::size_t(5));
        QCOMPARE(rowsOf(found), rowsOf(exact));
        for (std::size_t j = 0; j < found.size(); ++j)
            QVERIFY(std::abs(found[j].distance - exact[j].distance) <
                    1e-3f * (1.0f + exact[j].distance));
        for (std::size_t j = 1; j < found.size(); ++j)
            QVERIFY(found[j - 1].distance <= found[j].distance);
    }
    for (std::size_t row = 0; row < points.rows; row += 7) {
        const auto found = index->queryRow(row, 5);
        const auto exact = bruteForceNeighbours(points, points.row(row), 5, metric, row);
        QCOMPARE(rowsOf(found), rowsOf(exact));
        QVERIFY(!rowsOf(found).count(row));
    }
    if (metric == NeighbourMetric::Cosine) {
        // Cosine ignores length: a row scaled by 10 has the row itself at distance ~0.
        std::vector<float> scaled(points.row(42), points.row(42) + 16);
        for (float &v : scaled)
            v *= 10.0f;
        const auto found = index->query(scaled.data(), 1);
        QCOMPARE(found.front().row, std::size_t(42));
        QVERIFY(found.front().distance < 1e-5f);
    } else {
        // Squared Euclidean, not Euclidean.
        const auto found = index->queryRow(0, 1);
        float expected = 0.0f;
        for (std::size_t c = 0; c < 16; ++c) {
            const float diff = points.at(0, c) - points.at(found.front().row, c);
            expected += diff * diff;
        }
        QVERIFY(std::abs(found.front().distance - expected) < 1e-3f * expected);
    }
}

void TestNeighbourIndex::recallAtTenOnThousandsOfVectors()
{
    // Uniform random vectors in 128 dimensions: no clusters to help, the hard case for a graph
    // index. The built-in smallcnn's embedding is 128 wide.
    const std::size_t n = 3000, d = 128, k = 10;
    std::mt19937_64 gen(3);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    FloatMatrix points(n, d);
    for (float &v : points.data)
        v = uniform(gen);
    NeighbourIndexOptions options;
    options.threads = 2;
    for (NeighbourMetric metric : {NeighbourMetric::Cosine, NeighbourMetric::SquaredL2}) {
        options.metric = metric;
        const auto index = NeighbourIndex::build(points, options);
        std::size_t hits = 0, total = 0;
        for (std::size_t row = 0; row < n; row += 30) {
            const auto found = rowsOf(index->queryRow(row, k));
            for (const Neighbour &e : bruteForceNeighbours(points, points.row(row), k, metric, row))
                hits += found.count(e.row);
            total += k;
        }
        const double recall = double(hits) / double(total);
        qInfo("recall@10 (%s) = %.3f", metric == NeighbourMetric::Cosine ? "cosine" : "squared L2",
              recall);
        QVERIFY2(recall >= 0.95, qPrintable(QString::number(recall)));
    }
}

void TestNeighbourIndex::knnGraphIsEveryRowsNeighbours()
{
    const FloatMatrix points = clusteredVectors(500, 24, 5, 4);
    NeighbourIndexOptions options;
    options.metric = NeighbourMetric::SquaredL2;
    options.threads = 2;
    const auto index = NeighbourIndex::build(points, options);
    const KnnGraph graph = index->knnGraph(8, options);
    QCOMPARE(graph.rows, std::size_t(500));
    QCOMPARE(graph.k, std::size_t(8));
    QCOMPARE(graph.indices.size(), std::size_t(500 * 8));
    std::size_t agree = 0;
    for (std::size_t row = 0; row < graph.rows; ++row) {
        const auto single = index->queryRow(row, 8);
        QCOMPARE(single.size(), std::size_t(8));
        for (std::size_t j = 0; j < 8; ++j) {
            QVERIFY(graph.neighboursOf(row)[j] != std::int64_t(row));
            QVERIFY(graph.neighboursOf(row)[j] >= 0);
            if (j > 0)
                QVERIFY(graph.distancesOf(row)[j - 1] <= graph.distancesOf(row)[j]);
            agree += graph.neighboursOf(row)[j] == std::int64_t(single[j].row);
        }
    }
    // Searches from different threads walk the same immutable graph: the same answers.
    QCOMPARE(agree, std::size_t(500 * 8));

    // k beyond the other rows: padded with -1 / +inf.
    FloatMatrix three(3, 2);
    three.data = {0, 0, 1, 0, 0, 2};
    const auto small = NeighbourIndex::build(three, options);
    const KnnGraph padded = small->knnGraph(4, options);
    QCOMPARE(padded.neighboursOf(0)[0], std::int64_t(1));
    QCOMPARE(padded.neighboursOf(0)[1], std::int64_t(2));
    QCOMPARE(padded.neighboursOf(0)[2], std::int64_t(-1));
    QVERIFY(std::isinf(padded.distancesOf(0)[3]));
    QCOMPARE(padded.distancesOf(0)[0], 1.0f);
    QCOMPARE(padded.distancesOf(0)[1], 4.0f);
}

void TestNeighbourIndex::progressAndCancel()
{
    const FloatMatrix points = clusteredVectors(3000, 8, 4, 5);
    std::vector<std::size_t> reports;
    NeighbourIndexOptions options;
    options.threads = 2;
    options.efConstruction = 40;
    options.progress = [&](std::size_t done, std::size_t total) {
        QCOMPARE(total, std::size_t(3000)); // every row
        reports.push_back(done);
    };
    const auto index = NeighbourIndex::build(points, options);
    QVERIFY(reports.size() >= 2);
    QVERIFY(std::is_sorted(reports.begin(), reports.end()));
    QCOMPARE(reports.back(), std::size_t(3000));

    std::atomic<bool> cancel{false};
    std::size_t calls = 0;
    options.cancel = &cancel;
    options.progress = [&](std::size_t, std::size_t) {
        ++calls;
        cancel = true; // cancelled after the first block
    };
    QVERIFY_THROWS_EXCEPTION(Cancelled, NeighbourIndex::build(points, options));
    QCOMPARE(calls, std::size_t(1));
    calls = 0;
    cancel = false;
    QVERIFY_THROWS_EXCEPTION(Cancelled, index->knnGraph(5, options));
    QCOMPARE(calls, std::size_t(1));
}

void TestNeighbourIndex::edgeCases()
{
    // Empty: builds, answers nothing.
    const auto empty = NeighbourIndex::build(FloatMatrix(0, 16));
    QCOMPARE(empty->size(), std::size_t(0));
    const std::vector<float> q(16, 1.0f);
    QVERIFY(empty->query(q.data(), 5).empty());
    QCOMPARE(empty->knnGraph(3).rows, std::size_t(0));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, empty->queryRow(0, 3));

    // One row: its own neighbours are none; a query finds it.
    FloatMatrix one(1, 3);
    one.data = {1, 2, 3};
    const auto single = NeighbourIndex::build(one);
    QVERIFY(single->queryRow(0, 5).empty());
    QCOMPARE(single->query(one.row(0), 5).size(), std::size_t(1));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, single->queryRow(1, 3));

    // Exact duplicates (and zero rows, which images that failed to load get): a row's neighbours
    // never include itself, and there are still k of them.
    FloatMatrix dup(20, 4, 0.0f);
    for (std::size_t r = 0; r < 10; ++r)
        std::fill(dup.row(r), dup.row(r) + 4, 1.0f);
    for (NeighbourMetric metric : {NeighbourMetric::Cosine, NeighbourMetric::SquaredL2}) {
        NeighbourIndexOptions options;
        options.metric = metric;
        const auto index = NeighbourIndex::build(dup, options);
        for (std::size_t row : {std::size_t(0), std::size_t(5), std::size_t(15)}) {
            const auto found = index->queryRow(row, 5);
            QCOMPARE(found.size(), std::size_t(5));
            QVERIFY(!rowsOf(found).count(row));
            if (row < 10)
                for (const Neighbour &n : found)
                    QVERIFY2(n.row < 10, "a duplicate's neighbours are its duplicates");
        }
    }
}

QTEST_GUILESS_MAIN(TestNeighbourIndex)
#include "test_neighbourindex.moc"
