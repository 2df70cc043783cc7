#include "app/metricsreport.h"

#include "model/sampling/auditstats.h"
#include "storage/classrepository.h"
#include "storage/groundtruthrepository.h"
#include "storage/labelrepository.h"
#include "storage/metricrepository.h"
#include "storage/modelversionrepository.h"
#include "storage/predictionstore.h"
#include "storage/project.h"
#include "storage/queryrepository.h"
#include "storage/sqlitedatabase.h"

#include <QDateTime>
#include <QDir>
#include <QSaveFile>
#include <QTextStream>

#include <algorithm>
#include <map>
#include <unordered_map>

namespace activelabel {

namespace {

constexpr int kMinimumAuditDraws = 5;           // fewer: no estimate worth plotting
constexpr qint64 kThroughputBucketMs = 10 * 60 * 1000; // labels/hour over 10-minute stretches

struct ClassIndex
{
    std::unordered_map<std::int64_t, int> positionById;
    QStringList names;
    QList<QColor> colours;
};

ClassIndex readClasses(Database &db)
{
    ClassIndex index;
    for (const ClassInfo &info : ClassRepository(db).list()) {
        index.positionById.emplace(info.id, int(index.names.size()));
        index.names << info.name;
        index.colours << QColor(info.colour);
    }
    return index;
}

// The audit estimate: each audit draw was scored by the model current when it was drawn, before
// its label existed; once labelled, it says whether that model was right.
void readAccuracy(Database &db, const std::vector<Label> &labels, MetricsReport &report)
{
    std::unordered_map<std::int64_t, const Label *> labelByImage;
    for (const Label &label : labels)
        labelByImage.emplace(label.imageId, &label);
    std::vector<std::int64_t> labelTimes;
    for (const Label &label : labels)
        labelTimes.push_back(label.labelledAt);
    std::sort(labelTimes.begin(), labelTimes.end());

    // Test accuracy per model version, to show beside the estimate of the same version.
    std::map<std::int64_t, double> testByVersion;
    for (const Metric &m : MetricRepository(db).series(QStringLiteral("accuracy"), QStringLiteral("test")))
        if (m.modelVersion)
            testByVersion[*m.modelVersion] = m.value;

    AuditWindow window(MetricsReport::kAuditWindow);
    for (const QueryRecord &query : QueryRepository(db).audits()) {
        const auto label = labelByImage.find(query.imageId);
        if (!query.predictedClassId || !query.modelVersion || label == labelByImage.end())
            continue; // no model then, or not labelled yet: it says nothing about accuracy
        window.add(*query.predictedClassId == label->second->classId);
        ++report.auditDraws;
        if (window.size() < std::size_t(kMinimumAuditDraws))
            continue;
        AccuracyPoint point;
        point.labels = int(std::upper_bound(labelTimes.begin(), labelTimes.end(), label->second->labelledAt) -
                           labelTimes.begin());
        point.estimate = window.accuracy();
        const Interval ci = window.interval();
        point.low = ci.low;
        point.high = ci.high;
        point.window = int(window.size());
        const auto test = testByVersion.find(*query.modelVersion);
        if (test != testByVersion.end())
            point.test = test->second;
        report.accuracy << point;
    }
    // Without audit draws (e.g. labels from the oracle or an import) the test split still plots.
    if (report.accuracy.isEmpty()) {
        for (const ModelVersion &v : ModelVersionRepository(db).list()) {
            const auto test = testByVersion.find(v.id);
            if (test == testByVersion.end())
                continue;
            AccuracyPoint point;
            point.labels = int(v.labelsUsed);
            point.estimate = point.low = point.high = test->second;
            point.window = 0; // no audit draws: the panel plots only the test split
            point.test = test->second;
            report.accuracy << point;
        }
    }
}

void readRounds(Database &db, MetricsReport &report)
{
    MetricRepository metrics(db);
    for (const ModelVersion &v : ModelVersionRepository(db).list()) {
        RoundPoint round;
        round.version = v.id;
        round.labels = int(v.labelsUsed);
        round.mode = v.transfer;
        for (const Metric &m : metrics.forModelVersion(v.id)) {
            if (m.name == QLatin1String("train_loss"))
                round.trainLoss = m.value;
            else if (m.name == QLatin1String("accuracy") && m.split == QLatin1String("heldout"))
                round.heldOutAccuracy = m.value;
        }
        report.rounds << round;
    }
}

// Per-class accuracy and the confusion matrix of the latest complete prediction run on the test
// split's ground truth.
void readConfusion(const Project &project, Database &db, const ClassIndex &classes, MetricsReport &report)
{
    const int c = int(classes.names.size());
    report.confusion.classes = classes.names;
    report.perClassAccuracy.classes = classes.names;
    report.perClassAccuracy.colours = classes.colours;
    const auto truth = GroundTruthRepository(db).all(Split::Test);
    if (truth.empty() || c == 0)
        return;
    std::unique_ptr<Database> predictionsDb = project.openPredictions();
    PredictionStore store(*predictionsDb);
    const auto run = store.latestCompleteRun();
    if (!run)
        return;
    std::unordered_map<std::int64_t, int> predicted;
    for (const StoredPrediction &p : store.read(*run))
        predicted.emplace(p.imageId, p.predictedClass);
    QList<QList<int>> counts(c, QList<int>(c, 0));
    for (const auto &[imageId, classId] : truth) {
        const auto t = classes.positionById.find(classId);
        const auto p = predicted.find(imageId);
        if (t == classes.positionById.end() || p == predicted.end() || p->second < 0 || p->second >= c)
            continue;
        ++counts[t->second][p->second];
    }
    report.confusion.counts = counts;
    for (int t = 0; t < c; ++t) {
        int total = 0;
        for (int v : counts[t])
            total += v;
        report.perClassAccuracy.values << (total > 0 ? double(counts[t][t]) / total : 0.0);
    }
}

void readBalanceAndThroughput(const std::vector<Label> &labels, const ClassIndex &classes, MetricsReport &report)
{
    report.classBalance.classes = classes.names;
    report.classBalance.colours = classes.colours;
    QList<double> counts(classes.names.size(), 0.0);
    std::map<qint64, int> perBucket;
    for (const Label &label : labels) {
        const auto p = classes.positionById.find(label.classId);
        if (p != classes.positionById.end())
            counts[p->second] += 1;
        // Throughput counts what people did, not imports or the simulated oracle.
        if (label.source == LabelSource::Human || label.source == LabelSource::Accepted ||
            label.source == LabelSource::BulkAccepted)
            ++perBucket[label.labelledAt / kThroughputBucketMs];
    }
    report.classBalance.values = counts;
    const double bucketsPerHour = 3600000.0 / double(kThroughputBucketMs);
    for (const auto &[bucket, n] : perBucket) {
        ThroughputSample sample;
        sample.end = QDateTime::fromMSecsSinceEpoch((bucket + 1) * kThroughputBucketMs, Qt::UTC);
        sample.labelsPerHour = n * bucketsPerHour;
        report.throughput << sample;
    }
}

void writeFile(const QString &path, const QString &text)
{
    QSaveFile file(path);
    const QByteArray bytes = text.toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw std::runtime_error("cannot write " + path.toStdString() + ": " + file.errorString().toStdString());
}

} // namespace

MetricsReport MetricsReport::read(const Project &project, Database &db)
{
    MetricsReport report;
    const ClassIndex classes = readClasses(db);
    const std::vector<Label> labels = LabelRepository(db).all();
    readAccuracy(db, labels, report);
    readRounds(db, report);
    readConfusion(project, db, classes, report);
    readBalanceAndThroughput(labels, classes, report);
    return report;
}

QStringList MetricsReport::writeCsv(const QString &dir) const
{
    if (!QDir().mkpath(dir))
        throw std::runtime_error("cannot create " + dir.toStdString());
    QStringList written;
    QString accuracyCsv = QStringLiteral("labels,audit_accuracy,audit_low,audit_high,audit_window,test_accuracy\n");
    for (const AccuracyPoint &p : accuracy)
        accuracyCsv += QStringLiteral("%1,%2,%3,%4,%5,%6\n")
                           .arg(p.labels)
                           .arg(p.estimate, 0, 'g', 6)
                           .arg(p.low, 0, 'g', 6)
                           .arg(p.high, 0, 'g', 6)
                           .arg(p.window)
                           .arg(p.test ? QString::number(*p.test, 'g', 6) : QString());
    writeFile(dir + QStringLiteral("/accuracy.csv"), accuracyCsv);
    written << dir + QStringLiteral("/accuracy.csv");

    QString roundsCsv = QStringLiteral("model_version,labels,transfer,train_loss,heldout_accuracy\n");
    for (const RoundPoint &r : rounds)
        roundsCsv += QStringLiteral("%1,%2,%3,%4,%5\n")
                         .arg(r.version)
                         .arg(r.labels)
                         .arg(r.mode)
                         .arg(r.trainLoss, 0, 'g', 6)
                         .arg(r.heldOutAccuracy ? QString::number(*r.heldOutAccuracy, 'g', 6) : QString());
    writeFile(dir + QStringLiteral("/rounds.csv"), roundsCsv);
    written << dir + QStringLiteral("/rounds.csv");

    QString classCsv = QStringLiteral("class,labels,test_accuracy\n");
    for (int i = 0; i < classBalance.classes.size(); ++i) {
        QString name = classBalance.classes[i];
        if (name.contains(QLatin1Char(',')) || name.contains(QLatin1Char('"')))
            name = QLatin1Char('"') + name.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
        classCsv += QStringLiteral("%1,%2,%3\n")
                        .arg(name)
                        .arg(classBalance.values.value(i))
                        .arg(i < perClassAccuracy.values.size() ? QString::number(perClassAccuracy.values[i], 'g', 6)
                                                                : QString());
    }
    writeFile(dir + QStringLiteral("/classes.csv"), classCsv);
    written << dir + QStringLiteral("/classes.csv");
    return written;
}

} // namespace activelabel
