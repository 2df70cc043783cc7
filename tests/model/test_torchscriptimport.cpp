// Bring-your-own TorchScript backbones: torchvision models exported by Python (scripted and
// traced) train in frozen and finetune:1 modes and export to ONNX (read back by OpenCV); bad files
// are refused with a clear reason.
#include "modelfixtures.h"
#include "onnxfixtures.h"

#include "model/classifier.h"
#include "model/modelerror.h"
#include "model/torchthreads.h"
#include "model/trainer.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/dnn.hpp>

using namespace activelabel;
using namespace activelabel::testing;

namespace {

const char *kGenerate = R"PY(
import json, sys, torch, torchvision
out = sys.argv[1]
torch.manual_seed(0)
m = torchvision.models.resnet18(weights=None).eval()
torch.jit.script(m).save(out + "/resnet18_scripted.pt")
torch.jit.trace(m, torch.zeros(1, 3, 32, 32)).save(out + "/resnet18_traced.pt")
side = {"input_size": [32, 32], "channels": 3, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
for name in ("resnet18_scripted", "resnet18_traced"):
    json.dump(side, open(out + "/" + name + ".pt.json", "w"))
mb = torchvision.models.mobilenet_v2(weights=None).eval()
torch.jit.trace(mb, torch.zeros(1, 3, 32, 32)).save(out + "/mobilenet_traced.pt")
class Rank3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3)
    def forward(self, x):
        return self.conv(x).mean(1)
torch.jit.script(Rank3()).save(out + "/rank3.pt")
print("\n".join(k for k in m.state_dict().keys() if not k.startswith("fc.")))
)PY";

ModelSpec fileSpec(const QString &path)
{
    ModelSpec s;
    s.backbone = path;
    return s;
}

} // namespace

class TestTorchScriptImport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QStringList m_torchvisionKeys;
    Dataset m_data = syntheticShapes(24, 32, 3, 4);
    QStringList m_classes{"bars", "columns", "disc"};

    QString path(const QString &name) const { return m_dir.filePath(name); }

    TrainingOptions options(TransferMode mode) const { return quickRound(mode, 2, 8, 3); }
    std::vector<LabelledSample> allLabels() const { return labelledRange(m_data, 0, m_data.labels.size()); }

