#include "app/agreement.h"

#include "storage/groundtruthrepository.h"
#include "storage/labelrepository.h"
#include "storage/labelreviewrepository.h"
#include "storage/queryrepository.h"

#include <QJsonArray>

#include <cmath>
#include <set>

namespace activelabel {

namespace {

QJsonValue nullable(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

// Kappa from observed and chance agreement; undefined when chance agreement is certain.
std::optional<double> kappa(double observed, double chance)
{
    if (std::abs(1.0 - chance) < 1e-12)
        return std::nullopt;
    return (observed - chance) / (1.0 - chance);
}

std::optional<double> cohen(const std::vector<std::pair<std::int64_t, std::int64_t>> &both)
{
    std::map<std::int64_t, double> a, b;
    double same = 0;
    for (const auto &[x, y] : both) {
        a[x] += 1;
        b[y] += 1;
        same += x == y ? 1 : 0;
    }
    const double n = double(both.size());
    double chance = 0;
    for (const auto &[cls, count] : a)
        chance += (count / n) * (b.count(cls) ? b.at(cls) / n : 0.0);
    return kappa(same / n, chance);
}

} // namespace

AnnotatorVotes currentVotes(const std::vector<LabelChange> &changes)
{
    AnnotatorVotes votes;
    std::size_t i = 0;
    while (i < changes.size()) {
        const std::int64_t image = changes[i].imageId;
        std::vector<const LabelChange *> stack; // the changes in force, oldest first
        for (; i < changes.size() && changes[i].imageId == image; ++i) {
            if (changes[i].source == QLatin1String("undo")) {
                if (!stack.empty())
                    stack.pop_back();
            } else {
                stack.push_back(&changes[i]);
            }
        }
        std::map<QString, std::int64_t> byAnnotator;
        std::set<QString> seen;
        for (auto it = stack.rbegin(); it != stack.rend(); ++it) { // newest first: each annotator's last word
            const LabelChange &c = **it;
            if (c.annotator.isEmpty() || c.source == QLatin1String("import") || !seen.insert(c.annotator).second)
                continue;
            if (c.newClassId)
                byAnnotator[c.annotator] = *c.newClassId;
        }
        if (!byAnnotator.empty())
            votes[image] = std::move(byAnnotator);
    }
    return votes;
}

AgreementReport computeAgreement(const AnnotatorVotes &votes, const std::map<std::int64_t, std::int64_t> &auditTruth)
{
    AgreementReport report;
    std::map<QString, AnnotatorAgreement> people;
    std::map<QString, std::pair<double, double>> audit, majority; // name -> (agreeing, total)
    std::map<std::pair<QString, QString>, std::vector<std::pair<std::int64_t, std::int64_t>>> pairVotes;
    double sumP = 0, raters = 0;
    std::map<std::int64_t, double> classVotes; // over multi-vote images, for Fleiss' chance agreement

    for (const auto &[image, byAnnotator] : votes) {
        for (const auto &[name, cls] : byAnnotator) {
            AnnotatorAgreement &p = people[name];
            p.name = name;
            ++p.labels;
            if (const auto t = auditTruth.find(image); t != auditTruth.end()) {
                audit[name].first += cls == t->second ? 1 : 0;
                audit[name].second += 1;
            }
        }
        if (byAnnotator.size() < 2)
            continue;
        ++report.imagesMulti;
        std::map<std::int64_t, double> counts;
        for (const auto &[name, cls] : byAnnotator)
            counts[cls] += 1;
        report.disagreements += counts.size() > 1 ? 1 : 0;
        const double n = double(byAnnotator.size());
        double agreeingPairs = 0;
        for (const auto &[cls, c] : counts) {
            agreeingPairs += c * (c - 1);
            classVotes[cls] += c;
        }
        sumP += agreeingPairs / (n * (n - 1));
        raters += n;
        for (auto a = byAnnotator.begin(); a != byAnnotator.end(); ++a) {
            for (auto b = std::next(a); b != byAnnotator.end(); ++b)
                pairVotes[{a->first, b->first}].push_back({a->second, b->second});
            // The others' majority: the class most of them chose, if one class leads.
            std::map<std::int64_t, double> others = counts;
            others[a->second] -= 1;
            double best = 0, second = 0;
            std::int64_t bestClass = -1;
            for (const auto &[cls, c] : others) {
                if (c > best) {
                    second = best;
                    best = c;
                    bestClass = cls;
                } else if (c > second) {
                    second = c;
                }
            }
            if (best > second) {
                majority[a->first].first += a->second == bestClass ? 1 : 0;
                majority[a->first].second += 1;
            }
        }
    }
    if (report.imagesMulti > 0) {
        double chance = 0;
        for (const auto &[cls, c] : classVotes)
            chance += (c / raters) * (c / raters);
        report.fleissKappa = kappa(sumP / double(report.imagesMulti), chance);
    }
    for (const auto &[names, both] : pairVotes)
        report.pairs.push_back({names.first, names.second, std::int64_t(both.size()), cohen(both)});
    for (auto &[name, p] : people) {
        if (const auto a = audit.find(name); a != audit.end() && a->second.second > 0)
            p.auditAccuracy = a->second.first / a->second.second;
        if (const auto m = majority.find(name); m != majority.end() && m->second.second > 0)
            p.majorityAgreement = m->second.first / m->second.second;
        report.annotators.push_back(p);
    }
    return report;
}

std::vector<LabelChange> votesOnly(const std::vector<LabelChange> &changes,
                                   const std::map<std::int64_t, std::int64_t> &settlements,
                                   std::map<std::int64_t, std::int64_t> *settled)
{
    std::vector<LabelChange> out;
    out.reserve(changes.size());
    std::int64_t pendingImage = -1; // the image whose last change was its settlement
    for (const LabelChange &c : changes) {
        const auto s = settlements.find(c.imageId);
        if (s != settlements.end() && s->second == c.id) {
            pendingImage = c.imageId;
            if (settled)
                (*settled)[c.imageId] = c.id;
            continue;
        }
        if (pendingImage == c.imageId && c.source == QLatin1String("undo")) {
            if (settled)
                settled->erase(c.imageId); // the settlement was taken back
            pendingImage = -1;
            continue;
        }
        pendingImage = -1;
        out.push_back(c);
    }
    return out;
}

std::vector<ReviewItem> reviewQueue(const std::vector<LabelChange> &changes,
                                    const std::map<std::int64_t, std::int64_t> &settlements)
{
    std::map<std::int64_t, std::int64_t> settled;
    const std::vector<LabelChange> votesHistory = votesOnly(changes, settlements, &settled);
    std::map<std::int64_t, std::int64_t> lastVoteChange;
    for (const LabelChange &c : votesHistory)
        lastVoteChange[c.imageId] = c.id;
    std::vector<ReviewItem> queue;
    for (const auto &[image, byAnnotator] : currentVotes(votesHistory)) {
        std::map<std::int64_t, int> counts;
        for (const auto &[name, cls] : byAnnotator)
            ++counts[cls];
        if (counts.size() < 2)
            continue;
        if (const auto s = settled.find(image); s != settled.end() && s->second > lastVoteChange[image])
            continue;
        ReviewItem item{image, byAnnotator, std::nullopt};
        int best = 0, second = 0;
        for (const auto &[cls, c] : counts) {
            if (c > best) {
                second = best;
                best = c;
                item.majorityClass = cls;
            } else if (c > second) {
                second = c;
            }
        }
        if (best == second)
            item.majorityClass.reset();
        queue.push_back(std::move(item));
    }
    return queue;
}

AgreementReport readAgreement(Database &db, std::vector<ReviewItem> *queue)
{
    std::map<std::int64_t, std::int64_t> auditTruth;
    GroundTruthRepository truth(db);
    for (const QueryRecord &q : QueryRepository(db).audits())
        if (const auto t = truth.get(q.imageId))
            auditTruth[q.imageId] = *t;
    const std::vector<LabelChange> changes = LabelRepository(db).allChanges();
    const std::map<std::int64_t, std::int64_t> settlements = LabelReviewRepository(db).settlements();
    AgreementReport report = computeAgreement(currentVotes(votesOnly(changes, settlements)), auditTruth);
    std::vector<ReviewItem> awaiting = reviewQueue(changes, settlements);
    report.disagreements = static_cast<std::int64_t>(awaiting.size());
    if (queue)
        *queue = std::move(awaiting);
    return report;
}

QJsonObject AgreementReport::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("images_multi"), qint64(imagesMulti));
    o.insert(QStringLiteral("fleiss_kappa"), nullable(fleissKappa));
    QJsonArray pairArray;
    for (const PairAgreement &p : pairs)
        pairArray.append(QJsonObject{{QStringLiteral("a"), p.a},
                                     {QStringLiteral("b"), p.b},
                                     {QStringLiteral("images"), qint64(p.images)},
                                     {QStringLiteral("cohen_kappa"), nullable(p.cohenKappa)}});
    o.insert(QStringLiteral("pairs"), pairArray);
    QJsonArray people;
    for (const AnnotatorAgreement &a : annotators)
        people.append(QJsonObject{{QStringLiteral("name"), a.name},
                                  {QStringLiteral("labels"), qint64(a.labels)},
                                  {QStringLiteral("audit_accuracy"), nullable(a.auditAccuracy)},
                                  {QStringLiteral("majority_agreement"), nullable(a.majorityAgreement)}});
    o.insert(QStringLiteral("annotators"), people);
    o.insert(QStringLiteral("disagreements"), qint64(disagreements));
    return o;
}

std::vector<ReviewItem> readReviewQueue(Database &db)
{
    return reviewQueue(LabelRepository(db).allChanges(), LabelReviewRepository(db).settlements());
}

} // namespace activelabel
