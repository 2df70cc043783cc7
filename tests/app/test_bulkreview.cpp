// The bulk review page through the real main window on a real project: Ctrl+B opens it, it says
// why it is empty before any predictions, then shows the pool images the model puts in one class,
// most confident first, never an audit draw, a flagged image or the image on the Label page; the
// annotator unticks the wrong ones by mouse and by arrows + Space, Enter labels the rest in one
// transaction with source bulk-accepted, the unticked ones go to the front of the labelling queue
// and stay unlabelled, the next page follows, and one Ctrl+Z takes the whole page back.
//
// The predictions are a stored run written here through PredictionStore (what a round leaves in
// predictions.sqlite), so that the test controls which images the model gets wrong and runs in
// seconds; bench_annotator_actions drives the same page with real training rounds.
#include "app/gui/bulkreviewcontroller.h"
#include "app/gui/labelingcontroller.h"
#include "app/gui/projectcontroller.h"
#include "storage/classrepository.h"
#include "storage/imageflagrepository.h"
#include "storage/imageimporter.h"
#include "storage/imagerepository.h"
#include "storage/labelrepository.h"
#include "storage/predictionstore.h"
#include "storage/project.h"
#include "storage/queryrepository.h"
#include "storage/sqlitedatabase.h"
#include "ui/bulkreviewpage.h"
#include "ui/labelingview.h"
#include "ui/mainwindow.h"
#include "ui/tilegrid.h"
#include "ui/trainingpanel.h"

#include <QLabel>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

using namespace activelabel;

namespace {

constexpr int kPerClass = 40;

// Two classes of 28x28 grey images (dark and bright), each file distinct.
void createProject(const QString &dir)
{
    const QString images = dir + QStringLiteral("-images");
    QVERIFY(QDir().mkpath(images));
    for (int i = 0; i < kPerClass; ++i) {
        for (int c = 0; c < 2; ++c) {
            cv::Mat img(28, 28, CV_8UC1, cv::Scalar(c == 0 ? 30 : 220));
            img.at<unsigned char>(i % 28, (i * 7) % 28) = static_cast<unsigned char>(i * 5 + 1);
            img.at<unsigned char>(27 - i % 28, 3) = static_cast<unsigned char>(i / 28 + 2);
            const QString file =
                QStringLiteral("%1/%2_%3.png").arg(images).arg(c == 0 ? "dark" : "bright").arg(i);
            QVERIFY(cv::imwrite(file.toStdString(), img));
        }
    }
    auto project = Project::create(dir.toStdString());
    ClassRepository classes(project->database());
    classes.add(QStringLiteral("dark"));
    classes.add(QStringLiteral("bright"));
    QCOMPARE(
        ImageImporter(project->database(), {}).importPaths({images.toStdString()}, false).added,
        2 * kPerClass);
}

bool isDark(Database &db, qint64 imageId)
{
    return QString::fromStdString(ImageRepository(db).get(imageId)->path)
        .contains(QStringLiteral("/dark_"));
}

} // namespace

