#!/usr/bin/python3
"""Independent reference for mixscope's PCA (core/src/pca.c).

NumPy only: centre, covariance with divisor N-1, numpy.linalg.eigh, take the
top k eigenvectors, flip each so its largest-magnitude entry is positive.
Run from the source root:  /usr/bin/python3 tests/ref/pca_ref.py
Writes (committed):
  tests/data/pca_small.csv      300 x 12 correlated Gaussian points (6 decimals)
  tests/ref/pca_small.json      k = 3 on pca_small.csv
  tests/ref/pca_sample.json     k = 2 on the bundled MNIST sample (5000 train
                                images, pixels / 255)
  tests/ref/pca_mnist60k.json   k = 2 on the full MNIST train set (if
                                data/mnist is present)
Each JSON has mean, components (k, D), variance (k), total_variance and the
projections of the first 10 rows.
"""
import gzip
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def pca(X, k):
    mean = X.mean(axis=0)
    Xc = X - mean
    C = Xc.T @ Xc / (X.shape[0] - 1)
    w, V = np.linalg.eigh(C)
    order = np.argsort(w)[::-1][:k]
    comps = V[:, order].T.copy()
    for r in comps:
        i = int(np.argmax(np.abs(r)))
        if r[i] < 0:
            r *= -1.0
    return {"n": int(X.shape[0]), "d": int(X.shape[1]), "k": k, "mean": mean.tolist(),
            "components": comps.tolist(), "variance": w[order].tolist(),
            "total_variance": float(np.trace(C)), "first_rows_projected": (Xc[:10] @ comps.T).tolist(),
            "eigengap_k": float(w[order[-1]] - np.sort(w)[::-1][k])}


def idx_images(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rb") as f:
        d = f.read()
    n, r, c = (int.from_bytes(d[i:i + 4], "big") for i in (4, 8, 12))
    return np.frombuffer(d, dtype=np.uint8, offset=16).reshape(n, r * c)


def dump(name, obj):
    with open(os.path.join(ROOT, "tests", "ref", name), "w") as f:
        json.dump(obj, f)
        f.write("\n")


def main():
    rng = np.random.default_rng(777)
    A = rng.normal(size=(12, 12)) * np.linspace(3.0, 0.2, 12)
    X = np.round(rng.normal(size=(300, 12)) @ A.T + np.arange(12), 6)
    path = os.path.join(ROOT, "tests", "data", "pca_small.csv")
    with open(path, "w") as f:
        f.write(",".join("x%d" % (i + 1) for i in range(12)) + "\n")
        for row in X:
            f.write(",".join(repr(float(v)) for v in row) + "\n")
    X = np.loadtxt(path, delimiter=",", skiprows=1)
    r = pca(X, 3)
    dump("pca_small.json", r)
    print("pca_small: variance", r["variance"])

    P = idx_images(os.path.join(ROOT, "assets", "mnist-sample", "train-images-idx3-ubyte.gz"))
    r = pca(P.astype(np.float64) / 255.0, 2)
    dump("pca_sample.json", r)
    print("pca_sample: n", r["n"], "variance", r["variance"])

    full = os.path.join(ROOT, "data", "mnist", "train-images-idx3-ubyte")
    if os.path.exists(full):
        r = pca(idx_images(full).astype(np.float64) / 255.0, 2)
        dump("pca_mnist60k.json", r)
        print("pca_mnist60k: n", r["n"], "variance", r["variance"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
