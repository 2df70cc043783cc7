#include "ui/panels/classmanagerdialog.h"

#include <QColorDialog>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace activelabel {

namespace {

constexpr int kMaxNameLength = 100;
const QStringList kKeys = {QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"),
                           QStringLiteral("4"), QStringLiteral("5"), QStringLiteral("6"),
                           QStringLiteral("7"), QStringLiteral("8"), QStringLiteral("9"),
                           QStringLiteral("0")};

QIcon swatch(const QColor &colour)
{
    QPixmap pixmap(16, 16);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setPen(QPen(QColor(60, 60, 60), 1));
    painter.setBrush(colour.isValid() ? colour : QColor(Qt::lightGray));
    painter.drawRect(QRect(0, 0, 15, 15));
    return QIcon(pixmap);
}

} // namespace

QString classNameProblem(const QString &name, const QList<ClassRow> &rows, qint64 exceptId)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return QObject::tr("A class needs a name.");
    if (trimmed.size() > kMaxNameLength)
        return QObject::tr("Class names are at most %1 characters.").arg(kMaxNameLength);
    for (const QChar c : trimmed)
        if (c.category() == QChar::Other_Control)
            return QObject::tr("A class name cannot contain line breaks or tabs.");
    for (const ClassRow &row : rows)
        if (row.id != exceptId && row.name.trimmed().compare(trimmed, Qt::CaseInsensitive) == 0)
            return QObject::tr("There is already a class called “%1”.").arg(row.name);
    return {};
}

QString hotkeyProblem(const QString &key, const QList<ClassRow> &rows, qint64 id)
{
    if (key.isEmpty())
        return {};
    if (!kKeys.contains(key))
        return QObject::tr("Class keys are 1–9 and 0.");
    for (const ClassRow &row : rows)
        if (row.id != id && row.hotkey == key)
            return QObject::tr("Key %1 is already used by “%2”. Clear it there first.")
                .arg(key, row.name);
    return {};
}

