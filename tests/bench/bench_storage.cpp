// Storage benchmarks: prints figures, asserts nothing about time.
//  1. Fashion-MNIST import, 60,000 + 10,000 images (goal >= 2,000 images/s)
//  2. folder import of 2,000 generated 1024x768 JPEGs
//  3. 1,000 durable label commits, p50/p99 (goal p50 <= 2 ms, p99 <= 15 ms), alone and while
//     another thread writes predictions for 20,000 images to predictions.sqlite.
// Usage: bench_storage [--skip-fmnist] [--skip-folder] [--folder-images N]
#include "storage/classrepository.h"
#include "storage/fashionmnistimporter.h"
#include "storage/idxreader.h"
#include "storage/imageimporter.h"
#include "storage/imagerepository.h"
#include "storage/labelrepository.h"
#include "storage/predictionstore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "support/imagecorpus.h"

#include <QCoreApplication>

#include <opencv2/imgproc.hpp>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

using namespace activelabel;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point since)
{
    return std::chrono::duration<double>(Clock::now() - since).count();
}

void benchFashionMnist(const std::string &dir)
{
    if (!fs::exists(FashionMnist::trainImages(FashionMnist::defaultDirectory()))) {
        std::printf("fashion-mnist import: skipped (dataset not installed)\n");
        return;
    }
    auto project = Project::create(dir + "/fmnist");
    const auto start = Clock::now();
    const ImportSummary s = FashionMnistImporter(*project, {}).run();
    const double t = seconds(start);
    std::printf("fashion-mnist import: %lld images in %.2f s = %.0f images/s (goal >= 2000)\n",
                static_cast<long long>(s.added), t, s.added / t);
}

void benchFolder(const std::string &dir, int count)
{
    const std::string src = dir + "/jpegs";
    fs::create_directories(src);
    const auto genStart = Clock::now();
    // One noisy base picture, made distinct per file by a numbered patch, keeps generation short;
    // every file differs, so nothing is deduplicated.
    const cv::Mat base = testsupport::patternImage(1024, 768, 1);
    for (int i = 0; i < count; ++i) {
        cv::Mat img = base.clone();
        cv::rectangle(img, cv::Rect((i * 37) % 900, (i * 53) % 650, 120, 110),
                      cv::Scalar(i % 256, (i / 7) % 256, (i / 49) % 256), cv::FILLED);
        cv::putText(img, std::to_string(i), cv::Point(40, 700), cv::FONT_HERSHEY_SIMPLEX, 3.0, cv::Scalar(255, 255, 255), 5);
        testsupport::writeFile(src + "/img" + std::to_string(i) + ".jpg", testsupport::encode(img, ".jpg", 90));
    }
    std::printf("folder import: generated %d 1024x768 JPEGs in %.1f s (not timed)\n", count, seconds(genStart));
    auto project = Project::create(dir + "/folder");
    const auto start = Clock::now();
    const ImportSummary s = ImageImporter(project->database(), {}).importPaths({src}, false);
    const double t = seconds(start);
    std::printf("folder import: %lld added, %lld rejected, %lld duplicates in %.2f s = %.0f images/s (2 threads)\n",
                static_cast<long long>(s.added), static_cast<long long>(s.rejected),
                static_cast<long long>(s.duplicates), t, s.added / t);
}

void report(const char *what, std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    auto pct = [&](double p) { return ms[static_cast<std::size_t>(p * (ms.size() - 1))]; };
    std::printf("%s: %zu commits, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (goal p50 <= 2, p99 <= 15)\n", what,
                ms.size(), pct(0.5), pct(0.9), pct(0.99), ms.back());
}

void benchLabels(const std::string &dir)
{
    auto project = Project::create(dir + "/labels");
    Database &db = project->database();
    std::vector<std::int64_t> classes;
    for (int c = 0; c < 10; ++c)
        classes.push_back(ClassRepository(db).add(QStringLiteral("c%1").arg(c)));
    std::vector<std::int64_t> images;
    {
        db.exec("BEGIN");
        for (int i = 0; i < 20000; ++i) {
            ImageRecord r;
            r.path = "images/" + std::to_string(i) + ".png";
            r.contentHash = QByteArray::number(i);
            r.width = r.height = 28;
            images.push_back(ImageRepository(db).add(r));
        }
        db.exec("COMMIT");
    }
    LabelRepository labels(db);
    auto run = [&](std::size_t offset) {
        std::vector<double> ms;
        for (std::size_t i = 0; i < 1000; ++i) {
            const auto t0 = Clock::now();
            labels.setLabel(images[offset + i], classes[i % 10], LabelSource::Human, QStringLiteral("bench"));
            ms.push_back(seconds(t0) * 1000.0);
        }
        return ms;
    };
    report("label commits (alone)", run(0));

    std::atomic<bool> done{false};
    double writeSeconds = 0;
    std::thread writer([&] {
        auto conn = project->openPredictions();
        PredictionStore store(*conn);
        const auto t0 = Clock::now();
        int round = 0;
        // Keep writing full 20,000-image runs until the label loop is done (at least one).
        do {
            const std::int64_t version = ++round;
            store.beginRun(version, 10);
            std::vector<StoredPrediction> rows(20000);
            for (std::size_t i = 0; i < rows.size(); ++i) {
                rows[i].imageId = images[i];
                rows[i].probabilities.assign(10, 0.1f);
                rows[i].confidence = 0.1f;
                rows[i].uncertainty = 2.3f;
            }
            store.write(version, rows);
            store.finishRun(version);
            store.prune(2);
        } while (!done);
        writeSeconds = seconds(t0) / round;
        std::printf("predictions writer: %d runs of 20,000 rows, %.2f s per run\n", round, writeSeconds);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50)); // let the writer start
    const auto during = run(1000);
    done = true;
    writer.join();
    report("label commits (while predictions are written)", during);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    int folderImages = 2000;
    const qsizetype n = args.indexOf(QStringLiteral("--folder-images"));
    if (n >= 0 && n + 1 < args.size())
        folderImages = args.at(n + 1).toInt();
    QTemporaryDir tmp;
    if (!tmp.isValid())
        return 1;
    const std::string dir = tmp.path().toStdString();
    std::printf("bench_storage in %s, %u hardware threads\n", dir.c_str(), std::thread::hardware_concurrency());
    benchLabels(dir);
    if (!args.contains(QStringLiteral("--skip-fmnist")))
        benchFashionMnist(dir);
    if (!args.contains(QStringLiteral("--skip-folder")))
        benchFolder(dir, folderImages);
    return 0;
}
