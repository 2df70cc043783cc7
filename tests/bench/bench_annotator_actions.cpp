// Correct labels per annotator action (issue 19's headline figure), in the real window on the
// Fashion-MNIST demo. A simulated annotator knows the dataset's ground truth and slips at a stated
// rate; every key press and every click it makes counts as one action. Two paths, each on a fresh
// project, to --labels labels (2,000), with training rounds between (the driver starts each round
// and waits for it: the window's automatic rounds, at a fixed cadence):
//
//  (a) one by one  the Label page: one key per image (the true class's key; with probability
//                  --slip a wrong class's key instead, uniformly among the others). A round after
//                  the first --initial labels and then every --cycle labels.
//  (b) bulk        what a careful annotator does with the bulk review page: --initial labels one by
//                  one (no model yet: no page can be shown), a round, then cycles of: Ctrl+B; for
//                  each class, its key, then pages of that class while they are worth it (at most
//                  --pages-per-class, stopping at a page below --min-precision right or a short
//                  page): on each page it clicks every tile the model got wrong (missing each with
//                  probability --slip; when most tiles are wrong it presses A to untick all and
//                  clicks the right ones instead, leaving each wrong one ticked by mistake with
//                  probability --slip) and presses Enter; then Esc and one key per image for the
//                  images it unticked (the front of the queue) plus --uncertain of the queue's
//                  uncertain images (with the one-by-one slip), and a round. With --lookalikes 1
//                  (the default) it first presses L on each image it unticked ("find similar": it
//                  knows that image's class now) and, when at least --min-precision of the
//                  look-alikes are that class, clicks the others and presses the class's key,
//                  which labels the ticked ones; then Esc.
//
// Reported per path: labels, correct labels, label accuracy, actions, correct labels per action,
// wall time; for (b) also the pages and their precision. Goal: (b) >= 5 correct labels/action with
// label accuracy no more than one point below (a).
//
//   cmake --build build/release --target bench_annotator_actions
//   nice -n 10 build/release/tests/bench/bench_annotator_actions [--pool 20000] [--labels 2000]
//       [--slip 0.02] [--seed 1] [--seeds 1] [--initial 100] [--cycle 300] [--uncertain 0]
//       [--pages-per-class 1] [--min-precision 0.5] [--lookalikes 1] [--paths a,b] [--screenshot
//       FILE.png]
#include "guidriver.h"

#include "app/gui/bulkreviewcontroller.h"
#include "app/gui/labelingcontroller.h"
#include "app/gui/projectcontroller.h"
#include "model/torchthreads.h"
#include "storage/classrepository.h"
#include "storage/groundtruthrepository.h"
#include "storage/labelrepository.h"
#include "storage/sqlitedatabase.h"
#include "ui/bulkreviewpage.h"
#include "ui/labelingview.h"
#include "ui/lookalikespage.h"
#include "ui/mainwindow.h"
#include "ui/tilegrid.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <random>
#include <unordered_map>

using namespace activelabel;
using namespace activelabel::bench;

namespace {

constexpr int kRoundTimeoutMs = 600000;

struct Options
{
    std::size_t pool = 20000;
    int labels = 2000;
    double slip = 0.02;
    unsigned seed = 1;
    int seeds = 1; // annotators (seeds seed, seed+1, …), each on fresh projects: medians reported
    int initial = 100;
    int cycle = 300;
    int uncertain = 0;
    int pagesPerClass = 1;
    double minPrecision = 0.5;
    bool lookalikes = true; // (b): "find similar" (L) on each image the model got wrong on a page
    QStringList paths{QStringLiteral("a"), QStringLiteral("b")};
    QString screenshot;
};

struct Result
{
    QString path;
    int labels = 0;
    int correct = 0;
    long actions = 0;
    int rounds = 0;
    double seconds = 0;
    int pages = 0;
    int pageLabels = 0;
    int pageTiles = 0;
    int pageRightTiles = 0;
    int oneByOneLabels = 0;
    int lookalikeSearches = 0;
    int lookalikePages = 0;
    int lookalikeLabels = 0;
    int lookalikeTiles = 0;
    int lookalikeRightTiles = 0;
    double accuracy() const { return labels ? double(correct) / labels : 0; }
    double perAction() const { return actions ? double(correct) / double(actions) : 0; }
};

// The annotator: knows every pool image's true class position, slips at the stated rate, and
// counts its own actions.
class Annotator
{
public:
    Annotator(GuiSession &session, const FashionMnistProject &project, const Options &o)
        : m_session(session), m_o(o), m_rng(o.seed)
    {
        Database db(std::filesystem::path(project.directory.toStdString()) / "project.sqlite",
                    Database::Access::ReadOnly);
        std::unordered_map<std::int64_t, int> positionOfClass;
        for (const ClassInfo &c : ClassRepository(db).list()) {
            positionOfClass[c.id] = c.position;
            m_keys.push_back(c.hotkey);
        }
        for (const auto &[image, cls] : GroundTruthRepository(db).all(Split::Pool))
            m_truth[image] = positionOfClass[cls];
    }

