#!/usr/bin/env python3
"""Prove that the one KTAP reader, ktap.py, can fail: each broken console
log is refused, by each of its checks (suite, guest, wb-coverage), and
so are a kunit.py JSON without the suite and a TAP without the case.

usage: python3 scripts/qemu/ktap_test.py   (exit 0 all held, 1 otherwise)
"""
import importlib.util
import io
import os
import re
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("ktap", os.path.join(HERE, "ktap.py"))
ktap = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ktap)

# A passing raspi0 console, cut down to what the checker reads.
GOOD = """\
CPU: ARMv6-compatible processor [410fb767] revision 7 (ARMv7), cr=00c5387d
CPU: VIPT aliasing data cache, unknown instruction cache
KTAP version 1
1..1
    KTAP version 1
    # Subtest: dax-cache-aliasing
    1..3
    # arch_view: cacheid: vivt=0 vipt_aliasing=1
    ok 1 arch_view
    # fs_ops: cache_is_aliasing() = true
    ok 2 fs_ops
    ok 3 device_dax
# dax-cache-aliasing: pass:3 fail:0 skip:0 total:3
# Totals: pass:3 fail:0 skip:0 total:3
ok 1 dax-cache-aliasing
reboot: Restarting system
"""

# The same suite on a MIPS Malta with an aliasing data cache: the kernel's
# cache line differs, and the ARM-only comparison case skips.
MIPS_GOOD = """\
Primary instruction cache 32kB, VIPT, 4-way, linesize 32 bytes.
Primary data cache 32kB, 4-way, VIPT, cache aliases, linesize 32 bytes
KTAP version 1
1..1
    KTAP version 1
    # Subtest: dax-cache-aliasing
    1..3
    ok 1 cache_aliasing_matches_arch # SKIP no architecture cache type to compare with
    # alloc_dax_fs_ops: cache_is_aliasing() = true
    ok 2 alloc_dax_fs_ops
    ok 3 alloc_dax_device_dax
# dax-cache-aliasing: pass:2 fail:0 skip:1 total:3
# Totals: pass:2 fail:0 skip:1 total:3
ok 1 dax-cache-aliasing
"""
MIPS_SKIP = ["--allow-skip", "cache_aliasing_matches_arch"]


def run(log, *args):
    """ktap.py ARGS... with the console log in a file named by "{}"."""
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write(log)
    argv = sys.argv
    sys.argv = ["ktap.py", *[f.name if a == "{}" else a for a in args]]
    out = io.StringIO()
    try:
        with redirect_stdout(out):
            rc = ktap.main()
    finally:
        sys.argv = argv
        os.unlink(f.name)
    return rc, out.getvalue()


def check(log, aliasing="true", cache="VIPT aliasing", extra=()):
    return run(log, "suite", "{}", "--suite", "dax-cache-aliasing",
               "--aliasing", aliasing, "--cache", cache, "--min-cases", "3", *extra)


class Refused(unittest.TestCase):
    def assertRefused(self, log, why, **kw):
        rc, out = check(log, **kw)
        self.assertEqual(rc, 2, out)
        self.assertIn(why, out)

    def test_good_log_passes(self):
        rc, out = check(GOOD)
        self.assertEqual(rc, 0, out)

    def test_kernel_noise_between_ktap_lines_is_ignored(self):
        rc, out = check(GOOD.replace("    ok 3", "random: crng init done\n    ok 3"))
        self.assertEqual(rc, 0, out)

    def test_printk_timestamps_are_ignored(self):
        rc, out = check("".join("[    1.000000] " + l for l in GOOD.splitlines(True)))
        self.assertEqual(rc, 0, out)

    def test_wrong_expected_answer(self):
        self.assertRefused(GOOD, "expected false", aliasing="false", cache="VIPT aliasing")

    def test_wrong_expected_cache(self):
        self.assertRefused(GOOD, "expected \"PIPT / VIPT nonaliasing\"", cache="PIPT / VIPT nonaliasing")

    def test_answer_disagrees_with_kernel(self):
        log = GOOD.replace("VIPT aliasing data", "PIPT / VIPT nonaliasing data")
        self.assertRefused(log, "but the kernel says", cache="PIPT / VIPT nonaliasing")

    def test_no_answer_printed(self):
        self.assertRefused(GOOD.replace("    # fs_ops: cache_is_aliasing() = true\n", ""), "did not print")

    def test_case_failed(self):
        self.assertRefused(GOOD.replace("    ok 2 fs_ops", "    not ok 2 fs_ops"), "case fs_ops: not ok")

    def test_case_skipped(self):
        self.assertRefused(GOOD.replace("ok 1 arch_view", "ok 1 arch_view # SKIP no arch"), "skipped")

    def test_suite_not_ok(self):
        self.assertRefused(GOOD.replace("ok 1 dax-cache-aliasing", "not ok 1 dax-cache-aliasing"), "suite dax-cache-aliasing: not ok")

    def test_truncated_inside_suite(self):
        self.assertRefused(GOOD.split("    ok 3")[0], "incomplete KTAP")

    def test_too_few_cases(self):
        log = GOOD.replace("    1..3", "    1..2").replace("    ok 3 device_dax\n", "")
        self.assertRefused(log, "expected at least 3")

    def test_suite_missing(self):
        self.assertRefused(GOOD.split("KTAP version 1")[0], "did not run")

    def test_no_cpu_line(self):
        self.assertRefused(GOOD.replace("CPU: VIPT aliasing data cache", "CPU: cache"), "no \"CPU: ... data cache\"")

    def test_oops(self):
        self.assertRefused(GOOD + "Internal error: Oops - BUG: 5 [#1] ARM\n", "kernel trouble")

    def test_warning(self):
        self.assertRefused(GOOD.replace("reboot:", "WARNING: CPU: 0 PID: 1 at mm/memory.c:1\nreboot:"),
                           "kernel trouble")

    def test_mips_good_log_passes(self):
        rc, out = check(MIPS_GOOD, cache="VIPT, cache aliases", extra=MIPS_SKIP)
        self.assertEqual(rc, 0, out)

    def test_mips_skip_needs_allow_skip(self):
        self.assertRefused(MIPS_GOOD, "skipped", cache="VIPT, cache aliases")

    def test_mips_allow_skip_names_one_case(self):
        log = MIPS_GOOD.replace("ok 3 alloc_dax_device_dax", "ok 3 alloc_dax_device_dax # SKIP x")
        self.assertRefused(log, "case alloc_dax_device_dax: skipped", cache="VIPT, cache aliases", extra=MIPS_SKIP)

    def test_mips_answer_disagrees_with_kernel(self):
        log = MIPS_GOOD.replace("VIPT, cache aliases", "VIPT, no aliases")
        self.assertRefused(log, "but the kernel says", cache="VIPT, no aliases", extra=MIPS_SKIP)


