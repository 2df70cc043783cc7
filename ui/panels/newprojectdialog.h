#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace activelabel {

// File → New Project: a project is a folder, so the user names it and picks the folder it goes
// in; the dialog shows the folder that will be created and only accepts a target that is new or
// an empty folder (never one that already holds files or a project).
class NewProjectDialog : public QDialog
{
    Q_OBJECT
public:
    explicit NewProjectDialog(QWidget *parent = nullptr);

    void setParentDirectory(const QString &directory);
    void setName(const QString &name);
    QString parentDirectory() const;
    QString name() const;
    // The project folder that will be created: parent/name.
    QString projectDirectory() const;

    // Empty when `parent`/`name` is a valid new project folder, else why not (one sentence).
    static QString problem(const QString &parent, const QString &name);

private:
    void browse();
    void revalidate();

    QLineEdit *m_name = nullptr;
    QLineEdit *m_parent = nullptr;
    QLabel *m_target = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace activelabel
