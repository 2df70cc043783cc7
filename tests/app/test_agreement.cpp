// Agreement between annotators: Fleiss' kappa on the textbook example (Fleiss 1971, as Wikipedia
// gives it: 0.210), Cohen's kappa on a 2x2 table with a known value (0.4), votes replayed from
// the label history (undo takes a vote back, a removal withdraws it, the last word counts), the
// majority and audit figures, the review queue and its settlements, `agreement --json` on a real
// project with and without overlap, and the real window's Agreement tab settling a disagreement.
#include "app/agreement.h"
#include "app/gui/projectcontroller.h"
#include "storage/classrepository.h"
#include "storage/imageimporter.h"
#include "storage/imagerepository.h"
#include "storage/labelrepository.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "ui/mainwindow.h"
#include "ui/panels/agreementview.h"
#include "ui/panels/metricspanel.h"
#include "support/cli.h"
#include "support/imagecorpus.h"
#include "support/tempproject.h"

#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QtTest>

using namespace activelabel;
using namespace activelabel::testsupport;

namespace {

LabelChange change(std::int64_t image, std::optional<std::int64_t> cls, const char *annotator, const char *source = "human")
{
    LabelChange c;
    c.imageId = image;
    c.newClassId = cls;
    c.annotator = QString::fromLatin1(annotator);
    c.source = QString::fromLatin1(source);
    return c;
}

QJsonObject agreementJson(const QString &project)
{
    const CliResult r = runCli({QStringLiteral("agreement"), project, QStringLiteral("--json")});
    return r.exitCode == 0 ? QJsonDocument::fromJson(r.out.toUtf8()).object() : QJsonObject{};
}

} // namespace

