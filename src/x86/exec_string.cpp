// String instructions: MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS with REP/REPE/REPNE.
//
// Restartable: the index and count registers live in locals while an instruction iterates
// and are written back whenever it stops. A fault in iteration k leaves them describing
// iterations k.. still to do, with RIP on the instruction (the run loop puts it back), as
// hardware does. A long REP also stops after kIterationsPerCall iterations with RIP on
// itself: the run loop counts that as one instruction against its budget, so interrupts
// get their chance between chunks, and the next step simply carries on.
//
// Hot path (REP MOVS/STOS with DF=0 over RAM): whole runs within a page are copied or
// filled through host pointers from the CPU's TLB instead of one element at a time.
#include <algorithm>
#include <cstring>

#include "x86/exec.h"

namespace flint::x86 {
namespace {

constexpr u8 kRax = static_cast<u8>(Reg::Rax);
constexpr u8 kRcx = static_cast<u8>(Reg::Rcx);
constexpr u8 kRdx = static_cast<u8>(Reg::Rdx);
constexpr u8 kRsi = static_cast<u8>(Reg::Rsi);
constexpr u8 kRdi = static_cast<u8>(Reg::Rdi);
constexpr unsigned kEs = static_cast<unsigned>(Seg::Es);

constexpr u64 kIterationsPerCall = 4096;

// Which index registers an instruction walks.
enum Uses : unsigned { kSi = 1, kDi = 2 };

// REPE/REPNE end early on CMPS and SCAS only; on the other instructions F2 acts as REP.
enum class Until : u8 { Count, NotEqual, Equal };

// One string instruction in flight: address-size-wide index registers and the count.
struct Walk {
    Walk(Cpu& c, const Insn& i)
        : cpu(c), in(i), size(i.opsize), amask(size_mask(i.addrsize)),
          step(c.flags().test_control(rflags::DF) ? 0 - u64{i.opsize} : u64{i.opsize}),
          rep(i.has(insn_flags::Rep) || i.has(insn_flags::Repne)),
          si(c.reg(kRsi, i.addrsize)), di(c.reg(kRdi, i.addrsize)), count(rep ? c.reg(kRcx, i.addrsize) : 1) {}

    u64 src() const { return cpu.linear(in.seg, si); }  // segment override applies here
    u64 dst() const { return cpu.linear(kEs, di); }     // always ES
    void advance(unsigned uses, u64 n) {
        if (uses & kSi) si = (si + step * n) & amask;
        if (uses & kDi) di = (di + step * n) & amask;
        count -= n;
        done += n;
    }
    // Offsets wrap at the address size: a run must not cross that boundary either.
    u64 bytes_before_wrap(u64 offset) const { return in.addrsize == 8 ? ~u64{0} : amask + 1 - offset; }
    // Nothing is written back until an iteration has completed: REP with a zero count
    // leaves even the upper halves that a 32-bit write would clear.
    void commit(unsigned uses) {
        if (done == 0) return;
        if (uses & kSi) cpu.set_reg(kRsi, in.addrsize, si);
        if (uses & kDi) cpu.set_reg(kRdi, in.addrsize, di);
        if (rep) cpu.set_reg(kRcx, in.addrsize, count);
    }

