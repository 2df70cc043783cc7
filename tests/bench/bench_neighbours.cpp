// Look-alike search ("find similar") on a large pool: the neighbours of one image among N
// synthetic embeddings of the built-in models' width (smallcnn 128, resnet18 512), with
// model/neighbourindex (Debian's hnswlib, cosine), against in the same run:
//   - exact search by brute force (one matrix-vector product with OpenCV, then a partial sort),
//   which is
//     also what recall@10 is measured against;
//   - Debian's python3-hnswlib on the same vectors with the same parameters
//   (reference_neighbours.py).
// Also: the index's build time, and what keeping the pool's embeddings costs a round (writing and
// reading back cache/embeddings/pool-v<version>.emb at that size).
//
// Usage: bench_neighbours [--rows 20000,500000] [--dim 128] [--threads 2] [--queries 1000]
// [--no-python] Prints medians; asserts nothing about time.
#include "app/poolembeddings.h"
#include "app/runtimeenvironment.h"
#include "bench/benchstats.h"
#include "bench/pythonreference.h"
#include "model/neighbourindex.h"
#include "model/torchthreads.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <opencv2/core.hpp>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <random>
#include <set>

using namespace activelabel;

namespace {

// Penultimate features look like this: non-negative (after ReLU), in clusters (one per class and
// style) of different spreads, with a few dimensions that matter per cluster.
FloatMatrix syntheticEmbeddings(std::size_t rows, std::size_t dim, std::uint64_t seed)
{
    std::mt19937_64 gen(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_real_distribution<float> uniform(0.3f, 1.5f);
    const std::size_t clusters = 200;
    FloatMatrix centres(clusters, dim);
    std::vector<float> spread(clusters);
    for (std::size_t c = 0; c < clusters; ++c) {
        spread[c] = uniform(gen);
        for (std::size_t j = 0; j < dim; ++j)
            centres.at(c, j) = std::max(0.0f, 1.5f * normal(gen));
    }
    FloatMatrix x(rows, dim);
    std::uniform_int_distribution<std::size_t> pick(0, clusters - 1);
    for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t c = pick(gen);
        for (std::size_t j = 0; j < dim; ++j)
            x.at(r, j) = std::max(0.0f, centres.at(c, j) + spread[c] * normal(gen));
    }
    return x;
}

FloatMatrix normalisedRows(const FloatMatrix &x)
{
    FloatMatrix out = x;
    for (std::size_t r = 0; r < out.rows; ++r) {
        double norm = 0;
        for (std::size_t j = 0; j < out.cols; ++j)
            norm += double(out.at(r, j)) * out.at(r, j);
        if (norm > 0)
            for (std::size_t j = 0; j < out.cols; ++j)
                out.at(r, j) = float(out.at(r, j) / std::sqrt(norm));
    }
    return out;
}

// Exact k nearest rows of row `row` by brute force over unit rows: one N x D by D x 1 product
// (OpenCV's gemm), then a partial sort by cosine distance.
std::vector<std::size_t> exactNeighbours(const FloatMatrix &unit, std::size_t row, std::size_t k)
{
    const cv::Mat all(int(unit.rows), int(unit.cols), CV_32F,
                      const_cast<float *>(unit.data.data()));
    const cv::Mat scores = all * all.row(int(row)).t();
    std::vector<float> d(unit.rows);
    for (std::size_t r = 0; r < unit.rows; ++r)
        d[r] = 1.0f - scores.at<float>(int(r), 0);
    d[row] = std::numeric_limits<float>::infinity();
    std::vector<std::size_t> order(d.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::partial_sort(order.begin(), order.begin() + long(k), order.end(),
                      [&](std::size_t a, std::size_t b) { return d[a] < d[b]; });
    order.resize(k);
    return order;
}

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v[std::size_t(p * double(v.size() - 1))];
}

void runSize(std::size_t rows, std::size_t dim, int threads, std::size_t queries, bool python)
{
    std::printf("\n== %zu embeddings x %zu, %d build threads ==\n", rows, dim, threads);
    const FloatMatrix x = syntheticEmbeddings(rows, dim, 11);
    std::mt19937_64 gen(7);
    std::uniform_int_distribution<std::size_t> pickRow(0, rows - 1);
    const std::size_t k = 30; // one page of look-alikes (6 x 5)

    NeighbourIndexOptions options;
    options.threads = threads;
    QElapsedTimer clock;
    clock.start();
    const auto index = NeighbourIndex::build(x, options);
    const double buildSeconds = clock.nsecsElapsed() / 1e9;
    std::printf("build: %.2f s (%.0f rows/s), M %d, ef_construction %d\n", buildSeconds,
                double(rows) / buildSeconds, options.m, options.efConstruction);

    std::vector<double> times;
    for (std::size_t q = 0; q < queries; ++q) {
        const std::size_t row = pickRow(gen);
        clock.restart();
        const auto found = index->queryRow(row, k);
        times.push_back(clock.nsecsElapsed() / 1e6);
        if (found.size() != k)
            std::printf("warning: %zu neighbours for row %zu\n", found.size(), row);
    }
    std::printf("query (k=%zu, ef %d): median %.3f ms, p99 %.3f ms over %zu queries\n", k,
                options.efSearch, bench::median(times), percentile(times, 0.99), queries);

    const FloatMatrix unit = normalisedRows(x);
    std::vector<double> exactTimes;
    std::size_t hits = 0;
    const std::size_t recallQueries = 200;
    for (std::size_t q = 0; q < recallQueries; ++q) {
        const std::size_t row = pickRow(gen);
        clock.restart();
        const auto exact = exactNeighbours(unit, row, 10);
        exactTimes.push_back(clock.nsecsElapsed() / 1e6);
        std::set<std::size_t> found;
        for (const Neighbour &n : index->queryRow(row, 10))
            found.insert(n.row);
        for (std::size_t e : exact)
            hits += found.count(e);
    }
    std::printf("recall@10: %.4f over %zu queries\n", double(hits) / double(10 * recallQueries),
                recallQueries);
    std::printf("brute force (exact, OpenCV gemm): median %.2f ms, p99 %.2f ms per query\n",
                bench::median(exactTimes), percentile(exactTimes, 0.99));

    // What a round pays to keep these embeddings, and a session to read them back.
    QTemporaryDir dir;
    std::vector<std::int64_t> ids(rows);
    std::iota(ids.begin(), ids.end(), std::int64_t(1));
    clock.restart();
    const PoolEmbeddings kept(1, ids, x);
    const double makeSeconds = clock.nsecsElapsed() / 1e9;
    clock.restart();
    kept.save(dir.path().toStdString());
    const double saveSeconds = clock.nsecsElapsed() / 1e9;
    clock.restart();
    const auto loaded = PoolEmbeddings::load(dir.path().toStdString(), 1);
    const double loadSeconds = clock.nsecsElapsed() / 1e9;
    const auto bytes =
        std::filesystem::file_size(PoolEmbeddings::fileFor(dir.path().toStdString(), 1));
    std::printf(
        "pool embeddings file: %.1f MiB; copy %.3f s, write (fp16, rename) %.3f s, read %.3f s%s\n",
        double(bytes) / (1 << 20), makeSeconds, saveSeconds, loadSeconds,
        loaded ? "" : " (READ FAILED)");

    if (python) {
        const QString raw = dir.filePath(QStringLiteral("vectors.f32"));
        QFile f(raw);
        if (f.open(QIODevice::WriteOnly)) {
            f.write(reinterpret_cast<const char *>(x.data.data()),
                    qint64(x.data.size() * sizeof(float)));
            f.close();
        }
        const QJsonObject ref = bench::runPythonReference(
            QStringLiteral("reference_neighbours.py"),
            {raw, QStringLiteral("--rows"), QString::number(rows), QStringLiteral("--dim"),
             QString::number(dim), QStringLiteral("--k"), QString::number(k), QStringLiteral("--m"),
             QString::number(options.m), QStringLiteral("--ef-construction"),
             QString::number(options.efConstruction), QStringLiteral("--ef"),
             QString::number(options.efSearch), QStringLiteral("--queries"),
             QString::number(queries)},
            threads);
        if (!ref.isEmpty())
            std::printf(
                "python hnswlib: build %.2f s, query median %.3f ms, p99 %.3f ms, recall@10 %.4f; "
                "numpy exact median %.2f ms\n",
                ref.value(QStringLiteral("build_s")).toDouble(),
                ref.value(QStringLiteral("query_median_ms")).toDouble(),
                ref.value(QStringLiteral("query_p99_ms")).toDouble(),
                ref.value(QStringLiteral("recall_at_10")).toDouble(),
                ref.value(QStringLiteral("numpy_exact_median_ms")).toDouble());
    }
}

} // namespace

