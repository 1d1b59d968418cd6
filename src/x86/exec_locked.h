#pragma once
// Locked read-modify-write (LOCK prefix; XCHG with memory always): the software CPU's
// vCPUs run on host threads that share guest RAM, so the read and the write of a locked
// instruction must be one atomic host operation. Otherwise another vCPU's store could
// land in between, and every spinlock, reference count and lock-free list of an SMP
// guest would break at random.
//
// The operation is a compare-and-swap loop on the host copy of guest RAM: `fn` maps the
// value seen to the value to store and may run more than once, so it must have no side
// effects. Operands that are not naturally aligned (split locks, which hardware makes
// atomic at great cost and Linux treats as a bug) and MMIO take the plain path.
#include "x86/exec.h"

namespace flint::x86 {

namespace locked_detail {

template <class T, class Fn>
u64 update(u8* p, Fn& fn) {
    T* q = reinterpret_cast<T*>(p);
    T seen = __atomic_load_n(q, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(q, &seen, static_cast<T>(fn(u64{seen})), false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_RELAXED)) {
    }
    return seen;
}

}  // namespace locked_detail

// Atomically replaces the `size`-byte value at host address `p` (1, 2, 4 or 8 bytes) with
// fn(value); returns the value replaced.
template <class Fn>
u64 atomic_update(u8* p, unsigned size, Fn&& fn) {
    switch (size) {
    case 1: return locked_detail::update<u8>(p, fn);
    case 2: return locked_detail::update<u16>(p, fn);
    case 4: return locked_detail::update<u32>(p, fn);
    default: return locked_detail::update<u64>(p, fn);
    }
}

// Read-modify-write of `size` bytes at `lin`: `old` receives the value read and fn(old)
// is stored, atomically when `locked`. False: a fault is pending and memory is unchanged.
template <class Fn>
bool rmw_mem(Cpu& cpu, u64 lin, unsigned size, bool locked, u64& old, Fn&& fn) {
    if (!cpu.read_mem(lin, size, old)) return false;
    if (locked) {
        u8* target = nullptr;
        if (!cpu.locked_target(lin, size, target)) return false;
        if (target != nullptr) {
            old = atomic_update(target, size, fn);
            return true;
        }
    }
    return cpu.write_mem(lin, size, fn(old));
}

// The same on the E operand (a register needs no atomicity). `locked` defaults to the
// instruction's LOCK prefix.
template <class Fn>
bool rmw_e(Cpu& cpu, const Insn& in, u64& old, Fn&& fn, bool locked = false) {
    if (!in.mem()) {
        old = cpu.reg(in.rm, in.esize);
        cpu.set_reg(in.rm, in.esize, fn(old));
        return true;
    }
    return rmw_mem(cpu, cpu.linear(in), in.esize, locked || in.has(insn_flags::Lock), old, fn);
}

}  // namespace flint::x86
