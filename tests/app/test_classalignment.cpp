// Class management after a model exists, with a real smallcnn trained on real Fashion-MNIST
// images (three classes, imported as a folder-per-class tree with labels): renaming keeps the
// class's head row, reordering permutes rows, merging drops the merged class's row and folds its
// labels, adding grows the head; the model's outputs for the classes that stay are exactly what
// they were, and the next round warm-starts instead of starting a new classifier.
#include "app/modelservice.h"
#include "app/projectimages.h"
#include "storage/classrepository.h"
#include "storage/imageimporter.h"
#include "storage/labelrepository.h"
#include "storage/modelversionrepository.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include "support/fashionmnist.h"

#include <QTemporaryDir>
#include <QtTest>


#include <cmath>

using namespace activelabel;

namespace {

std::vector<std::size_t> allIndices(ModelService &service)
{
    service.images().refresh();
    std::vector<std::size_t> all(service.images().size());
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] = i;
    return all;
}

FloatMatrix logitsOfLatest(ModelService &service, QStringList *names)
{
    auto classifier = service.loadLatest();
    if (!classifier)
        return {};
    *names = classifier->classNames();
    PredictOptions options;
    options.logits = true;
    options.embeddings = false;
    return classifier->predict(service.images(), allIndices(service), options).logits;
}

// Column `column` of a against column `columnB` of b, over every row.
bool sameColumn(const FloatMatrix &a, std::size_t column, const FloatMatrix &b, std::size_t columnB)
{
    if (a.rows != b.rows || a.rows == 0)
        return false;
    for (std::size_t r = 0; r < a.rows; ++r)
        if (std::abs(a.row(r)[column] - b.row(r)[columnB]) > 1e-5f)
            return false;
    return true;
}

} // namespace

class TestClassAlignment : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        // Trouser (1), Sneaker (7), Bag (8): 60 real Fashion-MNIST images each.
        const QString tree = m_root.path() + QStringLiteral("/tree");
        QVERIFY(testsupport::writeFashionMnistClassTree(tree.toStdString(), {{1, "Trouser"}, {7, "Sneaker"}, {8, "Bag"}},
                                                        60));
        m_project = m_root.path() + QStringLiteral("/project");
        auto project = Project::create(m_project.toStdString());
        ClassRepository classes(project->database());
        // Class order fixed up front (the import would add them alphabetically).
        for (const QString &name : {QStringLiteral("Trouser"), QStringLiteral("Sneaker"), QStringLiteral("Bag")})
            classes.add(name);
        ImageImporter::Options options;
        options.labelMode = ImportLabelMode::Labels;
        const ImportSummary summary = ImageImporter(project->database(), options).importPaths({tree.toStdString()}, true);
        QCOMPARE(summary.added, std::int64_t(180));
        QCOMPARE(summary.labelled, std::int64_t(180));
    }

    void renameReorderMergeKeepTheModel()
    {
        auto project = Project::open(m_project.toStdString(), Project::Mode::ReadWrite);
        Database &db = project->database();
        ModelService service(*project, db);
        ClassRepository classes(db);
        TrainRequest request;
        request.backbone = QStringLiteral("smallcnn");
        request.epochs = 3;
        request.seed = 1;
        const TrainOutcome first = service.train(request);
        QVERIFY(first.modelVersion);
        QVERIFY2(first.round.heldOutAccuracy > 0.8, qPrintable(QString::number(first.round.heldOutAccuracy)));

        QStringList names;
        const FloatMatrix before = logitsOfLatest(service, &names);
        QCOMPARE(names, (QStringList{"Trouser", "Sneaker", "Bag"}));
        QCOMPARE(before.cols, std::size_t(3));

        // Rename: same head row, new name; the outputs do not change at all.
        const std::int64_t bag = classes.find(QStringLiteral("Bag"))->id;
        classes.rename(bag, QStringLiteral("Handbag"));
        const FloatMatrix renamed = logitsOfLatest(service, &names);
        QCOMPARE(names, (QStringList{"Trouser", "Sneaker", "Handbag"}));
        for (std::size_t c = 0; c < 3; ++c)
            QVERIFY(sameColumn(before, c, renamed, c));

        // Reorder: Handbag first; the rows follow their classes.
        classes.move(bag, 0);
        const FloatMatrix reordered = logitsOfLatest(service, &names);
        QCOMPARE(names, (QStringList{"Handbag", "Trouser", "Sneaker"}));
        QVERIFY(sameColumn(before, 2, reordered, 0));
        QVERIFY(sameColumn(before, 0, reordered, 1));
        QVERIFY(sameColumn(before, 1, reordered, 2));

        // The next round continues from this model: no new classifier, the backbone carries on.
        const TrainOutcome second = service.train(request);
        QVERIFY(second.modelVersion);
        QVERIFY2(second.note.isEmpty(), qPrintable(second.note));
        QVERIFY2(second.round.heldOutAccuracy > 0.8, qPrintable(QString::number(second.round.heldOutAccuracy)));
        auto trained = service.loadLatest();
        QCOMPARE(trained->classNames(), (QStringList{"Handbag", "Trouser", "Sneaker"}));
        QVERIFY(trained->backboneLabels() > 0);
        const FloatMatrix afterSecond = logitsOfLatest(service, &names);

        // Merge Sneaker into Trouser: its labels are folded, its row dropped; the two classes that
        // stay keep their outputs.
        const std::int64_t sneaker = classes.find(QStringLiteral("Sneaker"))->id;
        const std::int64_t trouser = classes.find(QStringLiteral("Trouser"))->id;
        QCOMPARE(classes.merge(sneaker, trouser, QStringLiteral("test")), 60);
        const FloatMatrix merged = logitsOfLatest(service, &names);
        QCOMPARE(names, (QStringList{"Handbag", "Trouser"}));
        QVERIFY(sameColumn(afterSecond, 0, merged, 0));
        QVERIFY(sameColumn(afterSecond, 1, merged, 1));

        // Adding a class grows the head by one fresh row; the others stay.
        classes.add(QStringLiteral("Sandal"));
        const FloatMatrix grown = logitsOfLatest(service, &names);
        QCOMPARE(names, (QStringList{"Handbag", "Trouser", "Sandal"}));
        QVERIFY(sameColumn(afterSecond, 0, grown, 0));
        QVERIFY(sameColumn(afterSecond, 1, grown, 1));

        // And training goes on with the folded labels (120 Trouser, 60 Handbag).
        const TrainOutcome third = service.train(request);
        QVERIFY(third.modelVersion);
        QVERIFY(third.note.isEmpty());
        QCOMPARE(third.labels, std::size_t(180));
        // (No accuracy bar here: Trouser+Sneaker against Handbag with three epochs is not the
        // point; that the round warm-starts from the aligned model is.)
        QCOMPARE(service.loadLatest()->classNames(), (QStringList{"Handbag", "Trouser", "Sandal"}));
    }

private:
    QTemporaryDir m_root;
    QString m_project;
};

QTEST_MAIN(TestClassAlignment)
#include "test_classalignment.moc"
