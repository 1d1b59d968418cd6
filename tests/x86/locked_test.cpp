// Locked instructions on two software CPUs running at once on two host threads over the
// same guest RAM, as the vCPUs of an SMP guest do: no increment may be lost, and a
// spinlock built on LOCK CMPXCHG must exclude.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "exec_test_util.h"

namespace flint::x86::test {
namespace {

constexpr u64 kCounters = 0x9000;
constexpr u32 kIterations = 200'000;

// Runs `code` (at 0x1000 + 0x100 * cpu) on two CPUs at once until both halt.
void run_on_two_cpus(FlatMemory& mem, const std::vector<u8>& code) {
    std::atomic<int> ready{0};
    auto body = [&](unsigned index) {
        Cpu cpu(mem, CpuModel::flint_default());
        cpu.set_mode(CpuMode::Long64);
        const u64 at = kCodeAddr + 0x100 * index;
        std::copy(code.begin(), code.end(), mem.at(at, code.size()));
        cpu.state().rip = at;
        cpu.state().gpr[static_cast<unsigned>(Reg::Rsp)] = kStackTop - 0x1000 * index;
        ready.fetch_add(1);
        while (ready.load() < 2) {
        }
        Event e;
        do {
            e = cpu.run(1'000'000);
        } while (e.kind == EventKind::None);
        EXPECT_EQ(e.kind, EventKind::Halt) << "CPU " << index << " stopped at RIP " << cpu.state().rip;
    };
    std::thread other(body, 1);
    body(0);
    other.join();
}

u64 peek32(FlatMemory& mem, u64 addr) {
    u32 v;
    std::memcpy(&v, mem.at(addr, 4), 4);
    return v;
}

std::vector<u8> with_count(std::vector<u8> body) {
    // mov r15d, kIterations; body; dec r15d; jnz body; hlt
    std::vector<u8> code;
    code.reserve(body.size() + 12);
    code.push_back(0x41);
    code.push_back(0xbf);
    for (unsigned i = 0; i < 4; ++i) code.push_back(static_cast<u8>(kIterations >> (8 * i)));
    for (u8 b : body) code.push_back(b);
    const auto back = static_cast<int>(body.size() + 5);
    for (u8 b : {u8{0x41}, u8{0xff}, u8{0xcf}, u8{0x75}, static_cast<u8>(-back), u8{0xf4}}) code.push_back(b);
    return code;
}

TEST(Locked, IncXaddAddAndXchgLoseNothingAcrossThreads) {
    FlatMemory mem(0, kMemSize);
    run_on_two_cpus(mem, with_count({
                             0xf0, 0xff, 0x04, 0x25, 0x00, 0x90, 0x00, 0x00,        // lock inc dword [0x9000]
                             0xb8, 0x01, 0x00, 0x00, 0x00,                          // mov eax, 1
                             0xf0, 0x0f, 0xc1, 0x04, 0x25, 0x08, 0x90, 0x00, 0x00,  // lock xadd [0x9008], eax
                             0xf0, 0x83, 0x04, 0x25, 0x10, 0x90, 0x00, 0x00, 0x03,  // lock add dword [0x9010], 3
                             0xf0, 0x0f, 0xba, 0x2c, 0x25, 0x18, 0x90, 0x00, 0x00, 0x00,  // lock bts dword [0x9018], 0
                             0xf0, 0x0f, 0xba, 0x34, 0x25, 0x18, 0x90, 0x00, 0x00, 0x00,  // lock btr dword [0x9018], 0
                         }));
    EXPECT_EQ(peek32(mem, kCounters), 2u * kIterations);
    EXPECT_EQ(peek32(mem, kCounters + 8), 2u * kIterations);
    EXPECT_EQ(peek32(mem, kCounters + 0x10), 6u * kIterations);
}

TEST(Locked, CmpxchgSpinlockExcludes) {
    FlatMemory mem(0, kMemSize);
    // spin: xor eax, eax; mov edx, 1; lock cmpxchg [0x9020], edx; jnz spin
    //       mov eax, [0x9028]; inc eax; mov [0x9028], eax      (unlocked, under the lock)
    //       mov dword [0x9020], 0                              (release: a plain store)
    run_on_two_cpus(mem, with_count({
                             0x31, 0xc0, 0xba, 0x01, 0x00, 0x00, 0x00,              //
                             0xf0, 0x0f, 0xb1, 0x14, 0x25, 0x20, 0x90, 0x00, 0x00,  //
                             0x75, 0xee,                                            // jnz spin (-18)
                             0x8b, 0x04, 0x25, 0x28, 0x90, 0x00, 0x00,              //
                             0xff, 0xc0,                                            //
                             0x89, 0x04, 0x25, 0x28, 0x90, 0x00, 0x00,              //
                             0xc7, 0x04, 0x25, 0x20, 0x90, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                         }));
    EXPECT_EQ(peek32(mem, kCounters + 0x28), 2u * kIterations);
    EXPECT_EQ(peek32(mem, kCounters + 0x20), 0u);
}

TEST(Locked, Cmpxchg16bSwapsAtomically) {
    FlatMemory mem(0, kMemSize);
    // A 128-bit counter pair bumped with LOCK CMPXCHG16B in a retry loop:
    // retry: mov rax, [0x9040]; mov rdx, [0x9048]; lea rbx, [rax+1]; lea rcx, [rdx+2]
    //        lock cmpxchg16b [0x9040]; jnz retry
    run_on_two_cpus(mem, with_count({
                             0x48, 0x8b, 0x04, 0x25, 0x40, 0x90, 0x00, 0x00,  //
                             0x48, 0x8b, 0x14, 0x25, 0x48, 0x90, 0x00, 0x00,  //
                             0x48, 0x8d, 0x58, 0x01,                          //
                             0x48, 0x8d, 0x4a, 0x02,                          //
                             0xf0, 0x48, 0x0f, 0xc7, 0x0c, 0x25, 0x40, 0x90, 0x00, 0x00,
                             0x75, 0xdc,  // jnz retry (-36)
                         }));
    EXPECT_EQ(peek32(mem, kCounters + 0x40), 2u * kIterations);
    EXPECT_EQ(peek32(mem, kCounters + 0x48), 4u * kIterations);
}

}  // namespace
}  // namespace flint::x86::test
