#!/usr/bin/python3
"""mixscope gmm --select-k 1:8 (four covariance types) against the same table
from scikit-learn, side by side in one run.

    /usr/bin/python3 bench/select_k.py path/to/mixscope [--n 10000] [--reps 5]
                                       [--init kmeans|k-means++]

Data: N points from a fixed 2-D mixture of 4 Gaussians (NumPy, seed 0), as CSV.
Ours: the whole command (process start, CSV read, 32 fits, BIC/AIC, JSON out),
wall clock, median of --reps. Theirs: GaussianMixture(n_components=K,
covariance_type=T, random_state=1) with its defaults (init_params='kmeans':
KMeans(n_init=1) with its greedy k-means++ and Lloyd, then one-hot
responsibilities; tol 1e-3, max_iter 100, reg_covar 1e-6) for K = 1..8 and
the four types, then bic() and aic(), on data already in memory; BLAS and
OpenMP limited to 1 thread (threadpoolctl) and at their defaults, the
faster taken. Ours gets the same settings: --init kmeans --seed 1 (the same
algorithm, with NumPy's RandomState draws from the same MT19937 seed, so the
same starts) --iters 100 --tol 1e-3 --reg 1e-6. The script prints both tables
and checks the best choice by BIC, each fit's BIC (agreeing within 1e-6
relative when the starts are the same) and both iteration totals.
--init k-means++ compares the older way (init_params='k-means++' against our
kmeans++ D^2 starts: different RNG streams, different local optima).
The machine (CPU, cores) and its load average before and after are printed:
on a loaded machine both timings are upper bounds.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

try:
    import threadpoolctl
except ImportError:  # pragma: no cover
    threadpoolctl = None

TYPES = ["full", "diag", "spherical", "tied"]


def make_data(n):
    rng = np.random.default_rng(0)
    means = np.array([[0, 0], [4, 1], [-3, 3], [1, -4]], float)
    covs = [np.array([[1, .6], [.6, 1]]), np.diag([.5, 2.]), np.eye(2) * .7,
            np.array([[2, -.8], [-.8, 1]])]
    z = rng.choice(4, size=n, p=[.4, .3, .2, .1])
    return np.array([rng.multivariate_normal(means[k], covs[k]) for k in z])


def sklearn_table(X, init):
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for t in TYPES:
            for k in range(1, 9):
                gm = GaussianMixture(k, covariance_type=t, init_params=init, max_iter=100,
                                     tol=1e-3, reg_covar=1e-6, random_state=1).fit(X)
                rows.append({"k": k, "covariance_type": t, "bic": gm.bic(X), "aic": gm.aic(X),
                             "n_iter": int(gm.n_iter_)})
    return rows


def time_sklearn(X, reps, threads, init):
    """Median wall and CPU (process) time of the table, and its rows."""
    ts, cs = [], []
    for _ in range(reps):
        if threads and threadpoolctl:
            with threadpoolctl.threadpool_limits(threads):
                t0, c0 = time.perf_counter(), time.process_time()
                rows = sklearn_table(X, init)
                ts.append(time.perf_counter() - t0)
                cs.append(time.process_time() - c0)
        else:
            t0, c0 = time.perf_counter(), time.process_time()
            rows = sklearn_table(X, init)
            ts.append(time.perf_counter() - t0)
            cs.append(time.process_time() - c0)
    return float(np.median(ts)), rows, float(np.median(cs))


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mixscope")
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--init", choices=["kmeans", "k-means++"], default="kmeans")
    a = ap.parse_args()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), "?")
    print(f"machine: {cpu}, {os.cpu_count()} CPUs; load average before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    X = make_data(a.n)
    tmp = tempfile.mkdtemp()
    csv = os.path.join(tmp, "points.csv")
    np.savetxt(csv, X, delimiter=",", fmt="%.17g", header="x1,x2", comments="")
    cmd = [a.mixscope, "gmm", "--data", csv, "--select-k", "1:8", "--iters", "100", "--tol",
           "1e-3", "--reg", "1e-6", "--seed", "1", "--json",
           "--init", "kmeans" if a.init == "kmeans" else "kmeans++"]
    ts, cs, out = [], [], None
    for _ in range(a.reps):
        t0, c0 = time.perf_counter(), child_cpu()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        ts.append(time.perf_counter() - t0)
        cs.append(child_cpu() - c0)
    ours_s, ours_cpu = float(np.median(ts)), float(np.median(cs))
    ours = json.loads(out)
    t1, theirs, c1 = time_sklearn(X, a.reps, 1, a.init)
    td, _, cd = time_sklearn(X, a.reps, None, a.init)
    theirs_s = min(t1, td)
    theirs_cpu = c1 if t1 <= td else cd
    print(f"N = {a.n}, K = 1..8 x {len(TYPES)} covariance types = 32 fits, init "
          f"{a.init} (sklearn) / {cmd[-1]} (mixscope)")
    print(f"{'k':>3} {'type':<9} {'bic ours':>14} {'bic sklearn':>14} {'iters':>11}")
    off = []
    for o, s in zip(ours["fits"], theirs):
        assert (o["k"], o["covariance_type"]) == (s["k"], s["covariance_type"])
        d = abs(o["bic"] - s["bic"]) / abs(s["bic"])
        if d > 0.01:
            off.append((o["k"], o["covariance_type"], d))
        print(f"{o['k']:>3} {o['covariance_type']:<9} {o['bic']:>14.2f} {s['bic']:>14.2f} "
              f"{o['n_iter']:>5}/{s['n_iter']:<5}")
    bo = ours["best_bic"]
    bs = min(theirs, key=lambda r: r["bic"])
    same = (bo["k"], bo["covariance_type"]) == (bs["k"], bs["covariance_type"])
    print(f"best by BIC: ours k = {bo['k']} {bo['covariance_type']}, sklearn k = {bs['k']} "
          f"{bs['covariance_type']} -> {'agree' if same else 'DIFFER'}")
    print(f"fits whose BIC differs by > 1% (other local optimum): {len(off)} {off}")
    rel = max(abs(o["bic"] - s["bic"]) / abs(s["bic"]) for o, s in zip(ours["fits"], theirs))
    same_iters = all(o["n_iter"] == s["n_iter"] for o, s in zip(ours["fits"], theirs))
    print(f"largest relative BIC difference {rel:.2e}; iterations equal in every fit: "
          f"{'yes' if same_iters else 'no'}")
    print(f"time: mixscope {1e3 * ours_s:.1f} ms (whole command), sklearn {1e3 * theirs_s:.1f} ms "
          f"(1 BLAS thread {1e3 * t1:.1f} ms, default {1e3 * td:.1f} ms) -> "
          f"{theirs_s / ours_s:.1f}x (target >= 20x)")
    it_o = sum(f["n_iter"] for f in ours["fits"])
    it_s = sum(r["n_iter"] for r in theirs)
    print(f"EM iterations in all: mixscope {it_o}, sklearn {it_s} -> per "
          f"iteration {1e3 * ours_s / it_o:.3f} ms vs {1e3 * theirs_s / it_s:.3f} ms = "
          f"{(theirs_s / it_s) / (ours_s / it_o):.1f}x")
    print(f"CPU time (user + system, all threads): mixscope {1e3 * ours_cpu:.1f} ms, sklearn "
          f"{1e3 * theirs_cpu:.1f} ms -> {theirs_cpu / ours_cpu:.1f}x")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ok = same and theirs_s / ours_s >= 20
    sys.exit(0 if ok else 1)


main()
