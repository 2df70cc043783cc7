// Real learning on Fashion-MNIST: smallcnn from 1,000 labels, and warm start versus scratch.
#include "modelfixtures.h"

#include "model/classifier.h"
#include "model/evaluation.h"
#include "model/torchthreads.h"
#include "model/trainer.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace activelabel;
using namespace activelabel::testing;
using activelabel::testsupport::fashionMnistClasses;

namespace {

double testAccuracy(Classifier &c, const Dataset &test)
{
    return evaluate(c.predict(test.provider, indexRange(0, test.provider.size())).probabilities,
                    test.labels)
        .accuracy;
}

} // namespace

// Each case reads what it needs from the fixture initTestCase builds (the thousand-label model and
// its round), so any one of them runs alone (`test_learning warmStartNeedsFewerStepsThanScratch`).
class TestLearning : public QObject
{
    Q_OBJECT

private:
    Dataset m_train;
    Dataset m_test;
    QTemporaryDir m_dir;
    QString m_checkpoint;   // smallcnn after a round on the first 1,000 training images
    RoundResult m_thousand; // that round
    double m_accuracy = 0;  // its test accuracy

private Q_SLOTS:
    void initTestCase()
    {
        initTorchThreads(testThreads());
        m_train = loadFashionMnist("train", 1100);
        m_test = loadFashionMnist("t10k");
        QCOMPARE(m_test.provider.size(), std::size_t(10000));

        auto c = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")),
                                    fashionMnistClasses(), 1);
        TrainingOptions o;
        o.seed = 1;
        m_thousand = Trainer::train(*c, m_train.provider, labelledRange(m_train, 0, 1000), o);
        m_accuracy = testAccuracy(*c, m_test);
        m_checkpoint = m_dir.filePath(QStringLiteral("thousand.ckpt"));
        c->save(m_checkpoint);
    }

    void smallCnnLearnsFromThousandLabels()
    {
        const RoundResult &r = m_thousand;
        QCOMPARE(r.modeUsed, TransferMode::full()); // Auto with a fresh backbone
        QVERIFY(r.ece >= 0.0 && r.ece < 0.2);
        qInfo("1,000 labels: test accuracy %.4f, held-out %.4f, ECE %.4f, T %.3f, %d steps, %.1f s", m_accuracy,
              r.heldOutAccuracy, r.ece, r.temperature, r.steps, r.seconds);
        QVERIFY2(m_accuracy >= 0.78, qPrintable(QString::number(m_accuracy)));
    }

    void warmStartNeedsFewerStepsThanScratch()
    {
        TrainingOptions o;
        o.seed = 2;
        o.maxSteps = 1500;
        o.evalEverySteps = 5;
        o.patience = 1000;
        o.stopAtHeldOutAccuracy = 0.9 * m_accuracy;
        const auto labels = labelledRange(m_train, 0, 1100);

        auto warm = Classifier::load(m_checkpoint);
        o.mode = TransferMode::full();
        const RoundResult w = Trainer::train(*warm, m_train.provider, labels, o);
        auto scratch = Classifier::load(m_checkpoint);
        o.mode = TransferMode::scratch();
        const RoundResult s = Trainer::train(*scratch, m_train.provider, labels, o);
        qInfo("target %.3f: warm %d steps (%.3f), scratch %d steps (%.3f)", o.stopAtHeldOutAccuracy, w.steps,
              w.heldOutAccuracy, s.steps, s.heldOutAccuracy);
        QVERIFY(w.heldOutAccuracy >= o.stopAtHeldOutAccuracy);
        QVERIFY(s.heldOutAccuracy >= o.stopAtHeldOutAccuracy);
        QVERIFY(w.steps < s.steps);
    }
};

QTEST_GUILESS_MAIN(TestLearning)
#include "test_learning.moc"
