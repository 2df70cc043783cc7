#include "app/cli/command.h"

#include "storage/groundtruthrepository.h"
#include "storage/labelrepository.h"
#include "storage/transaction.h"

#include <algorithm>
#include <random>

namespace activelabel::cli {

namespace {

// oracle PROJECT --count N [--seed S]: a simulated annotator for demos and tests. Labels N random
// unlabelled pool images from their ground truth, with source 'oracle'.
class OracleCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("oracle"); }
    QString synopsis() const override { return QStringLiteral("PROJECT --count N [--seed S]"); }
    QString description() const override
    {
        return QStringLiteral("Label N random unlabelled pool images from their ground truth (source "
                              "'oracle'): a simulated annotator for demos and tests.");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project directory."));
        parser.addOption({QStringLiteral("count"), QStringLiteral("How many images to label."), QStringLiteral("N")});
        parser.addOption({QStringLiteral("seed"), QStringLiteral("Random seed (default 0)."), QStringLiteral("S")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        const QStringList args = positionals(parser, 1, 1);
        if (!parser.isSet(QStringLiteral("count")))
            throw UsageError("--count N is required");
        const auto count = static_cast<std::size_t>(Context::integerOption(parser, QStringLiteral("count"), 0, 0));
        const auto seed = static_cast<std::uint32_t>(Context::integerOption(parser, QStringLiteral("seed"), 0, 0));

        auto project = context.openProject(args.at(0), Project::Mode::ReadWrite);
        Database &db = project->database();
        GroundTruthRepository truth(db);
        std::vector<std::int64_t> candidates = truth.unlabelledPoolWithTruth();
        if (candidates.empty() && count > 0)
            throw std::runtime_error("no unlabelled pool image has ground truth (import a dataset with "
                                     "--ground-truth or import-fashion-mnist first)");
        std::mt19937 rng(seed);
        std::shuffle(candidates.begin(), candidates.end(), rng);
        candidates.resize(std::min(candidates.size(), count));

        LabelRepository labels(db);
        Transaction tx(db); // simulated labels: one commit for the batch
        for (std::int64_t imageId : candidates)
            labels.writeInTransaction(imageId, *truth.get(imageId), LabelSource::Oracle, QStringLiteral("oracle"), true);
        tx.commit();
        context.out() << "labelled " << candidates.size() << " images" << Qt::endl;
        if (candidates.size() < count)
            context.err() << "only " << candidates.size() << " unlabelled pool images had ground truth" << Qt::endl;
        return 0;
    }
};

} // namespace

std::unique_ptr<Command> makeOracleCommand()
{
    return std::make_unique<OracleCommand>();
}

} // namespace activelabel::cli
