// Next-image latency of the real labelling window: from the moment a label key is posted to the
// event loop until the image view has finished painting the next image. The real MainWindow and
// ProjectController run offscreen on a Fashion-MNIST project; the annotator is simulated from the
// dataset's ground truth (keys 1..9, 0), one key every 100 ms. Two phases: the training worker
// idle (only queue rebuilds), and a real smallcnn training round kept running (re-requested
// whenever the worker goes idle). Prints p50/p99/max per phase; the goal is p99 < 16 ms (one
// frame at 60 Hz). Not a test: it never asserts on time.
//
//   cmake --build build/release --target bench_gui_latency
//   export QT_QPA_PLATFORM=offscreen OMP_WAIT_POLICY=PASSIVE
//   build/release/tests/bench/bench_gui_latency [POOL] [LABELS] [PAUSE_MS]
#include "guidriver.h"

#include "ui/mainwindow.h"
#include "ui/trainingpanel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace activelabel;
using namespace activelabel::bench;

int main(int argc, char *argv[])
{
    prepareGuiProcess(argv);
    QApplication app(argc, argv);
    prepareGuiApplication();
    const std::size_t pool = argc > 1 ? std::size_t(std::atoi(argv[1])) : 3000;
    const int perPhase = argc > 2 ? std::atoi(argv[2]) : 250;
    // 100 ms between keys: ten labels a second, faster than any human annotator keeps up.
    const int pauseMs = argc > 3 ? std::atoi(argv[3]) : 100;

    QTemporaryDir root;
    const FashionMnistProject project =
        createFashionMnistProject(root.path() + QStringLiteral("/fmnist"), pool);

    GuiSession session;
    TrainingSettings settings = session.window().trainingPanel()->settings();
    settings.retrainEvery = 0; // the benchmark decides when rounds run
    if (!session.open(project, settings))
        return 1;

    const auto labelOnce = [&](std::vector<KeySample> *out) {
        const auto sample = session.labelOnce(pauseMs);
        if (sample && out)
            out->push_back(*sample);
    };

    // Warm-up: enough labels for a first model, not measured.
    for (int i = 0; i < 40; ++i)
        labelOnce(nullptr);
    waitFor([&] { return !session.workerBusy(); }, 60000);

    std::vector<KeySample> idle;
    for (int i = 0; i < perPhase; ++i)
        labelOnce(&idle);

    // Training: keep a round running; whenever the worker goes idle, ask for another.
    std::vector<KeySample> training;
    Q_EMIT session.window().trainRequested();
    waitFor([&] { return session.workerBusy(); }, 30000);
    int rounds = 1;
    QElapsedTimer phase;
    phase.start();
    while (std::count_if(training.begin(), training.end(),
                         [](const KeySample &s) { return s.workerBusy; }) < perPhase &&
           phase.elapsed() < 600000) {
        if (!session.workerBusy() && session.workerState() == QLatin1String("Idle")) {
            Q_EMIT session.window().trainRequested();
            ++rounds;
        }
        labelOnce(&training);
    }

    std::printf("\nNext-image latency, key posted -> new image painted (%zu-image pool, smallcnn, "
                "%d training "
                "round(s) requested, %d timeouts)\n",
                pool, rounds, session.timeouts());
    reportLatency("worker idle (no training)", idle, false);
    reportLatency("while a training round runs", training, true);
    std::vector<KeySample> all = idle;
    all.insert(all.end(), training.begin(), training.end());
    for (KeySample &s : all)
        s.workerBusy = false;
    reportLatency("all", all, false);
    for (const QString &text : session.messageBoxes())
        std::printf("message box shown during the run: %s\n", qPrintable(text.simplified()));
    std::printf(
        "goal: p99 < 16 ms\n\nslowest samples (total = queued + handled + until painted):\n");
    reportSlowest(all, 8);
    return 0;
}
