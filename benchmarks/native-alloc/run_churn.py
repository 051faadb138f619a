#!/usr/bin/env python3
"""run_churn.py - runs churn_loop (the Debug gate's buffer churn in C) with glibc, ASan and InteropGuard side by side.

Each round runs every variant once, in a rotating order; the table shows each variant's median CPU ns per iteration
(free, malloc, memset, crc32 of 64 B - 16 KiB buffers, 32 live) and its ratio to glibc, the figure the Debug gate's
budget (1.3x mode 1, 1.5x mode 2) sets for InteropGuard. The quarantine-off rows (ASan quarantine_size_mb=0,
InteropGuard quarantine_mb=0) show how much of each allocator's cost is its quarantine.

--quarantine 4,16 adds an InteropGuard mode-1 row per quarantine_mb value. --before DIR adds the mode-1 rows again
with the libinteropguard.so found in DIR (another build, e.g. main's) loaded in place of the one churn_loop_ig was
linked against (LD_LIBRARY_PATH overrides its RUNPATH), so a change is measured against its base in the same rounds.

usage: run_churn.py [--build DIR] [--rounds N] [--iterations N] [--quarantine MB,...] [--before DIR] [--markdown FILE]
"""
import argparse
import os
import statistics
import subprocess
import sys

VARIANTS = [  # (row, executable, extra arguments, environment)
    ("glibc", "churn_loop_glibc", [], {}),
    ("ASan", "churn_loop_asan", [], {}),
    ("ASan, quarantine_size_mb=0", "churn_loop_asan", [], {"ASAN_OPTIONS": "quarantine_size_mb=0"}),
    ("InteropGuard mode 1", "churn_loop_ig", [], {}),
    ("InteropGuard mode 2 fill", "churn_loop_ig", ["mode2"], {}),
    ("InteropGuard mode 1, the gate's wrapper calls (ig_check x2, sites)", "churn_loop_ig", ["checks"], {}),
    ("InteropGuard mode 1, quarantine_mb=0", "churn_loop_ig", [], {"INTEROPGUARD_OPTIONS": "quarantine_mb=0"}),
]


def variants(quarantine, before):
    rows = list(VARIANTS)
    for mb in quarantine:
        rows.append(("InteropGuard mode 1, quarantine_mb={}".format(mb), "churn_loop_ig", [],
                     {"INTEROPGUARD_OPTIONS": "quarantine_mb={}".format(mb)}))
    if before:
        lib = {"LD_LIBRARY_PATH": os.path.abspath(before)}
        for name, exe, extra, env in list(rows):
            if exe == "churn_loop_ig" and not extra:
                rows.append(("before: " + name, exe, extra, dict(env, **lib)))
    return rows


def run_one(build, exe, iterations, extra, extra_env):
    env = dict(os.environ)
    env.pop("INTEROPGUARD_OPTIONS", None)  # each allocator with its defaults unless the row says otherwise
    env.pop("ASAN_OPTIONS", None)
    env.update(extra_env)
    out = subprocess.run([os.path.join(build, exe), str(iterations)] + extra, env=env, capture_output=True, text=True,
                         check=True)
    return float(out.stdout.strip())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(os.path.dirname(__file__), "..", "..", "build", "native-alloc"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=50000)
    ap.add_argument("--quarantine", default="", help="extra mode-1 rows at these quarantine_mb values (comma-separated)")
    ap.add_argument("--before", help="a directory holding another libinteropguard.so: its mode-1 rows in the same rounds")
    ap.add_argument("--markdown", help="also write the table as Markdown to this file")
    a = ap.parse_args()
    rows_run = variants([int(q) for q in a.quarantine.split(",") if q], a.before)
    samples = {v[0]: [] for v in rows_run}
    for r in range(a.rounds):
        for name, exe, extra, env in rows_run[r % len(rows_run):] + rows_run[:r % len(rows_run)]:
            samples[name].append(run_one(a.build, exe, a.iterations, extra, env))
    med = {n: statistics.median(s) for n, s in samples.items()}
    rows = ["| allocator | CPU ns per iteration (median) | min … max | / glibc | / ASan |", "|---|---:|---:|---:|---:|"]
    for name, *_ in rows_run:
        rows.append("| {} | {:.0f} | {:.0f} … {:.0f} | {:.2f}× | {:.2f}× |".format(
            name, med[name], min(samples[name]), max(samples[name]), med[name] / med["glibc"], med[name] / med["ASan"]))
    print("\n".join(rows), flush=True)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write("\n".join(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
