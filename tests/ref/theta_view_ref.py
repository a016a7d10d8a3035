#!/usr/bin/python3
"""Expected values for tests/test_view_theta.c on the bundled sample, computed
independently with numpy from the .gz IDX files (reusing bernoulli_ref.py's
reader and conventions). Output committed as theta_view_ref.out.
Run: /usr/bin/python3 tests/ref/theta_view_ref.py assets/mnist-sample"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bernoulli_ref import load, fit, loglik  # noqa: E402

d = sys.argv[1] if len(sys.argv) > 1 else "assets/mnist-sample"
X, y, T, ty = load(d)
for thr in (0.5, 0.55):
    Xb = 1. * (X / 255. > thr)
    Tb = 1. * (T / 255. > thr)
    n1 = Xb.sum(axis=0)
    raw = fit(n1, X.shape[0], 0, 0, False)
    lap = fit(n1, X.shape[0], 1, 1, False)
    nll_raw = -loglik(Tb, raw)
    nll_lap = -loglik(Tb, lap)
    imp = np.nonzero(np.isinf(nll_raw))[0]
    print(f"threshold {thr}: raw theta=0 pixels {int((raw == 0).sum())}, raw infinite test digits {imp.size}")
    print(f"threshold {thr}: impossible test digits {list(map(int, imp))}")
    print(f"threshold {thr}: Laplace mean test NLL {nll_lap.mean()!r}")
    if thr == 0.5:
        two = fit(n1, X.shape[0], 2, 2, False)
        print(f"threshold {thr}: Beta(2,2) mean test NLL {(-loglik(Tb, two)).mean()!r}")
        print(f"threshold {thr}: test digit 0 log-lik raw {loglik(Tb[:1], raw)[0]!r} laplace {loglik(Tb[:1], lap)[0]!r}")
        counts = np.bincount(y, minlength=10)
        scores = np.stack([np.log(counts[c] / X.shape[0]) +
                           loglik(Tb, fit(Xb[y == c].sum(axis=0), counts[c], 1, 1, False))
                           for c in range(10)], axis=1)
        print(f"threshold {thr}: naive Bayes Laplace accuracy {(np.argmax(scores, axis=1) == ty).mean()!r}")
