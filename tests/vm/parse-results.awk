#!/usr/bin/awk -f
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# Turn the guest's result channel into a report: one line per program, the
# failing test cases, and "tier NAME PASSED FAILED SKIPPED" per suite.
# Programs print TAP ("ok N ...", "not ok N ...", "# SKIP"); a program without
# TAP counts as one test that passes when it exits 0. A program whose results
# fall short of its plans ("1..N" lines at the start of a line, summed: a
# program may run several groups) fails once more.

function finish_block(   p, f, s) {
	p = ok; f = notok; s = skip
	# fewer results than the TAP plan announced: output was cut, or a line
	# ran into another and hid its "ok" (a count that cannot be trusted)
	if (plan && p + f + s < plan) {
		f++
		failures = failures sprintf("    the TAP plan announced %d tests, the output holds %d results\n", plan, p + f - 1 + s)
	}
	if (p + f + s == 0) {
		# 77: the program skipped itself (it says why)
		if (rc == 0) p = 1; else if (rc == 77) s = 1; else f = 1
	} else if (rc != 0 && f == 0) {
		f = 1
		failures = failures sprintf("    exited with status %d after its tests\n", rc)
	}
	passed[suite] += p; failed[suite] += f; skipped[suite] += s
	tiers[suite] = 1
	printf "%s %s/%s: %d passed, %d failed, %d skipped%s\n", (f ? "FAIL" : "PASS"), suite, name, p, f, s, (rc ? " (exit " rc ")" : "")
	if (f || verbose) printf "%s", failures
	if (f && !(p + f + s > 1)) printf "%s", tail
}

/^@@rig begin / { suite = $3; name = $4; ok = notok = skip = plan = 0; failures = ""; tail = ""; inblock = 1; next }
/^@@rig end / {
	rc = $5; sub(/^rc=/, "", rc); rc += 0
	finish_block(); inblock = 0; next
}
/^@@rig dmesg-begin/ { indmesg = 1; running = ""; reportlines = 0; next }
/^@@rig dmesg-end/ {
	indmesg = 0
	tiers["env"] = 1
	if (splats) {
		failed["env"]++
		printf "FAIL env/kernel-log-clean: %d warning line(s)\n%s", splats, splatlines
		printf "    the first report in full (%s):\n%s", (splatin != "" ? "while " splatin " ran" : "outside the test programs"), report
	} else {
		passed["env"]++
		printf "PASS env/kernel-log-clean\n"
	}
	next
}
/^@@rig error / { tiers["rig"] = 1; failed["rig"]++; print "FAIL rig: " substr($0, 13); next }
indmesg {
	# guest-lib.sh's rig_run marks each program's start and end in the log
	if ($0 ~ /rig: begin [^ ]+$/) { running = $NF; next }
	if ($0 ~ /rig: end [^ ]+ rc=/) { running = ""; next }
	# the first report, whole (up to 80 lines or its end-of-trace line)
	if (reportlines > 0 && reportlines < 80) {
		report = report "      " $0 "\n"; reportlines++
		if ($0 ~ /---\[ end trace|^[^a-z]*=+$/ && reportlines > 3) reportlines = 80
	}
	# lockdep, DEBUG_ATOMIC_SLEEP and KASAN reports start with "WARNING:" or "BUG:";
	# their own wordings are listed too, in case a report is cut short
	if ($0 ~ /WARNING:|BUG:|Oops|general protection|KASAN|UBSAN|circular locking|recursive locking|inconsistent lock state|suspicious RCU usage|Invalid wait context|sleeping function called from invalid context|lock held when returning|blocked for more than|Call Trace/) {
		splats++
		if (splats == 1) { splatin = running; report = "      " $0 "\n"; reportlines = 1 }
		if (splats <= 20) splatlines = splatlines "    " $0 "\n"
	}
	next
}
inblock && /^1\.\.[0-9]+[ \t]*$/ { plan += substr($0, 4) + 0 }
inblock {
	line = $0
	sub(/^[ \t]+/, "", line)
	if (line ~ /^not ok [0-9]+/ && tolower(line) ~ /# skip/) {
		# cmocka prints a skipped test as "not ok N # SKIP name"
		skip++
	} else if (line ~ /^not ok [0-9]+/) {
		notok++
		failures = failures "    " line "\n"
	} else if (line ~ /^ok [0-9]+/) {
		if (tolower(line) ~ /# skip/) skip++; else ok++
	}
	# the kselftest harness kills a test at its fixed per-test limit: say so
	if (line ~ /[Tt]erminated by timeout/)
		failures = failures "    TIMEOUT: " line " (the harness's per-test time limit ran out: a slow or busy machine, not necessarily a defect)\n"
	# keep the last lines of non-TAP output for failure reports
	tail = tail "    " $0 "\n"
	n = split(tail, arr, "\n")
	if (n > 30) { tail = ""; for (i = n - 29; i <= n; i++) if (arr[i] != "") tail = tail arr[i] "\n" }
	if ($0 ~ /^# / && verbose > 1) failures = failures "    " $0 "\n"
	if (notok && $0 ~ /^# / && length(failures) < 8000) failures = failures "    " $0 "\n"
}
END {
	for (t in tiers) printf "tier %s %d %d %d\n", t, passed[t], failed[t], skipped[t]
}
