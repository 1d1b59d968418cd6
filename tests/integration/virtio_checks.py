"""Virtio checks for soft_linux.py, run in the same boot as its shell checks.

The guest gets two virtio-blk disks and a virtio-rng device:
  vda  64 MiB, empty, id flint-data: the guest makes an ext4 file system on it, writes a
       file the host can predict (256 KiB of one repeated line) and a random one whose
       checksum the guest reports, syncs and unmounts. After power-off the host reads both back with debugfs and checks
       the file system with e2fsck.
  vdb  1 MiB of random bytes, readonly=on, id flint-ro, on virtio-pci (transport=pci): the
       guest sees it read-only, a write fails, a read matches the host's checksum, and
       the image is unchanged after. Its parent is a PCI function of vendor 0x1af4 bound
       to virtio-pci whose interrupts are MSI-X, and its request vector counted some.
  rng  /dev/hwrng is served by virtio_rng and returns fresh bytes; on virtio-pci too.
  hvc0 the virtio-console on a Unix socket (--hvc0 socket:PATH): a line the guest writes
       to /dev/hvc0 reaches the host's client, and a line the host sends is what the
       guest reads from it.
  net  virtio-net on user-mode networking (--net user): the guest gets 10.0.2.15 from
       udhcpc, an MTU of 65520, an IPv6 address by SLAAC and a ping6 answer, wgets a random file from an HTTP server this script runs on the host's
       loopback (10.0.2.2 in the guest) and checks its md5; then a busybox httpd in the
       guest serves a file the host fetches through a hostfwd port forward.
"""
import functools
import hashlib
import http.server
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request

DATA_BYTES = 64 << 20
RO_BYTES = 1 << 20
KNOWN_LINE = b"flint virtio-blk known line\n"
KNOWN_BYTES = 256 << 10
NET_BYTES = 512 << 10
GUEST_WWW_BYTES = 128 << 10


def md5(data):
    return hashlib.md5(data).hexdigest()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def find_tool(name):
    path = shutil.which(name) or next((p for p in (f"/sbin/{name}", f"/usr/sbin/{name}") if os.path.exists(p)), None)
    if not path:
        raise SystemExit(f"soft-linux: FAIL {name} not found: install e2fsprogs (scripts/setup)")
    return path


