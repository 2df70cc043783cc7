// Class management on both backends (a project file, a PostgreSQL database): rename, reorder,
// merge and delete (retire) keep the class order dense, move labels and ground truth with history
// rows, and never lose history.
#include "storage/classrepository.h"
#include "storage/groundtruthrepository.h"
#include "storage/imagerepository.h"
#include "storage/labelrepository.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "support/storage/imagerows.h"
#include "support/storage/backendfixture.h"
#include "support/tempproject.h"

#include <QTest>

using namespace activelabel;
using namespace activelabel::testsupport;

namespace {

QStringList names(ClassRepository &classes)
{
    QStringList out;
    for (const ClassInfo &c : classes.list())
        out << c.name;
    return out;
}

} // namespace

class TestClassManagement : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { testsupport::addBackendRows(); }

    void renameAndMoveKeepOrderDense()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        ClassRepository classes(fx.db());
        const auto a = classes.add(QStringLiteral("a"));
        classes.add(QStringLiteral("b"));
        const auto c = classes.add(QStringLiteral("c"));
        classes.rename(a, QStringLiteral("alpha"));
        QCOMPARE(names(classes), (QStringList{"alpha", "b", "c"}));
        QVERIFY_THROWS_EXCEPTION(DatabaseError, classes.rename(c, QStringLiteral("b")));
        classes.move(c, 0);
        QCOMPARE(names(classes), (QStringList{"c", "alpha", "b"}));
        classes.move(c, 99); // clamped to the end
        QCOMPARE(names(classes), (QStringList{"alpha", "b", "c"}));
        int expected = 0;
        for (const ClassInfo &info : classes.list())
            QCOMPARE(info.position, expected++);
        // Default colours are the colour-blind-safe palette, distinct per class.
        QCOMPARE(classes.get(a)->colour, QStringLiteral("#e69f00"));
        QVERIFY(classes.list()[1].colour != classes.list()[2].colour);
    }

    void mergeMovesLabelsAndTruthWithHistory()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        Database &db = fx.db();
        ClassRepository classes(db);
        const auto cat = classes.add(QStringLiteral("cat"));
        const auto kitty = classes.add(QStringLiteral("kitty"));
        const auto dog = classes.add(QStringLiteral("dog"));
        LabelRepository labels(db);
        const auto i1 = addImage(db, 1), i2 = addImage(db, 2), i3 = addImage(db, 3);
        labels.setLabel(i1, kitty, LabelSource::Human, QStringLiteral("ann"));
        labels.setLabel(i2, kitty, LabelSource::Accepted, QStringLiteral("ann"));
        labels.setLabel(i3, dog, LabelSource::Human, QStringLiteral("ann"));
        GroundTruthRepository(db).set(i1, kitty);

        QCOMPARE(classes.merge(kitty, cat, QStringLiteral("lead")), 2);
        QCOMPARE(names(classes), (QStringList{"cat", "dog"}));
        QCOMPARE(classes.find(QStringLiteral("dog"))->position, 1);
        QCOMPARE(labels.get(i1)->classId, cat);
        QCOMPARE(labels.get(i2)->classId, cat);
        QCOMPARE(labels.get(i3)->classId, dog);
        QCOMPARE(*GroundTruthRepository(db).get(i1), cat);
        const auto history = labels.history(i1);
        QCOMPARE(history.size(), std::size_t(2));
        QCOMPARE(*history.back().oldClassId, kitty);
        QCOMPARE(*history.back().newClassId, cat);
        // The retired class still exists for the history, out of the order; its name is free.
        QVERIFY(classes.get(kitty).has_value());
        QVERIFY(!classes.find(QStringLiteral("kitty")));
        classes.add(QStringLiteral("kitty"));
        QCOMPARE(names(classes), (QStringList{"cat", "dog", "kitty"}));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, classes.merge(cat, cat, QString()));
    }

    void deleteRemovesLabelsKeepsHistory()
    {
        ACTIVELABEL_OPEN_BACKEND(fx);
        Database &db = fx.db();
        ClassRepository classes(db);
        const auto a = classes.add(QStringLiteral("a"));
        const auto b = classes.add(QStringLiteral("b"));
        LabelRepository labels(db);
        const auto i1 = addImage(db, 1), i2 = addImage(db, 2);
        labels.setLabel(i1, a, LabelSource::Human, QString());
        labels.setLabel(i2, b, LabelSource::Human, QString());
        QCOMPARE(classes.retire(a, QStringLiteral("lead")), 1);
        QVERIFY(!labels.get(i1));
        QCOMPARE(labels.get(i2)->classId, b);
        QCOMPARE(names(classes), QStringList{"b"});
        QCOMPARE(classes.list().front().position, 0);
        QCOMPARE(labels.history(i1).size(), std::size_t(2));
        QVERIFY(!labels.history(i1).back().newClassId);
        // Undo of that removal brings the label back to the retired class: history is the truth.
        QVERIFY(labels.undoLast(i1, QString()));
        QCOMPARE(labels.get(i1)->classId, a);
        QCOMPARE(classes.labelCounts().size(), std::size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestClassManagement)
#include "test_classmanagement.moc"
