#!/usr/bin/env python3
"""run_bench.py - runs alloc_loop (glibc, ASan, InteropGuard mode 1 and mode 2) side by side and prints a table.

Every (size, threads) cell runs each variant once per round, in a rotating order, for --rounds rounds; the table shows
each variant's median ns per malloc+free pair as one thread sees it, and InteropGuard / ASan. On a shared machine the
absolute figures move between runs; the ratios, measured in the same rounds, are the result.

--before DIR adds the two InteropGuard columns again with the libinteropguard.so found in DIR (another build, e.g.
main's) loaded in place of the one alloc_loop_ig was linked against (LD_LIBRARY_PATH overrides its RUNPATH), so a
change is measured against its base in the same rounds.

usage: run_bench.py [--build DIR] [--rounds N] [--sizes 16,64,...] [--threads 1,2] [--before DIR] [--markdown FILE]
"""
import argparse
import os
import statistics
import subprocess
import sys

VARIANTS = [  # (column, executable, extra arguments, environment)
    ("glibc", "alloc_loop_glibc", [], {}),
    ("asan", "alloc_loop_asan", [], {}),
    ("ig", "alloc_loop_ig", [], {}),
    ("ig-mode2", "alloc_loop_ig", ["mode2"], {}),
]


def pairs_for(size):
    """Pairs per timed run: about 10-30 ms of InteropGuard or ASan work per run on a quiet machine."""
    if size >= 65536:
        return 10000
    if size >= 4096:
        return 50000
    return 150000


def run_one(build, exe, size, threads, extra, extra_env):
    env = dict(os.environ)
    env.pop("INTEROPGUARD_OPTIONS", None)  # each allocator with its defaults
    env.pop("ASAN_OPTIONS", None)
    env.update(extra_env)
    out = subprocess.run([os.path.join(build, exe), str(size), str(threads), str(pairs_for(size))] + extra,
                         env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(os.path.dirname(__file__), "..", "..", "build", "native-alloc"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--sizes", default="16,64,256,1024,4096,65536")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--before", help="a directory holding another libinteropguard.so: its columns in the same rounds")
    ap.add_argument("--markdown", help="also write the table as Markdown to this file")
    a = ap.parse_args()
    variants = list(VARIANTS)
    if a.before:
        lib = {"LD_LIBRARY_PATH": os.path.abspath(a.before)}
        variants += [("before-" + n, exe, extra, lib) for n, exe, extra, _ in VARIANTS if exe == "alloc_loop_ig"]
    sizes = [int(s) for s in a.sizes.split(",")]
    threads = [int(t) for t in a.threads.split(",")]
    names = [v[0] for v in variants]
    rows = []
    header = "| size | threads | " + " | ".join(n + " ns" for n in names) + " | ig / asan | ig-mode2 / asan |"
    print(header)
    print("|" + "---:|" * (len(names) + 4))
    for t in threads:
        for size in sizes:
            samples = {n: [] for n in names}
            for r in range(a.rounds):
                order = variants[r % len(variants):] + variants[:r % len(variants)]
                for name, exe, extra, env in order:
                    samples[name].append(run_one(a.build, exe, size, t, extra, env))
            med = {n: statistics.median(samples[n]) for n in names}
            line = "| {} | {} | {} | {:.2f} | {:.2f} |".format(
                size, t, " | ".join("{:.1f}".format(med[n]) for n in names), med["ig"] / med["asan"],
                med["ig-mode2"] / med["asan"])
            print(line, flush=True)
            rows.append(line)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(header + "\n|" + "---:|" * (len(names) + 4) + "\n" + "\n".join(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
