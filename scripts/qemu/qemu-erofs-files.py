#!/usr/bin/env python3
"""Write the files an erofs pmem image holds for qemu/guest/dax-test.c.

erofs is read-only, so the guest cannot write its test files: the host
writes them before mkfs.erofs, with the very bytes the guest's pattern()
gives for TAG_WRITE and the run's seed, and the guest reads them back.
Keep this in step with pattern(), rnd_fill() and rnd_next() there.

usage: qemu-erofs-files.py DIR SEED
"""
import os
import struct
import sys

MASK = (1 << 64) - 1
SIZES = (1, 4095, 4096, (1 << 20) + 1, 16 << 20)  # dax-test.c: sizes[]
TAG_WRITE = 1


def pattern(seed, length, tag):
    """splitmix64 from seed ^ tag * FNV prime ^ length, little endian."""
    s = (seed ^ (tag * 0x100000001b3) ^ length) & MASK
    words = []
    for _ in range((length + 7) // 8):
        s = (s + 0x9e3779b97f4a7c15) & MASK
        z = s
        z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & MASK
        z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & MASK
        words.append(z ^ (z >> 31))
    return struct.pack("<%dQ" % len(words), *words)[:length]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: qemu-erofs-files.py DIR SEED")
    out, seed = sys.argv[1], int(sys.argv[2], 0) & MASK
    os.makedirs(out, exist_ok=True)
    for size in SIZES:
        with open(os.path.join(out, "w-%d" % size), "wb") as f:
            f.write(pattern(seed, size, TAG_WRITE))


if __name__ == "__main__":
    main()
