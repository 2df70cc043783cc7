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

namespace {

QStringList fashionClasses()
{
    return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
}

std::vector<LabelledSample> firstLabels(const Dataset &d, std::size_t n)
{
    std::vector<LabelledSample> out;
    for (std::size_t i = 0; i < n; ++i)
        out.push_back({i, d.labels[i]});
    return out;
}

double testAccuracy(Classifier &c, const Dataset &test)
{
    std::vector<std::size_t> all(test.provider.size());
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] = i;
    return evaluate(c.predict(test.provider, all).probabilities, test.labels).accuracy;
}

} // namespace

class TestLearning : public QObject
{
    Q_OBJECT

private:
    Dataset m_train;
    Dataset m_test;
    QTemporaryDir m_dir;
    QString m_checkpoint;
    double m_accuracy = 0;

private Q_SLOTS:
    void initTestCase()
    {
        initTorchThreads(testThreads());
        m_train = loadFashionMnist("train", 1100);
        m_test = loadFashionMnist("t10k");
        QCOMPARE(m_test.provider.size(), std::size_t(10000));
    }

    void smallCnnLearnsFromThousandLabels()
    {
        auto c = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), fashionClasses(), 1);
        TrainingOptions o;
        o.seed = 1;
        const RoundResult r = Trainer::train(*c, m_train.provider, firstLabels(m_train, 1000), o);
        QCOMPARE(r.modeUsed, TransferMode::full()); // Auto with a fresh backbone
        QVERIFY(r.ece >= 0.0 && r.ece < 0.2);
        m_accuracy = testAccuracy(*c, m_test);
        qInfo("1,000 labels: test accuracy %.4f, held-out %.4f, ECE %.4f, T %.3f, %d steps, %.1f s", m_accuracy,
              r.heldOutAccuracy, r.ece, r.temperature, r.steps, r.seconds);
        QVERIFY2(m_accuracy >= 0.78, qPrintable(QString::number(m_accuracy)));
        m_checkpoint = m_dir.filePath(QStringLiteral("thousand.ckpt"));
        c->save(m_checkpoint);
    }

    void warmStartNeedsFewerStepsThanScratch()
    {
        if (m_checkpoint.isEmpty())
            QSKIP("needs the previous test's model");
        TrainingOptions o;
        o.seed = 2;
        o.maxSteps = 1500;
        o.evalEverySteps = 5;
        o.patience = 1000;
        o.stopAtHeldOutAccuracy = 0.9 * m_accuracy;
        const auto labels = firstLabels(m_train, 1100);

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
