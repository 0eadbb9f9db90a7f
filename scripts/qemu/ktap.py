#!/usr/bin/env python3
"""The project's one reader of KTAP and TAP: the QEMU console logs (the
KTAP a boot printed, the kernel's trouble words, the lines the checks
look for), kunit.py's JSON, and the project's own TAP.

usage: ktap.py guest [--documents N] [--allow-panic TEXT] CONSOLE_LOG [KTAP_OUT]
       ktap.py suite CONSOLE_LOG --suite NAME --aliasing true|false --cache KIND
                     [--min-cases N] [--allow-skip CASE]... [--result FILE]
       ktap.py wb-coverage CONSOLE_LOG
       ktap.py summary KTAP   (make demo's summary of a guest's KTAP)
       ktap.py kunit-json JSON --suite NAME [--min-cases N]
       ktap.py tap-case TAP NAME

Every console line is read the same way: the printk time stamp and any
carriage return are stripped, and a line outside the KTAP that holds one
of the kernel's trouble words (qemu/guest/kernel-trouble.txt, the list
the guest uses too) fails the check.

guest: the KTAP of qemu/guest/dax-test.c (and of a kernel's KUnit
suites before it).  The guest writes its KTAP through the kernel log,
so kernel messages sit between the lines.  The KTAP lines go to
KTAP_OUT and are printed.  Passes only if each document's plan was
announced and completed in order, every case is "ok" (a SKIP is
reported, not a failure), no document bailed out, and no console line
outside the KTAP reports a kernel problem (the guest checks the log
itself, but only up to its last test).  The guest's tests are
kselftest_harness.h's, which announces each ("#  RUN  fixture.variant.test
...") and prints a skipped one without its name ("ok 3 # SKIP why"):
such a result takes the name its "# RUN" line announced.  Each top-level "KTAP version 1"
starts a document: a kernel with KUnit suites built in prints its own
before /init starts (KUnit's nested lines are indented, so only its
suites' results count there), and the guest's is the last; a guest
that boots several times prints one per boot.  --documents N (default
1) is how many there must be: without it, a kernel's KUnit document
could pass for a guest that never started.  --allow-panic TEXT: a
"Kernel panic - not syncing: TEXT" line is the guest's own doing (it
ends a boot that way), not kernel trouble.

suite: one KUnit suite and the answer it gives, in a boot without
userspace.  Passes only if the suite ran (its "# Subtest:" header, a
plan, as many case results as the plan announces, every case "ok" (a
SKIP fails, except for the cases named by --allow-skip), and the suite's
own result "ok"); it printed "cache_is_aliasing() = true|false" and it
is the expected one; the kernel's data cache line names the expected
KIND and agrees with the answer (on ARM "CPU: KIND data cache", where
VIVT and "VIPT aliasing" alias; on MIPS "Primary data cache 32kB,
4-way, KIND, linesize ...", where "VIPT, cache aliases" aliases); and
no console line reports a kernel problem.  Only the suite name and the
answer's wording are relied on, not the names of the cases.  --result
writes what was seen as shell-sourceable KEY=value lines.

wb-coverage: the CPU caches were written back over every pmem mapping
before each reset of a guest that boots several times.  The persist
guest (DAXTEST_MODE=persist) logs, in each boot that it ends by a
reboot or a panic, the kernel mapping of every pmem device ("# write-
back must cover pmem0: 0xSTART-0xEND ..."), arms a kprobe event on
arch_wb_cache_pmem() that the kernel prints on the console as it fires
(tp_printk), then says how the boot ends ("# persist: boot N of M ends
with a reboot|panic").  Between that line and the next boot, the
probe's (addr, size) calls must cover each mapping whole.  QEMU models
no caches, so the data checks pass with or without a write-back; this
check is the one that sees it.

summary: one line per file system (the harness's variant, the middle of
fixture.variant.test) of what the guest's checks said (DAX mount,
STATX_ATTR_DAX, page cache growth, data checks), then the guest's msync,
CoW and exec notes and its totals; read from the KTAP file that "guest"
wrote, never from what the host expected.

exit: 0 pass, 1 usage, 2 fail (one "error:" line says why)
"""
import argparse
import json
import os
import re
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TROUBLE_FILE = os.path.join(HERE, '..', '..', 'qemu', 'guest', 'kernel-trouble.txt')

STAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')
PLAN = re.compile(r'^1\.\.(\d+)$')
# "ok 3 name # SKIP why": status, number, description, directive.
RESULT = re.compile(r'^(ok|not ok) (\d+)(?: (?:- )?(.*?))?(?:\s*#\s*(.*))?$')
# kselftest_harness.h's announcement of the test whose result comes next.
RUN = re.compile(r'^#\s+RUN\s+(\S+) \.\.\.$')


def read_console(path):
    """The console log's lines, time stamps and carriage returns removed."""
    with open(path, encoding='utf-8', errors='replace') as f:
        return [STAMP.sub('', raw.rstrip('\r\n').replace('\r', '')) for raw in f]


def trouble_words():
    """qemu/guest/kernel-trouble.txt: one fixed string a line."""
    with open(TROUBLE_FILE, encoding='utf-8') as f:
        return [l.rstrip('\n') for l in f if l.strip() and not l.startswith('#')]


def is_trouble(line, words, allowed=None):
    return any(w in line for w in words) and not (allowed and allowed in line)


def result(text):
    """(ok, number, description, directive) of a KTAP result line, or None."""
    m = RESULT.match(text)
    if not m:
        return None
    return m.group(1) == 'ok', int(m.group(2)), (m.group(3) or '').strip(), m.group(4) or ''


def named_results(lines):
    """Yield (line, result) for each result line, a nameless one named by
    the harness's "# RUN" line before it; None for the other lines."""
    running = None
    for line in lines:
        m = RUN.match(line)
        if m:
            running = m.group(1)
        r = result(line)
        if r and not r[2] and running:
            r = (r[0], r[1], running, r[3])
        if r:
            running = None
        yield line, r


# ---- guest ---------------------------------------------------------
def parse(lines, allow_panic=None):
    """Return (ktap lines, documents, kernel trouble); each document is a
    dict of its results, plan and bail-out line."""
    ktap, docs, trouble = [], [], []
    words = trouble_words()
    allowed = 'Kernel panic - not syncing: ' + allow_panic if allow_panic else None
    for line, res in named_results(lines):
        if line == 'KTAP version 1':
            docs.append({'results': [], 'plan': None, 'bail': None})
            ktap.append(line)
            continue
        is_ktap = docs and (PLAN.match(line) or res
                            or line.startswith('#') or line.startswith('Bail out!'))
        if not is_ktap:
            if is_trouble(line, words, allowed):
                trouble.append(line)
            continue
        doc = docs[-1]
        ktap.append(line)
        if line.startswith('Bail out!'):
            doc['bail'] = doc['bail'] or line
        elif PLAN.match(line):
            doc['plan'] = int(PLAN.match(line).group(1))
        elif res:
            doc['results'].append(res)
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


def guest_main(args):
    lines = read_console(args.log)
    ktap, docs, trouble = parse(lines, args.allow_panic)
    if args.ktap_out:
        with open(args.ktap_out, 'w', encoding='utf-8') as f:
            f.write(''.join(line + '\n' for line in ktap))
    for line in ktap:
        print(line)

    if not ktap:
        for line in lines[-15:]:
            print('# console: ' + line)
        print('error: no KTAP on the console (did /init start?)')
        return 2
    errors = []
    if len(docs) != args.documents:
        errors.append('%d KTAP documents on the console, expected %d%s' % (
            len(docs), args.documents, ' (did /init start?)' if len(docs) < args.documents else ''))
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



# ---- suite ---------------------------------------------------------
# The kernel's words for data caches that alias (arch/arm/kernel/setup.c,
# arch/mips/mm/c-r4k.c).
ALIASING_KINDS = ("VIVT", "VIPT aliasing", "VIPT, cache aliases", "PIPT, cache aliases")

