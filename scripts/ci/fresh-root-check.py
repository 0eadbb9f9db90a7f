#!/usr/bin/env python3
"""Was the root fresh?  Compare a dpkg status file with the minimal set.

usage: fresh-root-check.py STATUS PREREQUISITES
       fresh-root-check.py --self-test
       fresh-root-check.py --readme README PREREQUISITES
       fresh-root-check.py --installed-since STATUS [NOW]

STATUS is a dpkg status file: the copy .ci/run's fresh root
(scripts/ci/fresh-root.sh) keeps of /var/lib/dpkg/status from before any of
the project's targets ran.  PREREQUISITES is .ci/prerequisites, the
README's list.  The minimal set is every Essential: yes package, apt
(mmdebstrap --variant=apt), the prerequisites, and whatever those need
through Depends and Pre-Depends, recursively (an alternative or a virtual
package counts as needed by every installed package that satisfies it).
Recommends are not followed: a package installed only because another
recommends it is beyond the minimal set.

--installed-since: the packages NOW (default /var/lib/dpkg/status) has
and STATUS had not: what the project installed, for CI's log.

--readme: the README's set-up line ("Prerequisites: ... the packages
`a b c` ...") names exactly the packages of PREREQUISITES, in order.

exit: 0 nothing beyond the minimal set, 1 usage, 2 a package beyond it,
      or a prerequisite missing (--readme: the README disagrees)
"""
import re
import sys


def parse_status(text):
    """The installed packages: name -> fields (lower-case keys)."""
    pkgs = {}
    for stanza in re.split(r"\n\s*\n", text):
        fields, key = {}, None
        for line in stanza.splitlines():
            if line[:1] in (" ", "\t") and key:
                fields[key] += "\n" + line.strip()
            elif ":" in line:
                key, _, value = line.partition(":")
                key = key.strip().lower()
                fields[key] = value.strip()
        name = fields.get("package")
        if name and fields.get("status", "").split()[-1:] == ["installed"]:
            pkgs[name] = fields
    return pkgs


def dep_names(value):
    """'a (>= 1) | b:any, c' -> [['a', 'b'], ['c']]."""
    groups = []
    for group in value.split(","):
        alts = [re.split(r"[\s(:\[]", alt.strip(), maxsplit=1)[0] for alt in group.split("|")]
        alts = [a for a in alts if a]
        if alts:
            groups.append(alts)
    return groups


def minimal_set(pkgs, prereqs):
    """The closure of the roots over Depends and Pre-Depends."""
    providers = {}
    for name, f in pkgs.items():
        providers.setdefault(name, set()).add(name)
        for alts in dep_names(f.get("provides", "")):
            providers.setdefault(alts[0], set()).add(name)
    todo = [n for n, f in pkgs.items() if f.get("essential", "").lower() == "yes"]
    todo += [n for n in ["apt"] + prereqs if n in pkgs]
    needed = set()
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        f = pkgs[name]
        for key in ("pre-depends", "depends"):
            for alts in dep_names(f.get(key, "")):
                for alt in alts:
                    todo.extend(providers.get(alt, ()))
    return needed


def check(status_text, prereqs):
    """Lines to print and the exit code."""
    pkgs = parse_status(status_text)
    missing = [p for p in prereqs if p not in pkgs]
    extra = sorted(set(pkgs) - minimal_set(pkgs, prereqs))
    lines = []
    if missing:
        lines.append("error: prerequisites not installed: " + " ".join(missing))
    if extra:
        lines.append(f"error: {len(extra)} package(s) beyond the minimal set before the project's "
                     "targets ran: " + " ".join(extra))
    if lines:
        return lines, 2
    return [f"fresh: {len(pkgs)} packages, each essential, apt, a prerequisite "
            f"({' '.join(prereqs)}) or needed by one"], 0


def read_prereqs(path):
    with open(path, encoding="utf-8") as fh:
        return [w for line in fh for w in line.split("#", 1)[0].split()]


