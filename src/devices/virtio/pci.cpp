#include "devices/virtio/pci.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "base/bits.h"

namespace flint::virtio {

namespace {

struct FieldInfo {
    CommonCfg field;
    u64 size;
};

// Every field of the common configuration with its width, in offset order.
constexpr std::array<FieldInfo, 16> kCommonFields = {{
    {CommonCfg::DeviceFeatureSelect, 4},
    {CommonCfg::DeviceFeature, 4},
    {CommonCfg::DriverFeatureSelect, 4},
    {CommonCfg::DriverFeature, 4},
    {CommonCfg::ConfigMsixVector, 2},
    {CommonCfg::NumQueues, 2},
    {CommonCfg::DeviceStatus, 1},
    {CommonCfg::ConfigGeneration, 1},
    {CommonCfg::QueueSelect, 2},
    {CommonCfg::QueueSize, 2},
    {CommonCfg::QueueMsixVector, 2},
    {CommonCfg::QueueEnable, 2},
    {CommonCfg::QueueNotifyOff, 2},
    {CommonCfg::QueueDesc, 8},
    {CommonCfg::QueueDriver, 8},
    {CommonCfg::QueueDevice, 8},
}};

// The field an access of `size` bytes at `offset` addresses: the whole field, or either
// 32-bit half of a 64-bit one (drivers write those as two dwords). nullptr otherwise.
const FieldInfo* common_field(u64 offset, size_t size, u64* half) {
    for (const FieldInfo& f : kCommonFields) {
        const u64 start = static_cast<u64>(f.field);
        if (offset == start && size == f.size) {
            *half = 0;
            return &f;
        }
        if (f.size == 8 && size == 4 && (offset == start || offset == start + 4)) {
            *half = offset == start ? 1 : 2;  // 1: low dword, 2: high dword
            return &f;
        }
    }
    return nullptr;
}

// One virtio_pci_cap (4.1.4) after its ID and next pointer, with `extra` appended.
std::vector<u8> virtio_cap(PciCapType type, u64 offset, u64 length, std::span<const u8> extra = {}) {
    std::vector<u8> body(14 + extra.size(), 0);
    body[0] = static_cast<u8>(16 + extra.size());  // cap_len, ID and next included
    body[1] = static_cast<u8>(type);
    body[2] = static_cast<u8>(kPciBar);
    store_le<u32>(&body[6], static_cast<u32>(offset));
    store_le<u32>(&body[10], static_cast<u32>(length));
    for (size_t i = 0; i < extra.size(); ++i) body[14 + i] = extra[i];
    return body;
}

bool within(u64 offset, size_t size, u64 start, u64 length) {
    return offset >= start && offset - start + size <= length;
}

}  // namespace

PciTransport::PciTransport(std::shared_ptr<Device> device, const GuestMemory& memory, MsiSink& msi,
                           GuestWriteHook on_guest_write)
    : m_config(pci::Identity{.vendor = kPciVendorId,
                             .device = static_cast<u16>(kPciDeviceIdBase + static_cast<u32>(device->device_id())),
                             .revision = kPciRevision,
                             .class_code = pci::kClassOther,
                             .subsystem_vendor = kPciVendorId,
                             .subsystem = static_cast<u16>(kPciDeviceIdBase + static_cast<u32>(device->device_id()))}),
      m_msix(static_cast<u16>(device->num_queues() + 1), msi),
      m_queue_vectors(device->num_queues(), kMsiNoVector),
      m_core(std::move(device), memory, *this, std::move(on_guest_write)) {
    m_config.add_memory_bar(kPciBar, kPciBarSize, pci::BarKind::Memory64);
    add_capabilities();
}

void PciTransport::add_capabilities() {
    m_config.add_capability(pci::cap_id::kVendorSpecific,
                            virtio_cap(PciCapType::CommonCfg, kCommonCfgOffset, kCommonCfgSize));
    m_config.add_capability(pci::cap_id::kVendorSpecific, virtio_cap(PciCapType::IsrCfg, kIsrOffset, kIsrSize));
    m_config.add_capability(pci::cap_id::kVendorSpecific,
                            virtio_cap(PciCapType::DeviceCfg, kDeviceCfgOffset, kDeviceCfgSize));
    u8 multiplier[4];
    store_le<u32>(multiplier, kNotifyOffMultiplier);
    m_config.add_capability(pci::cap_id::kVendorSpecific,
                            virtio_cap(PciCapType::NotifyCfg, kNotifyOffset, kNotifySize, multiplier));
    // MSI-X: Message Control (table size N-1; the driver sets enable and function mask),
    // then the table's and the PBA's offsets in BAR 0 (BIR 0 in the low bits).
    std::array<u8, 10> msix{};
    store_le<u16>(&msix[0], static_cast<u16>(m_msix.vectors() - 1));
    store_le<u32>(&msix[2], static_cast<u32>(kMsixTableOffset) | kPciBar);
    store_le<u32>(&msix[6], static_cast<u32>(kMsixPbaOffset) | kPciBar);
    m_msix_cap = m_config.add_capability(pci::cap_id::kMsix, msix);
    // The configuration-space window into BAR 0 (4.1.4.9): the driver writes bar, offset
    // and length, then moves the data through pci_cfg_data.
    const u8 data[4] = {};
    m_pci_cfg_cap = m_config.add_capability(pci::cap_id::kVendorSpecific, virtio_cap(PciCapType::PciCfg, 0, 0, data));
    const u8 window_mask[12] = {0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    m_config.allow_writes(m_pci_cfg_cap + 4u, window_mask);
    constexpr u16 kWritableControl = pci::msix_control::kEnable | pci::msix_control::kFunctionMask;
    const u8 control_mask[2] = {0, static_cast<u8>(kWritableControl >> 8)};
    m_config.allow_writes(m_msix_cap + 2u, control_mask);
}

u32 PciTransport::status() const {
    std::lock_guard lock(m_core.mutex());
    return m_core.status();
}

u64 PciTransport::bad_accesses() const {
    std::lock_guard lock(m_core.mutex());
    return m_core.bad_accesses() + m_msix.bad_accesses() + m_bad_config;
}

std::optional<PciTransport::BarAccess> PciTransport::cfg_window_access(u32 offset, size_t size) {
    const u32 data_at = m_pci_cfg_cap + 16u;
    if (!pci::valid_config_access(offset, size) || offset + size <= data_at || offset >= data_at + 4)
        return std::nullopt;
    const u32 length = m_config.read32(m_pci_cfg_cap + 12u);
    // An access other than exactly the length set goes to no BAR: counted, reads zero.
    const u32 bar = offset == data_at && size == length ? m_config.read32(m_pci_cfg_cap + 4u) & 0xff : ~0u;
    return BarAccess{bar, m_config.read32(m_pci_cfg_cap + 8u)};
}

void PciTransport::config_read(u32 offset, std::span<u8> data) {
    std::lock_guard lock(m_core.mutex());
    if (const auto window = cfg_window_access(offset, data.size())) {
        bar_read_locked(window->bar, window->offset, data);
        return;
    }
    if (!m_config.read(offset, data)) ++m_bad_config;
}

void PciTransport::config_write(u32 offset, std::span<const u8> data) {
    std::lock_guard lock(m_core.mutex());
    if (const auto window = cfg_window_access(offset, data.size())) {
        bar_write_locked(window->bar, window->offset, data);
        return;
    }
    if (!m_config.write(offset, data)) {
        ++m_bad_config;
        return;
    }
    const u32 control = m_msix_cap + 2u;
    if (offset < control + 2 && offset + data.size() > control) m_msix.set_control(m_config.read16(control));
}

std::vector<pci::BarWindow> PciTransport::decoded_bars() {
    std::lock_guard lock(m_core.mutex());
    return m_config.decoded_bars();
}

void PciTransport::bar_read(u32 bar, u64 offset, std::span<u8> data) {
    std::lock_guard lock(m_core.mutex());
    bar_read_locked(bar, offset, data);
}

void PciTransport::bar_write(u32 bar, u64 offset, std::span<const u8> data) {
    std::lock_guard lock(m_core.mutex());
    bar_write_locked(bar, offset, data);
}

void PciTransport::bar_read_locked(u32 bar, u64 offset, std::span<u8> data) {
    std::fill(data.begin(), data.end(), u8{0});
    if (bar != kPciBar) {
        m_core.count_bad_access();
    } else if (within(offset, data.size(), kCommonCfgOffset, kRegionSize)) {
        read_common(offset - kCommonCfgOffset, data);
    } else if (within(offset, data.size(), kIsrOffset, kRegionSize)) {
        // Reading the ISR acknowledges it (4.1.4.5).
        if (offset == kIsrOffset) data[0] = std::exchange(m_isr, u8{0});
    } else if (within(offset, data.size(), kDeviceCfgOffset, kDeviceCfgSize)) {
        m_core.device().read_config(offset - kDeviceCfgOffset, data);
    } else if (within(offset, data.size(), kMsixTableOffset, kMsixTableRegionSize)) {
        m_msix.read_table(offset - kMsixTableOffset, data);
    } else if (within(offset, data.size(), kMsixPbaOffset, kRegionSize)) {
        m_msix.read_pba(offset - kMsixPbaOffset, data);
    }
}

void PciTransport::bar_write_locked(u32 bar, u64 offset, std::span<const u8> data) {
    if (bar != kPciBar) {
        m_core.count_bad_access();
    } else if (within(offset, data.size(), kCommonCfgOffset, kRegionSize)) {
        write_common(offset - kCommonCfgOffset, data);
    } else if (within(offset, data.size(), kDeviceCfgOffset, kDeviceCfgSize)) {
        m_core.device().write_config(offset - kDeviceCfgOffset, data);
    } else if (within(offset, data.size(), kNotifyOffset, kNotifySize)) {
        // Queue i's notification address is i * multiplier; the value written is the
        // queue index again and carries nothing more without NOTIFICATION_DATA.
        const u64 at = offset - kNotifyOffset;
        if (at % kNotifyOffMultiplier) m_core.count_bad_access();
        else m_core.notify(static_cast<u32>(at / kNotifyOffMultiplier));
    } else if (within(offset, data.size(), kMsixTableOffset, kMsixTableRegionSize)) {
        m_msix.write_table(offset - kMsixTableOffset, data);
    } else {
        m_core.count_bad_access();  // read-only or nothing there
    }
}

void PciTransport::read_common(u64 offset, std::span<u8> data) {
    u64 half = 0;
    const FieldInfo* f = common_field(offset, data.size(), &half);
    if (!f) {
        if (offset < kCommonCfgSize) m_core.count_bad_access();
        return;  // past the structure: zeros
    }
    u64 value = read_common_field(f->field);
    if (half == 2) value >>= 32;
    store_le_span(data, value);
}

void PciTransport::write_common(u64 offset, std::span<const u8> data) {
    u64 half = 0;
    const FieldInfo* f = common_field(offset, data.size(), &half);
    if (!f) {
        m_core.count_bad_access();
        return;
    }
    u64 value = load_le_span(data);
    if (half) {
        value = with_half(read_common_field(f->field), half == 2, static_cast<u32>(value));
    }
    write_common_field(f->field, value);
}

u64 PciTransport::read_common_field(CommonCfg field) {
    Queue* q = m_core.selected_queue();
    const u32 sel = m_core.selectors().queue;
    switch (field) {
    case CommonCfg::DeviceFeatureSelect: return m_core.selectors().device_features;
    case CommonCfg::DeviceFeature: return m_core.device_features_word();
    case CommonCfg::DriverFeatureSelect: return m_core.selectors().driver_features;
    case CommonCfg::DriverFeature: return m_core.driver_features_word();
    case CommonCfg::ConfigMsixVector: return m_config_vector;
    case CommonCfg::NumQueues: return m_core.num_queues();
    case CommonCfg::DeviceStatus: return m_core.status() & 0xff;
    case CommonCfg::ConfigGeneration: return 0;  // the configuration never changes
    case CommonCfg::QueueSelect: return sel;
    case CommonCfg::QueueSize: return q ? q->size() : 0;
    case CommonCfg::QueueMsixVector: return q ? m_queue_vectors[sel] : kMsiNoVector;
    case CommonCfg::QueueEnable: return q && q->ready() ? 1 : 0;
    case CommonCfg::QueueNotifyOff: return q ? sel : 0;
    case CommonCfg::QueueDesc: return q ? q->desc_addr() : 0;
    case CommonCfg::QueueDriver: return q ? q->avail_addr() : 0;
    case CommonCfg::QueueDevice: return q ? q->used_addr() : 0;
    }
    return 0;
}

void PciTransport::write_common_field(CommonCfg field, u64 value) {
    Queue* q = m_core.selected_queue();
    const u32 v32 = static_cast<u32>(value);
    // A vector the table does not have cannot be mapped: the driver reads NO_VECTOR back.
    const u16 vector = v32 < m_msix.vectors() ? static_cast<u16>(v32) : kMsiNoVector;
    switch (field) {
    case CommonCfg::DeviceFeatureSelect: m_core.selectors().device_features = v32; return;
    case CommonCfg::DriverFeatureSelect: m_core.selectors().driver_features = v32; return;
    case CommonCfg::DriverFeature: m_core.write_driver_features_word(v32); return;
    case CommonCfg::ConfigMsixVector: m_config_vector = vector; return;
    case CommonCfg::DeviceStatus: m_core.write_status(v32); return;
    case CommonCfg::QueueSelect: m_core.selectors().queue = v32; return;
    case CommonCfg::QueueSize:
        if (q && !q->ready()) q->set_size(static_cast<u16>(v32));
        return;
    case CommonCfg::QueueMsixVector:
        if (q) m_queue_vectors[m_core.selectors().queue] = vector;
        return;
    case CommonCfg::QueueEnable:
        // The driver must not write 0 (4.1.4.3.2); a reset disables queues.
        if (q && v32 == 1) m_core.set_queue_ready(*q, true);
        else m_core.count_bad_access();
        return;
    case CommonCfg::QueueDesc:
        if (q && !q->ready()) q->set_desc_addr(value);
        return;
    case CommonCfg::QueueDriver:
        if (q && !q->ready()) q->set_avail_addr(value);
        return;
    case CommonCfg::QueueDevice:
        if (q && !q->ready()) q->set_used_addr(value);
        return;
    case CommonCfg::DeviceFeature:
    case CommonCfg::NumQueues:
    case CommonCfg::ConfigGeneration:
    case CommonCfg::QueueNotifyOff: break;
    }
    m_core.count_bad_access();  // read-only
}

void PciTransport::used_buffer(u32 index) { interrupt(m_queue_vectors[index], kIsrQueue); }

void PciTransport::config_change() { interrupt(m_config_vector, kIsrConfig); }

void PciTransport::interrupt(u16 vector, u8 isr_bit) {
    m_isr |= isr_bit;
    if (m_msix.enabled() && vector != kMsiNoVector) m_msix.fire(vector);
}

void PciTransport::clear() {
    m_isr = 0;
    m_config_vector = kMsiNoVector;
    std::fill(m_queue_vectors.begin(), m_queue_vectors.end(), kMsiNoVector);
}

}  // namespace flint::virtio
