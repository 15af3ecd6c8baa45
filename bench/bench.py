#!/usr/bin/env python3
"""Superscope against the numpy baseline, on the same machine, the same file and the same metrics.

Generates the inputs (a GPT-2-small-shaped head, and with --large a Qwen2.5-72B-shaped BF16 head),
then runs `./superscope analyze` and ../shared/bench/baseline_numpy.py alternately, each timed from
process start to its output (the JVM and engine start-up included), and prints medians and ratios as a
Markdown table (also written to bench/last-run.md). Peak resident memory is read from each child's
rusage. The first line is start-up alone (a 1000 x 16 head), so the fixed cost of each tool is visible.
The large head runs once, superscope alone (numpy would need about 25 GB), against the time one true
float32 GEMM of the whole head takes at numpy's rate measured on its first 16384 rows. Usage:

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


# Times numpy's float32 products on (the first argv[4] rows of) one tensor of a safetensors file, mapped
# as the baseline maps it (BF16 widened as it widens): W^T W, which numpy runs as ssyrk (about half the
# multiply-adds), and W^T V with V a copy of W, a true GEMM. One warm-up, then argv[3] timed products of
# each; prints {"syrk": [seconds...], "gemm": [seconds...], "rows": n} as JSON.
GEMM_TIMER = """
import json, mmap, struct, sys, time
import numpy as np
path, name, reps, limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
f = open(path, "rb")
mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
(hlen,) = struct.unpack("<Q", mm[:8])
info = json.loads(mm[8:8 + hlen])[name]
s, e = info["data_offsets"]
n, m = info["shape"]
rows = min(n, limit)
if info["dtype"] == "BF16":
    raw = np.frombuffer(mm, dtype="<u2", count=rows * m, offset=8 + hlen + s)
    w = (raw.astype(np.uint32) << 16).view(np.float32).reshape(rows, m)
else:
    w = np.frombuffer(mm, dtype="<f4", count=rows * m, offset=8 + hlen + s).reshape(rows, m)
v = w.copy()
out = {"rows": rows}
for label, product in (("syrk", lambda: w.T @ w), ("gemm", lambda: w.T @ v)):
    product()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        product()
        times.append(time.perf_counter() - t)
    out[label] = times
