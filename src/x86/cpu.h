#pragma once
// The software x86-64 CPU. It owns architectural state and the decoded-instruction cache;
// memory and ports are reached through the Bus it is given (see bus.h). Nothing here knows
// about the VMM.
//
// Contract used by the VMM's soft back end and by tests/x86diff:
//   Cpu cpu(bus, CpuModel::flint_default());   // or CpuModel::host_like()
//   cpu.state().gpr[...] = ...; cpu.state().rip = ...;  cpu.set_mode(CpuMode::Long64);
//   Event e = cpu.step();          // one instruction
//   Event e = cpu.run(max_insns);  // until an event or max_insns instructions retired
// An Exception event leaves RIP at the faulting instruction and all state as the
// hardware leaves it for a fault (traps such as INT3 leave RIP after the instruction and
// set Event::trap). state() may be read and written freely between calls; the CPU picks
// up changes (registers, RIP, RFLAGS, segment bases, control registers and EFER) when
// step()/run() starts; a change of CR0/CR4/EFER there also re-derives the mode.
//
// As a machine (the soft back end): set_exception_delivery(Guest) makes the CPU vector
// exceptions through the guest's IDT itself; run() then returns Halt (HLT, nothing to
// wake it: sleep until inject_external/inject_nmi), Shutdown (triple fault) or nothing
// (budget used up). MSRs the CPU does not own go to an MsrDelegate (msr.h).
#include <array>
#include <cstring>
#include <span>

#include "base/bits.h"
#include "x86/bus.h"
#include "x86/code_cache.h"
#include "x86/fpu_state.h"
#include "x86/insn.h"
#include "x86/lazy_flags.h"
#include "x86/paging.h"
#include "x86/system_regs.h"
#include "x86/types.h"

namespace flint::x86 {

struct SegmentState {
    u16 selector = 0;
    u64 base = 0;
    u32 limit = 0xffff;
    u16 attr = 0;  // descriptor attribute bits as in a VMCS: type, S, DPL, P, AVL, L, D/B, G
};

namespace seg_attr {
inline constexpr u16 TypeMask = 0xf;
inline constexpr u16 S = 1u << 4;  // code or data (0: system segment)
inline constexpr unsigned DplShift = 5;
inline constexpr u16 Dpl = 3u << DplShift;
inline constexpr u16 Present = 1u << 7;
inline constexpr u16 Long = 1u << 13;     // CS.L: 64-bit code
inline constexpr u16 DefBig = 1u << 14;   // CS.D (32-bit code) / SS.B (32-bit stack)
inline constexpr u16 Gran = 1u << 15;
}  // namespace seg_attr

struct CpuState {
    std::array<u64, kGprCount> gpr{};  // in Reg order
    u64 rip = 0;
    u64 rflags = rflags::Fixed1;  // kept current between step()/run() calls
    std::array<SegmentState, kSegCount> seg{};
    u64 cr0 = 0, cr2 = 0, cr3 = 0, cr4 = 0, cr8 = 0;
    u64 efer = 0;
    // PAE paging's page-directory-pointer entries, which the CPU loads from CR3's table at
    // MOV CR3 (and the CR0/CR4 writes that enable PAE paging) and walks from afterwards.
    std::array<u64, 4> pdpte{};
    u64 tsc_offset = 0;
    DescriptorTable gdtr{}, idtr{};
    SegmentState ldtr{}, tr{};
    std::array<u64, 8> dr{0, 0, 0, 0, 0, 0, 0xffff0ff0, 0x400};  // DR4/DR5 unused (alias 6/7)
    MsrState msr{};
    FpuState fpu{};  // x87/MMX, XMM and MXCSR (fpu_state.h)
};

class MsrDelegate;

// What CPUID reports. Only features that are implemented may be set.
struct CpuModel {
    char vendor[13] = "FlintFlintCP";
    u32 family = 6, model = 0x55, stepping = 1;
    u64 tsc_hz = 2'000'000'000;  // advertised TSC frequency (CPUID leaf 0x15/0x16)
    // Feature words as CPUID.1:EDX/ECX, CPUID.7.0:EBX/ECX/EDX and CPUID.80000001:EDX/ECX.
    u32 f1_edx = 0, f1_ecx = 0, f7_ebx = 0, f7_ecx = 0, f7_edx = 0, e1_edx = 0, e1_ecx = 0;
    u32 f6_eax = 0;  // thermal and power management (leaf 6)
    // This processor's initial APIC ID (CPUID.1:EBX[31:24]) and how many logical
    // processors share its package (CPUID.1:EBX[23:16]), as a machine numbers its vCPUs.
    u8 apic_id = 0;
    u8 logical_processors = 1;

