// File → New Project's dialog with real folders: what it accepts as a new project folder (new, or
// an existing empty one) and what it refuses (a file, a folder with files, an existing project, a
// bad name, a missing parent), and that Create follows the validation as the user types.
#include "ui/panels/newprojectdialog.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

using namespace activelabel;

class TestNewProjectDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void validation()
    {
        QTemporaryDir root;
        const QString parent = root.path();
        QVERIFY(NewProjectDialog::problem(parent, QStringLiteral("fresh")).isEmpty());
        QVERIFY(QDir(parent).mkdir(QStringLiteral("empty")));
        QVERIFY(NewProjectDialog::problem(parent, QStringLiteral("empty")).isEmpty());

        QVERIFY(QDir(parent).mkdir(QStringLiteral("full")));
        QFile file(parent + QStringLiteral("/full/photo.jpg"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        QVERIFY(NewProjectDialog::problem(parent, QStringLiteral("full")).contains(QStringLiteral("not empty")));

        QVERIFY(QDir(parent).mkdir(QStringLiteral("proj")));
        QFile db(parent + QStringLiteral("/proj/project.sqlite"));
        QVERIFY(db.open(QIODevice::WriteOnly));
        db.close();
        QVERIFY(NewProjectDialog::problem(parent, QStringLiteral("proj")).contains(QStringLiteral("already a project")));

        QFile plain(parent + QStringLiteral("/afile"));
        QVERIFY(plain.open(QIODevice::WriteOnly));
        plain.close();
        QVERIFY(!NewProjectDialog::problem(parent, QStringLiteral("afile")).isEmpty());

        QVERIFY(!NewProjectDialog::problem(parent, QString()).isEmpty());
        QVERIFY(!NewProjectDialog::problem(parent, QStringLiteral("a/b")).isEmpty());
        QVERIFY(!NewProjectDialog::problem(parent, QStringLiteral("..")).isEmpty());
        QVERIFY(!NewProjectDialog::problem(parent + QStringLiteral("/missing"), QStringLiteral("x")).isEmpty());
        QVERIFY(!NewProjectDialog::problem(QString(), QStringLiteral("x")).isEmpty());
    }

    void createFollowsWhatIsTyped()
    {
        QTemporaryDir root;
        QVERIFY(QDir(root.path()).mkdir(QStringLiteral("taken")));
        QFile file(root.path() + QStringLiteral("/taken/x.png"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();

        NewProjectDialog dialog;
        dialog.setParentDirectory(root.path());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QPushButton *create = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        auto *name = dialog.findChild<QLineEdit *>(QStringLiteral("projectName"));
        auto *target = dialog.findChild<QLabel *>(QStringLiteral("targetFolder"));
        QVERIFY(!create->isEnabled()); // no name yet

        QTest::keyClicks(name, QStringLiteral("taken"));
        QVERIFY(!create->isEnabled());
        QVERIFY(target->text().contains(QStringLiteral("not empty")));

        name->clear();
        QTest::keyClicks(name, QStringLiteral("cats-vs-dogs"));
        QVERIFY(create->isEnabled());
        QCOMPARE(dialog.projectDirectory(), root.path() + QStringLiteral("/cats-vs-dogs"));
        QVERIFY(target->text().contains(QStringLiteral("cats-vs-dogs")));

        auto *parent = dialog.findChild<QLineEdit *>(QStringLiteral("parentFolder"));
        parent->setText(root.path() + QStringLiteral("/nowhere"));
        QVERIFY(!create->isEnabled());
    }
};

QTEST_MAIN(TestNewProjectDialog)
#include "test_newprojectdialog.moc"
