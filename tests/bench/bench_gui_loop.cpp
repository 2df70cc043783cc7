// The application's own loop, measured in the real window: the MainWindow and ProjectController
// run offscreen on Fashion-MNIST projects and a simulated annotator posts label keys to the event
// loop (the true class's hotkey, from the dataset's ground truth). Not a test: it never asserts on
// time; it prints the figures with the goals beside them.
//
//  frozen    label -> refreshed queue, rounds 1..R: from the key press that starts the automatic
//            round (the K-th new label) until the queue strip has been painted in the order of
//            the queue built with the round's model, split into what the status bar shows of the
//            round: request (key -> worker starts), prepare (checkpoint/classifier, features of
//            the labelled set), train (first -> last step), rescore (save, score every image,
//            write predictions), reload (the new checkpoint read back), queue (queue built,
//            handed over, painted). A torchvision ResNet-18 (random weights; scripted at start by
//            export_resnet18.py with Debian's python3-torchvision) with transfer mode `frozen`.
//            Round 1 is the first feature pass; goal: rounds 2..R <= 1 s once the features exist.
//  cli       `activelabel-cli train P --transfer frozen --backbone FILE.pt` on that project
//            reopened, then the same without --backbone: the window computed the features, so
//            once they are kept on disk neither should compute a backbone pass. Then the issue's
//            CLI protocol on a project of its own (--cli-pool pool + 10,000 test images, the
//            oracle's 200 labels, train naming the backbone; K more labels, train without naming
//            it): goal, the second round <= 0.3x the first and no backbone pass.
//  simulate  the same rounds through simulate's in-memory loop (app/simulation: one live
//            classifier, K labels a round, the window's 20,000-candidate limit) for each backbone.
//  smallcnn  label -> refreshed queue as `frozen`, for the built-in smallcnn in `auto`.
//  memory    on the smallcnn project, going on from there: resident memory (VmRSS) after
//            --rss-at labels and after --labels labels (goal: within 50 MiB), with rounds running
//            in the background (automatic, every K labels); next-image latency p50/p99 while
//            rounds run (goal: p99 < 16 ms), at a human pace (--latency-labels keys, 100 ms apart)
//            and at the fast pace the memory phase labels at (--pause-ms).
//
// The smallcnn project's phases run first (memory figures of a process that has not held a
// ResNet-18 yet), then the ResNet-18 ones.
//
//   cmake --build build/release --target bench_gui_loop activelabel-cli
//   nice -n 10 build/release/tests/bench/bench_gui_loop [--pool 20000] [--k 50] [--rounds 5]
//       [--input-size 64] [--labels 5000] [--rss-at 500] [--pause-ms 5] [--latency-labels 300]
//       [--python-images 1024] [--cli-pool 3000] [--phases frozen,cli,simulate,smallcnn,memory]
// The defaults reproduce the figures. activelabel-cli is looked for beside the build's
// app/ folder (ACTIVELABEL_CLI overrides). Torch threads: every core, as the application.
#include "guidriver.h"
#include "guiloopcli.h"
#include "guiloopsimulate.h"
#include "pythonreference.h"

#include "model/torchthreads.h"
#include "storage/project.h"
#include "ui/labelingview.h"
#include "ui/mainwindow.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QListView>
#include <QProgressBar>
#include <QSet>
#include <QStatusBar>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <optional>
#include <vector>

using namespace activelabel;
using namespace activelabel::bench;