    static CpuModel flint_default();  // what the interpreter implements today
    // The host's vendor, family, model and stepping with flint_default()'s features: for
    // differential tests that compare vendor-dependent behaviour against the host.
    static CpuModel host_like();
};

class Cpu {
public:
    Cpu(Bus& bus, const CpuModel& model);
    ~Cpu();
    Cpu(const Cpu&) = delete;
    Cpu& operator=(const Cpu&) = delete;

    // Architectural state. RFLAGS is best read/written through rflags()/set_rflags()
    // (state().rflags is synchronised at step()/run() boundaries).
    CpuState& state() { return m_state; }
    u64 rflags() const { return m_flags.value(); }
    void set_rflags(u64 value);

    // Decoding mode (the code segment's default size). Part 2 derives it from CR0/EFER/CS.
    // Also sets CS.L/CS.D and SS.B to the flat values of that mode and drops decoded code.
    void set_mode(CpuMode mode);
    CpuMode mode() const { return m_mode; }

    Event step() { return run(1); }
    Event run(u64 max_insns);
    u64 retired() const { return m_retired; }  // instructions retired since construction

    // Drop decoded instructions and cached translations (after the host changed memory
    // behind the CPU's back, or the bus's page pointers changed).
    void flush_tlb();
    // Must be called when anything but this CPU writes guest RAM that may hold code
    // (device DMA, the loader, another vCPU): the CPU only sees its own writes.
    void invalidate_code(u64 gpa, u64 len);

    const CpuModel& model() const { return m_model; }

    // --- The soft back end's interface (see the contract above) ---
    enum class ExceptionDelivery : u8 { ReturnEvents, Guest };
    void set_exception_delivery(ExceptionDelivery d) { m_delivery = d; }
    ExceptionDelivery exception_delivery() const { return m_delivery; }
    // RFLAGS.IF set and no interrupt shadow (after STI, MOV SS, POP SS): an external
    // interrupt injected now is taken before the next instruction.
    bool interrupts_enabled() const { return m_flags.test_control(rflags::IF) && m_shadow == 0; }
    // Makes `vector` pending; it is delivered (highest vector first) at the first
    // instruction boundary where interrupts_enabled(), waking a HLT. The interrupt
    // controller decides what to inject and when; the CPU only holds it until then.
    void inject_external(u8 vector);
    void inject_nmi();
    bool halted() const { return m_halted; }
    // The exceptions of the last delivery that failed into a triple fault, in the order
    // they were raised (the first fault, then #DF, then what broke #DF): a debugging aid
    // for a guest that dies before it can print anything.
    struct FaultRecord {
        Event event;
        u64 rip = 0;  // where the faulting instruction (or interrupted code) was
    };
    std::span<const FaultRecord> shutdown_chain() const { return {m_chain.data(), m_chain_len}; }
    void set_msr_delegate(MsrDelegate* delegate) { m_msr_delegate = delegate; }
    // Recomputes the decoding mode from CR0.PE, EFER.LMA and CS.L/CS.D (what the hardware
    // does); set_mode() instead forces one, for tests that run without descriptors.
    void derive_mode();
    unsigned cpl() const { return m_cpl; }

    // ---------------------------------------------------------------------------------
    // Interpreter internals, used by the instruction handlers through x86/exec.h. Not for
    // the VMM. Inline because they are the interpreter's hot path (written for speed).

    u64& gpr(unsigned r) { return m_state.gpr[r]; }
    // Register operand by decoder register code (16-19 = AH/CH/DH/BH for byte operands).
    u64 reg(u8 code, unsigned size) const {
        if (size == 1)
            return code >= kHighByteReg ? (m_state.gpr[code - kHighByteReg] >> 8) & 0xff
                                        : m_state.gpr[code] & 0xff;
        return m_state.gpr[code] & size_mask(size);
    }
    // Writes follow x86 rules: 8/16-bit writes merge, 32-bit writes zero-extend.
    void set_reg(u8 code, unsigned size, u64 v) {
        switch (size) {
        case 1:
            if (code >= kHighByteReg) {
                u64& r = m_state.gpr[code - kHighByteReg];
                r = (r & ~u64{0xff00}) | ((v & 0xff) << 8);
            } else {
                u64& r = m_state.gpr[code];
                r = (r & ~u64{0xff}) | (v & 0xff);
            }
            break;
        case 2: m_state.gpr[code] = (m_state.gpr[code] & ~u64{0xffff}) | (v & 0xffff); break;
        case 4: m_state.gpr[code] = v & 0xffffffff; break;
        default: m_state.gpr[code] = v; break;
        }
    }

