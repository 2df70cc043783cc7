#include "ui/panels/metricspanel.h"

#include "ui/charts/curvechart.h"
#include "ui/panels/agreementview.h"
#include "ui/panels/confusionmatrixview.h"
#include "ui/panels/metricscharts.h"
#include "ui/panels/plateau.h"

#include <QChart>
#include <QChartView>
#include <QDir>
#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace activelabel {

namespace {

constexpr QSize kPngSize(1000, 650);

QChartView *newChartView(const QString &objectName, QWidget *parent)
{
    auto *view = new QChartView(parent);
    view->setObjectName(objectName);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(320, 220);
    return view;
}

} // namespace

MetricsPanel::MetricsPanel(QWidget *parent)
    : QWidget(parent), m_tabs(new QTabWidget(this)), m_plateauHint(new QLabel(this))
{
    setObjectName(QStringLiteral("metricsPanel"));
    m_tabs->setObjectName(QStringLiteral("metricsTabs"));
    m_plateauHint->setObjectName(QStringLiteral("plateauHint"));
    m_plateauHint->setWordWrap(true);
    // Orange edge on a pale background: noticeable, and readable with any colour vision.
    m_plateauHint->setStyleSheet(QStringLiteral(
        "QLabel { background: #fff4e0; border-left: 4px solid #E69F00; padding: 6px; }"));
    m_plateauHint->hide();

    m_accuracyView = newChartView(QStringLiteral("accuracyChart"), this);
    m_roundsView = newChartView(QStringLiteral("roundsChart"), this);
    m_perClassView = newChartView(QStringLiteral("perClassChart"), this);
    m_balanceView = newChartView(QStringLiteral("classBalanceChart"), this);
    m_throughputView = newChartView(QStringLiteral("throughputChart"), this);
    m_confusion = new ConfusionMatrixView(this);
    m_agreement = new AgreementView(this);

    // Mnemonics make every tab reachable with Alt+letter as well as Ctrl+Tab.
    m_tabs->addTab(m_accuracyView, tr("&Accuracy"));
    m_tabs->addTab(m_roundsView, tr("&Rounds"));
    m_tabs->addTab(m_perClassView, tr("&Per class"));
    m_tabs->addTab(m_balanceView, tr("&Balance"));
    m_tabs->addTab(m_confusion, tr("&Confusion"));
    m_tabs->addTab(m_throughputView, tr("&Throughput"));
    m_tabs->addTab(m_agreement, tr("A&greement"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plateauHint);
    layout->addWidget(m_tabs, 1);

    for (Plot plot : {Plot::Accuracy, Plot::Rounds, Plot::PerClassAccuracy, Plot::ClassBalance,
                      Plot::Throughput})
        replaceChart(plot, buildChart(plot));
}

MetricsPanel::~MetricsPanel() = default;

QChart *MetricsPanel::buildChart(Plot plot) const
{
    switch (plot) {
    case Plot::Accuracy:
        return buildAccuracyChart(m_accuracy);
    case Plot::Rounds:
        return buildRoundsChart(m_rounds);
    case Plot::PerClassAccuracy:
        return buildClassBarChart(m_perClass, tr("Per-class accuracy"), tr("Accuracy"), 1.0, false,
                                  true);
    case Plot::ClassBalance:
        return buildClassBarChart(m_balance, tr("Class balance of the labels"), tr("Labels"), 0.0,
                                  true, false);
    case Plot::Throughput:
        return buildThroughputChart(m_throughput);
    case Plot::Confusion:
        break;
    }
    return nullptr;
}

void MetricsPanel::replaceChart(Plot plot, QChart *chart)
{
    QChartView *view = nullptr;
    switch (plot) {
    case Plot::Accuracy:
        view = m_accuracyView;
        break;
    case Plot::Rounds:
        view = m_roundsView;
        break;
    case Plot::PerClassAccuracy:
        view = m_perClassView;
        break;
    case Plot::ClassBalance:
        view = m_balanceView;
        break;
    case Plot::Throughput:
        view = m_throughputView;
        break;
    case Plot::Confusion:
        delete chart;
        return;
    }
    // setChart() hands back ownership of the previous chart rather than deleting it.
    QChart *old = view->chart();
    view->setChart(chart);
    delete old;
}

QChart *MetricsPanel::chart(Plot plot) const
{
    switch (plot) {
    case Plot::Accuracy:
        return m_accuracyView->chart();
    case Plot::Rounds:
        return m_roundsView->chart();
    case Plot::PerClassAccuracy:
        return m_perClassView->chart();
    case Plot::ClassBalance:
        return m_balanceView->chart();
    case Plot::Throughput:
        return m_throughputView->chart();
    case Plot::Confusion:
        break;
    }
    return nullptr;
}

void MetricsPanel::setAccuracy(const QList<AccuracyPoint> &points)
{
    m_accuracy = points;
    std::stable_sort(
        m_accuracy.begin(), m_accuracy.end(),
        [](const AccuracyPoint &a, const AccuracyPoint &b) { return a.labels < b.labels; });
    replaceChart(Plot::Accuracy, buildChart(Plot::Accuracy));
    updatePlateauHint();
}

void MetricsPanel::setRounds(const QList<RoundPoint> &rounds)
{
    m_rounds = rounds;
    replaceChart(Plot::Rounds, buildChart(Plot::Rounds));
}

void MetricsPanel::setPerClassAccuracy(const ClassSeries &accuracy)
{
    m_perClass = accuracy;
    replaceChart(Plot::PerClassAccuracy, buildChart(Plot::PerClassAccuracy));
}

void MetricsPanel::setClassBalance(const ClassSeries &counts)
{
    m_balance = counts;
    replaceChart(Plot::ClassBalance, buildChart(Plot::ClassBalance));
}

void MetricsPanel::setConfusion(const ConfusionData &confusion)
{
    m_confusionData = confusion;
    m_confusion->setConfusion(confusion);
}

void MetricsPanel::setThroughput(const QList<ThroughputSample> &samples)
{
    m_throughput = samples;
    replaceChart(Plot::Throughput, buildChart(Plot::Throughput));
}

void MetricsPanel::setAgreement(const AgreementData &agreement)
{
    m_agreement->setAgreement(agreement);
}

void MetricsPanel::setPlateauRounds(int rounds)
{
    m_plateauRounds = std::max(1, rounds);
    updatePlateauHint();
}

void MetricsPanel::updatePlateauHint()
{
    const PlateauResult result = detectPlateau(m_accuracy, m_plateauRounds);
    m_plateauHint->setText(result.plateau ? plateauHint(result.rounds) : QString());
    m_plateauHint->setVisible(result.plateau);
}

bool MetricsPanel::plateauHintShown() const
{
    return !m_plateauHint->isHidden();
}

QString MetricsPanel::plateauHintText() const
{
    return m_plateauHint->text();
}

QStringList MetricsPanel::savePlots(const QString &dir, QString *error) const
{
    QStringList written;
    if (!QDir().mkpath(dir)) {
        if (error)
            *error = tr("Could not create the folder %1").arg(dir);
        return written;
    }
    const QDir out(dir);
    const struct
    {
        Plot plot;
        const char *file;
        bool hasData;
    } plots[] = {
        {Plot::Accuracy, "accuracy.png", !m_accuracy.isEmpty()},
        {Plot::Rounds, "rounds.png", !m_rounds.isEmpty()},
        {Plot::PerClassAccuracy, "per_class_accuracy.png", !m_perClass.values.isEmpty()},
        {Plot::ClassBalance, "class_balance.png", !m_balance.values.isEmpty()},
        {Plot::Throughput, "throughput.png", !m_throughput.isEmpty()},
    };
    for (const auto &p : plots) {
        if (!p.hasData)
            continue;
        // A fresh chart, so the one on screen keeps its view and size.
        QChart *chart = buildChart(p.plot);
        const QString path = out.filePath(QString::fromLatin1(p.file));
        const bool ok = renderChartToPng(chart, path, kPngSize, error);
        delete chart;
        if (!ok)
            return written;
        written.append(path);
    }
    if (!m_confusionData.classes.isEmpty()) {
        // The table is a widget: render a detached copy at a readable size.
        ConfusionMatrixView copy;
        copy.setConfusion(m_confusionData);
        copy.resize(std::max(600, 90 * int(m_confusionData.classes.size()) + 140),
                    std::max(400, 40 * int(m_confusionData.classes.size()) + 80));
        copy.setAttribute(Qt::WA_DontShowOnScreen);
        copy.show();
        const QString path = out.filePath(QStringLiteral("confusion.png"));
        if (!copy.grab().save(path, "PNG")) {
            if (error)
                *error = tr("Could not write %1").arg(path);
            return written;
        }
        written.append(path);
    }
    return written;
}

} // namespace activelabel
