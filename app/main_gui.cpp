// activelabel: the desktop application. Thin: checks for a display, sets up torch threads, and
// hands over to the GUI controller.
#include "app/gui/guiapplication.h"

int main(int argc, char *argv[])
{
    return activelabel::runGuiApplication(argc, argv);
}