    // RIP already points past the executing instruction (the loop advances it first), so
    // RIP-relative addressing reads it through the register table like any base register.
    u64 rip() const { return m_state.rip; }
    u64 insn_rip() const { return m_insn_rip; }
    // Near branch: the target is truncated to the operand size; a non-canonical 64-bit
    // target faults with #GP(0) at the branch.
    bool jump(u64 target, unsigned opsize) {
        target &= size_mask(opsize);
        if (opsize == 8 && !canonical(target)) return fail(Event::exception(Vector::GP, 0));
        m_state.rip = target;
        return true;
    }

    LazyFlags& flags() { return m_flags; }
    const LazyFlags& flags() const { return m_flags; }

    u64 effective_address(const Insn& in) const {
        u64 a = *m_ea_reg[in.base] + (*m_ea_reg[in.index] << in.scale) + static_cast<u64>(in.disp);
        return a & size_mask(in.addrsize);
    }
    // Segment limits and types cost the 64-bit path one flag test here. In protected mode
    // outside 64-bit mode an offset outside [lo, lo + span] of its segment (the valid
    // offsets less kWidestAccess - 1, so that any access from there fits) becomes a marked
    // address that can never hit the TLB; the slow path then checks the access exactly
    // (memory.cpp: segment_access). Segments whose accesses all need a look (read-only,
    // code, null) have an empty window.
    u64 linear(unsigned seg, u64 offset) const {
        if (m_seg_checks && offset - m_seg_lo[seg] > m_seg_span[seg]) [[unlikely]]
            return kSegCheck | (u64{seg} << kSegCheckShift) | (offset & kSegCheckOffset);
        return (m_seg_base[seg] + offset) & m_lin_mask;
    }
    u64 linear(const Insn& in) const { return linear(in.seg, effective_address(in)); }
    // The address without limit or type checks (INVLPG, which never faults on them).
    u64 linear_unchecked(const Insn& in) const { return (m_seg_base[in.seg] + effective_address(in)) & m_lin_mask; }
    // Bytes from `offset` (which linear() let through unmarked) to the end of the segment,
    // for runs of string instructions.
    u64 bytes_in_segment(unsigned seg, u64 offset) const {
        return m_seg_span[seg] == ~u64{0} ? ~u64{0} : m_seg_lo[seg] + m_seg_span[seg] + kWidestAccess - offset;
    }

    // Memory by linear address, 1/2/4/8 bytes. False means a fault is pending (fault()):
    // the handler must return it without changing any more state.
    bool read_mem(u64 lin, unsigned size, u64& out) {
        const TlbEntry& e = m_rtlb[(lin >> 12) % kTlbEntries];
        u64 off = lin & kPageMask;
        if (e.tag == ((lin - off) | m_tlb_priv) && off + size <= kPageSize) [[likely]] {
            out = load(e.host + off, size);
            return true;
        }
        return read_slow(lin, size, out);
    }
    bool write_mem(u64 lin, unsigned size, u64 v) {
        const TlbEntry& e = m_wtlb[(lin >> 12) % kTlbEntries];
        u64 off = lin & kPageMask;
        if (e.tag == ((lin - off) | m_tlb_priv) && off + size <= kPageSize) [[likely]] {
            store(e.host + off, size, v);
            return true;
        }
        return write_slow(lin, size, v);
    }
    // Checks that [lin, lin+size) is writable without writing (for multi-part stores that
    // must not be left half done).
    bool probe_write(u64 lin, unsigned size);
    // For a locked read-modify-write (exec_locked.h) of `size` bytes at `lin`, after its
    // read succeeded: checks the write (false: fault pending) and sets `target` to the
    // host address of the operand when it is naturally aligned RAM, else to nullptr.
    bool locked_target(u64 lin, unsigned size, u8*& target);
    // Bulk access for REP string instructions (hot): the host address of the RAM page
    // holding `lin`, through the same TLB, or nullptr when it is not plain RAM. Never
    // faults: the caller falls back to read_mem/write_mem, which raise what applies.
    // The write form drops decoded code on the page, as any write does.
    u8* host_page_for_read(u64 lin) {
        const u64 page = lin & ~kPageMask;
        const TlbEntry& e = m_rtlb[(page >> 12) % kTlbEntries];
        if (e.tag == (page | m_tlb_priv)) return e.host;
        return canonical(lin) ? ram_for_read(page) : nullptr;
    }
    u8* host_page_for_write(u64 lin) {
        const u64 page = lin & ~kPageMask;
        const TlbEntry& e = m_wtlb[(page >> 12) % kTlbEntries];
        if (e.tag == (page | m_tlb_priv)) return e.host;
        return canonical(lin) ? ram_for_write(page) : nullptr;
    }

