#pragma once
// Logging goes through spdlog to stderr. The serial console owns stdout, so nothing else
// may write there.
#include <spdlog/spdlog.h>

namespace flint {

enum class LogLevel { Error, Warn, Info, Debug, Trace };

void init_logging(LogLevel level);

}  // namespace flint