# A small archive of made-up stanzas for --self-test.
SELF_TEST_STATUS = """\
Package: base-files
Status: install ok installed
Essential: yes

Package: dpkg
Status: install ok installed
Essential: yes
Pre-Depends: libc6 (>= 2.34), tar (>= 1.28-1)

Package: tar
Status: install ok installed
Essential: yes

Package: libc6
Architecture: amd64
Status: install ok installed
Depends: libgcc-s1

Package: libgcc-s1
Status: install ok installed

Package: apt
Status: install ok installed
Depends: libapt-pkg6.0 (>= 2.6.1), adduser | foo

Package: libapt-pkg6.0
Status: install ok installed

Package: adduser
Status: install ok installed

Package: make
Status: install ok installed
Depends: libc6 (>= 2.34)

Package: git
Status: install ok installed
Depends: libcurl3-gnutls (>= 7.56.1), perl:any, debconf (>= 0.5) | debconf-2.0
Recommends: less, patch

Package: libcurl3-gnutls
Status: install ok installed

Package: perl-base
Status: install ok installed
Essential: yes
Provides: perl:any

Package: cdebconf
Status: install ok installed
Provides: debconf-2.0

Package: ca-certificates
Status: install ok installed
Depends: openssl (>= 1.1.1)

Package: openssl
Status: install ok installed

Package: gone
Status: deinstall ok config-files
"""

EXTRA = """
Package: less
Status: install ok installed

Package: ipxe-qemu
Status: install ok installed
"""


def self_test():
    """The check passes on a fresh root and fails on one that is not."""
    prereqs = ["make", "git", "ca-certificates"]
    cases = [
        ("fresh root", SELF_TEST_STATUS, 0, "fresh: 15 packages"),
        ("recommended and unrelated packages", SELF_TEST_STATUS + EXTRA, 2,
         "2 package(s) beyond the minimal set before the project's targets ran: ipxe-qemu less"),
        ("a prerequisite missing", SELF_TEST_STATUS.replace("Package: make\n", "Package: make-guile\n"), 2,
         "prerequisites not installed: make"),
    ]
    bad = 0
    for name, text, want_rc, want in cases:
        lines, rc = check(text, prereqs)
        ok = rc == want_rc and any(want in line for line in lines)
        bad += not ok
        print(f"{'ok' if ok else 'FAILED'}: {name}: exit {rc}, {' / '.join(lines)}")
    if bad:
        print(f"error: {bad} self-test case(s) failed")
        return 2
    print("fresh-root-check: refuses a root with packages beyond the minimal set")
    return 0


def readme_check(readme, prereqs_path):
    prereqs = read_prereqs(prereqs_path)
    with open(readme, encoding="utf-8") as fh:
        lines = [line for line in fh if line.startswith("Prerequisites:")]
    named = [re.search(r"`([^`]*)`", line) for line in lines]
    if len(lines) != 1 or not named[0]:
        print(f"error: {readme} needs one line 'Prerequisites: ... `{' '.join(prereqs)}` ...'")
        return 2
    if named[0].group(1).split() != prereqs:
        print(f"error: {readme} names `{named[0].group(1)}` as prerequisites, "
              f"{prereqs_path} `{' '.join(prereqs)}`")
        return 2
    print(f"{readme} names the prerequisites of {prereqs_path}: {' '.join(prereqs)}")
    return 0


def installed_since(before_path, now_path):
    with open(before_path, encoding="utf-8") as fh:
        before = parse_status(fh.read())
    with open(now_path, encoding="utf-8") as fh:
        now = parse_status(fh.read())
    new = sorted(set(now) - set(before))
    print(f"packages the project installed ({len(new)}): {' '.join(new)}")
    return 0


def main(argv):
    if argv == ["--self-test"]:
        return self_test()
    if argv[:1] == ["--installed-since"] and len(argv) in (2, 3):
        return installed_since(argv[1], argv[2] if len(argv) == 3 else "/var/lib/dpkg/status")
    if len(argv) == 3 and argv[0] == "--readme":
        return readme_check(argv[1], argv[2])
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 1
    try:
        with open(argv[0], encoding="utf-8") as fh:
            text = fh.read()
        prereqs = read_prereqs(argv[1])
    except OSError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    lines, rc = check(text, prereqs)
    print("\n".join(lines))
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
