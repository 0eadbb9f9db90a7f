#!/usr/bin/env python3
"""Check one KUnit suite in a kernel console log, and the answer it gives.

usage: ktap-check.py LOG --suite NAME --aliasing true|false --cache KIND
                     [--min-cases N] [--allow-skip CASE]... [--result FILE]

Passes (exit 0) only if all of these hold:
  - the suite ran: its "# Subtest:" header, a plan, as many case results
    as the plan announces, every case "ok" (a SKIP is not a pass here,
    except for the cases named by --allow-skip), and the suite's own
    result line "ok";
  - the suite printed its answer, "cache_is_aliasing() = true|false",
    and it is the expected one (--aliasing);
  - the kernel's data cache line names the expected KIND and agrees with
    the answer: on ARM "CPU: KIND data cache" (VIVT and "VIPT aliasing"
    alias, nothing else); on MIPS "Primary data cache 32kB, 4-way, KIND,
    linesize ..." (KIND "VIPT, cache aliases" aliases, "VIPT, no aliases"
    and the PIPT kinds do not);
  - the kernel did not oops or panic.
Otherwise exit 2, one "error:" line per broken rule; exit 1 on bad usage.
--result writes what was seen as shell-sourceable KEY=value lines.

Only the suite name and the answer's wording are relied on, not the
names of the test cases, which may change.
"""
import argparse
import re
import shlex
import sys

# The kernel's words for data caches that alias (arch/arm/kernel/setup.c,
# arch/mips/mm/c-r4k.c).
ALIASING_KINDS = ("VIVT", "VIPT aliasing", "VIPT, cache aliases", "PIPT, cache aliases")

TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
RESULT = re.compile(r"^(not ok|ok) (\d+)(?: (?:- )?([^#]*?))?\s*(?:#\s*(.*))?$")
PLAN = re.compile(r"^1\.\.(\d+)$")
ANSWER = re.compile(r"cache_is_aliasing\(\) = (true|false)\b")
# The kernel's data cache line, per architecture: (pattern, how to quote it).
CACHE_LINES = (
    (re.compile(r"^CPU: (.+?) data cache"), "CPU: {} data cache"),
    (re.compile(r"^Primary data cache \d+kB, [^,]+, ([VP]IPT, (?:cache|no) aliases)"),
     "Primary data cache ..., {}"),
)
CRASH = re.compile(r"(Kernel panic|Internal error: Oops|Unable to handle kernel|BUG: |Oops)")


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
            m = RESULT.match(text)
            if m:
                cases.append((m.group(1), m.group(3) or "", m.group(4) or ""))
            continue
        # Back at the parent's level: the suite's own result ends the block.
        m = RESULT.match(text)
        if m and (m.group(3) or "").strip() == suite:
            block.append(line)
            own = m.group(1)
            break
        if text.startswith("# "):
            block.append(line)  # the suite's totals line
        # Anything else is the kernel talking between two KTAP lines.
    return {"block": block, "plan": plan, "cases": cases, "own": own}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log")
    ap.add_argument("--suite", required=True)
    ap.add_argument("--aliasing", required=True, choices=("true", "false"))
    ap.add_argument("--cache", required=True, help='the kernel\'s word, e.g. "VIPT aliasing"')
    ap.add_argument("--min-cases", type=int, default=1)
    ap.add_argument("--allow-skip", action="append", default=[], metavar="CASE",
                    help="a case that may skip here (e.g. an architecture comparison the arch lacks)")
    ap.add_argument("--result")
    args = ap.parse_args()
    try:
        with open(args.log, encoding="utf-8", errors="replace") as f:
            lines = [TIMESTAMP.sub("", l.rstrip("\r\n").replace("\r", "")) for l in f]
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
    crash = next((l for l in lines if CRASH.search(l)), None)
    suite = parse_suite(lines, args.suite)
    answers = []
    if suite:
        answers = sorted({m.group(1) for m in map(ANSWER.search, suite["block"]) if m})
        print("\n".join(suite["block"]))

    if cpu is None:
        errors.append('the kernel printed no "CPU: ... data cache" or "Primary data cache" line')
    elif cpu != args.cache:
        errors.append(f'kernel: "{quote.format(cpu)}", expected "{args.cache}"')
    if crash:
        errors.append(f"the kernel crashed: {crash.strip()}")
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
        for status, name, directive in cases:
            if status != "ok":
                errors.append(f"case {name}: not ok")
            elif directive.upper().startswith("SKIP") and name.strip() not in args.allow_skip:
                errors.append(f"case {name}: skipped ({directive})")
        if suite["own"] is None:
            errors.append(f"suite {args.suite}: no result line (the boot stopped inside it)")
        elif suite["own"] != "ok":
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


if __name__ == "__main__":
    sys.exit(main())
