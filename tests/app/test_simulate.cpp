// The simulation loop on real Fashion-MNIST pixels with real training, its CSV/PNG reports, and
// (when the CLI has the command) `activelabel-cli simulate` end to end on a real project.
#include "app/simulation/simulation.h"
#include "app/simulation/simulationreport.h"
#include "model/modelfixtures.h"
#include "support/cli.h"
#include "support/fashionmnist.h"

#include <QApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <set>

using namespace activelabel;
using namespace activelabel::testsupport;

namespace {

QByteArray fileHash(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

} // namespace

class TestSimulate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void runsRoundsUpToTheBudgetAndLearns();
    void sameSeedSameNumbers();
    void warmEpochsBoundOnlyWarmRounds();
    void writesValidCsvAndPng();
    void rejectsBadOptions();
    void cliSimulateWritesFilesAndLeavesProjectUntouched();

private:
    testing::MatProvider m_images;
    SimulationData m_data;
    SimulationOptions m_options;
};

void TestSimulate::initTestCase()
{
    if (!hasFashionMnist())
        QSKIP("Fashion-MNIST (dataset-fashion-mnist) is not installed");
    IdxImages pool = readFashionMnist("train", 400);
    IdxImages test = readFashionMnist("t10k", 200);
    m_data.images = &m_images;
    m_data.classNames = fashionMnistClasses();
    for (std::size_t i = 0; i < pool.images.size(); ++i)
        m_data.pool.push_back(i);
    m_data.poolTruth = pool.labels;
    for (std::size_t i = 0; i < test.images.size(); ++i)
        m_data.test.push_back(pool.images.size() + i);
    m_data.testTruth = test.labels;
    m_images.images = std::move(pool.images);
    m_images.images.insert(m_images.images.end(), test.images.begin(), test.images.end());
    m_options.init = 40;
    m_options.batch = 40;
    m_options.budget = 120;
    m_options.epochs = 8;
}

void TestSimulate::runsRoundsUpToTheBudgetAndLearns()
{
    const Simulation simulation(m_data, m_options);
    std::vector<RoundRecord> seen;
    const auto rounds =
        simulation.run(Strategy::Margin, 0, [&](const RoundRecord &r) { seen.push_back(r); });
    QCOMPARE(rounds.size(), std::size_t(3)); // 40, 80, 120 labels
    QCOMPARE(seen.size(), rounds.size());
    for (std::size_t i = 0; i < rounds.size(); ++i) {
        QCOMPARE(rounds[i].round, int(i));
        QCOMPARE(rounds[i].labels, 40 + 40 * i);
        QVERIFY(rounds[i].testAccuracy >= 0.0 && rounds[i].testAccuracy <= 1.0);
        // 10% of each 40-label batch is audited (4 draws), the final model too.
        QCOMPARE(rounds[i].auditDraws, 4 * (i + 1));
        QVERIFY(rounds[i].audit.low <= rounds[i].auditAccuracy &&
                rounds[i].auditAccuracy <= rounds[i].audit.high);
        QVERIFY(rounds[i].trainSeconds > 0.0);
        QVERIFY(!rounds[i].mode.isEmpty());
    }
    // Ten classes: chance is 10%. 120 Fashion-MNIST labels take smallcnn well past it.
    QVERIFY2(rounds.back().testAccuracy > 0.4,
             qPrintable(QString::number(rounds.back().testAccuracy)));
}

void TestSimulate::sameSeedSameNumbers()
{
    SimulationOptions options = m_options;
    options.budget = 80;
    options.epochs = 3;
    const Simulation simulation(m_data, options);
    for (Strategy s : {Strategy::Hybrid, Strategy::Coreset}) {
        const auto a = simulation.run(s, 3);
        const auto b = simulation.run(s, 3);
        QCOMPARE(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].testAccuracy, b[i].testAccuracy);
            QCOMPARE(a[i].auditAccuracy, b[i].auditAccuracy);
            QCOMPARE(a[i].auditDraws, b[i].auditDraws);
        }
    }
}

void TestSimulate::warmEpochsBoundOnlyWarmRounds()
{
    SimulationOptions options = m_options;
    options.budget = options.init + options.batch; // a fresh round, then one warm round
    options.epochs = 3;
    const auto both = Simulation(m_data, options).run(Strategy::Margin, 1);
    options.warmEpochs = 1;
    const auto warmOne = Simulation(m_data, options).run(Strategy::Margin, 1);
    QCOMPARE(both.size(), std::size_t(2));
    QCOMPARE(warmOne.size(), std::size_t(2));
    // The fresh rounds are the same, so the warm rounds train on the same labels: 3 epochs' steps
    // against 1 epoch's.
    QCOMPARE(warmOne[0].trainSteps, both[0].trainSteps);
    QVERIFY(warmOne[1].trainSteps > 0);
    QCOMPARE(both[1].trainSteps, 3 * warmOne[1].trainSteps);
}

