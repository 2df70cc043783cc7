#include "guidriver.h"

#include "app/gui/projectcontroller.h"
#include "app/runtimeenvironment.h"
#include "model/torchthreads.h"
#include "storage/classrepository.h"
#include "storage/fashionmnistimporter.h"
#include "storage/groundtruthrepository.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "ui/imageview.h"
#include "ui/labelingview.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QEventLoop>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTest>
#include <QThread>

#include <malloc.h>

#include <algorithm>
#include <cstdio>

namespace activelabel::bench {

void prepareGuiProcess(char *argv[])
{
    // The offscreen platform warns on every style-sheet change of a button; keep the figures
    // readable.
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &, const QString &text) {
        if (!text.contains(QLatin1String("propagateSizeHints")) && type != QtDebugMsg)
            std::fprintf(stderr, "%s\n", qPrintable(text));
    });
    ensureRuntimeEnvironment(argv);
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    initTorchThreads(std::max(1, QThread::idealThreadCount()));
}

void prepareGuiApplication()
{
    QApplication::setOrganizationName(QStringLiteral("ActiveLabelBench"));
    QStandardPaths::setTestModeEnabled(true);
}

FashionMnistProject createFashionMnistProject(const QString &directory, std::size_t pool)
{
    FashionMnistProject result;
    result.directory = directory;
    auto project = Project::create(directory.toStdString());
    FashionMnistImporter::Options options;
    options.limit = pool;
    options.seed = 1;
    QElapsedTimer t;
    t.start();
    const ImportSummary summary = FashionMnistImporter(*project, options).run();
    std::printf("Fashion-MNIST project: %lld images imported in %.1f s\n", (long long)summary.added,
                double(t.elapsed()) / 1000.0);
    std::unordered_map<std::int64_t, int> hotkeyOfClass;
    for (const ClassInfo &c : ClassRepository(project->database()).list())
        hotkeyOfClass[c.id] = c.hotkey.toInt();
    for (const auto &[image, cls] : GroundTruthRepository(project->database()).all(Split::Pool))
        result.keyOf[image] = hotkeyOfClass[cls];
    return result;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const std::size_t i = std::min(v.size() - 1, std::size_t(p * double(v.size() - 1) + 0.5));
    return v[i];
}

void waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs)
        QTest::qWait(20);
}

double residentMiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0; // kB
    return -1;
}

HeapFigures heapFigures()
{
    const struct mallinfo2 info = mallinfo2();
    constexpr double mib = 1024.0 * 1024.0;
    return {double(info.uordblks) / mib, double(info.fordblks) / mib, double(info.hblkhd) / mib};
}

void reportLatency(const char *phase, const std::vector<KeySample> &samples, bool busy)
{
    std::vector<double> ms;
    for (const KeySample &s : samples)
        if (s.workerBusy == busy)
            ms.push_back(s.ms);
    const auto late = std::count_if(ms.begin(), ms.end(), [](double x) { return x >= 16.0; });
    std::printf("%-34s n=%4zu  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  >=16 ms: %ld\n", phase,
                ms.size(), percentile(ms, 0.50), percentile(ms, 0.99),
                ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()), long(late));
}

void reportSlowest(std::vector<KeySample> samples, std::size_t count)
{
    std::sort(samples.begin(), samples.end(),
              [](const KeySample &a, const KeySample &b) { return a.ms > b.ms; });
    for (std::size_t i = 0; i < std::min(count, samples.size()); ++i)
        std::printf("  %8.2f ms = queued %7.2f + handled %6.2f + paint wait %7.2f; %d placeholder "
                    "frame(s); image before: #%lld; worker: %s\n",
                    samples[i].ms, samples[i].queuedMs, samples[i].handledMs,
                    samples[i].ms - samples[i].queuedMs - samples[i].handledMs,
                    samples[i].messagePaints, (long long)samples[i].shownBefore,
                    qPrintable(samples[i].workerState));
}

