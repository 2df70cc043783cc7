// bench_gui_loop's comparison: the same rounds through simulate's in-memory loop.
#include "guiloopsimulate.h"

#include "guidriver.h"

#include "app/projectimages.h"
#include "app/queuebuilder.h"
#include "app/simulation/simulation.h"
#include "app/simulation/simulationdata.h"
#include "storage/project.h"

#include <cstdio>
#include <vector>

namespace activelabel::bench {

// The same rounds through simulate's loop: one classifier kept in memory, K labels a round from
// the ground truth, hybrid over the window's candidate limit. Returns its summary line.
QString simulatePhase(const QString &projectDir, const char *what, const QString &backbone,
                      TransferMode mode, int k, int rounds)
{
    std::printf(
        "\nsimulate's path (%s): one live classifier, %d labels a round, hybrid, %zu candidates\n",
        what, k, QueueRequest{}.candidateLimit);
    auto project = Project::open(projectDir.toStdString(), Project::Mode::ReadOnly);
    ProjectImages images(*project, project->database());
    const SimulationData data = loadSimulationData(images, project->database());
    SimulationOptions options;
    options.strategies = {Strategy::Hybrid};
    options.init = std::size_t(k);
    options.batch = std::size_t(k);
    // One round more than timed: simulate's last round scores no candidates (no next batch).
    options.budget = std::size_t(k) * std::size_t(rounds + 1);
    options.backbone = backbone;
    options.mode = mode;
    options.candidateLimit = QueueRequest{}.candidateLimit;
    std::vector<double> walls;
    std::atomic<bool> stop{false};
    QElapsedTimer t;
    t.start();
    std::printf("round  labels   wall s =  train    score   test etc.  mode\n");
    try {
        Simulation(data, options)
            .run(
                Strategy::Hybrid, 0,
                [&](const RoundRecord &r) {
                    walls.push_back(double(t.nsecsElapsed()) / 1e9);
                    stop = int(walls.size()) >= rounds;
                    t.restart();
                    std::printf("%5d  %6zu  %7.2f = %6.2f   %6.2f      %6.2f  %s\n", r.round + 1,
                                r.labels, walls.back(), r.trainSeconds, r.scoreSeconds,
                                walls.back() - r.trainSeconds - r.scoreSeconds, qPrintable(r.mode));
                    std::fflush(stdout);
                },
                &stop);
    } catch (const std::exception &e) {
        std::printf("simulate's path failed: %s\n", e.what());
        return QStringLiteral("simulate's path (%1): failed").arg(QLatin1String(what));
    }
    std::vector<double> later(
        walls.begin() + std::min<std::ptrdiff_t>(1, std::ptrdiff_t(walls.size())), walls.end());
    const bool frozen = mode.kind == TransferMode::Kind::Frozen;
    return QStringLiteral("simulate's path (%1): rounds 2-%2 median %3 s; round 1%4: %5 s")
        .arg(QLatin1String(what))
        .arg(walls.size())
        .arg(later.empty() ? QStringLiteral("-") : QString::number(median(later), 'f', 2))
        .arg(frozen ? QStringLiteral(" (the first feature pass)") : QString())
        .arg(walls.empty() ? 0.0 : walls.front(), 0, 'f', 2);
}

// Labels fast until `target` labels were given in this session; keys that came back are added to
// `samples`.

} // namespace activelabel::bench
