// A team project's images from the server into a client's cache: the batched fetch
// (fetchMissingImages, ImageBlobRepository::kBatch hashes per query) against the one query per
// image it replaced, reproduced here as the reference, on the tests' own PostgreSQL 15; then a
// pass over every image through the training/rescoring provider (ProjectImages) on an empty cache,
// unbounded and with a cache a tenth of the images' size (evicting as it goes). Median of --runs.
//
//   build/release/tests/bench/bench_image_fetch [--images 10000] [--runs 3]
#include "app/projectimages.h"
#include "app/serverfiles.h"
#include "benchstats.h"
#include "storage/database.h"
#include "storage/fashionmnistimporter.h"
#include "storage/imageblobrepository.h"
#include "storage/imagecache.h"
#include "storage/imagerepository.h"
#include "storage/project.h"
#include "support/storage/pgserver.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSaveFile>
#include <QTemporaryDir>

#include <cstdio>
#include <filesystem>

using namespace activelabel;
using namespace activelabel::testsupport;
namespace fs = std::filesystem;

namespace {

int intArg(const QStringList &args, const QString &name, int fallback)
{
    const int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args[i + 1].toInt() : fallback;
}

void emptyCache(const fs::path &dir)
{
    fs::remove_all(dir / "images");
    fs::create_directories(dir / "images");
}

std::uint64_t cachedBytes(const fs::path &dir)
{
    std::uint64_t total = 0;
    for (const auto &e : fs::recursive_directory_iterator(dir / "images"))
        if (e.is_regular_file())
            total += e.file_size();
    return total;
}

// What fetchMissingImages did before: one query per image (ImageBlobRepository::get), each file
// written with QSaveFile (which syncs it to disk). `write` false: the queries alone.
std::size_t fetchOneByOne(const fs::path &dir, Database &db, bool write = true)
{
    ImageRepository images(db);
    ImageBlobRepository blobs(db);
    std::size_t fetched = 0;
    for (std::int64_t after = 0;;) {
        const std::vector<ImageRecord> page = images.list(ImageFilter{}, after, 5000);
        for (const ImageRecord &r : page) {
            const fs::path file = dir / r.path;
            if (fs::exists(file))
                continue;
            if (const auto bytes = blobs.get(r.contentHash)) {
                if (!write) {
                    ++fetched;
                    continue;
                }
                fs::create_directories(file.parent_path());
                QSaveFile out(QString::fromStdString(file.string()));
                if (out.open(QIODevice::WriteOnly) && out.write(*bytes) == bytes->size() && out.commit())
                    ++fetched;
            }
        }
        if (page.size() < 5000)
            break;
        after = page.back().id;
    }
    return fetched;
}

// The batched queries alone (ImageBlobRepository::getMany), nothing written.
std::size_t queryBatched(Database &db)
{
    std::vector<QByteArray> hashes;
    for (const ImageRecord &r : ImageRepository(db).list(ImageFilter{}, 0, 1 << 30))
        hashes.push_back(r.contentHash);
    std::size_t fetched = 0;
    ImageBlobRepository(db).getMany(hashes, [&](const QByteArray &, const QByteArray &) {
        ++fetched;
        return true;
    });
    return fetched;
}

template <typename F>
double seconds(F &&f)
{
    QElapsedTimer clock;
    clock.start();
    f();
    return clock.nsecsElapsed() / 1e9;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int count = intArg(args, QStringLiteral("--images"), 10000);
    const int runs = intArg(args, QStringLiteral("--runs"), 3);

    QTemporaryDir cacheHome; // the clients' caches, not the user's
    qputenv("XDG_CACHE_HOME", cacheHome.path().toUtf8());
    PgServer &server = PgServer::instance();
    if (!server.available()) {
        std::fprintf(stderr, "bench_image_fetch: no PostgreSQL server: %s\n", qPrintable(server.error()));
        return 1;
    }
    const std::string uri = server.createDatabase();
    {
        auto project = Project::createOnServer(uri);
        FashionMnistImporter::Options options;
        options.limit = std::size_t(count);
        options.testLimit = 0;
        options.storeBytes = true;
        FashionMnistImporter(*project, options).run();
    }
    auto project = Project::openOnServer(uri, Project::Mode::ReadWrite);
    Database &db = project->database();
    const fs::path dir = project->directory();
    const std::int64_t images = ImageRepository(db).count(ImageFilter{});
    std::printf("image fetch: %lld Fashion-MNIST PNGs (%.1f MiB) from the server into an empty cache, median of %d\n",
                static_cast<long long>(images), cachedBytes(dir) / 1048576.0, runs);

    std::vector<double> single, batched, onDemand, bounded, singleQueries, batchedQueries;
    std::size_t fetched[2] = {0, 0};
    for (int run = 0; run < runs; ++run) {
        singleQueries.push_back(seconds([&] { fetchOneByOne(dir, db, false); }));
        batchedQueries.push_back(seconds([&] { queryBatched(db); }));
        emptyCache(dir);
        single.push_back(seconds([&] { fetched[0] = fetchOneByOne(dir, db); }));
        emptyCache(dir);
        batched.push_back(seconds([&] { fetched[1] = fetchMissingImages(*project, db); }));
        emptyCache(dir);
        {
            // A pass through the training/rescoring provider on an empty cache: each miss brings
            // the following images with it.
            auto fresh = Project::openOnServer(uri, Project::Mode::ReadWrite);
            ProjectImages provider(*fresh, fresh->database());
            onDemand.push_back(seconds([&] {
                for (std::size_t i = 0; i < provider.size(); ++i)
                    if (provider.load(i).empty())
                        std::fprintf(stderr, "image %zu did not load\n", i);
            }));
        }
        const std::uint64_t all = cachedBytes(dir);
        emptyCache(dir);
        {
            qputenv(ImageCache::kLimitVariable, QByteArray::number(qulonglong(all / 10)));
            auto small = Project::openOnServer(uri, Project::Mode::ReadWrite);
            qunsetenv(ImageCache::kLimitVariable);
            ProjectImages provider(*small, small->database());
            bounded.push_back(seconds([&] {
                for (std::size_t i = 0; i < provider.size(); ++i)
                    if (provider.load(i).empty())
                        std::fprintf(stderr, "image %zu did not load\n", i);
            }));
            if (cachedBytes(dir) > all / 10)
                std::fprintf(stderr, "the bounded cache holds %llu bytes, over its limit\n",
                             static_cast<unsigned long long>(cachedBytes(dir)));
        }
    }
    std::printf("  one query per image (before):        %7.2f s  (%zu images)\n", bench::median(single), fetched[0]);
    std::printf("  batched, %d per query, no fsync (after): %7.2f s  (%zu images)  %.1fx\n", ImageBlobRepository::kBatch,
                bench::median(batched), fetched[1], bench::median(single) / bench::median(batched));
    std::printf("  queries alone, one per image:        %7.2f s\n", bench::median(singleQueries));
    std::printf("  queries alone, %d per query:         %7.2f s\n", ImageBlobRepository::kBatch,
                bench::median(batchedQueries));
    std::printf("  on demand, one pass (ProjectImages): %7.2f s\n", bench::median(onDemand));
    std::printf("  on demand, cache 1/10 of the images: %7.2f s  (evicting as it goes)\n", bench::median(bounded));
    return 0;
}
