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
import signal
import statistics
import subprocess
import sys
import time

READY = b"FLINT-GUEST-READY"
# What a sick kernel prints; a healthy boot of the quick-start guest prints none of these.
TROUBLE = re.compile(rb"Kernel panic|(?<!watchdog: )BUG: |Oops: |WARNING: CPU|general protection fault|"
                     rb"hard LOCKUP|hung_task")
# What a healthy kernel prints when its vCPU got too little of the host for too long: the
# guest clock follows the host's, so a busy host shows up as a lockup or stall report
# (overcommitted KVM hosts see the same). Counted and reported, not failures.
STALL = re.compile(rb"watchdog: BUG: soft lockup[^\n]*|rcu_\w+ self-detected stall[^\n]*|"
                   rb"RCU grace-period kthread stalled[^\n]*")


def boot_once(args, index):
    cmd = [args.flint, "run", "--accel", args.accel, "--memory", args.memory, "--cpus", str(args.cpus),
           "--console", "stdio",
           "--kernel", os.path.join(args.guest, "vmlinuz"),
           "--initrd", os.path.join(args.guest, "initramfs.cpio.gz"),
           "--cmdline", "console=ttyS0 panic=-1 flint.poweroff"]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        output, _ = proc.communicate(timeout=args.timeout)
        status = proc.returncode
    except subprocess.TimeoutExpired:
        # A hang: ask flint for its report of the vCPUs and interrupt hardware (SIGUSR1)
        # so the kept console says where the guest stood, then stop it.
        proc.send_signal(signal.SIGUSR1)
        time.sleep(2)
        proc.terminate()
        try:
            output, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
        status = None
    seconds = time.monotonic() - start
    stalls = [m.group(0).decode(errors="replace").strip() for m in STALL.finditer(output)]
    problem = None
    if status is None:
        problem = f"hang: no power-off within {args.timeout} s"
    elif (m := TROUBLE.search(output)):
        problem = f"the kernel reported trouble: {m.group(0).decode(errors='replace')}"
    elif READY not in output:
        problem = f"no ready marker (flint exited with status {status})"
    elif status != 0:
        problem = f"flint exited with status {status} instead of 0"
    if problem or stalls:
        os.makedirs(args.log_dir, exist_ok=True)
        path = os.path.join(args.log_dir, f"boot-{index}.log")
        with open(path, "wb") as f:
            f.write(output)
        if problem:
            problem += f" (console in {path})"
        stalls = [f"{stall} (console in {path})" for stall in stalls]
    return seconds, problem, stalls


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("flint")
    ap.add_argument("guest", help="directory with vmlinuz and initramfs.cpio.gz (scripts/build-guest)")
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--accel", default="soft", choices=["soft", "kvm", "auto"])
    ap.add_argument("--memory", default="512M")
    ap.add_argument("--cpus", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=600, help="seconds one boot may take before it counts as a hang")
    ap.add_argument("--log-dir", default="out/boot-reliability")
    ap.add_argument("--keep-going", action="store_true", help="boot all --runs times even after a failure")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    for name in ("vmlinuz", "initramfs.cpio.gz"):
        if not os.path.isfile(os.path.join(args.guest, name)):
            sys.exit(f"boot-reliability: error: {args.guest}/{name} missing; build it with scripts/build-guest")

    times, failures, stalled = [], [], []
    for i in range(1, args.runs + 1):
        seconds, problem, stalls = boot_once(args, i)
        times.append(seconds)
        verdict = "ok" if problem is None else f"FAIL: {problem}"
        if stalls:
            stalled.append(i)
            verdict += "; the host starved the guest: " + "; ".join(stalls)
        print(f"boot-reliability: boot {i}/{args.runs} on {args.accel}: {seconds:6.1f} s, {verdict}", flush=True)
        if problem:
            failures.append(i)
            if not args.keep_going:
                break
    print(f"boot-reliability: {len(times) - len(failures)} of {len(times)} boots clean "
          f"(asked for {args.runs}); seconds per boot: median {statistics.median(times):.1f}, "
          f"min {min(times):.1f}, max {max(times):.1f}; {len(stalled)} with a lockup or stall report "
          f"from a starved vCPU{' (boots ' + ', '.join(map(str, stalled)) + ')' if stalled else ''}")
    ok = not failures and len(times) == args.runs
    print(f"boot-reliability: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