    // Stack of the current stack-address size (SS.B, or 64-bit). RSP changes only when
    // the access succeeds.
    unsigned stack_size() const { return m_stack_size; }
    bool push(u64 v, unsigned size) {
        const u64 sp = (m_state.gpr[kRsp] - size) & size_mask(m_stack_size);
        if (!write_mem(linear(kSs, sp), size, v)) return false;
        set_reg(kRsp, m_stack_size, sp);
        return true;
    }
    bool pop(unsigned size, u64& out) {
        const u64 sp = m_state.gpr[kRsp] & size_mask(m_stack_size);
        if (!read_mem(linear(kSs, sp), size, out)) return false;
        set_reg(kRsp, m_stack_size, sp + size);
        return true;
    }
    // RSP += delta within the stack-address size (RET imm16, LEAVE, POP to memory).
    void adjust_sp(u64 delta) { set_reg(kRsp, m_stack_size, m_state.gpr[kRsp] + delta); }
    // Reads the stack slot `offset` bytes above RSP without popping.
    bool peek(u64 offset, unsigned size, u64& out) {
        return read_mem(linear(kSs, (m_state.gpr[kRsp] + offset) & size_mask(m_stack_size)), size, out);
    }

    // Records a fault for the handler to return: `return cpu.fail(...)` style helpers.
    bool fail(Event e) {
        m_fault = e;
        return false;
    }
    Event fault() const { return m_fault; }

    // Segment register load (MOV/POP Sreg, LDS...): real mode computes the base from the
    // selector; with CR0.PE the descriptor is read and checked (descriptors.cpp). False
    // means a fault is pending. Never CS (far transfers use load_cs).
    bool load_segment(Seg s, u16 selector);

    Bus& bus() { return m_bus; }
    u64 tsc() const;
    // The TSC counts from this host steady_clock time (ns since its epoch; default: when
    // the Cpu was built). The vCPUs of one machine share it, so their TSCs agree, as the
    // guest is told (tsc=reliable) and as a multi-socket board's would after reset.
    void set_tsc_epoch_ns(i64 ns) { m_tsc_epoch_ns = ns; }
    u32 tsc_aux() const { return static_cast<u32>(m_state.msr.tsc_aux); }

    // --- System instructions (exec_system.cpp, exec_far.cpp, interrupts.cpp) ---
    bool write_cr(unsigned n, u64 v);  // MOV to CRn, with its #GP checks; false = fault
    u64 read_cr(unsigned n) const;
    bool read_msr(u32 index, u64& v);  // false = #GP pending
    bool write_msr(u32 index, u64 v);
    void invlpg(u64 lin);
    // Implicit supervisor-mode accesses (descriptor tables, TSS, interrupt frames): the
    // page permissions of CPL 0 whatever the CPL, as the hardware applies them.
    bool system_read(u64 lin, unsigned size, u64& out);
    bool system_write(u64 lin, unsigned size, u64 v);
    // Loads CS (far JMP/CALL/RET, IRET, SYSCALL...) from a descriptor already checked by
    // the caller, setting the CPL; recomputes the mode and everything derived from it.
    void load_cs(u16 selector, u32 desc_lo, u32 desc_hi, unsigned new_cpl);
    // Sets a segment register's cache directly (SYSCALL/SYSRET's fixed flat segments,
    // null selectors) and refreshes what depends on it.
    void set_segment(Seg s, const SegmentState& v);
    void set_interrupt_shadow() {
        m_shadow = 2;
        m_attention = true;
    }
    bool halt();  // HLT: false = #GP pending (CPL > 0)
    // Delivers a vector through the IDT now (exceptions in Guest mode, INT n, external
    // interrupts). False: triple fault (the caller returns Shutdown).
    bool deliver(Event ev, bool external);
    Event iret(unsigned opsize);
    // Descriptor-table access for the descriptor code: the 8 bytes at `selector`'s slot
    // in the GDT or LDT; false with #GP(selector) pending when outside the table.
    bool read_descriptor(u16 selector, u32& lo, u32& hi, Vector fault = Vector::GP);
    bool write_descriptor_hi(u16 selector, u32 hi);

