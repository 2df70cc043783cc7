// The window on a team project: File → Open Team Project on a Server takes a URI, asks for the
// password when the server wants one (and keeps it nowhere), and fetches the images this computer
// has not cached yet on a file-job thread, after which the browser shows them; and while it is open
// it follows the model versions the team's trainer (here a CLI `train`) publishes.
#include "app/gui/labelingcontroller.h"
#include "app/gui/projectcontroller.h"
#include "storage/imageimporter.h"
#include "storage/project.h"
#include "support/cli.h"
#include "support/imagecorpus.h"
#include "support/storage/pgserver.h"
#include "ui/imagebrowser.h"
#include "ui/labelingview.h"
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

    void followsTheTrainersNewVersions()
    {
        qputenv("ACTIVELABEL_FOLLOW_SECONDS", "1");
        PgServer &server = PgServer::instance();
        const std::string uri = server.createDatabase();
        QTemporaryDir tmp;
        const std::string labelled = tmp.filePath(QStringLiteral("labelled")).toStdString();
        const std::string pool = tmp.filePath(QStringLiteral("pool")).toStdString();
        QVERIFY(writeImageFolder(labelled, {"cat", "dog"}, 8));
        fs::create_directories(pool);
        for (int i = 0; i < 10; ++i) // seeds apart from the labelled folder's: other content
            QVERIFY(writeImage(pool + "/" + std::to_string(i) + ".png", 28, 28, 100 + i, 1));
        {
            auto project = Project::createOnServer(uri);
            ImageImporter::Options options;
            options.uploadTo = project->directory();
            options.labelMode = ImportLabelMode::Labels;
            QCOMPARE(ImageImporter(project->database(), options).importPaths({labelled}, true).added, std::int64_t(16));
            options.labelMode = ImportLabelMode::None;
            QCOMPARE(ImageImporter(project->database(), options).importPaths({pool}, false).added, std::int64_t(10));
        }
        MainWindow window;
        ProjectController controller(&window);
        window.show();
        Q_EMIT window.openProjectRequested(QString::fromStdString(uri));
        QVERIFY(controller.hasProject());
        LabelingController *labeling = controller.labeling();
        QTRY_VERIFY_WITH_TIMEOUT(window.labelingView()->currentImageId() != 0, 30000);
        QVERIFY(!labeling->modelVersion());
        QSignalSpy messages(labeling, &LabelingController::message);

        // The trainer, another process, publishes version 1; the window picks it up by itself.
        const CliResult trained = runCli({QStringLiteral("train"), QString::fromStdString(uri), QStringLiteral("--epochs"),
                                          QStringLiteral("1"), QStringLiteral("--transfer"), QStringLiteral("frozen")});
        QVERIFY2(trained.exitCode == 0, qPrintable(trained.describe()));
        QTRY_VERIFY_WITH_TIMEOUT(labeling->modelVersion() == std::optional<qint64>(1), 60000);
        bool announced = false;
        for (const QList<QVariant> &m : messages)
            announced = announced || m.at(0).toString().contains(QStringLiteral("from the team's trainer"));
        QVERIFY(announced);
        qunsetenv("ACTIVELABEL_FOLLOW_SECONDS");
    }
};

QTEST_MAIN(TestTeamWindow)
#include "test_teamwindow.moc"
