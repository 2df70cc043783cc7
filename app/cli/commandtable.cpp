#include "app/cli/commandtable.h"

// The command table. To add a command: write app/cli/<name>command.cpp with a Command subclass
// and a factory `std::unique_ptr<Command> make<Name>Command()` in namespace activelabel::cli,
// then add one X(<Name>) line below. Nothing else needs editing (sources are globbed).
// The table is explicit rather than self-registering because static libraries drop object files
// that nothing references, which would silently lose self-registered commands.
#define ACTIVELABEL_CLI_COMMANDS(X)                                                                                    \
    X(Init)                                                                                                            \
    X(Import)                                                                                                          \
    X(ImportFashionMnist)                                                                                              \
    X(Status)                                                                                                          \
    X(Label)                                                                                                           \
    X(Oracle)                                                                                                          \
    X(Export)                                                                                                          \
    X(Train)                                                                                                           \
    X(Predict)                                                                                                         \
    X(Evaluate)                                                                                                        \
    X(Queue)                                                                                                           \
    X(Simulate)                                                                                                        \
    X(Agreement)                                                                                                       \
    X(Review)                                                                                                          \
    X(ServeTrainer)

namespace activelabel::cli {

#define ACTIVELABEL_DECLARE_FACTORY(Name) std::unique_ptr<Command> make##Name##Command();
ACTIVELABEL_CLI_COMMANDS(ACTIVELABEL_DECLARE_FACTORY)
#undef ACTIVELABEL_DECLARE_FACTORY

std::vector<std::unique_ptr<Command>> makeCommands()
{
    std::vector<std::unique_ptr<Command>> commands;
#define ACTIVELABEL_MAKE_COMMAND(Name) commands.push_back(make##Name##Command());
    ACTIVELABEL_CLI_COMMANDS(ACTIVELABEL_MAKE_COMMAND)
#undef ACTIVELABEL_MAKE_COMMAND
    return commands;
}

} // namespace activelabel::cli
