// The one decode path: whitelisted formats decode to 8-bit grey or RGB with EXIF orientation
// applied; everything else (empty, truncated, text, header bombs, other formats) is refused with
// a reason and without a crash.
#include "storage/imagedecoder.h"
#include "support/imagecorpus.h"
#include "support/tempproject.h"

#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <thread>

using namespace activelabel;
using namespace activelabel::testsupport;

namespace {

cv::Mat decodeBytes(const QByteArray &bytes, std::string *error = nullptr)
{
    return ImageDecoder::decode(bytes.constData(), static_cast<std::size_t>(bytes.size()), error);
}

double maxDiff(const cv::Mat &a, const cv::Mat &b)
{
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    double m = 0;
    cv::minMaxLoc(diff.reshape(1), nullptr, &m);
    return m;
}

} // namespace

class TestImageDecoder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodesEveryWhitelistedFormat_data()
    {
        QTest::addColumn<QString>("ext");
        for (const char *ext : {".png", ".bmp", ".tiff", ".webp", ".jpg"})
            QTest::newRow(ext) << QString::fromLatin1(ext);
    }

    void decodesEveryWhitelistedFormat()
    {
        QFETCH(QString, ext);
        // Smooth, with a distinct level per channel, so that lossy codecs stay close and a
        // swapped channel order shows.
        cv::Mat bgr(23, 37, CV_8UC3);
        for (int y = 0; y < bgr.rows; ++y)
            for (int x = 0; x < bgr.cols; ++x)
                bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(20 + x), static_cast<uchar>(100 + y), 220);
        const QByteArray bytes = encode(bgr, ext.toStdString());
        QVERIFY(!bytes.isEmpty());
        std::string error;
        const cv::Mat out = decodeBytes(bytes, &error);
        QVERIFY2(!out.empty(), error.c_str());
        QCOMPARE(out.type(), CV_8UC3);
        QCOMPARE(out.cols, 37);
        QCOMPARE(out.rows, 23);
        cv::Mat rgb;
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
        if (ext == ".jpg" || ext == ".webp") {
            // Lossy: the mean error is small when the channels are in RGB order, large when swapped.
            cv::Mat diff, swapped;
            cv::absdiff(out, rgb, diff);
            cv::absdiff(out, bgr, swapped);
            const cv::Scalar m = cv::mean(diff), ms = cv::mean(swapped);
            QVERIFY2((m[0] + m[1] + m[2]) / 3 < 6, qPrintable(QStringLiteral("mean error %1").arg(m[0])));
            QVERIFY((ms[0] + ms[2]) / 2 > (m[0] + m[2]) / 2 + 10);
        } else {
            QCOMPARE(maxDiff(out, rgb), 0.0); // lossless: exact, in RGB order
        }
    }

    void greyStaysGrey()
    {
        const cv::Mat grey = patternImage(20, 10, 3, 1);
        const cv::Mat out = decodeBytes(encode(grey, ".png"));
        QCOMPARE(out.type(), CV_8UC1);
        QCOMPARE(maxDiff(out, grey), 0.0);
    }

    void sixteenBitBecomesEightBit()
    {
        cv::Mat img16(8, 8, CV_16UC1, cv::Scalar(65535));
        img16.at<quint16>(0, 0) = 0;
        img16.at<quint16>(1, 1) = 257 * 100;
        const cv::Mat out = decodeBytes(encode(img16, ".png"));
        QCOMPARE(out.type(), CV_8UC1);
        QCOMPARE(int(out.at<uchar>(0, 0)), 0);
        QCOMPARE(int(out.at<uchar>(1, 1)), 100);
        QCOMPARE(int(out.at<uchar>(2, 2)), 255);
    }

    void alphaIsCompositedOverWhite()
    {
        cv::Mat bgra(4, 4, CV_8UC4, cv::Scalar(0, 0, 255, 255)); // opaque red
        bgra.at<cv::Vec4b>(0, 0) = cv::Vec4b(0, 0, 0, 0);       // fully transparent black
        const cv::Mat out = decodeBytes(encode(bgra, ".png"));
        QCOMPARE(out.type(), CV_8UC3);
        QCOMPARE(out.at<cv::Vec3b>(1, 1), cv::Vec3b(255, 0, 0)); // red in RGB order
        QCOMPARE(out.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 255, 255));
    }

    void exifOrientationIsApplied_data()
    {
        QTest::addColumn<int>("orientation");
        QTest::addColumn<bool>("swapsSides");
        for (int o = 1; o <= 8; ++o)
            QTest::newRow(qPrintable(QString::number(o))) << o << (o >= 5);
    }

    void exifOrientationIsApplied()
    {
        QFETCH(int, orientation);
        QFETCH(bool, swapsSides);
        // A 40x20 image, dark left half, bright right half.
        cv::Mat img(20, 40, CV_8UC1, cv::Scalar(20));
        img(cv::Rect(20, 0, 20, 20)).setTo(230);
        const QByteArray jpeg = jpegWithOrientation(img, orientation);
        QCOMPARE(ImageDecoder::exifOrientation(jpeg.constData(), jpeg.size(), ImageDecoder::Format::Jpeg), orientation);
        const cv::Mat out = decodeBytes(jpeg);
        QVERIFY(!out.empty());
        QCOMPARE(out.cols, swapsSides ? 20 : 40);
        QCOMPARE(out.rows, swapsSides ? 40 : 20);
        // Import's cheaper validation reports the same oriented size.
        ImageDecoder::Header header;
        std::string error;
        QVERIFY2(ImageDecoder::validate(jpeg.constData(), jpeg.size(), header, error), error.c_str());
        QCOMPARE(header.width, out.cols);
        QCOMPARE(header.height, out.rows);
        // Same result as OpenCV's own EXIF handling (IMREAD_GRAYSCALE applies orientation).
        const cv::Mat reference = cv::imdecode(cv::Mat(1, static_cast<int>(jpeg.size()), CV_8UC1,
                                                       const_cast<char *>(jpeg.constData())),
                                               cv::IMREAD_GRAYSCALE);
        QCOMPARE(reference.size(), out.size());
        QVERIFY(maxDiff(reference, out) <= 2);
    }

    void refusesWithReasons_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        const QByteArray png = encode(patternImage(64, 64, 1), ".png");
        const QByteArray jpg = encode(patternImage(64, 64, 1), ".jpg");
        QTest::newRow("empty") << QByteArray() << "empty file";
        QTest::newRow("text") << QByteArray("hello, I am not an image\n") << "not a supported image";
        QTest::newRow("truncated png") << truncated(png, 0.5) << "cannot decode png";
        QTest::newRow("truncated jpeg") << truncated(jpg, 0.6) << "truncated JPEG";
        QTest::newRow("png header bomb") << pngHeaderBomb(100000, 100000) << "too large";
        QTest::newRow("jpeg header bomb") << jpegHeaderBomb(60000, 60000) << "too large";
        QTest::newRow("png over 50 MP") << pngHeaderBomb(10000, 6000) << "too large";
        QTest::newRow("openexr magic") << QByteArray("\x76\x2f\x31\x01\x02\x00\x00\x00rest", 12) << "not a supported image";
        QTest::newRow("jpeg2000 magic") << QByteArray("\x00\x00\x00\x0cjP  \r\n\x87\n", 12) << "not a supported image";
        QTest::newRow("radiance hdr") << QByteArray("#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n") << "not a supported image";
        // A tiny PNG with a chunk claiming 2 GB: libpng would allocate that before reading it.
        QByteArray chunkBomb = png;
        chunkBomb.insert(33, QByteArray("\x7e\x00\x00\x1atEXtKey\0", 12));
        QTest::newRow("png chunk claims 2 GB") << chunkBomb << "chunk tEXt claims 2113929242 bytes";
        QTest::newRow("png signature only") << QByteArray("\x89PNG\r\n\x1a\n", 8) << "cannot read the image size";
    }

    void refusesWithReasons()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        std::string error;
        const cv::Mat out = decodeBytes(bytes, &error);
        QVERIFY(out.empty());
        QVERIFY2(QString::fromStdString(error).contains(reason), error.c_str());
        ImageDecoder::Header header;
        std::string validateError;
        QVERIFY(!ImageDecoder::validate(bytes.constData(), static_cast<std::size_t>(bytes.size()), header, validateError));
        QVERIFY2(!validateError.empty(), "validate() must give a reason too");
    }

    void decodesFilesWithOddNames()
    {
        testsupport::TempDir tmp;
        const std::string name = tmp.file("caf\xc3\xa9 with space \xff\xfe.png"); // non-UTF-8 bytes
        QVERIFY(writeImage(name, 12, 9, 2));
        std::string error;
        const cv::Mat out = ImageDecoder::decodeFile(name, &error);
        QVERIFY2(!out.empty(), error.c_str());
        QCOMPARE(out.cols, 12);
        QVERIFY(ImageDecoder::decodeFile(tmp.file("missing.png"), &error).empty());
        QVERIFY(QString::fromStdString(error).contains("cannot open"));
    }

    void threadSafe()
    {
        const QByteArray jpg = encode(patternImage(200, 150, 9), ".jpg");
        const QByteArray bad = truncated(encode(patternImage(200, 150, 9), ".png"), 0.3);
        const cv::Mat expected = decodeBytes(jpg);
        std::atomic<int> failures{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < 25; ++i) {
                    if (maxDiff(decodeBytes(jpg), expected) != 0)
                        ++failures;
                    if (!decodeBytes(bad).empty())
                        ++failures;
                }
            });
        for (auto &t : threads)
            t.join();
        QCOMPARE(failures.load(), 0);
    }

    void extensionFilter()
    {
        QVERIFY(ImageDecoder::hasImageExtension("a/b.JPG"));
        QVERIFY(ImageDecoder::hasImageExtension("b.TiFf"));
        QVERIFY(ImageDecoder::hasImageExtension("b.webp"));
        QVERIFY(!ImageDecoder::hasImageExtension("b.exr"));
        QVERIFY(!ImageDecoder::hasImageExtension("b.jp2"));
        QVERIFY(!ImageDecoder::hasImageExtension("jpg"));
    }
};

QTEST_GUILESS_MAIN(TestImageDecoder)
#include "test_imagedecoder.moc"