ANSWER = re.compile(r"cache_is_aliasing\(\) = (true|false)\b")
# The kernel's data cache line, per architecture: (pattern, how to quote it).
CACHE_LINES = (
    (re.compile(r"^CPU: (.+?) data cache"), "CPU: {} data cache"),
    (re.compile(r"^Primary data cache \d+kB, [^,]+, ([VP]IPT, (?:cache|no) aliases)"),
     "Primary data cache ..., {}"),
)


def parse_suite(lines, suite):
    """Return the suite's KTAP lines, plan, case results and own result."""
    start = None
    for i, line in enumerate(lines):
        if line.strip() == "# Subtest: " + suite:
            start = i
            break
    if start is None:
        return None
    indent = len(lines[start]) - len(lines[start].lstrip())
    # From the suite's "KTAP version" line, when there is one.
    block = lines[start - 1:start + 1] if start else lines[:1]
    plan, cases, own = None, [], None
    for line in lines[start + 1:]:
        depth = len(line) - len(line.lstrip())
        text = line.strip()
        if depth >= indent:
            block.append(line)
            if depth != indent:
                continue  # a case's own subtests or diagnostics
            m = PLAN.match(text)
            if m and plan is None:
                plan = int(m.group(1))
            r = result(text)
            if r:
                cases.append(r)
            continue
        # Back at the parent's level: the suite's own result ends the block.
        r = result(text)
        if r and r[2] == suite:
            block.append(line)
            own = r[0]
            break
        if text.startswith("# "):
            block.append(line)  # the suite's totals line
        # Anything else is the kernel talking between two KTAP lines.
    return {"block": block, "plan": plan, "cases": cases, "own": own}


def suite_main(args):
    try:
        lines = read_console(args.log)
    except OSError as e:
        print(f"error: {e}")
        return 1

    errors = []
    cpu, quote = None, CACHE_LINES[0][1]
    for line in lines:
        for pattern, fmt in CACHE_LINES:
            m = pattern.match(line)
            if m and cpu is None:
                cpu, quote = m.group(1), fmt
    words = trouble_words()
    trouble = [l for l in lines if is_trouble(l, words)]
    suite = parse_suite(lines, args.suite)
    answers = []
    if suite:
        answers = sorted({m.group(1) for m in map(ANSWER.search, suite["block"]) if m})
        print("\n".join(suite["block"]))

    if cpu is None:
        errors.append('the kernel printed no "CPU: ... data cache" or "Primary data cache" line')
    elif cpu != args.cache:
        errors.append(f'kernel: "{quote.format(cpu)}", expected "{args.cache}"')
    if trouble:
        errors.append(f"kernel trouble on the console: {trouble[0].strip()}")
    if suite is None:
        errors.append(f"suite {args.suite} did not run (no '# Subtest: {args.suite}')")
    else:
        cases, plan = suite["cases"], suite["plan"]
        if plan is None:
            errors.append(f"suite {args.suite}: no plan line")
        elif plan < args.min_cases:
            errors.append(f"suite {args.suite}: plan 1..{plan}, expected at least {args.min_cases} cases")
        elif len(cases) != plan:
            errors.append(f"suite {args.suite}: {len(cases)} case results for plan 1..{plan} (incomplete KTAP)")
        for ok, _, name, directive in cases:
            if not ok:
                errors.append(f"case {name}: not ok")
            elif directive.upper().startswith("SKIP") and name.strip() not in args.allow_skip:
                errors.append(f"case {name}: skipped ({directive})")
        if suite["own"] is None:
            errors.append(f"suite {args.suite}: no result line (the boot stopped inside it)")
        elif not suite["own"]:
            errors.append(f"suite {args.suite}: not ok")
        if not answers:
            errors.append(f"suite {args.suite} did not print 'cache_is_aliasing() = true|false'")
        elif len(answers) > 1:
            errors.append(f"suite {args.suite} printed both answers: {answers}")
        elif answers[0] != args.aliasing:
            errors.append(f"cache_is_aliasing() = {answers[0]}, expected {args.aliasing}")
        if cpu is not None and len(answers) == 1:
            kernel_view = "true" if cpu in ALIASING_KINDS else "false"
            if kernel_view != answers[0]:
                errors.append(f'cache_is_aliasing() = {answers[0]} but the kernel says "{quote.format(cpu)}"')

    answer = answers[0] if len(answers) == 1 else "none"
    print(f'# kernel: "{quote.format(cpu)}"; suite: cache_is_aliasing() = {answer}')
    if args.result:
        with open(args.result, "w", encoding="utf-8") as f:
            f.write(f"CACHE={shlex.quote(cpu or '')}\nANSWER={answer}\n")
            f.write(f"PASS={'no' if errors else 'yes'}\n")
    for e in errors:
        print("error: " + e)
    return 2 if errors else 0