print(json.dumps(out))
"""


def gemm_rates(path, tensor, shape, reps, env, row_limit):
    """numpy's float32 rates, counted as 2 n m^2 flops: (W^T W as numpy runs it, a true GEMM W^T V)."""
    out = subprocess.run([sys.executable, "-c", GEMM_TIMER, path, tensor, str(reps), str(row_limit)], env=env,
                         check=True, stdout=subprocess.PIPE).stdout
    timed = json.loads(out)
    flops = 2.0 * timed["rows"] * shape[1] * shape[1]
    return flops / statistics.median(timed["syrk"]) / 1e9, flops / statistics.median(timed["gemm"]) / 1e9


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
    # Two numpy baselines when the machine pins OpenBLAS's kernels (OPENBLAS_CORETYPE, set here to Haswell:
    # AVX2): numpy as a user of this machine runs it, and numpy with OpenBLAS choosing its own kernels
    # (AVX-512 here). PyTorch's MKL uses its AVX2 code on this AMD CPU, so the first compares like with like
    # and the second is the harder bound; both are reported, each alternating with superscope.
    unpinned = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    baselines = [("numpy", unpinned)]
    if "OPENBLAS_CORETYPE" in os.environ:
        baselines = [(f"numpy, OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} (this machine)",
                      dict(os.environ)), ("numpy, OpenBLAS unpinned", unpinned)]

    # The first case is start-up alone (JVM, plugins, PyTorch; Python, numpy): a head too small to compute on.
    cases = [("start-up only: 1000x16 F32", "gpt2", "transformer.wte.weight", (1000, 16), "F32",
              "norms,overlap", []),
             ("gpt2-small head 50257x768 F32", "gpt2", "transformer.wte.weight", (50257, 768), "F32",
              "norms,overlap", [])]
    if a.pairwise:
        cases.append(("gpt2-small head, pairwise + decode-error", "gpt2", "transformer.wte.weight", (50257, 768),
                      "F32", "pairwise,decode-error", ["--pairwise"]))
    if a.large:
        cases.append(("Qwen2.5-72B-shaped head 152064x8192 BF16", "llama", "model.embed_tokens.weight",
                      (152064, 8192), "BF16", "norms,overlap", []))

    lines = [f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
             f"{platform.system()} {platform.release()}; numpy {np.__version__}; {a.reps} alternating runs each.", "",
             "| case | superscope median s | " + " | ".join(f"{b} median s | ratio" for b, _ in baselines)
             + " | superscope peak MB | numpy peak MB |",
             "|---|---|" + "---|---|" * len(baselines) + "---|---|"]
    large_lines = []
    out_dir = tempfile.mkdtemp(prefix="superscope-bench-")
    rates = []
    try:
        for label, model_type, tensor, shape, dtype, analyzers, base_args in cases:
            directory = os.path.join(DATA, f"{model_type}-{shape[0]}x{shape[1]}-{dtype}")
            path = write_checkpoint(directory, model_type, tensor, shape, dtype, seed=7)
            n, m = shape
            large = n * m > 200_000_000
            if n >= 10000 and not any(r[0] == shape for r in rates):
                # The large head is timed on its first 16384 rows: its float32 copies would not fit.
                for name, benv in baselines:
                    syrk, gemm = gemm_rates(path, tensor, shape, a.reps, benv, 16384 if large else n)
                    rates.append((shape, name, syrk, gemm))
                    print(f"{n} x {m}, {name}: W^T W {syrk:.1f}, true GEMM {gemm:.1f} GFLOP/s (2 n m^2 flops)",
                          file=sys.stderr)
            if large:
                # numpy would hold the head as float32 several times over (about 25 GB): superscope alone,
                # once, against the time of one true GEMM of the whole head at each measured numpy rate.
                out = os.path.join(out_dir, "large")
                t, mem, _ = run([launcher, "analyze", directory, "--analyzers", analyzers, "--out", out], env)
                print(f"{label}: superscope {t:.1f} s, {mem:.0f} MB", file=sys.stderr)
                for shp, name, _, gemm in rates:
                    if shp == shape:
                        one_gemm = 2.0 * n * m * m / (gemm * 1e9)
                        large_lines.append(f"| {label} ({analyzers}) | {t:.1f} | {mem:.0f} | {name} | "
                                           f"{one_gemm:.1f} | {t / one_gemm:.2f}x |")
                continue
            ours, our_mem = [], []
            theirs = [[] for _ in baselines]
            their_mem = []
            for rep in range(a.reps):
                out = os.path.join(out_dir, f"run{rep}")
                t, mem, _ = run([launcher, "analyze", directory, "--analyzers", analyzers, "--out", out], env)
                ours.append(t)
                our_mem.append(mem)
                for k, (name, benv) in enumerate(baselines):
                    t, mem, _ = run([sys.executable, a.baseline, path, tensor] + base_args, benv)
                    theirs[k].append(t)
                    their_mem.append(mem)
                print(f"{label}: superscope {ours[-1]:.2f} s, "
                      + ", ".join(f"{name} {theirs[k][-1]:.2f} s" for k, (name, _) in enumerate(baselines)),
                      file=sys.stderr)
            so = statistics.median(ours)
            cells = []
            for k in range(len(baselines)):
                sn = statistics.median(theirs[k])
                cells.append(f"{sn:.2f} | {so / sn:.2f}x")
            lines.append(f"| {label} ({analyzers}) | {so:.2f} | " + " | ".join(cells)
                         + f" | {max(our_mem):.0f} | {max(their_mem):.0f} |")
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    if large_lines:
        lines += ["", "| case | superscope s | superscope peak MB | GEMM rate of | one true GEMM of the head, s | ratio |",
                  "|---|---|---|---|---|---|"] + large_lines
    lines.append("")
    for (n, m), name, syrk, gemm in rates:
        # numpy runs W^T W as ssyrk (about half a GEMM's multiply-adds): counted as 2 n m^2 flops, that is
        # the effective rate at which numpy forms a Gram matrix; W^T V is the machine's true GEMM rate.
        lines.append(f"GEMM rate, {n} x {m} float32, {name}: W^T W {syrk:.1f} GFLOP/s, true GEMM W^T V {gemm:.1f} "
                     f"GFLOP/s (2 n m^2 flops; one true GEMM of the head = {2.0 * n * m * m / gemm / 1e9:.3f} s)")
    report = "\n".join(lines) + "\n"
    print(report)
    with open(os.path.join(ROOT, "bench", "last-run.md"), "w") as f:
        f.write(report)


if __name__ == "__main__":
    main()
