// Folder, ImageFolder and CSV import of real generated files: good images are added, bad ones
// rejected with reasons in the import log, duplicates skipped by content, symlink loops survived,
// non-UTF-8 names kept byte-exact, labels stored as labels or ground truth.
#include "storage/classrepository.h"
#include "storage/groundtruthrepository.h"
#include "storage/imageimporter.h"
#include "storage/imageloader.h"
#include "storage/importlogrepository.h"
#include "storage/importrootrepository.h"
#include "storage/labelrepository.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "support/imagecorpus.h"
#include "support/tempproject.h"

#include <QTest>

#include <filesystem>
#include <map>
#include <set>

using namespace activelabel;
using namespace activelabel::testsupport;
namespace fs = std::filesystem;

namespace {

std::map<std::string, QString> rejectedByName(Database &db)
{
    std::map<std::string, QString> out;
    for (const ImportLogEntry &e : ImportLogRepository(db).recent(1000))
        out[fs::path(e.path).filename().native()] = e.kind + ": " + e.reason;
    return out;
}

std::set<std::string> storedPaths(Database &db)
{
    std::set<std::string> out;
    for (const ImageRecord &r : ImageRepository(db).list({}, 0, 100000))
        out.insert(r.path);
    return out;
}

} // namespace

class TestImport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void folderWithGoodAndBadFiles()
    {
        TempDir tmp;
        const std::string src = tmp.file("src dir");
        fs::create_directories(src + "/nested/deeper");
        QVERIFY(writeImage(src + "/a.jpg", 64, 48, 1));
        QVERIFY(writeImage(src + "/B.PNG", 32, 32, 2));
        QVERIFY(writeImage(src + "/nested/c.bmp", 30, 20, 3, 1));
        QVERIFY(writeImage(src + "/nested/deeper/d.tiff", 25, 15, 4));
        QVERIFY(writeImage(src + "/nested/deeper/e.webp", 40, 30, 5));
        const std::string oddName = src + "/\xff\xfe odd \xc3\xa9.png"; // not valid UTF-8
        QVERIFY(writeImage(oddName, 16, 16, 6));
        QVERIFY(writeFile(src + "/zero.jpg", {}));
        QVERIFY(writeFile(src + "/text.jpg", "this is text, not a JPEG\n"));
        QVERIFY(writeFile(src + "/cut.png", truncated(encode(patternImage(64, 64, 7), ".png"), 0.5)));
        QVERIFY(writeFile(src + "/bomb.png", pngHeaderBomb(100000, 100000)));
        QVERIFY(writeFile(src + "/notes.txt", "ignored: not an image extension"));
        // A duplicate (same bytes, other name) and a symlink loop back to the root.
        fs::copy_file(src + "/a.jpg", src + "/nested/a-copy.jpg");
        fs::create_directory_symlink(src, src + "/nested/loop");

        auto project = Project::create(tmp.file("p"));
        Database &db = project->database();
        std::vector<ImportProgress> progress;
        ImageImporter importer(db, {});
        const ImportSummary summary = importer.importPaths({src}, false, [&](const ImportProgress &p) {
            progress.push_back(p);
            return true;
        });
        QCOMPARE(summary.added, std::int64_t(6));
        QCOMPARE(summary.rejected, std::int64_t(4));
        QCOMPARE(summary.duplicates, std::int64_t(1));
        QVERIFY(!summary.cancelled);
        QVERIFY(!progress.empty());
        QCOMPARE(progress.back().done, progress.back().total);

        const auto log = rejectedByName(db);
        QVERIFY2(log.at("zero.jpg").contains("empty file"), qPrintable(log.at("zero.jpg")));
        QVERIFY2(log.at("text.jpg").contains("not a supported image"), qPrintable(log.at("text.jpg")));
        QVERIFY2(log.at("cut.png").contains("cannot decode"), qPrintable(log.at("cut.png")));
        QVERIFY2(log.at("bomb.png").contains("too large"), qPrintable(log.at("bomb.png")));
        QVERIFY2(log.at("a-copy.jpg").startsWith("duplicate"), qPrintable(log.at("a-copy.jpg")));
        QVERIFY(!log.count("notes.txt"));
        QCOMPARE(ImportLogRepository(db).rejectedCount(), std::int64_t(4));

        // The non-UTF-8 name is stored byte-exact and resolves to the file.
        const auto paths = storedPaths(db);
        QVERIFY(paths.count(fs::absolute(oddName).lexically_normal().native()) ||
                paths.count(fs::absolute(oddName).native()));
        // Dimensions come from the decoded image.
        bool sawBmp = false;
        for (const ImageRecord &r : ImageRepository(db).list({}, 0, 100)) {
            QVERIFY(fs::exists(project->resolve(r.path)));
            QCOMPARE(r.split, Split::Pool);
            QCOMPARE(r.contentHash.size(), 20); // SHA-1
            if (fs::path(r.path).filename() == "c.bmp") {
                sawBmp = true;
                QCOMPARE(r.width, 30);
                QCOMPARE(r.height, 20);
            }
        }
        QVERIFY(sawBmp);

        // Importing again adds nothing: everything is a duplicate.
        const ImportSummary again = ImageImporter(db, {}).importPaths({src}, false);
        QCOMPARE(again.added, std::int64_t(0));
        QCOMPARE(again.duplicates, std::int64_t(7));
        QCOMPARE(ImageRepository(db).counts().total, std::int64_t(6));
    }

    void explicitFilesAndMissingPaths()
    {
        TempDir tmp;
        QVERIFY(writeImage(tmp.file("one.png"), 10, 10, 1));
        QVERIFY(writeFile(tmp.file("image.dat"), encode(patternImage(10, 10, 2), ".png"))); // odd extension, real PNG
        auto project = Project::create(tmp.file("p"));
        const ImportSummary s = ImageImporter(project->database(), {})
                                    .importPaths({tmp.file("one.png"), tmp.file("image.dat"), tmp.file("nope")}, false);
        QCOMPARE(s.added, std::int64_t(2)); // a file named explicitly is checked by content
        QCOMPARE(s.rejected, std::int64_t(1));
        QVERIFY(s.problems.front().second.contains("no such file"));
    }

    void imageFolderAsLabelsAndAsGroundTruth()
    {
        TempDir tmp;
        const std::string root = tmp.file("tree");
        for (const char *cls : {"cat", "dog", "b\xc3\xa4r"})
            fs::create_directories(root + "/" + cls + "/sub");
        QVERIFY(writeImage(root + "/cat/1.png", 10, 10, 1));
        QVERIFY(writeImage(root + "/cat/sub/2.png", 10, 10, 2)); // deeper: still "cat"
        QVERIFY(writeImage(root + "/dog/3.jpg", 10, 10, 3));
        QVERIFY(writeImage(root + "/b\xc3\xa4r/4.png", 10, 10, 4));
        QVERIFY(writeImage(root + "/top.png", 10, 10, 5)); // no class folder: unlabelled

        auto project = Project::create(tmp.file("p"));
        Database &db = project->database();
        ImageImporter::Options labelsOpt;
        labelsOpt.labelMode = ImportLabelMode::Labels;
        const ImportSummary s = ImageImporter(db, labelsOpt).importPaths({root}, true);
        QCOMPARE(s.added, std::int64_t(5));
        QCOMPARE(s.labelled, std::int64_t(4));
        QCOMPARE(s.groundTruth, std::int64_t(0));
        QCOMPARE(s.classesAdded, std::int64_t(3));
        ClassRepository classes(db);
        QVERIFY(classes.find(QStringLiteral("bär")));
        std::map<QString, int> perClass;
        for (const Label &l : LabelRepository(db).all()) {
            QCOMPARE(l.source, LabelSource::Import);
            perClass[classes.get(l.classId)->name]++;
        }
        QCOMPARE(perClass[QStringLiteral("cat")], 2);
        QCOMPARE(perClass[QStringLiteral("dog")], 1);
        QCOMPARE(GroundTruthRepository(db).count(), std::int64_t(0));
        QCOMPARE(LabelRepository(db).history(LabelRepository(db).all().front().imageId).size(), std::size_t(1));

        // The same tree as ground truth in a fresh project: no labels at all.
        auto gtProject = Project::create(tmp.file("q"));
        ImageImporter::Options gtOpt;
        gtOpt.labelMode = ImportLabelMode::GroundTruth;
        const ImportSummary gt =
            ImageImporter(gtProject->database(), gtOpt).importPaths({root}, true);
        QCOMPARE(gt.labelled, std::int64_t(0));
        QCOMPARE(gt.groundTruth, std::int64_t(4));
        // The summary line says what was written: ground truth, not labels.
        QVERIFY2(!gt.text().contains(QStringLiteral("labelled")), qPrintable(gt.text()));
        QVERIFY2(gt.text().contains(QStringLiteral("4 with ground truth")), qPrintable(gt.text()));
        QCOMPARE(LabelRepository(gtProject->database()).count(), std::int64_t(0));
        QCOMPARE(GroundTruthRepository(gtProject->database()).count(), std::int64_t(4));
        QCOMPARE(ImageRepository(gtProject->database()).counts().unlabelledPool, std::int64_t(5));
    }

    void rescanAddsOnlyNewFiles()
    {
        TempDir tmp;
        const std::string plain = tmp.file("plain");
        const std::string tree = tmp.file("tree");
        fs::create_directories(plain + "/sub");
        fs::create_directories(tree + "/cat");
        QVERIFY(writeImage(plain + "/a.png", 20, 20, 1));
        QVERIFY(writeImage(plain + "/sub/b.jpg", 20, 20, 2));
        QVERIFY(writeFile(plain + "/broken.png", "not a png"));
        QVERIFY(writeImage(tree + "/cat/c.png", 20, 20, 3));
        QVERIFY(writeImage(tmp.file("single.png"), 20, 20, 4));

        auto project = Project::create(tmp.file("p"));
        Database &db = project->database();
        QCOMPARE(ImageImporter(db, {}).importPaths({plain, tmp.file("single.png")}, false).added, std::int64_t(3));
        ImageImporter::Options gt;
        gt.labelMode = ImportLabelMode::GroundTruth;
        QCOMPARE(ImageImporter(db, gt).importPaths({tree}, true).added, std::int64_t(1));
        // Folders are remembered with how they were imported; single files are not.
        const auto roots = ImportRootRepository(db).list();
        QCOMPARE(roots.size(), std::size_t(2));
        QCOMPARE(roots[0].path, plain);
        QVERIFY(!roots[0].imageFolder);
        QCOMPARE(roots[1].path, tree);
        QVERIFY(roots[1].imageFolder);
        QCOMPARE(roots[1].labelMode, ImportLabelMode::GroundTruth);

        // Nothing new: nothing read, nothing logged again.
        const std::int64_t logged = std::int64_t(ImportLogRepository(db).recent(1000).size());
        const ImportSummary none = ImageImporter(db, {}).rescan();
        QCOMPARE(none.candidates, std::int64_t(0));
        QCOMPARE(none.added + none.rejected + none.duplicates, std::int64_t(0));
        QCOMPARE(std::int64_t(ImportLogRepository(db).recent(1000).size()), logged);

        // New files: two good ones, a copy of an imported one, a broken one, a new class folder.
        QVERIFY(writeImage(plain + "/sub/new1.png", 20, 20, 10));
        QVERIFY(writeImage(plain + "/new2.jpg", 20, 20, 11));
        fs::copy_file(plain + "/a.png", plain + "/copy-of-a.png");
        QVERIFY(writeFile(plain + "/broken2.jpg", "not a jpeg either"));
        fs::create_directories(tree + "/dog");
        QVERIFY(writeImage(tree + "/dog/d.png", 20, 20, 12));
        const ImportSummary s = ImageImporter(db, {}).rescan();
        QCOMPARE(s.added, std::int64_t(3));
        QCOMPARE(s.duplicates, std::int64_t(1));
        QCOMPARE(s.rejected, std::int64_t(1));
        QCOMPARE(s.problems.size(), std::size_t(2));
        const auto paths = storedPaths(db);
        QVERIFY(paths.count(plain + "/sub/new1.png"));
        QVERIFY(paths.count(plain + "/new2.jpg"));
        QVERIFY(paths.count(tree + "/dog/d.png"));
        QCOMPARE(paths.size(), std::size_t(7));
        // The tree keeps its import mode: the new folder is ground truth, not a label.
        QCOMPARE(LabelRepository(db).count(), std::int64_t(0));
        QCOMPARE(GroundTruthRepository(db).count(), std::int64_t(2));
        QVERIFY(ClassRepository(db).find(QStringLiteral("dog")));

        // A second rescan finds nothing new (duplicates and rejects are not read again).
        const ImportSummary again = ImageImporter(db, {}).rescan();
        QCOMPARE(again.candidates, std::int64_t(0));
        QCOMPARE(again.rejected + again.duplicates + again.added, std::int64_t(0));

        // A folder that went away is reported, the others still rescanned.
        fs::remove_all(tree);
        QVERIFY(writeImage(plain + "/late.png", 20, 20, 13));
        const ImportSummary gone = ImageImporter(db, {}).rescan();
        QCOMPARE(gone.added, std::int64_t(1));
        QCOMPARE(gone.problems.size(), std::size_t(1));
        QVERIFY(gone.problems[0].second.contains(QStringLiteral("no longer exists")));
    }

    void csvWithQuotingAndRelativePaths()
    {
        TempDir tmp;
        const std::string dir = tmp.file("data set");
        fs::create_directories(dir + "/imgs");
        QVERIFY(writeImage(dir + "/imgs/a, b.png", 10, 10, 1));
        QVERIFY(writeImage(dir + "/imgs/q\"uote.png", 10, 10, 2));
        QVERIFY(writeImage(tmp.file("abs.png"), 10, 10, 3));
        QVERIFY(writeImage(dir + "/imgs/nolabel.png", 10, 10, 4));
        const std::string csv = "\xEF\xBB\xBFpath,label\r\n"
                                "\"imgs/a, b.png\",\"Class, with comma\"\r\n"
                                "\"imgs/q\"\"uote.png\",dog\r\n" +
                                tmp.file("abs.png") + ",dog\n"
                                "imgs/nolabel.png,\n"
                                "imgs/missing.png,dog\n";
        QVERIFY(writeFile(dir + "/list.csv", QByteArray::fromStdString(csv)));

        auto project = Project::create(tmp.file("p"));
        Database &db = project->database();
        ImageImporter::Options opt;
        opt.labelMode = ImportLabelMode::Labels;
        const ImportSummary s = ImageImporter(db, opt).importCsv(dir + "/list.csv");
        QCOMPARE(s.added, std::int64_t(4));
        QCOMPARE(s.rejected, std::int64_t(1));
        QCOMPARE(s.labelled, std::int64_t(3));
        QVERIFY(rejectedByName(db).at("missing.png").contains("cannot open"));
        const auto classes = ClassRepository(db).list();
        QCOMPARE(classes.size(), std::size_t(2));
        QCOMPARE(classes[0].name, QStringLiteral("Class, with comma"));
        QCOMPARE(classes[1].name, QStringLiteral("dog"));
        const auto paths = storedPaths(db);
        QVERIFY(paths.count(dir + "/imgs/q\"uote.png"));

        // Malformed CSV and a CSV without a path column are clear errors.
        QVERIFY(writeFile(tmp.file("bad.csv"), "path,label\n\"unterminated,dog\n"));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, ImageImporter(db, opt).importCsv(tmp.file("bad.csv")));
        QVERIFY(writeFile(tmp.file("nopath.csv"), "file,label\nx.png,dog\n"));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, ImageImporter(db, opt).importCsv(tmp.file("nopath.csv")));
    }

    void cancelKeepsCommittedBatches()
    {
        TempDir tmp;
        fs::create_directories(tmp.file("src"));
        for (int i = 0; i < 10; ++i)
            QVERIFY(writeImage(tmp.file("src/" + std::to_string(i) + ".png"), 8, 8, i));
        auto project = Project::create(tmp.file("p"));
        ImageImporter::Options opt;
        opt.batchSize = 3;
        int calls = 0;
        const ImportSummary s = ImageImporter(project->database(), opt)
                                    .importPaths({tmp.file("src")}, false, [&](const ImportProgress &p) {
                                        return p.phase != QStringLiteral("importing") || ++calls < 2;
                                    });
        QVERIFY(s.cancelled);
        QCOMPARE(s.added, std::int64_t(6));
        QCOMPARE(ImageRepository(project->database()).counts().total, std::int64_t(6));
    }

    void loadById()
    {
        TempDir tmp;
        QVERIFY(writeImage(tmp.file("a.png"), 21, 13, 1));
        QVERIFY(writeImage(tmp.file("b.jpg"), 8, 5, 2, 1));
        auto project = Project::create(tmp.file("p"));
        ImageImporter(project->database(), {}).importPaths({tmp.file("a.png"), tmp.file("b.jpg")}, false);
        ImageLoader loader(*project);
        const cv::Mat a = loader.load(1);
        QCOMPARE(a.type(), CV_8UC3);
        QCOMPARE(a.cols, 21);
        QCOMPARE(loader.load(2).type(), CV_8UC1);
        std::string error;
        QVERIFY(loader.load(3, &error).empty());
        QVERIFY(QString::fromStdString(error).contains("no image"));
        const auto paths = loader.resolvedPaths({2, 1, 9});
        QCOMPARE(paths.size(), std::size_t(3));
        QCOMPARE(paths[0].filename().string(), std::string("b.jpg"));
        QCOMPARE(paths[1].filename().string(), std::string("a.png"));
        QVERIFY(paths[2].empty());
        // A file deleted after import: a reason, not a crash.
        fs::remove(tmp.file("a.png"));
        QVERIFY(loader.load(1, &error).empty());
        QVERIFY(QString::fromStdString(error).contains("cannot open"));
    }

    void pagingListsEveryImageOnce()
    {
        TempDir tmp;
        auto project = Project::create(tmp.file("p"));
        Database &db = project->database();
        ImageRepository images(db);
        for (int i = 0; i < 25; ++i) {
            ImageRecord r;
            r.path = "x" + std::to_string(i);
            r.contentHash = QByteArray::number(i);
            r.split = i % 5 == 0 ? Split::Test : Split::Pool;
            images.add(r);
        }
        ImageFilter pool;
        pool.split = Split::Pool;
        std::vector<std::int64_t> seen;
        std::int64_t after = 0;
        for (;;) {
            const auto page = images.list(pool, after, 7);
            if (page.empty())
                break;
            for (const auto &r : page) {
                QCOMPARE(r.split, Split::Pool);
                seen.push_back(r.id);
            }
            after = page.back().id;
        }
        QCOMPARE(seen.size(), std::size_t(20));
        QCOMPARE(images.count(pool), std::int64_t(20));
        QCOMPARE(images.ids(pool), seen);
        const ImageCounts c = images.counts();
        QCOMPARE(c.test, std::int64_t(5));
        QCOMPARE(c.unlabelledPool, std::int64_t(20));
    }
};

QTEST_GUILESS_MAIN(TestImport)
#include "test_import.moc"
