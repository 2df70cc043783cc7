#include "app/gui/guiapplication.h"

#include "app/gui/projectcontroller.h"
#include "model/computedevice.h"
#include "model/modelerror.h"
#include "model/torchthreads.h"
#include "ui/labelingview.h"
#include "ui/lookalikespage.h"
#include "ui/mainwindow.h"
#include "ui/poolmappage.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTabWidget>
#include <QThread>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>

#include <cstdio>
#include <cstdlib>

namespace activelabel {

namespace {

// Qt aborts with a terse "could not connect to display" when there is none; say what to do
// instead, before QApplication is constructed.
bool hasUsableDisplay()
{
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    if (!platform.isEmpty() && !platform.startsWith("xcb") && !platform.startsWith("wayland"))
        return true; // offscreen, vnc, … chosen explicitly
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

bool wantsOnlyTextOutput(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--help" || arg == "-h" || arg == "--version" || arg == "-v")
            return true;
    }
    return false;
}

// The Map page as someone uses it: waits for the map (computed on first show, up to 5 min),
// colours it by prediction and opens a selection in the grid.
void prepareMapScreenshot(PoolMapPage *map)
{
    QElapsedTimer wait;
    wait.start();
    while (map->view()->points().size() == 0 && wait.elapsed() < 300000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 100);
    map->setColourBy(PoolMapView::ColourBy::Prediction);
    const QSizeF size = map->view()->size();
    map->view()->selectRect(QRectF(size.width() * 0.45, size.height() * 0.35, size.width() * 0.12,
                                   size.height() * 0.12));
    map->openSelection();
}

// Waits for the labelling view to show an image (or 60 s), then saves each page and quits.
void scheduleScreenshots(MainWindow &window, const QString &dir)
{
    QDir().mkpath(dir);
    auto *poll = new QTimer(&window);
    auto *started = new QElapsedTimer;
    started->start();
    QObject::connect(poll, &QTimer::timeout, &window, [&window, dir, poll, started] {
        if (window.labelingView()->currentImageId() == 0 && started->elapsed() < 60000)
            return;
        poll->stop();
        delete started;
        // The look-alikes page shows those of the image in front of the annotator, once the index
        // (built in the background at start) is there.
        if (auto *lookalikes = window.findChild<LookalikesPage *>()) {
            Q_EMIT window.labelingView()->findSimilarRequested();
            QElapsedTimer wait;
            wait.start();
            while (lookalikes->grid()->count() == 0 && wait.elapsed() < 60000)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        }
        QTabWidget *tabs = window.tabs();
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            if (auto *map = qobject_cast<PoolMapPage *>(tabs->widget(i)))
                prepareMapScreenshot(map);
            // Let thumbnails decode and charts lay out before the grab.
            QElapsedTimer settle;
            settle.start();
            while (settle.elapsed() < 1500)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
            QString name = tabs->tabText(i).remove(QLatin1Char('&')).toLower();
            const QString file = QStringLiteral("%1/%2-%3.png").arg(dir).arg(i + 1).arg(name);
            if (!window.grab().save(file))
                std::fprintf(stderr, "activelabel: cannot write %s\n", qPrintable(file));
            else
                std::printf("%s\n", qPrintable(file));
        }
        QCoreApplication::quit();
    });
    poll->start(500);
}

} // namespace

int runGuiApplication(int argc, char *argv[])
{
    if (!wantsOnlyTextOutput(argc, argv) && !hasUsableDisplay()) {
        std::fprintf(stderr,
                     "activelabel: no display found (DISPLAY and WAYLAND_DISPLAY are unset).\n"
                     "  Run the window on a virtual display: xvfb-run -a activelabel [PROJECT]\n"
                     "  or work headless with activelabel-cli (see activelabel-cli --help).\n");
        return 2;
    }
    // --help/--version must work without a display too.
    if (wantsOnlyTextOutput(argc, argv) && !hasUsableDisplay())
        qputenv("QT_QPA_PLATFORM", "offscreen");

    // Before any torch work: torch's default here is one thread.
    initTorchThreads(std::max(1, QThread::idealThreadCount()));
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ActiveLabel"));
    QApplication::setOrganizationName(QStringLiteral("ActiveLabel"));
    QApplication::setApplicationVersion(QStringLiteral(ACTIVELABEL_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/activelabel.svg")));
    // Lets Wayland desktops match the window to the installed desktop entry (and its icon).
    QGuiApplication::setDesktopFileName(QStringLiteral(ACTIVELABEL_APP_ID));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("ActiveLabel: label the images your classifier is least sure about, and "
                       "fine-tune it as you go."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshots(
        QStringLiteral("screenshots"),
        QStringLiteral("Open PROJECT, wait until the first queue is shown, save a PNG of every page into DIR "
                       "and quit (for documentation; use with xvfb-run)."),
        QStringLiteral("DIR"));
    parser.addOption(screenshots);
    parser.addPositionalArgument(QStringLiteral("PROJECT"),
                                 QStringLiteral("Project directory to open (optional)."),
                                 QStringLiteral("[PROJECT]"));
    parser.process(app);

    MainWindow window;
    try {
        const QString device = defaultComputeDevice();
        window.setComputeDevice(device == QLatin1String("cpu")
                                    ? QObject::tr("CPU, %1 threads").arg(torchThreads())
                                    : QObject::tr("GPU %1").arg(device));
    } catch (const ModelError &e) {
        // An invalid ACTIVELABEL_DEVICE: every round would fail with this reason, so say it now.
        window.setComputeDevice(QObject::tr("no device"));
        QTimer::singleShot(0, &window, [&window, message = e.message()] {
            window.showError(QObject::tr("Compute device"), message);
        });
    }
    ProjectController controller(&window);
    window.show();
    const QStringList args = parser.positionalArguments();
    if (!args.isEmpty()) {
        const QString project = args.first();
        QTimer::singleShot(0, &controller, [&controller, project] { controller.openProject(project); });
    }
    if (parser.isSet(screenshots)) {
        if (args.isEmpty()) {
            std::fprintf(stderr, "activelabel: --screenshots needs a PROJECT\n");
            return 2;
        }
        scheduleScreenshots(window, parser.value(screenshots));
    }
    return app.exec();
}

} // namespace activelabel
