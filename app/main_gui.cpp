// activelabel: the desktop application. Thin: checks for a display, sets up torch threads, and
// hands over to the GUI controller.
#include "app/gui/guiapplication.h"
#include "app/openmpenvironment.h"

int main(int argc, char *argv[])
{
    activelabel::ensurePassiveOpenMpWaits(argv);
    return activelabel::runGuiApplication(argc, argv);
}