namespace {

struct Options
{
    std::size_t pool = 20000;
    int k = 50;                 // labels per automatic round
    int rounds = 5;             // rounds timed per backbone (the first is the first feature pass)
    int inputSize = 64;         // ResNet-18's input side
    int labels = 5000;          // memory phase: labels given in the window in all
    int rssAt = 500;            // memory phase: the first reading
    int pauseMs = 5;            // between keys when labelling fast (refresh and memory phases)
    int latencyLabels = 300;    // keys at the human pace (100 ms apart) while rounds run
    int pythonImages = 1024;    // Python reference of the ResNet-18 forward (0: none)
    std::size_t cliPool = 3000; // the CLI protocol's project
    QSet<QString> phases;
};

constexpr int kHumanPauseMs = 100;
constexpr int kRoundTimeoutMs = 30 * 60 * 1000;

double seconds(std::int64_t fromNs, std::int64_t toNs)
{
    return fromNs < 0 || toNs < 0 ? -1.0 : double(toNs - fromNs) / 1e9;
}

// "  1.23" or "     -" when a part was not seen.
QByteArray cell(double s, int width = 8)
{
    return s < 0 ? QByteArray(width - 1, ' ') + '-'
                 : QByteArray::number(s, 'f', 2).rightJustified(width);
}

// When each part of one round became visible in the window (GuiSession::nowNs; -1: not seen).
struct RoundTimes
{
    int labels = 0;
    std::int64_t version = 0;
    int steps = 0;
    std::int64_t keyNs = -1;       // the K-th label key posted
    std::int64_t trainNs = -1;     // "Training…" shown
    std::int64_t firstStepNs = -1; // step 1 of N shown
    std::int64_t lastStepNs = -1;  // the last step shown
    std::int64_t modelNs = -1;     // "Model vN …" in the status bar (round saved and rescored)
    std::int64_t buildNs = -1;     // "Building queue…" (the new checkpoint loaded)
    std::int64_t queueNs = -1;     // the queue strip reset with the new queue
    std::int64_t shownNs = -1;     // the strip painted after that

    std::int64_t endNs() const { return shownNs >= 0 ? shownNs : queueNs; }
    double total() const { return seconds(keyNs, endNs()); }
};

// Follows one round through what the window shows: the status bar's message and worker progress
// bar, and the label page's queue strip. Everything it reads is public UI; the order is the
// worker's (roundFinished, busy "Building queue", queueReady, idle all arrive queued, in order).
class RoundWatcher : public QObject
{
public:
    explicit RoundWatcher(GuiSession &session) : m_session(session)
    {
        QStatusBar *bar = session.window().statusBar();
        m_progress = bar->findChild<QProgressBar *>();
        m_strip = session.view()->findChild<QListView *>(QStringLiteral("queueStrip"));
        connect(bar, &QStatusBar::messageChanged, this, [this](const QString &text) {
            if (!text.startsWith(QLatin1String("Model v")))
                return;
            ++m_models;
            if (m_armed && m_t.modelNs < 0) {
                m_t.modelNs = now();
                m_t.version = text.mid(7).section(QLatin1Char(' '), 0, 0).toLongLong();
                m_stripAtModel = stripOrder();
            }
        });
        m_progress->installEventFilter(this);
        // A busy state sets an indeterminate range and value 0 (a change after training steps);
        // progress sets the range to its total and the value to what is done: training steps
        // ("Training: step…"), or images scored ("Scoring images…", where the worker says so).
        connect(m_progress, &QProgressBar::valueChanged, this, [this] {
            if (m_progress->maximum() == 0) {
                workerStateStarted();
                return;
            }
            if (!m_armed || m_t.modelNs >= 0 ||
                !m_session.workerState().startsWith(QLatin1String("Training")))
                return;
            if (m_t.firstStepNs < 0)
                m_t.firstStepNs = now();
            m_t.lastStepNs = now();
            m_t.steps = m_progress->maximum();
        });
        // The strip is rebuilt (reset, then its rows) on every advance and decoded image too;
        // the new queue's rebuild is the first after the round that changes its order (or any
        // after "Building queue…"), decided once its rows are in: at its paint, or when polled.
        connect(m_strip->model(), &QAbstractItemModel::modelReset, this, [this] {
            if (m_armed && m_t.modelNs >= 0 && m_t.queueNs < 0 && m_pendingResetNs < 0)
                m_pendingResetNs = now();
        });
        m_strip->viewport()->installEventFilter(this);
    }

