#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
"""Count test cases in a meson testlog.json (run one suite per meson test
call): TAP lines of each test's output ("ok", "not ok", "# SKIP"); a test
without TAP counts once by its result. Prints "PASSED FAILED SKIPPED".
  tap-count.py --tap FILE EXIT_STATUS: the same count of one TAP script's
  output (a failing script with no "not ok" counts one failure)."""
import json
import re
import sys


def count_tap(text):
    ok = nok = skip = 0
    for out in text.splitlines():
        out = out.strip()
        if re.match(r"not ok\b", out):
            nok += 1
        elif re.match(r"ok\b", out):
            if re.search(r"#\s*skip", out, re.I):
                skip += 1
            else:
                ok += 1
    return ok, nok, skip


if sys.argv[1] == "--tap":
    with open(sys.argv[2]) as f:
        ok, nok, skip = count_tap(f.read())
    if sys.argv[3] != "0" and nok == 0:
        nok = 1
    print(ok, nok, skip)
    sys.exit(0)

log = sys.argv[1]
passed = failed = skipped = 0
with open(log) as f:
    for line in f:
        t = json.loads(line)
        ok = nok = skip = 0
        for out in (t.get("stdout") or "").splitlines():
            out = out.strip()
            if re.match(r"not ok\b", out):
                nok += 1
            elif re.match(r"ok\b", out):
                if re.search(r"#\s*skip", out, re.I):
                    skip += 1
                else:
                    ok += 1
        good = t.get("result") in ("OK", "EXPECTEDFAIL")
        if ok + nok + skip == 0:
            if t.get("result") == "SKIP":
                skip = 1
            elif good:
                ok = 1
            else:
                nok = 1
        elif not good and nok == 0:
            nok = 1
        passed, failed, skipped = passed + ok, failed + nok, skipped + skip
print(passed, failed, skipped)
