// activelabel-cli: the headless front end. All logic lives in app/cli/.
#include "app/cli/clirunner.h"
#include "app/runtimeenvironment.h"
#include "app/simulation/cliapplication.h"
#include "model/torchthreads.h"

#include <QCoreApplication>
#include <QThread>

int main(int argc, char *argv[])
{
    activelabel::ensureRuntimeEnvironment(argv);
    // Before any torch work: torch's default thread count here is 1.
    activelabel::initTorchThreads(std::max(1, QThread::idealThreadCount()));
    const auto app = activelabel::makeCliApplication(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("activelabel-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ACTIVELABEL_VERSION));
    return activelabel::cli::runCli(QCoreApplication::arguments());
}
