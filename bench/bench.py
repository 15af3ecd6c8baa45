#!/usr/bin/env python3
"""Superscope against the numpy baseline, on the same machine, the same file and the same metrics.

Generates the inputs (a GPT-2-small-shaped head, and with --large a Qwen2.5-72B-shaped BF16 head),
then runs `./superscope analyze` (once per compute backend) and ../shared/bench/baseline_numpy.py
alternately, each timed from process start to its output (the JVM and library start-up included), and
prints medians and ratios as Markdown tables (also written to bench/last-run.md). Peak resident memory is
read from each child's rusage. The first case is start-up alone (a 1000 x 16 head).

Environments: these machines set OPENBLAS_CORETYPE (and OPENBLAS_L2_SIZE), which both tools' OpenBLAS
read. Every case is run in the environment as set and, when it pins a core, again with both variables
unset for those commands ("unpinned"): each tool against the other in the same environment. Nothing
else changes the environment.

Kernels: bench/jmh's KernelRates times each backend's kernels through the compute seam (true flops: a
Gram sum and the quadratic forms n m^2 each, a tile 2 t^2 m) in each environment, beside numpy's true
float32 GEMM measured in the same run; each kernel is reported as a fraction of the best GEMM rate of its
environment. The large head runs superscope alone (numpy would need about 25 GB), once per backend and
environment, against the time one true float32 GEMM of the whole head takes at that best rate. Usage:

  python3 bench/bench.py [--reps 3] [--pairwise] [--large] [--backends blas,torch] [--device cpu]
                         [--precision float32|bf16] [--baseline ../shared/bench/baseline_numpy.py]
"""
import argparse
import csv
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
    """Wall seconds from process start to exit, and the child's peak resident memory in MB.

    Output goes to temporary files, not pipes: a child that writes more than a pipe holds would block
    while this waits for it to exit."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{err.read().decode(errors='replace')}")
        return wall, usage.ru_maxrss / 1024.0, out.read().decode(errors="replace")


# Times numpy's true float32 GEMM on (the first argv[4] rows of) one tensor of a safetensors file, mapped
# as the baseline maps it (BF16 widened as it widens): W^T V with V a copy of W (W^T W would run as ssyrk,
# half the multiply-adds). One warm-up, then argv[3] timed products; prints {"gemm": [seconds...], "rows": n}.
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
w.T @ v
times = []
for _ in range(reps):
    t = time.perf_counter()
    w.T @ v
    times.append(time.perf_counter() - t)
print(json.dumps({"rows": rows, "gemm": times}))
"""


def gemm_rate(path, tensor, shape, reps, env):
    """numpy's true float32 GEMM rate on the head, counted as 2 n m^2 flops."""
    out = subprocess.run([sys.executable, "-c", GEMM_TIMER, path, tensor, str(reps), str(shape[0])], env=env,
                         check=True, stdout=subprocess.PIPE).stdout
    timed = json.loads(out)
    return 2.0 * timed["rows"] * shape[1] * shape[1] / statistics.median(timed["gemm"]) / 1e9


