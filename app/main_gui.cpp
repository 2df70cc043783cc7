// activelabel: the desktop application. Thin: checks for a display, sets up torch threads, and
// hands over to the GUI controller.
#include "app/gui/guiapplication.h"
#include "app/runtimeenvironment.h"

int main(int argc, char *argv[])
{
    activelabel::ensureRuntimeEnvironment(argv);
    return activelabel::runGuiApplication(argc, argv);
}
