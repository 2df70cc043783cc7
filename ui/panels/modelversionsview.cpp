#include "ui/panels/modelversionsview.h"

#include <QAction>
#include <QFont>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace activelabel {

namespace {

QString percent(const std::optional<double> &value)
{
    return value ? QStringLiteral("%1%").arg(*value * 100.0, 0, 'f', 1) : QStringLiteral("—");
}

} // namespace

ModelVersionsModel::ModelVersionsModel(QObject *parent) : QAbstractTableModel(parent) {}

void ModelVersionsModel::setVersions(const QList<ModelVersionRow> &rows)
{
    beginResetModel();
    m_rows = rows;
    std::stable_sort(
        m_rows.begin(), m_rows.end(),
        [](const ModelVersionRow &a, const ModelVersionRow &b) { return a.version > b.version; });
    endResetModel();
}

int ModelVersionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ModelVersionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ModelVersionsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ModelVersionRow &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case VersionColumn:
            return row.current ? tr("%1 (current)").arg(row.version) : QString::number(row.version);
        case CreatedColumn:
            return row.created.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        case BackboneColumn:
            return row.backbone;
        case TransferColumn:
            return row.transferMode;
        case LabelsColumn:
            return QLocale().toString(row.labels);
        case HeldOutColumn:
            return percent(row.heldOutAccuracy);
        case TestColumn:
            return percent(row.testAccuracy);
        }
        break;
    case Qt::FontRole:
        if (row.current) {
            QFont font;
            font.setBold(true);
            return font;
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() >= LabelsColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::ToolTipRole:
        return row.current ? tr("Version %1 is the model in use").arg(row.version)
                           : tr("Version %1: right-click to roll back to it").arg(row.version);
    case VersionRole:
        return row.version;
    case IsCurrentRole:
        return row.current;
    }
    return {};
}

QVariant ModelVersionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case VersionColumn:
        return tr("Version");
    case CreatedColumn:
        return tr("Created");
    case BackboneColumn:
        return tr("Backbone");
    case TransferColumn:
        return tr("Transfer");
    case LabelsColumn:
        return tr("Labels");
    case HeldOutColumn:
        return tr("Held-out acc.");
    case TestColumn:
        return tr("Test acc.");
    }
    return {};
}

ModelVersionsView::ModelVersionsView(QWidget *parent)
    : QWidget(parent), m_model(new ModelVersionsModel(this)), m_table(new QTableView(this)),
      m_rollback(new QPushButton(tr("&Roll back to this version"), this)),
      m_empty(new QLabel(tr("No model versions yet: the first training round creates one."), this))
{
    setObjectName(QStringLiteral("modelVersionsView"));
    m_table->setObjectName(QStringLiteral("modelVersionsTable"));
    m_rollback->setObjectName(QStringLiteral("rollbackButton"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setTabKeyNavigation(false); // arrows move between rows, Tab on to the button
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_empty->setWordWrap(true);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_empty, 1);
    buttons->addStretch();
    buttons->addWidget(m_rollback);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);

    connect(m_table, &QWidget::customContextMenuRequested, this,
            &ModelVersionsView::showContextMenu);
    connect(m_rollback, &QPushButton::clicked, this, [this] {
        if (const auto version = selectedVersion())
            requestRollback(*version);
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &ModelVersionsView::updateButton);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ModelVersionsView::updateButton);
    updateButton();
}

void ModelVersionsView::setVersions(const QList<ModelVersionRow> &rows)
{
    // Keep the selection on the same version across a refresh.
    const std::optional<qint64> selected = selectedVersion();
    m_model->setVersions(rows);
    if (selected)
        selectVersion(*selected);
    m_empty->setVisible(rows.isEmpty());
    updateButton();
}

std::optional<qint64> ModelVersionsView::selectedVersion() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    return rows.first().data(ModelVersionsModel::VersionRole).toLongLong();
}

bool ModelVersionsView::selectVersion(qint64 version)
{
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const QModelIndex index = m_model->index(r, 0);
        if (index.data(ModelVersionsModel::VersionRole).toLongLong() == version) {
            m_table->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
            m_table->setCurrentIndex(index);
            return true;
        }
    }
    return false;
}

const ModelVersionRow *ModelVersionsView::findRow(qint64 version) const
{
    for (const ModelVersionRow &row : m_model->versions())
        if (row.version == version)
            return &row;
    return nullptr;
}

void ModelVersionsView::updateButton()
{
    const std::optional<qint64> version = selectedVersion();
    const ModelVersionRow *row = version ? findRow(*version) : nullptr;
    m_rollback->setEnabled(row && !row->current);
}

void ModelVersionsView::requestRollback(qint64 version)
{
    const ModelVersionRow *row = findRow(version);
    if (!row || row->current)
        return;
    if (m_confirm) {
        const auto answer = QMessageBox::question(
            this, tr("Roll back model"),
            tr("Make version %1 (trained on %2 labels) the current model?\n\nPredictions and the "
               "queue will be recomputed with it.")
                .arg(version)
                .arg(row->labels),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes)
            return;
    }
    Q_EMIT rollbackRequested(version);
}

void ModelVersionsView::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_table->indexAt(pos);
    if (!index.isValid())
        return;
    m_table->selectRow(index.row());
    const qint64 version = index.data(ModelVersionsModel::VersionRole).toLongLong();
    QMenu menu(this);
    QAction *action = menu.addAction(tr("Roll back to version %1").arg(version));
    action->setEnabled(!index.data(ModelVersionsModel::IsCurrentRole).toBool());
    if (menu.exec(m_table->viewport()->mapToGlobal(pos)) == action)
        requestRollback(version);
}

} // namespace activelabel
