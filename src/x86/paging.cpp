// The page walk: 4-level (long mode), PAE and 32-bit paging, with the permission rules
// of Intel SDM vol. 3 section 4.6 (no SMEP/SMAP/PKE: not advertised) and the accessed and
// dirty updates of section 4.8. Runs on a soft-TLB miss only.
#include "x86/cpu.h"
#include "x86/paging.h"

#include <span>

namespace flint::x86 {
namespace {

// One table level of a paging mode.
struct Level {
    u8 shift;       // linear-address bits below this level's index
    u8 index_bits;  // width of the index
    bool large_ok;  // an entry here may map a page (PS = 1)
};

constexpr Level kLong[] = {{39, 9, false}, {30, 9, true}, {21, 9, true}, {12, 9, false}};
constexpr Level kPae[] = {{30, 2, false}, {21, 9, true}, {12, 9, false}};
constexpr Level kLegacy[] = {{22, 10, true}, {12, 10, false}};

// Paging entries are shared with other vCPUs (and the guest's own other threads), so they
// are read and updated atomically, as the hardware's locked accessed/dirty updates are.
u64 load_entry(u8* p, unsigned width) {
    if (width == 8) return __atomic_load_n(reinterpret_cast<u64*>(p), __ATOMIC_ACQUIRE);
    return __atomic_load_n(reinterpret_cast<u32*>(p), __ATOMIC_ACQUIRE);
}

// Sets `bits` in an entry still holding `expected`; false when it changed meanwhile.
bool set_entry_bits(u8* p, unsigned width, u64 expected, u64 bits) {
    if (width == 8) {
        u64 e = expected;
        return __atomic_compare_exchange_n(reinterpret_cast<u64*>(p), &e, expected | bits, false, __ATOMIC_ACQ_REL,
                                           __ATOMIC_ACQUIRE);
    }
    auto e = static_cast<u32>(expected);
    return __atomic_compare_exchange_n(reinterpret_cast<u32*>(p), &e, static_cast<u32>(expected | bits), false,
                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

}  // namespace

enum class Cpu::WalkStatus : u8 { Ok, Fault, Retry };

bool Cpu::walk(u64 lin, Access acc, bool user, Translation& out) {
    if (!(m_state.cr0 & cr0::PG)) {
        out = Translation{lin & ~kPageMask, 12, false};
        return true;
    }
    // A concurrent change of an entry between reading it and setting its A/D bits restarts
    // the walk; a guest that rewrites its tables forever would spin, so bound it.
    for (unsigned attempt = 0; attempt < 64; ++attempt) {
        u32 error = 0;
        switch (walk_once(lin, acc, user, out, error)) {
        case WalkStatus::Ok: return true;
        case WalkStatus::Fault: {
            error |= (acc == Access::Write ? pf_error::Write : 0) | (user ? pf_error::User : 0);
            // I/D reports a fetch only where execute-disable exists (SDM 4.7).
            const bool nx_paging = (m_state.cr4 & cr4::PAE) && (m_state.efer & efer::NXE);
            if (acc == Access::Fetch && nx_paging) error |= pf_error::Fetch;
            return fail(Event::page_fault(lin, error));
        }
        case WalkStatus::Retry: break;
        }
    }
    return fail(Event::page_fault(lin, pf_error::Present));
}

// On a fault `error` holds the P and RSVD bits; Retry means an entry changed under us.
Cpu::WalkStatus Cpu::walk_once(u64 lin, Access acc, bool user, Translation& out, u32& error) {
    const bool pae = m_state.cr4 & cr4::PAE;
    const bool lma = m_state.efer & efer::LMA;
    const bool nxe = m_state.efer & efer::NXE;
    const std::span<const Level> levels =
        !pae ? std::span<const Level>(kLegacy) : lma ? std::span<const Level>(kLong) : std::span<const Level>(kPae);
    const unsigned width = pae ? 8 : 4;

    u64 table = !pae ? m_state.cr3 & pte::Frame32 : lma ? m_state.cr3 & pte::Frame : m_state.cr3 & 0xffffffe0;
    bool writable = true, user_ok = true, no_exec = false;
    struct Used {
        u8* host;
        u64 value;
    };
    Used used[4];
    unsigned n_used = 0;

    for (unsigned i = 0; i < levels.size(); ++i) {
        const Level& lv = levels[i];
        const u64 index = (lin >> lv.shift) & ((u64{1} << lv.index_bits) - 1);
        const bool pdpte = pae && !lma && i == 0;
        if (pdpte) {
            // The PDPTE registers loaded at MOV CR3, not memory (SDM vol. 3 section 4.4.1).
            const u64 e = m_state.pdpte[index];
            if (!(e & pte::P)) return WalkStatus::Fault;
            // Set from outside (state() between runs) they may still hold reserved bits.
            if (e & (pte::PaePdpteReserved | pte::AboveMaxPhys | pte::XD)) {
                error = pf_error::Present | pf_error::Reserved;
                return WalkStatus::Fault;
            }
            table = e & pte::Frame;
            continue;
        }
        const u64 addr = table + index * width;
        u8* page = m_bus.ram_page(addr & ~kPageMask);
        // FIXME: page tables outside RAM read as not present (hardware would read MMIO).
        const u64 e = page ? load_entry(page + (addr & kPageMask), width) : 0;
        if (!(e & pte::P)) return WalkStatus::Fault;
        const bool leaf = i + 1 == levels.size() || (lv.large_ok && (e & pte::PS) && (pae || (m_state.cr4 & cr4::PSE)));
        u64 reserved = 0;
        if (pae) {
            reserved = (e & pte::AboveMaxPhys) | (nxe ? 0 : e & pte::XD);
            if (lma && i == 0) reserved |= e & pte::PS;
            if (leaf && lv.shift > 12) reserved |= e & ((u64{1} << lv.shift) - 1) & ~u64{0x1fff};
        } else if (leaf && lv.shift > 12) {
            reserved = e & pte::Pse4MReserved;
        }
        if (reserved) {
            error = pf_error::Present | pf_error::Reserved;
            return WalkStatus::Fault;
        }
        writable = writable && (e & pte::RW);
        user_ok = user_ok && (e & pte::US);
        no_exec = no_exec || (nxe && (e & pte::XD));
        used[n_used++] = {page + (addr & kPageMask), e};
        if (!leaf) {
            table = pae ? e & pte::Frame : e & pte::Frame32;
            continue;
        }

        // Permissions: supervisor writes to read-only pages succeed unless CR0.WP.
        const bool denied = (user && !user_ok) ||
                            (acc == Access::Write && !writable && (user || (m_state.cr0 & cr0::WP))) ||
                            (acc == Access::Fetch && no_exec);
        if (denied) {
            error = pf_error::Present;
            return WalkStatus::Fault;
        }
        u64 frame;
        if (!pae && lv.shift > 12)
            frame = (e & pte::Pse4MFrame) | (((e & pte::Pse36Bits) >> pte::Pse36Shift) << 32);
        else
            frame = (pae ? e & pte::Frame : e & pte::Frame32) & ~((u64{1} << lv.shift) - 1);
        const u64 in_page = lin & ((u64{1} << lv.shift) - 1) & ~kPageMask;

        // Accessed on every entry used, dirty on the leaf for a write: the TLB only keeps
        // write permission for translations filled by a write, so D is always set before
        // a cached write can happen.
        for (unsigned u = 0; u < n_used; ++u) {
            u64 bits = pte::A;
            if (u + 1 == n_used && acc == Access::Write) bits |= pte::D;
            if ((used[u].value & bits) != bits && !set_entry_bits(used[u].host, width, used[u].value, bits)) return WalkStatus::Retry;
        }
        out.phys = frame | in_page;
        out.page_shift = lv.shift;
        out.global = (e & pte::G) && (m_state.cr4 & cr4::PGE);
        return WalkStatus::Ok;
    }
    return WalkStatus::Fault;  // unreachable: the last level is always a leaf
}

}  // namespace flint::x86
