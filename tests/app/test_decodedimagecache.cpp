// DecodedImageCache over real PNG files decoded by storage's decode path: each file is decoded
// once, callers get their own copy, the byte budget holds, failures are retried, and concurrent
// callers all get the right pixels.
#include "app/decodedimagecache.h"
#include "storage/imagedecoder.h"

#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/imgcodecs.hpp>

#include <atomic>
#include <thread>

using namespace activelabel;

namespace {

// Files on disk through ImageDecoder, counting the decodes.
class FileImages : public ImageProvider
{
public:
    std::vector<std::filesystem::path> files;
    mutable std::atomic<int> decodes{0};

    std::size_t size() const override { return files.size(); }
    cv::Mat load(std::size_t index, std::string *error = nullptr) const override
    {
        ++decodes;
        return ImageDecoder::decodeFile(files[index], error);
    }
};

cv::Mat pattern(int i)
{
    cv::Mat m(28, 28, CV_8UC1);
    for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x)
            m.at<unsigned char>(y, x) = static_cast<unsigned char>((x * 7 + y * 3 + i * 11) % 256);
    return m;
}

bool samePixels(const cv::Mat &a, const cv::Mat &b)
{
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

} // namespace

class TestDecodedImageCache : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    FileImages m_images;

private Q_SLOTS:
    void init()
    {
        m_images.files.clear();
        m_images.decodes = 0;
        for (int i = 0; i < 8; ++i) {
            const std::filesystem::path file = m_dir.filePath(QStringLiteral("img%1.png").arg(i)).toStdString();
            QVERIFY(cv::imwrite(file.string(), pattern(i)));
            m_images.files.push_back(file);
        }
    }

    void decodesEachFileOnceAndHandsOutCopies()
    {
        const DecodedImageCache cache(m_images);
        QCOMPARE(cache.size(), std::size_t(8));
        for (int round = 0; round < 3; ++round)
            for (std::size_t i = 0; i < 8; ++i)
                QVERIFY(samePixels(cache.load(i), pattern(int(i))));
        QCOMPARE(m_images.decodes.load(), 8);
        QCOMPARE(cache.imagesKept(), std::size_t(8));
        QCOMPARE(cache.bytesUsed(), std::size_t(8 * 28 * 28));

        cv::Mat mine = cache.load(3);
        mine.setTo(cv::Scalar(0)); // a caller writing into its pixels...
        QVERIFY(samePixels(cache.load(3), pattern(3))); // ...changes nothing for the next one
    }

    void theBudgetBoundsWhatIsKept()
    {
        const DecodedImageCache cache(m_images, 2 * 28 * 28 + 10);
        for (int round = 0; round < 2; ++round)
            for (std::size_t i = 0; i < 4; ++i)
                QVERIFY(samePixels(cache.load(i), pattern(int(i))));
        QCOMPARE(cache.imagesKept(), std::size_t(2));
        QVERIFY(cache.bytesUsed() <= std::size_t(2 * 28 * 28 + 10));
        QCOMPARE(m_images.decodes.load(), 4 + 2); // the first two kept, the other two decoded twice
    }

    void failuresAreReportedAndRetried()
    {
        const DecodedImageCache cache(m_images);
        const std::filesystem::path file = m_images.files[5];
        std::filesystem::resize_file(file, 20); // truncated
        std::string error;
        QVERIFY(cache.load(5, &error).empty());
        QVERIFY2(!error.empty(), error.c_str());
        QVERIFY(cv::imwrite(file.string(), pattern(5))); // repaired
        error.clear();
        QVERIFY(samePixels(cache.load(5, &error), pattern(5)));
        QVERIFY(error.empty());
        QCOMPARE(cache.imagesKept(), std::size_t(1));
    }

    void concurrentCallersGetTheirImages()
    {
        const DecodedImageCache cache(m_images);
        std::atomic<int> wrong{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int round = 0; round < 50; ++round)
                    for (std::size_t k = 0; k < 8; ++k) {
                        const std::size_t i = (k + std::size_t(t)) % 8;
                        if (!samePixels(cache.load(i), pattern(int(i))))
                            ++wrong;
                    }
            });
        for (auto &thread : threads)
            thread.join();
        QCOMPARE(wrong.load(), 0);
        QCOMPARE(cache.imagesKept(), std::size_t(8));
        QVERIFY(m_images.decodes.load() <= 8 * 4); // at worst each thread decoded each image once
    }
};

QTEST_GUILESS_MAIN(TestDecodedImageCache)
#include "test_decodedimagecache.moc"