private Q_SLOTS:
    void initTestCase()
    {
        initTorchThreads(testThreads());
        QString output;
        const int rc = runPython(QString::fromLatin1(kGenerate), {m_dir.path()}, &output);
        QVERIFY2(rc == 0, qPrintable(output));
        m_torchvisionKeys = output.trimmed().split(QLatin1Char('\n'));
    }

    void builtinResnetMatchesTorchvisionNames()
    {
        ModelSpec spec = ModelSpec::defaultsFor(QStringLiteral("resnet18"));
        spec.inputHeight = spec.inputWidth = 32;
        auto c = Classifier::create(spec, m_classes, 1);
        QStringList ours;
        for (const auto &[name, state] : c->tensorState())
            if (name.startsWith(QLatin1String("backbone.")))
                ours << name.mid(9);
        QStringList theirs = m_torchvisionKeys;
        ours.sort();
        theirs.sort();
        QCOMPARE(ours, theirs);
    }

    void scriptedResnetFrozenAndFinetune()
    {
        auto c = Classifier::create(fileSpec(path("resnet18_scripted.pt")), m_classes, 1);
        QCOMPARE(c->featureDim(), 512);
        QCOMPARE(c->spec().inputHeight, 32); // from the sidecar
        QCOMPARE(c->blockNames(), (QStringList{"conv1", "bn1", "layer1", "layer2", "layer3", "layer4"}));
        const auto start = c->tensorState();
        const RoundResult frozen = Trainer::train(*c, m_data.provider, allLabels(), options(TransferMode::frozen()));
        QVERIFY(frozen.usedFeatureCache);
        const auto afterFrozen = c->tensorState();
        for (const auto &[name, state] : afterFrozen)
            if (name.startsWith(QLatin1String("backbone.")))
                QVERIFY2(state.bytes == start.at(name).bytes, qPrintable(name));
        QVERIFY(afterFrozen.at("head.weight").bytes != start.at("head.weight").bytes);

        Trainer::train(*c, m_data.provider, allLabels(), options(TransferMode::finetune(1)));
        int changed = 0;
        for (const auto &[name, state] : c->tensorState()) {
            const bool same = state.bytes == afterFrozen.at(name).bytes;
            if (name.startsWith(QLatin1String("backbone.net.layer4.")))
                changed += same ? 0 : 1;
            else if (name.startsWith(QLatin1String("backbone.")))
                QVERIFY2(same, qPrintable(name)); // incl. frozen BatchNorm statistics and the neutral fc
        }
        QVERIFY(changed > 0);
        const auto p = c->predict(m_data.provider, {0, 1, 2});
        QCOMPARE(p.probabilities.cols, std::size_t(3));
    }

    void tracedModelsGiveTheSameFeatures()
    {
        auto scripted = Classifier::create(fileSpec(path("resnet18_scripted.pt")), m_classes, 1);
        auto traced = Classifier::create(fileSpec(path("resnet18_traced.pt")), m_classes, 1);
        QCOMPARE(traced->featureDim(), 512);
        const auto a = scripted->predict(m_data.provider, {0, 1, 2, 3});
        const auto b = traced->predict(m_data.provider, {0, 1, 2, 3});
        for (std::size_t i = 0; i < a.embeddings.data.size(); ++i)
            QVERIFY(std::abs(a.embeddings.data[i] - b.embeddings.data[i]) < 1e-4);
        RoundResult r = Trainer::train(*traced, m_data.provider, allLabels(), options(TransferMode::frozen()));
        QVERIFY(r.steps > 0);

        ModelSpec mobile = fileSpec(path("mobilenet_traced.pt"));
        mobile.inputHeight = mobile.inputWidth = 32;
        mobile.channels = 3;
        mobile.mean = {0.5f, 0.5f, 0.5f};
        mobile.std = {0.25f, 0.25f, 0.25f};
        auto m = Classifier::create(mobile, m_classes, 1);
        QCOMPARE(m->featureDim(), 1280); // classifier[1] neutralised
        // `classifier` holds only the neutralised layer: it is no block.
        QCOMPARE(m->blockNames(), QStringList{"features"});
        r = Trainer::train(*m, m_data.provider, allLabels(), options(TransferMode::finetune(1)));
        QCOMPARE(r.frozenBlocks, 0);
    }

    // torchvision's ResNet-18 (scripted and traced: conv, batch norm, add, adaptive pooling, the
    // neutralised fc) and traced MobileNetV2 (grouped convolutions, ReLU6) convert to ONNX, and
    // OpenCV's dnn module reproduces predict() on them.
    void torchvisionModelsExportToOnnx()
    {
        const std::vector<std::size_t> indices = indexRange(0, m_data.labels.size());
        for (const char *name : {"resnet18_scripted", "resnet18_traced", "mobilenet_traced"}) {
            ModelSpec spec = fileSpec(path(QString::fromLatin1(name) + ".pt"));
            if (QLatin1String(name) == QLatin1String("mobilenet_traced")) {
                spec.inputHeight = spec.inputWidth = 32;
                spec.channels = 3;
                spec.mean = {0.5f, 0.5f, 0.5f};
                spec.std = {0.25f, 0.25f, 0.25f};
            }
            auto c = Classifier::create(spec, m_classes, 1);
            const Prediction p = c->predict(m_data.provider, indices);
            const QString onnx = path(QString::fromLatin1(name) + ".onnx");
            c->exportOnnx(onnx);
            cv::dnn::Net net = cv::dnn::readNetFromONNX(onnx.toStdString());
            net.setInput(onnxInputBlob(readJsonFile(onnx + ".json"), m_data.provider, indices));
            const cv::Mat out = net.forward();
            QCOMPARE(out.rows, int(p.probabilities.rows));
            QCOMPARE(out.cols, int(p.probabilities.cols));
            double worst = 0;
            for (int r = 0; r < out.rows; ++r)
                for (int k = 0; k < out.cols; ++k)
                    worst = std::max(worst, std::abs(double(out.at<float>(r, k)) - p.probabilities.at(r, k)));
            QVERIFY2(worst < 1e-4, qPrintable(QStringLiteral("%1: %2").arg(name).arg(worst)));
        }
    }

    void badFilesAreRefusedClearly()
    {
        auto refusal = [&](const ModelSpec &spec) -> QString {
            try {
                Classifier::create(spec, m_classes, 1);
            } catch (const ModelError &e) {
                return e.message();
            }
            return QString();
        };
        QFile empty(path("empty.pt"));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.close();
        QVERIFY(refusal(fileSpec(empty.fileName())).contains(QLatin1String("empty")));

        QFile text(path("text.pt"));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("hello, I am not a model");
        text.close();
        QVERIFY(refusal(fileSpec(text.fileName())).contains(QLatin1String("not a zip")));

        QFile whole(path("resnet18_scripted.pt"));
        QVERIFY(whole.open(QIODevice::ReadOnly));
        QFile truncated(path("truncated.pt"));
        QVERIFY(truncated.open(QIODevice::WriteOnly));
        truncated.write(whole.read(whole.size() / 2));
        truncated.close();
        QVERIFY(refusal(fileSpec(truncated.fileName())).contains(QLatin1String("truncated or corrupt")));

        ModelSpec rank3 = fileSpec(path("rank3.pt"));
        rank3.channels = 3;
        rank3.mean = {0, 0, 0};
        rank3.std = {1, 1, 1};
        QVERIFY(refusal(rank3).contains(QLatin1String("unsupported output shape")));

        ModelSpec grey = fileSpec(path("resnet18_scripted.pt"));
        grey.explicitInput = true; // command-line values win over the sidecar
        grey.inputHeight = grey.inputWidth = 32;
        const QString reason = refusal(grey); // channels 1 against a 3-channel conv1
        QVERIFY2(reason.contains(QLatin1String("wrong --channels")), qPrintable(reason));
        QVERIFY(!reason.contains(QLatin1Char('\n')));

        QVERIFY(refusal(fileSpec(path("missing.pt"))).contains(QLatin1String("does not exist")));
    }
};

QTEST_GUILESS_MAIN(TestTorchScriptImport)
#include "test_torchscriptimport.moc"
