#include "ui/panels/cheatsheetdialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace activelabel {

CheatSheetDialog::CheatSheetDialog(const QList<ShortcutEntry> &entries, QWidget *parent)
    : QDialog(parent), m_table(new QTableWidget(0, 2, this))
{
    setWindowTitle(tr("Keyboard shortcuts"));
    setObjectName(QStringLiteral("cheatSheetDialog"));
    m_table->setObjectName(QStringLiteral("shortcutTable"));
    m_table->setHorizontalHeaderLabels({tr("Keys"), tr("Action")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setFocusPolicy(Qt::NoFocus);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    // Uniform rows: the sheet is read as a list, not a table of paragraphs.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);

    auto *hint = new QLabel(tr("Press ? or Esc to close."), this);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addWidget(hint);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    setEntries(entries);
    resize(460, sizeHint().height());
}

void CheatSheetDialog::setEntries(const QList<ShortcutEntry> &entries)
{
    m_table->setRowCount(int(entries.size()));
    QFont keyFont = font();
    keyFont.setBold(true);
    keyFont.setFamily(QStringLiteral("monospace"));
    for (int r = 0; r < entries.size(); ++r) {
        auto *keys = new QTableWidgetItem(entries.at(r).keys);
        keys->setFont(keyFont);
        m_table->setItem(r, 0, keys);
        m_table->setItem(r, 1, new QTableWidgetItem(entries.at(r).action));
    }
    // Tall enough to show every entry without scrolling, within reason.
    const int rows = int(std::min<qsizetype>(entries.size(), 20));
    m_table->setMinimumHeight(rows * m_table->verticalHeader()->defaultSectionSize() +
                              m_table->horizontalHeader()->sizeHint().height() +
                              2 * m_table->frameWidth() + 2);
}

QList<ShortcutEntry> CheatSheetDialog::defaultShortcuts()
{
    return {
        {tr("1 – 9, 0"), tr("Label with the class bound to the key")},
        {tr("Enter"), tr("Accept the model's prediction")},
        {tr("S"), tr("Skip this image")},
        {tr("U"), tr("Mark as unsure (kept for review)")},
        {tr("X"), tr("Mark as a bad image (excluded from the pool)")},
        {tr("Backspace"), tr("Back to the previous image")},
        {tr("Ctrl+Z"), tr("Undo")},
        {tr("Ctrl+Shift+Z"), tr("Redo")},
        {tr("F"), tr("Blind mode: hide the prediction")},
        {tr("T"), tr("Train now")},
        {tr("Ctrl+B"), tr("Bulk review page: label many images of one class at once")},
        {tr("L"), tr("Look-alikes: images similar to this one, in a grid to label together")},
        {tr("Map page: P / R / L"), tr("Pan, rectangle or lasso selection (Shift adds; Esc clears)")},
        {tr("Map page: wheel, + / -, arrows, Home"), tr("Zoom, pan, fit the whole map")},
        {tr("Map page: C / G / 1 – 9, 0"), tr("Colour by label, prediction or uncertainty / open the selection in the grid / label the selection")},
        {tr("?"), tr("Show this cheat-sheet")},
    };
}

void CheatSheetDialog::keyPressEvent(QKeyEvent *event)
{
    if (event->text() == QLatin1String("?")) {
        accept();
        return;
    }
    QDialog::keyPressEvent(event);
}

} // namespace activelabel
