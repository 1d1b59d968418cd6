#!/usr/bin/env python3
"""Host side of scripts/nested-kvm: boots L1 under QEMU TCG and follows its serial console.

Not meant to be run by hand (scripts/nested-kvm builds the L1 image and passes the paths),
but --help lists the options. Exit status: 0 pass, 1 fail or timeout, 2 usage error.
"""
import argparse
import base64
import binascii
import hashlib
import io
import os
import re
import select
import signal
import subprocess
import sys
import tarfile
import time

PROG = "nested-kvm"

# (marker regex, stage entered when it is seen, what it proves). Order matters.
STAGES = [
    (None, "L1 boot", "QEMU started, L1 kernel booting"),
    (re.compile(rb"^L1-INIT\b", re.M), "L1 kvm", "L1 init running, loading kvm modules"),
    (re.compile(rb"^L1-KVM-READY\b", re.M), "VMM start", "L1 has /dev/kvm"),
    (re.compile(rb"^L1-FLINT-START\b", re.M), "L2 boot",
     "L1 has /dev/kvm, {runner} started, no output from the L2 kernel yet"),
    (re.compile(rb"Linux version \S+(?=\s)"), "L2 boot",
     "L1 has /dev/kvm, {runner} started, L2 kernel printing, no FLINT-GUEST-READY"),
    (re.compile(rb"FLINT-GUEST-READY"), "L2 ready",
     "L1 has /dev/kvm, {runner} started, L2 printed FLINT-GUEST-READY"),
]
I_KVM_READY, I_VMM_STARTED, I_L2_KERNEL, I_L2_READY = 2, 3, 4, 5
EXIT_RE = re.compile(rb"L1-FLINT-EXIT=(\d+)")
FAIL_RE = re.compile(rb"^L1-FAIL=([^\r\n]*)\r?\n", re.M)
KVMCHECK_RE = re.compile(rb"^L1-KVM-CHECK ([^\r\n]*)\r?\n", re.M)
OVERHEAD_RE = re.compile(rb"VMM overhead ([0-9.]+) MiB")
GUEST_TEST_RE = re.compile(rb"^L1-GUEST-TEST (\S+) status=(\d+)", re.M)
PANIC_RE = re.compile(rb"Kernel panic - not syncing: ?(.*)")
# flint's warnings when KVM refuses its ioeventfds or irqfds: it still works (through
# exits and KVM_IRQ_LINE), but then the nested run no longer tests those paths.
EVENTFD_FALLBACK_RE = re.compile(rb"[^\r\n]*(?:they stay on the vCPU threads|interrupts go through KVM_IRQ_LINE instead)")
# --disk-check: what L1 reports about the disk images around the L2 run.
DISK_RO_RE = re.compile(rb"^L1-DISK-RO-MD5 ([0-9a-f]{32})\r*\n", re.M)
DISK_RO_AFTER_RE = re.compile(rb"^L1-DISK-RO-MD5-AFTER ([0-9a-f]*)\r*\n", re.M)
DISK_MD5_RE = re.compile(rb"^L1-DISK-MD5 (\S+) ?([0-9a-f]*)\r*\n", re.M)
DISK_FSCK_RE = re.compile(rb"^L1-DISK-FSCK status=(\d+)", re.M)
# The known file L2 writes on ext4 (the same bytes as `yes LINE | head -c SIZE`).
KNOWN_LINE = b"flint nested ext4 known line\n"
KNOWN_BYTES = 256 << 10


def say(msg):
    print(f"{PROG}: {msg}", file=sys.stderr, flush=True)


class Console:
    """QEMU's serial stream: accumulates bytes, mirrors them to the log, finds markers."""

    def __init__(self, proc, log, echo):
        self.proc = proc
        self.log = log
        self.echo = echo
        self.buf = b""
        self.eof = False

    def pump(self, timeout):
        """Reads whatever arrives within timeout seconds. Returns False at EOF."""
        if self.eof:
            return False
        fd = self.proc.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], max(0.0, timeout))
        if not ready:
            return True
        data = os.read(fd, 65536)
        if not data:
            self.eof = True
            return False
        self.buf += data
        self.log.write(data)
        self.log.flush()
        if self.echo:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        return True

    def type(self, text, delay=0.02):
        """Types text one byte at a time: a VMM's emulated UART may have no flow control."""
        for ch in text.encode():
            self.proc.stdin.write(bytes([ch]))
            self.proc.stdin.flush()
            time.sleep(delay)


