#pragma once
// What one software vCPU asks of the interrupt hardware between instruction blocks:
//
//   if (port.take_nmi()) -> deliver NMI
//   else if (IF && port.has_interrupt()) -> vector = port.acknowledge(); deliver vector
//   on HLT: sleep until port.next_deadline_ns() or a kick; then port.advance(now)
//
// It combines the vCPU's local APIC with, on the vCPU that receives the 8259A's INTR
// (the BSP), the PIC pair, and with the timers this vCPU drives (its APIC timer; the PIT
// on the BSP). ExtINT (the 8259A through LINT0) is served before fixed APIC vectors, as
// it is not subject to the task priority.
#include "hv/soft/local_apic.h"
#include "hv/soft/pic8259_pair.h"
#include "hv/soft/pit8254.h"

namespace flint::soft {

class VcpuIrqPort {
public:
    // `pic` and `pit` are null on vCPUs other than the BSP.
    VcpuIrqPort(LocalApic& apic, Pic8259Pair* pic, Pit8254* pit)
        : m_apic(apic), m_pic(pic), m_pit(pit) {}

    bool take_nmi() { return m_apic.take_nmi(); }
    bool has_interrupt() const;
    // INTA. Only call after has_interrupt() returned true; a request that vanished in
    // between yields the spurious vector of the controller concerned.
    u8 acknowledge();

    u64 next_deadline_ns() const;
    void advance(u64 now_ns);

    LocalApic& apic() { return m_apic; }

private:
    bool pic_has_interrupt() const;

    LocalApic& m_apic;
    Pic8259Pair* m_pic;
    Pit8254* m_pit;
};

}  // namespace flint::soft
