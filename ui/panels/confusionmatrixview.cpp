#include "ui/panels/confusionmatrixview.h"

#include "ui/panels/palette.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace activelabel {

namespace {

QColor blend(const QColor &from, const QColor &to, double t)
{
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromRgbF(from.redF() + (to.redF() - from.redF()) * t,
                            from.greenF() + (to.greenF() - from.greenF()) * t,
                            from.blueF() + (to.blueF() - from.blueF()) * t);
}

} // namespace

ConfusionMatrixModel::ConfusionMatrixModel(QObject *parent) : QAbstractTableModel(parent) {}

void ConfusionMatrixModel::setConfusion(const ConfusionData &data)
{
    beginResetModel();
    m_data = data;
    m_rowTotals.clear();
    for (int r = 0; r < m_data.classes.size(); ++r) {
        int total = 0;
        for (int c = 0; c < m_data.classes.size(); ++c)
            total += count(r, c);
        m_rowTotals.append(total);
    }
    endResetModel();
}

int ConfusionMatrixModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_data.classes.size());
}

int ConfusionMatrixModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_data.classes.size());
}

int ConfusionMatrixModel::count(int row, int column) const
{
    // Ragged or short input counts as zero rather than reading past the end.
    if (row < 0 || row >= m_data.counts.size())
        return 0;
    const QList<int> &line = m_data.counts.at(row);
    return column >= 0 && column < line.size() ? line.at(column) : 0;
}

double ConfusionMatrixModel::rowFraction(int row, int column) const
{
    const int total = row < m_rowTotals.size() ? m_rowTotals.at(row) : 0;
    return total > 0 ? double(count(row, column)) / total : 0.0;
}

QVariant ConfusionMatrixModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int r = index.row();
    const int c = index.column();
    const double fraction = rowFraction(r, c);
    const QColor hue = r == c ? accentBlue() : accentVermillion();
    // Square root so that a 10% confusion is visible next to a 90% diagonal.
    const QColor background = blend(Qt::white, hue, std::sqrt(fraction));
    switch (role) {
    case Qt::DisplayRole:
        return count(r, c);
    case Qt::BackgroundRole:
        return background;
    case Qt::ForegroundRole:
        return contrastingTextColour(background);
    case Qt::TextAlignmentRole:
        return int(Qt::AlignCenter);
    case Qt::ToolTipRole:
        return tr("True %1, predicted %2: %3 (%4% of %1)")
            .arg(m_data.classes.at(r), m_data.classes.at(c))
            .arg(count(r, c))
            .arg(fraction * 100.0, 0, 'f', 1);
    case RowFractionRole:
        return fraction;
    default:
        return {};
    }
}

QVariant ConfusionMatrixModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (section < 0 || section >= m_data.classes.size())
        return {};
    if (role == Qt::DisplayRole)
        return m_data.classes.at(section);
    if (role == Qt::ToolTipRole)
        return orientation == Qt::Vertical ? tr("True class: %1").arg(m_data.classes.at(section))
                                           : tr("Predicted: %1").arg(m_data.classes.at(section));
    return {};
}

ConfusionMatrixView::ConfusionMatrixView(QWidget *parent)
    : QWidget(parent), m_model(new ConfusionMatrixModel(this)), m_table(new QTableView(this)),
      m_empty(new QLabel(tr("No confusion matrix yet: it appears after the first training round "
                            "with held-out labels."),
                         this))
{
    setObjectName(QStringLiteral("confusionMatrix"));
    m_table->setObjectName(QStringLiteral("confusionTable"));
    m_table->setModel(m_model);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->setWordWrap(false);
    m_table->setTabKeyNavigation(false);
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);

    auto *title = new QLabel(tr("Rows: true class · columns: predicted class · shading: share of "
                                "the row"),
                             this);
    title->setObjectName(QStringLiteral("confusionCaption"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_empty, 1);
    setConfusion({});
}

void ConfusionMatrixView::setConfusion(const ConfusionData &data)
{
    m_model->setConfusion(data);
    const bool empty = data.classes.isEmpty();
    m_table->setVisible(!empty);
    m_empty->setVisible(empty);
}

} // namespace activelabel
