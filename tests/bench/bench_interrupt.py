#!/usr/bin/env python3
"""`flint bench` interrupted: starts a bench with the disk and net suites (a scratch disk,
the net server and a child VM all live), sends SIGINT (Ctrl-C) or SIGTERM once the VM
runs, and checks that flint bench exits promptly and non-zero, that the VM and whatever
it started are gone and that the scratch disk was removed.
Usage: bench_interrupt.py FLINT GUEST_DIR"""
import os
import signal
import subprocess
import sys
import tempfile
import time


def fail(msg):
    sys.exit(f"bench-interrupt: FAIL {msg}")


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []


def in_group(pgid):
    """Processes whose process group is `pgid` (the child VM's own group)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[2]) == pgid:
            out.append(int(entry))
    return out


def interrupt_once(flint, guest, sig):
    with tempfile.TemporaryDirectory() as out:
        cmd = [flint, "bench", "--suite", "disk,net", "--against", "none", "--accel", "soft", "--runs", "1",
               "--warmup", "0", "--disk-size", "16M", "--net-size", "1M",
               "--kernel", os.path.join(guest, "vmlinuz"), "--initrd", os.path.join(guest, "initramfs.cpio.gz"),
               "--out", out]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        vm = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and p.poll() is None:
            kids = children(p.pid)
            disk = [f for f in os.listdir(out) if f.startswith("flint-bench-disk-")]
            if kids and disk:
                vm = kids[0]
                break
            time.sleep(0.1)
        if vm is None:
            p.kill()
            fail(f"no child VM beside a scratch disk within 60 s: {p.communicate()[0]}")
        time.sleep(1.0)  # let the VM get going
        t0 = time.monotonic()
        p.send_signal(sig)
        try:
            output = p.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            p.kill()
            fail(f"flint bench still running 20 s after {sig.name}")
        took = time.monotonic() - t0
        print(output)
        if p.returncode == 0:
            fail(f"flint bench exited 0 after {sig.name}")
        if "interrupted" not in output:
            fail(f"flint bench did not say it was interrupted by {sig.name}")
        if in_group(vm):
            fail(f"processes of the VM's group {vm} outlived flint bench: {in_group(vm)}")
        left = [f for f in os.listdir(out) if f.startswith("flint-bench-disk-")]
        if left:
            fail(f"the scratch disk was left behind after {sig.name}: {left}")
        print(f"bench-interrupt: {sig.name}: exited {p.returncode} in {took:.1f} s, VM gone, scratch disk removed")


def main():
    flint, guest = sys.argv[1], sys.argv[2]
    for sig in (signal.SIGINT, signal.SIGTERM):
        interrupt_once(flint, guest, sig)
    print("bench-interrupt: ok")


if __name__ == "__main__":
    main()