    long actions = 0;
    int labelsGiven = 0;
    int oneByOne = 0;

    int classCount() const { return int(m_keys.size()); }
    int truth(std::int64_t imageId) const
    {
        const auto it = m_truth.find(imageId);
        return it == m_truth.end() ? -1 : it->second;
    }
    bool slips() { return std::bernoulli_distribution(m_o.slip)(m_rng); }
    Qt::Key keyOf(int position) const
    {
        return Qt::Key(m_keys[std::size_t(position)].at(0).unicode());
    }

    // One image on the Label page: its class key (or, slipping, another class's), 1 action.
    bool labelOne()
    {
        LabelingView *view = m_session.view();
        waitFor([&] { return view->currentImageId() != 0; }, 30000);
        const std::int64_t before = view->currentImageId();
        if (before == 0)
            return false;
        int position = truth(before);
        if (position < 0)
            position = 0;
        if (slips())
            position =
                (position + 1 + std::uniform_int_distribution<int>(0, classCount() - 2)(m_rng)) %
                classCount();
        QTest::keyClick(view, keyOf(position));
        ++actions;
        ++labelsGiven;
        ++oneByOne;
        waitFor([&] { return view->currentImageId() != 0 && view->currentImageId() != before; },
                30000);
        return true;
    }

    // Any key or click: one action.
    void key(QWidget *target, Qt::Key key, Qt::KeyboardModifiers modifiers = {})
    {
        QTest::keyClick(target, key, modifiers);
        ++actions;
    }
    void click(TileGrid *grid, int index)
    {
        QTest::mouseClick(grid, Qt::LeftButton, {}, grid->tileRect(index).center());
        ++actions;
    }

private:
    GuiSession &m_session;
    const Options &m_o;
    std::mt19937 m_rng;
    std::vector<QString> m_keys;
    std::unordered_map<std::int64_t, int> m_truth;
};

// Waits for every label given so far to be committed (the writer commits each one durably; the
// simulated annotator is faster than a person), starts a round and waits until its model is in
// place and the worker idle.
bool runRound(GuiSession &session, const FashionMnistProject &project, int labelsGiven)
{
    Database db(std::filesystem::path(project.directory.toStdString()) / "project.sqlite",
                Database::Access::ReadOnly);
    waitFor([&] { return LabelRepository(db).count() >= labelsGiven; }, 60000);
    LabelingController *labeling = session.controller().labeling();
    const std::optional<qint64> before = labeling->modelVersion();
    labeling->trainNow();
    waitFor([&] { return labeling->modelVersion() != before && !labeling->isWorkerBusy(); },
            kRoundTimeoutMs);
    if (labeling->modelVersion() == before) {
        std::fprintf(stderr, "round did not finish within %d s\n", kRoundTimeoutMs / 1000);
        return false;
    }
    return true;
}

void waitForPage(BulkReviewController *bulk)
{
    waitFor([&] { return !bulk->isBuilding(); }, 60000);
}

// Labels, correct labels, after every commit has returned.
void countLabels(const FashionMnistProject &project, Annotator &annotator, Result &result)
{
    Database db(std::filesystem::path(project.directory.toStdString()) / "project.sqlite",
                Database::Access::ReadOnly);
    waitFor([&] { return LabelRepository(db).count() >= annotator.labelsGiven; }, 60000);
    std::unordered_map<std::int64_t, int> positionOfClass;
    for (const ClassInfo &c : ClassRepository(db).list())
        positionOfClass[c.id] = c.position;
    result.labels = 0;
    result.correct = 0;
    for (const Label &label : LabelRepository(db).all()) {
        ++result.labels;
        if (positionOfClass[label.classId] == annotator.truth(label.imageId))
            ++result.correct;
    }
}

Result oneByOnePath(const QString &dir, const Options &o)
{
    Result result;
    result.path = QStringLiteral("(a) one by one");
    const FashionMnistProject project = createFashionMnistProject(dir, o.pool);
    GuiSession session;
    TrainingSettings settings = session.window().trainingPanel()->settings();
    settings.retrainEvery = 0; // rounds at the driver's cadence
    if (!session.open(project, settings))
        return result;
    Annotator annotator(session, project, o);
    QElapsedTimer clock;
    clock.start();
    int nextRound = o.initial;
    while (annotator.labelsGiven < o.labels) {
        if (!annotator.labelOne())
            break;
        if (annotator.labelsGiven >= nextRound && annotator.labelsGiven < o.labels) {
            result.rounds += runRound(session, project, annotator.labelsGiven) ? 1 : 0;
            nextRound += o.cycle;
        }
    }
    result.seconds = double(clock.elapsed()) / 1000.0;
    result.actions = annotator.actions;
    result.oneByOneLabels = annotator.oneByOne;
    countLabels(project, annotator, result);
    return result;
}

// One page: untick what the model got wrong (or untick all and tick the right ones), Enter.
// Returns the page's precision (right tiles / tiles), -1 when the page is empty.
double reviewPage(BulkReviewController *bulk, Annotator &annotator, Result &result)
{
    TileGrid *grid = bulk->page()->grid();
    const QList<Tile> tiles = grid->tiles();
    if (tiles.isEmpty())
        return -1;
    const int position = bulk->shownPage().classPosition;
    QList<int> right, wrong;
    for (int i = 0; i < tiles.size(); ++i)
        (annotator.truth(tiles[i].imageId) == position ? right : wrong) << i;
    const double precision = double(right.size()) / double(tiles.size());
    if (wrong.size() <= 1 + right.size()) {
        for (const int i : std::as_const(wrong))
            if (!annotator.slips())
                annotator.click(grid, i);
    } else {
        annotator.key(grid, Qt::Key_A);
        for (const int i : std::as_const(right))
            annotator.click(grid, i);
        for (const int i : std::as_const(wrong))
            if (annotator.slips())
                annotator.click(grid, i); // ticked again by mistake
    }
    const int ticked = int(grid->tickedIds().size());
    annotator.key(grid, Qt::Key_Return);
    annotator.labelsGiven += ticked;
    ++result.pages;
    result.pageLabels += ticked;
    result.pageTiles += int(tiles.size());
    result.pageRightTiles += int(right.size());
    waitForPage(bulk);
    return precision;
}

// "Find similar" on the image in front of the annotator (one it unticked on a page, so it knows
// its class): L, then, when the look-alikes are worth it (at least --min-precision of them that
// class), a click on each one that is not (missing each with probability --slip) and the class's
// key, which labels the ticked ones; Esc back to the Label page.
void findSimilar(GuiSession &session, Annotator &annotator, const Options &o, Result &result)
{
    LabelingView *view = session.view();
    const std::int64_t query = view->currentImageId();
    const int position = annotator.truth(query);
    auto *page = session.window().findChild<LookalikesPage *>();
    if (query == 0 || position < 0 || !page)
        return;
    annotator.key(view, Qt::Key_L);
    ++result.lookalikeSearches;
    TileGrid *grid = page->grid();
    waitFor([&] { return grid->count() > 0; }, 15000); // the index may still be building
    if (grid->count() > 0) {
        const QList<Tile> tiles = grid->tiles();
        QList<int> wrong;
        int right = 0;
        for (int i = 0; i < tiles.size(); ++i) {
            if (annotator.truth(tiles[i].imageId) == position)
                ++right;
            else
                wrong << i;
        }
        if (double(right) / double(tiles.size()) >= o.minPrecision) {
            for (const int i : std::as_const(wrong))
                if (!annotator.slips())
                    annotator.click(grid, i);
            const int ticked = int(grid->tickedIds().size());
            annotator.key(grid, annotator.keyOf(position));
            annotator.labelsGiven += ticked;
            ++result.lookalikePages;
            result.lookalikeLabels += ticked;
            result.lookalikeTiles += int(tiles.size());
            result.lookalikeRightTiles += right;
        }
    }
    annotator.key(grid, Qt::Key_Escape);
    waitFor(
        [&] { return view->currentImageId() != 0 && session.window().tabs()->currentIndex() == 0; },
        30000);
}

Result bulkPath(const QString &dir, const Options &o)
{
    Result result;
    result.path = o.lookalikes ? QStringLiteral("(b) bulk + look-alikes")
                               : QStringLiteral("(b) bulk review page");
    const FashionMnistProject project = createFashionMnistProject(dir, o.pool);
    GuiSession session;
    TrainingSettings settings = session.window().trainingPanel()->settings();
    settings.retrainEvery = 0;
    if (!session.open(project, settings))
        return result;
    Annotator annotator(session, project, o);
    BulkReviewController *bulk = session.controller().bulkReview();
    QElapsedTimer clock;
    clock.start();
    while (annotator.labelsGiven < std::min(o.initial, o.labels))
        if (!annotator.labelOne())
            break;
    result.rounds += runRound(session, project, annotator.labelsGiven) ? 1 : 0;

    bool screenshotTaken = o.screenshot.isEmpty();
    int untickedBefore = 0;
    while (annotator.labelsGiven < o.labels) {
        const int cycleStart = annotator.labelsGiven;
        annotator.key(session.view(), Qt::Key_B, Qt::ControlModifier);
        waitForPage(bulk);
        TileGrid *grid = bulk->page()->grid();
        for (int c = 0; c < annotator.classCount() && annotator.labelsGiven < o.labels; ++c) {
            if (bulk->page()->currentClass() != c || grid->count() == 0) {
                annotator.key(grid, annotator.keyOf(c));
                waitForPage(bulk);
            }
            const auto wrongTiles = [&] {
                int wrong = 0;
                for (const Tile &t : grid->tiles())
                    wrong += annotator.truth(t.imageId) != c ? 1 : 0;
                return wrong;
            };
            if (!screenshotTaken && grid->count() > 0 && wrongTiles() >= 2) {
                // A page as the annotator sees it, with the wrong tiles unticked (not counted).
                const QList<Tile> tiles = grid->tiles();
                for (int i = 0; i < tiles.size(); ++i)
                    if (annotator.truth(tiles[i].imageId) != c)
                        QTest::mouseClick(grid, Qt::LeftButton, {}, grid->tileRect(i).center());
                QTest::qWait(50);
                session.window().grab().save(o.screenshot);
                std::printf("screenshot: %s\n", qPrintable(o.screenshot));
                grid->setAllTicked(true);
                screenshotTaken = true;
            }
            for (int p = 0; p < o.pagesPerClass && annotator.labelsGiven < o.labels; ++p) {
                const int tiles = grid->count();
                const double precision = tiles > 0 ? [&] {
                    int right = 0;
                    for (const Tile &t : grid->tiles())
                        right += annotator.truth(t.imageId) == c ? 1 : 0;
                    return double(right) / tiles;
                }()
                                                    : -1.0;
                if (tiles == 0 || precision < o.minPrecision)
                    break; // not worth it: the next class
                reviewPage(bulk, annotator, result);
                if (tiles < grid->pageSize() || precision < 0.8)
                    break; // the class is running out, or the model is getting unsure
            }
        }
        // Back to the Label page: the unticked images first, then some uncertain ones.
        annotator.key(bulk->page()->grid(), Qt::Key_Escape);
        waitFor([&] { return session.view()->currentImageId() != 0; }, 30000);
        const int unticked = (result.pageTiles - result.pageLabels) - untickedBefore;
        untickedBefore = result.pageTiles - result.pageLabels;
        const int toLabel = unticked + o.uncertain;
        for (int i = 0; i < toLabel && annotator.labelsGiven < o.labels; ++i) {
            if (o.lookalikes && i < unticked)
                findSimilar(session, annotator, o, result);
            if (annotator.labelsGiven >= o.labels || !annotator.labelOne())
                break;
        }
        if (annotator.labelsGiven < o.labels)
            result.rounds += runRound(session, project, annotator.labelsGiven) ? 1 : 0;
        if (annotator.labelsGiven == cycleStart) {
            std::fprintf(stderr, "a cycle gave no labels: stopping\n");
            break;
        }
    }
    result.seconds = double(clock.elapsed()) / 1000.0;
    result.actions = annotator.actions;
    result.oneByOneLabels = annotator.oneByOne;
    countLabels(project, annotator, result);
    return result;
}

void print(const Result &r)
{
    std::printf(
        "%-24s labels %5d  correct %5d  accuracy %6.2f%%  actions %5ld  correct/action %5.2f  "
        "rounds %d  wall %.0f s\n",
        qPrintable(r.path), r.labels, r.correct, 100.0 * r.accuracy(), r.actions, r.perAction(),
        r.rounds, r.seconds);
    if (r.lookalikeSearches > 0)
        std::printf(
            "%-24s look-alikes: %d searches, %d pages accepted: %d tiles, %d right (precision "
            "%.1f%%), %d "
            "labels\n",
            "", r.lookalikeSearches, r.lookalikePages, r.lookalikeTiles, r.lookalikeRightTiles,
            100.0 * r.lookalikeRightTiles / std::max(1, r.lookalikeTiles), r.lookalikeLabels);
    if (r.pages > 0)
        std::printf("%-24s pages %d: %d tiles, %d right (precision %.1f%%), %d labels accepted; %d "
                    "labels one by "
                    "one\n",
                    "", r.pages, r.pageTiles, r.pageRightTiles,
                    100.0 * r.pageRightTiles / std::max(1, r.pageTiles), r.pageLabels,
                    r.oneByOneLabels);
}

Options parseOptions(QApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Correct labels per annotator action, one by one and bulk."));
    parser.addHelpOption();
    const Options d;
    auto option = [&](const char *name, const QString &help, const QString &value) {
        parser.addOption({QString::fromLatin1(name), help, QStringLiteral("N"), value});
    };
    option("pool", QStringLiteral("Pool images (+ 10,000 test images)."), QString::number(d.pool));
    option("labels", QStringLiteral("Labels to give on each path."), QString::number(d.labels));
    option("slip", QStringLiteral("Slip rate per image (wrong key) or per wrong tile (missed)."),
           QString::number(d.slip));
    option("seed", QStringLiteral("The annotator's random seed."), QString::number(d.seed));
    option("seeds", QStringLiteral("Annotators (seeds) to run; the summary gives medians."),
           QString::number(d.seeds));
    option("initial", QStringLiteral("Labels one by one before the first round."),
           QString::number(d.initial));
    option("cycle", QStringLiteral("(a): labels between rounds."), QString::number(d.cycle));
    option("uncertain", QStringLiteral("(b): uncertain images labelled one by one each cycle."),
           QString::number(d.uncertain));
    option("pages-per-class", QStringLiteral("(b): pages of one class per cycle at most."),
           QString::number(d.pagesPerClass));
    option("min-precision", QStringLiteral("(b): a page with fewer right tiles than this is left."),
           QString::number(d.minPrecision));
    option("lookalikes",
           QStringLiteral("(b): find similar (L) on each image unticked on a page (1) or not (0)."),
           QStringLiteral("1"));
    parser.addOption({QStringLiteral("paths"), QStringLiteral("a,b"), QStringLiteral("LIST"),
                      QStringLiteral("a,b")});
    parser.addOption({QStringLiteral("screenshot"),
                      QStringLiteral("Save the first bulk page shown (b) here."),
                      QStringLiteral("FILE")});
    parser.process(app);
    Options o;
    o.pool = std::size_t(parser.value(QStringLiteral("pool")).toULongLong());
    o.labels = parser.value(QStringLiteral("labels")).toInt();
    o.slip = parser.value(QStringLiteral("slip")).toDouble();
    o.seed = parser.value(QStringLiteral("seed")).toUInt();
    o.seeds = std::max(1, parser.value(QStringLiteral("seeds")).toInt());
    o.initial = parser.value(QStringLiteral("initial")).toInt();
    o.cycle = std::max(1, parser.value(QStringLiteral("cycle")).toInt());
    o.uncertain = parser.value(QStringLiteral("uncertain")).toInt();
    o.pagesPerClass = std::max(1, parser.value(QStringLiteral("pages-per-class")).toInt());
    o.minPrecision = parser.value(QStringLiteral("min-precision")).toDouble();
    o.lookalikes = parser.value(QStringLiteral("lookalikes")).toInt() != 0;
    o.paths = parser.value(QStringLiteral("paths")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    o.screenshot = parser.value(QStringLiteral("screenshot"));
    return o;
}

} // namespace

int main(int argc, char *argv[])
{
    prepareGuiProcess(argv);
    QApplication app(argc, argv);
    prepareGuiApplication();
    const Options o = parseOptions(app);
    std::printf("bench_annotator_actions: pool %zu (+ 10,000 test images), %d labels a path, slip "
                "%.1f%%, seed %u, "
                "%d torch threads\n",
                o.pool, o.labels, 100.0 * o.slip, o.seed, torchThreads());
    QTemporaryDir root;
    std::vector<Result> a, b;
    for (int k = 0; k < o.seeds; ++k) {
        Options run = o;
        run.seed = o.seed + unsigned(k);
        if (k > 0)
            run.screenshot.clear();
        const QString tag = QString::number(run.seed);
        if (o.paths.contains(QStringLiteral("a")))
            a.push_back(oneByOnePath(root.filePath(QStringLiteral("a") + tag), run));
        if (o.paths.contains(QStringLiteral("b")))
            b.push_back(bulkPath(root.filePath(QStringLiteral("b") + tag), run));
        std::printf("\nseed %u\n", run.seed);
        if (!a.empty())
            print(a.back());
        if (!b.empty())
            print(b.back());
        std::fflush(stdout);
    }
    const auto median = [](const std::vector<Result> &runs, auto figure) {
        std::vector<double> values;
        for (const Result &r : runs)
            values.push_back(figure(r));
        return percentile(values, 0.5);
    };
    std::printf(
        "\nSummary, median over %d annotator(s) (every key press and click is one action)\n",
        o.seeds);
    for (const auto *runs : {&a, &b}) {
        if (runs->empty())
            continue;
        std::printf("%-24s accuracy %6.2f%%  correct/action %5.2f  actions %5.0f  labels %5.0f\n",
                    qPrintable(runs->front().path),
                    100.0 * median(*runs, [](const Result &r) { return r.accuracy(); }),
                    median(*runs, [](const Result &r) { return r.perAction(); }),
                    median(*runs, [](const Result &r) { return double(r.actions); }),
                    median(*runs, [](const Result &r) { return double(r.labels); }));
    }
    if (!a.empty() && !b.empty()) {
        const double perAction = median(b, [](const Result &r) { return r.perAction(); });
        const double gap = 100.0 * (median(b, [](const Result &r) { return r.accuracy(); }) -
                                    median(a, [](const Result &r) { return r.accuracy(); }));
        std::printf("goal: (b) >= 5 correct labels/action: %s (%.2f); accuracy (b) - (a) = %+.2f "
                    "points (goal >= -1): "
                    "%s\n",
                    perAction >= 5 ? "met" : "NOT met", perAction, gap,
                    gap >= -1 ? "met" : "NOT met");
    }
    std::fflush(stdout);
    return 0;
}
