#pragma once
// The driver the window benchmarks share (bench_gui_latency, bench_gui_loop): a Fashion-MNIST
// project, the real MainWindow and ProjectController offscreen, and a simulated annotator that
// posts one label key at a time to the event loop (the true class's hotkey, from the dataset's
// ground truth) and measures how long the next image takes to be painted.
#include "benchstats.h"
#include "ui/trainingpanel.h"

#include <QElapsedTimer>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

class QLabel;

namespace activelabel {

class ImageView;
class LabelingView;
class MainWindow;
class ProjectController;

namespace bench {

// Start-up shared by the window benchmarks, before the QApplication exists: a message handler
// that drops the offscreen platform's noise, the runtime environment (may re-exec), the
// offscreen platform unless one is set, and torch's thread count (every core).
void prepareGuiProcess(char *argv[]);
// After the QApplication exists: settings and paths of a test run, never the user's.
void prepareGuiApplication();

// A Fashion-MNIST project made for one run: `pool` training images (seeded subset) plus the
// 10,000 test images, and the digit key (1..9, 0) of every pool image's true class.
struct FashionMnistProject
{
    QString directory;
    std::unordered_map<std::int64_t, int> keyOf; // image id -> hotkey digit of its true class
};
// Prints "Fashion-MNIST project: N images imported in S s".
FashionMnistProject createFashionMnistProject(const QString &directory, std::size_t pool);

double percentile(std::vector<double> values, double p);
// Serves the event loop (20 ms at a time) until `done` or the timeout.
void waitFor(const std::function<bool()> &done, int timeoutMs);
// Resident memory of this process (VmRSS), in MiB; -1 when /proc is unreadable.
double residentMiB();
// The heap as glibc's malloc sees it (all arenas), in MiB: what is in use, and what is free but
// still held (resident until trimmed). Tells real growth from memory the allocator keeps.
struct HeapFigures
{
    double inUseMiB = 0;
    double freeHeldMiB = 0;
    double mmappedMiB = 0;
};
HeapFigures heapFigures();

// One label key, from the moment it was posted until the next image was painted.
struct KeySample
{
    double ms = 0;
    double queuedMs = 0;  // posted -> the key event is dispatched (the event loop was busy)
    double handledMs = 0; // dispatched -> the key's handlers returned (label, advance, setImage)
    int messagePaints =
        0; // frames painted without the image in between (not decoded yet, queue empty)
    bool workerBusy = false; // the training worker was training/rescoring when the key was posted
    QString workerState;
    std::int64_t shownBefore = 0; // the image on screen when the key was posted (0: none)
    std::int64_t postedAtNs = 0;  // on GuiSession::clock()
};

// "phase  n=…  p50 … ms  p99 … ms  max … ms  >=16 ms: …" over the samples whose workerBusy is
// `busy`.
void reportLatency(const char *phase, const std::vector<KeySample> &samples, bool busy);
// The slowest samples with their parts (queued, handled, paint wait).
void reportSlowest(std::vector<KeySample> samples, std::size_t count);

// The real window on one project, with the annotator. The window and its controller live as long
// as this object; destroying it closes the project (releasing its lock) as the window would.
class GuiSession
{
public:
    GuiSession();
    ~GuiSession();

    // Applies the training settings, opens the project and waits for the first image (false, with
    // the reason on stderr, when none is shown within the timeout).
    bool open(const FashionMnistProject &project, const TrainingSettings &settings,
              int timeoutMs = 300000);

    MainWindow &window() { return *m_window; }
    ProjectController &controller() { return *m_controller; }
    LabelingView *view() const { return m_view; }
    ImageView *imageView() const { return m_imageView; }
    // The status bar's worker state ("Idle", "Training…", "Building queue…", "Training: step…").
    QString workerState() const;
    // Training or scoring images in a round (a queue rebuild alone does not count).
    bool workerBusy() const;
    // Monotonic nanoseconds since this session was made; every time stamp here is on it.
    std::int64_t nowNs() const { return m_clock.nsecsElapsed(); }

    // Posts the current image's true class key like input from the window system and waits for
    // the next image to be painted (at most `timeoutMs`), then for `pauseMs` (the annotator's
    // pace). nullopt on a timeout (printed, and counted in timeouts()).
    std::optional<KeySample> labelOnce(int pauseMs, int timeoutMs = 5000);
    int timeouts() const { return m_timeouts; }
    // Keys that labelled an image (an image was shown, and the next one came).
    int labelsGiven() const { return m_labels; }
    // Text of every message box the application showed (each was closed so that keys go on).
    const QStringList &messageBoxes() const { return m_boxes; }

private:
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<ProjectController> m_controller; // destroyed before the window
    LabelingView *m_view = nullptr;
    ImageView *m_imageView = nullptr;
    QLabel *m_workerState = nullptr;
    std::unordered_map<std::int64_t, int> m_keyOf;
    QElapsedTimer m_clock;
    QTimer m_boxWatch;
    QStringList m_boxes;
    int m_timeouts = 0;
    int m_labels = 0;
};

} // namespace bench
} // namespace activelabel
