#!/usr/bin/python3
"""mixscope benchmarks against the tools people would use instead.

    /usr/bin/python3 bench/compare.py DUMPDIR [--json OUT] [--quick]

DUMPDIR is what `mixbench --dump DUMPDIR` wrote: mixbench.json (our timings,
starting points and log-likelihood trajectories) plus raw float64 arrays. This
script runs the same workloads, from the same starting points, in

  * scikit-learn GaussianMixture (full covariance, same weights/means/precisions
    init, same reg_covar), one EM iteration at a time: the public API
    (fit with max_iter=1, warm_start=True) and the bare _e_step + _m_step;
  * a NumPy Bernoulli-mixture EM iteration on OpenBLAS (the textbook dense form
    X @ log θ.T + (1-X) @ log(1-θ).T, log-sum-exp, R.T @ X, same MAP M-step),
    and its one-GEMM variant X @ (log θ - log(1-θ)).T + Σ log(1-θ);
  * scikit-learn BernoulliNB (alpha = 1, the same Beta(1, 1) posterior mean);
  * scikit-learn PCA(n_components=2, svd_solver='randomized'), and an exact
    reference (NumPy eigh of the covariance) for the subspace check;

CHECKS that the numbers agree (exits 1 if any check fails) and prints the
speed ratios (their median time / ours). Every NumPy/sklearn timing is taken
twice: with OpenBLAS limited to one thread (threadpoolctl) and with its
default thread count; ours is taken with 1 thread and with all CPUs where our
code is threaded (BMM, PCA). The GMM and naive Bayes code in mixscope is
single-threaded.
"""
import argparse
import gzip
import json
import os
import sys
import time
import warnings

import numpy as np

try:
    import threadpoolctl
except ImportError:  # pragma: no cover
    threadpoolctl = None

import sklearn
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky
from sklearn.naive_bayes import BernoulliNB

REL_TRAJ = 1e-9     # log-likelihood trajectories: relative agreement required
RESULTS = {"checks": {}, "ratios": {}, "times_ms": {}, "info": {}}
FAILED = []


# ---------------------------------------------------------------- helpers

def now():
    return time.perf_counter()


def stats_ms(ts):
    a = np.sort(np.asarray(ts, dtype=float)) * 1e3
    return {"reps": int(a.size), "median_ms": float(np.median(a)),
            "p10_ms": float(np.percentile(a, 10)), "p90_ms": float(np.percentile(a, 90)),
            "min_ms": float(a[0])}


def record(name, ts, note=""):
    s = stats_ms(ts)
    s["note"] = note
    RESULTS["times_ms"][name] = s
    print("  %-44s %4d  %11.3f %11.3f %11.3f  %s" % (name, s["reps"], s["median_ms"],
                                                     s["p10_ms"], s["p90_ms"], note))
    sys.stdout.flush()
    return s["median_ms"]


def check(name, ok, detail):
    RESULTS["checks"][name] = {"ok": bool(ok), "detail": detail}
    print("  CHECK %-40s %s  %s" % (name, "ok  " if ok else "FAIL", detail))
    if not ok:
        FAILED.append(name)


def ratio(name, theirs_ms, ours_ms, target=None):
    r = theirs_ms / ours_ms
    RESULTS["ratios"][name] = {"theirs_ms": theirs_ms, "ours_ms": ours_ms, "ratio": r,
                               "target": target,
                               "met": (None if target is None else bool(r >= target))}
    tgt = "" if target is None else ("  (target >= %gx: %s)" % (target, "met" if r >= target
                                                                 else "NOT met"))
    print("  RATIO %-40s %8.2fx  (%.3f ms / %.3f ms)%s" % (name, r, theirs_ms, ours_ms, tgt))
    sys.stdout.flush()


FRESH = {}          # name -> our medians (ms) re-measured around their timings
MIXBENCH = None     # [path, args...] of mixbench, or None: use mixbench.json only


