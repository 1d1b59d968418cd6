# shellcheck shell=bash
# Shared helpers for scripts/build-guest and scripts/nested-kvm.
# Source it after `set -euo pipefail`; it defines functions and a few variables only.
#
#   FLINT_REPO        repository root
#   FLINT_CACHE       download/unpack cache ($FLINT_CACHE_DIR or <repo>/out/cache)
#   flint_log / flint_die           progress lines and one-line fatal errors
#   flint_kernel_pkg                versioned linux-image package behind linux-image-amd64
#   flint_fetch_unpack PKG [VER]    apt-get download + dpkg-deb -x into the cache, prints dir
#   flint_stage_modules SRC VER DST MOD...   copy MODs and their dependencies, depmod them
#   flint_make_cpio DIR OUT [gzip|none]      newc cpio of DIR, reproducible order

FLINT_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FLINT_CACHE=${FLINT_CACHE_DIR:-$FLINT_REPO/out/cache}
: "${FLINT_PROG:=$(basename "$0")}"

flint_log() { printf '%s: %s\n' "$FLINT_PROG" "$*" >&2; }
flint_die() { printf '%s: error: %s\n' "$FLINT_PROG" "$*" >&2; exit 1; }

flint_need() {
  local cmd pkg
  for cmd in "$@"; do
    pkg=${cmd#*:}; cmd=${cmd%%:*}
    command -v "$cmd" >/dev/null 2>&1 || flint_die "'$cmd' not found; install it with: apt-get install $pkg (or run scripts/setup)"
  done
}

# Hash of file contents and strings: flint_hash FILE... -- STRING...
flint_hash() {
  local f
  {
    while (($#)) && [[ $1 != -- ]]; do sha256sum <"$1"; shift; done
    (($#)) && shift
    for f in "$@"; do printf '%s\0' "$f"; done
  } | sha256sum | cut -c1-32
}

# The versioned kernel package (e.g. linux-image-6.1.0-56-amd64) and its candidate version,
# printed as "NAME VERSION". Falls back to the newest kernel already in the cache when apt's
# lists are missing, so an offline rerun still works.
flint_kernel_pkg() {
  local name ver
  name=$(apt-cache depends linux-image-amd64 2>/dev/null \
           | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n1) || true
  if [[ -n $name ]]; then
    ver=$(apt-cache policy "$name" 2>/dev/null | sed -n 's/^ *Candidate: //p' | head -n1)
    [[ -n $ver && $ver != "(none)" ]] || flint_die "apt has no candidate for $name; run: apt-get update"
    echo "$name $ver"
    return
  fi
  local cached
  cached=$(find "$FLINT_CACHE/pkgs" -maxdepth 1 -name 'linux-image-*-amd64_*' -printf '%f\n' 2>/dev/null \
             | sort -V | tail -n1)
  [[ -n $cached ]] || flint_die "apt-cache cannot resolve linux-image-amd64; run: apt-get update"
  flint_log "warning: apt-cache cannot resolve linux-image-amd64; using cached ${cached%%_*}"
  echo "${cached%%_*} ${cached#*_}"
}

flint_pkg_version() {
  local v
  v=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | head -n1)
  if [[ -z $v || $v == "(none)" ]]; then
    v=$(find "$FLINT_CACHE/pkgs" -maxdepth 1 -name "$1_*" -printf '%f\n' 2>/dev/null | sort -V | tail -n1)
    [[ -n $v ]] || flint_die "apt does not know package '$1'; run: apt-get update"
    v=${v#*_}
  fi
  echo "$v"
}

flint_cached_deb() {
  local f
  for f in "$FLINT_CACHE/debs/$1"_*.deb; do
    [[ -f $f && $(dpkg-deb -f "$f" Version 2>/dev/null) == "$2" ]] && { echo "$f"; return; }
  done
  return 0
}

# flint_fetch_unpack PKG VERSION: prints the directory holding the unpacked package.
flint_fetch_unpack() {
  local pkg=$1 ver=$2 dir deb tmp
  dir="$FLINT_CACHE/pkgs/${pkg}_${ver}"
  if [[ -f $dir/.unpacked ]]; then echo "$dir"; return; fi
  mkdir -p "$FLINT_CACHE/debs"
  deb=$(flint_cached_deb "$pkg" "$ver")
  if [[ -z $deb ]]; then
    flint_log "downloading $pkg=$ver"
    (cd "$FLINT_CACHE/debs" && apt-get download -q "$pkg=$ver" 2>&1 | { grep -v -e 'unsandboxed as root' >&2 || true; }) \
      || flint_die "apt-get download $pkg=$ver failed; check the network, or run: apt-get update"
    deb=$(flint_cached_deb "$pkg" "$ver")
    [[ -n $deb ]] || flint_die "apt-get download did not produce a .deb for $pkg=$ver"
  fi
  flint_log "unpacking $(basename "$deb")"
  tmp="$dir.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  dpkg-deb -x "$deb" "$tmp" || { rm -rf "$tmp"; flint_die "dpkg-deb -x $deb failed; delete it and retry"; }
  rm -rf "$dir"; mv "$tmp" "$dir"
  touch "$dir/.unpacked"
  echo "$dir"
}

# flint_kernel_tree NAME VERSION: unpacked kernel package with modules.dep generated.
# Prints "DIR KVER" (KVER = the modules directory name, e.g. 6.1.0-56-amd64).
flint_kernel_tree() {
  local dir kver
  dir=$(flint_fetch_unpack "$1" "$2")
  kver=$(find "$dir/lib/modules" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | head -n1)
  [[ -n $kver && -f $dir/boot/vmlinuz-$kver ]] || flint_die "$1 has no boot/vmlinuz-$kver; delete $dir and retry"
  if [[ ! -f $dir/lib/modules/$kver/modules.dep ]]; then
    flint_log "depmod $kver"
    depmod -b "$dir" "$kver" || flint_die "depmod failed on $dir"
  fi
  echo "$dir $kver"
}

# flint_stage_modules SRCROOT KVER DSTROOT MOD...: copies each module and everything it
# depends on (hard and soft dependencies) into DSTROOT/lib/modules/KVER, decompresses
# .ko.xz/.ko.zst/.ko.gz (busybox modprobe loads plain .ko reliably) and regenerates
# modules.dep & co. Missing modules are an error; built-in ones are skipped.
# Prints the module names it resolved (one per line, load order) on stdout.
flint_stage_modules() {
  local src=$1 kver=$2 dst=$3; shift 3
  local m line path rel out
  local -A seen=()
  mkdir -p "$dst/lib/modules/$kver"
  for m in "$@"; do
    out=$(modprobe -d "$src" -S "$kver" --show-depends "$m" 2>&1) \
      || flint_die "module '$m' not found in kernel $kver ($out)"
    while read -r line; do
      case $line in
        insmod\ *) path=${line#insmod }; path=${path%% *} ;;
        builtin\ *) continue ;;
        *) continue ;;
      esac
      rel=${path#"$src"/lib/modules/"$kver"/}
      [[ -n ${seen[$rel]:-} ]] && continue
      seen[$rel]=1
      mkdir -p "$dst/lib/modules/$kver/$(dirname "$rel")"
      case $rel in
        *.ko.xz)  xz -dc "$path"  >"$dst/lib/modules/$kver/${rel%.xz}" ;;
        *.ko.zst) zstd -qdc "$path" >"$dst/lib/modules/$kver/${rel%.zst}" ;;
        *.ko.gz)  gzip -dc "$path" >"$dst/lib/modules/$kver/${rel%.gz}" ;;
        *)        cp "$path" "$dst/lib/modules/$kver/$rel" ;;
      esac
      rel=$(basename "$rel"); rel=${rel%%.ko*}
      echo "$rel"
    done <<<"$out"
  done
  local f
  for f in modules.order modules.builtin modules.builtin.modinfo; do
    [[ -f $src/lib/modules/$kver/$f ]] && cp "$src/lib/modules/$kver/$f" "$dst/lib/modules/$kver/"
  done
  depmod -b "$dst" "$kver" || flint_die "depmod failed on staged modules in $dst"
}