    static constexpr u64 size_mask(unsigned size) { return ~u64{0} >> (64 - 8 * size); }
    static constexpr bool canonical(u64 a) { return static_cast<u64>(static_cast<i64>(a << 16) >> 16) == a; }

private:
    static constexpr u8 kRsp = static_cast<u8>(Reg::Rsp);
    static constexpr unsigned kSs = static_cast<unsigned>(Seg::Ss);
    // A marked address from linear(): bit 63, the segment, the offset (with room for the
    // small displacements callers add to it). Outside 64-bit mode real linear addresses
    // have 32 bits, so anything above is a mark.
    static constexpr u64 kSegCheck = u64{1} << 63;
    static constexpr unsigned kSegCheckShift = 48;
    static constexpr u64 kSegCheckOffset = (u64{1} << 40) - 1;
    static constexpr u64 kWidestAccess = 512;  // FXSAVE's area, written from one linear()

    // The soft TLB: direct-mapped, one array per access kind. The hot arrays hold only
    // what a hit needs (tag and host page, 16 bytes) so that more of them stay in cache;
    // what flushes and the code cache need lives in a parallel cold array. The tag is the
    // linear page with the privilege in bit 1 (kUserTag for CPL 3), so user and supervisor
    // permissions are cached separately and a CPL change needs no flush.
    struct TlbEntry {
        u64 tag = 1;  // bit 0 set: never matches (tags are page | 0 or page | kUserTag)
        u8* host = nullptr;
    };
    struct TlbMeta {
        u64 phys = 0;      // physical page
        u8 page_shift = 12;
        bool global = false;
    };
    static constexpr unsigned kTlbEntries = 512;
    static constexpr u64 kUserTag = 2;

    static u64 load(const u8* p, unsigned size) {
        switch (size) {
        case 1: return *p;
        case 2: return load_le<u16>(p);
        case 4: return load_le<u32>(p);
        default: return load_le<u64>(p);
        }
    }
    static void store(u8* p, unsigned size, u64 v) {
        switch (size) {
        case 1: *p = static_cast<u8>(v); break;
        case 2: store_le(p, static_cast<u16>(v)); break;
        case 4: store_le(p, static_cast<u32>(v)); break;
        default: store_le(p, v); break;
        }
    }

    // memory.cpp: slow paths (TLB fill, page-crossing, MMIO, faults, code invalidation).
    bool read_slow(u64 lin, unsigned size, u64& out);
    // Translates `lin`'s page for `acc` at the current privilege, through the TLB, and
    // fills the TLB on a miss when it is RAM. False: fault pending. `host` is nullptr for a
    // page that is not RAM; `phys` is the physical page either way.
    bool map_page(u64 lin, Access acc, u8*& host, u64& phys);
    bool unbacked(u64 lin, u32 pf_code);  // nothing answers at a physical address
    // control_regs.cpp: PAE paging's PDPTEs from the table at `cr3`. A present one with
    // reserved bits makes it return false, having loaded nothing (Refuse: MOV CRn's #GP)
    // or all four anyway (Keep: state set from outside, faulting at the walk).
    enum class BadPdptes : u8 { Refuse, Keep };
    bool load_pdptes(u64 cr3, BadPdptes bad = BadPdptes::Refuse);
    // paging.cpp
    bool walk(u64 lin, Access acc, bool user, Translation& out);
    enum class WalkStatus : u8;
    WalkStatus walk_once(u64 lin, Access acc, bool user, Translation& out, u32& error);
    // tlb.cpp
    void flush_translations(bool keep_global);
    void evict_code_page_writes(u64 phys);
    // cpu.cpp
    // Recomputes what the loop caches from the state: effective segment bases, address
    // and stack widths, CPL. Called after anything changes CS, SS, a base or the mode.
    void refresh_derived();
    void set_segment_window(unsigned s, bool checked);
    void set_mode_from_state();
    bool after_event(Event& ev);
    // interrupts.cpp: one delivery attempt per table format; false = fault pending.
    bool deliver_real(const Event& ev);
    bool deliver_protected(const Event& ev, bool ext);
    bool deliver_long(const Event& ev, bool ext);
    bool service_attention(Event& ev);
    bool write_slow(u64 lin, unsigned size, u64 v);
    bool read_bytes(u64 lin, u8* dst, unsigned n, u32 fetch);
    bool write_page(u64 lin, const u8* src, unsigned n);
    u8* ram_for_read(u64 page);
    u8* ram_for_write(u64 page);
    bool check_canonical(u64 lin);
    // A marked address (see linear()): checks the access against its segment's type and
    // limit (#GP(0), or #SS(0) through SS) and replaces it with the real linear address.
    bool marked(u64 lin) const { return lin >> 32 != 0 && m_mode != CpuMode::Long64; }
    bool segment_access(u64& lin, unsigned size, Access acc);
    void drop_code_page(u64 page);

