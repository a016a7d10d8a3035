#!/usr/bin/python3
"""Independent reference for `mixscope theta` and `mixscope nb` (numpy only; reads
the IDX files itself with gzip/struct). Prints JSON with the same key paths as
the CLI's --json output, so tests/ref/compare_json.py can check them.

  bernoulli_ref.py theta DIR A B THRESHOLD MAP(0|1)
  bernoulli_ref.py nb    DIR A B THRESHOLD MAP(0|1)

Conventions written out here, not taken from the C code:
  posterior mean  theta = (n1 + a) / (n + a + b)
  MAP             mode of Beta(al, be), al = n1 + a, be = n - n1 + b:
                  (al-1)/(al+be-2) if al > 1 and be > 1; 1/2 if al = be = 1;
                  0 if al <= 1 <= be; 1 if be <= 1 <= al
  test NLL        -sum_j where(x_j == 1, log theta_j, log(1 - theta_j))
  notes' formula  -(X * np.log(theta)).sum()   (literally the lecture notes)
  naive Bayes     argmax_c log(n_c / n) + loglik_c (first maximum wins);
                  a row of all -inf is "no class possible".
"""
import gzip
import json
import math
import os
import struct
import sys

import numpy as np


def read_idx(path):
    with open(path, "rb") as f:
        head = f.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        b = f.read()
    zero, dtype, nd = struct.unpack(">HBB", b[:4])
    assert zero == 0 and dtype == 8, path
    dims = struct.unpack(">" + "I" * nd, b[4:4 + 4 * nd])
    data = np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * nd)
    assert data.size == int(np.prod(dims)), path
    return data.reshape(dims)


def find(d, base):
    for p in (os.path.join(d, base), os.path.join(d, base + ".gz")):
        if os.path.isfile(p):
            return p
    raise SystemExit("missing " + base + " in " + d)


def load(d):
    X = read_idx(find(d, "train-images-idx3-ubyte"))
    y = read_idx(find(d, "train-labels-idx1-ubyte"))
    T = read_idx(find(d, "t10k-images-idx3-ubyte"))
    ty = read_idx(find(d, "t10k-labels-idx1-ubyte"))
    return X.reshape(X.shape[0], -1), y, T.reshape(T.shape[0], -1), ty


def fit(n1, n, a, b, use_map):
    n1 = n1.astype(np.float64)
    if not use_map:
        return (n1 + a) / (n + a + b)
    al = n1 + a
    be = (n - n1) + b
    with np.errstate(divide="ignore", invalid="ignore"):
        interior = (n1 + a - 1.0) / (n + a + b - 2.0)
    th = np.where((al > 1) & (be > 1), interior, np.nan)
    th = np.where((al == 1) & (be == 1), 0.5, th)
    th = np.where((al <= 1) & (be >= 1) & ~((al == 1) & (be == 1)), 0.0, th)
    th = np.where((be <= 1) & (al >= 1) & ~((al == 1) & (be == 1)), 1.0, th)
    assert not np.isnan(th).any()
    return th


def num(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def loglik(Xb, th):
    with np.errstate(divide="ignore"):
        l1 = np.log(th)
        l0 = np.log(1.0 - th)
    return np.where(Xb == 1, l1[None, :], l0[None, :]).sum(axis=1)


def theta_cmd(d, a, b, thr, use_map):
    X, y, T, ty = load(d)
    Xb = 1. * (X / 255. > thr)   # the notes' binarize
    Tb = 1. * (T / 255. > thr)
    n1 = Xb.sum(axis=0)
    th = fit(n1, X.shape[0], a, b, use_map)
    ll = loglik(Tb, th)
    nll = -ll
    inf = np.isinf(nll)
    culprit = ((th == 0)[None, :] & (Tb == 1)).sum(axis=0) + ((th == 1)[None, :] & (Tb == 0)).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        notes = -(Tb * np.log(th)[None, :]).sum()
    total = nll.sum()
    fin = nll[~inf]
    out = {
        "data": {"train_images": X.shape[0], "test_images": T.shape[0], "pixels": X.shape[1]},
        "theta": {"zero_pixels": int((th == 0).sum()), "one_pixels": int((th == 1).sum())},
        "test_nll": {
            "mean_nats": num(total / T.shape[0]),
            "mean_bits": num(total / T.shape[0] / math.log(2)),
            "total_nats": num(total),
            "total_bits": num(total / math.log(2)),
            "infinite_images": int(inf.sum()),
            "finite_images": int((~inf).sum()),
            "finite_mean_nats": num(fin.mean()) if fin.size else "nan",
        },
        "culprit_pixels": int((culprit > 0).sum()),
        "culprits": [{"pixel": int(j), "row": int(j // 28), "col": int(j % 28), "test_images": int(culprit[j])}
                     for j in np.nonzero(culprit)[0]],
        "notes_formula": {"total": num(notes), "per_image": num(notes / T.shape[0])},
    }
    return out


def nb_cmd(d, a, b, thr, use_map):
    X, y, T, ty = load(d)
    Xb = 1. * (X / 255. > thr)
    Tb = 1. * (T / 255. > thr)
    n = X.shape[0]
    scores = np.empty((T.shape[0], 10))
    counts = np.bincount(y, minlength=10)
    with np.errstate(divide="ignore"):
        logprior = np.log(counts / n)
    for c in range(10):
        Xc = Xb[y == c]
        th = fit(Xc.sum(axis=0), Xc.shape[0], a, b, use_map)
        scores[:, c] = logprior[c] + loglik(Tb, th)
    none = np.all(np.isneginf(scores), axis=1)
    pred = np.argmax(scores, axis=1)  # first maximum on ties
    conf = np.zeros((10, 10), dtype=np.int64)
    np.add.at(conf, (ty[~none], pred[~none]), 1)
    correct = int(((pred == ty) & ~none).sum())
    none_by = np.bincount(ty[none], minlength=10)
    return {
        "data": {"train_images": n, "test_images": T.shape[0]},
        "train_class_counts": [int(v) for v in counts],
        "log_class_prior": [num(v) for v in logprior],
        "accuracy": correct / T.shape[0],
        "correct": correct,
        "test_images": T.shape[0],
        "no_class_possible": int(none.sum()),
        "no_class_possible_by_label": [int(v) for v in none_by],
        "confusion": conf.tolist(),
    }


if __name__ == "__main__":
    cmd, d, a, b, thr, m = sys.argv[1:7]
    f = theta_cmd if cmd == "theta" else nb_cmd
    print(json.dumps(f(d, float(a), float(b), float(thr), m == "1"), indent=1))
