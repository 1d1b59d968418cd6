#!/usr/bin/env python3
"""Boots the quick-start guest again and again and fails on the first hang, panic or wrong
exit status. Each boot runs `flint run` with `flint.poweroff` on the kernel command line:
the guest's init prints FLINT-GUEST-READY and powers off, and flint must exit with status
0 within the time limit. A boot also fails when the console shows a kernel panic, an oops,
a BUG or a WARNING. Failed boots' consoles are kept in --log-dir.

Usage: boot_reliability.py FLINT GUEST_DIR [--runs 50] [--accel soft] [--timeout SECS]"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

READY = b"FLINT-GUEST-READY"
# What a sick kernel prints; a healthy boot of the quick-start guest prints none of these.
TROUBLE = re.compile(rb"Kernel panic|BUG: |Oops: |WARNING: CPU|general protection fault|"
                     rb"soft lockup|hard LOCKUP|rcu_sched self-detected stall|"
                     rb"RCU grace-period kthread stalled|hung_task")


def boot_once(args, index):
    cmd = [args.flint, "run", "--accel", args.accel, "--memory", args.memory, "--console", "stdio",
           "--kernel", os.path.join(args.guest, "vmlinuz"),
           "--initrd", os.path.join(args.guest, "initramfs.cpio.gz"),
           "--cmdline", "console=ttyS0 panic=-1 flint.poweroff"]
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=args.timeout)
        output, status = proc.stdout, proc.returncode
    except subprocess.TimeoutExpired as e:
        output, status = e.stdout or b"", None
    seconds = time.monotonic() - start
    problem = None
    if status is None:
        problem = f"hang: no power-off within {args.timeout} s"
    elif (m := TROUBLE.search(output)):
        problem = f"the kernel reported trouble: {m.group(0).decode(errors='replace')}"
    elif READY not in output:
        problem = f"no ready marker (flint exited with status {status})"
    elif status != 0:
        problem = f"flint exited with status {status} instead of 0"
    if problem:
        os.makedirs(args.log_dir, exist_ok=True)
        path = os.path.join(args.log_dir, f"boot-{index}.log")
        with open(path, "wb") as f:
            f.write(output)
        problem += f" (console in {path})"
    return seconds, problem


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("flint")
    ap.add_argument("guest", help="directory with vmlinuz and initramfs.cpio.gz (scripts/build-guest)")
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--accel", default="soft", choices=["soft", "kvm", "auto"])
    ap.add_argument("--memory", default="512M")
    ap.add_argument("--timeout", type=int, default=600, help="seconds one boot may take before it counts as a hang")
    ap.add_argument("--log-dir", default="out/boot-reliability")
    ap.add_argument("--keep-going", action="store_true", help="boot all --runs times even after a failure")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    for name in ("vmlinuz", "initramfs.cpio.gz"):
        if not os.path.isfile(os.path.join(args.guest, name)):
            sys.exit(f"boot-reliability: error: {args.guest}/{name} missing; build it with scripts/build-guest")

    times, failures = [], []
    for i in range(1, args.runs + 1):
        seconds, problem = boot_once(args, i)
        times.append(seconds)
        verdict = "ok" if problem is None else f"FAIL: {problem}"
        print(f"boot-reliability: boot {i}/{args.runs} on {args.accel}: {seconds:6.1f} s, {verdict}", flush=True)
        if problem:
            failures.append(i)
            if not args.keep_going:
                break
    print(f"boot-reliability: {len(times) - len(failures)} of {len(times)} boots clean "
          f"(asked for {args.runs}); seconds per boot: median {statistics.median(times):.1f}, "
          f"min {min(times):.1f}, max {max(times):.1f}")
    ok = not failures and len(times) == args.runs
    print(f"boot-reliability: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
