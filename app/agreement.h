#pragma once

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace activelabel {

class Database;
struct LabelChange;

// Each annotator's current vote per image: image id -> annotator -> class id.
using AnnotatorVotes = std::map<std::int64_t, std::map<QString, std::int64_t>>;

struct PairAgreement
{
    QString a, b;                       // a < b
    std::int64_t images = 0;            // images both voted on
    std::optional<double> cohenKappa;   // nullopt when chance agreement is 1 (undefined)
};

struct AnnotatorAgreement
{
    QString name;
    std::int64_t labels = 0;                  // images with a current vote of theirs
    std::optional<double> auditAccuracy;      // vs ground truth, on audit draws that have it
    std::optional<double> majorityAgreement;  // vs the others' majority, where they have one
};

// How far annotators agree where more than one labelled an image: per-pair Cohen's kappa,
// Fleiss' kappa for the project (its form for a varying number of raters per image), accuracy of
// each annotator on the audit draws and against the majority, and the images that disagree.
struct AgreementReport
{
    std::int64_t imagesMulti = 0;       // images with votes from >= 2 annotators
    std::optional<double> fleissKappa;  // nullopt when undefined (no such image, or one class only)
    std::vector<PairAgreement> pairs;
    std::vector<AnnotatorAgreement> annotators;
    std::int64_t disagreements = 0;     // multi-vote images whose votes differ

    // The keys of `agreement --json` (docs/cli.md).
    QJsonObject toJson() const;
};

// Replays the label history: a change is each annotator's vote (a removal withdraws it), an undo
// takes back the change it reverted. Imported labels (they came with the files, not from a person
// working in this project) and changes without an annotator name are not votes.
AnnotatorVotes currentVotes(const std::vector<LabelChange> &changesByImageInOrder);

// `auditTruth`: ground truth of the audit-drawn images that have one.
AgreementReport computeAgreement(const AnnotatorVotes &votes, const std::map<std::int64_t, std::int64_t> &auditTruth);

// One image in the review queue: each annotator's current vote, and the class most of them chose
// when one class leads.
struct ReviewItem
{
    std::int64_t imageId = 0;
    std::map<QString, std::int64_t> votes;
    std::optional<std::int64_t> majorityClass;
};

// The history as votes: without the changes that settled a disagreement (they are a reviewer's
// decision, not one more vote) and without an undo that took a settlement back. `settled` receives
// the settlements still in force: image id -> the settling change.
std::vector<LabelChange> votesOnly(const std::vector<LabelChange> &changesByImageInOrder,
                                   const std::map<std::int64_t, std::int64_t> &settlements,
                                   std::map<std::int64_t, std::int64_t> *settled = nullptr);

// Images whose annotators disagree and that no settlement covers (a vote after the settlement
// reopens the image), in image order.
std::vector<ReviewItem> reviewQueue(const std::vector<LabelChange> &changesByImageInOrder,
                                    const std::map<std::int64_t, std::int64_t> &settlements);

// The project's report, from its history, settlements, audit draws and ground truth.
// `disagreements` counts the images awaiting review; `queue`, when given, receives them (one read
// of the history for both).
AgreementReport readAgreement(Database &db, std::vector<ReviewItem> *queue = nullptr);
std::vector<ReviewItem> readReviewQueue(Database &db);

} // namespace activelabel