def fresh(mb, section):
    """Re-run one mixbench section now, so that our time and theirs are taken
    minutes apart under the same machine load (the machine is shared)."""
    if not MIXBENCH:
        return
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as td:
        out = os.path.join(td, "mb.json")
        cmd = MIXBENCH + ["--json", out, section]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(out) as f:
            res = json.load(f)["results"]
    for k, v in res.items():
        FRESH.setdefault(k, []).append(v["median_ms"])


def ours(mb, name):
    if name in FRESH:
        return float(np.mean(FRESH[name]))
    return mb["results"][name]["median_ms"]


class Threads:
    """Limit BLAS threads (n = None: leave the default)."""

    def __init__(self, n):
        self.n = n
        self.ctx = None

    def __enter__(self):
        if self.n is not None and threadpoolctl is not None:
            self.ctx = threadpoolctl.threadpool_limits(limits=self.n, user_api="blas")
            self.ctx.__enter__()
        return self

    def __exit__(self, *a):
        if self.ctx is not None:
            self.ctx.__exit__(*a)


def thread_settings():
    if threadpoolctl is None:
        return [("default", None)]
    return [("1thread", 1), ("default", None)]


def blas_threads_default():
    if threadpoolctl is None:
        return None
    info = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
    return info[0]["num_threads"] if info else None


def read_idx(path):
    for p in (path, path + ".gz"):
        if os.path.exists(p):
            op = gzip.open if p.endswith(".gz") else open
            with op(p, "rb") as f:
                raw = f.read()
            nd = raw[3]
            dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
            return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)
    raise FileNotFoundError(path)


