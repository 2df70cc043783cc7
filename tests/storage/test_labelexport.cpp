// The ImageFolder export in its two steps: the plan read from a real project (class folders made
// safe, one file per labelled image) and the copying, which reports progress and keeps what it
// wrote when cancelled part-way.
#include "storage/classrepository.h"
#include "storage/imageimporter.h"
#include "storage/labelexporter.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "support/imagecorpus.h"
#include "support/tempproject.h"

#include <QTest>

#include <filesystem>

using namespace activelabel;
using namespace activelabel::testsupport;
namespace fs = std::filesystem;

namespace {

std::size_t filesUnder(const fs::path &dir)
{
    std::size_t n = 0;
    for (const auto &entry : fs::recursive_directory_iterator(dir))
        n += entry.is_regular_file() || entry.is_symlink() ? 1 : 0;
    return n;
}

} // namespace

class TestLabelExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void planNamesClassFoldersSafely()
    {
        TempDir tmp;
        const std::string tree = tmp.file("tree");
        QVERIFY(writeImageFolder(tree, {"cat", "dog"}, 3));
        auto project = Project::create(tmp.file("p"));
        ImageImporter::Options options;
        options.labelMode = ImportLabelMode::Labels;
        QCOMPARE(ImageImporter(project->database(), options).importPaths({tree}, true, {}).labelled, 6);
        ClassRepository classes(project->database());
        classes.rename(classes.find(QStringLiteral("dog"))->id, QStringLiteral("../hot/dog"));

        const ImageFolderPlan plan = LabelExporter::planImageFolder(*project);
        QCOMPARE(plan.files.size(), std::size_t(6));
        for (const auto &file : plan.files) {
            QVERIFY(file.source.is_absolute());
            QVERIFY(fs::exists(file.source));
            const std::string folder = file.target.begin()->string();
            QVERIFY2(folder == "cat" || folder == "_._hot_dog", folder.c_str()); // no way out of DIR
        }
        QCOMPARE(LabelExporter::writePlannedFiles(plan, tmp.file("out"), false), std::size_t(6));
        QCOMPARE(filesUnder(tmp.file("out")), std::size_t(6));
    }

    void copyingReportsProgressAndStopsWhenCancelled()
    {
        TempDir tmp;
        ImageFolderPlan plan;
        for (int i = 0; i < 200; ++i) {
            const std::string source = tmp.file("src" + std::to_string(i) + ".png");
            QVERIFY(writeImage(source, 8, 8, i));
            plan.files.push_back({source, fs::path(i % 2 ? "odd" : "even") / ("img" + std::to_string(i) + ".png")});
        }
        std::vector<ImportProgress> seen;
        const std::size_t written = LabelExporter::writePlannedFiles(plan, tmp.file("out"), true, [&](const ImportProgress &p) {
            seen.push_back(p);
            return p.done < 100; // the user cancels once half is done
        });
        QVERIFY(!seen.empty());
        QCOMPARE(seen.front().done, std::int64_t(0));
        QCOMPARE(seen.front().total, std::int64_t(200));
        QCOMPARE(seen.front().phase, QStringLiteral("exporting"));
        QVERIFY(written >= 100 && written < 200);
        QCOMPARE(filesUnder(tmp.file("out")), written); // what was written before the cancel stays
        QVERIFY(fs::is_symlink(tmp.file("out") + "/even/img0.png"));

        seen.clear();
        QCOMPARE(LabelExporter::writePlannedFiles(plan, tmp.file("out"), false, [&](const ImportProgress &p) {
                     seen.push_back(p);
                     return true;
                 }),
                 std::size_t(200));
        QCOMPARE(seen.back().done, std::int64_t(200)); // the last report says all of it
        QCOMPARE(filesUnder(tmp.file("out")), std::size_t(200));
        QVERIFY(!fs::is_symlink(tmp.file("out") + "/even/img0.png")); // copies replace the earlier links
    }
};

QTEST_GUILESS_MAIN(TestLabelExport)
#include "test_labelexport.moc"
