#pragma once

#include "ui/panels/metricsdata.h"

#include <QStringList>
#include <QWidget>

class QChart;
class QChartView;
class QLabel;
class QTabWidget;

namespace activelabel {

class AgreementView;
class ConfusionMatrixView;

// The live plots of a project, one tab each: accuracy vs labels (audit estimate, its 95% band and
// the test split), training rounds (loss and held-out accuracy), per-class accuracy, class balance
// of the labels, the confusion matrix, labelling throughput and agreement between annotators (with
// the disagreements to settle); above them a hint when the
// estimate has reached a plateau. It shows plain data that app/ hands it and refreshes a chart by
// rebuilding it, which is cheap at the sizes involved (one point per round).
class MetricsPanel : public QWidget
{
    Q_OBJECT
public:
    enum class Plot { Accuracy, Rounds, PerClassAccuracy, ClassBalance, Confusion, Throughput };

    explicit MetricsPanel(QWidget *parent = nullptr);
    ~MetricsPanel() override;

    // Points in any order (sorted by number of labels here); one per round is typical.
    void setAccuracy(const QList<AccuracyPoint> &points);
    void setRounds(const QList<RoundPoint> &rounds);
    void setPerClassAccuracy(const ClassSeries &accuracy);
    void setClassBalance(const ClassSeries &counts);
    void setConfusion(const ConfusionData &confusion);
    void setThroughput(const QList<ThroughputSample> &samples);
    void setAgreement(const AgreementData &agreement);
    // How many recent rounds the plateau hint looks at (default 3).
    void setPlateauRounds(int rounds);
    int plateauRounds() const { return m_plateauRounds; }

    // The chart on screen for a plot (nullptr for Confusion, which is a table).
    QChart *chart(Plot plot) const;
    ConfusionMatrixView *confusionView() const { return m_confusion; }
    AgreementView *agreementView() const { return m_agreement; }
    QTabWidget *tabs() const { return m_tabs; }
    bool plateauHintShown() const;
    QString plateauHintText() const;

    // Writes every plot that has data as a PNG into `dir` (accuracy.png, rounds.png,
    // per_class_accuracy.png, class_balance.png, confusion.png, throughput.png) and returns the
    // paths written. Stops at the first failure and puts the reason in `error`. UI thread only
    // (it renders widgets and charts).
    QStringList savePlots(const QString &dir, QString *error = nullptr) const;

private:
    void replaceChart(Plot plot, QChart *chart);
    QChart *buildChart(Plot plot) const;
    void updatePlateauHint();

    QTabWidget *m_tabs = nullptr;
    QLabel *m_plateauHint = nullptr;
    QChartView *m_accuracyView = nullptr;
    QChartView *m_roundsView = nullptr;
    QChartView *m_perClassView = nullptr;
    QChartView *m_balanceView = nullptr;
    QChartView *m_throughputView = nullptr;
    ConfusionMatrixView *m_confusion = nullptr;
    AgreementView *m_agreement = nullptr;

    QList<AccuracyPoint> m_accuracy;
    QList<RoundPoint> m_rounds;
    ClassSeries m_perClass;
    ClassSeries m_balance;
    ConfusionData m_confusionData;
    QList<ThroughputSample> m_throughput;
    int m_plateauRounds = 3;
};

} // namespace activelabel
