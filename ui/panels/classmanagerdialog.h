#pragma once

#include "ui/panels/classrow.h"

#include <QColor>
#include <QDialog>
#include <QList>
#include <QString>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QTableWidgetItem;

namespace activelabel {

// Why `name` cannot be the name of a class (empty, too long, a line break, or the same as another
// class's name ignoring case and surrounding spaces; `exceptId` is the class being renamed), or
// an empty string when it can.
QString classNameProblem(const QString &name, const QList<ClassRow> &rows, qint64 exceptId = -1);
// Why class `id` cannot take `key` (not 1-9/0/none, or used by another class), or empty.
QString hotkeyProblem(const QString &key, const QList<ClassRow> &rows, qint64 id);

// Add, rename, merge, delete, reorder classes and assign their keys and colours. The dialog only
// validates and asks: each change is a request signal, and app/ calls setClasses() once the change
// is saved, so the dialog never shows something that is not in the project. Problems (a duplicate
// name, a key in use) show inline rather than in a modal box, so typing is never interrupted.
class ClassManagerDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ClassManagerDialog(QWidget *parent = nullptr);

    void setClasses(const QList<ClassRow> &rows);
    const QList<ClassRow> &classes() const { return m_rows; }
    // Tests and scripted use skip the confirmation boxes of delete and merge.
    void setConfirmationsEnabled(bool enabled) { m_confirm = enabled; }

    qint64 selectedClassId() const; // -1 when none
    bool selectClass(qint64 id);
    // The last problem shown, empty after a request that went out.
    QString message() const;

    // Each validates, asks for confirmation where the change loses something, emits its signal
    // and returns true; or shows why not and returns false.
    bool requestAdd(const QString &name);
    bool requestRename(qint64 id, const QString &name);
    bool requestMerge(qint64 fromId, qint64 intoId);
    bool requestDelete(qint64 id);
    bool requestMove(qint64 id, int newPosition);
    bool requestHotkey(qint64 id, const QString &key);
    bool requestColour(qint64 id, const QColor &colour);

Q_SIGNALS:
    void addRequested(const QString &name);
    void renameRequested(qint64 id, const QString &name);
    void mergeRequested(qint64 fromId, qint64 intoId);
    void deleteRequested(qint64 id);
    void moveRequested(qint64 id, int newPosition);
    void hotkeyRequested(qint64 id, const QString &key);
    void colourRequested(qint64 id, const QColor &colour);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    enum Column { NameColumn, KeyColumn, CountColumn };

    void refreshTable();
    void refreshControls();
    void showProblem(const QString &problem);
    void clearProblem();
    int rowOf(qint64 id) const;
    void nameEdited(QTableWidgetItem *item);
    void chooseColour();

    QList<ClassRow> m_rows;
    bool m_confirm = true;
    bool m_refreshing = false;
    QTableWidget *m_table = nullptr;
    QLineEdit *m_newName = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_rename = nullptr;
    QPushButton *m_up = nullptr;
    QPushButton *m_down = nullptr;
    QPushButton *m_colour = nullptr;
    QPushButton *m_delete = nullptr;
    QComboBox *m_key = nullptr;
    QComboBox *m_mergeTarget = nullptr;
    QPushButton *m_merge = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace activelabel
