// bench/x86-mips: guest instructions per second of the software x86-64 CPU (src/x86) on
// fixed kernels, and the ratio to native execution of the same code on this machine.
//
// The kernels live in kernels.S. The host calls them directly; for the emulator the same
// bytes are copied into a FlatMemory and entered with the same arguments (pointers moved
// into guest memory), a return address that points at a HLT, until the CPU halts. Every
// emulated run is checked against the native result and the native memory image, so the
// benchmark doubles as a correctness test (the ctest smoke test relies on exactly that).
//
// Both sides are charged the same instruction count: the emulator's retired() over the
// run, minus the final HLT. The code and the input are identical, so the dynamic count
// is too; only REP string instructions differ (see kNoteRep).
//
// The machine may be shared and loaded, so native and emulated runs alternate (which one
// goes first alternates as well) and the figures are medians with their min-max; the
// slowdown is the median of the per-pair ratios, which cancels slow drifts in load. Times
// are the thread's CPU time, which leaves out the time other processes hold the CPU (wall
// time varied by 2x between identical runs on a busy two-core machine); the JSON output
// carries the wall times too.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>

#include <time.h>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "x86/cpu.h"
#include "x86/flat_memory.h"

extern "C" {
// Defined in kernels.S. All kernels are declared with three u64 arguments so that one
// function type covers them: SysV passes rdi/rsi/rdx whether a kernel reads them or not.
flint::u64 x86mips_int(flint::u64, flint::u64, flint::u64);
flint::u64 x86mips_bytes(flint::u64, flint::u64, flint::u64);
flint::u64 x86mips_rep(flint::u64, flint::u64, flint::u64);
flint::u64 x86mips_isort(flint::u64, flint::u64, flint::u64);
flint::u64 x86mips_vm(flint::u64, flint::u64, flint::u64);
extern const flint::u8 x86mips_code_start[];
extern const flint::u8 x86mips_code_end[];
}

