#include "ui/panels/newprojectdialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace activelabel {

NewProjectDialog::NewProjectDialog(QWidget *parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("newProjectDialog"));
    setWindowTitle(tr("New Project"));

    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("projectName"));
    m_name->setPlaceholderText(tr("e.g. defects-2026"));
    m_parent = new QLineEdit(this);
    m_parent->setObjectName(QStringLiteral("parentFolder"));
    auto *browse = new QPushButton(tr("Browse…"), this);
    browse->setObjectName(QStringLiteral("browseParent"));
    connect(browse, &QPushButton::clicked, this, &NewProjectDialog::browse);
    auto *parentRow = new QHBoxLayout;
    parentRow->addWidget(m_parent, 1);
    parentRow->addWidget(browse);

    m_target = new QLabel(this);
    m_target->setObjectName(QStringLiteral("targetFolder"));
    m_target->setWordWrap(true);
    m_target->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *form = new QFormLayout;
    form->addRow(tr("Project &name:"), m_name);
    form->addRow(tr("Create &in:"), parentRow);

    auto *about = new QLabel(tr("A project is a folder: its database, models and exports live in it. Images are "
                                "imported by reference and stay where they are."),
                             this);
    about->setWordWrap(true);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(about);
    layout->addLayout(form);
    layout->addWidget(m_target);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    connect(m_name, &QLineEdit::textChanged, this, &NewProjectDialog::revalidate);
    connect(m_parent, &QLineEdit::textChanged, this, &NewProjectDialog::revalidate);
    setParentDirectory(QDir::homePath());
    resize(520, 220);
}

void NewProjectDialog::setParentDirectory(const QString &directory)
{
    m_parent->setText(QDir::toNativeSeparators(directory));
}

void NewProjectDialog::setName(const QString &name)
{
    m_name->setText(name);
}

QString NewProjectDialog::parentDirectory() const
{
    return QDir::fromNativeSeparators(m_parent->text().trimmed());
}

QString NewProjectDialog::name() const
{
    return m_name->text().trimmed();
}

QString NewProjectDialog::projectDirectory() const
{
    return QDir::cleanPath(parentDirectory() + QLatin1Char('/') + name());
}

QString NewProjectDialog::problem(const QString &parent, const QString &name)
{
    if (name.isEmpty())
        return tr("Give the project a name.");
    if (name.contains(QLatin1Char('/')) || name.contains(QLatin1Char('\\')) || name == QLatin1String(".") ||
        name == QLatin1String(".."))
        return tr("The name cannot contain / or \\, or be . or ..");
    if (parent.isEmpty())
        return tr("Choose the folder to create the project in.");
    const QFileInfo parentInfo(parent);
    if (!parentInfo.isDir())
        return tr("“%1” is not an existing folder.").arg(QDir::toNativeSeparators(parent));
    const QFileInfo target(QDir(parent).filePath(name));
    if (target.exists()) {
        if (!target.isDir())
            return tr("A file named “%1” is already there.").arg(name);
        if (QFileInfo::exists(target.filePath() + QStringLiteral("/project.sqlite")))
            return tr("“%1” is already a project: open it with File → Open Project.").arg(name);
        if (!QDir(target.filePath()).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System))
            return tr("The folder “%1” exists and is not empty: choose a new name.").arg(name);
        if (!target.isWritable())
            return tr("The folder “%1” is not writable.").arg(name);
        return {};
    }
    if (!parentInfo.isWritable())
        return tr("“%1” is not writable.").arg(QDir::toNativeSeparators(parent));
    return {};
}

void NewProjectDialog::browse()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Create the Project In"), parentDirectory());
    if (!dir.isEmpty())
        setParentDirectory(dir);
}

void NewProjectDialog::revalidate()
{
    const QString why = problem(parentDirectory(), name());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
    if (why.isEmpty())
        m_target->setText(tr("Creates the folder: <b>%1</b>").arg(QDir::toNativeSeparators(projectDirectory()).toHtmlEscaped()));
    else
        m_target->setText(QStringLiteral("<span style='color:#d55e00'>%1</span>").arg(why.toHtmlEscaped()));
}

} // namespace activelabel
