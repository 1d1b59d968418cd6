#include "bench/host_info.h"

#include <cpuid.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <x86intrin.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <thread>

#include <fmt/format.h>

namespace flint::bench {

namespace {

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with("model name")) continue;
        const size_t colon = line.find(':');
        if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
    return "unknown";
}

// Counts TSC ticks over 100 ms of the monotonic clock: good to a fraction of a percent,
// which is all the guest's clock needs.
u64 measure_tsc_khz() {
    using Clock = std::chrono::steady_clock;
    const Clock::time_point t0 = Clock::now();
    const unsigned long long c0 = __rdtsc();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const unsigned long long c1 = __rdtsc();
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    return static_cast<u64>(static_cast<double>(c1 - c0) / s / 1000.0);
}

}  // namespace

double load_average() {
    double load[1] = {0};
    return ::getloadavg(load, 1) == 1 ? load[0] : 0;
}

HostInfo probe_host() {
    HostInfo h;
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", &tm);
    h.date_utc = date;
    h.cpu_model = cpu_model();
    h.cpus = std::thread::hardware_concurrency();
    struct sysinfo si{};
    if (::sysinfo(&si) == 0) h.memory_gib = static_cast<double>(si.totalram) * si.mem_unit / (1024.0 * 1024 * 1024);
    struct utsname u{};
    if (::uname(&u) == 0) h.kernel = u.release;
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx)) h.nested = (ecx >> 31) & 1;
    if (h.nested) {
        __cpuid(0x40000000, eax, ebx, ecx, edx);
        char sig[13] = {};
        std::memcpy(sig, &ebx, 4);
        std::memcpy(sig + 4, &ecx, 4);
        std::memcpy(sig + 8, &edx, 4);
        h.hypervisor = sig;
    }
    h.tsc_khz = measure_tsc_khz();
    h.load_start = load_average();
    return h;
}

}  // namespace flint::bench