    // cpu.cpp / interp.cpp
    void sync_from_state();
    void sync_to_state();
    void refresh_code_page();
    Insn* fetch_decoded(u64 lin, Event& ev);
    bool fetch_within_limit(u64 page, const Insn& in);
    Event decode_at(u64 lin, Insn& out, bool& spills);

    Bus& m_bus;
    CpuModel m_model;
    CpuState m_state;
    LazyFlags m_flags;
    CpuMode m_mode = CpuMode::Long64;
    u64 m_exported_rflags = rflags::Fixed1;

    u64 m_retired = 0;
    u64 m_insn_rip = 0;
    Event m_fault;

    // Address generation: GPRs, then the RIP slot (kRipReg) and a zero slot (kNoReg).
    std::array<const u64*, kNoReg + 1> m_ea_reg{};
    u64 m_zero = 0;
    std::array<u64, kSegCount> m_seg_base{};  // effective: 0 for ES/CS/SS/DS in 64-bit mode
    bool m_seg_checks = false;                // segment limits and types apply (not 64-bit)
    std::array<u64, kSegCount> m_seg_lo{};    // offsets linear() lets through: see there
    std::array<u64, kSegCount> m_seg_span{};  // (~0 when no checks apply)
    u64 m_lin_mask = ~u64{0};
    u64 m_ip_mask = ~u64{0};
    unsigned m_stack_size = 8;

    std::array<TlbEntry, kTlbEntries> m_rtlb{};
    std::array<TlbEntry, kTlbEntries> m_wtlb{};
    std::array<TlbEntry, kTlbEntries> m_xtlb{};
    std::array<TlbMeta, kTlbEntries> m_rmeta{};
    std::array<TlbMeta, kTlbEntries> m_wmeta{};
    std::array<TlbMeta, kTlbEntries> m_xmeta{};
    u64 m_tlb_priv = 0;  // kUserTag at CPL 3, else 0: or-ed into the tag on lookup
    unsigned m_cpl = 0;
    // Control registers as last seen by the TLB: a difference at run() start flushes it.
    u64 m_seen_cr0 = 0, m_seen_cr3 = 0, m_seen_cr4 = 0, m_seen_efer = 0;
    CodeCache m_code;
    CodePage* m_cur_code = nullptr;  // page of the last fetch, re-looked-up on epoch change
    u64 m_cur_code_tag = 1;
    u64 m_cur_epoch = 0;
    Insn m_uncached;  // instruction fetched from MMIO: decoded every time

    i64 m_tsc_epoch_ns = 0;

    // Interrupts and exceptions (interrupts.cpp).
    ExceptionDelivery m_delivery = ExceptionDelivery::ReturnEvents;
    MsrDelegate* m_msr_delegate = nullptr;
    std::array<u64, 4> m_pending_ext{};  // external vectors waiting, as a bitmap
    bool m_ext_any = false;
    bool m_nmi_pending = false;
    bool m_nmi_blocked = false;  // from NMI delivery until the next IRET
    bool m_halted = false;
    bool m_attention = false;  // the loop must look at interrupts/shadow between insns
    u8 m_shadow = 0;           // instructions left in an interrupt shadow (2 = set by this one)
    std::array<FaultRecord, 4> m_chain{};  // see shutdown_chain()
    std::size_t m_chain_len = 0;
};

}  // namespace flint::x86