class TestBulkReview : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("ActiveLabelTests"));
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_root.isValid());
    }

    void pageAcceptsTickedUndoesAsOneAndNeverShowsAuditDraws()
    {
        const QString dir = m_root.path() + QStringLiteral("/project");
        createProject(dir);
        Database reader(std::filesystem::path(dir.toStdString()) / "project.sqlite",
                        Database::Access::ReadWrite);

        MainWindow window;
        ProjectController controller(&window);
        TrainingSettings settings = window.trainingPanel()->settings();
        settings.retrainEvery = 0; // no rounds: the stored predictions below are the model's
        window.trainingPanel()->setSettings(settings);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        controller.openProject(dir);
        QTRY_VERIFY_WITH_TIMEOUT(window.labelingView()->currentImageId() != 0, 30000);
        BulkReviewController *bulk = controller.bulkReview();
        LabelingController *labeling = controller.labeling();
        QVERIFY(bulk && labeling);
        BulkReviewPage *page = bulk->page();
        TileGrid *grid = page->grid();
        QSignalSpy shown(bulk, &BulkReviewController::pageShown);

        // Ctrl+B opens the page; without predictions it says why it is empty.
        QTest::keyClick(window.labelingView(), Qt::Key_B, Qt::ControlModifier);
        QCOMPARE(window.tabs()->currentWidget(), page);
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 10000);
        QCOMPARE(grid->count(), 0);
        QVERIFY2(grid->emptyMessage().contains(QStringLiteral("No predictions yet")),
                 qPrintable(grid->emptyMessage()));
        QVERIFY(page->findChild<QLabel *>(QStringLiteral("bulkBlindNote"))
                    ->text()
                    .contains(QStringLiteral("Blind mode")));

        // A round's stored predictions: every pool image in its true class, most confident the
        // lower the id, except four bright images the model calls dark with high confidence. The
        // most confident dark image is an audit draw (queried as one, skipped, still unlabelled),
        // the next one is flagged bad.
        const std::vector<std::int64_t> ids =
            ImageRepository(reader).ids({Split::Pool, ImageFilter::Labels::Any});
        QCOMPARE(int(ids.size()), 2 * kPerClass);
        std::vector<StoredPrediction> rows;
        QList<qint64> wrong, dark;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            StoredPrediction p;
            p.imageId = ids[i];
            const bool d = isDark(reader, ids[i]);
            if (d)
                dark << ids[i];
            const bool misread = !d && wrong.size() < 4;
            if (misread)
                wrong << ids[i];
            p.predictedClass = d || misread ? 0 : 1;
            p.confidence = misread ? 0.985f : 0.99f - 0.001f * float(i);
            p.probabilities = p.predictedClass == 0
                                  ? std::vector<float>{p.confidence, 1 - p.confidence}
                                  : std::vector<float>{1 - p.confidence, p.confidence};
            rows.push_back(p);
        }
        const qint64 audit = dark[0];
        const qint64 flagged = dark[1];
        QueryRecord query;
        query.imageId = audit;
        query.strategy = QStringLiteral("hybrid");
        query.audit = true;
        QueryRepository(reader).record(query);
        ImageFlagRepository(reader).set(flagged, ImageFlag::Bad, QStringLiteral("ann"));
        {
            Database predictions(std::filesystem::path(dir.toStdString()) / "predictions.sqlite",
                                 Database::Access::ReadWrite);
            PredictionStore store(predictions);
            store.beginRun(1, 2);
            store.write(1, rows);
            store.finishRun(1);
        }

        // Page Down builds the next page: now class 1 ("dark") from the stored run.
        shown.clear();
        QTest::keyClick(grid, Qt::Key_PageDown);
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && !bulk->isBuilding(), 10000);
        QCOMPARE(page->currentClass(), 0);
        QCOMPARE(grid->count(), 30);
        const QSet<qint64> kept = labeling->imagesKeptFromPages();
        const QList<qint64> first = grid->tickedIds();
        QVERIFY(!first.contains(audit));
        QVERIFY(!first.contains(flagged));
        for (const qint64 id : first)
            QVERIFY2(!kept.contains(id),
                     qPrintable(QString::number(id))); // Label page's image, queued audit draws
        // Most confident first; the wrong four are among them (their confidence is high).
        for (const qint64 id : std::as_const(wrong))
            QVERIFY2(first.contains(id) || kept.contains(id), qPrintable(QString::number(id)));
        QList<qint64> wrongShown;
        for (const qint64 id : std::as_const(wrong))
            if (first.contains(id))
                wrongShown << id;
        QVERIFY(wrongShown.size() >= 2);

        // Untick the wrong ones: the first by mouse, the others by arrows + Space.
        grid->setFocus();
        const int mouseIndex = int(first.indexOf(wrongShown[0]));
        QTest::mouseClick(grid, Qt::LeftButton, {}, grid->tileRect(mouseIndex).center());
        for (int k = 1; k < wrongShown.size(); ++k) {
            const int target = int(first.indexOf(wrongShown[k]));
            while (grid->focusIndex() / BulkReviewController::kColumns <
                   target / BulkReviewController::kColumns)
                QTest::keyClick(grid, Qt::Key_Down);
            while (grid->focusIndex() / BulkReviewController::kColumns >
                   target / BulkReviewController::kColumns)
                QTest::keyClick(grid, Qt::Key_Up);
            while (grid->focusIndex() < target)
                QTest::keyClick(grid, Qt::Key_Right);
            while (grid->focusIndex() > target)
                QTest::keyClick(grid, Qt::Key_Left);
            QTest::keyClick(grid, Qt::Key_Space);
        }
        QCOMPARE(grid->untickedIds(), wrongShown);
        const QList<qint64> accepted = grid->tickedIds();

        // Enter: one transaction labels the ticked ones "dark", bulk-accepted; the next page
        // follows.
        const int undoBefore = labeling->undoStack()->count();
        shown.clear();
        QTest::keyClick(grid, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(LabelRepository(reader).count(), std::int64_t(accepted.size()),
                                  10000);
        QCOMPARE(labeling->undoStack()->count(), undoBefore + 1);
        const qint64 darkId = ClassRepository(reader).list()[0].id;
        for (const qint64 id : accepted) {
            const auto label = LabelRepository(reader).get(id);
            QVERIFY(label);
            QCOMPARE(label->classId, darkId);
            QCOMPARE(label->source, LabelSource::BulkAccepted);
            QCOMPARE(LabelRepository(reader).history(id).back().source,
                     QStringLiteral("bulk-accepted"));
        }
        // Unticked: unlabelled, at the front of the labelling queue.
        const std::vector<QueueEntry> queue = labeling->queuedEntries();
        QVERIFY(queue.size() >= std::size_t(wrongShown.size()));
        for (int k = 0; k < wrongShown.size(); ++k) {
            QVERIFY(!LabelRepository(reader).get(wrongShown[k]));
            QCOMPARE(queue[std::size_t(k)].imageId, wrongShown[k]);
            QCOMPARE(queue[std::size_t(k)].predictedClass, 0);
        }
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && !bulk->isBuilding(), 10000);
        const QList<qint64> second = grid->tickedIds();
        QVERIFY(
            !second
                 .isEmpty()); // the rest of class "dark" (40 less the first page, audit, flagged…)
        for (const qint64 id : second) {
            QVERIFY(!first.contains(id));
            QVERIFY(id != audit && id != flagged);
        }

        // One Ctrl+Z takes back the whole page; the history says so, and the page comes back.
        shown.clear();
        QTest::keyClick(grid, Qt::Key_Z, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(LabelRepository(reader).count(), std::int64_t(0), 10000);
        for (const qint64 id : accepted)
            QCOMPARE(LabelRepository(reader).history(id).back().source, QStringLiteral("undo"));
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && !bulk->isBuilding(), 10000);
        for (const qint64 id : accepted.mid(0, 5))
            QVERIFY2(grid->tickedIds().contains(id), qPrintable(QString::number(id)));
        for (const qint64 id : std::as_const(wrongShown))
            QVERIFY(!grid->tickedIds().contains(id) &&
                    !grid->untickedIds().contains(id)); // they wait in the queue

        // Esc goes back to the Label page; the cheat sheet lists the page's keys.
        QTest::keyClick(grid, Qt::Key_Escape);
        QCOMPARE(window.tabs()->currentIndex(), 0);
        bool listed = false;
        for (const auto &binding : BulkReviewPage::keyBindings())
            listed = listed || binding.first == QStringLiteral("Ctrl+B");
        QVERIFY(listed);
    }

private:
    QTemporaryDir m_root;
};

QTEST_MAIN(TestBulkReview)
#include "test_bulkreview.moc"
