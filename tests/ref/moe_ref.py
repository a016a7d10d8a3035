#!/usr/bin/python3
"""Independent NumPy/SciPy reference for one EM iteration of the mixture of experts
(core/src/moe.c), on tiny fixed data with fixed starting parameters.

Model: p(t|x) = sum_k pi_k(x) N(t | w_k . phi(x), s2_k), phi(x) = (1, x),
pi = softmax(V phi(x)). One EM iteration = E-step at the start parameters,
then the exact M-step: experts by weighted least squares (numpy lstsq on
sqrt(r)-scaled rows), variances = weighted mean squared residual, and the gate
maximised to convergence by scipy.optimize (BFGS on the identifiable
parameters v_0 - v_1, with v_1 = 0). Only gate differences are identifiable,
so the reference reports v_0 - v_1.

Run: /usr/bin/python3 tests/ref/moe_ref.py > tests/ref/moe_ref.json
"""
import json

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

x = np.array([-1.0, -0.7, -0.4, -0.1, 0.0, 0.2, 0.35, 0.5, 0.8, 1.0, 0.65, -0.55])
t = np.array([0.9, 0.55, 0.3, -0.2, 0.1, -0.45, 0.8, 1.3, 1.7, 2.2, -1.1, -0.8])
X = np.stack([np.ones_like(x), x], axis=1)            # (N, D) features
w0 = np.array([[0.0, 1.0], [0.2, -1.0]])              # (K, D) experts
s20 = np.array([0.5, 0.3])                            # (K) variances
v0 = np.array([[0.1, 0.5], [-0.1, -0.5]])             # (K, D) gate


def log_terms(w, s2, v):
    a = X @ v.T                                       # (N, K) gate activations
    logpi = a - logsumexp(a, axis=1, keepdims=True)
    mu = X @ w.T
    lognorm = -0.5 * (np.log(2 * np.pi * s2) + (t[:, None] - mu) ** 2 / s2)
    return logpi + lognorm


lp = log_terms(w0, s20, v0)
ll0 = logsumexp(lp, axis=1).sum()
r = np.exp(lp - logsumexp(lp, axis=1, keepdims=True))  # (N, K) responsibilities

w1 = np.zeros_like(w0)
s21 = np.zeros_like(s20)
for k in range(2):
    sw = np.sqrt(r[:, k])
    w1[k] = np.linalg.lstsq(X * sw[:, None], t * sw, rcond=None)[0]
    s21[k] = (r[:, k] * (t - X @ w1[k]) ** 2).sum() / r[:, k].sum()


def neg_gate(u):                                      # u = v_0 - v_1 (D,)
    a = np.stack([X @ u, np.zeros(len(x))], axis=1)
    return -(r * (a - logsumexp(a, axis=1, keepdims=True))).sum()


def neg_gate_grad(u):                                 # -sum_i (r_i0 - pi_i0) phi_i
    p0 = 1.0 / (1.0 + np.exp(-(X @ u)))
    return -((r[:, 0] - p0)[:, None] * X).sum(axis=0)


res = minimize(neg_gate, (v0[0] - v0[1]), jac=neg_gate_grad, method="BFGS",
               options={"gtol": 1e-13})
assert np.abs(neg_gate_grad(res.x)).max() < 1e-10, res
u = res.x
v1 = np.stack([u, np.zeros(2)])
ll1 = logsumexp(log_terms(w1, s21, v1), axis=1).sum()

out = {
    "x": x.tolist(), "t": t.tolist(),
    "w0": w0.tolist(), "var0": s20.tolist(), "v0": v0.tolist(),
    "loglik0": ll0, "resp0": r.tolist(),
    "w1": w1.tolist(), "var1": s21.tolist(), "gate_diff1": u.tolist(),
    "gate_objective1": -res.fun, "loglik1": ll1,
}
print(json.dumps(out))