    Cpu& cpu;
    const Insn& in;
    const unsigned size;
    const u64 amask;
    const u64 step;  // +size or -size, modulo 2^64
    const bool rep;
    u64 si, di, count;
    u64 done = 0;
};

Until until(const Insn& in) {
    if (in.has(insn_flags::Rep)) return Until::NotEqual;
    if (in.has(insn_flags::Repne)) return Until::Equal;
    return Until::Count;
}

// The iteration loop shared by all seven instructions. `one` performs one iteration
// (false: a fault is pending); `bulk` may perform up to n at once and returns how many
// (0: not applicable here, do one the slow way). `equal` reports the last comparison.
template <class One, class Bulk>
Event iterate(Walk& w, unsigned uses, Until stop, One one, Bulk bulk, const bool* equal) {
    u64 budget = kIterationsPerCall;
    while (w.count != 0) {
        if (budget == 0) {  // pause for the run loop: resume at this instruction
            w.commit(uses);
            w.cpu.state().rip = w.cpu.insn_rip();
            return Event::none();
        }
        const u64 n = w.rep ? bulk(std::min(w.count, budget)) : 0;
        if (n != 0) {
            w.advance(uses, n);
            budget -= n;
            continue;
        }
        if (!one()) {
            w.commit(uses);
            return w.cpu.fault();
        }
        w.advance(uses, 1);
        --budget;
        if (!w.rep) break;
        if ((stop == Until::NotEqual && !*equal) || (stop == Until::Equal && *equal)) break;
    }
    w.commit(uses);
    return Event::none();
}

constexpr auto kNoBulk = [](u64) -> u64 { return 0; };

// How many whole elements from `lin` (segment `seg`, `offset`) fit before the end of its
// page, before the offset wraps at the address size and before the segment's limit.
u64 elements_in_page(const Walk& w, unsigned seg, u64 lin, u64 offset) {
    const u64 bytes = std::min({kPageSize - (lin & kPageMask), w.bytes_before_wrap(offset),
                                w.cpu.bytes_in_segment(seg, offset)});
    return bytes / w.size;
}

// REP MOVS forwards over RAM, up to n elements within the current source and destination
// pages. A destination that starts inside the source run must see its own earlier stores
// (the classic pattern-replicating copy), so that case goes element by element.
u64 bulk_movs(Walk& w, u64 n) {
    if (w.step != w.size) return 0;
    const u64 s = w.src(), d = w.dst();
    n = std::min({n, elements_in_page(w, w.in.seg, s, w.si), elements_in_page(w, kEs, d, w.di)});
    if (n == 0) return 0;
    const u8* hs = w.cpu.host_page_for_read(s);
    if (hs == nullptr) return 0;
    u8* hd = w.cpu.host_page_for_write(d);
    if (hd == nullptr) return 0;
    hs += s & kPageMask;
    hd += d & kPageMask;
    const u64 bytes = n * w.size;
    const auto gap = reinterpret_cast<uintptr_t>(hd) - reinterpret_cast<uintptr_t>(hs);
    if (gap != 0 && gap < bytes) {
        for (u64 i = 0; i < bytes; i += w.size) std::memmove(hd + i, hs + i, w.size);
    } else {
        std::memmove(hd, hs, bytes);
    }
    return n;
}

// REP STOS forwards over RAM, up to n elements within the current destination page.
u64 bulk_stos(Walk& w, u64 n, u64 value) {
    if (w.step != w.size) return 0;
    const u64 d = w.dst();
    n = std::min(n, elements_in_page(w, kEs, d, w.di));
    if (n == 0) return 0;
    u8* hd = w.cpu.host_page_for_write(d);
    if (hd == nullptr) return 0;
    hd += d & kPageMask;
    if (w.size == 1) {
        std::memset(hd, static_cast<int>(value & 0xff), n);
    } else {
        u8 element[8];
        store_le(element, value);  // little-endian image; the first `size` bytes are the element
        for (u64 i = 0; i < n; ++i) std::memcpy(hd + i * w.size, element, w.size);
    }
    return n;
}

}  // namespace

Event op_movs(Cpu& cpu, const Insn& in) {
    Walk w(cpu, in);
    auto one = [&] {
        u64 v;
        return cpu.read_mem(w.src(), w.size, v) && cpu.write_mem(w.dst(), w.size, v);
    };
    return iterate(w, kSi | kDi, Until::Count, one, [&](u64 n) { return bulk_movs(w, n); }, nullptr);
}

Event op_stos(Cpu& cpu, const Insn& in) {
    Walk w(cpu, in);
    const u64 value = cpu.reg(kRax, in.opsize);
    auto one = [&] { return cpu.write_mem(w.dst(), w.size, value); };
    return iterate(w, kDi, Until::Count, one, [&](u64 n) { return bulk_stos(w, n, value); }, nullptr);
}

Event op_lods(Cpu& cpu, const Insn& in) {
    Walk w(cpu, in);
    auto one = [&] {
        u64 v;
        if (!cpu.read_mem(w.src(), w.size, v)) return false;
        cpu.set_reg(kRax, w.size, v);
        return true;
    };
    return iterate(w, kSi, Until::Count, one, kNoBulk, nullptr);
}

// CMPS compares [rSI] - [rDI]; SCAS compares rAX - [rDI]. Flags are those of the last
// comparison made; a fault keeps those of the iteration before it.
Event op_cmps(Cpu& cpu, const Insn& in) {
    Walk w(cpu, in);
    bool equal = false;
    auto one = [&] {
        u64 a, b;
        if (!cpu.read_mem(w.src(), w.size, a) || !cpu.read_mem(w.dst(), w.size, b)) return false;
        cpu.flags().set_sub(w.size, a, b, (a - b) & size_mask(w.size));
        equal = a == b;
        return true;
    };
    return iterate(w, kSi | kDi, until(in), one, kNoBulk, &equal);
}

Event op_scas(Cpu& cpu, const Insn& in) {
    Walk w(cpu, in);
    const u64 a = cpu.reg(kRax, in.opsize);
    bool equal = false;
    auto one = [&] {
        u64 b;
        if (!cpu.read_mem(w.dst(), w.size, b)) return false;
        cpu.flags().set_sub(w.size, a, b, (a - b) & size_mask(w.size));
        equal = a == b;
        return true;
    };
    return iterate(w, kDi, until(in), one, kNoBulk, &equal);
}

// INS checks that the destination is writable before reading the port, so that a fault
// does not consume device data the restarted instruction would then miss.
// The port permission is checked once, before the first iteration (even a count of zero).
Event op_ins(Cpu& cpu, const Insn& in) {
    if (!check_io(cpu, static_cast<u16>(cpu.reg(kRdx, 2)), in.opsize)) return cpu.fault();
    Walk w(cpu, in);
    auto one = [&] {
        const u64 d = w.dst();
        if (!cpu.probe_write(d, w.size)) return false;
        const u32 v = cpu.bus().port_in(static_cast<u16>(cpu.reg(kRdx, 2)), w.size);
        return cpu.write_mem(d, w.size, v);
    };
    return iterate(w, kDi, Until::Count, one, kNoBulk, nullptr);
}

Event op_outs(Cpu& cpu, const Insn& in) {
    if (!check_io(cpu, static_cast<u16>(cpu.reg(kRdx, 2)), in.opsize)) return cpu.fault();
    Walk w(cpu, in);
    auto one = [&] {
        u64 v;
        if (!cpu.read_mem(w.src(), w.size, v)) return false;
        cpu.bus().port_out(static_cast<u16>(cpu.reg(kRdx, 2)), w.size, static_cast<u32>(v));
        return true;
    };
    return iterate(w, kSi, Until::Count, one, kNoBulk, nullptr);
}

}  // namespace flint::x86
