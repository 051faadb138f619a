#!/usr/bin/env python3
"""run_gate_pause.py - the validator's stop in a real target: the Debug gate's mode-2 side process, stopped by one or
more validator builds in alternation, idle or running one of the gate's pairs, with each stop's pause and (verbosity=2)
its time by phase.

It starts InteropGuard.DebugGate.dll (Release build) as `--side mode2` with the environment the gate gives that side
(DebugSide.cs: fixed malloc thresholds, INTEROPGUARD=2, validator_interval_ms=1000, exit_code=0) plus verbosity=2 and
validator_path=<each --validator>, then for --seconds either writes `run <pair> 20` lines back to back (the pair always
running) or nothing (idle), quits, and reads the validator's stderr lines: "sweep N (timer): pause X ms" and
"sweep N phases (wall/cpu ms): Phase w/c, ...". The validators take turns (A, B, A, B, ...) for --rounds rounds; the
load average is printed at each run's start and end. Output: per validator, the median pause over all its timer
sweeps, each run's median, and (a validator that logs them) each phase's median wall and CPU time.

usage: run_gate_pause.py --validator new=PATH/InteropGuard.Cli.dll [--validator old=OTHER.dll] [--pair IDX|idle]
                         [--seconds 20] [--rounds 2] [--skip 2]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GATE = os.path.join(HERE, "..", "InteropGuard.DebugGate", "bin", "Release", "net10.0", "InteropGuard.DebugGate.dll")
BUDGET = os.path.join(HERE, "..", "debug-gate.budget.json")
CLI = os.path.join(HERE, "..", "..", "src", "InteropGuard.Cli", "bin", "Release", "net10.0", "InteropGuard.Cli.dll")
FIXED_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "4194304", "MALLOC_TRIM_THRESHOLD_": "268435456"}  # DebugSide.cs
PAUSE = re.compile(r"sweep (\d+) \(timer\): pause ([0-9.]+) ms")
PHASES = re.compile(r"sweep (\d+) phases \(wall/cpu ms\): (.*)$")


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def run_once(gate, validator, pair, seconds):
    """One side process stopped by `validator` for `seconds`: returns ({sweep: pause}, {sweep: {phase: (wall, cpu)}})."""
    env = dict(os.environ, **FIXED_MALLOC)
    env["INTEROPGUARD"] = "2"
    env["INTEROPGUARD_OPTIONS"] = "validator_path={}:validator_interval_ms=1000:verbosity=2:exit_code=0".format(validator)
    p = subprocess.Popen(["dotnet", gate, "--side", "mode2", "--budget", BUDGET], env=env, text=True,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(iter(p.stderr.readline, "")), daemon=True)
    reader.start()
    ready = p.stdout.readline()
    if not ready.startswith("ready"):
        p.kill()
        sys.exit("mode2 side started with '{}'; stderr:\n{}".format(ready.strip(), "".join(lines)))
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pair is None:
            time.sleep(0.2)
            continue
        p.stdin.write("run {} 20\n".format(pair))
        p.stdin.flush()
        answer = p.stdout.readline()
        if not answer.startswith("ok"):
            p.kill()
            sys.exit("mode2 side answered '{}' to run".format(answer.strip()))
    p.stdin.write("quit\n")
    p.stdin.flush()
    p.stdout.readline()
    p.wait(timeout=120)
    reader.join(timeout=10)
    pauses, phases = {}, {}
    for line in lines:
        m = PAUSE.search(line)
        if m:
            pauses[int(m.group(1))] = float(m.group(2))
        m = PHASES.search(line)
        if m:
            parts = {}
            for item in m.group(2).split(", "):
                name, wc = item.rsplit(" ", 1)
                w, c = wc.split("/")
                parts[name] = (float(w), float(c))
            phases[int(m.group(1))] = parts
    return pauses, phases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gate", default=GATE)
    ap.add_argument("--validator", action="append", help="LABEL=PATH of an InteropGuard.Cli.dll (repeat to alternate)")
    ap.add_argument("--pair", default="idle", help="the gate's pair index to run back to back (4 = qsort), or idle")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--skip", type=int, default=2, help="first timer sweeps of each run not counted (warm-up)")
    a = ap.parse_args()
    validators = [v.split("=", 1) for v in (a.validator or ["new=" + CLI])]
    pair = None if a.pair == "idle" else int(a.pair)
    runs = {label: [] for label, _ in validators}
    for r in range(a.rounds):
        for label, path in validators:
            before = load()
            pauses, phases = run_once(a.gate, path, pair, a.seconds)
            kept = sorted(n for n in pauses if n > a.skip)
            runs[label].append(([pauses[n] for n in kept], [phases[n] for n in kept if n in phases]))
            med = statistics.median(runs[label][-1][0]) if kept else float("nan")
            print("round {} {}: {} timer sweeps, median pause {:.2f} ms (load {} -> {})".format(
                r + 1, label, len(kept), med, before, load()), flush=True)
    print()
    print("work: {}; {} rounds of {:.0f} s".format("idle" if pair is None else "pair " + str(pair), a.rounds, a.seconds))
    for label, _ in validators:
        all_pauses = [x for ps, _ in runs[label] for x in ps]
        all_phases = [ph for _, phs in runs[label] for ph in phs]
        per_run = " / ".join("{:.1f}".format(statistics.median(ps)) for ps, _ in runs[label] if ps)
        print("{}: median pause {:.2f} ms over {} sweeps (per run {}); min {:.1f} max {:.1f}".format(
            label, statistics.median(all_pauses), len(all_pauses), per_run, min(all_pauses), max(all_pauses)))
        if all_phases:
            names = []
            for ph in all_phases:
                names.extend(n for n in ph if n not in names)
            for n in names:
                w = statistics.median(ph.get(n, (0.0, 0.0))[0] for ph in all_phases)
                c = statistics.median(ph.get(n, (0.0, 0.0))[1] for ph in all_phases)
                print("    {:14s} wall {:6.2f}  cpu {:6.2f}".format(n, w, c))


if __name__ == "__main__":
    main()
