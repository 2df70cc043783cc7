// The pool map: computation time (kNN graph with the neighbour index, then Barnes-Hut t-SNE) at
// 20,000 and 100,000 synthetic clustered embeddings of the built-in models' width, with the
// map's trustworthiness, against scikit-learn's TSNE on the same data in the same run; and the
// frame time of pan and zoom repaints of the map widget (offscreen) with 100,000 dots.
// Prints figures; asserts nothing about time.
//
//   bench_map [--sizes 20000,100000] [--reference-sizes 20000] [--dim 128] [--threads 2]
//             [--frames 300]
#include "app/runtimeenvironment.h"
#include "benchstats.h"
#include "model/neighbourindex.h"
#include "model/tsne.h"
#include "pythonreference.h"
#include "ui/poolmapview.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

using namespace activelabel;

namespace {

// `classes` Gaussian clusters, each of three sub-clusters (a class's modes), in `dim` dimensions
// with ReLU'd coordinates like penultimate features: neighbours mostly share a class, the classes
// touch (centre spread comparable to the within-cluster spread), as in a trained model's pool.
FloatMatrix clusteredEmbeddings(std::size_t n, std::size_t dim, int classes,
                                std::vector<int> &labels)
{
    std::mt19937 rng(11);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<std::vector<float>> centres(std::size_t(classes) * 3, std::vector<float>(dim));
    for (std::size_t c = 0; c < centres.size(); ++c)
        for (std::size_t d = 0; d < dim; ++d)
            centres[c][d] =
                (c % 3 == 0 ? 1.2f * normal(rng) : centres[c - c % 3][d] + 0.5f * normal(rng));
    FloatMatrix x(n, dim);
    labels.resize(n);
    std::uniform_int_distribution<int> pick(0, int(centres.size()) - 1);
    for (std::size_t i = 0; i < n; ++i) {
        const int c = pick(rng);
        labels[i] = c / 3;
        for (std::size_t d = 0; d < dim; ++d)
            x.at(i, d) = std::max(0.0f, centres[std::size_t(c)][d] + 0.6f * normal(rng) + 0.5f);
    }
    return x;
}

std::vector<std::size_t> sampleRows(std::size_t n, std::size_t count)
{
    std::vector<std::size_t> rows(n);
    for (std::size_t i = 0; i < n; ++i)
        rows[i] = i;
    std::shuffle(rows.begin(), rows.end(), std::mt19937(5));
    rows.resize(std::min(n, count));
    return rows;
}

double percentile(std::vector<double> v, double q)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? -1 : v[std::min(v.size() - 1, std::size_t(q * double(v.size())))];
}

void frameTimes(const FloatMatrix &map, const std::vector<int> &labels, int frames)
{
    PoolMapPoints points;
    const std::size_t n = map.rows;
    points.xy = map.data;
    for (std::size_t i = 0; i < n; ++i) {
        points.imageIds.push_back(qint64(i + 1));
        points.labels.push_back(i % 5 == 0 ? qint16(labels[i]) : qint16(-1));
        points.predictions.push_back(qint16(labels[i]));
        points.uncertainty.push_back(float(i % 97) / 97.0f);
    }
    PoolMapView view;
    QStringList names;
    QList<QColor> colours;
    for (int c = 0; c < 10; ++c) {
        names << QStringLiteral("class %1").arg(c);
        colours << QColor::fromHsv(c * 36, 200, 200);
    }
    view.setClasses(names, colours);
    view.resize(1200, 780);
    view.show();
    QCoreApplication::processEvents();
    view.setPoints(std::move(points));
    for (auto mode : {PoolMapView::ColourBy::Label, PoolMapView::ColourBy::Prediction}) {
        view.setColourBy(mode);
        for (bool selection : {false, true}) {
            view.fitAll();
            if (selection)
                view.selectRect(QRectF(300, 200, 300, 250));
            else
                view.clearSelection();
            std::vector<double> pan, zoom;
            for (int f = 0; f < frames; ++f) {
                QElapsedTimer t;
                t.start();
                view.panBy(QPointF(f % 40 < 20 ? 3 : -3, 2 * (f % 20 < 10 ? 1 : -1)));
                view.repaint();
                pan.push_back(t.nsecsElapsed() / 1e6);
            }
            for (int f = 0; f < frames; ++f) {
                QElapsedTimer t;
                t.start();
                view.zoomBy(f % 60 < 30 ? 1.04 : 1 / 1.04, QPointF(500, 400));
                view.repaint();
                zoom.push_back(t.nsecsElapsed() / 1e6);
            }
            std::printf(
                "frame ms, %zu dots, %s%s: pan median %.2f p99 %.2f; zoom median %.2f p99 %.2f\n",
                n, mode == PoolMapView::ColourBy::Label ? "by label" : "by prediction",
                selection ? ", with a selection" : "", bench::median(pan), percentile(pan, 0.99),
                bench::median(zoom), percentile(zoom, 0.99));
            std::fflush(stdout);
        }
    }
}

} // namespace

