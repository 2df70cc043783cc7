// File → Import → Rescan Imported Folders, end to end in the real main window: folders imported
// before are walked again on the import thread, only new files are added (the labelling queue
// and the browser see them), and files that could not be imported are listed in the summary box.
// Also the CLI's `import PROJECT --rescan`.
#include "app/gui/projectcontroller.h"
#include "storage/imageimporter.h"
#include "storage/imagerepository.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "support/cli.h"
#include "support/imagecorpus.h"
#include "ui/imagebrowser.h"
#include "ui/mainwindow.h"

#include <QAction>
#include <QMessageBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

using namespace activelabel;
using namespace activelabel::testsupport;

namespace {

std::int64_t imageCount(const QString &project)
{
    Database db(std::filesystem::path(project.toStdString()) / "project.sqlite", Database::Access::ReadOnly);
    return db.scalarInt("SELECT COUNT(*) FROM images");
}

} // namespace

class TestRescan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("ActiveLabelTests"));
        QStandardPaths::setTestModeEnabled(true);
    }

    void menuActionAddsOnlyNewFiles()
    {
        QTemporaryDir root;
        const std::string images = root.path().toStdString() + "/images";
        std::filesystem::create_directories(images + "/day1");
        for (int i = 0; i < 6; ++i)
            QVERIFY(writeImage(images + "/day1/" + std::to_string(i) + ".png", 32, 32, i));
        const QString project = root.path() + QStringLiteral("/project");
        {
            auto p = Project::create(project.toStdString());
            QCOMPARE(ImageImporter(p->database(), {}).importPaths({images}, false).added, std::int64_t(6));
        }

        MainWindow window;
        ProjectController controller(&window);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        controller.openProject(project);
        QVERIFY(controller.hasProject());
        auto *rescan = window.findChild<QAction *>(QStringLiteral("rescanAction"));
        QVERIFY(rescan);
        QVERIFY(rescan->isEnabled());

        // New files arrive in the imported folder (and a sub-folder), one of them broken.
        std::filesystem::create_directories(images + "/day2");
        for (int i = 0; i < 4; ++i)
            QVERIFY(writeImage(images + "/day2/" + std::to_string(i) + ".jpg", 40, 30, 100 + i));
        QVERIFY(writeFile(images + "/day2/broken.png", QByteArray("truncated garbage")));

        QString details;
        QTimer closer;
        connect(&closer, &QTimer::timeout, [&] {
            for (QWidget *w : QApplication::topLevelWidgets())
                if (auto *box = qobject_cast<QMessageBox *>(w); box && box->isVisible()) {
                    details = box->detailedText();
                    box->accept();
                }
        });
        closer.start(50);
        rescan->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(imageCount(project), std::int64_t(10), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(details.contains(QStringLiteral("broken.png")), 20000);
        QCOMPARE(details.count(QLatin1Char('\n')), 0); // only the broken file is listed

        // The browser shows the new images after the import.
        // (Rows are fetched lazily, as the view scrolls; the Browse page is not shown here.)
        QAbstractItemModel *model = window.imageBrowser()->model();
        while (model->canFetchMore({}))
            model->fetchMore({});
        QCOMPARE(model->rowCount(), 10);

        // Rescanning again adds nothing and lists nothing (the broken file is known). The import's
        // summary in the status bar says it has finished (a problem box would have come first).
        details.clear();
        window.statusBar()->clearMessage();
        rescan->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(
            window.statusBar()->currentMessage().contains(QStringLiteral(" added, ")), 20000);
        QCOMPARE(window.statusBar()->currentMessage(),
                 QStringLiteral("0 added, 0 duplicates, 0 rejected"));
        QCOMPARE(imageCount(project), std::int64_t(10));
        QVERIFY2(details.isEmpty(), qPrintable(details));
    }

    void cliRescan()
    {
        if (!QFileInfo::exists(cliPath()))
            QSKIP("activelabel-cli not built");
        QTemporaryDir root;
        const std::string images = root.path().toStdString() + "/imgs";
        std::filesystem::create_directories(images);
        QVERIFY(writeImage(images + "/a.png", 20, 20, 1));
        const QString project = root.path() + QStringLiteral("/p");
        QCOMPARE(runCli({QStringLiteral("init"), project}).exitCode, 0);
        QCOMPARE(
            runCli({QStringLiteral("import"), project, QString::fromStdString(images)}).exitCode,
            0);
        QVERIFY(writeImage(images + "/b.png", 20, 20, 2));
        const CliResult rescan =
            runCli({QStringLiteral("import"), project, QStringLiteral("--rescan")});
        QCOMPARE(rescan.exitCode, 0);
        QVERIFY2(rescan.out.contains(QStringLiteral("1 added, 0 duplicates, 0 rejected")),
                 qPrintable(rescan.describe()));
        QCOMPARE(imageCount(project), std::int64_t(2));
        // --rescan takes no paths.
        QVERIFY(runCli({QStringLiteral("import"), project, QStringLiteral("--rescan"),
                        QString::fromStdString(images)})
                    .exitCode > 0);
    }
};

QTEST_MAIN(TestRescan)
#include "test_rescan.moc"
