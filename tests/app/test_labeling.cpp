// The labelling application end to end, offscreen: a real project on disk with generated images,
// the real main window, keys pressed on the labelling view, labels committed by the writer
// thread and read back from the SQLite file, undo/redo, and a real training round in the worker.
#include "app/gui/labelingcontroller.h"
#include "app/gui/projectcontroller.h"
#include "storage/classrepository.h"
#include "storage/imageimporter.h"
#include "storage/labelrepository.h"
#include "storage/modelversionrepository.h"
#include "storage/project.h"
#include "storage/queryrepository.h"
#include "storage/sqlitedatabase.h"
#include "support/imagecorpus.h"
#include "ui/labelingview.h"
#include "ui/mainwindow.h"
#include "ui/trainingpanel.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <atomic>
#include <memory>
#include <vector>

using namespace activelabel;

namespace {

// Two visually distinct classes of 28x28 grey images: dark with a bright bar, bright with a
// dark bar. A small CNN separates them after a handful of labels.
void writeDataset(const QString &dir, int perClass)
{
    for (int i = 0; i < perClass; ++i) {
        for (int c = 0; c < 2; ++c) {
            cv::Mat img(28, 28, CV_8UC1, cv::Scalar(c == 0 ? 30 : 220));
            const int row = 4 + (i * 3) % 18;
            img.rowRange(row, row + 5).setTo(cv::Scalar(c == 0 ? 230 : 20));
            img.at<unsigned char>(i % 28, (i * 7) % 28) = static_cast<unsigned char>(i * 11); // keep every file distinct
            const QString file = QStringLiteral("%1/%2_%3.png").arg(dir).arg(c == 0 ? "dark" : "bright").arg(i);
            QVERIFY(cv::imwrite(file.toStdString(), img));
        }
    }
}

// A project at `dir` with the two classes and `perClass` images of each (in dir + "-images"),
// nothing labelled.
void createProject(const QString &dir, int perClass)
{
    const QString images = dir + QStringLiteral("-images");
    QVERIFY(QDir().mkpath(images));
    writeDataset(images, perClass);
    auto project = Project::create(dir.toStdString());
    ClassRepository classes(project->database());
    classes.add(QStringLiteral("dark"));
    classes.add(QStringLiteral("bright"));
    const ImportSummary summary =
        ImageImporter(project->database(), {}).importPaths({images.toStdString()}, false);
    QCOMPARE(summary.added, 2 * perClass);
}

// The labelling page without the rest of the window: the controller is the unit here.
struct LabelingSession
{
    explicit LabelingSession(const QString &dir)
        : project(Project::open(dir.toStdString(), Project::Mode::ReadWrite)),
          controller(*project, &view)
    {
        TrainingSettings settings;
        settings.retrainEvery = 0; // no rounds: nothing but labelling runs
        controller.setTrainingSettings(settings);
        controller.start();
    }
    std::unique_ptr<Project> project;
    LabelingView view;
    LabelingController controller;
};

qint64 labelCount(const QString &projectDir)
{
    Database db(std::filesystem::path(projectDir.toStdString()) / "project.sqlite", Database::Access::ReadOnly);
    return LabelRepository(db).count();
}

} // namespace

