#!/usr/bin/env python3
"""The tile-distributed pairwise scan on Spark against the single-process one, on the same machine and head.

Runs, alternately and --reps times each, on a GPT-2-small-shaped head (50257 x 768 F32, written by
bench.py's generator into bench/data):

  local     ./superscope analyze HEAD --analyzers pairwise,decode-error            (one process, all cores)
  local-1t  the same computing with one thread (-Dsuperscope.threads=1)
  local[1]  the same with --master local[1]: one executor slot of one thread        (local-1t + Spark's cost)
  local[2]  the same with --master local[2]: two executor slots, one thread each    (the issue's comparison)

each timed from process start to exit (JVM, Spark and engine start-up included), and checks that the three
give the same mean |cos|, max |cos| and decode-error rate. Prints medians, the ratio to the local run, and
the scan rate (n^2 m flops: the upper triangle's n^2/2 dot products of 2m flops) per run and per executor
slot, then what a 152064 x 8192 head (Qwen2.5-72B) would take on N executors at the measured per-slot
rate and 1-to-2-slot scaling. Usage:

  python3 bench/spark_pairwise.py [--reps 3] [--rows 50257] [--cols 768]
"""
import argparse
import csv
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the head generator and the timed runner)

ROOT = bench.ROOT
BIG_N, BIG_M = 152064, 8192


def metrics(out_dir):
    with open(os.path.join(out_dir, "models.csv"), newline="") as f:
        row = next(csv.DictReader(f))
    return {k: row[k] for k in ("mean_abs_overlap", "max_abs_overlap", "decode_error_rate")}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--rows", type=int, default=50257)
    ap.add_argument("--cols", type=int, default=768)
    a = ap.parse_args()
    n, m = a.rows, a.cols
    head = os.path.join(bench.DATA, f"gpt2-{n}x{m}")
    bench.write_checkpoint(head, "gpt2", "transformer.wte.weight", (n, m), "F32", 1)
    launcher = os.path.join(ROOT, "superscope")
    env = dict(os.environ, OPT_OUT_TRACKING="true")
    cases = [("local", []), ("local-1t", []), ("local[1]", ["--master", "local[1]"]),
             ("local[2]", ["--master", "local[2]"])]
    one_thread = dict(env, JAVA_OPTS=(env.get("JAVA_OPTS", "") + " -Dsuperscope.threads=1").strip())
    # Build both jars before timing anything.
    with tempfile.TemporaryDirectory() as warm:
        small = os.path.join(warm, "small")
        bench.write_checkpoint(small, "gpt2", "transformer.wte.weight", (1000, 16), "F32", 2)
        for _, extra in (cases[0], cases[3]):
            bench.run([launcher, "analyze", small, "--analyzers", "pairwise", "--out", os.path.join(warm, "o")] + extra,
                      env)
    times = {name: [] for name, _ in cases}
    seen = {}
    started = time.strftime("%Y-%m-%d %H:%M")
    load = os.getloadavg()
    for rep in range(a.reps):
        for name, extra in cases:
            with tempfile.TemporaryDirectory() as out:
                wall, _, _ = bench.run([launcher, "analyze", head, "--analyzers", "pairwise,decode-error",
                                        "--out", out] + extra, one_thread if name == "local-1t" else env)
                times[name].append(wall)
                seen.setdefault(name, metrics(out))
            print(f"rep {rep + 1} {name}: {wall:.2f} s", file=sys.stderr)
    # The same numbers: max |cos| and the decode-error rate exactly; the mean to float64 rounding (the slices'
    # sums are added in another order than one pass adds its tiles).
    ref = seen["local"]
    for name, got in seen.items():
        same = got["max_abs_overlap"] == ref["max_abs_overlap"] and got["decode_error_rate"] == ref["decode_error_rate"]
        mean, ref_mean = float(got["mean_abs_overlap"]), float(ref["mean_abs_overlap"])
        if not same or abs(mean - ref_mean) > 1e-12 * abs(ref_mean):
            sys.exit(f"the runs disagree: {seen}")
    flops = float(n) * n * m
    base = statistics.median(times["local"])
    lines = [f"Pairwise + decode-error, {n} x {m} F32, {a.reps} alternating reps, {started} "
             f"(load average at start {load[0]:.2f}); {platform.node()}, {os.cpu_count()} cores", "",
             "| run | median s | all s | ratio to local | GFLOP/s | GFLOP/s per slot |", "|---|---|---|---|---|---|"]
    rates = {}
    for name, _ in cases:
        t = statistics.median(times[name])
        slots = {"local": 1, "local-1t": 1, "local[1]": 1, "local[2]": 2}[name]
        rates[name] = flops / t
        lines.append(f"| {name} | {t:.2f} | {' '.join(f'{x:.2f}' for x in times[name])} | {t / base:.2f}x | "
                     f"{flops / t / 1e9:.1f} | {flops / t / 1e9 / slots:.1f} |")
    per_slot = rates["local[1]"]
    efficiency = rates["local[2]"] / (2 * per_slot)
    spark_cost = statistics.median(times["local[1]"]) - statistics.median(times["local-1t"])
    lines += ["", f"same metrics from every run (mean |cos| to 1e-12 relative): {seen['local']}", "",
              f"Spark's cost at one slot (local[1] - local-1t): {spark_cost:.2f} s", "",
              f"1 -> 2 slots: {rates['local[2]'] / per_slot:.2f}x the rate (parallel efficiency {efficiency:.2f}); "
              f"these rates include start-up, so they understate a long scan's.", "",
              f"A {BIG_N} x {BIG_M} head is {float(BIG_N) * BIG_N * BIG_M:.3g} flops; at {per_slot / 1e9:.1f} GFLOP/s "
              f"per slot and efficiency {efficiency:.2f}:", ""]
    for slots in (1, 2, 8, 32, 128):
        seconds = float(BIG_N) * BIG_N * BIG_M / (per_slot * slots * (min(1.0, efficiency) if slots > 1 else 1.0))
        lines.append(f"- {slots} executor slots: {seconds / 60:.0f} min")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(ROOT, "bench", "last-spark-run.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