void TestSimulate::writesValidCsvAndPng()
{
    SimulationOptions options = m_options;
    options.budget = 80;
    options.epochs = 3;
    const Simulation simulation(m_data, options);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::vector<RoundRecord> rounds;
    std::map<Strategy, double> wall;
    {
        RoundsCsvWriter csv(dir.filePath("rounds.csv"));
        for (Strategy s : {Strategy::Random, Strategy::Bald, Strategy::Badge}) {
            for (int seed = 0; seed < 2; ++seed) {
                for (const auto &r : simulation.run(s, seed)) {
                    csv.append(r);
                    rounds.push_back(r);
                    wall[s] += r.trainSeconds + r.scoreSeconds;
                }
            }
        }
    }
    const auto summaries = summarise(rounds, wall);
    QCOMPARE(summaries.size(), std::size_t(3));
    writeSummaryCsv(dir.filePath("summary.csv"), summaries);
    writeLearningCurvePlot(dir.filePath("plot.png"), rounds, "test");

    QFile roundsFile(dir.filePath("rounds.csv"));
    QVERIFY(roundsFile.open(QIODevice::ReadOnly));
    const QStringList lines =
        QString::fromUtf8(roundsFile.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.first(),
             QStringLiteral("strategy,seed,round,labels,test_accuracy,audit_accuracy,audit_low,"
                            "audit_high,train_seconds,score_seconds"));
    QCOMPARE(lines.size(), 1 + 3 * 2 * 2);
    for (int i = 1; i < lines.size(); ++i) {
        const QStringList cells = lines[i].split(',');
        QCOMPARE(cells.size(), 10);
        bool ok = false;
        const double accuracy = cells[4].toDouble(&ok);
        QVERIFY(ok && accuracy >= 0.0 && accuracy <= 1.0);
        QVERIFY(cells[6].toDouble() <= cells[5].toDouble() &&
                cells[5].toDouble() <= cells[7].toDouble());
    }
    QFile summaryFile(dir.filePath("summary.csv"));
    QVERIFY(summaryFile.open(QIODevice::ReadOnly));
    const QStringList summary =
        QString::fromUtf8(summaryFile.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(summary.first(),
             QStringLiteral("strategy,seeds,aubc_mean,aubc_std,final_accuracy_mean,"
                            "final_accuracy_std,wall_seconds"));
    QCOMPARE(summary.size(), 4);
    QVERIFY(summary[1].startsWith("random,2,"));
    // AUBC of a two-point curve is the mean of its two accuracies, per seed.
    for (const auto &s : summaries) {
        std::vector<double> aubc;
        for (int seed = 0; seed < 2; ++seed) {
            std::vector<double> acc;
            for (const auto &r : rounds)
                if (r.strategy == s.strategy && r.seed == seed)
                    acc.push_back(r.testAccuracy);
            QCOMPARE(acc.size(), std::size_t(2));
            aubc.push_back((acc[0] + acc[1]) / 2);
        }
        QVERIFY(std::abs(s.aubcMean - (aubc[0] + aubc[1]) / 2) < 1e-12);
        QVERIFY(std::abs(s.aubcStd - std::abs(aubc[0] - aubc[1]) / 2) < 1e-12);
    }
    QImage png;
    QVERIFY(png.load(dir.filePath("plot.png"), "PNG"));
    QVERIFY(png.width() > 500 && png.height() > 300);
    std::set<QRgb> colours;
    for (int y = 0; y < png.height(); y += 3)
        for (int x = 0; x < png.width(); x += 3)
            colours.insert(png.pixel(x, y));
    QVERIFY(colours.size() > 20); // lines, bands, text: not a blank image
}

void TestSimulate::rejectsBadOptions()
{
    SimulationOptions options = m_options;
    options.budget = 10; // fewer than --init
    QVERIFY(!options.validate().isEmpty());
    QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                             Simulation(m_data, options).run(Strategy::Margin, 0));
    options = m_options;
    options.auditFraction = 2.0;
    QVERIFY(!options.validate().isEmpty());
    SimulationData empty;
    QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                             Simulation(empty, m_options).run(Strategy::Margin, 0));
}

void TestSimulate::cliSimulateWritesFilesAndLeavesProjectUntouched()
{
    if (!QFile::exists(cliPath()))
        QSKIP("activelabel-cli is not built");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString project = dir.filePath("projé ct");
    const auto run = [](const QStringList &args) { return runCli(args, 600000); };
    const CliResult init = run({"init", project});
    QVERIFY2(init.exitCode == 0, qPrintable(init.describe()));
    const CliResult import =
        run({"import-fashion-mnist", project, "--limit", "300", "--seed", "1"});
    QVERIFY2(import.exitCode == 0, qPrintable(import.describe()));
    const QByteArray before = fileHash(project + "/project.sqlite");

    const QString out = dir.filePath("out put");
    const CliResult simulated =
        run({"simulate", project, "--strategy", "margin,random", "--init", "20", "--batch", "20",
             "--budget", "40", "--seeds", "1", "--epochs", "3", "--out", out});
    QVERIFY2(simulated.exitCode == 0, qPrintable(simulated.describe()));
    QVERIFY(simulated.out.contains("round 1") || simulated.err.contains("round 1"));
    QVERIFY(QFile::exists(out + "/rounds.csv"));
    QVERIFY(QFile::exists(out + "/summary.csv"));
    QImage png;
    QVERIFY(png.load(out + "/learning-curves.png"));
    QCOMPARE(fileHash(project + "/project.sqlite"), before);

    const CliResult bad = run({"simulate", project, "--strategy", "Margin", "--out", out});
    QVERIFY(bad.exitCode > 0);
    QVERIFY2((bad.out + bad.err).contains("Margin"), qPrintable(bad.describe()));
    const CliResult inside =
        run({"simulate", project, "--strategy", "random", "--out", project + "/sim"});
    QVERIFY(inside.exitCode > 0);
    QVERIFY(!QDir(project + "/sim").exists());
}

// Real training on two shared cores can outlast Qt Test's 5-minute per-function watchdog.
int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "1500000");
    QApplication app(argc, argv);
    TestSimulate test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "test_simulate.moc"
