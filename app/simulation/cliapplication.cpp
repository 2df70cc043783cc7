#include "app/simulation/cliapplication.h"

#include <QApplication>

#include <cstdio>
#include <cstring>

namespace activelabel {

bool cliCommandDraws(int argc, char **argv)
{
    // simulate writes a PNG plot; export --metrics writes the metrics panel's plots as PNGs.
    return argc > 1 && (std::strcmp(argv[1], "simulate") == 0 || std::strcmp(argv[1], "export") == 0);
}

namespace {

// The CLI's stderr is part of its contract (one-line errors, progress lines). Qt's own chatter
// about the environment (XDG_RUNTIME_DIR, the offscreen platform's missing window features) is
// dropped unless ACTIVELABEL_VERBOSE is set; critical messages always get through.
void quietQtMessages(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    static const bool verbose = qEnvironmentVariableIsSet("ACTIVELABEL_VERBOSE");
    if (!verbose && (type == QtDebugMsg || type == QtInfoMsg || type == QtWarningMsg))
        return;
    std::fprintf(stderr, "%s\n", qPrintable(message));
}

} // namespace

std::unique_ptr<QCoreApplication> makeCliApplication(int &argc, char **argv)
{
    qInstallMessageHandler(quietQtMessages);
    if (cliCommandDraws(argc, argv)) {
        // Headless by design: never try a display server (xcb would abort without one).
        qputenv("QT_QPA_PLATFORM", "offscreen");
        return std::make_unique<QApplication>(argc, argv);
    }
    return std::make_unique<QCoreApplication>(argc, argv);
}

} // namespace activelabel
