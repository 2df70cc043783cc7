#pragma once

#include <QCoreApplication>

#include <memory>

namespace activelabel {

// The application object activelabel-cli needs: a QCoreApplication for every command except
// those that draw charts (simulate writes a PNG plot, and QChart needs a QApplication), which get
// a QApplication on the `offscreen` platform, so they work without a display. Call from main().
std::unique_ptr<QCoreApplication> makeCliApplication(int &argc, char **argv);

// True when the command line runs a command that draws (argv[1] is "simulate" or "export").
bool cliCommandDraws(int argc, char **argv);

} // namespace activelabel
