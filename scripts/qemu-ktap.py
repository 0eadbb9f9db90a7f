#!/usr/bin/env python3
"""Check the KTAP a QEMU guest printed on its console.

usage: qemu-ktap.py [--documents N] [--allow-panic TEXT] CONSOLE_LOG [KTAP_OUT]

The guest (qemu/guest/dax-test.c) writes its KTAP through the kernel
log, so each line may carry a printk time stamp, and kernel messages sit
between the lines.  This strips the stamps, writes the KTAP lines to
KTAP_OUT, prints them, and passes only if the plan was announced and
completed in order, every case is "ok" (a SKIP is reported, not a
failure), the guest did not bail out, and no console line outside the
KTAP reports a kernel problem (the guest checks the log itself, but only
up to its last test).

A kernel with KUnit suites built in prints its own KTAP document before
/init starts: each top-level "KTAP version 1" starts a document, each
document is held to the same rules (KUnit's nested lines are indented,
so only its suites' results count there), and the guest's is the last.
--documents N (default 1) is how many there must be: without it, a
kernel's KUnit document could pass for a guest that never started.
A guest that boots several times in one run prints one document per
boot.  --allow-panic TEXT: a "Kernel panic - not syncing: TEXT" line is
the guest's own doing (it ends a boot that way), not kernel trouble.

exit: 0 pass, 1 usage, 2 fail
"""
import re
import sys

STAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')
PLAN = re.compile(r'^1\.\.(\d+)$')
RESULT = re.compile(r'^(ok|not ok) (\d+)(?: (.*))?$')
# The same words the guest looks for (bad_words in dax-test.c), and the
# end of a kernel that died.
KERNEL_TROUBLE = re.compile(
    r'WARNING:|BUG:|Oops|Bad page|Unable to handle|EXT4-fs error|[Cc]orrupt|'
    r'XFS: Assertion failed|Kernel panic|Internal error')


def parse(lines, allow_panic=None):
    """Return (ktap lines, documents, kernel trouble); each document is a
    dict of its results, plan and bail-out line."""
    ktap, docs, trouble = [], [], []
    allowed = 'Kernel panic - not syncing: ' + allow_panic if allow_panic else None
    for raw in lines:
        line = STAMP.sub('', raw.rstrip('\r\n'))
        if line == 'KTAP version 1':
            docs.append({'results': [], 'plan': None, 'bail': None})
            ktap.append(line)
            continue
        is_ktap = docs and (PLAN.match(line) or RESULT.match(line)
                            or line.startswith('#') or line.startswith('Bail out!'))
        if not is_ktap:
            if KERNEL_TROUBLE.search(line) and not (allowed and allowed in line):
                trouble.append(line)
            continue
        doc = docs[-1]
        ktap.append(line)
        if line.startswith('Bail out!'):
            doc['bail'] = doc['bail'] or line
        elif PLAN.match(line):
            doc['plan'] = int(PLAN.match(line).group(1))
        elif RESULT.match(line):
            m = RESULT.match(line)
            desc, _, directive = (m.group(3) or '').partition(' # ')
            doc['results'].append((m.group(1) == 'ok', int(m.group(2)), desc, directive))
    return ktap, docs, trouble


def check_doc(doc, errors):
    """Append doc's broken rules to errors; return its (pass, fail, skip)
    counts and the skipped cases."""
    results, plan = doc['results'], doc['plan']
    if plan is None:
        errors.append('no plan line')
    numbers = [n for _, n, _, _ in results]
    if numbers != list(range(1, len(numbers) + 1)):
        errors.append('test numbers out of order')
    if plan is not None and len(results) != plan:
        errors.append('%d of %d planned cases ran' % (len(results), plan))
    if doc['bail']:
        errors.append(doc['bail'])
    failed = ['%s (%s)' % (d, why) if why else d for ok, _, d, why in results if not ok]
    skipped = ['%s (%s)' % (d, why[4:].strip()) for ok, _, d, why in results
               if ok and why.upper().startswith('SKIP')]
    if failed:
        errors.insert(0, '%d failed, the first: %s' % (len(failed), failed[0]))
    return len(results) - len(failed) - len(skipped), len(failed), skipped


def main(argv):
    want_docs, allow_panic = 1, None
    while len(argv) > 2 and argv[1] in ('--documents', '--allow-panic'):
        if argv[1] == '--allow-panic':
            allow_panic = argv[2]
        elif not argv[2].isdigit() or int(argv[2]) < 1:
            print('error: --documents needs a positive number', file=sys.stderr)
            return 1
        else:
            want_docs = int(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) not in (2, 3):
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 1
    with open(argv[1], encoding='utf-8', errors='replace') as f:
        lines = f.readlines()
    ktap, docs, trouble = parse(lines, allow_panic)
    if len(argv) == 3:
        with open(argv[2], 'w', encoding='utf-8') as f:
            f.write(''.join(line + '\n' for line in ktap))
    for line in ktap:
        print(line)

    if not ktap:
        for line in lines[-15:]:
            print('# console: ' + line.rstrip())
        print('error: no KTAP on the console (did /init start?)')
        return 2
    errors = []
    if len(docs) != want_docs:
        errors.append('%d KTAP documents on the console, expected %d%s' % (
            len(docs), want_docs, ' (did /init start?)' if len(docs) < want_docs else ''))
    for i, doc in enumerate(docs):
        doc_errors = []
        passed, failed, skipped = check_doc(doc, doc_errors)
        # Name the document only when there are several (KUnit's first).
        label = 'ktap' if len(docs) == 1 else 'ktap document %d of %d' % (i + 1, len(docs))
        print('%s: %d passed, %d failed, %d skipped, plan %s' %
              (label, passed, failed, len(skipped), doc['plan']))
        for d in skipped:
            print('%s: skipped: %s' % (label, d))
        errors += doc_errors if len(docs) == 1 else ['%s: %s' % (label, e) for e in doc_errors]
    for line in trouble[:10]:
        print('# kernel trouble on the console: ' + line)
    if trouble:
        errors.append('%d kernel problem lines on the console' % len(trouble))
    if errors:
        print('error: ' + '; '.join(errors))
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