def rel(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


# ---------------------------------------------------------------- GMM

def bench_gmm(mb, dump, key):
    g = mb[key]
    N, K = int(g["N"]), int(g["K"])
    X = np.fromfile(os.path.join(dump, "gmm_N%d_X.f64" % N), dtype="<f8").reshape(N, 2)
    w0 = np.array(g["init"]["weights"], dtype=float)
    m0 = np.array(g["init"]["means"], dtype=float).reshape(K, 2)
    c0 = np.array(g["init"]["covs"], dtype=float).reshape(K, 2, 2)
    ll_ours = np.array(g["loglik"], dtype=float) / N
    T = ll_ours.size
    print("\n[GMM N=%d K=%d, %d EM iterations from our k-means++ start, reg_covar=%g]"
          % (N, K, T, g["reg"]))

    def make():
        return GaussianMixture(n_components=K, covariance_type="full", reg_covar=g["reg"],
                               weights_init=w0, means_init=m0,
                               precisions_init=np.linalg.inv(c0), max_iter=1, tol=0.0,
                               warm_start=True, init_params="random_from_data",
                               random_state=0)

    traj = {}
    fresh(mb, "gmm")
    for tname, nt in thread_settings():
        with Threads(nt), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            # public API: one fit(max_iter=1, warm_start) call = one iteration
            # (sklearn also validates X and runs one extra E-step per call)
            gm = make()
            ts, lb = [], []
            for _ in range(T):
                t0 = now()
                gm.fit(X)
                ts.append(now() - t0)
                lb.append(gm.lower_bound_)
            traj["fit_" + tname] = np.array(lb)
            record("sklearn.gmm.fit1_N%d_%s" % (N, tname), ts, "fit(), max_iter=1, warm_start")
            # bare iteration: _e_step + _m_step on the same parameters
            gm2 = make()
            gm2.weights_ = w0.copy()
            gm2.means_ = m0.copy()
            gm2.covariances_ = c0.copy()
            gm2.precisions_cholesky_ = _compute_precision_cholesky(c0, "full")
            ts, lb = [], []
            for _ in range(T):
                t0 = now()
                lpn, lr = gm2._e_step(X)
                gm2._m_step(X, lr)
                ts.append(now() - t0)
                lb.append(lpn)
            traj["step_" + tname] = np.array(lb)
            record("sklearn.gmm.estep+mstep_N%d_%s" % (N, tname), ts, "_e_step + _m_step")
    for k, v in traj.items():
        check("gmm_N%d_traj_%s" % (N, k), rel(v, ll_ours) <= REL_TRAJ,
              "max rel diff of mean log-lik over %d iterations: %.2e (%.10f -> %.10f)"
              % (T, rel(v, ll_ours), v[0], v[-1]))
    if "final_means" in g:
        fm = np.array(g["final_means"], dtype=float).reshape(K, 2)
        check("gmm_N%d_final_means" % N, rel(gm2.means_, fm) <= 1e-8,
              "max rel diff of the means after %d iterations: %.2e" % (T, rel(gm2.means_, fm)))
    fresh(mb, "gmm")
    o = ours(mb, "gmm.iter_N%d" % N)
    best_step = min(RESULTS["times_ms"]["sklearn.gmm.estep+mstep_N%d_%s" % (N, t)]["median_ms"]
                    for t, _ in thread_settings())
    best_fit = min(RESULTS["times_ms"]["sklearn.gmm.fit1_N%d_%s" % (N, t)]["median_ms"]
                   for t, _ in thread_settings())
    ratio("gmm_N%d_vs_sklearn_estep+mstep" % N, best_step, o, 20)
    ratio("gmm_N%d_vs_sklearn_fit1" % N, best_fit, o, 20)


# ---------------------------------------------------------------- BMM

def bmm_iter_dense(X, X1, theta, pi, a, b, gam):
    """One EM iteration, textbook dense form. Returns (θ, π, loglik, logprior)."""
    lt, l1t = np.log(theta), np.log1p(-theta)
    L = X @ lt.T + X1 @ l1t.T + np.log(pi)
    m = L.max(axis=1, keepdims=True)
    E = np.exp(L - m)
    s = E.sum(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(s[:, 0])
    R = E / s
    nk = R.sum(axis=0)
    S = R.T @ X
    lprior = (a - 1) * lt.sum() + (b - 1) * l1t.sum() + (gam - 1) * np.log(pi).sum()
    K = theta.shape[0]
    theta = (S + (a - 1)) / (nk[:, None] + (a + b - 2))
    pi = (nk + gam - 1) / (X.shape[0] + K * (gam - 1))
    return theta, pi, lse.sum(), lprior


def bmm_iter_gemm1(X, theta, pi, a, b, gam):
    """The same iteration with one GEMM in the E-step: X @ (log θ - log(1-θ)).T + c."""
    lt, l1t = np.log(theta), np.log1p(-theta)
    L = X @ (lt - l1t).T + (l1t.sum(axis=1) + np.log(pi))
    m = L.max(axis=1, keepdims=True)
    E = np.exp(L - m)
    s = E.sum(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(s[:, 0])
    R = E / s
    nk = R.sum(axis=0)
    S = R.T @ X
    K = theta.shape[0]
    theta = (S + (a - 1)) / (nk[:, None] + (a + b - 2))
    pi = (nk + gam - 1) / (X.shape[0] + K * (gam - 1))
    return theta, pi, lse.sum(), 0.0


def bench_bmm(mb, dump, pix):
    g = mb["bmm"]
    N, K = int(g["N"]), int(g["K"])
    D = pix.shape[1]
    a, b, gam = g["prior_a"], g["prior_b"], g["prior_gamma"]
    th0 = np.fromfile(os.path.join(dump, "bmm_theta0.f64"), dtype="<f8").reshape(K, D)
    pi0 = np.fromfile(os.path.join(dump, "bmm_pi0.f64"), dtype="<f8")
    ll1 = np.array(g["loglik_1thread"], dtype=float)
    lp1 = np.array(g["logpost_1thread"], dtype=float)
    T = ll1.size
    print("\n[BMM K=%d on %d binarized digits (pixel/255 > 0.5), Beta(%g, %g), Dirichlet(%g), "
          "%d iterations from our k-means++ start]" % (K, N, a, b, gam, T))
    X = (pix[:N] / 255.0 > 0.5).astype(np.float64)
    X1 = 1.0 - X
    check("bmm_nnz", int(X.sum()) == int(g["nnz"]),
          "on-pixels: numpy %d, mixscope %d" % (int(X.sum()), int(g["nnz"])))
    fresh(mb, "bmm")
    for tname, nt in thread_settings():
        with Threads(nt):
            th, pi = th0.copy(), pi0.copy()
            ts, ll, lp = [], [], []
            for _ in range(T):
                t0 = now()
                th, pi, l, pr = bmm_iter_dense(X, X1, th, pi, a, b, gam)
                ts.append(now() - t0)
                ll.append(l)
                lp.append(l + pr)
            record("numpy.bmm.iter_dense_%s" % tname, ts, "X@logθ.T + (1-X)@log(1-θ).T, lse, R.T@X")
            check("bmm_traj_loglik_%s" % tname, rel(ll, ll1) <= REL_TRAJ,
                  "max rel diff of log-lik over %d iterations: %.2e (%.10g -> %.10g)"
                  % (T, rel(ll, ll1), ll[0], ll[-1]))
            check("bmm_traj_logpost_%s" % tname, rel(lp, lp1) <= REL_TRAJ,
                  "max rel diff of log-posterior: %.2e" % rel(lp, lp1))
            th_dense = th
            th, pi = th0.copy(), pi0.copy()
            ts, ll = [], []
            for _ in range(T):
                t0 = now()
                th, pi, l, _ = bmm_iter_gemm1(X, th, pi, a, b, gam)
                ts.append(now() - t0)
                ll.append(l)
            record("numpy.bmm.iter_1gemm_%s" % tname, ts, "X@(logθ-log(1-θ)).T + c, lse, R.T@X")
            check("bmm_traj_1gemm_%s" % tname, rel(ll, ll1) <= REL_TRAJ,
                  "max rel diff of log-lik: %.2e" % rel(ll, ll1))
    thf = os.path.join(dump, "bmm_theta_final.f64")
    if os.path.exists(thf):
        thf = np.fromfile(thf, dtype="<f8").reshape(K, D)
        check("bmm_final_theta", rel(th_dense, thf) <= 1e-8,
              "max rel diff of θ after %d iterations: %.2e" % (T, rel(th_dense, thf)))
    key2 = [k for k in g if k.startswith("loglik_") and k != "loglik_1thread"]
    for k in key2:
        v = np.array(g[k], dtype=float)
        check("bmm_ours_%s_vs_1thread" % k[7:], rel(v, ll1) <= 1e-12,
              "our %s vs 1-thread trajectory: max rel diff %.2e" % (k[7:], rel(v, ll1)))
    fresh(mb, "bmm")
    t = RESULTS["times_ms"]
    o1 = ours(mb, "bmm.iter_1thread")
    omt = [k for k in mb["results"] if k.startswith("bmm.iter_") and k != "bmm.iter_1thread"]
    ratio("bmm_1thread_vs_numpy_dense_1thread", t["numpy.bmm.iter_dense_1thread"]["median_ms"], o1, 10)
    ratio("bmm_1thread_vs_numpy_1gemm_1thread", t["numpy.bmm.iter_1gemm_1thread"]["median_ms"], o1)
    if omt:
        o2 = ours(mb, omt[0])
        ratio("bmm_%s_vs_numpy_dense_default" % omt[0][9:],
              t["numpy.bmm.iter_dense_default"]["median_ms"], o2, 10)
        ratio("bmm_%s_vs_numpy_1gemm_default" % omt[0][9:],
              t["numpy.bmm.iter_1gemm_default"]["median_ms"], o2)


# ---------------------------------------------------------------- naive Bayes / θ

def bench_nb(mb, dump, tr_pix, tr_lab, te_pix, te_lab, reps):
    th = mb["theta"]
    D = tr_pix.shape[1]
    print("\n[θ / naive Bayes: Beta(1,1) posterior mean = BernoulliNB(alpha=1), 60,000 train, "
          "10,000 test, binarized at pixel/255 > 0.5]")
    Xtr = (tr_pix / 255.0 > 0.5).astype(np.uint8)
    Xte = (te_pix / 255.0 > 0.5).astype(np.uint8)
    # independent counts
    n1 = Xtr.sum(axis=0, dtype=np.int64)
    th1 = (n1 + 1.0) / (Xtr.shape[0] + 2.0)
    ours1 = np.fromfile(os.path.join(dump, "theta_k1.f64"), dtype="<f8")
    check("theta_k1", rel(ours1, th1) <= 1e-15, "θ (K=1) vs numpy counts: max rel %.1e"
          % rel(ours1, th1))
    Xtef = Xte.astype(np.float64)
    nll = -(Xtef @ np.log(th1) + (1 - Xtef) @ np.log1p(-th1)).sum()
    check("test_nll_laplace", rel(th["nll_laplace_total"], nll) <= 1e-12,
          "test NLL total: ours %.12g, numpy %.12g" % (th["nll_laplace_total"], nll))
    raw = n1 / Xtr.shape[0]
    bad = ((Xte == 1) & (raw == 0)[None, :]) | ((Xte == 0) & (raw == 1)[None, :])
    ninf = int(bad.any(axis=1).sum())
    check("test_nll_raw_inf", ninf == int(th["nll_raw_n_inf"]),
          "raw MLE: test images with NLL = +inf: ours %d, numpy %d" % (th["nll_raw_n_inf"], ninf))

    ours10 = np.fromfile(os.path.join(dump, "theta_k10.f64"), dtype="<f8").reshape(10, D)
    scores = np.fromfile(os.path.join(dump, "nb_scores.f64"), dtype="<f8").reshape(-1, 10)
    pred = np.fromfile(os.path.join(dump, "nb_pred.i8"), dtype=np.int8)
    Xtr64, Xte64 = Xtr.astype(np.float64), Xte.astype(np.float64)
    fresh(mb, "theta")
    for tname, nt in thread_settings():
        with Threads(nt):
            # float64 0/1 input: the counts go through BLAS (the fast way to call it)
            ts = []
            for _ in range(reps):
                t0 = now()
                nb = BernoulliNB(alpha=1.0, binarize=None, fit_prior=True, force_alpha=True)
                nb.fit(Xtr64, tr_lab)
                ts.append(now() - t0)
            record("sklearn.nb.fit_60000_f64_%s" % tname, ts, "BernoulliNB.fit, 0/1 float64 input")
            ts = []
            for _ in range(reps):
                t0 = now()
                p = nb.predict(Xte64)
                ts.append(now() - t0)
            record("sklearn.nb.predict_10000_f64_%s" % tname, ts, "BernoulliNB.predict, float64")
    # the one-liner on raw uint8 pixels (binarize inside; uint8 @ float64 is not BLAS)
    ts = []
    for _ in range(max(1, min(reps, 2))):
        t0 = now()
        nbr = BernoulliNB(alpha=1.0, binarize=127.5, force_alpha=True).fit(tr_pix, tr_lab)
        ts.append(now() - t0)
    record("sklearn.nb.fit_60000_rawpix", ts, "BernoulliNB(binarize=127.5).fit(uint8 pixels)")
    pr = nbr.predict(te_pix)
    check("nb_rawpix_same", int((pr != p).sum()) == 0,
          "binarize=127.5 on raw pixels gives the same predictions: %d differ" % int((pr != p).sum()))
    check("nb_theta_k10", rel(np.exp(nb.feature_log_prob_), ours10) <= 1e-13,
          "per-class θ vs exp(feature_log_prob_): max rel %.1e"
          % rel(np.exp(nb.feature_log_prob_), ours10))
    jll = nb.predict_joint_log_proba(Xte) if hasattr(nb, "predict_joint_log_proba") \
        else nb._joint_log_likelihood(Xte)
    check("nb_scores", rel(jll, scores) <= 1e-11,
          "log π_c + log p(x|θ_c), 10,000 x 10: max rel %.1e" % rel(jll, scores))
    acc = float((p == te_lab).mean())
    check("nb_accuracy", abs(acc - th["nb_accuracy"]) == 0.0 and int((p != pred).sum()) == 0,
          "accuracy sklearn %.4f, ours %.4f; predictions differing: %d"
          % (acc, th["nb_accuracy"], int((p != pred).sum())))
    fresh(mb, "theta")
    t = RESULTS["times_ms"]
    ratio("theta_count+fit_vs_sklearn_nb_fit_f64",
          min(t["sklearn.nb.fit_60000_f64_%s" % k]["median_ms"] for k, _ in thread_settings()),
          ours(mb, "theta.count+fit"))
    ratio("nb_evaluate_vs_sklearn_predict_f64",
          min(t["sklearn.nb.predict_10000_f64_%s" % k]["median_ms"] for k, _ in thread_settings()),
          ours(mb, "nb.evaluate_10000"))


# ---------------------------------------------------------------- PCA

def bench_pca(mb, dump, pix, reps):
    D = pix.shape[1]
    print("\n[PCA to 2-D of %d digits (pixel/255)]" % pix.shape[0])
    X = pix.astype(np.float64) / 255.0
    comp = np.fromfile(os.path.join(dump, "pca_components.f64"), dtype="<f8").reshape(2, D)
    # exact reference: eigh of the covariance
    C = np.cov(X, rowvar=False)
    ev, V = np.linalg.eigh(C)
    ref = V[:, ::-1][:, :2].T
    var_ref = ev[::-1][:2]
    cos_ref = np.abs(np.sum(ref * comp, axis=1))
    check("pca_vs_exact", np.all(1 - cos_ref <= 1e-10),
          "1-|cos| with eigh of the covariance: %s" % ", ".join("%.1e" % (1 - c) for c in cos_ref))
    vv = np.array([mb["pca"]["variance0"], mb["pca"]["variance1"]])
    check("pca_variance_vs_exact", rel(vv, var_ref) <= 1e-10,
          "variances ours %s, eigh %s (max rel %.1e)" % (vv, var_ref, rel(vv, var_ref)))
    fresh(mb, "pca")
    for tname, nt in thread_settings():
        with Threads(nt):
            ts = []
            for r in range(reps):
                t0 = now()
                sk = PCA(n_components=2, svd_solver="randomized", random_state=r).fit(X)
                ts.append(now() - t0)
            record("sklearn.pca.randomized_%s" % tname, ts, "PCA(2, svd_solver='randomized').fit")
    cos_sk = np.abs(np.sum(sk.components_ * comp, axis=1))
    # principal angle between the 2-D subspaces
    sv = np.linalg.svd(sk.components_ @ comp.T, compute_uv=False)
    ang = float(np.arccos(min(1.0, sv.min())))
    check("pca_vs_sklearn", np.all(1 - cos_sk <= 1e-6),
          "1-|cos| with sklearn randomized: %s; largest principal angle %.1e rad"
          % (", ".join("%.1e" % (1 - c) for c in cos_sk), ang))
    fresh(mb, "pca")
    best = min(RESULTS["times_ms"]["sklearn.pca.randomized_%s" % k]["median_ms"]
               for k, _ in thread_settings())
    r1 = [k for k in mb["results"] if k.startswith("pca.fit_u8_")]
    o = min(ours(mb, k) for k in r1)
    ratio("pca_vs_sklearn_randomized", best, o, 10)
    t = RESULTS["times_ms"]
    if "pca.fit_u8_1thread" in mb["results"] and "sklearn.pca.randomized_1thread" in t:
        ratio("pca_1thread_vs_sklearn_1thread", t["sklearn.pca.randomized_1thread"]["median_ms"],
              ours(mb, "pca.fit_u8_1thread"))
    mt = [k for k in r1 if k != "pca.fit_u8_1thread"]
    if mt and "sklearn.pca.randomized_default" in t:
        ratio("pca_%s_vs_sklearn_default" % mt[0][11:], t["sklearn.pca.randomized_default"]["median_ms"],
              ours(mb, mt[0]))
    RESULTS["info"]["pca_sklearn_variance"] = sk.explained_variance_.tolist()


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dump", help="directory written by mixbench --dump")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--reps", type=int, default=7, help="repetitions for NB / PCA (default 7)")
    ap.add_argument("--only", default="gmm,bmm,nb,pca", help="comma list of gmm,bmm,nb,pca")
    ap.add_argument("--mixbench", help="re-run our timings with this mixbench binary just before "
                    "and after each of theirs (ratios then use the mean of those two medians)")
    args = ap.parse_args()
    with open(os.path.join(args.dump, "mixbench.json")) as f:
        mb = json.load(f)
    only = set(args.only.split(","))
    global MIXBENCH
    if args.mixbench:
        MIXBENCH = [args.mixbench]
        if mb.get("data", {}).get("mnist_dir"):
            MIXBENCH += ["--mnist", mb["data"]["mnist_dir"]]
        if mb.get("config", {}).get("quick"):
            MIXBENCH += ["--quick"]
    info = RESULTS["info"]
    info["numpy"] = np.__version__
    info["sklearn"] = sklearn.__version__
    info["python"] = sys.version.split()[0]
    info["env"] = {k: v for k, v in os.environ.items()
                   if k.startswith("OPENBLAS") or k.startswith("OMP") or k.startswith("MKL")}
    if threadpoolctl is not None:
        info["threadpool"] = threadpoolctl.threadpool_info()
    print("compare.py: numpy %s, scikit-learn %s; BLAS: %s" % (
        np.__version__, sklearn.__version__,
        "; ".join("%s %s (%s kernel), %d threads" % (i.get("internal_api"), i.get("version"),
                                                      i.get("architecture"), i.get("num_threads"))
                  for i in info.get("threadpool", []) if i.get("user_api") == "blas")))
    if info["env"]:
        print("  environment: %s" % " ".join("%s=%s" % kv for kv in sorted(info["env"].items())))
    print("  %-44s %4s  %11s %11s %11s" % ("workload", "reps", "median ms", "p10 ms", "p90 ms"))

    mnist_dir = mb.get("data", {}).get("mnist_dir")
    if "gmm" in only:
        for key in sorted(k for k in mb if k.startswith("gmm_N")):
            bench_gmm(mb, args.dump, key)
    need = only & {"bmm", "nb", "pca"}
    if need and mnist_dir:
        tr = read_idx(os.path.join(mnist_dir, "train-images-idx3-ubyte"))
        tr = tr.reshape(tr.shape[0], -1)
        if "bmm" in only and "bmm" in mb:
            bench_bmm(mb, args.dump, tr)
        if "nb" in only and "theta" in mb:
            trl = read_idx(os.path.join(mnist_dir, "train-labels-idx1-ubyte"))
            te = read_idx(os.path.join(mnist_dir, "t10k-images-idx3-ubyte"))
            tel = read_idx(os.path.join(mnist_dir, "t10k-labels-idx1-ubyte"))
            bench_nb(mb, args.dump, tr, trl, te.reshape(te.shape[0], -1), tel, args.reps)
        if "pca" in only and "pca" in mb:
            bench_pca(mb, args.dump, tr, args.reps)
    RESULTS["failed"] = FAILED
    RESULTS["ours_fresh_ms"] = FRESH
    if args.json:
        tmp = args.json + ".tmp"
        with open(tmp, "w") as f:
            json.dump(RESULTS, f, indent=1, default=str)
            f.write("\n")
        os.replace(tmp, args.json)
    print("\n%d checks, %d failed%s" % (len(RESULTS["checks"]), len(FAILED),
                                         (": " + ", ".join(FAILED)) if FAILED else ""))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
