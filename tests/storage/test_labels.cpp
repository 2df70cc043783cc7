// Labels are durable (one transaction per label, readable after the connection closes), every
// change has a history row, undo reads the history, and imports never overwrite a person's label;
// each test on both backends (a SQLite file, a PostgreSQL server).
#include "storage/classrepository.h"
#include "storage/imagerepository.h"
#include "storage/labelrepository.h"
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
