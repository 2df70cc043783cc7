// The on-disk thumbnail cache with real image files: a miss decodes and writes an entry, a hit
// reads it back without the source being decoded, a changed source is a miss again, unreadable
// files are not cached, and the loader serves thumbnails through the cache off the UI thread.
#include "app/gui/thumbnailcache.h"
#include "app/gui/thumbnailloader.h"

#include <QImageWriter>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <fstream>

using namespace activelabel;

namespace {

void writeImage(const std::filesystem::path &file, int width, int height, unsigned char value)
{
    cv::Mat img(height, width, CV_8UC3, cv::Scalar(value, 255 - value, 40));
    img(cv::Rect(0, 0, width / 2, height / 2)).setTo(cv::Scalar(0, 0, 255));
    QVERIFY(cv::imwrite(file.string(), img));
}

} // namespace

class TestThumbnailCache : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void missWritesEntryThenHits()
    {
        QTemporaryDir dir;
        const std::filesystem::path root = dir.path().toStdString();
        const auto source = root / "photo.png";
        writeImage(source, 300, 200, 10);
        ThumbnailCache cache(root / "cache" / "thumbnails");

        bool hit = true;
        const QImage first = cache.thumbnail(1234, source, 96, &hit);
        QVERIFY(!hit);
        QCOMPARE(first.size(), QSize(96, 64)); // aspect kept
        const auto entry = cache.entryPath(1234, 96);
        QVERIFY(std::filesystem::exists(entry));
        QCOMPARE(entry.parent_path().filename().string(), std::string("1")); // 1234 / 1000
        QVERIFY(std::filesystem::file_size(entry) < 40000);

        const QImage second = cache.thumbnail(1234, source, 96, &hit);
        QVERIFY(hit);
        QCOMPARE(second.size(), first.size());
        QCOMPARE(second.convertToFormat(QImage::Format_RGB32), first.convertToFormat(QImage::Format_RGB32));

        // A hit really comes from the cache: with the entry's pixels replaced (key kept), the
        // cache returns those pixels, not a fresh decode of the source.
        {
            QImage marked = first.convertToFormat(QImage::Format_RGB32);
            marked.fill(Qt::green);
            QImageWriter writer(QString::fromStdString(entry.string()), "png");
            writer.setText(QStringLiteral("ActiveLabel-Source"), ThumbnailCache::sourceKey(source));
            QVERIFY(writer.write(marked));
        }
        const QImage fromCache = cache.thumbnail(1234, source, 96, &hit);
        QVERIFY(hit);
        QCOMPARE(fromCache.pixelColor(5, 5), QColor(Qt::green));

        // Another size is another entry.
        const QImage big = cache.thumbnail(1234, source, 150, &hit);
        QVERIFY(!hit);
        QCOMPARE(big.size(), QSize(150, 100));
    }

    void changedSourceIsAMiss()
    {
        QTemporaryDir dir;
        const std::filesystem::path root = dir.path().toStdString();
        const auto source = root / "img.png";
        writeImage(source, 120, 120, 10);
        ThumbnailCache cache(root / "cache");
        bool hit = false;
        const QImage before = cache.thumbnail(7, source, 64, &hit);
        QVERIFY(!hit);
        QVERIFY(cache.thumbnail(7, source, 64, &hit).size() == before.size() && hit);

        // Replaced in place by a different picture (and a different shape).
        writeImage(source, 200, 100, 200);
        std::filesystem::last_write_time(source, std::filesystem::last_write_time(source) + std::chrono::seconds(2));
        const QImage after = cache.thumbnail(7, source, 64, &hit);
        QVERIFY(!hit);
        QCOMPARE(after.size(), QSize(64, 32));
        QVERIFY(cache.thumbnail(7, source, 64, &hit).size() == QSize(64, 32) && hit);
    }

    void unreadableIsNotCached()
    {
        QTemporaryDir dir;
        const std::filesystem::path root = dir.path().toStdString();
        const auto broken = root / "broken.png";
        std::ofstream(broken) << "not an image";
        ThumbnailCache cache(root / "cache");
        bool hit = true;
        QVERIFY(cache.thumbnail(3, broken, 64, &hit).isNull());
        QVERIFY(!hit);
        QVERIFY(!std::filesystem::exists(cache.entryPath(3, 64)));
        QVERIFY(cache.thumbnail(4, root / "missing.png", 64).isNull());
    }

    void tinyImagesStayCrisp()
    {
        QTemporaryDir dir;
        const std::filesystem::path root = dir.path().toStdString();
        const auto source = root / "tiny.png";
        cv::Mat img(28, 28, CV_8UC1, cv::Scalar(0));
        img.colRange(14, 28).setTo(cv::Scalar(255));
        QVERIFY(cv::imwrite(source.string(), img));
        ThumbnailCache cache(root / "cache");
        const QImage thumb = cache.thumbnail(1, source, 96);
        QCOMPARE(thumb.size(), QSize(96, 96));
        // Scaled without smoothing: only the two original grey levels, no blended edge.
        QSet<int> levels;
        for (int x = 0; x < thumb.width(); ++x)
            levels.insert(qGray(thumb.pixel(x, 50)));
        QCOMPARE(levels.size(), 2);
    }

    void loaderUsesTheCache()
    {
        QTemporaryDir dir;
        const std::filesystem::path root = dir.path().toStdString();
        std::vector<std::filesystem::path> files;
        for (int i = 0; i < 5; ++i) {
            files.push_back(root / ("f" + std::to_string(i) + ".png"));
            writeImage(files.back(), 100, 80, static_cast<unsigned char>(i * 40));
        }
        ThumbnailLoader loader;
        loader.setCacheDirectory(root / "cache");
        QSignalSpy ready(&loader, &ThumbnailLoader::ready);
        for (int i = 0; i < 5; ++i)
            loader.request(100 + i, files[std::size_t(i)], 48);
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 5, 10000);
        // Newest requests are served first (the rows now on screen).
        QSet<qint64> ids;
        for (const auto &args : ready) {
            ids.insert(args.at(0).toLongLong());
            QCOMPARE(args.at(1).value<QImage>().size(), QSize(48, 38));
        }
        QCOMPARE(ids.size(), 5);
        ThumbnailCache cache(root / "cache");
        for (int i = 0; i < 5; ++i)
            QVERIFY(std::filesystem::exists(cache.entryPath(100 + i, 48)));
    }

    void loaderDropsTheOldestWhenFlooded()
    {
        QTemporaryDir dir;
        const std::filesystem::path root = dir.path().toStdString();
        const auto source = root / "one.png";
        writeImage(source, 64, 64, 1);
        ThumbnailLoader loader;
        QSignalSpy ready(&loader, &ThumbnailLoader::ready);
        QSignalSpy dropped(&loader, &ThumbnailLoader::dropped);
        const int n = int(ThumbnailLoader::kMaxQueued) + 300;
        for (int i = 0; i < n; ++i)
            loader.request(i, source, 32);
        QTRY_COMPARE_WITH_TIMEOUT(ready.count() + dropped.count(), n, 30000);
        QVERIFY(dropped.count() > 0);
        // What was dropped is the oldest requests, never the newest.
        for (const auto &args : dropped)
            QVERIFY(args.at(0).toLongLong() < n - qint64(ThumbnailLoader::kMaxQueued));
    }
};

QTEST_MAIN(TestThumbnailCache)
#include "test_thumbnailcache.moc"
