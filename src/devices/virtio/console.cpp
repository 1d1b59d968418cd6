#include "devices/virtio/console.h"

namespace flint::virtio {

void ConsoleDevice::process_queue(Transport& transport, u32 index) {
    // Receive buffers wait for host input, which there is none of yet.
    if (index != kTransmitQueue) return;
    serve_queue(transport, index, m_chain, [this](const DescriptorChain& chain) {
        for (const ChainBuffer& b : chain.readable) m_sink(std::span<const u8>(b.host, b.len));
        return u32{0};
    });
}

}  // namespace flint::virtio
