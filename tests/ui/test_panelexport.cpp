// The export dialog's requests and the key cheat-sheet.
#include "ui/panels/cheatsheetdialog.h"
#include "ui/panels/exportdialog.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace activelabel;
using Kind = ExportRequest::Kind;
using Format = ExportRequest::LabelFormat;

class TestPanelExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<ExportRequest>(); }

    void modelExportAddsExtension()
    {
        QTemporaryDir dir;
        ExportDialog dialog;
        dialog.setDefaultDirectory(dir.path());
        QSignalSpy spy(&dialog, &ExportDialog::exportRequested);
        auto *path = dialog.findChild<QLineEdit *>(QStringLiteral("pathEdit"));
        QCOMPARE(path->text(), dir.filePath(QStringLiteral("model.pt")));
        path->setText(dir.filePath(QStringLiteral("fashion-v7")));
        dialog.findChild<QPushButton *>(QStringLiteral("exportButton"))->click();
        QCOMPARE(spy.size(), 1);
        const auto request = spy.at(0).at(0).value<ExportRequest>();
        QCOMPARE(request.kind, Kind::Model);
        QCOMPARE(request.path, dir.filePath(QStringLiteral("fashion-v7.pt")));
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }

    void onnxExportAddsExtension()
    {
        QTemporaryDir dir;
        ExportDialog dialog;
        dialog.setDefaultDirectory(dir.path());
        dialog.findChild<QRadioButton *>(QStringLiteral("onnxRadio"))->click();
        QCOMPARE(dialog.kind(), Kind::OnnxModel);
        auto *path = dialog.findChild<QLineEdit *>(QStringLiteral("pathEdit"));
        QCOMPARE(path->text(), dir.filePath(QStringLiteral("model.onnx")));
        path->setText(dir.filePath(QStringLiteral("fashion-v7")));
        QSignalSpy spy(&dialog, &ExportDialog::exportRequested);
        dialog.findChild<QPushButton *>(QStringLiteral("exportButton"))->click();
        QCOMPARE(spy.size(), 1);
        const auto request = spy.at(0).at(0).value<ExportRequest>();
        QCOMPARE(request.kind, Kind::OnnxModel);
        QCOMPARE(request.path, dir.filePath(QStringLiteral("fashion-v7.onnx")));
    }

    void labelsFormatFollowsComboAndExtension()
    {
        QTemporaryDir dir;
        ExportDialog dialog;
        dialog.setDefaultDirectory(dir.path());
        dialog.findChild<QRadioButton *>(QStringLiteral("labelsRadio"))->click();
        QCOMPARE(dialog.kind(), Kind::Labels);
        auto *path = dialog.findChild<QLineEdit *>(QStringLiteral("pathEdit"));
        auto *format = dialog.findChild<QComboBox *>(QStringLiteral("formatCombo"));
        QCOMPARE(path->text(), dir.filePath(QStringLiteral("labels.csv")));
        format->setCurrentIndex(1); // JSON: the extension follows
        QCOMPARE(path->text(), dir.filePath(QStringLiteral("labels.json")));
        QCOMPARE(dialog.request().labelFormat, Format::Json);
        // A typed .csv wins over the combo.
        path->setText(dir.filePath(QStringLiteral("mine.csv")));
        QCOMPARE(dialog.request().labelFormat, Format::Csv);
        // No extension: the combo's format adds one.
        path->setText(dir.filePath(QStringLiteral("mine")));
        QCOMPARE(dialog.request().path, dir.filePath(QStringLiteral("mine.json")));
    }

    void imageFolderWithLinks()
    {
        QTemporaryDir dir;
        ExportDialog dialog;
        dialog.setDefaultDirectory(dir.path());
        dialog.setKind(Kind::ImageFolder);
        dialog.findChild<QComboBox *>(QStringLiteral("linkModeCombo"))->setCurrentIndex(1);
        QSignalSpy spy(&dialog, &ExportDialog::exportRequested);
        dialog.exportNow();
        QCOMPARE(spy.size(), 1);
        const auto request = spy.at(0).at(0).value<ExportRequest>();
        QCOMPARE(request.kind, Kind::ImageFolder);
        QVERIFY(request.symlinks);
        QCOMPARE(request.path, dir.filePath(QStringLiteral("imagefolder")));
    }

    void refusesBadPaths()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("taken")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        ExportDialog dialog;
        dialog.setDefaultDirectory(dir.path());
        QSignalSpy spy(&dialog, &ExportDialog::exportRequested);
        auto *path = dialog.findChild<QLineEdit *>(QStringLiteral("pathEdit"));
        auto *message = dialog.findChild<QLabel *>(QStringLiteral("messageLabel"));

        path->clear();
        dialog.exportNow();
        QCOMPARE(spy.size(), 0);
        QVERIFY(!message->isHidden());

        dialog.setKind(Kind::Metrics);
        path->setText(dir.filePath(QStringLiteral("taken"))); // a file, not a folder
        dialog.exportNow();
        QCOMPARE(spy.size(), 0);
        QVERIFY(message->text().contains(QLatin1String("file")));

        dialog.setKind(Kind::Model);
        path->setText(dir.filePath(QStringLiteral("no/such/folder/model.pt")));
        dialog.exportNow();
        QCOMPARE(spy.size(), 0);
        QVERIFY(message->text().contains(QLatin1String("does not exist")));
    }

    void cheatSheetListsEntriesAndClosesOnQuestionMark()
    {
        const QList<ShortcutEntry> entries = CheatSheetDialog::defaultShortcuts();
        QVERIFY(entries.size() >= 11);
        CheatSheetDialog dialog({{QStringLiteral("1"), QStringLiteral("Label as Sneaker")},
                                 {QStringLiteral("Ctrl+Z"), QStringLiteral("Undo")}});
        QCOMPARE(dialog.table()->rowCount(), 2);
        QCOMPARE(dialog.table()->item(1, 0)->text(), QStringLiteral("Ctrl+Z"));
        QCOMPARE(dialog.table()->item(0, 1)->text(), QStringLiteral("Label as Sneaker"));
        dialog.setEntries(entries);
        QCOMPARE(dialog.table()->rowCount(), int(entries.size()));
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::keyClick(&dialog, Qt::Key_Question, Qt::ShiftModifier, 0);
        QVERIFY(!dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }
};

QTEST_MAIN(TestPanelExport)
#include "test_panelexport.moc"
