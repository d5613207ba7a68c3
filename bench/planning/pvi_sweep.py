#!/usr/bin/env python3
"""Planning-sweep benchmark in plain numpy (docs/performance.md, "Planning sweep").

Garnet-like MDP with S=500, A=8 and dense transitions, 32 seeds x 8 values of c, noisy PVI
(Gaussian sigma = 1, gamma 0.9): v <- (1 - beta) v + beta (max_a (R + gamma P v) + eps).
  naive:   one matrix-vector product per run per iteration
  batched: all runs as columns of V, one (S*A) x S by S x runs matrix-matrix product per iteration
Prints run-iterations per second (runs x iterations / seconds) for both.
"""
import argparse
import time

import numpy as np

S, A, SEEDS = 500, 8, 32
CS = [0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, np.inf]
GAMMA, SIGMA = 0.9, 1.0


def garnet(rng):
    p = rng.random((S * A, S))
    p /= p.sum(axis=1, keepdims=True)
    r = rng.random(S * A)
    return p, r


def betas():
    return np.array([1.0 if np.isinf(c) else c / (1.0 + c) for c in CS for _ in range(SEEDS)])


def naive(p, r, iterations):
    rng = np.random.default_rng(1)
    beta = betas()
    vs = [np.zeros(S) for _ in beta]
    start = time.perf_counter()
    for _ in range(iterations):
        for i, b in enumerate(beta):
            q = r + GAMMA * (p @ vs[i])
            target = q.reshape(S, A).max(axis=1) + SIGMA * rng.standard_normal(S)
            vs[i] = (1.0 - b) * vs[i] + b * target
    return len(beta) * iterations / (time.perf_counter() - start)


def batched(p, r, iterations):
    rng = np.random.default_rng(1)
    beta = betas()
    runs = len(beta)
    v = np.zeros((S, runs))
    start = time.perf_counter()
    for _ in range(iterations):
        q = r[:, None] + GAMMA * (p @ v)
        target = q.reshape(S, A, runs).max(axis=1) + SIGMA * rng.standard_normal((S, runs))
        v = (1.0 - beta) * v + beta * target
    return runs * iterations / (time.perf_counter() - start)


def loaded_blas():
    """The BLAS shared library numpy actually loaded (Debian picks it via libblas.so.3 alternatives)."""
    try:
        with open("/proc/self/maps") as maps:
            libs = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
        return ", ".join(sorted(libs)) or "unknown"
    except OSError:
        return "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=1000, help="batched iterations")
    parser.add_argument("--naive-iterations", type=int, default=20, help="naive iterations (slow)")
    args = parser.parse_args()
    p, r = garnet(np.random.default_rng(0))
    runs = len(CS) * SEEDS
    print(f"numpy {np.__version__}: S={S} A={A} dense, {runs} runs ({SEEDS} seeds x {len(CS)} c)")
    print(f"BLAS: {loaded_blas()}")
    if args.naive_iterations > 0:
        rate = naive(p, r, args.naive_iterations)
        print(f"naive:   {rate:.0f} run-iterations/s ({args.naive_iterations} iterations)")
        print(f"RESULT numpy_naive_run_iterations_per_s={rate:.0f}")
    rate = batched(p, r, args.iterations)
    print(f"batched: {rate:.0f} run-iterations/s ({args.iterations} iterations)")
    print(f"RESULT numpy_batched_run_iterations_per_s={rate:.0f}")


if __name__ == "__main__":
    main()