class TestLabeling : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("ActiveLabelTests"));
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_root.isValid());
        m_project = m_root.path() + QStringLiteral("/project");
        createProject(m_project, 40);
    }

    void keysLabelUndoRedoAndTrain()
    {
        MainWindow window;
        ProjectController controller(&window);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        TrainingSettings settings = window.trainingPanel()->settings();
        settings.retrainEvery = 0; // rounds only when asked, so the test controls them
        settings.epochs = 15;
        window.trainingPanel()->setSettings(settings);
        controller.openProject(m_project);

        LabelingView *view = window.labelingView();
        // Cold start: the worker picks representatives and the first one is shown.
        QTRY_VERIFY_WITH_TIMEOUT(view->currentImageId() != 0, 30000);
        const qint64 first = view->currentImageId();

        // Enter with no model has nothing to accept: nothing is written, the image stays.
        QTest::keyClick(view, Qt::Key_Return);
        QCOMPARE(view->currentImageId(), first);

        // Key 1 labels with class 1 ("dark"); the view moves on at once, the COMMIT follows.
        QTest::keyClick(view, Qt::Key_1);
        QVERIFY(view->currentImageId() != first);
        QTRY_COMPARE_WITH_TIMEOUT(labelCount(m_project), 1, 10000);
        {
            Database db(std::filesystem::path(m_project.toStdString()) / "project.sqlite", Database::Access::ReadOnly);
            const auto label = LabelRepository(db).get(first);
            QVERIFY(label);
            QCOMPARE(label->source, LabelSource::Human);
            QCOMPARE(ClassRepository(db).get(label->classId)->name, QStringLiteral("dark"));
        }

        // Undo removes it from the database, redo puts it back.
        QTest::keyClick(view, Qt::Key_Z, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(labelCount(m_project), 0, 10000);
        QTest::keyClick(view, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_COMPARE_WITH_TIMEOUT(labelCount(m_project), 1, 10000);

        // Skip and back: Backspace returns to the previous image.
        const qint64 beforeSkip = view->currentImageId();
        QTest::keyClick(view, Qt::Key_S);
        QVERIFY(view->currentImageId() != beforeSkip);
        QTest::keyClick(view, Qt::Key_Backspace);
        QCOMPARE(view->currentImageId(), beforeSkip);

        // Label a dozen more by their true class (the file name tells), then train.
        Database reader(std::filesystem::path(m_project.toStdString()) / "project.sqlite", Database::Access::ReadOnly);
        ImageRepository images(reader);
        for (int i = 0; i < 12; ++i) {
            QTRY_VERIFY_WITH_TIMEOUT(view->currentImageId() != 0, 30000);
            const auto record = images.get(view->currentImageId());
            QVERIFY(record);
            const bool dark = QString::fromStdString(record->path).contains(QStringLiteral("/dark_"));
            QTest::keyClick(view, dark ? Qt::Key_1 : Qt::Key_2);
        }
        QTRY_COMPARE_WITH_TIMEOUT(labelCount(m_project), 13, 10000);

        QTest::keyClick(view, Qt::Key_T);
        QTRY_VERIFY_WITH_TIMEOUT(ModelVersionRepository(reader).latest().has_value(), 180000);

        // The image in front of the annotator is never pulled away when the new queue arrives;
        // skipping on reaches the re-ordered queue, whose images carry the model's prediction.
        auto *prediction = view->findChild<QLabel *>(QStringLiteral("predictionLabel"));
        QElapsedTimer waited;
        waited.start();
        while (!prediction->text().contains(QStringLiteral("model says")) && waited.elapsed() < 60000) {
            QTest::keyClick(view, Qt::Key_S);
            QTest::qWait(250);
        }
        QVERIFY2(prediction->text().contains(QStringLiteral("model says")), qPrintable(prediction->text()));
        QTest::keyClick(view, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(labelCount(m_project), 14, 10000);
        // Every image shown was recorded with why it was asked; after the round, with the model
        // version and the class it predicted (what audit accuracy is computed from).
        const auto queries = QueryRepository(reader).all();
        QVERIFY(queries.size() >= 14);
        QVERIFY(std::any_of(queries.begin(), queries.end(), [](const QueryRecord &q) {
            return q.modelVersion.has_value() && q.predictedClassId.has_value();
        }));
        const auto accepted = LabelRepository(reader).all();
        QVERIFY(std::any_of(accepted.begin(), accepted.end(),
                            [](const Label &l) { return l.source == LabelSource::Accepted; }));
    }

    // A long session keeps a bounded number of images decoded, and Backspace still shows every
    // image it goes back to (decoding again those it no longer holds).
    void decodedImagesStayBoundedAndBackspaceShowsEachImage()
    {
        const QString dir = m_root.path() + QStringLiteral("/long");
        createProject(dir, 50);
        LabelingSession session(dir);
        const int labels = LabelingController::kMaxDecodedImages + 20;
        std::vector<qint64> ids;
        std::vector<QImage> shown;
        for (int i = 0; i < labels; ++i) {
            // An id is shown only with its pixels (before they are decoded the view says
            // "Loading").
            QTRY_VERIFY_WITH_TIMEOUT(session.view.currentImageId() != 0, 30000);
            ids.push_back(session.view.currentImageId());
            shown.push_back(session.view.currentImage());
            QVERIFY(!shown.back().isNull());
            session.controller.label(i % 2);
            QVERIFY2(session.controller.decodedImageCount() <=
                         LabelingController::kMaxDecodedImages,
                     qPrintable(QString::number(session.controller.decodedImageCount())));
        }
        QTRY_COMPARE_WITH_TIMEOUT(labelCount(dir), qint64(labels), 10000);

        for (int i = labels - 1; i >= 0; --i) {
            session.controller.previous();
            QTRY_COMPARE_WITH_TIMEOUT(session.view.currentImageId(), ids[std::size_t(i)], 10000);
            QCOMPARE(session.view.currentImage(), shown[std::size_t(i)]);
            QVERIFY2(session.controller.decodedImageCount() <=
                         LabelingController::kMaxDecodedImages,
                     qPrintable(QString::number(session.controller.decodedImageCount())));
        }
    }

    // "N unlabelled" counts down as labels are saved and back up on undo, without waiting for a
    // new queue (60 images: the first queue lasts well beyond these labels).
    void unlabelledCountFollowsSavedLabels()
    {
        const QString dir = m_root.path() + QStringLiteral("/count");
        createProject(dir, 30);
        LabelingSession session(dir);
        auto *remaining = session.view.findChild<QLabel *>(QStringLiteral("remainingLabel"));
        QVERIFY(remaining);
        QTRY_VERIFY_WITH_TIMEOUT(session.view.currentImageId() != 0, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(remaining->text(), QStringLiteral("60 unlabelled"), 10000);
        for (int i = 0; i < 3; ++i)
            session.controller.label(0);
        QTRY_COMPARE_WITH_TIMEOUT(remaining->text(), QStringLiteral("57 unlabelled"), 10000);
        QCOMPARE(labelCount(dir), 3);
        session.controller.undoStack()->undo();
        QTRY_COMPARE_WITH_TIMEOUT(remaining->text(), QStringLiteral("58 unlabelled"), 10000);
        QCOMPARE(labelCount(dir), 2);
    }

    void secondWindowOpensReadOnly()
    {
        // The first window's project is closed; hold the lock from here and open in the GUI.
        auto holder = Project::open(m_project.toStdString(), Project::Mode::ReadWrite);
        MainWindow window;
        ProjectController controller(&window);
        QTimer::singleShot(0, [] {
            // The "open read-only" notice is a modal box: close it.
            for (QWidget *w : QApplication::topLevelWidgets())
                if (auto *box = qobject_cast<QMessageBox *>(w))
                    box->accept();
        });
        QTimer closer;
        QObject::connect(&closer, &QTimer::timeout, [] {
            for (QWidget *w : QApplication::topLevelWidgets())
                if (auto *box = qobject_cast<QMessageBox *>(w))
                    box->accept();
        });
        closer.start(50);
        controller.openProject(m_project);
        QVERIFY(controller.hasProject());
        QVERIFY(window.windowTitle().contains(QStringLiteral("project")));
        QCOMPARE(window.labelingView()->currentImageId(), 0);
    }

    void queueRequestsAskedTogetherBuildOneQueueFromTheNewest()
    {
        // The worker lives in this thread here, so all three requests are waiting before it runs.
        auto project = Project::open(m_project.toStdString(), Project::Mode::ReadWrite);
        std::atomic<bool> cancel{false};
        TrainingWorker worker(*project, cancel);
        QSignalSpy ready(&worker, &TrainingWorker::queueReady);
        QSignalSpy idle(&worker, &TrainingWorker::idle);
        QueueRequest request;
        request.seed = 5;
        request.count = 2;
        worker.requestQueue(request);
        request.count = 4;
        worker.requestQueue(request);
        request.count = 6;
        for (qint64 id = 2; id <= 80; id += 2)
            request.excluded.insert(id);
        worker.requestQueue(request);

        QTRY_COMPARE_WITH_TIMEOUT(idle.count(), 1, 60000);
        QCoreApplication::processEvents(); // a second build, if one were queued, would run here
        QCOMPARE(idle.count(), 1);
        QCOMPARE(ready.count(), 1);
        const auto snapshot = worker.takeQueueSnapshot();
        QVERIFY(snapshot);
        QCOMPARE(snapshot->entries.size(), std::size_t(6));
        for (const QueueEntry &entry : snapshot->entries)
            QVERIFY2(!request.excluded.count(entry.imageId), qPrintable(QString::number(entry.imageId)));
        QVERIFY(!worker.takeQueueSnapshot());
    }

private:
    QTemporaryDir m_root;
    QString m_project;
};

QTEST_MAIN(TestLabeling)
#include "test_labeling.moc"