namespace flint::x86mips {
namespace {

using x86::Cpu;
using x86::CpuMode;
using x86::CpuModel;
using x86::Event;
using x86::EventKind;
using x86::FlatMemory;
using x86::Reg;
using KernelFn = u64(u64, u64, u64);
using Clock = std::chrono::steady_clock;

// Guest-physical layout (no paging: linear = physical). The HLT sits apart from the code
// so that a kernel returning anywhere else is caught as "did not reach the HLT".
constexpr u64 kHltAddr = 0x800;
constexpr u64 kCodeAddr = 0x1000;
constexpr u64 kStackTop = 0x10000;
constexpr u64 kDataAddr = 0x100000;
constexpr u64 kPage = 4096;
// A runaway guest (an interpreter bug looping forever) must fail, not hang the smoke test.
constexpr u64 kMaxGuestInsns = 50'000'000'000;

constexpr const char* kNoteRep =
    "The emulator retires a long REP in chunks of 4096 iterations and counts each chunk, where "
    "the hardware retires one instruction: compare MB/s and slowdown here, not MIPS.";

u64 round_up(u64 v, u64 align) { return (v + align - 1) / align * align; }

// Both clocks at one instant. CPU time is the calling thread's: the benchmark is single-
// threaded and the emulator runs on the calling thread.
struct Stamp {
    double cpu = 0, wall = 0;
    static Stamp now() {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return {static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9,
                std::chrono::duration<double>(Clock::now().time_since_epoch()).count()};
    }
    Stamp operator-(const Stamp& o) const { return {cpu - o.cpu, wall - o.wall}; }
    Stamp operator/(double d) const { return {cpu / d, wall / d}; }
};

// An argument is either a plain value or an offset into the kernel's data image, which
// becomes a host pointer natively and a guest address under emulation.
struct Arg {
    u64 value = 0;
    bool data_offset = false;
};

struct Kernel {
    std::string name;
    std::string what;
    KernelFn* fn = nullptr;
    std::vector<u8> data;  // initial data image, restored before every run on both sides
    std::array<Arg, 3> args{};
    // String kernels: bytes the string operations go through per run (each copy, fill or
    // scan of n bytes counts n), for MB/s; 0 for the others.
    u64 bytes_per_run = 0;
    bool rep_counts = false;  // retired count includes REP chunk restarts (kNoteRep)
};

// Page-aligned host buffer, so that native and guest data share their alignment.
struct AlignedBuffer {
    struct Free {
        void operator()(u8* p) const { std::free(p); }
    };
    std::unique_ptr<u8, Free> ptr;
    explicit AlignedBuffer(u64 n)
        : ptr(static_cast<u8*>(std::aligned_alloc(kPage, round_up(std::max<u64>(n, 1), kPage)))) {
        if (!ptr) throw std::bad_alloc();
    }
    u8* data() const { return ptr.get(); }
};

// Source string for the string kernels: n bytes, none zero but the last.
std::vector<u8> string_image(u64 n) {
    std::vector<u8> img(2 * n, 0);
    for (u64 i = 0; i + 1 < n; ++i) img[i] = static_cast<u8>(1 + (i * 131 + 7) % 255);
    return img;
}

// The bytecode program run by x86mips_vm (opcodes documented in kernels.S): an LCG loop
// whose body takes one of two paths on a pseudo-random bit, `count` times.
constexpr u64 kVmProgram = 0, kVmRegsIn = 64, kVmRegsOut = 192, kVmImage = 320;
std::vector<u8> vm_image(u64 count) {
    enum : u8 { Halt, Add, Xor, And, Mul, Shri, Addi, Jz, Jnz, Jmp };
    const std::array<std::array<u8, 4>, 11> prog{{
        {Mul, 2, 2, 3},                       // 0: r2 = r2 * r3        (LCG step)
        {Addi, 2, 2, 1},                      // 1: r2 += 1
        {Shri, 4, 2, 60},                     // 2: r4 = r2 >> 60       (top 4 bits)
        {And, 5, 4, 6},                       // 3: r5 = r4 & r6 (r6 = 1)
        {Jz, 5, 0, 2},                        // 4: if r5 == 0 goto 7
        {Add, 0, 0, 4},                       // 5: r0 += r4
        {Jmp, 0, 0, 1},                       // 6: goto 8
        {Xor, 0, 0, 2},                       // 7: r0 ^= r2
        {Addi, 1, 1, static_cast<u8>(-1)},    // 8: r1 -= 1
        {Jnz, 1, 0, static_cast<u8>(-10)},    // 9: if r1 != 0 goto 0
        {Halt, 0, 0, 0},                      // 10
    }};
    std::vector<u8> img(kVmImage, 0);
    for (std::size_t i = 0; i < prog.size(); ++i) std::memcpy(&img[kVmProgram + 4 * i], prog[i].data(), 4);
    std::array<u64, 16> regs{};
    regs[1] = count;
    regs[2] = 0x243f6a8885a308d3;  // seed
    regs[3] = 6364136223846793005;  // Knuth's MMIX LCG multiplier
    regs[6] = 1;
    std::memcpy(&img[kVmRegsIn], regs.data(), sizeof regs);
    return img;
}

struct Sizes {
    u64 int_iters, str_bytes, bytes_passes, rep_passes, sort_n, sort_passes, vm_count;
};
// Full sizes make every kernel about 30-40 million guest instructions (the REP kernel
// about as much work), an emulated run of roughly 0.4 s of CPU time at the interpreter's
// speed when this was written; --scale adjusts them. --quick only has to exercise every
// path, including more than one 4096-iteration REP chunk.
constexpr Sizes kFull{2'000'000, 64 * KiB, 50, 2000, 1024, 25, 300'000};
constexpr Sizes kQuick{20'000, 64 * KiB, 2, 4, 64, 2, 2'000};

Sizes scaled(Sizes s, double f) {
    auto mul = [f](u64& v) { v = std::max<u64>(1, static_cast<u64>(static_cast<double>(v) * f + 0.5)); };
    mul(s.int_iters);
    mul(s.bytes_passes);
    mul(s.rep_passes);
    mul(s.sort_passes);
    mul(s.vm_count);
    return s;
}

std::vector<Kernel> make_kernels(const Sizes& s) {
    std::vector<Kernel> k;
    k.push_back({"int", "ALU, shifts, rotates, multiply on registers", x86mips_int, {},
                 {{{s.int_iters, false}, {0x0123456789abcdef, false}, {0, false}}}, 0});
    k.push_back({"bytes", "byte-loop memcpy + strlen over 64 KiB", x86mips_bytes, string_image(s.str_bytes),
                 {{{0, true}, {s.str_bytes, false}, {s.bytes_passes, false}}}, 2 * s.str_bytes * s.bytes_passes});
    k.push_back({"rep", "REP STOSB + REP MOVSB + REPNE SCASB over 64 KiB", x86mips_rep, string_image(s.str_bytes),
                 {{{0, true}, {s.str_bytes, false}, {s.rep_passes, false}}}, 3 * s.str_bytes * s.rep_passes, true});
    k.push_back({"isort", "insertion sort of 32-bit LCG data", x86mips_isort, std::vector<u8>(4 * s.sort_n, 0),
                 {{{0, true}, {s.sort_n, false}, {s.sort_passes, false}}}, 0});
    k.push_back({"vm", "bytecode interpreter (table dispatch)", x86mips_vm, vm_image(s.vm_count),
                 {{{kVmProgram, true}, {kVmRegsIn, true}, {kVmRegsOut, true}}}, 0});
    return k;
}

// Native side: a page-aligned copy of the data image and the kernel called on it.
class NativeRunner {
public:
    explicit NativeRunner(const Kernel& k) : m_k(k), m_buf(k.data.size()) { reset(); }
    void reset() {
        if (!m_k.data.empty()) std::memcpy(m_buf.data(), m_k.data.data(), m_k.data.size());
    }
    u64 call() const {
        std::array<u64, 3> a{};
        for (std::size_t i = 0; i < 3; ++i)
            a[i] = m_k.args[i].data_offset ? reinterpret_cast<u64>(m_buf.data() + m_k.args[i].value)
                                           : m_k.args[i].value;
        return m_k.fn(a[0], a[1], a[2]);
    }
    const u8* data() const { return m_buf.data(); }

private:
    const Kernel& m_k;
    AlignedBuffer m_buf;
};

// Emulated side: one machine per kernel, kept across runs so that the decoded-code cache
// is warm after the warm-up run (steady-state speed is what is being measured).
class GuestRunner {
public:
    explicit GuestRunner(const Kernel& k)
        : m_k(k), m_mem(0, kDataAddr + round_up(std::max<u64>(k.data.size(), 1), kPage)),
          m_cpu(m_mem, CpuModel::flint_default()) {
        const auto* start = x86mips_code_start;
        const u64 len = static_cast<u64>(x86mips_code_end - start);
        if (kCodeAddr + len > kStackTop - kPage) throw std::runtime_error("kernel code does not fit below the stack");
        std::memcpy(m_mem.at(kCodeAddr, len), start, len);
        *m_mem.at(kHltAddr) = 0xf4;  // HLT
        m_entry = kCodeAddr + static_cast<u64>(reinterpret_cast<const u8*>(k.fn) - start);
        m_cpu.set_mode(CpuMode::Long64);
    }

    struct Outcome {
        u64 result = 0;
        u64 insns = 0;  // retired, the final HLT excluded
        Stamp time{};
        std::string error{};  // empty when the kernel returned normally
    };

    Outcome run() {
        // Setup, untimed: fresh data, registers as a SysV call would leave them.
        if (!m_k.data.empty()) {
            std::memcpy(m_mem.at(kDataAddr, m_k.data.size()), m_k.data.data(), m_k.data.size());
            m_cpu.invalidate_code(kDataAddr, m_k.data.size());  // the host wrote guest RAM
        }
        auto& st = m_cpu.state();
        st.gpr.fill(0);
        const u64 rsp = kStackTop - 8;  // RSP+8 16-byte aligned at entry, as after a CALL
        std::memcpy(m_mem.at(rsp, 8), &kHltAddr, sizeof kHltAddr);  // little-endian host
        st.gpr[static_cast<unsigned>(Reg::Rsp)] = rsp;
        constexpr std::array<Reg, 3> arg_regs{Reg::Rdi, Reg::Rsi, Reg::Rdx};
        for (std::size_t i = 0; i < 3; ++i)
            st.gpr[static_cast<unsigned>(arg_regs[i])] =
                m_k.args[i].data_offset ? kDataAddr + m_k.args[i].value : m_k.args[i].value;
        st.rip = m_entry;
        m_cpu.set_rflags(x86::rflags::Fixed1);  // DF clear, as SysV requires

        Outcome o;
        const u64 before = m_cpu.retired();
        const Stamp t0 = Stamp::now();
        Event e;
        do {
            e = m_cpu.run(u64{1} << 30);
        } while (e.kind == EventKind::None && m_cpu.retired() - before < kMaxGuestInsns);
        o.time = Stamp::now() - t0;
        o.insns = m_cpu.retired() - before;
        if (e.kind != EventKind::Halt || st.rip != kHltAddr + 1) {
            char buf[160];
            std::snprintf(buf, sizeof buf, "guest stopped with event %d vector %d at rip 0x%llx", static_cast<int>(e.kind),
                          static_cast<int>(e.vector), static_cast<unsigned long long>(st.rip));
            o.error = buf;
            return o;
        }
        o.insns -= 1;  // the HLT is the harness's, not the kernel's
        o.result = st.gpr[static_cast<unsigned>(Reg::Rax)];
        return o;
    }
    const u8* data() { return m_mem.at(kDataAddr, std::max<u64>(m_k.data.size(), 1)); }

private:
    const Kernel& m_k;
    FlatMemory m_mem;
    Cpu m_cpu;
    u64 m_entry = 0;
};

struct Stats {
    double median = 0, min = 0, max = 0;
};
Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    const double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return {med, v.front(), v.back()};
}

struct Result {
    std::string name{}, what{};
    bool ok = true;
    std::string error{};
    u64 native_result = 0, guest_insns = 0, native_reps = 0, bytes_per_run = 0;
    bool rep_counts = false;
    std::vector<double> native_s{}, emu_s{}, ratio{};  // CPU time
    std::vector<double> native_wall_s{}, emu_wall_s{};
};

// Times `reps` back-to-back native calls and returns seconds per call. Repeating keeps a
// native sample long enough (~0.1 s) to be measurable next to a millisecond scheduler tick.
Stamp time_native(const NativeRunner& nr, u64 reps, u64 expect, bool& ok) {
    const Stamp t0 = Stamp::now();
    u64 acc = 0;
    for (u64 i = 0; i < reps; ++i) acc |= nr.call() ^ expect;
    const Stamp t = Stamp::now() - t0;
    ok = ok && acc == 0;
    return t / static_cast<double>(reps);
}

Result measure(const Kernel& k, unsigned runs, double native_target_s) {
    Result r;
    r.name = k.name;
    r.what = k.what;
    r.bytes_per_run = k.bytes_per_run;
    r.rep_counts = k.rep_counts;
    NativeRunner nr(k);
    GuestRunner gr(k);

    auto check_guest = [&](const GuestRunner::Outcome& o, GuestRunner& g) {
        if (!o.error.empty()) {
            r.ok = false;
            r.error = o.error;
        } else if (o.result != r.native_result) {
            r.ok = false;
            char buf[120];
            std::snprintf(buf, sizeof buf, "result 0x%llx, native 0x%llx", static_cast<unsigned long long>(o.result),
                          static_cast<unsigned long long>(r.native_result));
            r.error = buf;
        } else if (!k.data.empty() && std::memcmp(g.data(), nr.data(), k.data.size()) != 0) {
            r.ok = false;
            r.error = "guest memory differs from native memory after the run";
        } else if (r.guest_insns != 0 && o.insns != r.guest_insns) {
            r.ok = false;
            r.error = "retired count changed between runs";
        }
        r.guest_insns = o.insns;
        return r.ok;
    };

    // Warm-up: fills caches and the decoded-code cache, gives the reference result and the
    // native repetition count.
    nr.reset();
    const Stamp t0 = Stamp::now();
    r.native_result = nr.call();
    const double once = (Stamp::now() - t0).cpu;
    r.native_reps = std::clamp<u64>(static_cast<u64>(native_target_s / std::max(once, 1e-9)) + 1, 1, 100'000);
    if (!check_guest(gr.run(), gr)) return r;

    for (unsigned i = 0; i < runs; ++i) {
        Stamp ns{};
        GuestRunner::Outcome o;
        bool native_ok = true;
        auto native = [&] {
            nr.reset();
            ns = time_native(nr, r.native_reps, r.native_result, native_ok);
        };
        if (i % 2 == 0) {
            native();
            o = gr.run();
        } else {
            o = gr.run();
            native();
        }
        if (!native_ok) {
            r.ok = false;
            r.error = "native result changed between calls";
            return r;
        }
        if (!check_guest(o, gr)) return r;
        r.native_s.push_back(ns.cpu);
        r.emu_s.push_back(o.time.cpu);
        r.ratio.push_back(o.time.cpu / ns.cpu);
        r.native_wall_s.push_back(ns.wall);
        r.emu_wall_s.push_back(o.time.wall);
    }
    return r;
}

std::string read_first_line(const char* path, const char* prefix = nullptr) {
    std::ifstream f(path);
    std::string line;
    while (std::getline(f, line))
        if (prefix == nullptr || line.rfind(prefix, 0) == 0) return line;
    return {};
}

std::string host_cpu() {
    std::string l = read_first_line("/proc/cpuinfo", "model name");
    const auto colon = l.find(':');
    return colon == std::string::npos ? l : l.substr(l.find_first_not_of(' ', colon + 1));
}

std::string loadavg() {
    std::string l = read_first_line("/proc/loadavg");
    // "1.00 2.00 3.00 r/t pid": keep the three averages.
    std::size_t pos = 0;
    for (int i = 0; i < 3 && pos != std::string::npos; ++i) pos = l.find(' ', pos + 1);
    return l.substr(0, pos);
}

double mips(u64 insns, double s) { return static_cast<double>(insns) / s / 1e6; }

std::string fmt_ms(const Stats& s) {
    char b[64];
    std::snprintf(b, sizeof b, "%.1f [%.1f-%.1f]", s.median * 1e3, s.min * 1e3, s.max * 1e3);
    return b;
}

int run_main(int argc, char** argv) {
    CLI::App app{"Guest MIPS of the software x86-64 CPU on fixed kernels, against native execution"};
    bool quick = false;
    unsigned runs = 0;
    std::string json_path;
    double scale = 1.0;
    app.add_flag("--quick", quick, "small inputs and one run per kernel: a correctness smoke run");
    app.add_option("--runs", runs, "alternating native/emulated runs per kernel (default 7, --quick 1)");
    app.add_option("--json", json_path, "also write the figures to this file");
    app.add_option("--scale", scale, "multiply the iteration and pass counts (not the buffer sizes)")
        ->check(CLI::Range(1e-3, 1e3));
    CLI11_PARSE(app, argc, argv);
    if (runs == 0) runs = quick ? 1 : 7;

    const std::string load_start = loadavg();
    const auto kernels = make_kernels(scaled(quick ? kQuick : kFull, scale));
    std::vector<Result> results;
    for (const auto& k : kernels) {
        std::fprintf(stderr, "x86-mips: %s...\n", k.name.c_str());
        results.push_back(measure(k, runs, quick ? 0.0 : 0.1));
    }
    const std::string load_end = loadavg();

    std::printf("x86-mips: software x86-64 CPU (src/x86) vs native, same code and input%s\n",
                quick ? " (--quick: smoke run, timings meaningless)" : "");
    std::printf("host: %s, %u hardware threads; load average %s at start, %s at end\n", host_cpu().c_str(),
                std::thread::hardware_concurrency(), load_start.c_str(), load_end.c_str());
    std::printf("%u alternating runs per kernel; CPU time per run as median [min-max]\n\n", runs);
    std::printf("%-6s %13s %22s %22s %9s %9s %22s %15s  %s\n", "kernel", "insns/run", "native ms", "emulated ms",
                "nat MIPS", "emu MIPS", "slowdown (emu/nat)", "MB/s nat/emu", "check");
    bool all_ok = true;
    nlohmann::json jk = nlohmann::json::array();
    for (const auto& r : results) {
        all_ok = all_ok && r.ok;
        if (r.native_s.empty()) {
            std::printf("%-6s %s\n", r.name.c_str(), ("FAIL: " + r.error).c_str());
            jk.push_back({{"name", r.name}, {"ok", false}, {"error", r.error}});
            continue;
        }
        const Stats ns = stats(r.native_s), es = stats(r.emu_s), rs = stats(r.ratio);
        char ratio[64], mbs[48] = "-", insns[32];
        std::snprintf(ratio, sizeof ratio, "%.1fx [%.1f-%.1f]", rs.median, rs.min, rs.max);
        const double emu_mbs = r.bytes_per_run ? static_cast<double>(r.bytes_per_run) / es.median / 1e6 : 0;
        const double nat_mbs = r.bytes_per_run ? static_cast<double>(r.bytes_per_run) / ns.median / 1e6 : 0;
        if (r.bytes_per_run) std::snprintf(mbs, sizeof mbs, "%.0f/%.0f", nat_mbs, emu_mbs);
        std::snprintf(insns, sizeof insns, "%llu%s", static_cast<unsigned long long>(r.guest_insns),
                      r.rep_counts ? "*" : "");
        std::printf("%-6s %13s %22s %22s %9.0f %9.1f %22s %15s  %s\n", r.name.c_str(), insns, fmt_ms(ns).c_str(),
                    fmt_ms(es).c_str(),
                    mips(r.guest_insns, ns.median), mips(r.guest_insns, es.median), ratio, mbs,
                    r.ok ? "ok" : ("FAIL: " + r.error).c_str());
        auto st = [](const Stats& s, const std::vector<double>& v) {
            return nlohmann::json{{"median", s.median}, {"min", s.min}, {"max", s.max}, {"samples", v}};
        };
        nlohmann::json j{{"name", r.name},
                         {"description", r.what},
                         {"ok", r.ok},
                         {"result", r.native_result},
                         {"guest_insns_per_run", r.guest_insns},
                         {"native_calls_per_sample", r.native_reps},
                         {"native_s", st(ns, r.native_s)},
                         {"emulated_s", st(es, r.emu_s)},
                         {"native_mips", mips(r.guest_insns, ns.median)},
                         {"emulated_mips", mips(r.guest_insns, es.median)},
                         {"slowdown", st(rs, r.ratio)},
                         {"native_wall_s", st(stats(r.native_wall_s), r.native_wall_s)},
                         {"emulated_wall_s", st(stats(r.emu_wall_s), r.emu_wall_s)}};
        if (r.bytes_per_run) {
            j["bytes_per_run"] = r.bytes_per_run;
            j["emulated_mb_s"] = emu_mbs;
            j["native_mb_s"] = nat_mbs;
        }
        if (r.rep_counts) j["note"] = kNoteRep;
        if (!r.ok) j["error"] = r.error;
        jk.push_back(j);
    }
    std::printf("\nMIPS = insns/run / median CPU time; insns/run is the emulator's retired count (HLT\n"
                "excluded), charged to both sides. Slowdown = median of the per-pair time ratios.\n"
                "* %s\n",
                kNoteRep);

    if (!json_path.empty()) {
        nlohmann::json out{{"benchmark", "x86-mips"},
                           {"quick", quick},
                           {"runs", runs},
                         {"scale", scale},
                         {"clock", "thread CPU time (CLOCK_THREAD_CPUTIME_ID); *_wall_s: steady_clock"},
                           {"host", {{"cpu", host_cpu()},
                                     {"hardware_threads", std::thread::hardware_concurrency()},
                                     {"loadavg_start", load_start},
                                     {"loadavg_end", load_end}}},
                           {"kernels", jk}};
        std::ofstream f(json_path);
        f << out.dump(2) << '\n';
        if (!f) {
            std::fprintf(stderr, "x86-mips: cannot write %s\n", json_path.c_str());
            return 2;
        }
    }
    if (!all_ok) std::fprintf(stderr, "x86-mips: FAIL: an emulated result differs from the native one\n");
    return all_ok ? 0 : 1;
}

}  // namespace
}  // namespace flint::x86mips

int main(int argc, char** argv) {
    try {
        return flint::x86mips::run_main(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "x86-mips: %s\n", e.what());
        return 2;
    }
}
