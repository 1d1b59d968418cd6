#!/usr/bin/env bash
# Runs one bare-metal test program under flint and passes when it reports success
# through isa-debug-exit (value 0, exit status 1).
# Usage: run_guest.sh FLINT ACCEL PROGRAM [--with-disk]
#   --with-disk  give the VM a virtio-blk disk: a fresh 1 MiB raw image, deleted after
set -uo pipefail
flint=$1 accel=$2 program=$3
extra=()
if [[ ${4:-} == --with-disk ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  truncate -s 1M "$tmp/disk.img"
  extra=(--disk "path=$tmp/disk.img")
fi
timeout 120 "$flint" run --accel "$accel" --kernel "$program" --memory 64M --console stdio \
  --cmdline "flint-guest-test" "${extra[@]}" </dev/null
status=$?
if [[ $status -eq 1 ]]; then
  echo "$(basename "$program") on $accel: passed"
  exit 0
fi
case $status in
  124) why="timed out after 120 s" ;;
  *) if ((status & 1)); then why="check $(((status - 1) / 2)) failed"; else why="flint exited with status $status"; fi ;;
esac
echo "$(basename "$program") on $accel: FAILED ($why)"
exit 1