    // A new round's record; its key time is set once the key has been posted.
    void arm(int labels)
    {
        m_t = RoundTimes{};
        m_pendingResetNs = -1;
        m_t.labels = labels;
        m_armed = true;
    }
    void setKey(std::int64_t postedNs) { m_t.keyNs = postedNs; }
    // Waits for the refreshed queue to be painted; false when it did not come in time.
    bool waitShown(int timeoutMs)
    {
        QElapsedTimer idleFor;
        waitFor(
            [&] {
                decidePendingReset();
                // Idle for long after the round without a new order: it will not come.
                if (m_t.modelNs < 0 || m_session.workerState() != QLatin1String("Idle"))
                    idleFor.invalidate();
                else if (!idleFor.isValid())
                    idleFor.start();
                return m_t.queueNs >= 0 || (idleFor.isValid() && idleFor.elapsed() > 10000);
            },
            timeoutMs);
        if (m_t.queueNs < 0)
            return false;
        waitFor([this] { return m_t.shownNs >= 0; }, 2000); // else the reset's time stands
        m_armed = false;
        return true;
    }
    const RoundTimes &times() const { return m_t; }
    int modelsSeen() const { return m_models; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (watched == m_progress && event->type() == QEvent::Show)
            workerStateStarted();
        else if (event->type() == QEvent::Paint && m_armed) {
            decidePendingReset();
            if (m_t.queueNs >= 0 && m_t.shownNs < 0)
                m_t.shownNs = now();
        }
        return false;
    }

private:
    std::int64_t now() const { return m_session.nowNs(); }
    QStringList stripOrder() const
    {
        QStringList ids;
        for (int row = 0; row < m_strip->model()->rowCount(); ++row)
            ids << m_strip->model()->index(row, 0).data().toString();
        return ids;
    }
    void decidePendingReset()
    {
        if (m_pendingResetNs < 0 || m_t.queueNs >= 0)
            return;
        if (m_t.buildNs >= 0 || stripOrder() != m_stripAtModel)
            m_t.queueNs = m_pendingResetNs;
        m_pendingResetNs = -1;
    }
    // The progress bar was shown or made indeterminate: the worker state label says what began.
    void workerStateStarted()
    {
        if (!m_armed)
            return;
        const QString state = m_session.workerState();
        if (state.startsWith(QLatin1String("Training")) && m_t.trainNs < 0)
            m_t.trainNs = now();
        else if (state.startsWith(QLatin1String("Building queue")) && m_t.modelNs >= 0 &&
                 m_t.buildNs < 0)
            m_t.buildNs = now();
    }

