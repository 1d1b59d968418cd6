#include "devices/virtio/console.h"

#include <algorithm>

namespace flint::virtio {

void ConsoleDevice::process_queue(Transport& transport, u32 index) {
    if (index == kReceiveQueue) {
        // New receive buffers: input that waited for them goes out now.
        if (deliver_backlog(transport)) transport.signal_used(kReceiveQueue);
        return;
    }
    serve_queue(transport, index, m_chain, [this](const DescriptorChain& chain) {
        for (const ChainBuffer& b : chain.readable) m_sink(std::span<const u8>(b.host, b.len));
        return u32{0};
    });
}

void ConsoleDevice::receive(std::span<const u8> bytes) {
    if (bytes.empty()) return;
    const bool running =
        m_link && m_link->run_locked([this, bytes](Transport& transport) { receive_locked(transport, bytes); });
    if (!running) m_dropped.fetch_add(bytes.size(), std::memory_order_relaxed);
}

void ConsoleDevice::receive_locked(Transport& transport, std::span<const u8> bytes) {
    const size_t room = kMaxBacklog - m_backlog.size();
    const size_t kept = std::min(room, bytes.size());
    m_backlog.insert(m_backlog.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(kept));
    if (kept < bytes.size()) m_dropped.fetch_add(bytes.size() - kept, std::memory_order_relaxed);
    if (deliver_backlog(transport)) transport.signal_used(kReceiveQueue);
}

bool ConsoleDevice::deliver_backlog(Transport& transport) {
    Queue& q = transport.queue(kReceiveQueue);
    if (!q.ready()) return false;
    bool used = false;
    while (!m_backlog.empty()) {
        const Queue::Pop r = q.pop(transport.memory(), m_rx_chain);
        if (r == Queue::Pop::Empty) break;
        if (r == Queue::Pop::Broken) {
            transport.mark_broken(describe(q.error()));
            m_backlog.clear();
            break;
        }
        u32 written = 0;
        for (const ChainBuffer& b : m_rx_chain.writable) {
            if (m_backlog.empty()) break;
            const u32 n = static_cast<u32>(std::min<size_t>(b.len, m_backlog.size()));
            std::copy_n(m_backlog.begin(), n, b.host);
            m_backlog.erase(m_backlog.begin(), m_backlog.begin() + n);
            transport.guest_written(b.gpa, n);
            written += n;
        }
        q.add_used(m_rx_chain.head, written);
        used = true;
    }
    return used;
}

}  // namespace flint::virtio
