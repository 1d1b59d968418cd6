#!/usr/bin/env python3
"""Smoke test of `flint bench`: one boot of the quick-start guest on the software CPU with
the boot and cpu suites and no peer, then checks that results.json parses and has the
run and its figures, and that the report and one PNG per suite were written. It checks
that the figures are there, not what they are.
Usage: bench_smoke.py FLINT GUEST_DIR"""
import json
import os
import subprocess
import sys
import tempfile


def fail(msg):
    sys.exit(f"bench-smoke: FAIL {msg}")


def main():
    flint, guest = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as out:
        cmd = [flint, "bench", "--suite", "boot,cpu", "--against", "none", "--accel", "soft",
               "--runs", "1", "--warmup", "0", "--timeout", "400",
               "--kernel", os.path.join(guest, "vmlinuz"), "--initrd", os.path.join(guest, "initramfs.cpio.gz"),
               "--out", out]
        print("bench-smoke:", " ".join(cmd), flush=True)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
        print(p.stdout)
        if p.returncode != 0:
            fail(f"flint bench exited {p.returncode}")
        with open(os.path.join(out, "results.json")) as f:
            results = json.load(f)
        runs = results["runs"]
        if len(runs) != 1 or runs[0]["contender"] != "flint-soft":
            fail(f"expected one flint-soft run, got {[r['contender'] for r in runs]}")
        if runs[0]["status"] != "ok":
            fail(f"the run did not complete: {runs[0]['status']}: {runs[0]['reason']}")
        for key in ("boot.init", "boot.prompt", "cpu.int", "cpu.memory", "cpu.branchy"):
            if key not in runs[0]["metrics"]:
                fail(f"results.json has no figure {key}")
        if {s["metric"] for s in results["summary"]} != {"boot.init", "boot.prompt", "cpu.int", "cpu.memory", "cpu.branchy"}:
            fail(f"unexpected summary rows: {[s['metric'] for s in results['summary']]}")
        with open(os.path.join(out, "report.md")) as f:
            report = f.read()
        if not report.startswith("# flint bench") or "## cpu" not in report:
            fail("report.md lacks its title or the cpu section")
        for suite in ("boot", "cpu"):
            png = os.path.join(out, f"{suite}.png")
            with open(png, "rb") as f:
                if f.read(8) != b"\x89PNG\r\n\x1a\n":
                    fail(f"{png} is not a PNG")
            if f"({suite}.png)" not in report:
                fail(f"report.md does not show {suite}.png")
    print("bench-smoke: ok")


if __name__ == "__main__":
    main()
