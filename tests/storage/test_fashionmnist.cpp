// Fashion-MNIST import from Debian's IDX files: counts, classes, seeded subsets, ground truth that
// agrees with the IDX labels, and PNG pixels identical to the IDX pixels.
#include "storage/classrepository.h"
#include "storage/fashionmnistimporter.h"
#include "storage/groundtruthrepository.h"
#include "storage/idxreader.h"
#include "storage/imagedecoder.h"
#include "storage/labelrepository.h"
#include "storage/project.h"
#include "storage/settingsrepository.h"
#include "storage/sqlitedatabase.h"
#include "support/imagecorpus.h"
#include "support/tempproject.h"

#include <QTest>


#include <filesystem>
#include <map>

using namespace activelabel;
namespace fs = std::filesystem;

class TestFashionMnist : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!fs::exists(FashionMnist::trainImages(FashionMnist::defaultDirectory())))
            QSKIP("dataset-fashion-mnist is not installed");
    }

    void idxReader()
    {
        const IdxArray images = IdxReader::read(FashionMnist::testImages(FashionMnist::defaultDirectory()));
        const IdxArray labels = IdxReader::read(FashionMnist::testLabels(FashionMnist::defaultDirectory()));
        QCOMPARE(images.dims, (std::vector<std::uint32_t>{10000, 28, 28}));
        QCOMPARE(labels.dims, (std::vector<std::uint32_t>{10000}));
        QCOMPARE(images.itemSize(), std::size_t(784));
        std::map<int, int> perClass;
        for (auto l : labels.data)
            perClass[l]++;
        QCOMPARE(perClass.size(), std::size_t(10));
        for (const auto &[cls, n] : perClass)
            QCOMPARE(n, 1000); // the test set is balanced
        // Uncompressed IDX reads the same; truncated and non-IDX files are errors.
        testsupport::TempDir tmp;
        QByteArray raw("\x00\x00\x08\x01\x00\x00\x00\x03\x07\x08\x09", 11);
        QVERIFY(testsupport::writeFile(tmp.file("l.idx"), raw));
        QCOMPARE(IdxReader::read(tmp.file("l.idx")).data, (std::vector<std::uint8_t>{7, 8, 9}));
        QVERIFY(testsupport::writeFile(tmp.file("short.idx"), raw.left(9)));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, IdxReader::read(tmp.file("short.idx")));
        // A header claiming 65536 x 256 x 255 bytes (4 GB) over 3 bytes of data: an error, without
        // allocating the 4 GB first (found by tests/fuzz/fuzz_idxreader).
        QVERIFY(testsupport::writeFile(tmp.file("claims4g.idx"),
                                       QByteArray("\x00\x00\x08\x03\x00\x01\x00\x00\x00\x00\x01\x00\x00\x00\x00\xff\x01\x02\x03", 19)));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, IdxReader::read(tmp.file("claims4g.idx")));
        QVERIFY(testsupport::writeFile(tmp.file("text.idx"), "hello world"));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, IdxReader::read(tmp.file("text.idx")));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, IdxReader::read(tmp.file("missing.idx")));
    }

    void importSubsetAndTestSplit()
    {
        testsupport::TempDir tmp;
        auto project = Project::create(tmp.file("p"));
        Database &db = project->database();
        FashionMnistImporter::Options options;
        options.limit = 300;
        options.seed = 7;
        std::int64_t lastDone = 0;
        const ImportSummary s = FashionMnistImporter(*project, options).run([&](const ImportProgress &p) {
            lastDone = p.done;
            return true;
        });
        QCOMPARE(s.added, std::int64_t(10300));
        QCOMPARE(lastDone, std::int64_t(10300));
        const ImageCounts counts = ImageRepository(db).counts();
        QCOMPARE(counts.pool, std::int64_t(300));
        QCOMPARE(counts.test, std::int64_t(10000));
        QCOMPARE(counts.unlabelledPool, std::int64_t(300)); // dataset labels are ground truth, not labels
        QCOMPARE(LabelRepository(db).count(), std::int64_t(0));
        QCOMPARE(GroundTruthRepository(db).count(), std::int64_t(10300));

        const auto classes = ClassRepository(db).list();
        QCOMPARE(classes.size(), std::size_t(10));
        for (std::size_t i = 0; i < classes.size(); ++i)
            QCOMPARE(classes[i].name.toStdString(), FashionMnist::classNames()[i]);
        QCOMPARE(classes[0].name, QStringLiteral("T-shirt/top"));
        QCOMPARE(classes[9].name, QStringLiteral("Ankle boot"));

        // Every image: ground truth = the IDX label; pixels of sampled PNGs = the IDX pixels.
        const auto dir = FashionMnist::defaultDirectory();
        const IdxArray trainImages = IdxReader::read(FashionMnist::trainImages(dir));
        const IdxArray trainLabels = IdxReader::read(FashionMnist::trainLabels(dir));
        const IdxArray testImages = IdxReader::read(FashionMnist::testImages(dir));
        const IdxArray testLabels = IdxReader::read(FashionMnist::testLabels(dir));
        std::map<std::int64_t, int> positionOfClass;
        for (const ClassInfo &c : classes)
            positionOfClass[c.id] = c.position;
        GroundTruthRepository truth(db);
        int checkedPixels = 0;
        std::int64_t after = 0;
        for (;;) {
            const auto page = ImageRepository(db).list({}, after, 1000);
            if (page.empty())
                break;
            for (const ImageRecord &r : page) {
                // Stored relative to the project: images/fashion-mnist/<train|test>/<index>.png
                const fs::path rel(r.path);
                QVERIFY(rel.is_relative());
                const std::size_t index = std::stoul(rel.stem().string());
                const bool test = r.split == Split::Test;
                QCOMPARE(rel.parent_path().filename().string(), std::string(test ? "test" : "train"));
                const IdxArray &labels = test ? testLabels : trainLabels;
                QCOMPARE(positionOfClass[*truth.get(r.id)], int(labels.data[index]));
                if (r.id % 97 == 0) {
                    const cv::Mat pixels = ImageDecoder::decodeFile(project->resolve(r.path));
                    QCOMPARE(pixels.type(), CV_8UC1);
                    const IdxArray &images = test ? testImages : trainImages;
                    QVERIFY(std::equal(pixels.datastart, pixels.dataend, images.item(index)));
                    ++checkedPixels;
                }
                after = r.id;
            }
        }
        QVERIFY(checkedPixels > 50);

        // A second import is refused instead of duplicating the dataset.
        QVERIFY(SettingsRepository(db).value(QString::fromLatin1(FashionMnistImporter::kImportedSetting)));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, FashionMnistImporter(*project, options).run());
    }

    void seededSubsetIsDeterministic()
    {
        // Same seed -> same subset; another seed -> another subset (checked on a small dataset
        // copy: the real test split would make this slow).
        testsupport::TempDir tmp;
        const auto dir = FashionMnist::defaultDirectory();
        fs::create_directories(tmp.file("fm"));
        // A miniature dataset: 200 training images, 5 test images, written as uncompressed IDX.
        const IdxArray trainImages = IdxReader::read(FashionMnist::trainImages(dir));
        const IdxArray trainLabels = IdxReader::read(FashionMnist::trainLabels(dir));
        auto writeIdx = [&](const std::string &name, const IdxArray &a, std::uint32_t n) {
            QByteArray out("\x00\x00\x08", 3);
            out.append(char(a.dims.size()));
            for (std::size_t d = 0; d < a.dims.size(); ++d) {
                const std::uint32_t v = d == 0 ? n : a.dims[d];
                out.append(char(v >> 24)).append(char(v >> 16)).append(char(v >> 8)).append(char(v));
            }
            out.append(reinterpret_cast<const char *>(a.data.data()), static_cast<qsizetype>(n * a.itemSize()));
            return testsupport::writeFile(tmp.file("fm/" + name), out);
        };
        QVERIFY(writeIdx("train-images-idx3-ubyte.gz", trainImages, 200)); // gzread reads plain files too
        QVERIFY(writeIdx("train-labels-idx1-ubyte.gz", trainLabels, 200));
        QVERIFY(writeIdx("t10k-images-idx3-ubyte.gz", trainImages, 5));
        QVERIFY(writeIdx("t10k-labels-idx1-ubyte.gz", trainLabels, 5));

        auto subset = [&](const std::string &name, std::uint32_t seed) {
            auto project = Project::create(tmp.file(name));
            FashionMnistImporter::Options o;
            o.sourceDir = tmp.file("fm");
            o.limit = 20;
            o.seed = seed;
            FashionMnistImporter(*project, o).run();
            std::vector<std::string> paths;
            ImageFilter pool;
            pool.split = Split::Pool;
            for (const ImageRecord &r : ImageRepository(project->database()).list(pool, 0, 1000))
                paths.push_back(r.path);
            return paths;
        };
        const auto a = subset("a", 1);
        const auto b = subset("b", 1);
        const auto c = subset("c", 2);
        QCOMPARE(a.size(), std::size_t(20));
        QCOMPARE(a, b);
        QVERIFY(a != c);
    }
};

QTEST_GUILESS_MAIN(TestFashionMnist)
#include "test_fashionmnist.moc"
