// The main window, offscreen: what it shows for a project and what it asks app/ to do.
#include "ui/imagebrowser.h"
#include "ui/mainwindow.h"

#include <QLabel>
#include <QMimeData>
#include <QProgressDialog>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QtTest>

using namespace activelabel;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // Keep recent-project settings out of the user's real configuration.
        QCoreApplication::setOrganizationName(QStringLiteral("ActiveLabelTests"));
        QStandardPaths::setTestModeEnabled(true);
        qRegisterMetaType<ImportRequest>();
    }

    void showsProjectCounts()
    {
        MainWindow window;
        ProjectSummary summary;
        summary.projectPath = QStringLiteral("/tmp/my project");
        summary.name = QStringLiteral("my project");
        summary.imagesTotal = 30000;
        summary.test = 10000;
        summary.labelled = 1234;
        summary.unlabelled = 18766;
        summary.classes = {QStringLiteral("cat"), QStringLiteral("dog")};
        window.showProject(summary);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QVERIFY(window.windowTitle().startsWith(QStringLiteral("my project")));
        const auto *counts = window.findChild<QLabel *>(QStringLiteral("summaryCounts"));
        QVERIFY(counts);
        const QString text = counts->text();
        QVERIFY2(text.contains(QLocale().toString(20000)), qPrintable(text)); // pool = total - test
        QVERIFY(text.contains(QLocale().toString(1234)));
        const auto *classes = window.findChild<QLabel *>(QStringLiteral("summaryClasses"));
        QVERIFY(classes->text().contains(QStringLiteral("cat, dog")));
    }

    void showsTheComputeDevice()
    {
        MainWindow window;
        window.setComputeDevice(QStringLiteral("GPU cuda:0"));
        const auto *device = window.findChild<QLabel *>(QStringLiteral("computeDevice"));
        QVERIFY(device);
        QCOMPARE(device->text(), QStringLiteral("Compute: GPU cuda:0"));
        QVERIFY(!device->toolTip().isEmpty());
    }

    void droppedFolderBecomesImportRequest()
    {
        MainWindow window;
        ProjectSummary summary;
        summary.projectPath = QStringLiteral("/tmp/p");
        summary.name = QStringLiteral("p");
        window.showProject(summary);
        QSignalSpy spy(&window, &MainWindow::importRequested);

        QTemporaryDir dir;
        window.importDroppedUrls({QUrl::fromLocalFile(dir.path()), QUrl(QStringLiteral("https://x/y"))});

        QCOMPARE(spy.count(), 1);
        const auto request = spy.at(0).at(0).value<ImportRequest>();
        QCOMPARE(request.kind, ImportRequest::Kind::Folders);
        QCOMPARE(request.paths, QStringList{dir.path()});
    }

    void dropBeforeAnyProjectIsIgnored()
    {
        MainWindow window;
        QSignalSpy spy(&window, &MainWindow::importRequested);
        window.importDroppedUrls({QUrl::fromLocalFile(QDir::tempPath())});
        QCOMPARE(spy.count(), 0);
    }

    void progressDialogCancelAsksAppToCancel()
    {
        MainWindow window;
        QSignalSpy cancel(&window, &MainWindow::fileJobCancelRequested);
        QVERIFY(!window.fileJobRunning());
        const QString line = QStringLiteral("Importing: 10 of 100 files (10%), 52 s left");
        window.showFileJobProgress(QStringLiteral("Importing"), 10, 100, line);
        QVERIFY(window.fileJobRunning());
        auto *dialog = window.findChild<QProgressDialog *>(QStringLiteral("fileJobProgress"));
        QVERIFY(dialog);
        QCOMPARE(dialog->value(), 100); // 10 of 100, in per-mille
        QCOMPARE(dialog->labelText(), line);
        QCOMPARE(dialog->windowTitle(), QStringLiteral("Importing"));
        auto *cancelButton = dialog->findChild<QPushButton *>();
        QVERIFY(cancelButton);
        cancelButton->click();
        QCOMPARE(cancel.count(), 1);
        window.showImportFinished(QStringLiteral("done"), {});
        QVERIFY(!window.fileJobRunning());
        QTRY_VERIFY(!window.findChild<QProgressDialog *>(QStringLiteral("fileJobProgress")));
    }

    void browserServesModelThumbnails()
    {
        MainWindow window;
        QStandardItemModel model;
        for (int i = 0; i < 50; ++i)
            model.appendRow(new QStandardItem(QStringLiteral("img%1").arg(i)));
        window.setImageModel(&model);
        QCOMPARE(window.imageBrowser()->model(), &model);
        QCOMPARE(window.imageBrowser()->viewMode(), QListView::IconMode);
        QVERIFY(window.imageBrowser()->uniformItemSizes());
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_mainwindow.moc"
