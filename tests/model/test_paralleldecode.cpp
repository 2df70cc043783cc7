// Inference batches decode their images on torch's thread count, and the result does not depend
// on which thread decoded what: every image is asked for once, failures keep their rows and
// reasons in order, and the probabilities equal a one-image-at-a-time pass.
#include "model/classifier.h"
#include "model/torchthreads.h"
#include "modelfixtures.h"

#include <QtTest>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

using namespace activelabel;

namespace {

// Synthetic pixels that remember who asked for them. The first load waits (up to a minute) until a
// second thread is inside load() too: a parallel decode then shows two loads at once however busy
// the machine is, and a serial one never does. No sleeps, no timing.
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
        {
            std::unique_lock lock(m_mutex);
            ++m_calls[index];
            m_threads.insert(std::this_thread::get_id());
            m_mostAtOnce = std::max(m_mostAtOnce, ++m_inside);
            m_changed.notify_all();
            if (!m_waited) {
                m_waited =
                    true; // only the first load waits: a serial decode fails once, not 300 times
                m_changed.wait_for(lock, std::chrono::minutes(1),
                                   [this] { return m_mostAtOnce >= 2; });
            }
        }
        cv::Mat image;
        if (broken.count(index)) {
            if (error)
                *error = "broken image " + std::to_string(index);
        } else {
            image = m_images[index];
        }
        std::lock_guard lock(m_mutex);
        --m_inside;
        return image;
    }
    std::size_t threadsSeen() const
    {
        std::lock_guard lock(m_mutex);
        return m_threads.size();
    }
    int mostAtOnce() const
    {
        std::lock_guard lock(m_mutex);
        return m_mostAtOnce;
    }
    std::vector<int> calls() const
    {
        std::lock_guard lock(m_mutex);
        return m_calls;
    }

private:
    std::vector<cv::Mat> m_images;
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    mutable std::vector<int> m_calls;
    mutable std::set<std::thread::id> m_threads;
    mutable int m_inside = 0;     // loads running now
    mutable int m_mostAtOnce = 0; // the most loads ever running at once
    mutable bool m_waited = false;
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

        // Two decodes ran at once (the threads took part), never more than torch's thread count.
        QCOMPARE(images.mostAtOnce(), 2);
        QVERIFY(images.threadsSeen() >= 2);
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
