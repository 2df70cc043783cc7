// A team project's image cache on this client, with the tests' own PostgreSQL: images fetched from
// the server in batches arrive byte for byte; with a small size limit the cache stays under it, the
// least recently used images go first, and an evicted image is fetched again when the training
// provider, the label page's decode, the thumbnail loader or the image loader reads it; model files, exports and
// anything that is not an image file are never evicted.
#include "app/gui/thumbnailloader.h"
#include "app/imageconversion.h"
#include "app/projectimages.h"
#include "app/serverfiles.h"
#include "storage/database.h"
#include "storage/imageblobrepository.h"
#include "storage/imagecache.h"
#include "storage/imagedecoder.h"
#include "storage/imagerepository.h"
#include "storage/imageloader.h"
#include "storage/project.h"
#include "storage/transaction.h"
#include "support/imagecorpus.h"
#include "support/storage/pgserver.h"
#include "support/tempproject.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <opencv2/core.hpp>

#include <atomic>
#include <map>
#include <thread>

using namespace activelabel;
using namespace activelabel::testsupport;
namespace fs = std::filesystem;

namespace {

QByteArray readAll(const fs::path &file)
{
    QFile f(QString::fromStdString(file.string()));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Image files under the cache's images/ and their bytes in all.
std::uint64_t cachedImageBytes(const fs::path &dir, std::size_t *count = nullptr)
{
    std::uint64_t total = 0;
    std::size_t n = 0;
    for (const auto &e : fs::recursive_directory_iterator(dir / "images"))
        if (e.is_regular_file() && ImageDecoder::hasImageExtension(e.path())) {
            total += e.file_size();
            ++n;
        }
    if (count)
        *count = n;
    return total;
}

void removeCachedImages(const fs::path &dir)
{
    fs::remove_all(dir / "images");
    fs::create_directories(dir / "images");
}

bool samePixels(const cv::Mat &a, const cv::Mat &b)
{
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

} // namespace

class TestImageCache : public QObject
{
    Q_OBJECT

    TempDir m_tmp;
    std::string m_sources; // the imported files, by name
    int m_caseNumber = 0;

    // A fresh team project (its own schema, its own XDG cache) holding `count` small PNGs, as an
    // import leaves them: a row, the bytes on the server and the file in the cache. The sources
    // stay in m_sources.
    std::string teamWithImages(int count)
    {
        // Schemas of one database share a cache folder (named after the database): one per case.
        const std::string cacheHome = m_tmp.file("cache" + std::to_string(++m_caseNumber));
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(cacheHome));
        const std::string uri = PgServer::instance().createSchema();
        m_sources = m_tmp.file("src" + std::to_string(m_caseNumber));
        fs::create_directories(m_sources);
        auto project = Project::createOnServer(uri);
        Database &db = project->database();
        fs::create_directories(project->directory() / "images" / "imported");
        Transaction tx(db);
        for (int i = 0; i < count; ++i) {
            const QByteArray bytes = encode(patternImage(12, 10, 7000 + i, 3), ".png");
            const QByteArray hash = QCryptographicHash::hash(bytes, QCryptographicHash::Sha1);
            const std::string relative = "images/imported/" + hash.toHex().toStdString() + ".png";
            ImageRecord record;
            record.path = relative;
            record.contentHash = hash;
            record.width = 12;
            record.height = 10;
            ImageRepository(db).add(record);
            ImageBlobRepository(db).put(hash, bytes);
            if (!writeFile(m_sources + "/img" + std::to_string(1000 + i) + ".png", bytes) ||
                !writeFile((project->directory() / relative).string(), bytes))
                qFatal("cannot write image %d", i);
        }
        tx.commit();
        return uri;
    }

    // The imported file whose content has this hash.
    fs::path sourceOf(const QByteArray &hash) const
    {
        for (const auto &e : fs::directory_iterator(m_sources))
            if (QCryptographicHash::hash(readAll(e.path()), QCryptographicHash::Sha1) == hash)
                return e.path();
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        ACTIVELABEL_REQUIRE_PGSERVER();
    }

    void cleanup() { qunsetenv(ImageCache::kLimitVariable); }

    void sizesAreReadAsTheVariableTakesThem()
    {
        QCOMPARE(*ImageCache::parseSize("2G"), std::uint64_t(2) << 30);
        QCOMPARE(*ImageCache::parseSize("500M"), std::uint64_t(500) << 20);
        QCOMPARE(*ImageCache::parseSize("1.5GiB"), std::uint64_t(3) << 29);
        QCOMPARE(*ImageCache::parseSize("300000"), std::uint64_t(300000));
        QCOMPARE(*ImageCache::parseSize("64k"), std::uint64_t(64) << 10);
        QCOMPARE(*ImageCache::parseSize("unlimited"), ImageCache::kUnlimited);
        for (const char *bad : {"", "G", "-1G", "2X", "1e9", "2 GB extra", "lots"})
            QVERIFY2(!ImageCache::parseSize(bad), bad);
        qputenv(ImageCache::kLimitVariable, "two gigabytes");
        try {
            ImageCache::limitFromEnvironment();
            QFAIL("a bad size was taken");
        } catch (const std::invalid_argument &e) {
            QVERIFY2(QByteArray(e.what()).contains("ACTIVELABEL_IMAGE_CACHE=\"two gigabytes\" is not a size"), e.what());
        }
        qunsetenv(ImageCache::kLimitVariable);
        QCOMPARE(ImageCache::limitFromEnvironment(), ImageCache::kDefaultLimitBytes);
    }

    void batchedFetchWritesTheExactBytes()
    {
        // More than one batch, the last one short (its padding must not add or lose an image).
        const int count = ImageBlobRepository::kBatch + 44;
        const std::string uri = teamWithImages(count);
        auto project = Project::openOnServer(uri, Project::Mode::ReadWrite);
        const fs::path dir = project->directory();
        std::map<std::string, QByteArray> expected; // cached file name -> the source's bytes
        for (const auto &e : fs::directory_iterator(m_sources)) {
            const QByteArray bytes = readAll(e.path());
            const QByteArray hash = QCryptographicHash::hash(bytes, QCryptographicHash::Sha1);
            expected[hash.toHex().toStdString()] = bytes;
        }
        QCOMPARE(int(expected.size()), count);
        removeCachedImages(dir); // another client: nothing cached yet

        std::vector<std::int64_t> reported;
        const std::size_t fetched = fetchMissingImages(*project, project->database(), [&](const ImportProgress &p) {
            reported.push_back(p.done);
            return p.total == count;
        });
        QCOMPARE(fetched, std::size_t(count));
        QVERIFY(!reported.empty());
        QCOMPARE(reported.back(), std::int64_t(count));
        std::size_t files = 0;
        for (const auto &e : fs::recursive_directory_iterator(dir / "images")) {
            if (!e.is_regular_file())
                continue;
            ++files;
            const std::string stem = e.path().stem().string(); // images/imported/<hash>.png
            QVERIFY2(expected.count(stem), stem.c_str());
            QVERIFY2(readAll(e.path()) == expected[stem], stem.c_str());
        }
        QCOMPARE(files, std::size_t(count));
        QCOMPARE(fetchMissingImages(*project, project->database()), std::size_t(0)); // all there now

        // Cancelled after its first batch: the rest stay missing.
        removeCachedImages(dir);
        QCOMPARE(fetchMissingImages(*project, project->database(), [](const ImportProgress &) { return false; }),
                 std::size_t(ImageBlobRepository::kBatch));
    }

    void aSmallCacheStaysUnderItsLimitAndRefetchesWhatItEvicted()
    {
        const int count = 60;
        const std::string uri = teamWithImages(count);
        std::uint64_t all = 0;
        {
            auto importer = Project::openOnServer(uri, Project::Mode::ReadOnly);
            all = cachedImageBytes(importer->directory());
            removeCachedImages(importer->directory());
        }
        const std::uint64_t limit = all / 4; // ~15 images
        qputenv(ImageCache::kLimitVariable, QByteArray::number(qulonglong(limit)));
        auto project = Project::openOnServer(uri, Project::Mode::ReadWrite);
        QVERIFY(project->imageCache());
        QCOMPARE(project->imageCache()->limitBytes(), limit);
        const fs::path dir = project->directory();
        // Some things in the cache that are not images of the pool: never evicted.
        const fs::path model = dir / "models" / "v1.pt";
        const fs::path exported = dir / "exports" / "labels.csv";
        const fs::path note = dir / "images" / "README.txt";
        const QByteArray big(int(limit) * 2, 'm'); // each alone over the limit
        QVERIFY(writeFile(model.string(), big) && writeFile(exported.string(), big) && writeFile(note.string(), big));

        // The up-front fetch stops once the cache is full (after the batch that filled it, which
        // it trims); the rest come when read.
        QVERIFY(fetchMissingImages(*project, project->database()) > 0);
        std::size_t cached = 0;
        QVERIFY(cachedImageBytes(dir, &cached) <= limit);
        QVERIFY(cached > 0 && cached < std::size_t(count));

        // A training/rescoring pass reads every image: each decodes as the original does, and the
        // cache never holds more than its limit.
        ProjectImages images(*project, project->database());
        QCOMPARE(images.size(), std::size_t(count));
        for (std::size_t i = 0; i < images.size(); ++i) {
            std::string error;
            const cv::Mat pixels = images.load(i, &error);
            QVERIFY2(!pixels.empty(), error.c_str());
            QVERIFY(cachedImageBytes(dir) <= limit);
        }
        cachedImageBytes(dir, &cached);
        QVERIFY2(cached < std::size_t(count), "nothing was evicted");

        // An evicted image is fetched again when read, by each reader, with the same pixels.
        std::size_t evicted = images.size();
        for (std::size_t i = 0; i < images.size() && evicted == images.size(); ++i)
            if (!fs::exists(project->resolve(images.record(i).path)))
                evicted = i;
        QVERIFY(evicted < images.size());
        const fs::path file = project->resolve(images.record(evicted).path);
        const cv::Mat original = ImageDecoder::decodeFile(sourceOf(images.record(evicted).contentHash));
        QVERIFY(!original.empty());
        std::string error;
        QVERIFY(samePixels(images.load(evicted, &error), original));
        QVERIFY(fs::exists(file));
        fs::remove(file);
        QString displayError;
        const QImage shown = decodeForDisplay(file, &displayError, project->imageCache().get()); // the label page
        QVERIFY2(!shown.isNull(), qPrintable(displayError));
        QCOMPARE(shown.size(), QSize(original.cols, original.rows));
        fs::remove(file);
        QVERIFY(samePixels(ImageLoader(*project).load(images.record(evicted).id, &error), original));
        QVERIFY(cachedImageBytes(dir) <= limit);

        // An empty file (what a crash can leave of a write that had not reached the disk) is
        // fetched again too.
        QVERIFY(writeFile(file.string(), QByteArray()));
        QVERIFY(samePixels(images.load(evicted, &error), original));
        QVERIFY(fs::file_size(file) > 0);

        // The thumbnail grids (browse, review, look-alikes, map) fetch it for their thumbnail.
        fs::remove(file);
        {
            ThumbnailLoader loader;
            loader.setCacheDirectory(m_tmp.file("thumbs" + std::to_string(m_caseNumber)));
            loader.setImageCache(project->imageCache());
            QSignalSpy ready(&loader, &ThumbnailLoader::ready);
            loader.request(images.record(evicted).id, file, 64);
            QVERIFY(ready.wait(10000));
            QCOMPARE(ready.at(0).at(0).toLongLong(), images.record(evicted).id);
            QVERIFY(!ready.at(0).at(1).value<QImage>().isNull());
        }

        // Without the cache (a folder project's path) the same file is simply missing.
        fs::remove(file);
        QVERIFY(decodeForDisplay(file, &displayError).isNull());

        QCOMPARE(readAll(model), big);
        QCOMPARE(readAll(exported), big);
        QCOMPARE(readAll(note), big);
    }

    void theLeastRecentlyUsedGoFirst()
    {
        const int count = 20;
        const std::string uri = teamWithImages(count);
        auto project = Project::openOnServer(uri, Project::Mode::ReadWrite);
        const fs::path dir = project->directory();
        ProjectImages images(*project, project->database());
        std::vector<fs::path> files;
        for (std::size_t i = 0; i < images.size(); ++i)
            files.push_back(project->resolve(images.record(i).path));
        // Read image 0 last: it is the most recently used, image 1 the least.
        for (std::size_t i = 1; i < files.size(); ++i)
            QVERIFY(!images.load(i).empty());
        QVERIFY(!images.load(0).empty());
        const std::uint64_t all = cachedImageBytes(dir);
        // A client with room for about half of them trims on its first look at the cache.
        qputenv(ImageCache::kLimitVariable, QByteArray::number(qulonglong(all / 2)));
        auto small = Project::openOnServer(uri, Project::Mode::ReadOnly);
        small->imageCache()->trim();
        QVERIFY(cachedImageBytes(dir) <= all / 2);
        QVERIFY(fs::exists(files[0]));
        QVERIFY(!fs::exists(files[1]));
        QVERIFY(fs::exists(files.back()));
        // Reads from several threads at once, each fetching what it misses on the cache's one
        // connection.
        ProjectImages smallImages(*small, small->database());
        std::vector<std::thread> readers;
        std::atomic<int> failures{0};
        for (int t = 0; t < 4; ++t)
            readers.emplace_back([&, t] {
                for (std::size_t i = std::size_t(t); i < smallImages.size(); i += 4)
                    if (smallImages.load(i).empty())
                        ++failures;
            });
        for (auto &r : readers)
            r.join();
        QCOMPARE(failures.load(), 0);
        QVERIFY(cachedImageBytes(dir) <= all / 2);
    }
};

QTEST_GUILESS_MAIN(TestImageCache)
#include "test_imagecache.moc"
