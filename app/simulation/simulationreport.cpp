#include "app/simulation/simulationreport.h"

#include "ui/charts/curvechart.h"

#include <QSaveFile>
#include <QTextStream>

#include <cmath>
#include <stdexcept>

namespace activelabel {

namespace {

QString number(double value, int decimals)
{
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QString();
}

void meanStd(const std::vector<double> &values, double &mean, double &stddev)
{
    mean = stddev = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> finite;
    for (double v : values)
        if (std::isfinite(v))
            finite.push_back(v);
    if (finite.empty())
        return;
    double sum = 0.0;
    for (double v : finite)
        sum += v;
    mean = sum / double(finite.size());
    double squares = 0.0;
    for (double v : finite)
        squares += (v - mean) * (v - mean);
    stddev = std::sqrt(squares / double(finite.size()));
}

} // namespace

std::vector<StrategySummary> summarise(const std::vector<RoundRecord> &rounds,
                                       const std::map<Strategy, double> &wallSeconds)
{
    // strategy -> seed -> its rounds, in order
    std::map<Strategy, std::map<int, std::vector<const RoundRecord *>>> grouped;
    std::vector<Strategy> order;
    for (const auto &r : rounds) {
        if (!grouped.count(r.strategy))
            order.push_back(r.strategy);
        grouped[r.strategy][r.seed].push_back(&r);
    }
    std::vector<StrategySummary> out;
    for (Strategy s : order) {
        StrategySummary summary;
        summary.strategy = s;
        std::vector<double> aubcs, finals;
        for (const auto &[seed, runs] : grouped[s]) {
            std::vector<double> labels, accuracy;
            for (const RoundRecord *r : runs) {
                labels.push_back(double(r->labels));
                accuracy.push_back(r->testAccuracy);
            }
            aubcs.push_back(areaUnderBudgetCurve(labels, accuracy));
            finals.push_back(accuracy.back());
            ++summary.seeds;
        }
        meanStd(aubcs, summary.aubcMean, summary.aubcStd);
        meanStd(finals, summary.finalMean, summary.finalStd);
        const auto wall = wallSeconds.find(s);
        summary.wallSeconds = wall == wallSeconds.end() ? 0.0 : wall->second;
        out.push_back(summary);
    }
    return out;
}

RoundsCsvWriter::RoundsCsvWriter(const QString &path) : m_file(path)
{
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
        throw std::runtime_error(
            ("cannot create " + path + ": " + m_file.errorString()).toStdString());
    const QByteArray header = "strategy,seed,round,labels,test_accuracy,audit_accuracy,audit_low,"
                              "audit_high,train_seconds,score_seconds\n";
    if (m_file.write(header) != header.size() || !m_file.flush())
        throw std::runtime_error(
            ("cannot write " + path + ": " + m_file.errorString()).toStdString());
}

void RoundsCsvWriter::append(const RoundRecord &r)
{
    const bool haveAudit = r.auditDraws > 0;
    const QString line = QStringList{QString::fromStdString(strategyName(r.strategy)),
                                     QString::number(r.seed),
                                     QString::number(r.round),
                                     QString::number(r.labels),
                                     number(r.testAccuracy, 4),
                                     haveAudit ? number(r.auditAccuracy, 4) : QString(),
                                     haveAudit ? number(r.audit.low, 4) : QString(),
                                     haveAudit ? number(r.audit.high, 4) : QString(),
                                     number(r.trainSeconds, 3),
                                     number(r.scoreSeconds, 3)}
                             .join(QLatin1Char(',')) +
                         QLatin1Char('\n');
    const QByteArray bytes = line.toUtf8();
    if (m_file.write(bytes) != bytes.size() || !m_file.flush())
        throw std::runtime_error(
            ("cannot write " + m_file.fileName() + ": " + m_file.errorString()).toStdString());
}

void writeSummaryCsv(const QString &path, const std::vector<StrategySummary> &summaries)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        throw std::runtime_error(
            ("cannot create " + path + ": " + file.errorString()).toStdString());
    QTextStream out(&file);
    out << "strategy,seeds,aubc_mean,aubc_std,final_accuracy_mean,final_accuracy_std,wall_"
           "seconds\n";
    for (const auto &s : summaries)
        out << QString::fromStdString(strategyName(s.strategy)) << ',' << s.seeds << ','
            << number(s.aubcMean, 4) << ',' << number(s.aubcStd, 4) << ',' << number(s.finalMean, 4)
            << ',' << number(s.finalStd, 4) << ',' << number(s.wallSeconds, 2) << '\n';
    out.flush();
    if (out.status() != QTextStream::Ok || !file.commit())
        throw std::runtime_error(
            ("cannot write " + path + ": " + file.errorString()).toStdString());
}