# The guest's KTAP (qemu/guest/dax-test.c), a kernel message between two
# lines, and the end of a boot the guest ends with a panic.
GUEST = """\
[    1.000000] KTAP version 1
[    1.000001] 1..2
[    1.100000] ok 1 ext4 on pmem0: mount -o dax
[    1.200000] EXT4-fs (pmem0): mounted filesystem with ordered data mode.
[    1.300000] ok 2 ext4 on pmem0: data read back # SKIP no second file
"""
PANIC = "[    2.000000] Kernel panic - not syncing: dax-test: boot 1 ends\n"


class GuestRefused(unittest.TestCase):
    def test_good_guest_passes(self):
        rc, out = run(GUEST, "guest", "{}")
        self.assertEqual(rc, 0, out)
        self.assertIn("1 passed, 0 failed, 1 skipped", out)

    def test_case_failed(self):
        rc, out = run(GUEST.replace("ok 1 ext4", "not ok 1 ext4"), "guest", "{}")
        self.assertEqual(rc, 2, out)
        self.assertIn("1 failed, the first: ext4 on pmem0", out)

    def test_incomplete(self):
        rc, out = run(GUEST.split("[    1.300000]")[0], "guest", "{}")
        self.assertEqual(rc, 2, out)
        self.assertIn("1 of 2 planned cases ran", out)

    def test_every_trouble_word_is_refused(self):
        words = ktap.trouble_words()
        self.assertIn("Oops", words)
        for w in words:
            rc, out = run(GUEST + "[    1.4] kernel: " + w + " here\n", "guest", "{}")
            self.assertEqual(rc, 2, w + ": " + out)
            self.assertIn("kernel problem lines", out)

    def test_panic_only_where_allowed(self):
        rc, out = run(GUEST + PANIC, "guest", "{}")
        self.assertEqual(rc, 2, out)
        rc, out = run(GUEST + PANIC, "guest", "--allow-panic", "dax-test: boot 1 ends", "{}")
        self.assertEqual(rc, 0, out)

    def test_documents_counted(self):
        rc, out = run(GUEST, "guest", "--documents", "2", "{}")
        self.assertEqual(rc, 2, out)
        self.assertIn("1 KTAP documents on the console, expected 2", out)


# The same as kselftest_harness.h prints it: each test announced, a
# skipped one's result without its name, the harness's totals.
HARNESS = """\
[    1.000000] KTAP version 1
[    1.000001] 1..2
[    1.000002] # Starting 2 tests from 2 test cases.
[    1.000003] #  RUN           pmem.ext4.mount_dax ...
[    1.100000] #            OK  pmem.ext4.mount_dax
[    1.100001] ok 1 pmem.ext4.mount_dax
[    1.200000] #  RUN           dax.ext4.write_files ...
[    1.200001] EXT4-fs (pmem0): mounted filesystem with ordered data mode.
[    1.300000] #      SKIP      pmem0 is not mounted with DAX
[    1.300001] #            OK  dax.ext4.write_files
[    1.300002] ok 2 # SKIP pmem0 is not mounted with DAX
[    1.300003] # PASSED: 2 / 2 tests passed.
[    1.300004] # Totals: pass:1 fail:0 xfail:0 xpass:0 skip:1 error:0
"""


