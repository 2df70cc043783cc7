// Inference batches decode their images on torch's thread count, and the result does not depend
// on which thread decoded what: every image is asked for once, failures keep their rows and
// reasons in order, and the probabilities equal a one-image-at-a-time pass.
#include "model/classifier.h"
#include "model/torchthreads.h"
#include "modelfixtures.h"

#include <QtTest>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

using namespace activelabel;

namespace {

// Synthetic pixels that take a little while to "decode" and remember who asked for them.
class RecordingProvider : public ImageProvider
{
public:
    explicit RecordingProvider(std::size_t count) : m_calls(count, 0)
    {
        for (std::size_t i = 0; i < count; ++i)
            m_images.push_back(cv::Mat(28, 28, CV_8UC1, cv::Scalar(double((i * 37) % 256))));
    }
    std::set<std::size_t> broken;

    std::size_t size() const override { return m_images.size(); }
    cv::Mat load(std::size_t index, std::string *error = nullptr) const override
    {
        std::this_thread::sleep_for(std::chrono::microseconds(300)); // a decode's worth of work
        {
            std::lock_guard lock(m_mutex);
            ++m_calls[index];
            m_threads.insert(std::this_thread::get_id());
        }
        if (broken.count(index)) {
            if (error)
                *error = "broken image " + std::to_string(index);
            return {};
        }
        return m_images[index];
    }
    std::size_t threadsSeen() const { return m_threads.size(); }
    std::vector<int> calls() const { return m_calls; }

private:
    std::vector<cv::Mat> m_images;
    mutable std::mutex m_mutex;
    mutable std::vector<int> m_calls;
    mutable std::set<std::thread::id> m_threads;
};

std::vector<std::size_t> iota(std::size_t n)
{
    std::vector<std::size_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = i;
    return v;
}

} // namespace

class TestParallelDecode : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Two threads whatever ACTIVELABEL_TEST_THREADS says: this test is about using them.
    void initTestCase() { initTorchThreads(2); }

    void decodesOnTorchsThreadsOncePerImage()
    {
        QCOMPARE(torchThreads(), 2);
        RecordingProvider images(300);
        images.broken = {7, 130, 299};
        auto c = Classifier::create(ModelSpec::defaultsFor(QStringLiteral("smallcnn")), {"a", "b", "c"}, 1);
        PredictOptions options;
        options.useFeatureCache = false;
        options.batchSize = 128; // three batches, the last one partial
        const Prediction p = c->predict(images, iota(300), options);

        QCOMPARE(images.threadsSeen(), std::size_t(2));
        for (int calls : images.calls())
            QCOMPARE(calls, 1);
        QCOMPARE(p.failedRows, (std::vector<std::size_t>{7, 130, 299}));
        QCOMPARE(p.failureReasons,
                 (QStringList{"broken image 7", "broken image 130", "broken image 299"}));

        // One image per call: no parallelism inside a batch, so this is the serial answer (up to
        // the last bits, which oneDNN's batch-size-dependent blocking may change).
        for (std::size_t i : {std::size_t(0), std::size_t(64), std::size_t(200)}) {
            const Prediction one = c->predict(images, {i}, options);
            for (std::size_t k = 0; k < 3; ++k)
                QVERIFY(std::abs(one.probabilities.at(0, k) - p.probabilities.at(i, k)) < 1e-5f);
        }
    }
};

QTEST_GUILESS_MAIN(TestParallelDecode)
#include "test_paralleldecode.moc"