void writeLearningCurvePlot(const QString &path, const std::vector<RoundRecord> &rounds,
                            const QString &title)
{
    std::map<Strategy, std::map<int, QVector<QPointF>>> runs;
    std::vector<Strategy> order;
    for (const auto &r : rounds) {
        if (!std::isfinite(r.testAccuracy))
            continue;
        if (!runs.count(r.strategy))
            order.push_back(r.strategy);
        runs[r.strategy][r.seed].append(QPointF(double(r.labels), r.testAccuracy));
    }
    QVector<CurveSeries> curves;
    for (Strategy s : order) {
        QVector<QVector<QPointF>> perSeed;
        for (const auto &[seed, points] : runs[s])
            perSeed.append(points);
        CurveSeries curve = summariseRuns(QString::fromStdString(strategyName(s)), perSeed);
        // A strategy keeps its colour across plots; hybrid (the earlier default) keeps the strongest one
        // and yellow, weak on white, goes to a dashed line.
        switch (s) {
        case Strategy::Hybrid: curve.colourIndex = 0; break;
        case Strategy::Entropy: curve.colourIndex = 1; break;
        case Strategy::Margin: curve.colourIndex = 2; break;
        case Strategy::Coreset: curve.colourIndex = 3; break;
        case Strategy::Bald: curve.colourIndex = 4; break;
        case Strategy::Badge: curve.colourIndex = 5; break;
        case Strategy::Random: curve.colourIndex = 6; break;
        case Strategy::LeastConfidence:
            curve.colourIndex = 7;
            curve.dashed = true;
            break;
        }
        curves.append(curve);
    }
    CurveChartOptions options;
    options.title = title;
    options.xTitle = QStringLiteral("Labels");
    options.yTitle = QStringLiteral("Test accuracy");
    CurveChart chart(options);
    chart.setCurves(curves);
    QString error;
    if (!renderChartToPng(&chart, path, QSize(1100, 700), &error))
        throw std::runtime_error(error.toStdString());
}

QString progressLine(const RoundRecord &r, std::size_t budget)
{
    QString line = QStringLiteral("simulate: %1 seed %2 round %3: %4/%5 labels")
                       .arg(QString::fromStdString(strategyName(r.strategy)))
                       .arg(r.seed)
                       .arg(r.round)
                       .arg(r.labels)
                       .arg(budget);
    if (std::isfinite(r.testAccuracy))
        line += QStringLiteral(", test %1").arg(r.testAccuracy, 0, 'f', 4);
    if (r.auditDraws > 0)
        line += QStringLiteral(", audit %1 [%2, %3] over %4 draws")
                    .arg(r.auditAccuracy, 0, 'f', 3)
                    .arg(r.audit.low, 0, 'f', 3)
                    .arg(r.audit.high, 0, 'f', 3)
                    .arg(r.auditDraws);
    line += QStringLiteral(", mode %1, train %2 s, score %3 s")
                .arg(r.mode)
                .arg(r.trainSeconds, 0, 'f', 1)
                .arg(r.scoreSeconds, 0, 'f', 1);
    if (r.pseudoLabels > 0 || r.unlabelledSeconds > 0.0)
        line += QStringLiteral(" (of training: %1 s on the unlabelled pool, %2 pseudo-labels at >= %3)")
                    .arg(r.unlabelledSeconds, 0, 'f', 1)
                    .arg(r.pseudoLabels)
                    .arg(r.pseudoMinClassThreshold, 0, 'f', 2);
    return line;
}

} // namespace activelabel
