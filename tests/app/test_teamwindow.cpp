// The window on a team project: File → Open Team Project on a Server takes a URI, asks for the
// password when the server wants one (and keeps it nowhere), and fetches the images this computer
// has not cached yet on a file-job thread, after which the browser shows them; and while it is open
// it follows the model versions the team's trainer (here a CLI `train`) publishes; two windows on one
// project show different images, each claimed by lease, and give them back when they close.
#include "app/gui/labelingcontroller.h"
#include "app/gui/projectcontroller.h"
#include "storage/classrepository.h"
#include "storage/database.h"
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
#include <set>

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

    void twoWindowsNeverShowTheSameImage()
    {
        PgServer &server = PgServer::instance();
        const std::string uri = server.createDatabase();
        QTemporaryDir tmp;
        const std::string pool = tmp.filePath(QStringLiteral("pool")).toStdString();
        fs::create_directories(pool);
        for (int i = 0; i < 30; ++i)
            QVERIFY(writeImage(pool + "/" + std::to_string(i) + ".png", 28, 28, 200 + i, 1));
        {
            auto project = Project::createOnServer(uri);
            ClassRepository(project->database()).add(QStringLiteral("a"));
            ClassRepository(project->database()).add(QStringLiteral("b"));
            ImageImporter::Options options;
            options.uploadTo = project->directory();
            QCOMPARE(ImageImporter(project->database(), options).importPaths({pool}, false).added, std::int64_t(30));
        }
        const auto db = Database::connectPostgres(uri);
        std::set<qint64> seen;
        {
            MainWindow first, second;
            ProjectController one(&first), two(&second);
            first.show();
            second.show();
            Q_EMIT first.openProjectRequested(QString::fromStdString(uri));
            QTRY_VERIFY_WITH_TIMEOUT(first.labelingView()->currentImageId() != 0, 30000);
            Q_EMIT second.openProjectRequested(QString::fromStdString(uri));
            QTRY_VERIFY_WITH_TIMEOUT(second.labelingView()->currentImageId() != 0, 30000);
            // Both windows build the same queue (no model: the same cold start); the leases keep
            // them apart, image after image.
            for (int step = 0; step < 5; ++step) {
                const qint64 a = first.labelingView()->currentImageId();
                const qint64 b = second.labelingView()->currentImageId();
                QVERIFY(a != 0 && b != 0);
                QVERIFY2(a != b, qPrintable(QStringLiteral("both windows show image %1").arg(a)));
                QVERIFY(seen.insert(a).second && seen.insert(b).second);
                QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM leases WHERE image_id IN (" + std::to_string(a) + ", " +
                                       std::to_string(b) + ") AND expires_at > 0"),
                         std::int64_t(2));
                one.labeling()->label(0, QStringLiteral("human"));
                two.labeling()->skip();
                // (0 while a window waits for its next claim.)
                QTRY_VERIFY_WITH_TIMEOUT(first.labelingView()->currentImageId() != a &&
                                             first.labelingView()->currentImageId() != 0,
                                         10000);
                QTRY_VERIFY_WITH_TIMEOUT(second.labelingView()->currentImageId() != b &&
                                             second.labelingView()->currentImageId() != 0,
                                         10000);
            }
            QTRY_COMPARE_WITH_TIMEOUT(db->scalarInt("SELECT COUNT(*) FROM labels"), std::int64_t(5), 10000);
            QVERIFY(db->scalarInt("SELECT COUNT(*) FROM leases") > 0);
        }
        // Closed: every lease given back.
        QCOMPARE(db->scalarInt("SELECT COUNT(*) FROM leases"), std::int64_t(0));
    }
};

QTEST_MAIN(TestTeamWindow)
#include "test_teamwindow.moc"
