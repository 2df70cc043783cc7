// ONNX export, verified from outside: OpenCV's dnn module reads the file and, fed the tensor the
// sidecar describes, reproduces predict()'s probabilities; Python's onnx.checker accepts it; an
// imported TorchScript backbone converts when its operations can be expressed, and is refused
// with the operation's name otherwise.
#include "modelfixtures.h"
#include "onnxfixtures.h"

#include "model/classifier.h"
#include "model/modelerror.h"
#include "model/torchthreads.h"
#include "model/trainer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/dnn.hpp>

#include <algorithm>
#include <cmath>

using namespace activelabel;
using namespace activelabel::testing;

namespace {

// Two scripted backbones: one made of operations the export knows (conv, batch norm, relu, a
// mean over space, a view sized by the batch, linear), one that ends in a cumulative sum, which ONNX opset 13 has no
// conversion for in our exporter.
const char *kGenerate = R"PY(
import json, sys, torch
out = sys.argv[1]
torch.manual_seed(0)
class Known(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(8)
        self.fc = torch.nn.Linear(8, 5)
    def forward(self, x):
        y = torch.relu(self.bn(self.conv(x))).mean([2, 3], keepdim=True)
        return self.fc(y.view(y.size(0), -1))
class Unknown(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3)
    def forward(self, x):
        return torch.cumsum(self.conv(x), 1)
side = {"input_size": [32, 32], "channels": 3, "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25]}
for name, m in (("known", Known()), ("unknown", Unknown())):
    torch.jit.script(m.eval()).save(out + "/" + name + ".pt")
    json.dump(side, open(out + "/" + name + ".pt.json", "w"))
)PY";

const char *kCheck = R"PY(
import sys
try:
    import onnx
except ImportError:
    print("no-onnx")
    sys.exit(0)
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
print("ok", m.opset_import[0].version, m.graph.input[0].name, m.graph.output[0].name)
)PY";

// Largest |OpenCV - predict| over every probability; also checks the shapes agree.
double maxDifference(const QString &onnxPath, const MatProvider &images, const std::vector<std::size_t> &indices,
                     const FloatMatrix &expected)
{
    cv::dnn::Net net = cv::dnn::readNetFromONNX(onnxPath.toStdString());
    net.setInput(onnxInputBlob(readJsonFile(onnxPath + ".json"), images, indices));
    const cv::Mat out = net.forward();
    if (out.dims != 2 || std::size_t(out.rows) != expected.rows || std::size_t(out.cols) != expected.cols)
        return INFINITY;
    double worst = 0;
    for (std::size_t r = 0; r < expected.rows; ++r)
        for (std::size_t c = 0; c < expected.cols; ++c)
            worst = std::max(worst, std::abs(double(out.at<float>(int(r), int(c))) - expected.at(r, c)));
    return worst;
}

} // namespace

