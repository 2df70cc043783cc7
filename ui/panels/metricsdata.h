#pragma once

#include <QColor>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace activelabel {

// Plain data behind the metrics panel. app/ converts what storage/ and model/ hold into these, so
// the panel never sees either layer.

// One point of the accuracy-vs-labels plot: the audit estimate with its Wilson 95% interval over
// the last `window` audit draws, and the test-split accuracy of the same model version when there
// is one.
struct AccuracyPoint
{
    int labels = 0;
    double estimate = 0.0;
    double low = 0.0;
    double high = 0.0;
    int window = 0;
    std::optional<double> test;

    double halfWidth() const { return (high - low) / 2.0; }
};

// One training round: the model version it produced and its training metrics.
struct RoundPoint
{
    qint64 version = 0;
    int labels = 0;
    double trainLoss = 0.0;
    std::optional<double> heldOutAccuracy;
    QString mode; // transfer mode used, e.g. "frozen", "fine-tune last 2"
};

// One value per class (per-class accuracy, label counts), in class order. `colours` may be empty
// (the panel then uses the Okabe-Ito palette by position).
struct ClassSeries
{
    QStringList classes;
    QList<QColor> colours;
    QList<double> values;
};

// A confusion matrix: counts[trueClass][predictedClass].
struct ConfusionData
{
    QStringList classes;
    QList<QList<int>> counts;
};

// Labelling speed over one stretch of time ending at `end`.
struct ThroughputSample
{
    QDateTime end;
    double labelsPerHour = 0.0;
};

// Agreement between annotators (images labelled by more than one) and the disagreements awaiting
// a reviewer.
struct AnnotatorRow
{
    QString name;
    qint64 labels = 0;
    std::optional<double> auditAccuracy;
    std::optional<double> majorityAgreement;
};

struct AnnotatorPairRow
{
    QString a, b;
    qint64 images = 0;
    std::optional<double> cohenKappa;
};

struct DisagreementRow
{
    qint64 imageId = 0;
    QString path;
    QStringList votes;      // "name: class", by annotator name
    QString majority;       // empty when no class leads
    int majorityPosition = -1;
};

struct AgreementData
{
    qint64 imagesMulti = 0;
    std::optional<double> fleissKappa;
    QList<AnnotatorRow> annotators;
    QList<AnnotatorPairRow> pairs;
    QList<DisagreementRow> queue;
    QStringList classes; // class order, for settling
};

} // namespace activelabel
