#include "app/simulation/cliapplication.h"

#include <QApplication>

#include <cstring>

namespace activelabel {

bool cliCommandDraws(int argc, char **argv)
{
    // simulate writes a PNG plot; export --metrics writes the metrics panel's plots as PNGs.
    return argc > 1 && (std::strcmp(argv[1], "simulate") == 0 || std::strcmp(argv[1], "export") == 0);
}

std::unique_ptr<QCoreApplication> makeCliApplication(int &argc, char **argv)
{
    if (cliCommandDraws(argc, argv)) {
        // Headless by design: never try a display server (xcb would abort without one).
        qputenv("QT_QPA_PLATFORM", "offscreen");
        return std::make_unique<QApplication>(argc, argv);
    }
    return std::make_unique<QCoreApplication>(argc, argv);
}

} // namespace activelabel
