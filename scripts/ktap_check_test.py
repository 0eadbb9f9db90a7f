#!/usr/bin/env python3
"""Prove that ktap-check.py can fail: each broken console log is refused.

usage: python3 scripts/ktap_check_test.py   (exit 0 all held, 1 otherwise)
"""
import importlib.util
import io
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("ktap_check", os.path.join(HERE, "ktap-check.py"))
ktap_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ktap_check)

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


def check(log, aliasing="true", cache="VIPT aliasing"):
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write(log)
    argv = sys.argv
    sys.argv = ["ktap-check.py", f.name, "--suite", "dax-cache-aliasing",
                "--aliasing", aliasing, "--cache", cache, "--min-cases", "3"]
    out = io.StringIO()
    try:
        with redirect_stdout(out):
            rc = ktap_check.main()
    finally:
        sys.argv = argv
        os.unlink(f.name)
    return rc, out.getvalue()


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
        self.assertRefused(GOOD + "Internal error: Oops - BUG: 5 [#1] ARM\n", "crashed")


if __name__ == "__main__":
    unittest.main()