class VirtioChecks:
    def __init__(self, workdir):
        self.workdir = workdir
        self.data = os.path.join(workdir, "data.img")
        self.ro = os.path.join(workdir, "ro.img")
        self.hvc0 = os.path.join(workdir, "hvc0.sock")
        self.hvc0_client = None
        self.hvc0_output = b""
        with open(self.data, "wb") as f:
            f.truncate(DATA_BYTES)
        ro_bytes = os.urandom(RO_BYTES)
        with open(self.ro, "wb") as f:
            f.write(ro_bytes)
        self.ro_md5 = md5(ro_bytes)
        self.known_md5 = md5((KNOWN_LINE * (KNOWN_BYTES // len(KNOWN_LINE) + 1))[:KNOWN_BYTES])
        self.random_md5 = None
        self.debugfs = find_tool("debugfs")
        self.e2fsck = find_tool("e2fsck")
        # The host's HTTP server (the guest reaches it as 10.0.2.2) and the forwarded port.
        www = os.path.join(workdir, "www")
        os.makedirs(www)
        net_bytes = os.urandom(NET_BYTES)
        with open(os.path.join(www, "net.bin"), "wb") as f:
            f.write(net_bytes)
        self.net_md5 = md5(net_bytes)
        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=www))
        self.http_port = self.http.server_address[1]
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.fwd_port = free_port()

    def flint_args(self):
        return ["--disk", f"path={self.data},id=flint-data",
                "--disk", f"path={self.ro},readonly=on,id=flint-ro,transport=pci", "--rng", "transport=pci",
                "--hvc0", f"socket:{self.hvc0}",
                "--net", f"user,hostfwd=tcp:127.0.0.1:{self.fwd_port}-:80"]

    def run_in_guest(self, run):
        # Answers are built by the shell ($((...)), $?) so the echoed command never matches.
        run("echo $(cat /sys/block/vda/serial) $(cat /sys/block/vdb/serial) $(cat /sys/block/vdb/ro)",
            rb"\nflint-data flint-ro 1\r?\n", "virtio-blk: two disks, their IDs, vdb read-only")
        run("mkfs.ext4 -q -F /dev/vda && mount -t ext4 /dev/vda /mnt && echo MOUNTED-$((40+2))",
            rb"MOUNTED-42", "mkfs.ext4 and mount /dev/vda")
        run(f"yes '{KNOWN_LINE.decode().strip()}' | head -c {KNOWN_BYTES} >/mnt/known.txt && "
            "dd if=/dev/urandom of=/mnt/random.bin bs=4096 count=16 2>/dev/null && echo WRITTEN-$((40+1))",
            rb"WRITTEN-41", "files written on ext4")
        m = run("md5sum /mnt/known.txt /mnt/random.bin",
                rb"([0-9a-f]{32})\s+/mnt/known.txt\r?\n([0-9a-f]{32})\s+/mnt/random.bin", "md5sum of the files")
        if m.group(1).decode() != self.known_md5:
            raise SystemExit(f"soft-linux: FAIL known.txt md5 {m.group(1).decode()} in the guest, want {self.known_md5}")
        self.random_md5 = m.group(2).decode()
        run("sync && umount /mnt && echo UNMOUNTED-$((40+3))", rb"UNMOUNTED-43", "sync and umount")
        m = run("dd if=/dev/zero of=/dev/vdb bs=4096 count=1 conv=fsync 2>/dev/null; echo RO-WRITE-STATUS-$?",
                rb"RO-WRITE-STATUS-(\d+)", "write to the read-only disk")
        if m.group(1) == b"0":
            raise SystemExit("soft-linux: FAIL a write to the read-only disk vdb succeeded")
        run("md5sum /dev/vdb", re.escape(self.ro_md5.encode()), "read the whole read-only disk")
        self.run_pci(run)
        run("cat /sys/class/misc/hw_random/rng_current", rb"virtio_rng\.\d+", "hwrng is virtio-rng")
        m = run("for i in 1 2; do dd if=/dev/hwrng bs=64 count=1 2>/dev/null | md5sum; done",
                rb"([0-9a-f]{32})\s+-\r?\n([0-9a-f]{32})\s+-", "read /dev/hwrng twice")
        if m.group(1) == m.group(2) or m.group(1).decode() == md5(b"") or m.group(1).decode() == md5(b"\0" * 64):
            raise SystemExit("soft-linux: FAIL /dev/hwrng gave no fresh bytes")
        self.run_hvc0(run)
        self.run_net(run)

    def run_hvc0(self, run):
        self.hvc0_client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.hvc0_client.settimeout(60)
        self.hvc0_client.connect(self.hvc0)
        # fd 3 keeps hvc0 open in the guest's shell, so the tty holds the host's line until
        # `read` asks for it; -echo keeps the tty from echoing it back to the socket.
        run("exec 3<>/dev/hvc0 && stty -F /dev/hvc0 -echo && echo FLINT-HVC0-$((6*7)) >&3 && echo HVC0-OPEN-$((40+4))",
            rb"HVC0-OPEN-44", "open /dev/hvc0 and write a line to it")
        deadline = time.monotonic() + 60
        while b"FLINT-HVC0-42" not in self.hvc0_output:
            if time.monotonic() > deadline:
                raise SystemExit(f"soft-linux: FAIL the line written to /dev/hvc0 never reached the socket: {self.hvc0_output[-200:]!r}")
            chunk = self.hvc0_client.recv(4096)
            if not chunk:
                raise SystemExit("soft-linux: FAIL the hvc0 socket closed")
            self.hvc0_output += chunk
        self.hvc0_client.sendall(b"flint-host-line-" + str(6 * 9).encode() + b"\n")
        run("read -r line <&3 && echo HVC0-GOT-$line && exec 3<&-", rb"HVC0-GOT-flint-host-line-54",
            "read the host's line from /dev/hvc0")
        self.hvc0_client.close()

    def run_pci(self, run):
        # vdb's virtio device sits on a PCI function: its vendor, the driver bound to it and
        # the kind of its message-signalled interrupts (sysfs msi_irqs: "msi" or "msix").
        run("d=$(readlink -f /sys/block/vdb/device/..); echo PCI-$(cat $d/vendor)-$(basename $(readlink $d/driver))"
            "-$(cat $d/msi_irqs/* | sort -u | tr '\\n' +)",
            rb"PCI-0x1af4-virtio-pci-msix\+\r?\n", "vdb is a virtio-pci function with MSI-X interrupts")
        run("grep -c 0x1af4 /sys/bus/pci/devices/*/vendor | grep -c :1", rb"\n2\r?\n",
            "two virtio functions on PCI (vdb and the rng)")
        # Linux 6.1 names MSI and MSI-X vectors PCI-MSI in /proc/interrupts; msi_irqs said
        # which. Both devices have a config vector and one per queue, and vdb's queue took
        # the interrupts of the reads above.
        m = run("awk '/PCI-MSI/ && /virtio/ {n++; s+=$2+$3} END {print \"MSI-LINES-\" n \"-COUNT-\" s}' "
                "/proc/interrupts", rb"MSI-LINES-(\d+)-COUNT-(\d+)\r?\n", "virtio interrupts in /proc/interrupts")
        if int(m.group(1)) < 4 or int(m.group(2)) == 0:
            raise SystemExit(f"soft-linux: FAIL /proc/interrupts shows {m.group(1)} virtio MSI vectors with "
                             f"{m.group(2)} interrupts; want at least 4 vectors that took some")

    def run_net(self, run):
        run("udhcpc -i eth0 -n -q -t 10 -T 3 >/dev/null 2>&1; echo DHCP-STATUS-$?", rb"DHCP-STATUS-0",
            "udhcpc on eth0 (virtio-net, user-mode network)")
        run("ifconfig eth0 | grep -o 'inet addr:[0-9.]*'", rb"inet addr:10\.0\.2\.15\r?\n",
            "eth0 has 10.0.2.15 from DHCP")
        run("echo MTU-$(cat /sys/class/net/eth0/mtu)", rb"MTU-65520\r?\n",
            "eth0 takes user-mode networking's MTU of 65520 (VIRTIO_NET_F_MTU)")
        run("for i in $(seq 60); do ip -6 addr show dev eth0 | grep -q 'inet6 fec0' && break; sleep 0.5; done; "
            "ip -6 addr show dev eth0 | grep -o 'inet6 fec0[0-9a-f:]*'", rb"inet6 fec0:[0-9a-f:]+",
            "eth0 configures an IPv6 address in fec0::/64 from the router advertisements")
        run("ping6 -c 1 -W 10 fec0::2 >/dev/null 2>&1; echo PING6-STATUS-$?", rb"PING6-STATUS-0",
            "ping6 the host side, fec0::2")
        m = run(f"wget -q -O - http://10.0.2.2:{self.http_port}/net.bin | md5sum",
                rb"\n([0-9a-f]{32})\s+-", "wget a file from the host's loopback through 10.0.2.2")
        if m.group(1).decode() != self.net_md5:
            raise SystemExit(f"soft-linux: FAIL wget got md5 {m.group(1).decode()}, the host served {self.net_md5}")
        m = run(f"mkdir -p /www && dd if=/dev/urandom of=/www/g.bin bs=1024 count={GUEST_WWW_BYTES >> 10} 2>/dev/null "
                "&& httpd -p 80 -h /www && md5sum /www/g.bin",
                rb"([0-9a-f]{32})\s+/www/g.bin", "busybox httpd in the guest")
        want = m.group(1).decode()
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.fwd_port}/g.bin", timeout=30) as r:
                    got = md5(r.read())
                break
            except OSError as e:
                if time.monotonic() > deadline:
                    raise SystemExit(f"soft-linux: FAIL host fetch through hostfwd port {self.fwd_port}: {e}")
                time.sleep(1)
        if got != want:
            raise SystemExit(f"soft-linux: FAIL the host fetched md5 {got} through the forward, the guest has {want}")
        print(f"soft-linux: host fetched /www/g.bin from the guest's httpd through 127.0.0.1:{self.fwd_port}: ok",
              flush=True)
        self.http.shutdown()

    def verify_on_host(self, log):
        for name, want in (("known.txt", self.known_md5), ("random.bin", self.random_md5)):
            out = os.path.join(self.workdir, name)
            r = subprocess.run([self.debugfs, "-R", f"dump /{name} {out}", self.data], capture_output=True, text=True)
            if r.returncode != 0 or not os.path.exists(out):
                raise SystemExit(f"soft-linux: FAIL debugfs could not dump /{name}: {r.stderr.strip()}")
            with open(out, "rb") as f:
                got = md5(f.read())
            if got != want:
                raise SystemExit(f"soft-linux: FAIL /{name} on the host image has md5 {got}, the guest wrote {want}")
        r = subprocess.run([self.e2fsck, "-fn", self.data], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"soft-linux: FAIL e2fsck -fn on the disk image: {r.stdout.strip()[-300:]}")
        with open(self.ro, "rb") as f:
            if md5(f.read()) != self.ro_md5:
                raise SystemExit("soft-linux: FAIL the read-only image changed")
        if os.path.exists(self.hvc0):
            raise SystemExit("soft-linux: FAIL flint left its hvc0 socket file behind")
        log("host: the ext4 image checks clean, its files match the guest's checksums, the read-only image is unchanged, "
            "flint removed its hvc0 socket")
