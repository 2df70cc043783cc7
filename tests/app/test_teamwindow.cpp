// The window on a team project: File → Open Team Project on a Server takes a URI, asks for the
// password when the server wants one (and keeps it nowhere), and fetches the images this computer
// has not cached yet on a file-job thread, after which the browser shows them.
#include "app/gui/projectcontroller.h"
#include "storage/imageimporter.h"
#include "storage/project.h"
#include "support/imagecorpus.h"
#include "support/storage/pgserver.h"
#include "ui/imagebrowser.h"
#include "ui/mainwindow.h"

#include <QInputDialog>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using namespace activelabel;
using namespace activelabel::testsupport;
namespace fs = std::filesystem;

class TestTeamWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("ActiveLabelTests"));
        QStandardPaths::setTestModeEnabled(true);
        ACTIVELABEL_REQUIRE_PGSERVER();
    }

    void opensByUriAsksThePasswordAndFetchesImages()
    {
        PgServer &server = PgServer::instance();
        server.adminExec("CREATE ROLE window_ann LOGIN PASSWORD 'pw-4-window'");
        server.adminExec("CREATE DATABASE t_window OWNER window_ann");
        const std::string withPassword = server.uri("t_window", "window_ann", "pw-4-window");
        QTemporaryDir tmp;
        const std::string tree = tmp.filePath(QStringLiteral("tree")).toStdString();
        QVERIFY(writeImageFolder(tree, {"cat", "dog"}, 3));
        fs::path cache;
        {
            auto project = Project::createOnServer(withPassword);
            ImageImporter::Options options;
            options.labelMode = ImportLabelMode::Labels;
            options.uploadTo = project->directory();
            QCOMPARE(ImageImporter(project->database(), options).importPaths({tree}, true).added, std::int64_t(6));
            cache = project->directory();
        }
        // Another computer: nothing cached.
        fs::remove_all(cache / "images");

        MainWindow window;
        ProjectController controller(&window);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        int asked = 0;
        QTimer answer;
        connect(&answer, &QTimer::timeout, [&] {
            for (QWidget *w : QApplication::topLevelWidgets())
                if (auto *dialog = qobject_cast<QInputDialog *>(w); dialog && dialog->isVisible()) {
                    ++asked;
                    dialog->setTextValue(QStringLiteral("pw-4-window"));
                    dialog->accept();
                }
        });
        answer.start(20);
        const QString uri = QString::fromStdString(server.uri("t_window", "window_ann"));
        Q_EMIT window.openProjectRequested(uri); // what the File menu's dialog sends
        QVERIFY(controller.hasProject());
        QCOMPARE(asked, 1);
        QVERIFY2(window.windowTitle().startsWith(QStringLiteral("postgresql://window_ann@/t_window")),
                 qPrintable(window.windowTitle()));
        QVERIFY(!window.windowTitle().contains(QStringLiteral("pw-4-window")));
        const auto cachedFiles = [&] {
            std::size_t files = 0;
            std::error_code ec;
            for (auto it = fs::recursive_directory_iterator(cache / "images", ec); !ec && it != fs::end(it); ++it)
                files += it->is_regular_file() ? 1 : 0;
            return files;
        };
        QTRY_COMPARE_WITH_TIMEOUT(cachedFiles(), std::size_t(6), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.fileJobRunning(), 20000); // the fetch has finished
        QAbstractItemModel *model = window.imageBrowser()->model();
        while (model->canFetchMore({}))
            model->fetchMore({});
        QCOMPARE(model->rowCount(), 6);
        // What the window remembers for File → Open Recent has no password in it.
        QVERIFY(!QSettings().value(QStringLiteral("recentProjects")).toStringList().join(' ').contains(
            QStringLiteral("pw-4-window")));
    }
};

QTEST_MAIN(TestTeamWindow)
#include "test_teamwindow.moc"