int main(int argc, char **argv)
{
    ensureRuntimeEnvironment(argv); // measure what the application runs with
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("rows"), QStringLiteral("Pool sizes, comma-separated."),
                      QStringLiteral("N,..."), QStringLiteral("20000,500000")});
    parser.addOption({QStringLiteral("dim"),
                      QStringLiteral("Embedding width (smallcnn 128, resnet18 512)."),
                      QStringLiteral("D"), QStringLiteral("128")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Build threads."),
                      QStringLiteral("N"), QStringLiteral("2")});
    parser.addOption({QStringLiteral("queries"), QStringLiteral("Timed queries per size."),
                      QStringLiteral("N"), QStringLiteral("1000")});
    parser.addOption(
        {QStringLiteral("no-python"), QStringLiteral("Skip the python3-hnswlib reference.")});
    parser.process(app);
    const int threads = parser.value(QStringLiteral("threads")).toInt();
    initTorchThreads(threads);
    for (const QString &rows : parser.value(QStringLiteral("rows")).split(QLatin1Char(',')))
        runSize(rows.toULongLong(), parser.value(QStringLiteral("dim")).toULongLong(), threads,
                parser.value(QStringLiteral("queries")).toULongLong(),
                !parser.isSet(QStringLiteral("no-python")));
    return 0;
}