GuiSession::GuiSession() : m_window(std::make_unique<MainWindow>())
{
    m_clock.start();
    m_controller = std::make_unique<ProjectController>(m_window.get());
    m_view = m_window->labelingView();
    m_imageView = m_view->findChild<ImageView *>(QStringLiteral("imageView"));
    m_workerState = m_window->findChild<QLabel *>(QStringLiteral("workerState"));
    // A message box (an error the application reports) would take the keys: report and close it.
    QObject::connect(&m_boxWatch, &QTimer::timeout, [this] {
        for (QWidget *w : QApplication::topLevelWidgets())
            if (auto *box = qobject_cast<QMessageBox *>(w); box && box->isVisible()) {
                m_boxes << box->text();
                box->accept();
            }
    });
}

GuiSession::~GuiSession()
{
    m_boxWatch.stop();
    m_controller.reset(); // closes the project: stops training, waits for pending commits
    m_window.reset();
}

bool GuiSession::open(const FashionMnistProject &project, const TrainingSettings &settings,
                      int timeoutMs)
{
    m_keyOf = project.keyOf;
    m_window->show();
    if (!QTest::qWaitForWindowExposed(m_window.get())) {
        std::fprintf(stderr, "window not exposed\n");
        return false;
    }
    m_window->trainingPanel()->setSettings(settings);
    m_controller->openProject(project.directory);
    waitFor([&] { return m_view->currentImageId() != 0; }, timeoutMs);
    if (m_view->currentImageId() == 0) {
        std::fprintf(stderr, "no image shown within %d s\n", timeoutMs / 1000);
        return false;
    }
    // Let the first frame and the prefetch settle.
    QTest::qWait(500);
    m_boxWatch.start(100);
    return true;
}

QString GuiSession::workerState() const
{
    return m_workerState->text();
}

bool GuiSession::workerBusy() const
{
    const QString s = workerState();
    return s.startsWith(QStringLiteral("Training")) || s.startsWith(QStringLiteral("Rescoring")) ||
           s.startsWith(QStringLiteral("Scoring"));
}

std::optional<KeySample> GuiSession::labelOnce(int pauseMs, int timeoutMs)
{
    LabelingView *view = m_view;
    const std::int64_t before = view->currentImageId();
    const auto key = m_keyOf.find(before);
    const int digit = key == m_keyOf.end() ? 1 : key->second;
    const Qt::Key qtKey = Qt::Key(Qt::Key_0 + digit);
    KeySample sample;
    sample.workerBusy = workerBusy();
    sample.workerState = workerState();
    sample.shownBefore = before;

    QEventLoop loop;
    bool done = false;
    qint64 paintedAt = 0;
    QElapsedTimer clock;
    qint64 dispatchedAt = 0, handledAt = 0;
    const auto connection =
        QObject::connect(m_imageView, &ImageView::painted, &loop, [&](bool showsImage) {
            if (!showsImage && handledAt)
                ++sample.messagePaints;
            if (done || !showsImage || view->currentImageId() == before ||
                view->currentImageId() == 0)
                return;
            done = true;
            paintedAt = clock.nsecsElapsed();
            loop.quit();
        });
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    // Posted like input from the window system: whatever the event loop has queued ahead
    // (worker results, timers, repaints) is served first and counts in the latency.
    sample.postedAtNs = nowNs();
    clock.start();
    QMetaObject::invokeMethod(
        view,
        [&, view, qtKey] {
            dispatchedAt = clock.nsecsElapsed();
            QTest::keyClick(view, qtKey);
            handledAt = clock.nsecsElapsed();
        },
        Qt::QueuedConnection);
    timeout.start(timeoutMs);
    loop.exec();
    QObject::disconnect(connection);
    if (!done) {
        ++m_timeouts;
        std::printf("timeout: key for image #%lld (now #%lld), worker: %s\n", (long long)before,
                    (long long)view->currentImageId(), qPrintable(workerState()));
        return std::nullopt;
    }
    if (before != 0)
        ++m_labels; // a key with no image in front of the annotator labels nothing
    sample.ms = double(paintedAt) / 1e6;
    sample.queuedMs = double(dispatchedAt) / 1e6;
    sample.handledMs = double(handledAt - dispatchedAt) / 1e6;
    QTest::qWait(pauseMs); // the annotator's pace
    return sample;
}

} // namespace activelabel::bench