# ---- wb-coverage ---------------------------------------------------
MUST = re.compile(r'^# write-back must cover (\S+): 0x([0-9a-f]+)-0x([0-9a-f]+)')
ENDS = re.compile(r'^# persist: boot (\d+) of (\d+) ends with a (\w+)')
CALL = re.compile(r'pmem_wb: \([^)]*\) addr=0x([0-9a-f]+) size=0x([0-9a-f]+)')
SUMMARY = re.compile(r'pmem: (\w+): wrote back the CPU caches for .*')


def boots(lines):
    """Yield, per boot that ended: (number, how, {device: (start, end)},
    [(start, end) calls after the end line], the kernel's summary)."""
    must, calls, summary, ended = {}, [], None, None
    for line in lines:
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


def wb_main(args):
    lines = read_console(args.log)
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


# ---- summary -------------------------------------------------------
# The guest's tests: fixture.variant.test, the variant a file system.
FS_TEST = re.compile(r'^\w+\.(\w+)\.(\w+)$')
# The tests that compare data read back with what was written.
DATA_TESTS = ('write_files', 'mmap_files', 'image_files', 'remount', 'fsx', 'default_roundtrip')
GROWTH = re.compile(r'^# ([a-z0-9]+): page cache growth.*?DAX (\d+) kB.*?no DAX (\d+) kB')
NOTES = ((re.compile(r'^# ext4: (arch_wb_cache_pmem\(\) calls.*)'), 'msync: '),
         (re.compile(r'^# ext4: (\d+ DAX CoW faults called.*)'), 'CoW:   '),
         (re.compile(r'^# ext4: (running the rewritten program called.*)'), 'exec:  '),
         (re.compile(r'^# (Totals: pass:\d+ fail:\d+ xfail:.*)'), 'result:      '))


def summary_main(args):
    fs, growth, notes = {}, {}, []
    with open(args.ktap, encoding='utf-8', errors='replace') as f:
        lines = [l.rstrip('\n') for l in f]
    for line, res in named_results(lines):
        m = res and FS_TEST.match(res[2])
        if m:
            ok, skipped = res[0], res[3].upper().startswith('SKIP')
            d = fs.setdefault(m.group(1), {'good': 0, 'bad': 0, 'data': 0, 'data_bad': 0})
            d['good' if ok else 'bad'] += 1
            if m.group(2) == 'mount_dax':
                d['mount'] = 'mounted with DAX' if ok else 'DAX mount FAILED'
            if m.group(2) == 'statx_dax':
                d['statx'] = 'STATX_ATTR_DAX set' if ok else 'STATX_ATTR_DAX MISSING'
            if m.group(2) in DATA_TESTS and not skipped:
                d['data'] += 1
                d['data_bad'] += not ok
            continue
        m = GROWTH.match(line)
        if m:
            growth[m.group(1)] = 'page cache +%s kB with DAX, +%s kB without' % m.group(2, 3)
    for name, d in fs.items():
        n = d['data']
        data = ('NOT checked' if n == 0 else 'NOT verified' if d['data_bad']
                else 'verified by %d check%s' % (n, '' if n == 1 else 's'))
        print('%-5s %s, %s, %s, data %s (%d ok, %d failed)' % (
            name, d.get('mount', ''), d.get('statx', ''), growth.get(name, ''), data, d['good'], d['bad']))
    for pattern, label in NOTES:
        notes += [label + m.group(1) for m in map(pattern.match, lines) if m]
    print('\n'.join(notes))
    return 0


# ---- command line ----------------------------------------------------