BENCH_RE = re.compile(rb"^BENCH vmm=(\S+) run=(\d+) ready_ms=(\S+) exit_ms=(\S+) maxrss_kb=(\d+) status=(\d+)\r?\n", re.M)


MARK_RE = re.compile(rb"BOOT-TIMER (start|ready|exit)\r?\n")


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


BENCH_DISK_RE = re.compile(rb"^BENCH-DISK vmm=(\S+) run=(\d+) status=(\d+)", re.M)
DISK_RESULT_RE = re.compile(rb"FLINT-BENCH-RESULT disk\.(\w+) ([0-9.]+) (MiB/s|IOPS)")
DISK_CHECK_RE = re.compile(rb"FLINT-BENCH-RESULT disk\.seq_read \S+ MiB/s check=([0-9a-f]+)")


def report_disk_bench(buf, runner_name):
    """bench/kvm-boot --disk: the guest's disk-bench figures per VMM. Returns why the
    bench failed, or None."""
    heads = list(BENCH_DISK_RE.finditer(buf))
    runs = []  # (vmm, run, status, {test: value})
    for k, m in enumerate(heads):
        end = heads[k + 1].start() if k + 1 < len(heads) else len(buf)
        figures = {r.group(1).decode(): float(r.group(2)) for r in DISK_RESULT_RE.finditer(buf, m.end(), end)}
        runs.append((m.group(1).decode(), int(m.group(2)), int(m.group(3)), figures))
    tests = [("seq_write", "MiB/s"), ("seq_read", "MiB/s"), ("rand_read", "IOPS"), ("rand_write", "IOPS")]
    complete = [r for r in runs if r[2] == 0 and all(t in r[3] for t, _ in tests)]
    label = {"flint": runner_name, "qemu": "qemu -M microvm"}
    print(f"{'test':12} {'unit':6} {label['flint']:>16} {label['qemu']:>16} {'ratio':>7} {'pairs':>7}  per-pair ratios")
    for t, unit in tests:
        med = {}
        for vmm in ("flint", "qemu"):
            xs = [r[3][t] for r in complete if r[0] == vmm]
            med[vmm] = median(xs) if xs else None
        pairs = []
        for run in sorted({r[1] for r in complete}):
            f = [r[3][t] for r in complete if r[1] == run and r[0] == "flint"]
            q = [r[3][t] for r in complete if r[1] == run and r[0] == "qemu"]
            if f and q and q[0] > 0:
                pairs.append(f[0] / q[0])
        ratio = f"{med['flint'] / med['qemu']:.2f}x" if med["flint"] and med["qemu"] else "-"
        cells = [f"{med[v]:16.1f}" if med[v] is not None else f"{'-':>16}" for v in ("flint", "qemu")]
        pair_median = f"{median(pairs):.2f}x" if pairs else "-"
        print(f"{t:12} {unit:6} {cells[0]} {cells[1]} {ratio:>7} {pair_median:>7}  {', '.join(f'{x:.2f}' for x in pairs)}")
    print(f"({len(complete)} of {len(runs)} runs complete; medians, their ratio, and the median of the "
          f"ratios of runs done back to back; the guest's disk-bench on a 64 MiB raw "
          f"image in L1's RAM, L2 under KVM nested in QEMU TCG: compare ratios, not absolute figures)")
    if len(complete) != len(runs) or not runs:
        return f"{len(runs) - len(complete)} of {len(runs)} disk runs failed or reported no figures (see the log)"
    # seq_read hashes the stamps it read back: one value for every run of either VMM.
    checks = {m.group(1) for m in DISK_CHECK_RE.finditer(buf)}
    if len(checks) != 1:
        return f"disk-bench read back different data across runs (check values {sorted(c.decode() for c in checks)})"
    return None


def l1_command(a, append):
    """The QEMU TCG command line that boots L1."""
    return ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-m", "2G", "-smp", "1",
            "-nographic", "-no-reboot", "-kernel", a.kernel, "-initrd", a.initrd, "-append", append]


def say_last_lines(buf):
    """The last lines of L1's console, for a failure message."""
    text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", buf).decode(errors="replace")
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n") if ln.strip()]
    if lines:
        say("last console lines:")
        for ln in lines[-6:]:
            print(f"    {ln[:200]}", file=sys.stderr)