class TestAgreement : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fleissKappaOfTheTextbookExample()
    {
        // 10 subjects, 14 raters each, 5 categories: counts per category.
        const int table[10][5] = {{0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0},
                                  {2, 2, 8, 1, 1},  {7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2},
                                  {6, 5, 2, 1, 0},  {0, 2, 2, 3, 7}};
        AnnotatorVotes votes;
        for (int subject = 0; subject < 10; ++subject) {
            int rater = 0;
            for (int category = 0; category < 5; ++category)
                for (int k = 0; k < table[subject][category]; ++k)
                    votes[subject + 1][QStringLiteral("r%1").arg(rater++, 2, 10, QLatin1Char('0'))] = category;
        }
        const AgreementReport report = computeAgreement(votes, {});
        QCOMPARE(report.imagesMulti, std::int64_t(10));
        QVERIFY(report.fleissKappa);
        QVERIFY2(std::abs(*report.fleissKappa - 0.20993) < 5e-5, qPrintable(QString::number(*report.fleissKappa)));
        QCOMPARE(report.disagreements, std::int64_t(9)); // only subject 1 is unanimous
        QCOMPARE(report.pairs.size(), std::size_t(14 * 13 / 2));
    }

    void cohenKappaOfATwoByTwoTable()
    {
        // yes/yes 20, yes/no 5, no/yes 10, no/no 15: observed 0.7, chance 0.5, kappa 0.4.
        AnnotatorVotes votes;
        std::int64_t image = 1;
        auto add = [&](int count, int a, int b) {
            for (int i = 0; i < count; ++i, ++image) {
                votes[image][QStringLiteral("a")] = a;
                votes[image][QStringLiteral("b")] = b;
            }
        };
        add(20, 1, 1);
        add(5, 1, 0);
        add(10, 0, 1);
        add(15, 0, 0);
        const AgreementReport report = computeAgreement(votes, {});
        QCOMPARE(report.pairs.size(), std::size_t(1));
        QCOMPARE(report.pairs[0].images, std::int64_t(50));
        QVERIFY(std::abs(*report.pairs[0].cohenKappa - 0.4) < 1e-12);
        QVERIFY(std::abs(*report.fleissKappa - 0.4) < 0.02); // two raters: Fleiss is close to Cohen

        // Everyone chose one class: chance agreement is 1, kappa is undefined, not 1 or 0.
        const AgreementReport unanimous = computeAgreement({{1, {{QStringLiteral("a"), 3}, {QStringLiteral("b"), 3}}}}, {});
        QVERIFY(!unanimous.fleissKappa);
        QVERIFY(!unanimous.pairs[0].cohenKappa);
    }

    void votesComeFromTheHistory()
    {
        const std::vector<LabelChange> history = {
            change(1, 1, "ann"), change(1, 2, "bob"), change(1, 1, "bob", "undo"), // bob's vote taken back
            change(1, 3, "ann"),                                                     // ann's last word
            change(2, 1, "cy"), change(2, std::nullopt, "cy"),                       // withdrawn
            change(3, 4, ""), change(3, 4, "import", "import"),                       // not a person's vote
            change(4, 5, "ann"), change(4, 6, "bob")};
        const AnnotatorVotes votes = currentVotes(history);
        QCOMPARE(votes.size(), std::size_t(2));
        QCOMPARE(votes.at(1), (std::map<QString, std::int64_t>{{QStringLiteral("ann"), 3}}));
        QCOMPARE(votes.at(4).size(), std::size_t(2));
    }

    void reviewQueueAndSettlements()
    {
        std::vector<LabelChange> history = {
            change(1, 1, "ann"), change(1, 2, "bob"), change(1, 1, "rev"),  // settled by rev (id 3)
            change(2, 1, "ann"), change(2, 2, "bob"), change(2, 2, "rev"),  // settled (id 6), then
            change(2, 1, "cy"),                                              // a new vote reopens it
            change(3, 1, "ann"), change(3, 1, "bob"), change(3, 2, "cy"),   // majority 1, unsettled
            change(4, 1, "ann"), change(4, 2, "bob"), change(4, 1, "rev"),  // settled (id 13) and the
            change(4, 2, "rev", "undo"),                                     // settlement undone
            change(5, 1, "ann"), change(5, 1, "bob")};                       // agreed: never queued
        for (std::size_t i = 0; i < history.size(); ++i)
            history[i].id = std::int64_t(i + 1);
        const std::map<std::int64_t, std::int64_t> settlements = {{1, 3}, {2, 6}, {4, 13}};
        std::vector<std::int64_t> queued;
        for (const ReviewItem &item : reviewQueue(history, settlements))
            queued.push_back(item.imageId);
        QCOMPARE(queued, (std::vector<std::int64_t>{2, 3, 4}));
        const ReviewItem three = reviewQueue(history, settlements)[1];
        QCOMPARE(three.majorityClass, std::optional<std::int64_t>(1));
        QVERIFY(!reviewQueue(history, settlements)[2].majorityClass); // 1 against 1
        // The reviewer is no voter: image 1 keeps ann and bob only.
        const AnnotatorVotes votes = currentVotes(votesOnly(history, settlements));
        QCOMPARE(votes.at(1).size(), std::size_t(2));
        QVERIFY(!votes.at(1).count(QStringLiteral("rev")));
        QCOMPARE(votes.at(4), (std::map<QString, std::int64_t>{{QStringLiteral("ann"), 1}, {QStringLiteral("bob"), 2}}));
    }

    void majorityAndAuditFigures()
    {
        AnnotatorVotes votes;
        votes[1] = {{QStringLiteral("a"), 1}, {QStringLiteral("b"), 1}, {QStringLiteral("c"), 2}};
        votes[2] = {{QStringLiteral("a"), 3}, {QStringLiteral("b"), 3}, {QStringLiteral("c"), 3}};
        const AgreementReport report = computeAgreement(votes, {{1, 1}, {2, 4}});
        QCOMPARE(report.annotators.size(), std::size_t(3));
        const AnnotatorAgreement &c = report.annotators[2];
        QCOMPARE(c.name, QStringLiteral("c"));
        QCOMPARE(*c.majorityAgreement, 0.5); // against the others' 1 on image 1, with them on image 2
        QCOMPARE(*c.auditAccuracy, 0.0);     // 2 vs truth 1, 3 vs truth 4
        QCOMPARE(*report.annotators[0].auditAccuracy, 0.5);
        QCOMPARE(*report.annotators[0].majorityAgreement, 1.0); // image 1: the others tie, so only image 2 counts
        QCOMPARE(report.disagreements, std::int64_t(1));
    }

    void theWindowSettlesDisagreements()
    {
        TempDir tmp;
        const std::string tree = tmp.file("tree");
        std::filesystem::create_directories(tree);
        for (int i = 0; i < 4; ++i)
            QVERIFY(writeImage(tree + "/img" + std::to_string(i) + ".png", 24, 24, i));
        const QString path = QString::fromStdString(tmp.file("p"));
        std::vector<std::int64_t> ids;
        {
            auto project = Project::create(path.toStdString());
            Database &db = project->database();
            ImageImporter(db, {}).importPaths({tree}, false);
            ids = ImageRepository(db).ids({});
            ClassRepository classes(db);
            const auto cat = classes.add(QStringLiteral("cat"));
            const auto dog = classes.add(QStringLiteral("dog"));
            LabelRepository labels(db);
            auto vote = [&](std::size_t image, std::int64_t cls, const char *who) {
                labels.setLabel(ids[image], cls, LabelSource::Human, QString::fromLatin1(who));
            };
            vote(0, cat, "ann"), vote(0, dog, "bob");                     // a tie
            vote(1, cat, "ann"), vote(1, cat, "bob"), vote(1, dog, "cy"); // cat leads
            vote(2, dog, "ann"), vote(2, dog, "bob");                     // agreed
        }
        MainWindow window;
        ProjectController controller(&window);
        window.resize(1100, 800);
        window.show();
        controller.openProject(path);
        auto *metrics = window.findChild<MetricsPanel *>();
        QVERIFY(metrics);
        window.tabs()->setCurrentWidget(metrics);
        metrics->tabs()->setCurrentWidget(metrics->agreementView());
        AgreementView *view = metrics->agreementView();
        QTRY_COMPARE_WITH_TIMEOUT(view->agreement().queue.size(), 2, 10000);
        QCOMPARE(view->agreement().imagesMulti, 3);
        QVERIFY(view->findChild<QLabel *>(QStringLiteral("agreementSummary"))->text().contains(QStringLiteral("2 awaiting review")));
        QCOMPARE(view->agreement().queue[0].imageId, ids[0]);
        QCOMPARE(view->agreement().queue[1].majority, QStringLiteral("cat"));

        // The tie: the reviewer picks dog and presses Settle.
        view->selectQueueRow(0);
        view->findChild<QComboBox *>(QStringLiteral("settleClass"))->setCurrentIndex(1);
        QTest::mouseClick(view->findChild<QPushButton *>(QStringLiteral("settleButton")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(view->agreement().queue.size(), 1, 10000);
        auto reader = Project::open(path.toStdString(), Project::Mode::ReadOnly);
        LabelRepository labels(reader->database());
        ClassRepository classes(reader->database());
        QCOMPARE(classes.get(labels.get(ids[0])->classId)->name, QStringLiteral("dog"));
        QCOMPARE(view->agreement().annotators.size(), 3); // the reviewer is not a voter

        // The rest where one class leads, in one go.
        QTest::mouseClick(view->findChild<QPushButton *>(QStringLiteral("settleMajorityButton")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(view->agreement().queue.size(), 0, 10000);
        QCOMPARE(classes.get(labels.get(ids[1])->classId)->name, QStringLiteral("cat"));
        QVERIFY(!view->findChild<QPushButton *>(QStringLiteral("settleMajorityButton"))->isEnabled());
    }

    void cliOnARealProject()
    {
        if (!QFileInfo::exists(cliPath()))
            QSKIP("activelabel-cli not built");
        TempDir tmp;
        QVERIFY(writeImageFolder(tmp.file("tree"), {"cat", "dog"}, 2));
        const QString project = QString::fromStdString(tmp.file("p"));
        QCOMPARE(runCli({QStringLiteral("init"), project}).exitCode, 0);
        // The ImageFolder import gives the classes and labels of its own, recorded with no annotator: no votes.
        QCOMPARE(runCli({QStringLiteral("import"), project, QString::fromStdString(tmp.file("tree")),
                         QStringLiteral("--image-folder")}).exitCode, 0);
        QCOMPARE(runCli({QStringLiteral("label"), project, QStringLiteral("1"), QStringLiteral("cat"),
                         QStringLiteral("--annotator"), QStringLiteral("ann")}).exitCode, 0);

        // One annotator: zeros and nulls, every key present.
        QJsonObject o = agreementJson(project);
        QCOMPARE(o.value(QStringLiteral("images_multi")).toInt(-1), 0);
        QVERIFY(o.value(QStringLiteral("fleiss_kappa")).isNull());
        QCOMPARE(o.value(QStringLiteral("pairs")).toArray().size(), 0);
        QCOMPARE(o.value(QStringLiteral("disagreements")).toInt(-1), 0);
        const QJsonObject ann = o.value(QStringLiteral("annotators")).toArray().at(0).toObject();
        QCOMPARE(ann.value(QStringLiteral("name")).toString(), QStringLiteral("ann"));
        QCOMPARE(ann.value(QStringLiteral("labels")).toInt(), 1);
        QVERIFY(ann.value(QStringLiteral("audit_accuracy")).isNull());
        QVERIFY(ann.value(QStringLiteral("majority_agreement")).isNull());

        // A second annotator relabels the same image: one image with two votes, which disagree.
        QCOMPARE(runCli({QStringLiteral("label"), project, QStringLiteral("1"), QStringLiteral("dog"),
                         QStringLiteral("--annotator"), QStringLiteral("bob")}).exitCode, 0);
        o = agreementJson(project);
        QCOMPARE(o.value(QStringLiteral("images_multi")).toInt(), 1);
        QCOMPARE(o.value(QStringLiteral("disagreements")).toInt(), 1);
        const QJsonObject pair = o.value(QStringLiteral("pairs")).toArray().at(0).toObject();
        QCOMPARE(pair.value(QStringLiteral("a")).toString(), QStringLiteral("ann"));
        QCOMPARE(pair.value(QStringLiteral("b")).toString(), QStringLiteral("bob"));
        QCOMPARE(pair.value(QStringLiteral("images")).toInt(), 1);
    }
};

QTEST_MAIN(TestAgreement)
#include "test_agreement.moc"
