#!/usr/bin/python3
"""Compare a `mixscope gmm --json` run with a reference trajectory written by
gmm_ref.py: every iteration's log-likelihood and parameters, the final
parameters and log-likelihood, to |a - b| <= tol * max(1, |b|).
usage: gmm_compare.py OUT.json REF.json [tol=1e-9]; exit 0 if all match."""
import json
import sys


def near(a, b, tol, where, errs):
    if isinstance(b, list):
        if not isinstance(a, list) or len(a) != len(b):
            errs.append("%s: shape %r vs %r" % (where, a, b))
            return
        for i, (x, y) in enumerate(zip(a, b)):
            near(x, y, tol, "%s[%d]" % (where, i), errs)
        return
    if not isinstance(a, (int, float)) or abs(a - b) > tol * max(1.0, abs(b)):
        errs.append("%s: %r vs %r" % (where, a, b))


def params(a, b, tol, where, errs):
    for key in ("weights", "means", "covariances"):
        near(a[key], b[key], tol, "%s.%s" % (where, key), errs)


def main():
    out = json.load(open(sys.argv[1]))
    ref = json.load(open(sys.argv[2]))
    tol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-9
    errs = []
    if len(out["iterations"]) != len(ref["iterations"]):
        errs.append("iterations: %d vs %d" % (len(out["iterations"]), len(ref["iterations"])))
    for a, b in zip(out["iterations"], ref["iterations"]):
        if a["iter"] != b["iter"]:
            errs.append("iter %r vs %r" % (a["iter"], b["iter"]))
        near(a["loglik"], b["loglik"], tol, "iter %d loglik" % b["iter"], errs)
        params(a["params"], b["params"], tol, "iter %d" % b["iter"], errs)
    params(out["final"], ref["final"], tol, "final", errs)
    near(out["final_loglik"], ref["final_loglik"], tol, "final_loglik", errs)
    if out["n_iter"] != ref["n_iter"]:
        errs.append("n_iter %r vs %r" % (out["n_iter"], ref["n_iter"]))
    for e in errs[:20]:
        print("MISMATCH " + e)
    print("%s: %d iterations compared, %d mismatches" % (sys.argv[1], len(ref["iterations"]),
                                                         len(errs)))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
