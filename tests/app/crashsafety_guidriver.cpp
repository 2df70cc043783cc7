// The GUI half of the crash-safety harness (issue 6), started and SIGKILLed by
// tests/app/test_crashsafety.cpp: the real main window and project controller (what
// `activelabel PROJECT` runs), offscreen, labelling by key presses on the labelling view as an
// annotator would. Not a test by itself.
//
// Usage: app_crashsafety_guidriver PROJECT SEED
// Prints, one line each, flushed at once:
//   ready                      the first image is shown
//   label ID CLASS             the key for CLASS was pressed on image ID
//   saved ID CLASS             the window shows "#ID → CLASS: saved ✓" (the writer's COMMIT
//   returned) done                       no image to label for 10 s: all labelled (exit 0)
// A label the window reports NOT saved, or one that is never confirmed, exits non-zero.
#include "app/gui/projectcontroller.h"
#include "storage/classrepository.h"
#include "storage/sqlitedatabase.h"
#include "ui/labelingview.h"
#include "ui/mainwindow.h"
#include "ui/trainingpanel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QKeySequence>
#include <QLabel>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>

#include <cstdio>
#include <filesystem>
#include <random>
#include <vector>

using namespace activelabel;

namespace {

void say(const QString &line)
{
    std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s PROJECT SEED\n", argv[0]);
        return 2;
    }
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // no settings of the real user read or written
    const QString projectDir = QString::fromLocal8Bit(argv[1]);
    std::mt19937 random(std::uint32_t(QByteArray(argv[2]).toUInt()));

    MainWindow window;
    ProjectController controller(&window);
    window.show();
    // Labelling only: a training round would take the CPU the kills are timed against. Killing
    // training and its checkpoint write is the CLI half's job (killWhileTraining).
    TrainingSettings settings = window.trainingPanel()->settings();
    settings.retrainEvery = 0;
    window.trainingPanel()->setSettings(settings);
    controller.openProject(projectDir);
    if (!controller.hasProject()) {
        std::fprintf(stderr, "cannot open %s\n", argv[1]);
        return 3;
    }

    LabelingView *view = window.labelingView();
    auto *saveState = view->findChild<QLabel *>(QStringLiteral("saveStateLabel"));
    if (!saveState) {
        std::fprintf(stderr, "no saveStateLabel in the labelling view\n");
        return 3;
    }
    // The classes and their hotkeys, read as the controller reads them; a label is one key press.
    std::vector<ClassInfo> classes;
    {
        Database db(std::filesystem::path(projectDir.toStdString()) / "project.sqlite",
                    Database::Access::ReadOnly);
        for (const ClassInfo &info : ClassRepository(db).list())
            if (!info.hotkey.isEmpty())
                classes.push_back(info);
    }
    if (classes.empty()) {
        std::fprintf(stderr, "no class with a hotkey in %s\n", argv[1]);
        return 3;
    }

    bool ready = false;
    qint64 pendingId = 0; // image whose label is waiting for "saved", 0: none
    QString pendingClass;
    QString expected;
    QElapsedTimer waited;
    waited.start();
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &app, [&] {
        if (pendingId != 0) {
            const QString text = saveState->text();
            if (text == expected) {
                say(QStringLiteral("saved %1 %2").arg(pendingId).arg(pendingClass));
                pendingId = 0;
                waited.restart();
            } else if (text.contains(QStringLiteral("NOT saved"))) {
                std::fprintf(stderr, "%s\n", qPrintable(text));
                QCoreApplication::exit(5);
            } else if (waited.elapsed() > 60000) {
                std::fprintf(stderr, "label of #%lld not confirmed after 60 s: %s\n",
                             static_cast<long long>(pendingId), qPrintable(text));
                QCoreApplication::exit(6);
            }
            return;
        }
        const qint64 imageId = view->currentImageId();
        if (imageId == 0) {
            // Empty until the worker's first queue arrives, for a moment while it refills the
            // queue, and for good once every image is labelled.
            if (ready && waited.elapsed() > 10000) {
                say(QStringLiteral("done"));
                QCoreApplication::exit(0);
            } else if (!ready && waited.elapsed() > 120000) {
                std::fprintf(stderr, "no image shown after 120 s\n");
                QCoreApplication::exit(4);
            }
            return;
        }
        if (!ready) {
            ready = true;
            say(QStringLiteral("ready"));
        }
        const ClassInfo &cls =
            classes[std::uniform_int_distribution<std::size_t>(0, classes.size() - 1)(random)];
        pendingId = imageId;
        pendingClass = cls.name;
        expected = QStringLiteral("#%1 → %2: saved ✓").arg(imageId).arg(pendingClass);
        say(QStringLiteral("label %1 %2").arg(imageId).arg(pendingClass));
        waited.restart();
        QTest::keySequence(view, QKeySequence(cls.hotkey));
    });
    tick.start(5);
    return app.exec();
}