    GuiSession &m_session;
    QProgressBar *m_progress = nullptr;
    QListView *m_strip = nullptr;
    bool m_armed = false;
    RoundTimes m_t;
    QStringList m_stripAtModel;         // the strip's order when the round's model was announced
    std::int64_t m_pendingResetNs = -1; // a strip rebuild not decided yet
    int m_models = 0;
};

void printRoundHeader()
{
    std::printf("round  labels  refresh s =  request  prepare    train (steps)  rescore   reload   "
                " queue  model\n");
}

void printRound(int round, const RoundTimes &t)
{
    std::printf("%5d  %6d   %s = %s %s %s (%5d) %s %s %s  v%lld\n", round, t.labels,
                cell(t.total()).constData(), cell(seconds(t.keyNs, t.trainNs)).constData(),
                cell(seconds(t.trainNs, t.firstStepNs)).constData(),
                cell(seconds(t.firstStepNs, t.lastStepNs)).constData(), t.steps,
                cell(seconds(t.lastStepNs, t.modelNs)).constData(),
                cell(seconds(t.modelNs, t.buildNs)).constData(),
                cell(seconds(t.buildNs, t.endNs())).constData(), (long long)t.version);
    std::fflush(stdout);
}

// Labels K images per round, the K-th starting the automatic round, and times each round until
// its queue is shown. Returns the rounds that completed.
std::vector<RoundTimes> refreshRounds(GuiSession &session, const Options &o)
{
    RoundWatcher watcher(session);
    std::vector<RoundTimes> rounds;
    printRoundHeader();
    for (int round = 1; round <= o.rounds; ++round) {
        for (int i = 1; i < o.k; ++i)
            session.labelOnce(o.pauseMs);
        // The K-th label starts a round only when the worker is idle (not rebuilding a queue).
        waitFor([&] { return session.workerState() == QLatin1String("Idle"); }, kRoundTimeoutMs);
        watcher.arm(session.labelsGiven() + 1);
        const auto key = session.labelOnce(o.pauseMs);
        if (!key) {
            std::printf("round %d: the K-th key was not answered\n", round);
            break;
        }
        watcher.setKey(key->postedAtNs);
        if (!watcher.waitShown(kRoundTimeoutMs)) {
            std::printf("round %d: no refreshed queue within %d s (worker: %s)\n", round,
                        kRoundTimeoutMs / 1000, qPrintable(session.workerState()));
            break;
        }
        rounds.push_back(watcher.times());
        printRound(round, rounds.back());
    }
    return rounds;
}

QString refreshSummary(const char *what, const std::vector<RoundTimes> &rounds, bool frozen)
{
    if (rounds.empty())
        return QStringLiteral("%1: no round completed").arg(QLatin1String(what));
    std::vector<double> later;
    for (std::size_t i = 1; i < rounds.size(); ++i)
        later.push_back(rounds[i].total());
    QString line =
        QStringLiteral("%1: label -> refreshed queue, rounds 2-%2: median %3 s, max %4 s")
            .arg(QLatin1String(what))
            .arg(rounds.size())
            .arg(later.empty() ? QStringLiteral("-") : QString::number(median(later), 'f', 2))
            .arg(later.empty()
                     ? QStringLiteral("-")
                     : QString::number(*std::max_element(later.begin(), later.end()), 'f', 2));
    if (frozen)
        line += QStringLiteral(" (goal: <= 1 s frozen once the features exist)");
    line += QStringLiteral("; round 1%1: %2 s")
                .arg(frozen ? QStringLiteral(" (the first feature pass)") : QString())
                .arg(rounds.front().total(), 0, 'f', 2);
    return line;
}

void labelUntil(GuiSession &session, int target, int pauseMs, std::vector<KeySample> *samples)
{
    // A long wait is allowed: when the annotator outruns a round, the queue runs dry until the
    // worker builds the next one between two training steps (or after rescoring).
    while (session.labelsGiven() < target) {
        const int before = session.labelsGiven();
        if (const auto sample = session.labelOnce(pauseMs, 120000))
            samples->push_back(*sample);
        if (session.labelsGiven() == before && session.timeouts() > 20)
            break;
    }
}

double settledRss(GuiSession &session)
{
    waitFor([&] { return session.workerState() == QLatin1String("Idle"); }, kRoundTimeoutMs);
    waitFor([] { return false; }, 1000);
    return residentMiB();
}

void printHeap(const HeapFigures &now, const HeapFigures *before)
{
    std::printf("    malloc heap: %.1f MiB in use, %.1f MiB free but held, %.1f MiB mmapped", now.inUseMiB,
                now.freeHeldMiB, now.mmappedMiB);
    if (before)
        std::printf(" (%+.1f / %+.1f / %+.1f)", now.inUseMiB - before->inUseMiB,
                    now.freeHeldMiB - before->freeHeldMiB, now.mmappedMiB - before->mmappedMiB);
    std::printf("\n");
}

QStringList memoryPhase(GuiSession &session, const Options &o)
{
    QStringList summary;
    RoundWatcher rounds(session); // counts the rounds finished
    std::vector<KeySample> fast, human;
    const int roundsBefore = rounds.modelsSeen();
    const int startAt = session.labelsGiven();
    QElapsedTimer t;
    t.start();
    std::printf("\nmemory and latency (smallcnn, auto, a round every %d labels, running in the "
                "background)\n",
                o.k);
    labelUntil(session, o.rssAt, o.pauseMs, &fast);
    const int firstAt = session.labelsGiven();
    const double first = settledRss(session);
    std::printf("  resident memory after %5d labels: %7.1f MiB\n", firstAt, first);
    const HeapFigures heapFirst = heapFigures();
    printHeap(heapFirst, nullptr);
    std::fflush(stdout);
    for (int i = 0; i < o.latencyLabels; ++i)
        if (const auto sample = session.labelOnce(kHumanPauseMs, 120000))
            human.push_back(*sample);
    labelUntil(session, o.labels, o.pauseMs, &fast);
    const double labelSeconds = double(t.elapsed()) / 1000.0;
    const int secondAt = session.labelsGiven();
    const double second = settledRss(session);
    std::printf("  resident memory after %5d labels: %7.1f MiB (%+.1f MiB; goal: within 50 MiB)\n",
                secondAt, second, second - first);
    printHeap(heapFigures(), &heapFirst);
    std::printf("  %d labels in %.0f s, %d rounds finished meanwhile, %d key timeouts\n",
                secondAt - startAt, labelSeconds, rounds.modelsSeen() - roundsBefore,
                session.timeouts());
    std::printf("\nNext-image latency, key posted -> new image painted\n");
    reportLatency("100 ms pace, while a round runs", human, true);
    reportLatency("100 ms pace, worker not training", human, false);
    char fastBusy[64], fastIdle[64];
    std::snprintf(fastBusy, sizeof fastBusy, "%d ms pace, while a round runs", o.pauseMs);
    std::snprintf(fastIdle, sizeof fastIdle, "%d ms pace, worker not training", o.pauseMs);
    reportLatency(fastBusy, fast, true);
    reportLatency(fastIdle, fast, false);
    std::printf("goal: p99 < 16 ms\nslowest samples at the 100 ms pace (total = queued + handled + "
                "until painted):\n");
    reportSlowest(human, 5);
    std::printf("slowest samples at the %d ms pace:\n", o.pauseMs);
    reportSlowest(fast, 5);

    summary << QStringLiteral("resident memory: %1 MiB after %2 labels, %3 MiB after %4 labels: %5 "
                              "MiB (goal: within "
                              "50 MiB)")
                   .arg(first, 0, 'f', 1)
                   .arg(firstAt)
                   .arg(second, 0, 'f', 1)
                   .arg(secondAt)
                   .arg(second - first, 0, 'f', 1);
    std::vector<double> busy;
    for (const KeySample &s : human)
        if (s.workerBusy)
            busy.push_back(s.ms);
    summary << QStringLiteral("next-image latency while rounds run (100 ms pace): p50 %1 ms, p99 "
                              "%2 ms, n=%3 (goal: "
                              "p99 < 16 ms)")
                   .arg(percentile(busy, 0.5), 0, 'f', 2)
                   .arg(percentile(busy, 0.99), 0, 'f', 2)
                   .arg(busy.size());
    return summary;
}

Options parseOptions(const QApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("The application's own loop, measured in the real window."));
    parser.addHelpOption();
    const Options defaults;
    auto option = [&](const char *name, const QString &help, const QString &value) {
        QCommandLineOption o(QString::fromLatin1(name), help, QStringLiteral("N"), value);
        parser.addOption(o);
    };
    option("pool",
           QStringLiteral("Fashion-MNIST pool images per project (plus the 10,000 test images)."),
           QString::number(defaults.pool));
    option("k", QStringLiteral("Labels per automatic round."), QString::number(defaults.k));
    option("rounds",
           QStringLiteral("Rounds timed per backbone (the first is the first feature pass)."),
           QString::number(defaults.rounds));
    option("input-size", QStringLiteral("ResNet-18 input side."),
           QString::number(defaults.inputSize));
    option("labels", QStringLiteral("Memory phase: labels given in the window in all."),
           QString::number(defaults.labels));
    option("rss-at", QStringLiteral("Memory phase: labels at the first reading."),
           QString::number(defaults.rssAt));
    option("pause-ms", QStringLiteral("Pause between keys when labelling fast."),
           QString::number(defaults.pauseMs));
    option("latency-labels", QStringLiteral("Keys at the human pace (100 ms) while rounds run."),
           QString::number(defaults.latencyLabels));
    option("python-images",
           QStringLiteral("Images for the Python ResNet-18 forward reference (0: none)."),
           QString::number(defaults.pythonImages));
    option("cli-pool", QStringLiteral("Pool images of the CLI protocol's project."),
           QString::number(defaults.cliPool));
    parser.addOption({QStringLiteral("phases"),
                      QStringLiteral("Comma-separated: frozen,cli,simulate,smallcnn,memory."),
                      QStringLiteral("LIST"),
                      QStringLiteral("frozen,cli,simulate,smallcnn,memory")});
    parser.process(app);
    Options o;
    o.pool = std::size_t(parser.value(QStringLiteral("pool")).toULongLong());
    o.k = std::max(1, parser.value(QStringLiteral("k")).toInt());
    o.rounds = std::max(1, parser.value(QStringLiteral("rounds")).toInt());
    o.inputSize = std::max(16, parser.value(QStringLiteral("input-size")).toInt());
    o.labels = parser.value(QStringLiteral("labels")).toInt();
    o.rssAt = parser.value(QStringLiteral("rss-at")).toInt();
    o.pauseMs = std::max(0, parser.value(QStringLiteral("pause-ms")).toInt());
    o.latencyLabels = std::max(0, parser.value(QStringLiteral("latency-labels")).toInt());
    o.pythonImages = std::max(0, parser.value(QStringLiteral("python-images")).toInt());
    o.cliPool = std::size_t(parser.value(QStringLiteral("cli-pool")).toULongLong());
    for (const QString &phase :
         parser.value(QStringLiteral("phases")).split(QLatin1Char(','), Qt::SkipEmptyParts))
        o.phases.insert(phase.trimmed());
    return o;
}

} // namespace

