#pragma once

#include "ui/panels/metricsdata.h"

#include <QAbstractTableModel>
#include <QWidget>

class QLabel;
class QTableView;

namespace activelabel {

// The confusion matrix as a table model: rows are true classes, columns predicted classes, the
// cells' counts as text and a background shaded by the row-normalised fraction (so rare classes
// read as clearly as common ones). The diagonal is shaded in blue, errors in vermillion, both
// Okabe-Ito hues, so a colour-blind reader still tells them apart.
class ConfusionMatrixModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    // The fraction of the true class's row in this cell, 0..1 (a double).
    static constexpr int RowFractionRole = Qt::UserRole + 1;

    explicit ConfusionMatrixModel(QObject *parent = nullptr);

    void setConfusion(const ConfusionData &data);
    const ConfusionData &confusion() const { return m_data; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    int count(int row, int column) const;
    double rowFraction(int row, int column) const;

    ConfusionData m_data;
    QList<int> m_rowTotals;
};

// The matrix in a table with its axis titles; keyboard navigable, tooltips per cell.
class ConfusionMatrixView : public QWidget
{
    Q_OBJECT
public:
    explicit ConfusionMatrixView(QWidget *parent = nullptr);

    void setConfusion(const ConfusionData &data);
    ConfusionMatrixModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }

private:
    ConfusionMatrixModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_empty = nullptr;
};

} // namespace activelabel
