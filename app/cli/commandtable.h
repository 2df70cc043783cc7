#pragma once

#include "app/cli/command.h"

#include <memory>
#include <vector>

namespace activelabel::cli {

// Every command of activelabel-cli, in the order `--help` lists them.
std::vector<std::unique_ptr<Command>> makeCommands();

} // namespace activelabel::cli