class HarnessRead(unittest.TestCase):
    def test_skip_takes_the_name_of_its_run_line(self):
        rc, out = run(HARNESS, "guest", "{}")
        self.assertEqual(rc, 0, out)
        self.assertIn("1 passed, 0 failed, 1 skipped", out)
        self.assertIn("skipped: dax.ext4.write_files (pmem0 is not mounted with DAX)", out)

    def test_failure_named(self):
        log = HARNESS.replace("ok 1 pmem.ext4.mount_dax", "not ok 1 pmem.ext4.mount_dax")
        rc, out = run(log, "guest", "{}")
        self.assertEqual(rc, 2, out)
        self.assertIn("1 failed, the first: pmem.ext4.mount_dax", out)

    def test_summary_reads_variants_and_totals(self):
        # the KTAP file "guest" wrote: no time stamps
        rc, out = run(re.sub(r"^\[[^]]*\] ", "", HARNESS, flags=re.M), "summary", "{}")
        self.assertEqual(rc, 0, out)
        self.assertIn("ext4  mounted with DAX, , , data NOT checked (2 ok, 0 failed)", out)
        self.assertIn("result:      Totals: pass:1 fail:0", out)


# One boot that names its pmem mapping, ends with a reboot, and the
# kprobe lines of arch_wb_cache_pmem() that follow it.
WB = """\
KTAP version 1
# write-back must cover pmem0: 0x10000000-0x10200000 (2 MiB)
# persist: boot 1 of 2 ends with a reboot
pmem_wb: (arch_wb_cache_pmem+0x0/0x40) addr=0x10000000 size=0x100000
pmem_wb: (arch_wb_cache_pmem+0x0/0x40) addr=0x10100000 size=0x100000
pmem: restart: wrote back the CPU caches for 1 regions, 2048 KiB, in 9 us
KTAP version 1
"""


class WriteBackRefused(unittest.TestCase):
    def test_covered_passes(self):
        rc, out = run(WB, "wb-coverage", "{}")
        self.assertEqual(rc, 0, out)

    def test_hole_is_refused(self):
        rc, out = run(WB.replace("addr=0x10100000", "addr=0x10180000"), "wb-coverage", "{}")
        self.assertEqual(rc, 2, out)
        self.assertIn("512 KiB of pmem0 not written back", out)

    def test_no_reset_is_refused(self):
        rc, out = run(WB.replace("# persist: boot 1 of 2 ends with a reboot\n", ""), "wb-coverage", "{}")
        self.assertEqual(rc, 2, out)


# kunit.py run --json: the suite nested in the group kunit.py makes.
KUNIT_JSON = """{"name": "KUnit Test Group", "test_cases": [], "sub_groups": [
 {"name": "dax-cache-aliasing", "sub_groups": [], "test_cases": [
  {"name": "arch_view", "status": "PASS"},
  {"name": "fs_ops", "status": "PASS"},
  {"name": "device_dax", "status": "SKIP"}]}]}
"""


class KunitJsonRefused(unittest.TestCase):
    def test_suite_passes(self):
        rc, out = run(KUNIT_JSON, "kunit-json", "{}", "--suite", "dax-cache-aliasing",
                      "--min-cases", "3")
        self.assertEqual(rc, 0, out)
        self.assertIn("3 cases, 2 passed, 0 failed, 1 skipped", out)

    def test_missing_suite(self):
        rc, out = run(KUNIT_JSON, "kunit-json", "{}", "--suite", "other")
        self.assertEqual(rc, 2, out)
        self.assertIn("did not run", out)

    def test_failed_case(self):
        rc, out = run(KUNIT_JSON.replace('"PASS"', '"FAIL"', 1), "kunit-json", "{}",
                      "--suite", "dax-cache-aliasing")
        self.assertEqual(rc, 2, out)

    def test_too_few_cases(self):
        rc, out = run(KUNIT_JSON, "kunit-json", "{}", "--suite", "dax-cache-aliasing",
                      "--min-cases", "4")
        self.assertEqual(rc, 2, out)


TAP = """TAP version 13
ok 1 - base: x86_64 dax-on
#   a comment
not ok 2 - prefix 3/3 0003-bad: x86_64 dax-on # 1 warning(s) the base does not have
1..2
"""


class TapCase(unittest.TestCase):
    def test_verdicts(self):
        self.assertEqual(run(TAP, "tap-case", "{}", "base: x86_64 dax-on"), (0, "ok\n"))
        rc, out = run(TAP, "tap-case", "{}", "prefix 3/3 0003-bad: x86_64 dax-on")
        self.assertEqual((rc, out), (0, "not ok # 1 warning(s) the base does not have\n"))

    def test_no_such_case(self):
        rc, out = run(TAP, "tap-case", "{}", "base: x86_64 dax-off")
        self.assertEqual(rc, 1, out)


if __name__ == "__main__":
    unittest.main()
