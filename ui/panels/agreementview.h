#pragma once

#include "ui/panels/metricsdata.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace activelabel {

// The Metrics page's Agreement tab: how far annotators agree where more than one labelled an image
// (Fleiss' kappa, each annotator's audit accuracy and agreement with the others' majority, Cohen's
// kappa per pair), and the images whose annotators disagree, for a reviewer to settle: pick a row,
// pick the class (the majority's is preselected), Settle. The settled label is the one training
// uses.
class AgreementView : public QWidget
{
    Q_OBJECT
public:
    explicit AgreementView(QWidget *parent = nullptr);

    void setAgreement(const AgreementData &data);
    const AgreementData &agreement() const { return m_data; }

    // The row of the review queue that is selected, -1 when none.
    int selectedQueueRow() const;
    void selectQueueRow(int row);
    // Settles the selected image with the chosen class (what the Settle button does).
    void settleSelected();

Q_SIGNALS:
    void settleRequested(qint64 imageId, int classPosition);
    void settleByMajorityRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void fillTables();
    void updateSettleControls();

    AgreementData m_data;
    QLabel *m_summary = nullptr;
    QTableWidget *m_annotators = nullptr;
    QTableWidget *m_pairs = nullptr;
    QTableWidget *m_queue = nullptr;
    QComboBox *m_settleClass = nullptr;
    QPushButton *m_settle = nullptr;
    QPushButton *m_settleMajority = nullptr;
};

} // namespace activelabel
