#include <charconv>

#include "vmm/vm_config.h"

namespace flint::vmm {

Result<u64> parse_memory_size(std::string_view text) {
    u64 value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data())
        return Error::format("memory size '{}' is not a number: use e.g. 512M or 2G", text);
    std::string_view suffix(end, static_cast<size_t>(text.data() + text.size() - end));
    u64 unit = MiB;
    if (suffix.empty() || suffix == "M" || suffix == "m" || suffix == "MiB") unit = MiB;
    else if (suffix == "G" || suffix == "g" || suffix == "GiB") unit = GiB;
    else if (suffix == "K" || suffix == "k" || suffix == "KiB") unit = KiB;
    else return Error::format("memory size '{}' has an unknown unit '{}': use K, M or G", text, suffix);
    if (value > (u64{1} << 50) / unit) return Error::format("memory size '{}' is too large", text);
    return value * unit;
}

Result<ConsoleConfig> parse_console(std::string_view text) {
    if (text == "stdio") return ConsoleConfig{ConsoleKind::Stdio, {}};
    if (text == "none") return ConsoleConfig{ConsoleKind::None, {}};
    if (text.starts_with("file:") && text.size() > 5) return ConsoleConfig{ConsoleKind::File, std::string(text.substr(5))};
    return Error::format("console '{}' is not one of stdio, none, file:PATH", text);
}

Result<hv::Accel> parse_accel(std::string_view text) {
    if (text == "auto") return hv::Accel::Auto;
    if (text == "kvm") return hv::Accel::Kvm;
    if (text == "soft") return hv::Accel::Soft;
    return Error::format("accelerator '{}' is not one of auto, kvm, soft", text);
}

}  // namespace flint::vmm
