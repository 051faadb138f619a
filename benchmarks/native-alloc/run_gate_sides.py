#!/usr/bin/env python3
"""run_gate_sides.py - the Debug gate's buffer-churn pair in its own side processes, unguarded against mode 1 with
several allocator options at once (e.g. quarantine_mb=0,4,16,64), so an option's effect on the gate's figure is
measured in one run instead of one gate run per value.

It starts InteropGuard.DebugGate.dll (Release build) as `--side unguarded` and as one `--side mode1` process per
option string, with the environment the gate gives each side (fixed malloc thresholds, INTEROPGUARD, exit_code=0, plus
the option string), then sends every process one iteration of the pair in turn (`run 0 N`, the gate's protocol),
rotating the order each round, and prints each mode-1 variant's summed process CPU time over the unguarded side's,
the way the gate sums its rounds. Mode 2 is not run here (its validator's pauses are the gate's business).
--before DLL adds the mode-1 sides again (one per option string) started from another copy of the gate's build directory
(e.g. one holding main's libinteropguard.so), so a change is measured against its base in the same rounds.
--asan adds the gate's asan side (the unguarded side with gcc's libasan preloaded, ASAN_OPTIONS=detect_leaks=0: the
allocator anchor of the pair) and prints every mode-1 side's ratio over the asan side's as well (the anchor rule: mode 1
passes at or below 1.00x of it); its 256 MiB quarantine is cycled by the warm-up rounds (at least 20 with --asan).

usage: run_gate_sides.py [--gate DLL] [--before DLL] [--asan] [--rounds N] [--invocations N] [--options "" "quarantine_mb=0" ...]
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GATE = os.path.join(HERE, "..", "InteropGuard.DebugGate", "bin", "Release", "net10.0", "InteropGuard.DebugGate.dll")
FIXED_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "4194304", "MALLOC_TRIM_THRESHOLD_": "268435456"}  # DebugSide.cs


def libasan():
    """gcc's ASan runtime, as the gate finds it (AsanRuntime.cs); exits when there is none."""
    path = subprocess.run(["gcc", "-print-file-name=libasan.so"], capture_output=True, text=True).stdout.strip()
    if not os.path.isabs(path) or not os.path.exists(path):
        sys.exit("--asan: gcc has no libasan.so (gcc -print-file-name=libasan.so printed '{}')".format(path))
    return path


def start(gate, side, options):
    """Starts one side process and waits for its ready line."""
    env = dict(os.environ, **FIXED_MALLOC)
    guarded = side not in ("unguarded", "asan")
    env["INTEROPGUARD"] = "1" if guarded else "0"
    env["INTEROPGUARD_OPTIONS"] = ":".join(o for o in ("exit_code=0", options) if o) if guarded else ""
    if side == "asan":
        env["LD_PRELOAD"] = libasan()
        env["ASAN_OPTIONS"] = "detect_leaks=0"
    p = subprocess.Popen(["dotnet", gate, "--side", side, "--pair", "native-buffer-churn"], env=env, text=True,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = p.stdout.readline()
    if not line.startswith("ready"):
        sys.exit("{} {}: started with '{}'".format(side, options, line.strip()))
    return p


def run(p, invocations):
    p.stdin.write("run 0 {}\n".format(invocations))
    p.stdin.flush()
    words = p.stdout.readline().split()
    if len(words) != 3 or words[0] != "ok":
        sys.exit("side process answered '{}'".format(" ".join(words)))
    return int(words[2])  # process CPU ns


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gate", default=GATE)
    ap.add_argument("--before", help="another build's InteropGuard.DebugGate.dll: its mode-1 sides too")
    ap.add_argument("--rounds", type=int, default=60)
    ap.add_argument("--invocations", type=int, default=30, help="invocations of the pair per iteration")
    ap.add_argument("--warmup", type=int, default=10, help="rounds run first and not counted")
    ap.add_argument("--options", nargs="+", default=["", "quarantine_mb=16", "quarantine_mb=4", "quarantine_mb=0"])
    ap.add_argument("--asan", action="store_true", help="add the gate's asan side (the anchor)")
    a = ap.parse_args()
    if a.asan:
        a.warmup = max(a.warmup, 20)
    sides = [("unguarded", "", a.gate)] + ([("asan", "", a.gate)] if a.asan else []) + [("mode1", o, a.gate) for o in a.options]
    if a.before:
        sides += [("mode1", o, a.before) for o in a.options]
    procs = [start(g, s, o) for s, o, g in sides]
    cpu = [0] * len(sides)
    per_round = [[] for _ in sides]
    for r in range(a.warmup + a.rounds):
        order = list(range(len(sides)))
        order = order[r % len(order):] + order[:r % len(order)]
        times = {}
        for i in order:
            times[i] = run(procs[i], a.invocations)
        if r >= a.warmup:
            for i in order:
                cpu[i] += times[i]
                per_round[i].append(times[i] / times[0])
    for p in procs:
        p.stdin.write("quit\n")
        p.stdin.flush()
    for p in procs:
        p.wait(timeout=60)
    asan = 1 if a.asan else None
    print("| side | CPU µs per invocation | / unguarded (sum) | rounds min … max |" + (" / asan (sum) |" if asan else ""))
    print("|---|---:|---:|---:|" + ("---:|" if asan else ""))
    for i, (s, o, g) in enumerate(sides):
        rr = sorted(per_round[i])
        name = s if s in ("unguarded", "asan") else "mode 1" + (", " + o if o else " (defaults)")
        print("| {} | {:.1f} | {:.2f}× | {:.2f}× … {:.2f}× |".format(
            ("before: " if g != a.gate else "") + name,
            cpu[i] / 1000 / (a.rounds * a.invocations), cpu[i] / cpu[0], rr[0], rr[-1])
            + (" {:.3f}× |".format(cpu[i] / cpu[asan]) if asan else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
