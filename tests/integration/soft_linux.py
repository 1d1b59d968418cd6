#!/usr/bin/env python3
"""Boots the quick-start guest on Flint's software CPU (--accel soft, two vCPUs), talks to its shell
over the serial console and checks the answers, then powers it off and expects flint to
exit with status 0. With --virtio the same boot also checks the virtio devices (see
virtio_checks.py). Usage: soft_linux.py FLINT GUEST_DIR [--timeout SECS] [--virtio]"""
import argparse
import hashlib
import os
import re
import select
import subprocess
import sys
import tempfile
import time

import virtio_checks


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("flint")
    ap.add_argument("guest")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--virtio", action="store_true", help="add virtio disks and rng and check them")
    a = ap.parse_args()
    workdir = tempfile.TemporaryDirectory(prefix="flint-soft-linux-")
    virtio = virtio_checks.VirtioChecks(workdir.name) if a.virtio else None
    version = open(os.path.join(a.guest, "VERSION")).read().split()[0]
    cmd = [a.flint, "run", "--accel", "soft", "--memory", "512M", "--cpus", "2", "--console", "stdio",
           "--kernel", os.path.join(a.guest, "vmlinuz"),
           "--initrd", os.path.join(a.guest, "initramfs.cpio.gz"),
           "--cmdline", "console=ttyS0 panic=-1"] + (virtio.flint_args() if virtio else [])
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        run_checks(a, proc, start, virtio, version)
    finally:
        # A failed check raises SystemExit with flint still running two busy vCPUs: stop it,
        # or every failed run leaves a guest spinning on the host.
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def run_checks(a, proc, start, virtio, version):
    buf = b""

    def log(msg):
        print(f"soft-linux: [{time.monotonic() - start:6.1f} s] {msg}", flush=True)

    def wait_for(pattern, since, what):
        nonlocal buf
        rx = re.compile(pattern)
        while True:
            m = rx.search(buf, since)
            if m:
                return m
            left = a.timeout - (time.monotonic() - start)
            if left <= 0 or proc.poll() is not None:
                tail = buf[-400:].decode(errors="replace")
                raise SystemExit(f"soft-linux: FAIL waiting for {what} "
                                 f"({'flint exited ' + str(proc.returncode) if proc.poll() is not None else 'timeout'}); "
                                 f"last output:\n{tail}")
            r, _, _ = select.select([proc.stdout], [], [], min(left, 1.0))
            if r:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if chunk:
                    buf += chunk

    def run(command, answer_re, what):
        since = len(buf)
        proc.stdin.write(command.encode() + b"\n")
        proc.stdin.flush()
        m = wait_for(answer_re, since, what)
        log(f"{what}: ok ({m.group(0).decode(errors='replace').strip()[:60]})")
        return m

    wait_for(rb"FLINT-GUEST-READY", 0, "the guest's ready marker")
    log("guest init reached")
    time.sleep(0.5)  # let the shell start before typing
    run("uname -r", re.escape(version.encode()) + rb"\r?\n", "uname -r")
    run("echo $((6*7))", rb"\n42\r?\n", "shell arithmetic")
    run("nproc", rb"\n2\r?\n", "both vCPUs online")
    run("grep -m1 vendor_id /proc/cpuinfo", rb"vendor_id\s*:\s*FlintFlintCP", "/proc/cpuinfo: Flint's CPU vendor")
    run("grep -m1 'model name' /proc/cpuinfo", rb"model name\s*:\s*Flint virtual CPU\r?\n",
        "/proc/cpuinfo: the advertised model")
    zeros = hashlib.md5(b"\0" * (16 << 20)).hexdigest().encode()
    run("dd if=/dev/zero bs=1048576 count=16 2>/dev/null | md5sum", re.escape(zeros), "md5sum of 16 MiB")
    m = run("date +%s", rb"\n(\d{9,})\r?\n", "date")
    skew = abs(int(m.group(1)) - time.time())
    if skew > 10:
        raise SystemExit(f"soft-linux: FAIL guest clock is {skew:.0f} s away from the host's")
    log(f"guest clock within {skew:.0f} s of the host")
    if virtio:
        virtio.run_in_guest(run)
    proc.stdin.write(b"poweroff -f\n")
    proc.stdin.flush()
    try:
        status = proc.wait(timeout=max(10, a.timeout - (time.monotonic() - start)))
    except subprocess.TimeoutExpired:
        proc.kill()
        raise SystemExit("soft-linux: FAIL flint did not exit after poweroff -f")
    if status != 0:
        raise SystemExit(f"soft-linux: FAIL flint exited with {status} after poweroff -f (want 0)")
    log("powered off, flint exit status 0")
    if virtio:
        virtio.verify_on_host(log)
    log("PASS")


if __name__ == "__main__":
    main()
