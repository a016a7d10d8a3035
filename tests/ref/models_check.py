#!/usr/bin/python3
"""Independent checks of mixscope's covariance types, BIC/AIC and k-means
against scikit-learn (computed here, never by mixscope).

usage: models_check.py cov  RUN.json DATA.csv INIT.json TYPE   (gmm --iters 25 --tol 0 --json)
       models_check.py kmeans RUN.json DATA.csv INIT.json     (kmeans --json --init INIT.json)
       models_check.py select RUN.json DATA.csv               (gmm --select-k --json)
Exit 0 if within tolerance, 1 with a message otherwise."""
import json
import sys
import warnings

import numpy as np
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

warnings.simplefilter("ignore", ConvergenceWarning)


def load_csv(path):
    rows = [l.strip().split(",") for l in open(path) if l.strip()]
    if not rows[0][0].lstrip("-").replace(".", "").replace("e", "").isdigit():
        hdr, rows = rows[0], rows[1:]
        nd = sum(1 for h in hdr if h != "label")
    else:
        nd = 2
    return np.array([[float(v) for v in r[:nd]] for r in rows])


def closed_form_params(t, K, D):
    cov = {"full": K * D * (D + 1) // 2, "diag": K * D, "spherical": K,
           "tied": D * (D + 1) // 2}[t]
    return cov + K * D + K - 1


def precisions_init(t, w, covs):
    if t == "full":
        return np.array([np.linalg.inv(c) for c in covs])
    if t == "diag":
        return np.array([1.0 / np.diag(c) for c in covs])
    if t == "spherical":
        return np.array([1.0 / np.mean(np.diag(c)) for c in covs])
    return np.linalg.inv(np.einsum("k,kij->ij", w, covs))


def full_covs(t, gm, K, D):
    c = gm.covariances_
    if t == "full":
        return c
    if t == "diag":
        return np.array([np.diag(v) for v in c])
    if t == "spherical":
        return np.array([v * np.eye(D) for v in c])
    return np.array([c] * K)


def close(name, a, b, tol, fails):
    a, b = np.asarray(a, float), np.asarray(b, float)
    err = np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b)))
    if not err <= tol:
        fails.append(f"{name}: max relative difference {err:.3g} > {tol:g}\n ours {a}\n sklearn {b}")


def check_cov(run, X, init, t):
    fails = []
    w = np.array(init["weights"])
    m = np.array(init["means"])
    c = np.array(init["covariances"])
    K, D = m.shape
    gm = GaussianMixture(K, covariance_type=t, weights_init=w, means_init=m,
                         precisions_init=precisions_init(t, w, c), reg_covar=run["reg"],
                         max_iter=run["n_iter"], tol=0.0).fit(X)
    assert gm.n_iter_ == run["n_iter"] == 25, (gm.n_iter_, run["n_iter"])
    f = run["final"]
    assert run["covariance_type"] == t and f.get("covariance_type", "full") == t
    close("weights", f["weights"], gm.weights_, 1e-8, fails)
    close("means", f["means"], gm.means_, 1e-8, fails)
    close("covariances", f["covariances"], full_covs(t, gm, K, D), 1e-8, fails)
    p = closed_form_params(t, K, D)
    if run["n_params"] != p or gm._n_parameters() != p:
        fails.append(f"n_params ours {run['n_params']} closed form {p} sklearn {gm._n_parameters()}")
    close("bic", run["bic"], gm.bic(X), 1e-8, fails)
    close("aic", run["aic"], gm.aic(X), 1e-8, fails)
    close("bic closed form", run["bic"], -2 * run["final_loglik"] + p * np.log(len(X)), 1e-12, fails)
    close("aic closed form", run["aic"], -2 * run["final_loglik"] + 2 * p, 1e-12, fails)
    return fails


def check_kmeans(run, X, init):
    fails = []
    c0 = np.array(init["means"])
    km = KMeans(len(c0), init=c0, n_init=1, algorithm="lloyd", max_iter=run["max_iter"],
                tol=0.0).fit(X)
    close("centers", run["centers"], km.cluster_centers_, 1e-10, fails)
    close("inertia", run["inertia"], km.inertia_, 1e-10, fails)
    if list(run["labels"]) != list(km.labels_):
        fails.append("labels differ")
    if run["n_iter"] != km.n_iter_:
        fails.append(f"n_iter ours {run['n_iter']} sklearn {km.n_iter_}")
    return fails


def check_select(run, X):
    fails = []
    N, D = X.shape
    for f in run["fits"]:
        p = closed_form_params(f["covariance_type"], f["k"], D)
        if f["n_params"] != p:
            fails.append(f"k {f['k']} {f['covariance_type']}: n_params {f['n_params']} != {p}")
        close("bic", f["bic"], -2 * f["loglik"] + p * np.log(N), 1e-12, fails)
        close("aic", f["aic"], -2 * f["loglik"] + 2 * p, 1e-12, fails)
    best = min(run["fits"], key=lambda f: f["bic"])
    if (best["k"], best["covariance_type"]) != (run["best_bic"]["k"],
                                                run["best_bic"]["covariance_type"]):
        fails.append("best_bic is not the lowest BIC")
    best = min(run["fits"], key=lambda f: f["aic"])
    if (best["k"], best["covariance_type"]) != (run["best_aic"]["k"],
                                                run["best_aic"]["covariance_type"]):
        fails.append("best_aic is not the lowest AIC")
    return fails


def main():
    mode, run = sys.argv[1], json.load(open(sys.argv[2]))
    X = load_csv(sys.argv[3])
    if mode == "cov":
        fails = check_cov(run, X, json.load(open(sys.argv[4])), sys.argv[5])
    elif mode == "kmeans":
        fails = check_kmeans(run, X, json.load(open(sys.argv[4])))
    else:
        fails = check_select(run, X)
    for f in fails:
        print("FAIL:", f)
    sys.exit(1 if fails else 0)


main()
