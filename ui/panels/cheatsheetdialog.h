#pragma once

#include <QDialog>
#include <QList>
#include <QString>

class QTableWidget;

namespace activelabel {

// One line of the key cheat-sheet: the keys ("Ctrl+Z") and what they do.
struct ShortcutEntry
{
    QString keys;
    QString action;
};

// The key cheat-sheet, one keystroke away (?), built from the (key, action) pairs app/ passes in
// so it always matches the bindings in use. ? or Esc closes it again.
class CheatSheetDialog : public QDialog
{
    Q_OBJECT
public:
    explicit CheatSheetDialog(const QList<ShortcutEntry> &entries, QWidget *parent = nullptr);

    void setEntries(const QList<ShortcutEntry> &entries);
    QTableWidget *table() const { return m_table; }

    // The labelling view's keys as the issue defines them, for app/ to pass in (or extend).
    static QList<ShortcutEntry> defaultShortcuts();

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    QTableWidget *m_table = nullptr;
};

} // namespace activelabel
