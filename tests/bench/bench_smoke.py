#!/usr/bin/env python3
"""Smoke test of `flint bench`: one boot of the quick-start guest on the software CPU with
the boot, cpu, disk (on a small scratch disk), latency and net (1 MiB each way) suites and
no peer, then checks
that results.json parses and has the run and its figures, and that the report and the
PNGs (one per suite and unit) were written. It checks that the figures are there, not
what they are.
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
        cmd = [flint, "bench", "--suite", "boot,cpu,disk,latency,net", "--against", "none", "--accel", "soft",
               "--runs", "1", "--warmup", "0", "--timeout", "400", "--disk-size", "16M", "--net-size", "1M",
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
        keys = {"boot.init", "boot.prompt", "cpu.int", "cpu.memory", "cpu.branchy", "disk.seq_write",
                "disk.seq_read", "disk.rand_read", "disk.rand_write", "latency.p50", "latency.p99", "latency.max",
                "net.tx", "net.rx", "net.rtt_p50", "net.rtt_p99"}
        for key in sorted(keys):
            if key not in runs[0]["metrics"]:
                fail(f"results.json has no figure {key}")
        if not runs[0]["checksums"].get("net.rx"):
            fail("the net workload printed no checksum of what it received")
        if {s["metric"] for s in results["summary"]} != keys:
            fail(f"unexpected summary rows: {[s['metric'] for s in results['summary']]}")
        better = {s["metric"]: s["better"] for s in results["summary"]}
        if (better["disk.rand_read"] != "higher" or better["latency.p99"] != "lower" or better["net.tx"] != "higher"
                or better["net.rx"] != "higher" or better["net.rtt_p50"] != "lower"):
            fail(f"wrong directions: {better}")
        if [f for f in os.listdir(out) if f.startswith("flint-bench-disk-")]:
            fail("the scratch disk was left behind")
        with open(os.path.join(out, "report.md")) as f:
            report = f.read()
        for section in ("# flint bench", "## cpu", "## disk", "## latency", "## net"):
            if section not in report:
                fail(f"report.md lacks its section {section}")
        for plot in ("boot", "cpu", "disk-mibs", "disk-iops", "latency", "net-mibs", "net-us"):
            png = os.path.join(out, f"{plot}.png")
            with open(png, "rb") as f:
                if f.read(8) != b"\x89PNG\r\n\x1a\n":
                    fail(f"{png} is not a PNG")
            if f"({plot}.png)" not in report:
                fail(f"report.md does not show {plot}.png")
    print("bench-smoke: ok")


if __name__ == "__main__":
    main()
