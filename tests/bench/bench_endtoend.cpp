// Scoring Fashion-MNIST PNG files end to end from disk: decode (storage's one decode path, through
// the project's ImageProvider), preprocess and smallcnn inference, as a rescoring pass does,
// against tests/bench/reference_endtoend.py (PIL + Debian's python3-torch in its best inference
// configuration) over the same files, in the same run, with the same thread count. The files are
// a real project's images: a Fashion-MNIST import of a 20,000-image pool. Prints figures and the
// ratio; asserts nothing. Both sides read the files once before timing, so both run from the
// page cache.
//   bench_endtoend [--images N] [--threads N] [--repeats R] [--no-python]
#include "app/runtimeenvironment.h"
#include "pythonreference.h"

#include "app/projectimages.h"
#include "model/classifier.h"
#include "model/torchthreads.h"
#include "storage/fashionmnistimporter.h"
#include "storage/project.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "benchstats.h"

using namespace activelabel;
using activelabel::bench::median;

namespace {

} // namespace

int main(int argc, char **argv)
{
    ensureRuntimeEnvironment(argv); // measure what the application runs with
    QCoreApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const QStringList args = app.arguments();
    auto intArg = [&](const char *name, int fallback) {
        const int i = int(args.indexOf(QString::fromLatin1(name)));
        return i > 0 && i + 1 < args.size() ? args.at(i + 1).toInt() : fallback;
    };
    const int threads = intArg("--threads", 2);
    const int repeats = intArg("--repeats", 3);
    const std::size_t count = std::size_t(intArg("--images", 20000));
    initTorchThreads(threads);

    QTemporaryDir dir;
    const std::filesystem::path root = dir.path().toStdString();
    auto project = Project::create(root / "bench");
    FashionMnistImporter::Options importOptions;
    importOptions.limit = count;
    importOptions.threads = threads;
    FashionMnistImporter(*project, importOptions).run();
    ProjectImages images(*project, project->database());
    const std::vector<std::size_t> pool = images.indicesOf(Split::Pool);

    // The list of files, for the Python side.
    const std::string listPath = (root / "files.txt").string();
    {
        std::ofstream list(listPath);
        for (std::size_t i : pool)
            list << project->resolve(images.record(i).path).string() << '\n';
    }

    QStringList classes;
    for (int i = 0; i < 10; ++i)
        classes << QString::number(i);
    ModelSpec spec = ModelSpec::defaultsFor(QStringLiteral("smallcnn"));
    auto classifier = Classifier::create(spec, classes, 1);
    PredictOptions options;
    options.embeddings = true; // what a rescoring pass asks for (hybrid/coreset need them)
    options.useFeatureCache = false;
    std::printf("%zu PNG files, %d threads\n", pool.size(), threads);
    std::vector<double> rates;
    for (int r = 0; r <= repeats; ++r) {
        QElapsedTimer t;
        t.start();
        const Prediction p = classifier->predict(images, pool, options);
        const double rate = double(pool.size()) / (double(t.nsecsElapsed()) / 1e9);
        if (r > 0) // the first pass warms the page cache and the optimised module
            rates.push_back(rate);
        if (!p.failedRows.empty())
            std::printf("  %zu images failed to load\n", p.failedRows.size());
    }
    const double ours = median(rates);

    QJsonObject python;
    if (!args.contains(QStringLiteral("--no-python")))
        python = bench::runPythonReference(QStringLiteral("reference_endtoend.py"),
                                           {QString::fromStdString(listPath), QStringLiteral("--repeats"),
                                            QString::number(repeats)},
                                           threads);
    const double reference = python.value("best").toObject().value("images_per_second").toDouble();
    std::printf("\n== bench_endtoend (threads %d, median of %d passes) ==\n", threads, repeats);
    std::printf("score %zu Fashion-MNIST PNGs from disk (decode + preprocess + smallcnn): ours %.0f images/s, "
                "python PIL + %s %.0f images/s, ratio %.2f\n",
                pool.size(), ours, qPrintable(python.value("best").toObject().value("config").toString()), reference,
                ours / std::max(1.0, reference));
    return 0;
}