def kernel_rates(backend, env, large, precision, device):
    """KernelRates' JSON for one backend in one environment (None when the backend cannot run here)."""
    if device != "cpu":
        return None
    here = os.path.join(ROOT, "bench", "jmh")
    cmd = ["java", "-DOPT_OUT_TRACKING=true", "-Dai.djl.offline=true", "-cp",
           os.path.join(here, "target", "classes") + os.pathsep + os.path.join(here, "target", "lib", "*"),
           "dev.superscope.bench.KernelRates", "--backend", backend, "--precision", precision]
    if large:
        cmd.append("--large")
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        print(f"KernelRates {backend}: {proc.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def accepts(launcher, backend, precision, env, out_dir):
    """Whether the backend runs with this precision here: a run on the small start-up head."""
    probe = subprocess.run([launcher, "analyze", os.path.join(DATA, "gpt2-1000x16-F32"), "--analyzers", "overlap",
                            "--backend", backend, "--precision", precision,
                            "--out", os.path.join(out_dir, f"probe-{backend}-{precision}")],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return probe.returncode == 0


def metrics_of(out):
    """The large head's overlap metrics as written, to compare precisions (full digits)."""
    with open(os.path.join(out, "models.csv"), newline="") as f:
        row = list(csv.DictReader(f))[-1]
    return ", ".join(row.get(k, "") for k in ("msq_overlap", "msq_overlap_centered", "interference_mean"))


def device_of(backend, device):
    """The BLAS backend computes on the CPU only; --device applies to the others."""
    return "cpu" if backend == "blas" else device


def build_kernel_rates():
    """Builds bench/jmh (and what it needs) once: KernelRates runs from its classes and lib/."""
    subprocess.run([os.path.join(ROOT, "mvnw"), "-B", "-q", "-o", "-DskipTests", "package", "-pl", "bench/jmh", "-am"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--pairwise", action="store_true", help="also pairwise,decode-error vs --pairwise")
    ap.add_argument("--large", action="store_true", help="also the 152064 x 8192 BF16 head (2.5 GB)")
    ap.add_argument("--baseline", default=os.path.join(ROOT, "..", "shared", "bench", "baseline_numpy.py"))
    ap.add_argument("--backends", default="blas,torch", help="superscope's compute backends to time (--backend)")
    ap.add_argument("--device", default="cpu", help="superscope's --device (bench/gpu.sh passes cuda)")
    ap.add_argument("--precision", default="float32", help="superscope's --precision for the large head and the "
                    "kernel rates: float32, bf16, or both as float32,bf16 (a backend without bf16 is left out)")
    ap.add_argument("--no-kernels", action="store_true", help="skip the kernel rates")
    ap.add_argument("--pin", default=None, help="run the 'as set' environment with OPENBLAS_CORETYPE=PIN added "
                    "(for a shell that lacks the pin these machines normally set); said in the report")
    a = ap.parse_args()
    if not os.path.exists(a.baseline):
        sys.exit(f"baseline not found: {a.baseline}")
    launcher = os.path.join(ROOT, "superscope")
    subprocess.run([launcher, "plugins"], check=True, stdout=subprocess.DEVNULL)  # build the jar first
    if not a.no_kernels:
        build_kernel_rates()
    backends = [b for b in a.backends.split(",") if b]
    precisions = [p for p in a.precision.split(",") if p]
    as_set = dict(os.environ, OPT_OUT_TRACKING="true")
    unpinned = {k: v for k, v in as_set.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    envs = [("unpinned", unpinned)]
    if a.pin:
        envs = [(f"pinned (OPENBLAS_CORETYPE={a.pin}, added for the run)", dict(unpinned, OPENBLAS_CORETYPE=a.pin)),
                ("unpinned", unpinned)]
    elif any(k in os.environ for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")):
        pins = ", ".join(f"{k}={os.environ[k]}" for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ)
        envs = [(f"as set ({pins})", as_set), ("unpinned", unpinned)]

    cases = [("start-up only: 1000x16 F32", "gpt2", "transformer.wte.weight", (1000, 16), "F32",
              "norms,overlap", []),
             ("gpt2-small head 50257x768 F32", "gpt2", "transformer.wte.weight", (50257, 768), "F32",
              "norms,overlap", [])]
    if a.pairwise:
        cases.append(("gpt2-small head, pairwise + decode-error", "gpt2", "transformer.wte.weight", (50257, 768),
                      "F32", "pairwise,decode-error", ["--pairwise"]))
    large_case = ("Qwen2.5-72B-shaped head 152064x8192 BF16", "llama", "model.embed_tokens.weight",
                  (152064, 8192), "BF16", "norms,overlap")

    lines = [f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
             f"{platform.system()} {platform.release()}; numpy {np.__version__}; {a.reps} alternating runs each; "
             f"superscope --device {a.device}.", "",
             "| case | environment | numpy median s | " + " | ".join(f"superscope {b} median s | ratio" for b in backends)
             + f" | superscope peak MB ({' / '.join(backends)}) | numpy peak MB |",
             "|---|---|---|" + "---|---|" * len(backends) + "---|---|"]
    out_dir = tempfile.mkdtemp(prefix="superscope-bench-")
    best_rate = {}
    kernel_lines = []
    large_lines = []
    try:
        # Kernel rates first: each backend through the seam, and numpy's true GEMM, per environment.
        gpt2 = write_checkpoint(os.path.join(DATA, "gpt2-50257x768-F32"), "gpt2", "transformer.wte.weight",
                                (50257, 768), "F32", seed=7)
        for env_name, env in envs:
            numpy_gemm = gemm_rate(gpt2, "transformer.wte.weight", (50257, 768), a.reps, env)
            best = numpy_gemm
            found = [("numpy", "true GEMM W^T V", "50257x768x768", numpy_gemm)]
            if not a.no_kernels:
                for p in ["float32"] + [p for p in precisions if p != "float32"]:
                    for b in backends:
                        rates = kernel_rates(b, env, a.large, p, a.device)
                        if rates:
                            for r in rates["rates"]:
                                kernel = r["kernel"] if p == "float32" else f"{r['kernel']} ({p})"
                                found.append((b, kernel, r["shape"], r["gflops"]))
                                if r["kernel"] == "sgemm tile" and p == "float32":
                                    best = max(best, r["gflops"])
            best_rate[env_name] = best
            for who, kernel, shape, gflops in found:
                kernel_lines.append(f"| {env_name} | {who} | {kernel} | {shape} | {gflops:.1f} | {gflops / best:.0%} |")

        # One untimed run first: the first analysis after a build records the launcher's class-data archive
        # (slower), which would otherwise land on the start-up case's first repetition.
        small = cases[0]
        small_dir = os.path.join(DATA, f"{small[1]}-{small[3][0]}x{small[3][1]}-{small[4]}")
        write_checkpoint(small_dir, small[1], small[2], small[3], small[4], seed=7)
        for b in backends:
            run([launcher, "analyze", small_dir, "--analyzers", small[5], "--backend", b,
                 "--device", device_of(b, a.device), "--out", os.path.join(out_dir, f"warm-{b}")], as_set)

        for label, model_type, tensor, shape, dtype, analyzers, base_args in cases:
            directory = os.path.join(DATA, f"{model_type}-{shape[0]}x{shape[1]}-{dtype}")
            path = write_checkpoint(directory, model_type, tensor, shape, dtype, seed=7)
            for env_name, env in envs:
                ours = {b: [] for b in backends}
                our_mem = {b: [] for b in backends}
                theirs, their_mem = [], []
                for rep in range(a.reps):
                    for b in backends:
                        out = os.path.join(out_dir, f"run{rep}-{b}")
                        t, mem, _ = run([launcher, "analyze", directory, "--analyzers", analyzers, "--backend", b,
                                         "--device", device_of(b, a.device), "--out", out], env)
                        ours[b].append(t)
                        our_mem[b].append(mem)
                    t, mem, _ = run([sys.executable, a.baseline, path, tensor] + base_args, env)
                    theirs.append(t)
                    their_mem.append(mem)
                    print(f"{label}, {env_name}: " + ", ".join(f"{b} {ours[b][-1]:.2f} s" for b in backends)
                          + f", numpy {theirs[-1]:.2f} s", file=sys.stderr)
                sn = statistics.median(theirs)
                cells = [f"{statistics.median(ours[b]):.2f} | {statistics.median(ours[b]) / sn:.2f}x" for b in backends]
                lines.append(f"| {label} ({analyzers}) | {env_name} | {sn:.2f} | " + " | ".join(cells)
                             + " | " + " / ".join(f"{max(our_mem[b]):.0f}" for b in backends)
                             + f" | {max(their_mem):.0f} |")

        if a.large:
            label, model_type, tensor, shape, dtype, analyzers = large_case
            directory = os.path.join(DATA, f"{model_type}-{shape[0]}x{shape[1]}-{dtype}")
            write_checkpoint(directory, model_type, tensor, shape, dtype, seed=7)
            n, m = shape
            for env_name, env in envs:
                for p in precisions:
                    for b in backends:
                        out = os.path.join(out_dir, f"large-{b}-{p}")
                        cmd = [launcher, "analyze", directory, "--analyzers", analyzers, "--backend", b,
                               "--device", device_of(b, a.device), "--precision", p, "--out", out]
                        if p != "float32" and not accepts(launcher, b, p, env, out_dir):
                            print(f"{label}, {env_name}, {b}: no {p} here", file=sys.stderr)
                            continue
                        t, mem, _ = run(cmd, env)
                        one_gemm = 2.0 * n * m * m / (best_rate[env_name] * 1e9)
                        print(f"{label}, {env_name}, {b}, {p}: {t:.1f} s, {mem:.0f} MB", file=sys.stderr)
                        large_lines.append(f"| {label} ({analyzers}, {p}) | {env_name} | {b} | {t:.1f} | {mem:.0f} | "
                                           f"{best_rate[env_name]:.0f} | {one_gemm:.1f} | {t / one_gemm:.2f}x | "
                                           f"{metrics_of(out)} |")
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    if large_lines:
        lines += ["", "| case | environment | backend | superscope s | peak MB | best GEMM GFLOP/s | one true GEMM of the head, s "
                  "| ratio | msq_overlap, msq_overlap_centered, interference_mean |",
                  "|---|---|---|---|---|---|---|---|---|"] + large_lines
    lines += ["", "Kernels, true GFLOP/s, as a fraction of the best float32 GEMM rate measured in the same environment "
              "(numpy's W^T V or a backend's sgemm tile):", "",
              "| environment | tool | kernel | shape | GFLOP/s | of best GEMM |", "|---|---|---|---|---|---|"] + kernel_lines
    report = "\n".join(lines) + "\n"
    print(report)
    with open(os.path.join(ROOT, "bench", "last-run.md"), "w") as f:
        f.write(report)


if __name__ == "__main__":
    main()
