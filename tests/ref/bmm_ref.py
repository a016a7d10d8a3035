#!/usr/bin/python3
"""Independent NumPy check of `mixscope bmm --json` (used by tests/cli_bmm.sh).

usage: bmm_ref.py RESULT.json MNIST_DIR

Reads the IDX files itself (gzip or raw), binarizes pixel/255 > threshold, and
re-runs EM densely from the start the JSON names:
  - "labelled_indices" (semi-supervised): r = one-hot for those digits (class =
    their label), 0 for the rest, one M-step (naive Bayes on the labelled
    digits), then EM with those responsibilities held fixed;
  - "start_digits" (k-means++): theta_k = (x + A) / (1 + 2A) from digit k, pi
    uniform (the M-step estimate from that digit alone under Beta(1+A, 1+A)).
E-step: log p(x|theta_k) = X log(theta)^T + (1-X) log(1-theta)^T, scipy
logsumexp; M-step: theta = (S + A)/(N_k + 2A), pi = (N_k + G - 1)/(sum N_k + K(G - 1)).
Compares loglik[], logpost[], weights, test log-likelihood and accuracies to
1e-9 relative; prints the differences and exits 1 on a mismatch.
"""
import gzip
import json
import os
import sys

import numpy as np
from scipy.special import logsumexp


def idx(path):
    for p in (path, path + ".gz"):
        if os.path.exists(p):
            raw = open(p, "rb").read()
            if raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            nd = raw[3]
            dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
            return np.frombuffer(raw[4 + 4 * nd:], dtype=np.uint8).reshape(dims)
    raise SystemExit("missing " + path)


def main():
    j = json.load(open(sys.argv[1]))
    d = sys.argv[2]
    n, thr = j["data"]["train_images"], j["threshold"]
    A, G, K, iters = j["prior"]["alpha"], j["prior"]["dirichlet_gamma"], j["k"], j["iters"]
    Xtr = idx(d + "/train-images-idx3-ubyte").reshape(-1, 784)[:n]
    ytr = idx(d + "/train-labels-idx1-ubyte")[:n]
    Xte = idx(d + "/t10k-images-idx3-ubyte").reshape(-1, 784)
    yte = idx(d + "/t10k-labels-idx1-ubyte")
    X = (Xtr / 255.0 > thr).astype(np.float64)
    T = (Xte / 255.0 > thr).astype(np.float64)

    def logjoint(Z, th, pi):
        return Z @ np.log(th).T + (1 - Z) @ np.log1p(-th).T + np.log(pi)

    def mstep(R):
        Nk = R.sum(axis=0)
        th = (R.T @ X + A) / (Nk[:, None] + 2 * A)
        pi = (Nk + G - 1) / (Nk.sum() + K * (G - 1))
        return th, pi

    fixed = None
    if "labelled_indices" in j:
        li = np.array(j["labelled_indices"], dtype=int)
        fixed = (li, ytr[li].astype(int))
        R = np.zeros((n, K))
        R[li, fixed[1]] = 1.0
        th, pi = mstep(R)
    elif "start_digits" in j:
        sd = np.array(j["start_digits"], dtype=int)
        assert len(set(sd.tolist())) == K, "start digits not distinct"
        th = (X[sd] + A) / (1 + 2 * A)
        pi = np.full(K, 1.0 / K)
    else:
        raise SystemExit("JSON names no reproducible start")

    def acc(th, pi):
        return float((logjoint(T, th, pi).argmax(axis=1) == yte).mean())

    acc0 = acc(th, pi)
    lls, lps = [], []
    for t in range(iters + 1):
        L = logjoint(X, th, pi)
        l = logsumexp(L, axis=1)
        R = np.exp(L - l[:, None])
        if fixed is not None:
            l[fixed[0]] = L[fixed[0], fixed[1]]
            R[fixed[0]] = 0.0
            R[fixed[0], fixed[1]] = 1.0
        lls.append(l.sum())
        lp = A * (np.log(th) + np.log1p(-th)).sum()
        if G != 1:
            lp += (G - 1) * np.log(pi).sum()
        lps.append(l.sum() + lp)
        if t < iters:
            th, pi = mstep(R)

    bad = []

    def near(name, got, want, tol=1e-9):
        got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
        if got.shape != want.shape or not np.all(np.abs(got - want) <= tol * np.maximum(1, np.abs(want))):
            bad.append("%s: got %s want %s" % (name, got, want))

    near("loglik", j["loglik"], lls)
    near("logpost", j["logpost"], lps)
    near("weights", j["weights"], pi)
    near("test_loglik_per_digit", j["test_loglik_per_digit"],
         logsumexp(logjoint(T, th, pi), axis=1).sum() / len(T))
    if fixed is not None:
        near("test_accuracy", j["test_accuracy"], acc(th, pi), 0)
        near("test_accuracy_labelled_only", j["test_accuracy_labelled_only"], acc0, 0)
        counts = np.bincount(fixed[1], minlength=10)
        if not np.all(counts == j["labels_per_class"]):
            bad.append("labelled per class %s" % counts)
    if bad:
        print("\n".join(bad))
        sys.exit(1)
    print("ok: %d iterations, final loglik %.6f" % (iters, lls[-1]))


main()