ClassManagerDialog::ClassManagerDialog(QWidget *parent)
    : QDialog(parent), m_table(new QTableWidget(0, 3, this)), m_newName(new QLineEdit(this)),
      m_add(new QPushButton(tr("&Add"), this)), m_rename(new QPushButton(tr("Re&name"), this)),
      m_up(new QPushButton(tr("Move &up"), this)), m_down(new QPushButton(tr("Move do&wn"), this)),
      m_colour(new QPushButton(tr("&Colour…"), this)),
      m_delete(new QPushButton(tr("&Delete…"), this)), m_key(new QComboBox(this)),
      m_mergeTarget(new QComboBox(this)), m_merge(new QPushButton(tr("&Merge…"), this)),
      m_message(new QLabel(this))
{
    setWindowTitle(tr("Classes"));
    setObjectName(QStringLiteral("classManagerDialog"));
    m_table->setObjectName(QStringLiteral("classTable"));
    m_newName->setObjectName(QStringLiteral("newClassName"));
    m_add->setObjectName(QStringLiteral("addButton"));
    m_rename->setObjectName(QStringLiteral("renameButton"));
    m_up->setObjectName(QStringLiteral("moveUpButton"));
    m_down->setObjectName(QStringLiteral("moveDownButton"));
    m_colour->setObjectName(QStringLiteral("colourButton"));
    m_delete->setObjectName(QStringLiteral("deleteButton"));
    m_key->setObjectName(QStringLiteral("keyCombo"));
    m_mergeTarget->setObjectName(QStringLiteral("mergeTargetCombo"));
    m_merge->setObjectName(QStringLiteral("mergeButton"));
    m_message->setObjectName(QStringLiteral("messageLabel"));

    m_table->setHorizontalHeaderLabels({tr("Class"), tr("Key"), tr("Labels")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_table->setTabKeyNavigation(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(KeyColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(CountColumn, QHeaderView::ResizeToContents);

    m_newName->setPlaceholderText(tr("New class name"));
    m_newName->setMaxLength(kMaxNameLength);
    m_key->addItem(tr("None"), QString());
    for (const QString &key : kKeys)
        m_key->addItem(key, key);
    m_message->setWordWrap(true);
    // Vermillion reads as "problem" without relying on red-green distinction.
    m_message->setStyleSheet(QStringLiteral("QLabel { color: #B04A00; font-weight: bold; }"));
    m_message->hide();

    auto *side = new QVBoxLayout;
    side->addWidget(m_rename);
    side->addWidget(m_up);
    side->addWidget(m_down);
    side->addWidget(m_colour);
    auto *keyForm = new QFormLayout;
    auto *keyLabel = new QLabel(tr("&Key:"), this);
    keyLabel->setBuddy(m_key);
    keyForm->addRow(keyLabel, m_key);
    side->addLayout(keyForm);
    side->addSpacing(12);
    auto *mergeLabel = new QLabel(tr("Merge &into:"), this);
    mergeLabel->setBuddy(m_mergeTarget);
    side->addWidget(mergeLabel);
    side->addWidget(m_mergeTarget);
    side->addWidget(m_merge);
    side->addSpacing(12);
    side->addWidget(m_delete);
    side->addStretch();

    auto *top = new QHBoxLayout;
    top->addWidget(m_table, 1);
    top->addLayout(side);
    auto *addRow = new QHBoxLayout;
    addRow->addWidget(m_newName, 1);
    addRow->addWidget(m_add);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top, 1);
    layout->addLayout(addRow);
    layout->addWidget(m_message);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_add, &QPushButton::clicked, this, [this] {
        if (requestAdd(m_newName->text()))
            m_newName->clear();
    });
    connect(m_newName, &QLineEdit::returnPressed, m_add, &QPushButton::click);
    connect(m_rename, &QPushButton::clicked, this, [this] {
        const int row = rowOf(selectedClassId());
        if (row >= 0)
            m_table->editItem(m_table->item(row, NameColumn));
    });
    connect(m_up, &QPushButton::clicked, this, [this] {
        const qint64 id = selectedClassId();
        requestMove(id, rowOf(id) - 1);
    });
    connect(m_down, &QPushButton::clicked, this, [this] {
        const qint64 id = selectedClassId();
        requestMove(id, rowOf(id) + 1);
    });
    connect(m_colour, &QPushButton::clicked, this, &ClassManagerDialog::chooseColour);
    connect(m_delete, &QPushButton::clicked, this, [this] { requestDelete(selectedClassId()); });
    connect(m_merge, &QPushButton::clicked, this,
            [this] { requestMerge(selectedClassId(), m_mergeTarget->currentData().toLongLong()); });
    connect(m_key, &QComboBox::activated, this, [this](int index) {
        requestHotkey(selectedClassId(), m_key->itemData(index).toString());
    });
    connect(m_table, &QTableWidget::itemChanged, this, &ClassManagerDialog::nameEdited);
    m_table->installEventFilter(this);
    connect(m_table, &QTableWidget::itemSelectionChanged, this,
            &ClassManagerDialog::refreshControls);

    resize(560, 420);
    refreshControls();
}

bool ClassManagerDialog::eventFilter(QObject *watched, QEvent *event)
{
    // Keyboard equivalents in the table: Delete deletes, Ctrl+Up/Down reorders.
    // (While a name is being edited the keys go to the editor, not here.)
    if (watched == m_table && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        const qint64 id = selectedClassId();
        if (id >= 0 && key->key() == Qt::Key_Delete) {
            requestDelete(id);
            return true;
        }
        if (id >= 0 && key->modifiers() == Qt::ControlModifier &&
            (key->key() == Qt::Key_Up || key->key() == Qt::Key_Down)) {
            requestMove(id, rowOf(id) + (key->key() == Qt::Key_Up ? -1 : 1));
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

void ClassManagerDialog::setClasses(const QList<ClassRow> &rows)
{
    m_rows = rows;
    refreshTable();
}

void ClassManagerDialog::refreshTable()
{
    // Items are updated in place, so an editor open on a row keeps a valid index.
    const qint64 selected = selectedClassId();
    m_refreshing = true;
    m_table->setRowCount(int(m_rows.size()));
    for (int r = 0; r < m_rows.size(); ++r) {
        const ClassRow &row = m_rows.at(r);
        auto item = [&](int column) {
            QTableWidgetItem *it = m_table->item(r, column);
            if (!it) {
                it = new QTableWidgetItem;
                m_table->setItem(r, column, it);
            }
            return it;
        };
        QTableWidgetItem *name = item(NameColumn);
        name->setText(row.name);
        name->setIcon(swatch(row.colour));
        name->setData(Qt::UserRole, row.id);
        name->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable);
        QTableWidgetItem *key = item(KeyColumn);
        key->setText(row.hotkey.isEmpty() ? QStringLiteral("—") : row.hotkey);
        key->setTextAlignment(Qt::AlignCenter);
        key->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
        QTableWidgetItem *count = item(CountColumn);
        count->setText(QLocale().toString(row.count));
        count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        count->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    }
    m_refreshing = false;
    if (selected >= 0 && selectClass(selected))
        return;
    // The selected class is gone: select nothing rather than whichever class took its row.
    m_table->clearSelection();
    refreshControls();
}

void ClassManagerDialog::refreshControls()
{
    const qint64 id = selectedClassId();
    const int row = rowOf(id);
    const bool has = row >= 0;
    m_rename->setEnabled(has);
    m_up->setEnabled(has && row > 0);
    m_down->setEnabled(has && row < m_rows.size() - 1);
    m_colour->setEnabled(has);
    m_delete->setEnabled(has);
    m_key->setEnabled(has);
    m_key->setCurrentIndex(has ? std::max(0, m_key->findData(m_rows.at(row).hotkey)) : 0);
    m_mergeTarget->clear();
    for (const ClassRow &other : std::as_const(m_rows))
        if (other.id != id)
            m_mergeTarget->addItem(swatch(other.colour), other.name, other.id);
    m_mergeTarget->setEnabled(has && m_mergeTarget->count() > 0);
    m_merge->setEnabled(has && m_mergeTarget->count() > 0);
}

qint64 ClassManagerDialog::selectedClassId() const
{
    const QList<QTableWidgetItem *> items = m_table->selectedItems();
    for (QTableWidgetItem *item : items)
        if (item->column() == NameColumn)
            return item->data(Qt::UserRole).toLongLong();
    return -1;
}

bool ClassManagerDialog::selectClass(qint64 id)
{
    const int row = rowOf(id);
    if (row < 0)
        return false;
    m_table->selectRow(row);
    m_table->setCurrentCell(row, NameColumn);
    refreshControls();
    return true;
}

int ClassManagerDialog::rowOf(qint64 id) const
{
    for (int r = 0; r < m_rows.size(); ++r)
        if (m_rows.at(r).id == id)
            return r;
    return -1;
}

QString ClassManagerDialog::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

void ClassManagerDialog::showProblem(const QString &problem)
{
    m_message->setText(problem);
    m_message->show();
}

void ClassManagerDialog::clearProblem()
{
    m_message->clear();
    m_message->hide();
}

bool ClassManagerDialog::requestAdd(const QString &name)
{
    const QString problem = classNameProblem(name, m_rows);
    if (!problem.isEmpty()) {
        showProblem(problem);
        return false;
    }
    clearProblem();
    Q_EMIT addRequested(name.trimmed());
    return true;
}

bool ClassManagerDialog::requestRename(qint64 id, const QString &name)
{
    const int row = rowOf(id);
    if (row < 0)
        return false;
    if (name.trimmed() == m_rows.at(row).name)
        return false; // nothing to do
    const QString problem = classNameProblem(name, m_rows, id);
    if (!problem.isEmpty()) {
        showProblem(problem);
        return false;
    }
    clearProblem();
    Q_EMIT renameRequested(id, name.trimmed());
    return true;
}

void ClassManagerDialog::nameEdited(QTableWidgetItem *item)
{
    if (m_refreshing || item->column() != NameColumn)
        return;
    const qint64 id = item->data(Qt::UserRole).toLongLong();
    requestRename(id, item->text());
    // Show what is saved: the new name once app/ has called setClasses(), else the old one.
    const int row = rowOf(id);
    if (row >= 0 && item->text() != m_rows.at(row).name) {
        m_refreshing = true;
        item->setText(m_rows.at(row).name);
        m_refreshing = false;
    }
}

bool ClassManagerDialog::requestMerge(qint64 fromId, qint64 intoId)
{
    const int from = rowOf(fromId);
    const int into = rowOf(intoId);
    if (from < 0 || into < 0 || from == into)
        return false;
    if (m_confirm) {
        const auto answer = QMessageBox::question(
            this, tr("Merge classes"),
            tr("Merge “%1” (%2 labels) into “%3”?\n\nIts labels become “%3” and “%1” is removed.")
                .arg(m_rows.at(from).name)
                .arg(m_rows.at(from).count)
                .arg(m_rows.at(into).name),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes)
            return false;
    }
    clearProblem();
    Q_EMIT mergeRequested(fromId, intoId);
    return true;
}

bool ClassManagerDialog::requestDelete(qint64 id)
{
    const int row = rowOf(id);
    if (row < 0)
        return false;
    if (m_confirm) {
        const ClassRow &c = m_rows.at(row);
        const QString text =
            c.count > 0
                ? tr("“%1” has %2 labels. Delete the class and its labels?\n\nThose images go "
                     "back to the unlabelled pool.")
                      .arg(c.name)
                      .arg(c.count)
                : tr("Delete the class “%1”? It has no labels.").arg(c.name);
        const auto answer =
            QMessageBox::warning(this, tr("Delete class"), text,
                                 QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes)
            return false;
    }
    clearProblem();
    Q_EMIT deleteRequested(id);
    return true;
}

bool ClassManagerDialog::requestMove(qint64 id, int newPosition)
{
    const int row = rowOf(id);
    if (row < 0 || newPosition < 0 || newPosition >= m_rows.size() || newPosition == row)
        return false;
    clearProblem();
    Q_EMIT moveRequested(id, newPosition);
    // Keep the moved class selected so repeated Move up/down keeps moving it.
    selectClass(id);
    return true;
}

bool ClassManagerDialog::requestHotkey(qint64 id, const QString &key)
{
    const int row = rowOf(id);
    bool sent = false;
    if (row >= 0 && m_rows.at(row).hotkey != key) {
        const QString problem = hotkeyProblem(key, m_rows, id);
        if (problem.isEmpty()) {
            clearProblem();
            Q_EMIT hotkeyRequested(id, key);
            sent = true;
        } else {
            showProblem(problem);
        }
    }
    refreshControls(); // the combo shows the saved key
    return sent;
}

bool ClassManagerDialog::requestColour(qint64 id, const QColor &colour)
{
    const int row = rowOf(id);
    if (row < 0 || !colour.isValid() || colour == m_rows.at(row).colour)
        return false;
    clearProblem();
    Q_EMIT colourRequested(id, colour);
    return true;
}

void ClassManagerDialog::chooseColour()
{
    const qint64 id = selectedClassId();
    const int row = rowOf(id);
    if (row < 0)
        return;
    const QColor colour = QColorDialog::getColor(m_rows.at(row).colour, this,
                                                 tr("Colour of “%1”").arg(m_rows.at(row).name));
    if (colour.isValid())
        requestColour(id, colour);
}

} // namespace activelabel
