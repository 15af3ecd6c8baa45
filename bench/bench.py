#!/usr/bin/env python3
"""Superscope against the numpy baseline, on the same machine, the same file and the same metrics.

Generates the inputs (a GPT-2-small-shaped head, and with --large a Qwen2.5-72B-shaped BF16 head),
then runs `./superscope analyze` and ../shared/bench/baseline_numpy.py alternately, each timed from
process start to its output (the JVM and engine start-up included), and prints medians and ratios as a
Markdown table (also written to bench/last-run.md). Peak resident memory is read from each child's
rusage. Usage:

  python3 bench/bench.py [--reps 3] [--pairwise] [--large] [--baseline ../shared/bench/baseline_numpy.py]
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")


def write_checkpoint(directory, model_type, tensor, shape, dtype, seed):
    """A Hugging Face-style checkpoint holding one tied embedding, written in row chunks."""
    os.makedirs(directory, exist_ok=True)
    n, m = shape
    size = 2 if dtype == "BF16" else 4
    header = json.dumps({tensor: {"dtype": dtype, "shape": [n, m], "data_offsets": [0, n * m * size]}})
    header += " " * ((8 - len(header) % 8) % 8)
    path = os.path.join(directory, "model.safetensors")
    if not os.path.exists(path):
        rng = np.random.default_rng(seed)
        with open(path + ".part", "wb") as f:
            f.write(struct.pack("<Q", len(header)))
            f.write(header.encode())
            for start in range(0, n, 8192):
                rows = rng.standard_normal((min(8192, n - start), m), dtype=np.float32) * 0.02
                if dtype == "BF16":
                    f.write((rows.view(np.uint32) >> 16).astype("<u2").tobytes())
                else:
                    f.write(rows.astype("<f4").tobytes())
        os.replace(path + ".part", path)
    config = {"model_type": model_type, "vocab_size": n, "tie_word_embeddings": True}
    config.update({"n_embd": m} if model_type == "gpt2" else {"hidden_size": m, "architectures": ["LlamaForCausalLM"]})
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(config, f)
    return path


def run(cmd, env=None):
    """Wall seconds from process start to exit, and the child's peak resident memory in MB."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out, err = proc.stdout.read(), proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err.decode()}")
    return wall, usage.ru_maxrss / 1024.0, out.decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--pairwise", action="store_true", help="also pairwise,decode-error vs --pairwise")
    ap.add_argument("--large", action="store_true", help="also the 152064 x 8192 BF16 head (2.5 GB)")
    ap.add_argument("--baseline", default=os.path.join(ROOT, "..", "shared", "bench", "baseline_numpy.py"))
    a = ap.parse_args()
    if not os.path.exists(a.baseline):
        sys.exit(f"baseline not found: {a.baseline}")
    launcher = os.path.join(ROOT, "superscope")
    subprocess.run([launcher, "plugins"], check=True, stdout=subprocess.DEVNULL)  # build the jar first
    env = dict(os.environ, OPT_OUT_TRACKING="true")
    # numpy must use every core as Superscope does; OPENBLAS_CORETYPE pins an old kernel on some machines.
    base_env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}

    cases = [("gpt2-small head 50257x768 F32", "gpt2", "transformer.wte.weight", (50257, 768), "F32",
              "norms,overlap", [])]
    if a.pairwise:
        cases.append(("gpt2-small head, pairwise + decode-error", "gpt2", "transformer.wte.weight", (50257, 768),
                      "F32", "pairwise,decode-error", ["--pairwise"]))
    if a.large:
        cases.append(("Qwen2.5-72B-shaped head 152064x8192 BF16", "llama", "model.embed_tokens.weight",
                      (152064, 8192), "BF16", "norms,overlap", []))

    lines = [f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
             f"{platform.system()} {platform.release()}; numpy {np.__version__}; {a.reps} alternating runs each.", "",
             "| case | superscope median s | numpy median s | ratio | superscope peak MB | numpy peak MB |",
             "|---|---|---|---|---|---|"]
    out_dir = tempfile.mkdtemp(prefix="superscope-bench-")
    try:
        for label, model_type, tensor, shape, dtype, analyzers, base_args in cases:
            directory = os.path.join(DATA, f"{model_type}-{shape[0]}x{shape[1]}-{dtype}")
            path = write_checkpoint(directory, model_type, tensor, shape, dtype, seed=7)
            ours, theirs, our_mem, their_mem = [], [], [], []
            for rep in range(a.reps):
                out = os.path.join(out_dir, f"run{rep}")
                t, mem, _ = run([launcher, "analyze", directory, "--analyzers", analyzers, "--out", out], env)
                ours.append(t)
                our_mem.append(mem)
                t, mem, _ = run([sys.executable, a.baseline, path, tensor] + base_args, base_env)
                theirs.append(t)
                their_mem.append(mem)
                print(f"{label}: superscope {ours[-1]:.2f} s, numpy {theirs[-1]:.2f} s", file=sys.stderr)
            so, sn = statistics.median(ours), statistics.median(theirs)
            lines.append(f"| {label} ({analyzers}) | {so:.2f} | {sn:.2f} | {so / sn:.2f}x | {max(our_mem):.0f} | "
                         f"{max(their_mem):.0f} |")
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    report = "\n".join(lines) + "\n"
    print(report)
    with open(os.path.join(ROOT, "bench", "last-run.md"), "w") as f:
        f.write(report)


if __name__ == "__main__":
    main()
