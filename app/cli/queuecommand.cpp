#include "app/cli/command.h"

#include "app/modelservice.h"
#include "app/projectimages.h"
#include "app/queuebuilder.h"
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

// A queue row as printed.
struct PrintedRow
{
    std::int64_t imageId = 0;
    QString path;
    double score = 0.0;
    int predictedClass = -1; // -1: no model yet
    double confidence = 0.0;
};

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
            "Print the next images to label, best first, as the strategy (default margin) "
            "orders the unlabelled pool with the latest model.");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"),
                                     QStringLiteral("Project directory."));
        parser.addOption(
            {QStringLiteral("strategy"),
             QStringLiteral("random, least-confidence, margin (default), entropy, bald, coreset, "
                            "badge or hybrid."),
             QStringLiteral("S"), QStringLiteral("margin")});
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
        std::unique_ptr<Classifier> classifier = service.loadLatest();
        const auto classes = ClassRepository(db).list();

        // The same queue the application builds, minus the audit draws: a script asking what
        // to label next wants the strategy's order.
        QueueRequest request;
        request.strategy = *strategy;
        request.count = count;
        request.seed = seed;
        request.auditFraction = 0.0;
        const QueueResult queue = buildQueue(service, classifier.get(), request);

        std::vector<PrintedRow> entries;
        for (const QueueEntry &picked : queue.entries) {
            const long long index = service.images().indexOf(picked.imageId);
            const ImageRecord &record = service.images().record(std::size_t(index));
            PrintedRow e;
            e.imageId = record.id;
            e.path = QString::fromUtf8(record.path.data(), qsizetype(record.path.size()));
            e.score = picked.score;
            e.predictedClass = picked.predictedClass;
            e.confidence = picked.confidence;
            entries.push_back(e);
        }
        print(context, entries, classes, parser.isSet(QStringLiteral("json")));
        return 0;
    }

private:
    static void print(Context &context, const std::vector<PrintedRow> &entries,
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
