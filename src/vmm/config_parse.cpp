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
    if (text.starts_with("socket:") && text.size() > 7)
        return ConsoleConfig{ConsoleKind::Socket, std::string(text.substr(7))};
    return Error::format("console '{}' is not one of stdio, none, file:PATH, socket:PATH", text);
}

Result<DiskConfig> parse_disk(std::string_view text) {
    DiskConfig disk;
    bool have_path = false;
    while (!text.empty()) {
        const size_t comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        const size_t eq = item.find('=');
        const std::string_view key = eq == std::string_view::npos ? std::string_view{} : item.substr(0, eq);
        const std::string_view value = eq == std::string_view::npos ? item : item.substr(eq + 1);
        if (key == "path" || (key.empty() && !have_path && !value.empty())) {
            disk.path = std::string(value);
            have_path = true;
        } else if (key == "readonly" && (value == "on" || value == "off")) {
            disk.read_only = value == "on";
        } else if (key == "readonly") {
            return Error::format("--disk readonly='{}' is not on or off", value);
        } else if (key == "id") {
            if (value.empty() || value.size() > kDiskIdMax)
                return Error::format("--disk id='{}' must be 1 to {} characters", value, kDiskIdMax);
            disk.id = std::string(value);
        } else {
            return Error::format("--disk option '{}' is unknown: use path=FILE[,readonly=on][,id=NAME]", item);
        }
    }
    if (disk.path.empty()) return Error("--disk needs a file: use path=FILE[,readonly=on][,id=NAME]");
    return disk;
}

Result<hv::Accel> parse_accel(std::string_view text) {
    if (text == "auto") return hv::Accel::Auto;
    if (text == "kvm") return hv::Accel::Kvm;
    if (text == "soft") return hv::Accel::Soft;
    return Error::format("accelerator '{}' is not one of auto, kvm, soft", text);
}

}  // namespace flint::vmm
