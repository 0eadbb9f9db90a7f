#!/usr/bin/env python3
"""Check the KTAP a QEMU guest printed on its console.

usage: qemu-ktap.py CONSOLE_LOG [KTAP_OUT]

The guest (qemu/guest/dax-test.c) writes its KTAP through the kernel
log, so each line may carry a printk time stamp, and kernel messages sit
between the lines.  This strips the stamps, writes the KTAP lines to
KTAP_OUT, prints them, and passes only if the plan was announced and
completed in order, every case is "ok" (a SKIP is reported, not a
failure), the guest did not bail out, and no console line outside the
KTAP reports a kernel problem (the guest checks the log itself, but only
up to its last test).

exit: 0 pass, 1 usage, 2 fail
"""
import re
import sys

STAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')
PLAN = re.compile(r'^1\.\.(\d+)$')
RESULT = re.compile(r'^(ok|not ok) (\d+)(?: (.*))?$')
# The same words the guest looks for, and the end of a kernel that died.
KERNEL_TROUBLE = re.compile(
    r'WARNING:|BUG:|Oops|Bad page|Unable to handle|Kernel panic|Internal error')


def parse(lines):
    """Return (ktap lines, results, plan, bail-out line, kernel trouble)."""
    ktap, results, trouble = [], [], []
    plan = bail = None
    started = False
    for raw in lines:
        line = STAMP.sub('', raw.rstrip('\r\n'))
        if line == 'KTAP version 1':
            started = True
            ktap.append(line)
            continue
        is_ktap = started and (PLAN.match(line) or RESULT.match(line)
                               or line.startswith('#') or line.startswith('Bail out!'))
        if not is_ktap:
            if KERNEL_TROUBLE.search(line):
                trouble.append(line)
            continue
        ktap.append(line)
        if line.startswith('Bail out!'):
            bail = bail or line
        elif PLAN.match(line):
            plan = int(PLAN.match(line).group(1))
        elif RESULT.match(line):
            m = RESULT.match(line)
            desc, _, directive = (m.group(3) or '').partition(' # ')
            results.append((m.group(1) == 'ok', int(m.group(2)), desc, directive))
    return ktap, results, plan, bail, trouble


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 1
    with open(argv[1], encoding='utf-8', errors='replace') as f:
        lines = f.readlines()
    ktap, results, plan, bail, trouble = parse(lines)
    if len(argv) == 3:
        with open(argv[2], 'w', encoding='utf-8') as f:
            f.write(''.join(line + '\n' for line in ktap))
    for line in ktap:
        print(line)

    errors = []
    if not ktap:
        for line in lines[-15:]:
            print('# console: ' + line.rstrip())
        print('error: no KTAP on the console (did /init start?)')
        return 2
    if plan is None:
        errors.append('no plan line')
    numbers = [n for _, n, _, _ in results]
    if numbers != list(range(1, len(numbers) + 1)):
        errors.append('test numbers out of order')
    if plan is not None and len(results) != plan:
        errors.append('%d of %d planned cases ran' % (len(results), plan))
    if bail:
        errors.append(bail)
    failed = ['%s (%s)' % (d, why) if why else d for ok, _, d, why in results if not ok]
    skipped = ['%s (%s)' % (d, why[4:].strip()) for ok, _, d, why in results
               if ok and why.upper().startswith('SKIP')]
    passed = len(results) - len(failed) - len(skipped)
    for line in trouble[:10]:
        print('# kernel trouble on the console: ' + line)
    if trouble:
        errors.append('%d kernel problem lines on the console' % len(trouble))
    print('ktap: %d passed, %d failed, %d skipped, plan %s' %
          (passed, len(failed), len(skipped), plan))
    for d in skipped:
        print('ktap: skipped: ' + d)
    if failed:
        errors.insert(0, '%d failed, the first: %s' % (len(failed), failed[0]))
    if errors:
        print('error: ' + '; '.join(errors))
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
