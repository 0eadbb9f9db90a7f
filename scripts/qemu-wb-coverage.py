#!/usr/bin/env python3
"""Check that the CPU caches were written back over every pmem mapping
before each reset of a guest that boots several times.

usage: qemu-wb-coverage.py CONSOLE_LOG

The persist guest (qemu/guest/dax-test.c, DAXTEST_MODE=persist) logs,
in each boot that it ends by a reboot or a panic, the kernel mapping of
every pmem device ("# write-back must cover pmem0: 0xSTART-0xEND ..."),
then arms a kprobe event on arch_wb_cache_pmem() that the kernel prints
on the console as it fires (tp_printk), then says how the boot ends
("# persist: boot N of M ends with a reboot|panic").  Between that line
and the next boot, the probe's (addr, size) calls must cover each
mapping whole.  QEMU models no caches, so the data checks pass with or
without a write-back; this check is the one that sees it.

exit: 0 every such boot covered every mapping, 1 usage, 2 not
"""
import re
import sys

STAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')
MUST = re.compile(r'^# write-back must cover (\S+): 0x([0-9a-f]+)-0x([0-9a-f]+)')
ENDS = re.compile(r'^# persist: boot (\d+) of (\d+) ends with a (\w+)')
CALL = re.compile(r'pmem_wb: \([^)]*\) addr=0x([0-9a-f]+) size=0x([0-9a-f]+)')
SUMMARY = re.compile(r'pmem: (\w+): wrote back the CPU caches for .*')


def boots(lines):
    """Yield, per boot that ended: (number, how, {device: (start, end)},
    [(start, end) calls after the end line], the kernel's summary)."""
    must, calls, summary, ended = {}, [], None, None
    for raw in lines:
        line = STAMP.sub('', raw.rstrip('\r\n'))
        if line == 'KTAP version 1':
            if ended:
                yield ended + (must, calls, summary)
            must, calls, summary, ended = {}, [], None, None
            continue
        m = MUST.match(line)
        if m:
            must[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16))
            continue
        m = ENDS.match(line)
        if m:
            ended = (int(m.group(1)), m.group(3))
            continue
        m = CALL.search(line)
        if m and ended:
            start = int(m.group(1), 16)
            calls.append((start, start + int(m.group(2), 16)))
            continue
        m = SUMMARY.search(line)
        if m and ended:
            summary = m.group(0)
    if ended:
        yield ended + (must, calls, summary)


def uncovered(want, calls):
    """The bytes of want = (start, end) that no call covers."""
    start, end = want
    missing = 0
    for a, b in sorted(calls):
        if b <= start:
            continue
        if a > start:
            missing += min(a, end) - start
        start = max(start, b)
        if start >= end:
            return missing
    return missing + max(0, end - start)


def main(argv):
    if len(argv) != 2:
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 1
    with open(argv[1], encoding='utf-8', errors='replace') as f:
        lines = f.readlines()
    errors, seen = [], 0
    for number, how, must, calls, summary in boots(lines):
        seen += 1
        label = 'boot %d (%s)' % (number, how)
        if not must:
            errors.append('%s: the guest named no pmem mapping to cover' % label)
            continue
        for dev, want in sorted(must.items()):
            miss = uncovered(want, calls)
            size = want[1] - want[0]
            print('%s: %s 0x%x-0x%x: %d of %d KiB written back' %
                  (label, dev, want[0], want[1], (size - miss) >> 10, size >> 10))
            if miss:
                errors.append('%s: %d KiB of %s not written back' % (label, miss >> 10, dev))
        print('%s: %d %s calls after the guest\'s last line; kernel: %s' %
              (label, len(calls), 'arch_wb_cache_pmem()', summary or '(no summary line)'))
    if not seen:
        errors.append('no boot ended with a reboot or a panic ("# persist: boot N of M ends with")')
    if errors:
        print('error: ' + '; '.join(errors))
        return 2
    print('write-back: %d resets, every pmem mapping covered before each' % seen)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
