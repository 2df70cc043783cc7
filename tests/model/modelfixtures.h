#pragma once
// Test fixtures shared by the model suites. Function bodies live here (inline) because every
// tests/model/test_*.cpp is its own executable and the test glob compiles no other .cpp files.

#include "model/imageprovider.h"
#include "model/trainer.h"
#include "support/fashionmnist.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QString>
#include <QStringList>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace activelabel::testing {

// Images held in memory: the real decode path is storage's; here the pixels are what matters.
class MatProvider : public ImageProvider
{
public:
    std::vector<cv::Mat> images;
    std::size_t size() const override { return images.size(); }
    cv::Mat load(std::size_t index, std::string *error = nullptr) const override
    {
        if (index >= images.size() || images[index].empty()) {
            if (error)
                *error = "no such image";
            return {};
        }
        return images[index];
    }
};

struct Dataset
{
    MatProvider provider;
    std::vector<int> labels;
};

// Fashion-MNIST (Debian's dataset-fashion-mnist, or ACTIVELABEL_FASHION_MNIST_DIR): prefix
// "train" or "t10k", the first `limit` images (0: all). Throws when the files are missing.
inline Dataset loadFashionMnist(const std::string &prefix, std::size_t limit = 0)
{
    testsupport::IdxImages idx = testsupport::readFashionMnist(prefix, limit);
    Dataset d;
    d.provider.images = std::move(idx.images);
    d.labels = std::move(idx.labels);
    return d;
}

// Three easily separable synthetic classes (horizontal bars, vertical bars, a disc) with noise,
// at any size and channel count: fast fixtures where real learning is not the point.
inline Dataset syntheticShapes(int count, int size, int channels, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> jitter(-size / 8, size / 8);
    Dataset d;
    for (int i = 0; i < count; ++i) {
        const int cls = i % 3;
        cv::Mat m(size, size, CV_8UC1, cv::Scalar(20));
        const int o = jitter(rng);
        if (cls == 0)
            for (int y = size / 4; y < size; y += size / 3)
                cv::rectangle(m, {0, y + o}, {size - 1, y + o + size / 8}, cv::Scalar(220), cv::FILLED);
        else if (cls == 1)
            for (int x = size / 4; x < size; x += size / 3)
                cv::rectangle(m, {x + o, 0}, {x + o + size / 8, size - 1}, cv::Scalar(220), cv::FILLED);
        else
            cv::circle(m, {size / 2 + o, size / 2 - o}, size / 3, cv::Scalar(230), cv::FILLED);
        cv::Mat noise(size, size, CV_8UC1);
        cv::randu(noise, 0, 40);
        m += noise;
        if (channels == 3)
            cv::cvtColor(m, m, cv::COLOR_GRAY2RGB);
        d.provider.images.push_back(m);
        d.labels.push_back(cls);
    }
    return d;
}

// Labelled samples for images [from, to) of `d`, with their true classes.
inline std::vector<LabelledSample> labelledRange(const Dataset &d, std::size_t from, std::size_t to)
{
    std::vector<LabelledSample> out;
    for (std::size_t i = from; i < to; ++i)
        out.push_back({i, d.labels[i]});
    return out;
}

inline std::vector<std::size_t> indexRange(std::size_t from, std::size_t to)
{
    std::vector<std::size_t> out;
    for (std::size_t i = from; i < to; ++i)
        out.push_back(i);
    return out;
}

// A short seeded round for the synthetic fixtures.
inline TrainingOptions quickRound(TransferMode mode, int epochs = 3, int batchSize = 16, std::uint64_t seed = 7)
{
    TrainingOptions o;
    o.mode = mode;
    o.setExactEpochs(epochs); // the fixtures are small and the suites time-bound
    o.batchSize = batchSize;
    o.seed = seed;
    return o;
}

// Torch threads for the suites: 1 unless ACTIVELABEL_TEST_THREADS says otherwise. On a shared,
// loaded 2-core machine two spinning OpenMP threads are several times slower than one.
inline int testThreads()
{
    const char *v = std::getenv("ACTIVELABEL_TEST_THREADS");
    return v ? std::max(1, std::atoi(v)) : 1;
}

// Runs Debian's Python (the one with torch; ACTIVELABEL_TEST_PYTHON names another) on a script;
// returns exit code, output in `output`.
inline int runPython(const QString &script, const QStringList &args, QString *output, int timeoutMs = 240000)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OMP_NUM_THREADS"), QStringLiteral("2"));
    p.setProcessEnvironment(env);
    // From a file, not -c: torch.jit.script needs the source of classes the script defines.
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("script.py")));
    if (!file.open(QIODevice::WriteOnly))
        return -1;
    file.write(script.toUtf8());
    file.close();
    const QString python = qEnvironmentVariable("ACTIVELABEL_TEST_PYTHON", QStringLiteral("/usr/bin/python3"));
    p.start(python, QStringList{file.fileName()} + args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        if (output)
            *output = QStringLiteral("timeout");
        return -1;
    }
    if (output)
        *output = QString::fromUtf8(p.readAll());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

} // namespace activelabel::testing
