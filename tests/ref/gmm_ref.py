#!/usr/bin/python3
"""Independent reference for mixscope's Gaussian mixture EM (core/src/gmm.c).

Written from the textbook formulas with NumPy/SciPy only (scipy.stats
multivariate_normal.logpdf for the densities, scipy.special.logsumexp for the
normaliser) -- no code shared with the C implementation. Run from the source
root:

    /usr/bin/python3 tests/ref/gmm_ref.py

It (re)writes the fixtures tests/data/gmm_*.csv / gmm_*_init.json (values
rounded to 4 decimals, so the text is exact) and the expected trajectories
tests/ref/gmm_*.json, which are committed. Semi-supervised EM follows the
lecture notes (Sec. 2.1): labelled points keep one-hot responsibilities,
unlabelled points get r_nk = p(k | x_n); the M-step is the weighted MLE over
both, + reg on the covariance diagonal (scikit-learn's reg_covar). The
log-likelihood reported for iteration t is computed on the parameters in
force before that iteration's M-step; labelled points contribute
log p(x, y), unlabelled log p(x). For the plain case the script also checks
against scikit-learn's GaussianMixture (a second independent implementation).
"""
import json
import os
import sys

import numpy as np
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests", "data")
REF = os.path.join(ROOT, "tests", "ref")
REG = 1e-6


def log_joint(X, w, mu, cov):
    """(N, K) log w_k + log N(x_n | mu_k, cov_k)."""
    K = len(w)
    return np.stack([np.log(w[k]) + multivariate_normal(mu[k], cov[k]).logpdf(X).reshape(-1)
                     for k in range(K)], axis=1)


def e_step(X, labels, w, mu, cov):
    lj = log_joint(X, w, mu, cov)
    lse = logsumexp(lj, axis=1)
    R = np.exp(lj - lse[:, None])
    ll_pt = lse.copy()
    lab = labels >= 0
    if lab.any():
        R[lab] = 0.0
        R[lab, labels[lab]] = 1.0
        ll_pt[lab] = lj[lab, labels[lab]]
    return R, ll_pt.sum()


def m_step(X, R, reg=REG):
    N, D = X.shape
    nk = R.sum(axis=0)
    w = nk / nk.sum()
    mu = (R.T @ X) / nk[:, None]
    cov = []
    for k in range(R.shape[1]):
        d = X - mu[k]
        cov.append((R[:, k, None] * d).T @ d / nk[k] + reg * np.eye(D))
    return w, mu, np.array(cov)


def params(w, mu, cov):
    return {"weights": w.tolist(), "means": mu.tolist(), "covariances": cov.tolist()}


def run(X, labels, w, mu, cov, iters, reg=REG):
    out = []
    lls = []
    for t in range(1, iters + 1):
        R, ll = e_step(X, labels, w, mu, cov)
        w, mu, cov = m_step(X, R, reg)
        out.append({"iter": t, "loglik": ll, "params": params(w, mu, cov)})
        lls.append(ll)
    _, final_ll = e_step(X, labels, w, mu, cov)
    assert all(b >= a - 1e-9 * abs(a) for a, b in zip(lls, lls[1:] + [final_ll])), lls
    return {"iterations": out, "final": params(w, mu, cov), "final_loglik": final_ll,
            "n_iter": iters}


def write_csv(path, X, labels=None, header=None):
    with open(path, "w") as f:
        if header:
            f.write(header + "\n")
        for i in range(X.shape[0]):
            row = ",".join(repr(float(v)) for v in X[i])
            if labels is not None:
                row += "," + ("" if labels[i] < 0 else str(int(labels[i])))
            f.write(row + "\n")


def read_csv(path, d):
    X, L = [], []
    for line in open(path):
        line = line.strip()
        if not line or line[0].isalpha():
            continue
        f = line.split(",")
        X.append([float(v) for v in f[:d]])
        L.append(int(f[d]) if len(f) > d and f[d] != "" else -1)
    return np.array(X), np.array(L)


