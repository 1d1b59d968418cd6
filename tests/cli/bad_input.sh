#!/usr/bin/env bash
# Bad input to `flint run` and `flint bench` gets one clear line on stderr and exit status 6: never a crash,
# a core dump or a stack trace. Usage: bad_input.sh FLINT_BINARY
set -uo pipefail
flint=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -c 70000 /dev/urandom >"$tmp/random.bin"
: >"$tmp/empty"
printf 'MZ not a kernel' >"$tmp/short"
failures=0; passes=0

# expect DESCRIPTION REGEX -- ARGS...: exit status 6, exactly one stderr line matching REGEX.
expect() {
  local what=$1 regex=$2; shift 3
  local err status
  err=$("$flint" "$@" 2>&1 >/dev/null </dev/null)
  status=$?
  local lines
  lines=$(printf '%s\n' "$err" | grep -c .)
  if [[ $status -eq 6 && $lines -eq 1 && $err =~ $regex ]]; then
    passes=$((passes + 1)); echo "ok: $what: $err"
  else
    failures=$((failures + 1)); echo "FAIL: $what: status $status, $lines line(s): $err"
  fi
}

expect "missing kernel" "does not exist" -- run --kernel "$tmp/nope" --accel soft
expect "kernel is a directory" "directory" -- run --kernel "$tmp" --accel soft
expect "empty kernel" "empty" -- run --kernel "$tmp/empty" --accel soft
expect "too short for a bzImage" "bzImage" -- run --kernel "$tmp/short" --accel soft
expect "random bytes" "bzImage" -- run --kernel "$tmp/random.bin" --accel soft
expect "unknown flag" "bogus" -- run --kernel "$tmp/random.bin" --bogus
expect "no kernel flag" "kernel" -- run
expect "bad memory" "memory size" -- run --kernel "$tmp/random.bin" --memory 12X
expect "tiny memory" "out of range" -- run --kernel "$tmp/random.bin" --memory 1M
expect "zero cpus" "cpus" -- run --kernel "$tmp/random.bin" --cpus 0
expect "bad accel" "accelerator" -- run --kernel "$tmp/random.bin" --accel tcg
expect "bad console" "console" -- run --kernel "$tmp/random.bin" --console tty
expect "missing initrd" "initrd" -- run --kernel "$tmp/random.bin" --initrd "$tmp/nope"
expect "no subcommand" "subcommand|required" --
expect "unknown disk option" "--disk option 'cache=none'" -- run --kernel "$tmp/random.bin" --disk path=x,cache=none
expect "disk without a path" "--disk needs a file" -- run --kernel "$tmp/random.bin" --disk readonly=on
expect "hvc0 on stdio" "--hvc0 stdio" -- run --kernel "$tmp/random.bin" --hvc0 stdio
expect "bad hvc0" "--hvc0: console 'tty'" -- run --kernel "$tmp/random.bin" --hvc0 tty
expect "console on a socket" "--console socket:PATH is not supported" -- run --kernel "$tmp/random.bin" --console socket:/tmp/x.sock
expect "disk id too long" "--disk id" -- run --kernel "$tmp/random.bin" --disk path=x,id=abcdefghijklmnopqrstuvwxyz
expect "unknown net kind" "--net 'bridge' is not user or tap" -- run --kernel "$tmp/random.bin" --net bridge
expect "bad hostfwd" "--net hostfwd=tcp::22" -- run --kernel "$tmp/random.bin" --net user,hostfwd=tcp::22
expect "bad hostfwd port" "not a port number" -- run --kernel "$tmp/random.bin" --net user,hostfwd=tcp::99999-:22
expect "bad mac" "--net mac=" -- run --kernel "$tmp/random.bin" --net user,mac=zz:54:00:12:34:56
expect "tap without ifname" "--net tap needs an interface" -- run --kernel "$tmp/random.bin" --net tap
expect "bad disk transport" "--disk transport='isa' is not mmio or pci" -- run --kernel "$tmp/random.bin" --disk path=x,transport=isa
expect "bad rng transport" "--rng transport='usb' is not mmio or pci" -- run --kernel "$tmp/random.bin" --rng transport=usb
expect "bad net transport" "--net transport" -- run --kernel "$tmp/random.bin" --net user,transport=
expect "bad hvc0 transport" "--hvc0 transport" -- run --kernel "$tmp/random.bin" --hvc0 none,transport=pcie
expect "tap name too long" "--net tap,ifname=" -- run --kernel "$tmp/random.bin" --net tap,ifname=a-very-long-tap-name

# flint bench: refused before anything boots.
g=(--kernel "$tmp/short" --initrd "$tmp/short")
expect "bench: net size" "--net-size must be between" -- bench --suite net --net-size 512K --accel soft "${g[@]}"
expect "bench: unknown suite" "unknown suite" -- bench --suite boot,fast "${g[@]}"
expect "bench: bad peer" "qemu, none" -- bench --against xen "${g[@]}"
expect "bench: bad accel" "accelerator" -- bench --accel tcg "${g[@]}"
expect "bench: zero runs" "--runs" -- bench --runs 0 --accel soft "${g[@]}"
expect "bench: kernel without initrd" "go together" -- bench --kernel "$tmp/short" --accel soft
expect "bench: missing kernel" "not a readable file" -- bench --kernel "$tmp/nope" --initrd "$tmp/short" --accel soft
expect "bench: no QEMU" "does not run" -- bench --qemu "$tmp/nope" --accel soft "${g[@]}"

# With a real kernel: memory too small for it, and an initrd that does not fit.
kernel=${FLINT_TEST_KERNEL:-$(dirname "$0")/../../out/guest/vmlinuz}
if [[ -f $kernel ]]; then
  truncate -s 100M "$tmp/big-initrd"
  expect "memory too small for the kernel" "raise --memory" -- run --kernel "$kernel" --memory 32M --accel soft
  expect "initrd does not fit" "does not fit" -- run --kernel "$kernel" --initrd "$tmp/big-initrd" --memory 128M --accel soft
  expect "missing disk image" "opening disk image" -- run --kernel "$kernel" --disk path="$tmp/nope.img" --accel soft
  expect "disk image is a directory" "directory" -- run --kernel "$kernel" --disk path="$tmp" --accel soft
else
  failures=$((failures + 1))
  echo "FAIL: no real kernel at $kernel for the size checks: run scripts/build-guest (scripts/test does) or set FLINT_TEST_KERNEL"
fi

echo "bad-input: $passes passed, $failures failed"
[[ $failures -eq 0 ]]
