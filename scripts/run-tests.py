#!/usr/bin/env python3
"""`make test`: every stage in order, each timed, its output shown and kept in
target/test-logs/STAGE.log; at the end a table of the stages (time, what passed) and one line with
the totals. Stops at the first stage that fails, after the table. With CI set, no colour codes.

Usage: scripts/run-tests.py [STAGE ...]   (default: every stage)
"""
import os
import re
import subprocess
import sys
import time

# Stage name -> the make target it runs.
STAGES = [
    ("deps", "test-deps"),
    ("format", "fmt-check"),
    ("clippy", "lint"),
    ("infra", "test-infra"),
    ("rust", "test-rust"),
    ("sdk-js", "test-sdk"),
    ("web", "test-web"),
    ("reliability", "test-reliability"),
]

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def counts(text):
    """Tests and checks passed and failed in a stage's output, from each runner's own summary."""
    passed = failed = 0
    extra = []
    checkov = [0, 0]
    for raw in text.splitlines():
        line = ANSI.sub("", raw).strip()
        m = re.match(r"test result: \w+\. (\d+) passed; (\d+) failed", line)  # cargo test
        if m:
            passed += int(m[1])
            failed += int(m[2])
            continue
        if re.match(r"Tests\s+.*\(\d+\)$", line):  # vitest: "Tests  1 failed | 74 passed (75)"
            passed += sum(int(n) for n in re.findall(r"(\d+) passed", line))
            failed += sum(int(n) for n in re.findall(r"(\d+) failed", line))
            continue
        m = re.match(r"(\d+) passed, (\d+) failed$", line)  # the dashboard's end-to-end steps
        if m:
            passed += int(m[1])
            failed += int(m[2])
            continue
        if re.match(r"(not )?ok - ", line):  # TAP-style browser checks
            if line.startswith("not"):
                failed += 1
            else:
                passed += 1
            continue
        if re.search(r"\b(passed|failed)\b.* in [\d.]+s$", line) and not line.startswith("test "):
            # pytest: "1 failed, 15 passed in 3.17s"
            passed += sum(int(n) for n in re.findall(r"(\d+) passed", line))
            failed += sum(int(n) for n in re.findall(r"(\d+) failed", line))
            continue
        m = re.match(r"Passed checks: (\d+), Failed checks: (\d+)", line)  # checkov: policies
        if m:
            checkov[0] += int(m[1])
            checkov[1] += int(m[2])
            continue
        m = re.match(r"(\d+) of (\d+) scenarios passed", line)  # the reliability suite
        if m:
            passed += int(m[1])
            failed += int(m[2]) - int(m[1])
            continue
        m = re.match(r"(\d+) generated, (\d+) passed", line)  # schemathesis: cases, not tests
        if m:
            extra.append(f"{m[2]} schemathesis cases")
        m = re.match(r"stat::number_of_executed_units: (\d+)", line)  # libFuzzer
        if m:
            extra.append(f"{int(m[1]):,} fuzz runs")
    if checkov != [0, 0]:
        extra.insert(0, f"checkov {checkov[0]} policies passed, {checkov[1]} failed")
    return passed, failed, extra


def run(stage, target, logs):
    log_path = os.path.join(logs, f"{stage}.log")
    print(f"\n=== {stage}: make {target}", flush=True)
    start = time.monotonic()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", target],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        out = []
        for line in proc.stdout:
            sys.stdout.write(line)
            log.write(line)
            out.append(line)
        status = proc.wait()
    return status, time.monotonic() - start, counts("".join(out))


def main():
    if os.environ.get("CI"):
        os.environ.update(NO_COLOR="1", FORCE_COLOR="0", CARGO_TERM_COLOR="never", TERM="dumb")
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    logs = os.path.join("target", "test-logs")
    os.makedirs(logs, exist_ok=True)
    wanted = sys.argv[1:]
    rows, failed_stage = [], None
    for stage, target in STAGES:
        if wanted and stage not in wanted:
            continue
        status, seconds, (passed, failed, extra) = run(stage, target, logs)
        rows.append((stage, seconds, passed, failed, extra, status))
        if status != 0:
            failed_stage = stage
            break
    print("\n=== summary (logs in target/test-logs/)")
    print(f"{'stage':<12} {'time':>8} {'passed':>7} {'failed':>7}  notes")
    for stage, seconds, passed, failed, extra, status in rows:
        mins = f"{int(seconds // 60)}m{int(seconds % 60):02d}s"
        note = ", ".join(extra) + ("" if status == 0 else f" EXIT {status}")
        print(f"{stage:<12} {mins:>8} {passed:>7} {failed:>7}  {note}")
    total = sum(r[1] for r in rows)
    print(f"{'all':<12} {int(total // 60)}m{int(total % 60):02d}s")
    if failed_stage:
        print(f"stopped: stage {failed_stage} failed")
    passed = sum(r[2] for r in rows)
    failed = sum(r[3] for r in rows) + (1 if failed_stage and not any(r[3] for r in rows) else 0)
    print(f"total: {passed} passed, {failed} failed")
    return 1 if failed_stage else 0


if __name__ == "__main__":
    sys.exit(main())