def start_l1(a, append):
    """Starts QEMU on L1, its console logged to a.log. Returns (proc, console, log, start)."""
    cmd = l1_command(a, append)
    log = open(a.log, "wb")
    log.write(("# " + " ".join(cmd) + "\n").encode())
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    return proc, Console(proc, log, a.echo), log, t0


def pump_l1(con, t0, timeout):
    """Reads L1's console for up to 0.5 s. Returns (alive, failure): failure says that the
    time ran out or what L1 reported with L1-FAIL, else None."""
    left = t0 + timeout - time.monotonic()
    if left <= 0:
        return True, f"timed out after {timeout} s"
    alive = con.pump(min(0.5, left))
    m = FAIL_RE.search(con.buf)
    if m:
        return alive, f"L1 reported: {m.group(1).decode(errors='replace').strip()}"
    return alive, None


class StallWatch:
    """Notices an L1 that froze: under nested SVM, QEMU TCG has been seen to leave L1's vCPU
    halted for good, the process then using no CPU at all. While the bench modes run a
    guest, L1 is never idle that long."""

    def __init__(self, proc, limit=180):
        self.pid = proc.pid
        self.limit = limit
        self.cpu = None
        self.since = time.monotonic()

    def _cpu_ticks(self):
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])   # utime + stime
        except (OSError, IndexError, ValueError):
            return None

    def check(self):
        """Why L1 counts as frozen, or None."""
        now, cpu = time.monotonic(), self._cpu_ticks()
        if cpu is None or cpu != self.cpu:
            self.cpu, self.since = cpu, now
            return None
        if now - self.since < self.limit:
            return None
        return (f"L1 froze: QEMU used no CPU for {self.limit} s (its vCPU halted; seen now and then "
                f"with nested SVM under TCG); run again")


def stop_l1(proc, con, grace):
    """Gives L1 `grace` seconds to power itself off, reading its console, then kills QEMU."""
    end = time.monotonic() + grace
    while proc.poll() is None and time.monotonic() < end:
        con.pump(0.2)
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    while con.pump(0):
        pass


FB_START_RE = re.compile(rb"^L1-FLINT-BENCH-START ([^\r\n]*)\r?\n", re.M)
FB_EXIT_RE = re.compile(rb"^L1-FLINT-BENCH-EXIT=(\d*)", re.M)
FB_OUT_RE = re.compile(rb"^L1-BENCH-OUT-BEGIN\r?\n(.*?)^L1-BENCH-OUT-END", re.M | re.S)


