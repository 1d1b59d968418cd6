#!/usr/bin/env python3
"""Clears the x86 ISA level an ELF object declares it needs (the GNU property
GNU_PROPERTY_X86_ISA_1_NEEDED in its PT_GNU_PROPERTY segment), in place.

glibc's loader refuses an object whose level the CPU lacks, and Debian marks its
binaries x86-64-baseline, which includes MMX. Flint's software CPU does not offer MMX
yet (src/x86/cpuid.cpp), though nothing in the tools the quick-start guest carries uses
it. FIXME: drop this once the software CPU advertises MMX.
Usage: clear-isa-needed.py FILE..."""
import struct
import sys

PT_GNU_PROPERTY = 0x6474E553
NT_GNU_PROPERTY_TYPE_0 = 5
GNU_PROPERTY_X86_ISA_1_NEEDED = 0xC0008002


def clear(path):
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2:
            return
        phoff, = struct.unpack_from("<Q", data, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
        changed = False
        for i in range(phnum):
            p_type, _, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
            if p_type != PT_GNU_PROPERTY:
                continue
            pos, end = p_offset, p_offset + p_filesz
            while pos + 12 <= end:
                namesz, descsz, ntype = struct.unpack_from("<III", data, pos)
                name_end = pos + 12 + ((namesz + 3) & ~3)
                desc, desc_end = name_end, name_end + descsz
                if ntype == NT_GNU_PROPERTY_TYPE_0 and data[pos + 12:pos + 16] == b"GNU\0":
                    q = desc
                    while q + 8 <= desc_end:
                        pr_type, pr_datasz = struct.unpack_from("<II", data, q)
                        if pr_type == GNU_PROPERTY_X86_ISA_1_NEEDED and pr_datasz == 4:
                            struct.pack_into("<I", data, q + 8, 0)
                            changed = True
                        q += 8 + ((pr_datasz + 7) & ~7)
                pos = name_end + ((descsz + 7) & ~7)
        if changed:
            f.seek(0)
            f.write(data)


for p in sys.argv[1:]:
    clear(p)
