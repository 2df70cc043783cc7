#include "app/cli/command.h"

#include "storage/classrepository.h"
#include "storage/groundtruthrepository.h"
#include "storage/labelrepository.h"
#include "storage/leaserepository.h"
#include "storage/transaction.h"

#include <algorithm>
#include <random>

namespace activelabel::cli {

namespace {

constexpr int kClaimBatch = 32;
constexpr std::int64_t kLeaseMs = 60'000;

// A simulated annotator who, at the slip rate, answers a class other than the true one (drawn
// uniformly among the others): what gives agreement and review something to find in a demo.
class SimulatedAnswers
{
public:
    SimulatedAnswers(Database &db, double slipRate, std::uint32_t seed) : m_slipRate(slipRate), m_rng(seed)
    {
        for (const ClassInfo &c : ClassRepository(db).list())
            m_classIds.push_back(c.id);
    }
    std::int64_t answer(std::int64_t truth)
    {
        if (m_slipRate <= 0 || m_classIds.size() < 2 || std::uniform_real_distribution<double>(0, 1)(m_rng) >= m_slipRate)
            return truth;
        std::int64_t other = truth;
        while (other == truth)
            other = m_classIds[std::uniform_int_distribution<std::size_t>(0, m_classIds.size() - 1)(m_rng)];
        return other;
    }

private:
    double m_slipRate;
    std::mt19937 m_rng;
    std::vector<std::int64_t> m_classIds;
};

// On a team project the oracle is an annotator like any other: it claims its images by lease, so
// concurrent oracles label distinct images (or, with overlap k, each image up to k times, by
// different annotators), and each label ends its lease in its own commit.
std::size_t labelByLease(Project &project, std::size_t count, std::uint32_t seed, const QString &annotator,
                         double slipRate)
{
    Database &db = project.database();
    GroundTruthRepository truth(db);
    LabelRepository labels(db);
    LeaseRepository leases(db, LeaseRepository::holderFor(annotator), annotator);
    SimulatedAnswers answers(db, slipRate, seed);
    // With overlap the image may already carry another annotator's label: this one is their vote,
    // written over it and kept in the history, which is what agreement and review read.
    const bool overwrite = LeaseRepository::overlap(db) > 1;
    std::size_t labelled = 0;
    try {
        while (labelled < count && !Context::interrupted()) {
            const int want = static_cast<int>(std::min<std::size_t>(count - labelled, kClaimBatch));
            const std::vector<std::int64_t> claimed = leases.claimWithTruth(want, kLeaseMs, seed);
            if (claimed.empty())
                break;
            for (std::int64_t imageId : claimed) {
                Transaction tx(db);
                if (leases.release(imageId)
                    && labels.writeInTransaction(imageId, answers.answer(*truth.get(imageId)), LabelSource::Oracle,
                                                 annotator, overwrite)) {
                    tx.commit();
                    ++labelled;
                }
            }
        }
    } catch (...) {
        try {
            leases.releaseAll(); // hand back what this client will not label, if the server still answers
        } catch (const std::exception &) {
            // The leases expire by themselves; the error that stopped us is the one to report.
        }
        throw;
    }
    leases.releaseAll();
    return labelled;
}

// oracle PROJECT --count N [--seed S]: a simulated annotator for demos and tests. Labels N random
// unlabelled pool images from their ground truth, with source 'oracle'.
class OracleCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("oracle"); }
    bool worksOnServer() const override { return true; }
    QString synopsis() const override
    {
        return QStringLiteral("PROJECT --count N [--seed S] [--annotator NAME] [--slip-rate P]");
    }
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
        parser.addOption({QStringLiteral("annotator"), QStringLiteral("Who the labels are recorded as (default oracle)."),
                          QStringLiteral("NAME")});
        parser.addOption({QStringLiteral("slip-rate"),
                          QStringLiteral("Fraction of answers that name a wrong class, as a careless annotator "
                                         "would (default 0)."),
                          QStringLiteral("P")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        const QStringList args = positionals(parser, 1, 1);
        if (!parser.isSet(QStringLiteral("count")))
            throw UsageError("--count N is required");
        const auto count = static_cast<std::size_t>(Context::integerOption(parser, QStringLiteral("count"), 0, 0));
        const auto seed = static_cast<std::uint32_t>(Context::integerOption(parser, QStringLiteral("seed"), 0, 0));

        const QString annotator = parser.isSet(QStringLiteral("annotator")) ? parser.value(QStringLiteral("annotator"))
                                                                            : QStringLiteral("oracle");
        double slipRate = 0;
        if (parser.isSet(QStringLiteral("slip-rate"))) {
            bool ok = false;
            slipRate = parser.value(QStringLiteral("slip-rate")).toDouble(&ok);
            if (!ok || slipRate < 0 || slipRate > 1)
                throw UsageError("--slip-rate needs a number from 0 to 1");
        }
        auto project = context.openProject(args.at(0), Project::Mode::ReadWrite);
        if (project->isOnServer()) {
            const std::size_t labelled = labelByLease(*project, count, seed, annotator, slipRate);
            context.out() << "labelled " << labelled << " images" << Qt::endl;
            if (labelled < count)
                context.err() << "only " << labelled << " unlabelled pool images with ground truth were free" << Qt::endl;
            return 0;
        }
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
        SimulatedAnswers answers(db, slipRate, seed);
        Transaction tx(db); // simulated labels: one commit for the batch
        for (std::int64_t imageId : candidates)
            labels.writeInTransaction(imageId, answers.answer(*truth.get(imageId)), LabelSource::Oracle, annotator, true);
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