# flint_busybox_tree DSTROOT BUSYBOXDIR: busybox at /bin/busybox plus every applet link.
flint_busybox_tree() {
  local dst=$1 bb=$2/bin/busybox a
  [[ -x $bb ]] || flint_die "busybox-static package has no bin/busybox"
  mkdir -p "$dst"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,root,etc,mnt}
  cp "$bb" "$dst/bin/busybox"
  while read -r a; do
    [[ -z $a || $a == bin/busybox || -e $dst/$a ]] && continue
    mkdir -p "$dst/$(dirname "$a")"
    ln -s /bin/busybox "$dst/$a"
  done < <("$bb" --list-full)
}

# flint_make_cpio DIR OUT [gzip|none]: newc archive of DIR, sorted, owned by root.
flint_make_cpio() {
  local dir=$1 out=$2 comp=${3:-gzip} tmp="$2.tmp.$$"
  (
    cd "$dir"
    find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort \
      | cpio --quiet -o -H newc -R 0:0 --reproducible
  ) | if [[ $comp == gzip ]]; then gzip -n -6; else cat; fi >"$tmp" \
    || { rm -f "$tmp"; flint_die "writing $out failed"; }
  mv "$tmp" "$out"
}

# flint_stage_elf DSTROOT BINARY AS: copies a dynamically linked host BINARY to DSTROOT/AS
# with the shared libraries ldd finds for it (at their host paths) and the loader, for
# tools busybox lacks (e2fsprogs' mke2fs makes ext4; busybox's makes ext2 only).
flint_stage_elf() {
  local dst=$1 bin=$2 as=$3 lib
  [[ -x $bin ]] || flint_die "$bin not found; run scripts/setup"
  mkdir -p "$dst/$(dirname "$as")"
  rm -f "$dst/$as"
  cp -L "$bin" "$dst/$as"
  while read -r lib; do
    [[ -n $lib ]] || continue
    mkdir -p "$dst/$(dirname "$lib")"
    cp -L "$lib" "$dst/$lib"
  done < <(ldd "$bin" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p')
  # Flint's software CPU lacks MMX, part of the x86-64 baseline the loader checks.
  find "$dst" -path "$dst/lib*" -name '*.so*' -type f -print0 \
    | xargs -0 python3 "$FLINT_REPO/scripts/lib/clear-isa-needed.py" "$dst/$as"
}
