// Labels are durable (one transaction per label, readable after the connection closes), every
// change has a history row, undo reads the history, and imports never overwrite a person's label;
// each test on both backends (a SQLite file, a PostgreSQL server).
#include "storage/classrepository.h"
#include "storage/imagerepository.h"
#include "storage/labelrepository.h"
#include "storage/labelreviewrepository.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "storage/transaction.h"
#include "support/storage/imagerows.h"
#include "support/storage/backendfixture.h"
#include "support/tempproject.h"

#include <QTest>

using namespace activelabel;
using namespace activelabel::testsupport;

class TestLabels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { testsupport::addBackendRows(); }

    void labelSurvivesReopenWithHistory()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        std::int64_t image = 0, cat = 0, dog = 0;
        {
            Database &db = fx.db();
            image = addImage(db, 1);
            ClassRepository classes(db);
            cat = classes.add(QStringLiteral("cat"));
            dog = classes.add(QStringLiteral("dog"));
            LabelRepository labels(db);
            const Label saved = labels.setLabel(image, cat, LabelSource::Human, QStringLiteral("ann"));
            QVERIFY(!db.inTransaction()); // committed when setLabel returned
            QCOMPARE(saved.classId, cat);
            labels.setLabel(image, dog, LabelSource::Accepted, QStringLiteral("bob"));
        }
        // A different connection after the writer closed: read back from the file or server.
        fx.close();
        auto reader = fx.connect(Database::Access::ReadOnly);
        LabelRepository labels(*reader);
        const auto label = labels.get(image);
        QVERIFY(label);
        QCOMPARE(label->classId, dog);
        QCOMPARE(label->source, LabelSource::Accepted);
        QCOMPARE(label->annotator, QStringLiteral("bob"));
        QVERIFY(label->labelledAt > 0);
        const auto history = labels.history(image);
        QCOMPARE(history.size(), std::size_t(2));
        QVERIFY(!history[0].oldClassId);
        QCOMPARE(*history[0].newClassId, cat);
        QCOMPARE(history[0].source, QStringLiteral("human"));
        QCOMPARE(history[0].annotator, QStringLiteral("ann"));
        QCOMPARE(*history[1].oldClassId, cat);
        QCOMPARE(*history[1].newClassId, dog);
        QCOMPARE(history[1].source, QStringLiteral("accepted"));
    }

    void undoAndClear()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        Database &db = fx.db();
        const auto image = addImage(db, 1);
        ClassRepository classes(db);
        const auto cat = classes.add(QStringLiteral("cat"));
        const auto dog = classes.add(QStringLiteral("dog"));
        LabelRepository labels(db);
        QVERIFY(!labels.undoLast(image, QStringLiteral("x"))); // nothing to undo
        labels.setLabel(image, cat, LabelSource::Oracle, QStringLiteral("oracle"));
        labels.setLabel(image, dog, LabelSource::Human, QStringLiteral("ann"));
        const auto undone = labels.undoLast(image, QStringLiteral("ann"));
        QVERIFY(undone);
        QCOMPARE(*undone->newClassId, dog);
        QCOMPARE(labels.get(image)->classId, cat);
        QCOMPARE(labels.get(image)->source, LabelSource::Oracle); // restored with its original source
        QCOMPARE(labels.history(image).back().source, QStringLiteral("undo"));
        QVERIFY(labels.clearLabel(image, QStringLiteral("ann")));
        QVERIFY(!labels.get(image));
        QVERIFY(!labels.history(image).back().newClassId);
        QVERIFY(!labels.clearLabel(image, QStringLiteral("ann")));
        QCOMPARE(labels.recentChanges(2).size(), std::size_t(2));
        QCOMPARE(labels.recentChanges(1).front().id, labels.history(image).back().id);
    }

    void settlementIsALabelChangeMarkedAsSuch()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        Database &db = fx.db();
        const auto image = addImage(db, 1);
        ClassRepository classes(db);
        const auto cat = classes.add(QStringLiteral("cat"));
        const auto dog = classes.add(QStringLiteral("dog"));
        LabelRepository labels(db);
        labels.setLabel(image, cat, LabelSource::Human, QStringLiteral("ann"));
        labels.setLabel(image, dog, LabelSource::Human, QStringLiteral("bob"));
        LabelReviewRepository reviews(db);
        QVERIFY(reviews.settlements().empty());
        const std::int64_t first = reviews.settle(image, cat, QStringLiteral("rev"));
        QCOMPARE(labels.get(image)->classId, cat); // what training reads
        QCOMPARE(labels.get(image)->annotator, QStringLiteral("rev"));
        QCOMPARE(labels.history(image).back().id, first);
        const std::int64_t second = reviews.settle(image, dog, QStringLiteral("rev2")); // settled again: replaced
        QCOMPARE(reviews.settlements(), (std::map<std::int64_t, std::int64_t>{{image, second}}));
        QVERIFY(second > first);
        QCOMPARE(db.scalarText("SELECT reviewer FROM label_reviews"), std::string("rev2"));
    }

    void failedLabelLeavesNothing()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        Database &db = fx.db();
        const auto image = addImage(db, 1);
        LabelRepository labels(db);
        // Unknown class: the foreign key fails, the transaction rolls back, no history row remains.
        QVERIFY_THROWS_EXCEPTION(DatabaseError, labels.setLabel(image, 999, LabelSource::Human, QString()));
        QVERIFY(!db.inTransaction());
        QVERIFY(!labels.get(image));
        QVERIFY(labels.history(image).empty());
    }

    void importNeverOverwrites()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        Database &db = fx.db();
        const auto image = addImage(db, 1);
        ClassRepository classes(db);
        const auto cat = classes.add(QStringLiteral("cat"));
        const auto dog = classes.add(QStringLiteral("dog"));
        LabelRepository labels(db);
        labels.setLabel(image, cat, LabelSource::Human, QStringLiteral("ann"));
        Transaction tx(db);
        QVERIFY(!labels.writeInTransaction(image, dog, LabelSource::Import, QStringLiteral("import"), false));
        tx.commit();
        QCOMPARE(labels.get(image)->classId, cat);
        QCOMPARE(labels.all().size(), std::size_t(1));
        QCOMPARE(labels.count(), std::int64_t(1));
    }

    void pageOfLabelsIsOneTransactionWithOneUndo()
    {
        // A bulk review page: every image of the page in one transaction with source
        // `bulk-accepted`, or none of them; one undoLastOfEach takes the page back and restores what
        // was there before.
        ACTIVELABEL_OPEN_BACKEND(fx);
        Database &db = fx.db();
        const std::vector<std::int64_t> images = addImages(db, 4);
        ClassRepository classes(db);
        const auto cat = classes.add(QStringLiteral("cat"));
        const auto dog = classes.add(QStringLiteral("dog"));
        LabelRepository labels(db);
        labels.setLabel(images[3], dog, LabelSource::Human, QStringLiteral("ann"));

        // One image of the page does not exist: the whole page rolls back.
        QVERIFY_THROWS_EXCEPTION(DatabaseError, labels.setLabels({images[0], images[1], 999999}, cat,
                                                                 LabelSource::BulkAccepted, QStringLiteral("ann")));
        QVERIFY(!db.inTransaction());
        QCOMPARE(labels.count(), std::int64_t(1));
        QVERIFY(labels.history(images[0]).empty());

        labels.setLabels({images[0], images[1], images[3]}, cat, LabelSource::BulkAccepted, QStringLiteral("ann"));
        QVERIFY(!db.inTransaction());
        QCOMPARE(labels.count(), std::int64_t(3));
        for (const std::int64_t id : {images[0], images[1], images[3]}) {
            QCOMPARE(labels.get(id)->classId, cat);
            QCOMPARE(labels.get(id)->source, LabelSource::BulkAccepted);
            QCOMPARE(labels.history(id).back().source, QStringLiteral("bulk-accepted"));
        }
        QCOMPARE(QString::fromLatin1(labelSourceName(LabelSource::BulkAccepted)), QStringLiteral("bulk-accepted"));
        QCOMPARE(parseLabelSource("bulk-accepted"), std::optional<LabelSource>(LabelSource::BulkAccepted));

        // The page's undo: images 0 and 1 unlabelled again, image 3 back to its own label; image 2
        // (not on the page, never labelled) has nothing to revert.
        QCOMPARE(labels.undoLastOfEach({images[0], images[1], images[3], images[2]}, QStringLiteral("ann")), 3);
        QVERIFY(!db.inTransaction());
        QVERIFY(!labels.get(images[0]) && !labels.get(images[1]) && !labels.get(images[2]));
        QCOMPARE(labels.get(images[3])->classId, dog);
        QCOMPARE(labels.get(images[3])->source, LabelSource::Human);
        QCOMPARE(labels.history(images[0]).back().source, QStringLiteral("undo"));
        QCOMPARE(labels.count(), std::int64_t(1));
    }

    void classOrderAndDefaults()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        ClassRepository classes(fx.db());
        for (int i = 0; i < 11; ++i)
            classes.add(QStringLiteral("c%1").arg(i));
        const auto list = classes.list();
        QCOMPARE(list.size(), std::size_t(11));
        QCOMPARE(list[0].hotkey, QStringLiteral("1"));
        QCOMPARE(list[9].hotkey, QStringLiteral("0"));
        QVERIFY(list[10].hotkey.isEmpty());
        for (std::size_t i = 0; i < list.size(); ++i)
            QCOMPARE(list[i].position, static_cast<int>(i));
        QVERIFY(list[0].colour.startsWith('#'));
        QCOMPARE(classes.ensure(QStringLiteral("c3")), list[3].id);
        QVERIFY_THROWS_EXCEPTION(DatabaseError, classes.add(QStringLiteral("c3")));
    }
};

QTEST_GUILESS_MAIN(TestLabels)
#include "test_labels.moc"