class TestOnnxExport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    // Python's checker on the file; skips (once) when python3-onnx is absent.
    void checkWithPython(const QString &file)
    {
        QString output;
        QCOMPARE(runPython(QString::fromLatin1(kCheck), {file}, &output), 0);
        if (output.trimmed() == QLatin1String("no-onnx"))
            QSKIP("python3-onnx is not installed: onnx.checker not run (packaging/install-deps.sh installs it)");
        QCOMPARE(output.trimmed(), QStringLiteral("ok 13 input probabilities"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        initTorchThreads(testThreads());
        QVERIFY(m_dir.isValid());
    }

    // A smallcnn fine-tuned on real Fashion-MNIST images (every layer trained, batch norm
    // statistics moved, temperature fitted), exported, read back by OpenCV on 200 test images.
    void smallcnnMatchesPredict()
    {
        const Dataset train = loadFashionMnist("train", 400);
        const Dataset test = loadFashionMnist("t10k", 200);
        const QStringList classes{"t-shirt", "trouser", "pullover", "dress", "coat",
                                  "sandal", "shirt", "sneaker", "bag", "boot"};
        auto c = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), classes, 5);
        Trainer::train(*c, train.provider, labelledRange(train, 0, 400), quickRound(TransferMode::full(), 2, 32));
        QVERIFY2(std::abs(c->temperature() - 1.0) > 1e-3, "the round should have fitted a temperature");
        const std::vector<std::size_t> indices = indexRange(0, 200);
        const Prediction p = c->predict(test.provider, indices, {});

        const QString file = path("smallcnn.onnx");
        c->exportOnnx(file, QJsonObject{{"labels", 400}});
        const QJsonObject sidecar = readJsonFile(file + ".json");
        QCOMPARE(sidecar.value("classes").toArray().size(), 10);
        QCOMPARE(sidecar.value("input_size").toArray(), (QJsonArray{28, 28}));
        QCOMPARE(sidecar.value("channels").toInt(), 1);
        QCOMPARE(sidecar.value("model_format").toString(), QStringLiteral("onnx"));
        QCOMPARE(sidecar.value("metrics").toObject().value("labels").toInt(), 400);
        const double worst = maxDifference(file, test.provider, indices, p.probabilities);
        qInfo("smallcnn: max |OpenCV - predict| over 200 x 10 probabilities = %.3g", worst);
        QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));
        // The batch dimension is dynamic: one image at a time gives the same rows.
        FloatMatrix first(1, p.probabilities.cols);
        std::copy(p.probabilities.row(0), p.probabilities.row(0) + first.cols, first.row(0));
        QVERIFY(maxDifference(file, test.provider, {0}, first) < 1e-4);
        checkWithPython(file);
    }

    // ResNet-18 (random weights, one frozen round for the head and temperature) at 32x32 RGB.
    void resnet18MatchesPredict()
    {
        const Dataset data = syntheticShapes(24, 32, 3, 9);
        ModelSpec spec = ModelSpec::defaultsFor(QStringLiteral("resnet18"));
        spec.inputHeight = spec.inputWidth = 32;
        auto c = Classifier::create(spec, {"bars", "columns", "disc"}, 2);
        Trainer::train(*c, data.provider, labelledRange(data, 0, 24), quickRound(TransferMode::finetune(1), 1, 8));
        const std::vector<std::size_t> indices = indexRange(0, 24);
        const Prediction p = c->predict(data.provider, indices, {});
        const QString file = path("resnet18.onnx");
        c->exportOnnx(file);
        const double worst = maxDifference(file, data.provider, indices, p.probabilities);
        qInfo("resnet18: max |OpenCV - predict| over 24 x 3 probabilities = %.3g", worst);
        QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));
        checkWithPython(file);
    }

    // Imported TorchScript backbones: expressible ones convert, the others are refused by name.
    void importedBackbones()
    {
        QString output;
        QVERIFY2(runPython(QString::fromLatin1(kGenerate), {m_dir.path()}, &output) == 0, qPrintable(output));
        const Dataset data = syntheticShapes(12, 32, 3, 3);
        const QStringList classes{"bars", "columns", "disc"};
        const std::vector<std::size_t> indices = indexRange(0, 12);

        ModelSpec known;
        known.backbone = path("known.pt");
        auto c = Classifier::create(known, classes, 1);
        const Prediction p = c->predict(data.provider, indices, {});
        c->exportOnnx(path("known.onnx"));
        const double worst = maxDifference(path("known.onnx"), data.provider, indices, p.probabilities);
        QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));

        ModelSpec unknown;
        unknown.backbone = path("unknown.pt");
        auto u = Classifier::create(unknown, classes, 1);
        try {
            u->exportOnnx(path("unknown.onnx"));
            QFAIL("a backbone using cumsum was exported");
        } catch (const ModelError &e) {
            QVERIFY2(e.message().contains(QLatin1String("aten::cumsum")), qPrintable(e.message()));
            QVERIFY2(!e.message().contains(QLatin1Char('\n')), qPrintable(e.message()));
        }
        QVERIFY(!QFile::exists(path("unknown.onnx")));
    }

    void unwritablePathIsRefused()
    {
        auto c = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), {"a", "b"}, 1);
        const QString file = path("no-such-dir/model.onnx");
        try {
            c->exportOnnx(file);
            QFAIL("exported into a missing directory");
        } catch (const ModelError &e) {
            QVERIFY2(e.message().startsWith(QStringLiteral("cannot write ") + file), qPrintable(e.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestOnnxExport)
#include "test_onnxexport.moc"