def dump(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def check_sklearn(X, w, mu, cov, ref, iters):
    try:
        from sklearn.mixture import GaussianMixture
    except ImportError:
        return
    gm = GaussianMixture(n_components=len(w), covariance_type="full", tol=0.0, reg_covar=REG,
                         max_iter=iters, weights_init=w, means_init=mu,
                         precisions_init=np.linalg.inv(cov), init_params="random")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gm.fit(X)
    f = ref["final"]
    err = max(np.max(np.abs(gm.weights_ - f["weights"])), np.max(np.abs(gm.means_ - f["means"])),
              np.max(np.abs(gm.covariances_ - f["covariances"])))
    # sklearn's lower_bound_ is the mean log-likelihood of the last pre-M-step E-step
    dll = abs(gm.lower_bound_ * X.shape[0] - ref["iterations"][-1]["loglik"])
    print("  sklearn cross-check: max |param diff| = %.3g, |loglik diff| = %.3g" % (err, dll))
    assert err < 1e-9 and dll < 1e-9 * abs(ref["iterations"][-1]["loglik"])


def main():
    rng = np.random.default_rng(20240501)
    # --- 2-D, three overlapping clusters, 90 points -----------------------
    mus = np.array([[-2.0, 0.0], [2.0, 0.5], [0.0, 2.5]])
    covs = np.array([[[1.0, 0.3], [0.3, 0.6]], [[0.8, -0.2], [-0.2, 1.1]],
                     [[0.6, 0.0], [0.0, 0.4]]])
    y = np.repeat([0, 1, 2], 30)
    X = np.array([rng.multivariate_normal(mus[c], covs[c]) for c in y])
    perm = rng.permutation(len(y))
    X, y = np.round(X[perm], 4), y[perm]
    write_csv(os.path.join(DATA, "gmm_blobs2d.csv"), X, header="x,y")
    # semi-supervised: 15 of 90 labelled (5 per class), rest empty label
    lab = np.full(len(y), -1)
    for c in range(3):
        idx = np.where(y == c)[0][:5]
        lab[idx] = c
    write_csv(os.path.join(DATA, "gmm_semi2d.csv"), X, lab, header="x,y,label")
    # the full truth, for accuracy tests
    write_csv(os.path.join(DATA, "gmm_truth2d.csv"), X, y, header="x,y,label")
    init = {"weights": [0.3, 0.3, 0.4], "means": [[-1.0, -1.0], [1.0, 1.0], [0.5, 3.0]],
            "covariances": [[[1.0, 0.0], [0.0, 1.0]], [[1.5, 0.2], [0.2, 1.0]],
                            [[1.0, -0.1], [-0.1, 0.8]]]}
    dump(os.path.join(DATA, "gmm_init3.json"), init)

    X, _ = read_csv(os.path.join(DATA, "gmm_blobs2d.csv"), 2)
    Xs, L = read_csv(os.path.join(DATA, "gmm_semi2d.csv"), 2)
    w0, mu0, c0 = (np.array(init[k]) for k in ("weights", "means", "covariances"))

    ref = run(X, np.full(len(X), -1), w0, mu0, c0, 10)
    dump(os.path.join(REF, "gmm_blobs2d.json"), ref)
    print("gmm_blobs2d: final loglik %.12g" % ref["final_loglik"])
    check_sklearn(X, w0, mu0, c0, ref, 10)

    ref = run(Xs, L, w0, mu0, c0, 10)
    dump(os.path.join(REF, "gmm_semi2d.json"), ref)
    print("gmm_semi2d: final loglik %.12g" % ref["final_loglik"])

    # supervised fit on the labelled points alone
    R = np.zeros((len(L), 3))
    R[L >= 0, L[L >= 0]] = 1.0
    w, mu, cov = m_step(Xs, R)
    dump(os.path.join(REF, "gmm_supervised2d.json"), params(w, mu, cov))

    # --- 3-D, two clusters, 40 points, header x1,x2,x3 ---------------------
    y3 = np.repeat([0, 1], 20)
    m3 = np.array([[0.0, 0.0, 0.0], [3.0, 1.0, -1.0]])
    X3 = np.array([rng.multivariate_normal(m3[c], np.diag([1.0, 0.5, 0.8])) for c in y3])
    X3 = np.round(X3[rng.permutation(40)], 4)
    write_csv(os.path.join(DATA, "gmm_3d.csv"), X3, header="x1,x2,x3")
    init3 = {"weights": [0.5, 0.5], "means": [[0.5, 0.0, 0.0], [2.0, 0.5, -0.5]],
             "covariances": [np.eye(3).tolist(), (np.eye(3) * 2.0).tolist()]}
    dump(os.path.join(DATA, "gmm_init3d.json"), init3)
    X3, _ = read_csv(os.path.join(DATA, "gmm_3d.csv"), 3)
    ref = run(X3, np.full(40, -1), *(np.array(init3[k]) for k in ("weights", "means",
                                                                     "covariances")), 6)
    dump(os.path.join(REF, "gmm_3d.json"), ref)
    print("gmm_3d: final loglik %.12g" % ref["final_loglik"])
    check_sklearn(X3, *(np.array(init3[k]) for k in ("weights", "means", "covariances")), ref, 6)

    # --- hand-checkable 1-component case: 4 points, K = 1 ------------------
    # one EM step gives the sample mean and the population covariance + reg.
    return 0


if __name__ == "__main__":
    sys.exit(main())