# ---- kunit.py's JSON -------------------------------------------------
def suite_groups(group, name):
    """Every group called name in kunit.py's --json tree."""
    if group.get('name') == name:
        yield group
    for sub in group.get('sub_groups', []):
        yield from suite_groups(sub, name)


def kunit_json_main(args):
    """kunit.py run --json=FILE wrote FILE from the tree's own parser
    (kunit_parser.py): the suite must be there, with --min-cases cases
    at least, each PASS or SKIP.  A run that finds no test would
    otherwise pass."""
    with open(args.json, encoding='utf-8') as f:
        try:
            tree = json.load(f)
        except ValueError as e:
            print(f'error: {args.json} is not kunit.py JSON: {e}')
            return 2
    groups = list(suite_groups(tree, args.suite))
    if not groups:
        print(f'error: suite {args.suite} did not run ({args.json})')
        return 2
    cases = [c for g in groups for c in g.get('test_cases', [])]
    status = {c['name']: c['status'] for c in cases}
    bad = [f"{n} {st}" for n, st in status.items() if st not in ('PASS', 'SKIP')]
    skipped = [n for n, st in status.items() if st == 'SKIP']
    print(f'suite {args.suite}: {len(cases)} cases, {len(cases) - len(bad) - len(skipped)} passed, '
          f'{len(bad)} failed, {len(skipped)} skipped')
    if bad:
        print(f'error: {len(bad)} cases failed, the first: {bad[0]}')
        return 2
    if len(cases) < args.min_cases:
        print(f'error: fewer than {args.min_cases} test cases ran')
        return 2
    return 0


# ---- the project's TAP -----------------------------------------------
def tap_case_main(args):
    """Print the verdict of the TAP case NAME ("ok", "ok # SKIP ...",
    "not ok # reason") of a TAP file; exit 1 if there is none."""
    lines = read_console(args.tap)
    found = [r for r in map(result, lines) if r and r[2] == args.name]
    if not found:
        print(f'error: no case "{args.name}" in {args.tap}')
        return 1
    ok, _, _, directive = found[-1]
    print(('ok' if ok else 'not ok') + (f' # {directive}' if directive else ''))
    return 0


def positive(text):
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError('needs a positive number')
    return int(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    sub = ap.add_subparsers(dest='what', required=True)
    g = sub.add_parser('guest', help="the guest's KTAP and the kernel's trouble words")
    g.add_argument('--documents', type=positive, default=1)
    g.add_argument('--allow-panic', metavar='TEXT')
    g.add_argument('log')
    g.add_argument('ktap_out', nargs='?')
    g.set_defaults(run=guest_main)
    s = sub.add_parser('suite', help='one KUnit suite and its answer')
    s.add_argument('log')
    s.add_argument('--suite', required=True)
    s.add_argument('--aliasing', required=True, choices=('true', 'false'))
    s.add_argument('--cache', required=True, help='the kernel\'s word, e.g. "VIPT aliasing"')
    s.add_argument('--min-cases', type=int, default=1)
    s.add_argument('--allow-skip', action='append', default=[], metavar='CASE',
                   help='a case that may skip here (e.g. an architecture comparison the arch lacks)')
    s.add_argument('--result')
    s.set_defaults(run=suite_main)
    w = sub.add_parser('wb-coverage', help='the write-back covered every pmem mapping before each reset')
    w.add_argument('log')
    w.set_defaults(run=wb_main)
    m = sub.add_parser('summary', help="make demo's summary of a guest's KTAP file")
    m.add_argument('ktap')
    m.set_defaults(run=summary_main)
    j = sub.add_parser('kunit-json', help="kunit.py's --json: the suite ran and passed")
    j.add_argument('json')
    j.add_argument('--suite', required=True)
    j.add_argument('--min-cases', type=int, default=1)
    j.set_defaults(run=kunit_json_main)
    t = sub.add_parser('tap-case', help='the verdict of one case of a TAP file')
    t.add_argument('tap')
    t.add_argument('name')
    t.set_defaults(run=tap_case_main)
    args = ap.parse_args()
    try:
        return args.run(args)
    except OSError as e:
        print(f'error: {e}')
        return 1


if __name__ == '__main__':
    sys.exit(main())
