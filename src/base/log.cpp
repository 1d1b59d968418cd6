#include "base/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace flint {

void init_logging(LogLevel level) {
    auto logger = spdlog::stderr_color_mt("flint");
    logger->set_pattern("flint: %^%l%$: %v");
    spdlog::set_default_logger(logger);
    switch (level) {
    case LogLevel::Error: spdlog::set_level(spdlog::level::err); break;
    case LogLevel::Warn: spdlog::set_level(spdlog::level::warn); break;
    case LogLevel::Info: spdlog::set_level(spdlog::level::info); break;
    case LogLevel::Debug: spdlog::set_level(spdlog::level::debug); break;
    case LogLevel::Trace: spdlog::set_level(spdlog::level::trace); break;
    }
}

}  // namespace flint
