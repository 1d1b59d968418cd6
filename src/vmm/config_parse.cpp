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
        } else if (key == "transport") {
            disk.transport = FLINT_TRY(parse_transport(value, "--disk"));
        } else if (key == "id") {
            if (value.empty() || value.size() > kDiskIdMax)
                return Error::format("--disk id='{}' must be 1 to {} characters", value, kDiskIdMax);
            disk.id = std::string(value);
        } else {
            return Error::format("--disk option '{}' is unknown: use path=FILE[,readonly=on][,id=NAME][,transport=pci]", item);
        }
    }
    if (disk.path.empty()) return Error("--disk needs a file: use path=FILE[,readonly=on][,id=NAME][,transport=pci]");
    return disk;
}

Result<VirtioTransport> parse_transport(std::string_view text, std::string_view option) {
    if (text == "mmio") return VirtioTransport::Mmio;
    if (text == "pci") return VirtioTransport::Pci;
    return Error::format("{} transport='{}' is not mmio or pci", option, text);
}

Result<VirtioTransport> parse_rng(std::string_view text) {
    if (text.empty()) return VirtioTransport::Mmio;
    if (!text.starts_with("transport="))
        return Error::format("--rng option '{}' is unknown: use --rng or --rng transport=pci", text);
    return parse_transport(text.substr(10), "--rng");
}

Result<ConsoleConfig> parse_hvc0(std::string_view text, VirtioTransport* transport) {
    constexpr std::string_view kKey = ",transport=";
    *transport = VirtioTransport::Mmio;
    const size_t at = text.rfind(kKey);
    if (at != std::string_view::npos) {
        *transport = FLINT_TRY(parse_transport(text.substr(at + kKey.size()), "--hvc0"));
        text = text.substr(0, at);
    }
    return parse_console(text);
}

Result<hv::Accel> parse_accel(std::string_view text) {
    if (text == "auto") return hv::Accel::Auto;
    if (text == "kvm") return hv::Accel::Kvm;
    if (text == "soft") return hv::Accel::Soft;
    return Error::format("accelerator '{}' is not one of auto, kvm, soft", text);
}

}  // namespace flint::vmm
