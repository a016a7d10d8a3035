#!/usr/bin/python3
"""Independent dense NumPy reference for tests/test_bmm.c (Bernoulli mixture EM).

Written from the formulas, not from core/src/bmm.c: dense log-likelihoods
x log(theta) + (1 - x) log(1 - theta), scipy's logsumexp, MAP M-step with a
Beta(a, b) prior on theta and a Dirichlet(gamma) prior on pi.

Data (same formulas in the C test): N = 23 images of D = 10 pixels,
  x[n, d] = 1 if (3 n + 7 d + n d) % 5 < 2 else 0
Start: theta[k, d] = 0.2 + 0.6 * ((k + 1) * (d + 3) % 7) / 6, pi = (0.5, 0.3, 0.2),
K = 3, prior a = 1.5, b = 2.5, gamma = 2.
Semi-supervised run: images 0, 5, 10 fixed to class 0, 1, 2 (one-hot r).
Objective J = sum_n l_n + sum_kd [(a-1) log th + (b-1) log(1-th)] + (gamma-1) sum_k log pi,
l_n = logsumexp_k(log pi_k + log p(x_n|th_k)), or log pi_c + log p(x_n|th_c) if fixed to c.

Prints C initialisers; the output is committed as tests/ref/bmm_em.out.
Run: /usr/bin/python3 tests/ref/bmm_em.py > tests/ref/bmm_em.out
"""
import numpy as np
from scipy.special import logsumexp

N, D, K = 23, 10, 3
a, b, gamma = 1.5, 2.5, 2.0
ITERS = 6

X = np.array([[1.0 if (3 * n + 7 * d + n * d) % 5 < 2 else 0.0 for d in range(D)]
              for n in range(N)])
TH0 = np.array([[0.2 + 0.6 * (((k + 1) * (d + 3)) % 7) / 6.0 for d in range(D)]
                for k in range(K)])
PI0 = np.array([0.5, 0.3, 0.2])


def run(fixed):
    th, pi = TH0.copy(), PI0.copy()
    Js, lls = [], []
    for _ in range(ITERS):
        logp = X @ np.log(th).T + (1 - X) @ np.log1p(-th).T + np.log(pi)  # (N, K)
        R = np.exp(logp - logsumexp(logp, axis=1, keepdims=True))
        l = logsumexp(logp, axis=1)
        for n, c in fixed.items():
            R[n] = 0.0
            R[n, c] = 1.0
            l[n] = logp[n, c]
        ll = l.sum()
        lp = ((a - 1) * np.log(th) + (b - 1) * np.log1p(-th)).sum() + (gamma - 1) * np.log(pi).sum()
        lls.append(ll)
        Js.append(ll + lp)
        Nk = R.sum(axis=0)
        S = R.T @ X
        th = (S + a - 1) / (Nk[:, None] + a + b - 2)
        pi = (Nk + gamma - 1) / (Nk.sum() + K * (gamma - 1))
    return lls, Js, th, pi


def c_array(name, v):
    v = np.ravel(v)
    body = ",\n  ".join(", ".join("%.17g" % x for x in v[i:i + 4]) for i in range(0, len(v), 4))
    print("static const double %s[%d] = {\n  %s};" % (name, len(v), body))


for tag, fixed in (("unsup", {}), ("semi", {0: 0, 5: 1, 10: 2})):
    lls, Js, th, pi = run(fixed)
    c_array("ref_%s_loglik" % tag, lls)
    c_array("ref_%s_logpost" % tag, Js)
    c_array("ref_%s_theta" % tag, th)
    c_array("ref_%s_pi" % tag, pi)
