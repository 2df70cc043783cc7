// activelabel-cli: the headless front end. All logic lives in app/cli/.
#include "app/cli/clirunner.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("activelabel-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ACTIVELABEL_VERSION));
    return activelabel::cli::runCli(QCoreApplication::arguments());
}
