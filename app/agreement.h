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

// The project's report, from its history, audit draws and ground truth.
AgreementReport readAgreement(Database &db);

} // namespace activelabel