int main(int argc, char *argv[])
{
    ensureRuntimeEnvironment(argv); // measure what the application runs with
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption sizesOpt(QStringLiteral("sizes"), QStringLiteral("Pool sizes."),
                                      QStringLiteral("N,..."), QStringLiteral("20000,100000"));
    const QCommandLineOption refOpt(QStringLiteral("reference-sizes"),
                                    QStringLiteral("Sizes scikit-learn also maps (0: none)."),
                                    QStringLiteral("N,..."), QStringLiteral("20000"));
    const QCommandLineOption dimOpt(QStringLiteral("dim"), QStringLiteral("Embedding width."),
                                    QStringLiteral("D"), QStringLiteral("128"));
    const QCommandLineOption threadsOpt(QStringLiteral("threads"), QStringLiteral("Threads."),
                                        QStringLiteral("T"), QStringLiteral("2"));
    const QCommandLineOption framesOpt(QStringLiteral("frames"),
                                       QStringLiteral("Frames per measure."), QStringLiteral("F"),
                                       QStringLiteral("300"));
    parser.addOptions({sizesOpt, refOpt, dimOpt, threadsOpt, framesOpt});
    parser.addHelpOption();
    parser.process(app);
    const std::size_t dim = parser.value(dimOpt).toULong();
    const int threads = parser.value(threadsOpt).toInt();
    QList<std::size_t> referenceSizes;
    for (const QString &s : parser.value(refOpt).split(QLatin1Char(',')))
        referenceSizes << s.toULong();

    QTemporaryDir tmp;
    FloatMatrix lastMap;
    std::vector<int> lastLabels;
    for (const QString &sizeText : parser.value(sizesOpt).split(QLatin1Char(','))) {
        const std::size_t n = sizeText.toULong();
        std::vector<int> labels;
        const FloatMatrix x = clusteredEmbeddings(n, dim, 10, labels);
        TsneOptions options;
        options.threads = threads;
        const std::size_t k = std::size_t(3 * options.perplexity + 1);

        QElapsedTimer clock;
        clock.start();
        NeighbourIndexOptions indexOptions;
        indexOptions.metric = NeighbourMetric::SquaredL2;
        indexOptions.threads = threads;
        const auto index = NeighbourIndex::build(x, indexOptions);
        const double buildSeconds = clock.nsecsElapsed() / 1e9;
        clock.restart();
        const KnnGraph graph = index->knnGraph(k, indexOptions);
        const double graphSeconds = clock.nsecsElapsed() / 1e9;
        clock.restart();
        const FloatMatrix map = tsneEmbed(graph, options);
        const double tsneSeconds = clock.nsecsElapsed() / 1e9;
        const auto sample = sampleRows(n, 1000);
        const double trust = trustworthiness(x, map, 5, sample, threads);
        std::printf("activelabel map, %zu x %zu: %.1f s (index %.1f s, kNN graph k=%zu %.1f s, "
                    "t-SNE %.1f s), "
                    "trustworthiness(5) %.4f\n",
                    n, dim, buildSeconds + graphSeconds + tsneSeconds, buildSeconds, k,
                    graphSeconds, tsneSeconds, trust);
        std::fflush(stdout);

        if (referenceSizes.contains(n)) {
            const QString in = tmp.filePath(QStringLiteral("x-%1.f32").arg(n));
            const QString out = tmp.filePath(QStringLiteral("y-%1.f32").arg(n));
            QFile f(in);
            if (!f.open(QIODevice::WriteOnly))
                return 1;
            f.write(reinterpret_cast<const char *>(x.data.data()),
                    qint64(x.data.size() * sizeof(float)));
            f.close();
            const QJsonObject ref = bench::runPythonReference(
                QStringLiteral("reference_tsne.py"),
                {QStringLiteral("--input"), in, QStringLiteral("--output"), out,
                 QStringLiteral("--dim"), QString::number(dim)},
                threads);
            QFile g(out);
            if (!ref.isEmpty() && g.open(QIODevice::ReadOnly) &&
                g.size() == qint64(n * 2 * sizeof(float))) {
                FloatMatrix refMap(n, 2);
                g.read(reinterpret_cast<char *>(refMap.data.data()), g.size());
                std::printf("sklearn map, %zu x %zu: %.1f s, trustworthiness(5) %.4f\n", n, dim,
                            ref.value(QStringLiteral("seconds")).toDouble(),
                            trustworthiness(x, refMap, 5, sample, threads));
                std::fflush(stdout);
            }
        }
        lastMap = map;
        lastLabels = labels;
    }
    if (!lastMap.empty())
        frameTimes(lastMap, lastLabels, parser.value(framesOpt).toInt());
    return 0;
}
