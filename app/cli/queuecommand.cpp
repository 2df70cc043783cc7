#include "app/cli/command.h"

#include "app/modelservice.h"
#include "app/projectimages.h"
#include "app/simulation/samplinginputbuilder.h"
#include "model/sampling/batchcomposer.h"
#include "model/sampling/sampler.h"
#include "storage/classrepository.h"
#include "storage/imagerepository.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <limits>

namespace activelabel::cli {

namespace {

struct QueueEntry
{
    std::int64_t imageId = 0;
    QString path;
    double score = 0.0;
    int predictedClass = -1; // -1: no model yet
    double confidence = 0.0;
};

std::vector<std::size_t> indicesOf(const ProjectImages &images,
                                   const std::vector<std::int64_t> &ids)
{
    std::vector<std::size_t> out;
    out.reserve(ids.size());
    for (std::int64_t id : ids) {
        const long long index = images.indexOf(id);
        if (index >= 0)
            out.push_back(std::size_t(index));
    }
    return out;
}

// queue PROJECT [--strategy S] [--count N] [--json]: read-only. The unlabelled pool ordered by the
// strategy, best first, from the latest model version; before a model exists (or while there are
// fewer labels than classes), the cold-start order: representatives of k-means clusters on
// downsampled pixels (or the model's embeddings when there is a model).
class QueueCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("queue"); }
    QString synopsis() const override
    {
        return QStringLiteral("PROJECT [--strategy S] [--count N] [--json]");
    }
    QString description() const override
    {
        return QStringLiteral(
            "Print the next images to label, best first, as the strategy (default hybrid) "
            "orders the unlabelled pool with the latest model.");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"),
                                     QStringLiteral("Project directory."));
        parser.addOption(
            {QStringLiteral("strategy"),
             QStringLiteral("random, least-confidence, margin, entropy, bald, coreset, badge or "
                            "hybrid (default)."),
             QStringLiteral("S"), QStringLiteral("hybrid")});
        parser.addOption({QStringLiteral("count"), QStringLiteral("How many images (default 20)."),
                          QStringLiteral("N")});
        parser.addOption({QStringLiteral("seed"), QStringLiteral("Random seed (default 0)."),
                          QStringLiteral("S")});
        parser.addOption({QStringLiteral("json"), QStringLiteral("Print a JSON array.")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        const QStringList args = positionals(parser, 1, 1);
        const auto strategy = parseStrategy(parser.value(QStringLiteral("strategy")).toStdString());
        if (!strategy)
            throw UsageError("--strategy: unknown strategy '" +
                             parser.value(QStringLiteral("strategy")).toStdString() +
                             "' (expected random, least-confidence, margin, entropy, bald, "
                             "coreset, badge or hybrid)");
        const auto count =
            std::size_t(Context::integerOption(parser, QStringLiteral("count"), 0, 20));
        const auto seed =
            std::uint64_t(Context::integerOption(parser, QStringLiteral("seed"), 0, 0));

        auto project = context.openProject(args.at(0), Project::Mode::ReadOnly);
        Database &db = project->database();
        ModelService service(*project, db);
        ProjectImages &images = service.images();
        std::unique_ptr<Classifier> classifier = service.loadLatest();
        const auto classes = ClassRepository(db).list();

        ImageRepository repository(db);
        ImageFilter unlabelledFilter;
        unlabelledFilter.split = Split::Pool;
        unlabelledFilter.labels = ImageFilter::Labels::Unlabelled;
        ImageFilter labelledFilter = unlabelledFilter;
        labelledFilter.labels = ImageFilter::Labels::Labelled;
        const auto unlabelled = indicesOf(images, repository.ids(unlabelledFilter));
        const auto labelled = indicesOf(images, repository.ids(labelledFilter));

        std::mt19937_64 rng(seed);
        std::vector<std::size_t> candidates;
        for (std::size_t i : candidateSubset(unlabelled.size(), kDefaultCandidateLimit, rng))
            candidates.push_back(unlabelled[i]);

        std::vector<Pick> picks;
        SamplingInput input;
        if (coldStartNeeded(classifier != nullptr, labelled.size(), classes.size())) {
            if (classifier) {
                PredictOptions predict;
                predict.embeddings = true;
                Prediction p = classifier->predict(images, candidates, predict);
                input.probabilities = std::move(p.probabilities);
                input.embeddings = std::move(p.embeddings);
            } else {
                input = pixelFeatureInput(images, candidates);
            }
            picks = makeColdStartSampler()->select(input, count, rng);
        } else {
            input =
                buildSamplingInput(*classifier, images, candidates, labelled, *strategy, 10, seed);
            picks = makeSampler(*strategy)->select(input, count, rng);
        }

        std::vector<QueueEntry> entries;
        for (const Pick &pick : picks) {
            const ImageRecord &record = images.record(candidates[pick.row]);
            QueueEntry e;
            e.imageId = record.id;
            e.path = QString::fromUtf8(record.path.data(), qsizetype(record.path.size()));
            e.score = pick.score;
            if (classifier && input.probabilities.rows == candidates.size()) {
                const float *p = input.probabilities.row(pick.row);
                e.predictedClass = int(std::max_element(p, p + input.probabilities.cols) - p);
                e.confidence = p[e.predictedClass];
            }
            entries.push_back(e);
        }
        print(context, entries, classes, parser.isSet(QStringLiteral("json")));
        return 0;
    }

private:
    static void print(Context &context, const std::vector<QueueEntry> &entries,
                      const std::vector<ClassInfo> &classes, bool json)
    {
        auto className = [&](int position) {
            return position >= 0 && std::size_t(position) < classes.size()
                       ? classes[std::size_t(position)].name
                       : QString::number(position);
        };
        // JSON has no infinity: the first k-center pick without centres scores "infinitely far".
        auto finite = [](double v) {
            return std::isfinite(v) ? v : std::numeric_limits<double>::max();
        };
        if (json) {
            QJsonArray array;
            for (const auto &e : entries) {
                QJsonObject o;
                o.insert(QStringLiteral("image_id"), qint64(e.imageId));
                o.insert(QStringLiteral("path"), e.path);
                o.insert(QStringLiteral("score"), finite(e.score));
                o.insert(QStringLiteral("predicted_class"),
                         e.predictedClass >= 0 ? QJsonValue(className(e.predictedClass))
                                               : QJsonValue(QJsonValue::Null));
                o.insert(QStringLiteral("confidence"), e.predictedClass >= 0
                                                           ? QJsonValue(e.confidence)
                                                           : QJsonValue(QJsonValue::Null));
                array.append(o);
            }
            context.out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
            context.out().flush();
            return;
        }
        for (const auto &e : entries) {
            context.out() << e.imageId << '\t' << QString::number(finite(e.score), 'g', 6) << '\t'
                          << (e.predictedClass >= 0 ? className(e.predictedClass)
                                                    : QStringLiteral("-"))
                          << '\t'
                          << (e.predictedClass >= 0 ? QString::number(e.confidence, 'f', 4)
                                                    : QStringLiteral("-"))
                          << '\t' << e.path << '\n';
        }
        context.out().flush();
    }
};

} // namespace

std::unique_ptr<Command> makeQueueCommand()
{
    return std::make_unique<QueueCommand>();
}

} // namespace activelabel::cli