def unpack_bench_out(text, out_dir):
    """Writes the base64 tar.gz L1 printed into out_dir: regular files and directories only,
    each inside out_dir. Returns the names written."""
    data = base64.b64decode(b"".join(text.split()), validate=True)
    names = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            name = os.path.normpath(member.name)
            if name == ".":
                continue
            if name.startswith(("/", "..")) or not (member.isfile() or member.isdir()):
                raise ValueError(f"unexpected entry {member.name!r} in L1's output")
            dest = os.path.join(out_dir, name)
            if member.isdir():
                os.makedirs(dest, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(tar.extractfile(member).read())
            names.append(name)
    return names


def run_flint_bench(a, append):
    """bench/kvm-bench: `flint bench` runs in L1; its progress goes to stderr, its table to
    stdout, and its --out directory into a.flint_bench_out here."""
    load_start = os.getloadavg()[0]
    say(f"booting L1 under QEMU TCG to run flint bench on its /dev/kvm; timeout {a.timeout} s; "
        f"host load average {load_start:.2f}; log: {a.log}")
    proc, con, log, t0 = start_l1(a, append)
    stall = StallWatch(proc)
    failure = None
    said = 0           # buffer offset of the first console line not yet passed on
    started = False
    try:
        while True:
            alive, failure = pump_l1(con, t0, a.timeout)
            failure = failure or stall.check()
            if failure:
                break
            # Whole lines from L1-FLINT-BENCH-START on: flint bench's own lines go to
            # stderr as they come, its table to stdout.
            if not started:
                m = FB_START_RE.search(con.buf)
                if m:
                    started = True
                    said = m.end()
                    say(f"[{time.monotonic() - t0:6.1f} s] L1: {m.group(1).decode(errors='replace')}")
            while started and not FB_EXIT_RE.match(con.buf, said):
                nl = con.buf.find(b"\n", said)
                if nl < 0:
                    break
                line = con.buf[said:nl].decode(errors="replace").rstrip("\r")
                said = nl + 1
                if line.startswith("flint bench:"):
                    say(f"[{time.monotonic() - t0:6.1f} s] {line}")
                else:
                    print(line, flush=True)
            if FB_OUT_RE.search(con.buf, said) or not alive:
                break
    finally:
        stop_l1(proc, con, 0 if failure else 10)
        log.close()

    say(f"host load average {load_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end "
        f"({time.monotonic() - t0:.0f} s)")
    m = FB_EXIT_RE.search(con.buf)
    if failure is None and not m:
        failure = f"QEMU exited (status {proc.returncode}) before flint bench finished"
    out = FB_OUT_RE.search(con.buf)
    if out:
        os.makedirs(a.flint_bench_out, exist_ok=True)
        try:
            names = unpack_bench_out(out.group(1), a.flint_bench_out)
            say(f"wrote {', '.join(sorted(names))} to {a.flint_bench_out}")
        except (ValueError, tarfile.TarError, OSError, binascii.Error) as e:
            failure = failure or f"cannot unpack flint bench's output from the console: {e}"
    elif failure is None:
        failure = "L1 sent no output directory back (no L1-BENCH-OUT-BEGIN)"
    if failure is None and m.group(1) != b"0":
        failure = f"flint bench exited with status {m.group(1).decode() or '?'} in L1"
    if failure:
        say(f"FAIL: {failure}")
        say_last_lines(con.buf[:out.start()] if out else con.buf)
        say(f"console log: {a.log}")
        return 1
    if a.keep_log:
        say(f"console log: {a.log}")
    else:
        os.unlink(a.log)
    return 0


def run_bench(a, append):
    """bench/kvm-boot: L1 boots L2 a.bench times with each VMM and prints BENCH lines."""
    append += f" l1.bench={a.bench}" + (" l1.bench.disk" if a.bench_disk else "")
    say(f"bench: booting L1 under QEMU TCG, {a.bench} boots each of {a.runner_name} and qemu; "
        f"timeout {a.timeout} s; log: {a.log}")
    proc, con, log, t0 = start_l1(a, append)
    stall = StallWatch(proc)
    results = []
    bench_pos = 0      # buffer offset past the last BENCH line read
    mark_pos = 0       # same for BOOT-TIMER marks
    marks = {}         # host times of the current boot's start/ready/exit marks
    kvm_said = False
    failure = None
    done = False
    try:
        while True:
            alive, failure = pump_l1(con, t0, a.timeout)
            failure = failure or stall.check()
            if failure:
                if failure.startswith("timed out"):
                    failure += f" with {len(results)} of {2 * a.bench} boots done"
                break
            if not kvm_said and b"L1-KVM-READY" in con.buf:
                kvm_said = True
                say(f"[{time.monotonic() - t0:6.1f} s] L1-KVM-READY")
            now = time.monotonic()
            for m in MARK_RE.finditer(con.buf, mark_pos):
                mark_pos = m.end()
                what = m.group(1).decode()
                if what == "start":
                    marks = {}
                marks[what] = now
            for m in BENCH_RE.finditer(con.buf, bench_pos):
                bench_pos = m.end()
                vmm, run = m.group(1).decode(), int(m.group(2))
                l1_ready, rss, status = float(m.group(3)), int(m.group(5)), int(m.group(6))
                # Times on the host's clock; L1's own clock (emulated TSC) drifts under load.
                ready = (marks["ready"] - marks["start"]) * 1000 if l1_ready >= 0 and "ready" in marks else -1.0
                exit_ms = (marks.get("exit", now) - marks.get("start", now)) * 1000
                results.append((vmm, run, ready, exit_ms, rss, status))
                say(f"[{now - t0:6.1f} s] run {run} {vmm:5}: ready {ready / 1000:7.2f} s, "
                    f"exit {exit_ms / 1000:7.2f} s, peak RSS {rss / 1024:6.1f} MiB, status {status} "
                    f"(L1 clock: ready {l1_ready / 1000:.2f} s)")
            if b"L1-BENCH-DONE" in con.buf:
                done = True
                break
            if not alive:
                failure = f"QEMU exited (status {proc.poll()}) before L1-BENCH-DONE"
                break
    finally:
        stop_l1(proc, con, 10 if done else 0)
        log.close()

    if a.bench_disk:
        failure = failure or report_disk_bench(con.buf, a.runner_name)
        results = []
    bad = [r for r in results if r[5] != 0 or r[2] < 0]
    if bad and failure is None:
        failure = f"{len(bad)} boot(s) failed or never printed FLINT-GUEST-READY (see BENCH lines in the log)"
    stats = {}
    for vmm in ("flint", "qemu"):
        ok = [r for r in results if r[0] == vmm and r[5] == 0 and r[2] >= 0]
        if ok:
            stats[vmm] = (median([r[2] for r in ok]) / 1000, median([r[3] for r in ok]) / 1000,
                          median([r[4] for r in ok]) / 1024, len(ok))
    label = {"flint": a.runner_name, "qemu": "qemu -M microvm"}
    if stats:
        print(f"{'vmm':24} {'boots':>5} {'ready (s)':>10} {'exit (s)':>9} {'peak RSS (MiB)':>15}")
    for vmm, (rd, ex, rss, n) in stats.items():
        print(f"{label[vmm]:24} {n:5d} {rd:10.2f} {ex:9.2f} {rss:15.1f}")
    if "flint" in stats and "qemu" in stats:
        f, q = stats["flint"], stats["qemu"]
        print(f"ratio {label['flint']}/qemu: ready {f[0] / q[0]:.2f}x, peak RSS {f[2] / q[2]:.2f}x  "
              f"(medians; L2 under KVM nested in QEMU TCG: compare ratios, not absolute times)")
        # Boots of one run number ran back to back, so their ratio shares the machine's load
        # at that moment: the median of these per-pair ratios is the steadier figure.
        pairs = []
        for run in sorted({r[1] for r in results}):
            fr = [r[2] for r in results if r[1] == run and r[0] == "flint" and r[5] == 0 and r[2] >= 0]
            qr = [r[2] for r in results if r[1] == run and r[0] == "qemu" and r[5] == 0 and r[2] >= 0]
            if fr and qr:
                pairs.append(fr[0] / qr[0])
        if pairs:
            print(f"per-pair ratios flint/qemu (ready): {', '.join(f'{x:.2f}' for x in pairs)}; "
                  f"median {median(pairs):.2f}x")
    overheads = [float(m.group(1)) for m in OVERHEAD_RE.finditer(con.buf)]
    if overheads:
        print(f"flint VMM overhead (peak RSS minus guest RAM resident): median {median(overheads):.1f} MiB "
              f"over {len(overheads)} boots (min {min(overheads):.1f}, max {max(overheads):.1f})")
    if failure:
        say(f"FAIL: {failure}")
        say(f"console log: {a.log}")
        return 1
    if not a.keep_log:
        os.unlink(a.log)
    return 0


class DiskCheck:
    """--disk-check: L2 formats vda (an empty image L1 made) with ext4, writes a known and
    a random file, reports their md5 and unmounts; a write to vdb (read-only, random bytes,
    a virtio-pci function interrupting by MSI-X) must fail and vdb must read back as L1
    wrote it. After L2 powers off, L1 dumps the
    files with debugfs, runs e2fsck -fn and hashes vdb's image again."""

    def __init__(self):
        self.known_md5 = hashlib.md5((KNOWN_LINE * (KNOWN_BYTES // len(KNOWN_LINE) + 1))[:KNOWN_BYTES]).hexdigest()
        self.random_md5 = None

    def script(self):
        # Answers are built by the shell ($((...)), $?) so that the echoed command never matches.
        return [
            ("echo $(cat /sys/block/vda/serial) $(cat /sys/block/vdb/serial) $(cat /sys/block/vdb/ro)",
             re.compile(rb"^flint-data flint-ro 1\s*$", re.M), "virtio-blk: two disks, their IDs, vdb read-only", None),
            ("d=$(readlink -f /sys/block/vdb/device/..); echo PCI-$(cat $d/vendor)-$(basename $(readlink $d/driver))"
             "-$(cat $d/msi_irqs/* | sort -u | tr '\\n' +)",
             re.compile(rb"PCI-0x1af4-virtio-pci-msix\+\s*$", re.M), "vdb is a virtio-pci function with MSI-X", None),
            ("mkfs.ext4 -q -F /dev/vda && mount -t ext4 /dev/vda /mnt && echo MOUNTED-$((40+2))",
             re.compile(rb"MOUNTED-42"), "mkfs.ext4 and mount /dev/vda", None),
            (f"yes '{KNOWN_LINE.decode().strip()}' | head -c {KNOWN_BYTES} >/mnt/known.txt && "
             "dd if=/dev/urandom of=/mnt/random.bin bs=4096 count=16 2>/dev/null && "
             "md5sum /mnt/known.txt /mnt/random.bin",
             re.compile(rb"([0-9a-f]{32})\s+/mnt/known.txt\s+([0-9a-f]{32})\s+/mnt/random.bin"),
             "files written on ext4, md5sum", self.check_written),
            ("umount /mnt && echo UNMOUNTED-$((40+2))", re.compile(rb"UNMOUNTED-42"), "umount /dev/vda", None),
            ("dd if=/dev/zero of=/dev/vdb bs=4096 count=1 conv=fsync 2>/dev/null; echo RO-WRITE-STATUS-$?",
             re.compile(rb"RO-WRITE-STATUS-(\d+)"), "a write to read-only vdb fails",
             lambda m, buf: "the write succeeded" if m.group(1) == b"0" else None),
            ("md5sum /dev/vdb", re.compile(rb"([0-9a-f]{32})\s+/dev/vdb"), "vdb reads back as L1 wrote it",
             self.check_ro_read),
        ]

    def check_written(self, m, buf):
        if m.group(1).decode() != self.known_md5:
            return f"known.txt has md5 {m.group(1).decode()} in L2, want {self.known_md5}"
        self.random_md5 = m.group(2).decode()
        return None

    @staticmethod
    def check_ro_read(m, buf):
        ro = DISK_RO_RE.search(buf)
        if not ro:
            return "L1 never reported the read-only image's md5 (L1-DISK-RO-MD5)"
        return None if ro.group(1) == m.group(1) else f"md5 {m.group(1).decode()}, L1 wrote {ro.group(1).decode()}"

    def verify_l1(self, buf):
        """What L1 found in the images after L2 powered off; None when all is well."""
        dumped = {m.group(1).decode(): m.group(2).decode() for m in DISK_MD5_RE.finditer(buf)}
        for name, want in (("known.txt", self.known_md5), ("random.bin", self.random_md5)):
            if dumped.get(name) != want:
                return f"L1: /{name} on the ext4 image has md5 {dumped.get(name) or '(none)'}, L2 wrote {want}"
        fsck = DISK_FSCK_RE.search(buf)
        if not fsck or fsck.group(1) != b"0":
            return f"L1: e2fsck -fn on the image: status {fsck.group(1).decode() if fsck else '(not run)'}"
        before, after = DISK_RO_RE.search(buf), DISK_RO_AFTER_RE.search(buf)
        if not before or not after or before.group(1) != after.group(1):
            return "L1: the read-only image changed (or its md5 was not reported)"
        return None


def main():
    ap = argparse.ArgumentParser(prog="nested_kvm_watch.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", required=True, help="L1 kernel (bzImage)")
    ap.add_argument("--initrd", required=True, help="L1 initramfs (cpio)")
    ap.add_argument("--log", required=True, help="where to write the console log")
    ap.add_argument("--timeout", type=int, default=300, help="seconds before giving up")
    ap.add_argument("--guest-version", required=True, help="expected `uname -r` of L2")
    ap.add_argument("--interactive-check", action="store_true", help="type commands into L2's shell")
    ap.add_argument("--disk-check", action="store_true",
                    help="with --interactive-check: ext4 on a virtio disk in L2, verified by L1 after power-off")
    ap.add_argument("--keep-log", action="store_true", help="keep the log on success")
    ap.add_argument("--guest-tests", type=int, default=0, metavar="N",
                    help="bare-metal test programs L1 runs before L2; each must report status 1")
    ap.add_argument("--runner-name", default="flint", help="name of the VMM in messages")
    ap.add_argument("--bench", type=int, default=0, metavar="N",
                    help="bench mode: N timed L2 boots each with flint and QEMU inside L1")
    ap.add_argument("--bench-disk", action="store_true",
                    help="with --bench: run the guest's disk-bench in each boot instead of timing the boot")
    ap.add_argument("--flint-bench-out", metavar="DIR",
                    help="L1 runs flint bench (arguments built into its image) and sends its --out "
                         "directory back over the console; unpacked into DIR")
    ap.add_argument("--echo", action="store_true", default=os.environ.get("FLINT_NESTED_ECHO") == "1",
                    help="mirror the console to stdout (or FLINT_NESTED_ECHO=1)")
    a = ap.parse_args()

    append = "console=ttyS0 tsc_early_khz=2000000 tsc=reliable panic=-1"
    if a.interactive_check:
        append += " l1.interactive"
    if a.disk_check:
        append += " l1.disk"
    if a.bench:
        return run_bench(a, append)
    if a.flint_bench_out:
        return run_flint_bench(a, append)
    cmd = l1_command(a, append)

    os.makedirs(os.path.dirname(os.path.abspath(a.log)), exist_ok=True)
    log = open(a.log, "wb")
    log.write(("# " + " ".join(cmd) + "\n").encode())
    log.flush()

    say(f"booting L1 under QEMU TCG (-cpu max), timeout {a.timeout} s; console log: {a.log}")
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if a.interactive_check else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    con = Console(proc, log, a.echo)
    runner = a.runner_name

    stage = 0          # index into STAGES of the stage we are in
    pos = 0            # how far markers were searched in con.buf
    timings = []       # (marker, seconds)
    exit_status = None
    failure = None
    checks = []        # interactive: list of (name, ok)
    deadline = t0 + a.timeout

    def elapsed():
        return time.monotonic() - t0

    def stage_desc():
        name, what = STAGES[stage][1], STAGES[stage][2].format(runner=runner)
        return name, what

    # Interactive script: (text to type once the prompt shows, regex the answer must match).
    version = re.escape(a.guest_version.encode())
    script = [
        ("uname -r", re.compile(rb"^\s*" + version + rb"\s*$", re.M), "uname -r = " + a.guest_version, None),
        ("echo $((6*7))", re.compile(rb"^\s*42\s*$", re.M), "echo $((6*7)) = 42", None),
    ]
    disk = DiskCheck() if a.disk_check else None
    if disk:
        script += disk.script()
    prompt_re = re.compile(rb"# $|# \x1b\[6n$")
    step = 0           # interactive: next command index; len(script) -> poweroff sent
    step_from = 0      # buf offset where the current answer may start
    step_deadline = None
    typed_poweroff = False

    try:
        while True:
            now = time.monotonic()
            if now >= deadline:
                name, what = stage_desc()
                failure = f"timed out after {a.timeout} s in stage '{name}' ({what})"
                if stage == I_L2_READY and a.interactive_check:
                    failure = (f"timed out after {a.timeout} s in stage 'L2 shell' ({what}; "
                               f"passed: {', '.join(n for n, ok in checks if ok) or 'none'})")
                break
            alive = con.pump(min(0.5, deadline - now))
            buf = con.buf

            m = FAIL_RE.search(buf, pos)
            if m:
                failure = f"L1 reported: {m.group(1).decode(errors='replace').strip()}"
                break
            # Stage markers: several may arrive in one read.
            while stage + 1 < len(STAGES):
                m = STAGES[stage + 1][0].search(buf, pos)
                if not m:
                    break
                stage += 1
                pos = m.end()
                marker = m.group(0).decode(errors="replace").strip()
                if stage == I_L2_KERNEL:
                    marker = "L2 kernel: " + marker
                timings.append((marker, elapsed()))
                say(f"[{elapsed():6.1f} s] {marker}")
                if stage == I_L2_READY:
                    step_from = pos
            m = KVMCHECK_RE.search(buf)
            if m and not any(n == "kvm-check" for n, _ in timings):
                timings.append(("kvm-check", elapsed()))
                say(f"[{elapsed():6.1f} s] L1 /dev/kvm probe: {m.group(1).decode(errors='replace').strip()}")

            # Interactive conversation with L2's shell.
            if a.interactive_check and stage == I_L2_READY and not typed_poweroff and alive:
                if step < len(script):
                    text, answer_re, label, check = script[step]
                    if step_deadline is None:
                        # wait for a prompt after the last answer
                        if prompt_re.search(buf[step_from:]):
                            con.type(text + "\r")
                            step_deadline = time.monotonic() + 120
                            step_from = len(con.buf)
                    else:
                        tail = buf[step_from:]
                        # skip the echo of the typed command itself
                        nl = tail.find(b"\n")
                        answer = answer_re.search(tail[nl + 1:]) if nl >= 0 else None
                        wrong = check(answer, buf) if answer and check else None
                        if wrong:
                            checks.append((label, False))
                            failure = f"L2 shell: {label}: {wrong}"
                            break
                        if answer:
                            checks.append((label, True))
                            say(f"[{elapsed():6.1f} s] L2 shell: {label} ok")
                            step += 1
                            # Right after the answer: the next prompt may have come in the
                            # same read, and the next step waits for it.
                            step_from += nl + 1 + answer.end()
                            step_deadline = None
                        elif time.monotonic() > step_deadline:
                            checks.append((label, False))
                            got = tail.decode(errors="replace").strip().replace("\r", "")[-200:]
                            failure = f"L2 shell: expected {label}, got: {got!r}"
                            break
                elif prompt_re.search(buf[step_from:]):
                    con.type("poweroff -f\r")
                    typed_poweroff = True
                    say(f"[{elapsed():6.1f} s] L2 shell: typed poweroff -f")

            m = EXIT_RE.search(buf)
            if m:
                exit_status = int(m.group(1))
                timings.append(("L1-FLINT-EXIT", elapsed()))
                say(f"[{elapsed():6.1f} s] L1-FLINT-EXIT={exit_status}")
                break
            m = PANIC_RE.search(buf)
            if m:
                which = "L2" if stage >= I_VMM_STARTED else "L1"
                failure = f"kernel panic ({which} likely) in stage '{stage_desc()[0]}': {m.group(1).decode(errors='replace').strip()[:120]}"
                # keep reading a moment for context
            if not alive:
                break
    finally:
        # After L1-FLINT-EXIT, L1 powers itself off: give it a moment. Otherwise stop QEMU now.
        stop_l1(proc, con, 10 if exit_status is not None else 0)
        log.close()

    total = elapsed()
    saw_ready = stage >= I_KVM_READY
    saw_l2 = stage >= I_L2_READY
    if failure is None:
        if exit_status is None:
            name, what = stage_desc()
            failure = f"QEMU exited (status {proc.returncode}) in stage '{name}' ({what})"
        elif not (saw_ready and saw_l2):
            failure = f"{runner} exited with {exit_status} before L2 printed FLINT-GUEST-READY"
        elif exit_status != 0:
            failure = f"L2 booted but {runner} exited with status {exit_status} (want 0)"
        elif len(GUEST_TEST_RE.findall(con.buf)) != a.guest_tests:
            failure = f"{len(GUEST_TEST_RE.findall(con.buf))} of {a.guest_tests} bare-metal test program(s) reported"
        elif any(int(m.group(2)) != 1 for m in GUEST_TEST_RE.finditer(con.buf)):
            bad = [f"{m.group(1).decode()}={m.group(2).decode()}" for m in GUEST_TEST_RE.finditer(con.buf)
                   if int(m.group(2)) != 1]
            failure = f"bare-metal test program(s) failed (want status 1): {', '.join(bad)}"
        elif a.interactive_check and len(checks) < len(script):
            failure = f"L2 shell checks incomplete: {', '.join(n for n, _ in checks) or 'none'} of {len(script)}"
        elif EVENTFD_FALLBACK_RE.search(con.buf):
            failure = f"flint fell back from eventfds: {EVENTFD_FALLBACK_RE.search(con.buf).group(0).decode(errors='replace').strip()}"
        elif disk:
            failure = disk.verify_l1(con.buf)

    summary = ", ".join(f"{n} {t:.1f} s" for n, t in timings)
    if failure:
        say(f"FAIL: {failure}")
        say_last_lines(con.buf)
        if summary:
            say(f"timeline: {summary}")
        say(f"console log: {a.log}")
        return 1
    for m in GUEST_TEST_RE.finditer(con.buf):
        say(f"guest test {m.group(1).decode()}: status {m.group(2).decode()} (pass)")
    if disk:
        say("L1: the ext4 image checks clean, its files match the checksums L2 reported, "
            "the read-only image is unchanged")
    say(f"PASS in {total:.1f} s ({summary})")
    if a.keep_log:
        say(f"console log: {a.log}")
    else:
        os.unlink(a.log)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        say("interrupted")
        sys.exit(130)
