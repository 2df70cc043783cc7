// Every conv weight is stored with NHWC (channels_last) strides: oneDNN picks a convolution's
// layout from its weight, and a greyscale model's first conv weight (one input channel) used to
// keep NCHW strides, which ran that block in NCHW with a much slower max-pool and layout
// conversions in both passes (training 1.4x slower). Checked on the classifier's own tensors,
// after creation, after a training round and after a checkpoint round trip: a test of model
// internals, so it includes the model's detail header (and torch).
#include "modelfixtures.h"

#include "model/classifier.h"
#include "model/detail/classifierimpl.h"
#include "model/torchthreads.h"
#include "model/trainer.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace activelabel;
using namespace activelabel::testing;

namespace {

// Names of the 4-d parameters whose strides are not those of a dense NHWC tensor.
QStringList notChannelsLast(const Classifier &c)
{
    QStringList wrong;
    for (const auto &p : c.impl().backbone.module.named_parameters()) {
        const torch::Tensor &t = p.value;
        if (t.dim() != 4)
            continue;
        const std::int64_t cs = t.size(1), w = t.size(3), h = t.size(2);
        const std::vector<std::int64_t> nhwc{h * w * cs, 1, w * cs, cs};
        if (t.strides().vec() != nhwc)
            wrong << QString::fromStdString(p.name);
    }
    return wrong;
}

QStringList tenClasses()
{
    QStringList names;
    for (int i = 0; i < 10; ++i)
        names << QString::number(i);
    return names;
}

} // namespace

class TestMemoryFormat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { initTorchThreads(testThreads()); }

    void builtinsAreChannelsLast_data()
    {
        QTest::addColumn<QString>("backbone");
        QTest::addColumn<int>("channels");
        QTest::newRow("smallcnn grey") << QStringLiteral("smallcnn") << 1;
        QTest::newRow("smallcnn rgb") << QStringLiteral("smallcnn") << 3;
        QTest::newRow("resnet18 grey") << QStringLiteral("resnet18") << 1;
    }

    void builtinsAreChannelsLast()
    {
        QFETCH(QString, backbone);
        QFETCH(int, channels);
        ModelSpec spec = ModelSpec::defaultsFor(backbone);
        spec.channels = channels;
        spec.mean.assign(std::size_t(channels), 0.5f);
        spec.std.assign(std::size_t(channels), 0.5f);
        const auto c = Classifier::create(spec, tenClasses(), 3);
        QCOMPARE(notChannelsLast(*c), QStringList());
    }

    void stayChannelsLastThroughTrainingAndCheckpoint()
    {
        const Dataset data = syntheticShapes(40, 28, 1, 5);
        const auto c = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), tenClasses(), 3);
        Trainer::train(*c, data.provider, labelledRange(data, 0, 40), quickRound(TransferMode::full(), 1));
        QCOMPARE(notChannelsLast(*c), QStringList());

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("model.ckpt"));
        c->save(path);
        const auto loaded = Classifier::load(path);
        QCOMPARE(notChannelsLast(*loaded), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestMemoryFormat)
#include "test_memoryformat.moc"
