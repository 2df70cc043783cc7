// File → Export → ImageFolder in the real main window: the copying runs on its own thread behind a
// progress dialog (the dialog that imports use, titled for the export), the window stays usable,
// and the status bar reports the files written. Also the CLI's progress line for the same export.
#include "app/gui/projectcontroller.h"
#include "storage/imageimporter.h"
#include "storage/project.h"
#include "support/cli.h"
#include "support/imagecorpus.h"
#include "ui/mainwindow.h"
#include "ui/panels/exportdialog.h"

#include <QProgressDialog>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using namespace activelabel;
using namespace activelabel::testsupport;
namespace fs = std::filesystem;

namespace {

constexpr int kPerClass = 40;

std::size_t filesUnder(const fs::path &dir)
{
    std::size_t n = 0;
    for (const auto &entry : fs::recursive_directory_iterator(dir))
        n += entry.is_regular_file() ? 1 : 0;
    return n;
}

// A project whose images are labelled by their ImageFolder import.
QString labelledProject(const QTemporaryDir &root)
{
    const std::string tree = root.path().toStdString() + "/tree";
    if (!writeImageFolder(tree, {"cat", "dog"}, kPerClass))
        return {};
    const QString project = root.path() + QStringLiteral("/project");
    auto p = Project::create(project.toStdString());
    ImageImporter::Options options;
    options.labelMode = ImportLabelMode::Labels;
    ImageImporter(p->database(), options).importPaths({tree}, true);
    return project;
}

} // namespace

class TestFileExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("ActiveLabelTests"));
        QStandardPaths::setTestModeEnabled(true);
    }

    void imageFolderExportRunsBehindAProgressDialog()
    {
        QTemporaryDir root;
        const QString project = labelledProject(root);
        QVERIFY(!project.isEmpty());
        MainWindow window;
        ProjectController controller(&window);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        controller.openProject(project);
        QVERIFY(controller.hasProject());

        const QString out = root.path() + QStringLiteral("/export");
        QString progressTitle;
        QTimer driver;
        connect(&driver, &QTimer::timeout, [&] {
            for (QWidget *w : QApplication::topLevelWidgets())
                if (auto *dialog = qobject_cast<ExportDialog *>(w); dialog && dialog->isVisible()) {
                    dialog->setDefaultDirectory(out);
                    dialog->setKind(ExportRequest::Kind::ImageFolder);
                    dialog->exportNow();
                    // Started: the job's dialog is up until the copying thread reports back.
                    if (auto *progress = window.findChild<QProgressDialog *>(QStringLiteral("fileJobProgress")))
                        progressTitle = progress->windowTitle();
                }
        });
        driver.start(20);
        Q_EMIT window.exportRequested();
        QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().startsWith(QStringLiteral("Exported ")), 20000);
        driver.stop();
        QCOMPARE(progressTitle, QStringLiteral("Exporting"));
        QCOMPARE(window.statusBar()->currentMessage(),
                 QStringLiteral("Exported %1 labelled images to %2").arg(2 * kPerClass).arg(out + QStringLiteral("/imagefolder")));
        QCOMPARE(filesUnder((out + QStringLiteral("/imagefolder")).toStdString()), std::size_t(2 * kPerClass));
        QTRY_VERIFY(!window.fileJobRunning()); // the dialog is gone: the next import or export may start
    }

    void cliPrintsProgressLines()
    {
        if (!QFileInfo::exists(cliPath()))
            QSKIP("activelabel-cli not built");
        QTemporaryDir root;
        const QString project = labelledProject(root);
        QVERIFY(!project.isEmpty());
        const QString out = root.path() + QStringLiteral("/tree-out");
        const CliResult r = runCli({QStringLiteral("export"), project, QStringLiteral("--image-folder"), out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.err.contains(QStringLiteral("export: exporting 0/%1 (0%)").arg(2 * kPerClass)), qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("exported %1 labelled images").arg(2 * kPerClass)), qPrintable(r.out));
        QCOMPARE(filesUnder(out.toStdString()), std::size_t(2 * kPerClass));
    }
};

QTEST_MAIN(TestFileExport)
#include "test_fileexport.moc"