int main(int argc, char *argv[])
{
    prepareGuiProcess(argv);
    QApplication app(argc, argv);
    prepareGuiApplication();
    const Options o = parseOptions(app);
    const auto wants = [&](const char *phase) { return o.phases.contains(QLatin1String(phase)); };
    std::printf("bench_gui_loop: pool %zu (+ 10,000 test images), K = %d labels a round, %d "
                "rounds, ResNet-18 at "
                "%dx%d, %d torch threads, phases: %s\n",
                o.pool, o.k, o.rounds, o.inputSize, o.inputSize, torchThreads(),
                qPrintable(QStringList(o.phases.begin(), o.phases.end()).join(QLatin1Char(','))));
    QTemporaryDir root;
    QStringList summary;

    // The smallcnn project first: the resident-memory figures are then not those of a process
    // that held ResNet-18 sessions before (glibc keeps up to 512 MiB of freed heap).
    if (wants("smallcnn") || wants("memory") || wants("simulate")) {
        const FashionMnistProject project =
            createFashionMnistProject(root.filePath(QStringLiteral("smallcnn")), o.pool);
        if (wants("smallcnn") || wants("memory")) {
            GuiSession session;
            TrainingSettings settings = session.window().trainingPanel()->settings();
            settings.backbone = QStringLiteral("smallcnn");
            settings.transfer = QStringLiteral("auto");
            settings.retrainEvery = o.k;
            if (!session.open(project, settings))
                return 1;
            if (wants("smallcnn")) {
                std::printf("\nLabel -> refreshed queue: smallcnn, auto\n");
                summary << refreshSummary("smallcnn auto", refreshRounds(session, o), false);
            }
            if (wants("memory"))
                summary << memoryPhase(session, o);
            for (const QString &text : session.messageBoxes())
                std::printf("message box shown during the run: %s\n",
                            qPrintable(text.simplified()));
        }
        if (wants("simulate"))
            summary << simulatePhase(project.directory, "smallcnn auto", QStringLiteral("smallcnn"),
                                     TransferMode::automatic(), o.k, o.rounds);
    }

    if (wants("frozen") || wants("cli") || wants("simulate")) {
        const QString model = root.filePath(QStringLiteral("resnet18.pt"));
        QStringList args{model, QStringLiteral("--input-size"), QString::number(o.inputSize)};
        if (o.pythonImages > 0)
            args << QStringLiteral("--images") << QString::number(o.pythonImages);
        // The forward reference runs with the environment ActiveLabel gives itself: with OpenMP's
        // default spinning waits, PyTorch is ~10x slower on a busy two-core machine, and the
        // figure is there to say what the feature pass should cost.
        qputenv("ACTIVELABEL_BENCH_PYTHON_TUNED", "1");
        const QJsonObject reference =
            runPythonReference(QStringLiteral("export_resnet18.py"), args, torchThreads());
        if (reference.isEmpty() || !QFileInfo::exists(model)) {
            std::fprintf(
                stderr,
                "could not script torchvision's ResNet-18 (python3-torchvision installed?)\n");
            return 1;
        }
        if (reference.contains(QStringLiteral("forward_images_per_second")))
            summary
                << QStringLiteral(
                       "python reference: scripted ResNet-18 forward at %1x%1, %2 images/s "
                       "(PyTorch, the same threads and OpenMP settings)")
                       .arg(o.inputSize)
                       .arg(reference.value(QStringLiteral("forward_images_per_second")).toDouble(),
                            0, 'f', 0);
        // The window's project (the CLI protocol makes its own).
        FashionMnistProject project;
        if (wants("frozen") || wants("simulate"))
            project =
                createFashionMnistProject(root.filePath(QStringLiteral("frozen-resnet18")), o.pool);
        double firstRound = -1;
        if (wants("frozen")) {
            std::printf("\nLabel -> refreshed queue: ResNet-18 (TorchScript, random weights), "
                        "frozen, %dx%d\n",
                        o.inputSize, o.inputSize);
            GuiSession session;
            TrainingSettings settings = session.window().trainingPanel()->settings();
            settings.backbone = model;
            settings.transfer = QStringLiteral("frozen");
            settings.retrainEvery = o.k;
            if (!session.open(project, settings))
                return 1;
            const auto rounds = refreshRounds(session, o);
            summary << refreshSummary("frozen ResNet-18", rounds, true);
            if (!rounds.empty())
                firstRound = rounds.front().total();
            for (const QString &text : session.messageBoxes())
                std::printf("message box shown during the run: %s\n",
                            qPrintable(text.simplified()));
        }
        if (wants("cli")) {
            if (firstRound < 0)
                std::printf("\nCLI train on the window's project skipped: it needs the frozen "
                            "phase (labels and a model)\n");
            else
                summary << cliReopened(project.directory, model, firstRound);
        }
        if (wants("simulate"))
            summary << simulatePhase(project.directory, "frozen ResNet-18", model,
                                     TransferMode::frozen(), o.k, o.rounds);
        if (wants("cli"))
            summary << cliProtocol(root.filePath(QStringLiteral("cli-resnet18")), model, o.cliPool, o.k);
    }

    std::printf("\nSummary\n");
    for (const QString &line : summary)
        std::printf("  %s\n", qPrintable(line));
    std::fflush(stdout); // before the projects' files are removed
    return 0;
}
