#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QTableView;

namespace activelabel {

// One model version as the versions table shows it.
struct ModelVersionRow
{
    qint64 version = 0;
    QDateTime created;
    QString backbone;     // e.g. "resnet18", or the TorchScript file's name
    QString transferMode; // e.g. "frozen", "fine-tune last 2", "full", "scratch"
    int labels = 0;       // labels it was trained on
    std::optional<double> heldOutAccuracy;
    std::optional<double> testAccuracy;
    bool current = false;
};

// The model versions as a table, newest first. The current version is marked in the first column
// and in bold.
class ModelVersionsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        VersionColumn,
        CreatedColumn,
        BackboneColumn,
        TransferColumn,
        LabelsColumn,
        HeldOutColumn,
        TestColumn,
        ColumnCount
    };
    static constexpr int VersionRole = Qt::UserRole + 1;   // qint64
    static constexpr int IsCurrentRole = Qt::UserRole + 2; // bool

    explicit ModelVersionsModel(QObject *parent = nullptr);

    void setVersions(const QList<ModelVersionRow> &rows);
    const QList<ModelVersionRow> &versions() const { return m_rows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<ModelVersionRow> m_rows;
};

// The versions table with a "Roll back to this version" button and context-menu action. Rolling
// back asks for confirmation, then emits rollbackRequested(); app/ does the work and refreshes the
// list with setVersions().
class ModelVersionsView : public QWidget
{
    Q_OBJECT
public:
    explicit ModelVersionsView(QWidget *parent = nullptr);

    void setVersions(const QList<ModelVersionRow> &rows);
    // Tests and scripted use skip the confirmation dialog.
    void setConfirmationsEnabled(bool enabled) { m_confirm = enabled; }

    ModelVersionsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    // The version of the selected row, or nullopt.
    std::optional<qint64> selectedVersion() const;
    bool selectVersion(qint64 version);

public Q_SLOTS:
    // Asks for confirmation (when enabled) and emits rollbackRequested(version). Refuses the
    // current version and versions not in the list.
    void requestRollback(qint64 version);

Q_SIGNALS:
    void rollbackRequested(qint64 version);

private:
    void updateButton();
    void showContextMenu(const QPoint &pos);
    const ModelVersionRow *findRow(qint64 version) const;

    ModelVersionsModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_rollback = nullptr;
    QLabel *m_empty = nullptr;
    bool m_confirm = true;
};

} // namespace activelabel
