/* mixscope — Normal–Normal conjugate posterior (derivation in posterior.h). */
#include "mixscope/posterior.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#define MX_LOG_2PI 1.8378770664093454835606594728112 /* log(2π) */

static int check_vars(double gamma2, double sigma2, mx_error *err) {
  if (!isfinite(gamma2) || gamma2 <= 0.0)
    return mx_error_set(err, MX_EINVAL, "prior variance gamma^2 must be a positive finite number, got %g",
                        gamma2);
  if (!isfinite(sigma2) || sigma2 <= 0.0)
    return mx_error_set(err, MX_EINVAL, "noise variance sigma^2 must be a positive finite number, got %g",
                        sigma2);
  return MX_OK;
}

/* Combine a N(., b) belief with one of variance s (b, s > 0, subnormal
 * allowed) from the ratio of the smaller to the larger, so nothing overflows:
 * *nb = 1/(1/b + 1/s), *w = s/(b + s) the weight on the first mean, *w1 = 1 - *w. */
static void combine(double b, double s, double *nb, double *w, double *w1) {
  if (b >= s) {
    double r = s / b;
    *nb = s / (1.0 + r);
    *w = r / (1.0 + r);
    *w1 = 1.0 / (1.0 + r);
  } else {
    double r = b / s;
    *nb = b / (1.0 + r);
    *w = 1.0 / (1.0 + r);
    *w1 = r / (1.0 + r);
  }
}

int mx_posterior_update(double a, double b2, double sigma2, double x, double *a_out,
                        double *b2_out) {
  double prec, nb2;
  if (!(b2 > 0.0) || !(sigma2 > 0.0) || !isfinite(b2) || !isfinite(sigma2)) return MX_EINVAL;
  if (!isfinite(x) || !isfinite(a)) return MX_ENONFINITE;
  prec = 1.0 / b2 + 1.0 / sigma2;          /* precisions add */
  nb2 = 1.0 / prec;
  *a_out = nb2 * (a / b2 + x / sigma2);    /* precision-weighted mean */
  if (!isfinite(prec) || !(nb2 >= DBL_MIN) || !isfinite(*a_out)) {
    /* A precision overflowed (a subnormal variance) or the sum a/b2 + x/sigma2
     * did (|a|, |x| near DBL_MAX): the same numbers from ratios, with the mean
     * as the convex combination w a + (1 - w) x, which cannot overflow. */
    double w, w1;
    combine(b2, sigma2, &nb2, &w, &w1);
    *a_out = w * a + w1 * x;
  }
  *b2_out = nb2;
  return MX_OK;
}

/* Σ x_i / d (d > 0) for x (n). The plain sum when it is finite; when it
 * overflows (values near DBL_MAX), the sum of x_i / 2^k (exact: a power of
 * two) divided by d and scaled back, which is finite whenever the quotient
 * is representable. */
static double sum_over(const double *x, int n, double sum, double d) {
  double s = 0.0;
  int i;
  if (isfinite(sum)) return sum / d;
  for (i = 0; i < n; i++) s += ldexp(x[i], -64);
  return ldexp(s / d, 64);
}

int mx_posterior_batch(double alpha, double gamma2, double sigma2, const double *x, int n,
                       double *a, double *b2, mx_error *err) {
  double sum = 0.0, prec;
  int i, rc;
  if ((rc = check_vars(gamma2, sigma2, err)) != MX_OK) return rc;
  if (!isfinite(alpha)) return mx_error_set(err, MX_EINVAL, "prior mean alpha must be finite");
  if (n < 0 || (n > 0 && !x)) return mx_error_set(err, MX_EINVAL, "bad data array (n = %d)", n);
  for (i = 0; i < n; i++) {
    if (!isfinite(x[i])) return mx_error_set(err, MX_ENONFINITE, "data point %d is not finite", i + 1);
    sum += x[i];
  }
  prec = 1.0 / gamma2 + (double)n / sigma2;
  *b2 = 1.0 / prec;
  *a = *b2 * (alpha / gamma2 + sum_over(x, n, sum, sigma2));
  if (n > 0 && (!isfinite(prec) || !(*b2 >= DBL_MIN) || !isfinite(*a))) {
    /* a precision or α/γ² + Σx/σ² overflowed: b² = 1/(1/γ² + 1/(σ²/n)) and
     * a = w α + (1 − w) x̄ from ratios (see combine) */
    double w, w1;
    combine(gamma2, sigma2 / n, b2, &w, &w1);
    if (!(sigma2 / n > 0.0)) { /* σ²/n underflowed: b² ≈ σ²/n, all weight on x̄ */
      *b2 = sigma2 / n;
      w = 0.0;
      w1 = 1.0;
    }
    *a = w * alpha + w1 * sum_over(x, n, sum, (double)n);
  }
  return MX_OK;
}

/* The centred form of the log marginal likelihood (see posterior.h):
 *   log p(x) = −(n/2) log(2πσ²) − ½ log(1 + nγ²/σ²)
 *              − ½ [ Σ(x−x̄)²/σ² + (x̄−α)²/(σ²/n + γ²) ],
 * each part scaled (halves, square roots, ratios ≤ 1) so that no
 * intermediate overflows while the result is representable. */
static double log_marginal_centred(double alpha, double g2, double s2, const double *x, int n) {
  double sum = 0.0, xbar, sig = sqrt(s2), q = 0.0, h, e, lt, sn = s2 / n;
  int i;
  if (n == 0) return 0.0;
  for (i = 0; i < n; i++) sum += x[i];
  xbar = sum_over(x, n, sum, (double)n);
  for (i = 0; i < n; i++) {
    double z = (0.5 * x[i] - 0.5 * xbar) / sig; /* (x − x̄)/(2σ) */
    q += z * z;
  }
  q *= 4.0;                                     /* Σ (x − x̄)²/σ² */
  h = 0.5 * sn + 0.5 * g2;                      /* (σ²/n + γ²)/2 */
  e = (0.5 * xbar - 0.5 * alpha) / sqrt(h);     /* (x̄ − α)/2 / sqrt(h) */
  if (g2 <= sn) /* log(1 + t), t = γ²/(σ²/n) = nγ²/σ² */
    lt = log1p(g2 / sn);
  else
    lt = log(g2) - (log(s2) - log((double)n)) + log1p(sn / g2);
  return -0.5 * n * (MX_LOG_2PI + log(s2)) - 0.5 * lt - 0.5 * (q + 2.0 * e * e);
}

int mx_posterior_log_marginal(const mx_posterior *p, double *out, mx_error *err) {
  *out = log_marginal_centred(p->alpha, p->gamma2, p->sigma2, p->x, p->n);
  if (!isfinite(*out))
    return mx_error_set(err, MX_ERANGE,
                        "the log marginal likelihood is %s: beyond the range of a double "
                        "(|value| > 1.8e308)",
                        *out < 0 ? "below -1.8e308" : "not representable");
  return MX_OK;
}

mx_posterior *mx_posterior_alloc(int cap, double alpha, double gamma2, double sigma2,
                                 mx_error *err) {
  mx_posterior *p;
  if (cap < 1) {
    mx_error_set(err, MX_EINVAL, "posterior capacity must be >= 1, got %d", cap);
    return NULL;
  }
  if (check_vars(gamma2, sigma2, err) != MX_OK) return NULL;
  if (!isfinite(alpha)) {
    mx_error_set(err, MX_EINVAL, "prior mean alpha must be finite");
    return NULL;
  }
  p = calloc(1, sizeof *p);
  if (!p) goto nomem;
  p->x = malloc((size_t)cap * sizeof *p->x);
  p->a = malloc(((size_t)cap + 1) * sizeof *p->a);
  p->b2 = malloc(((size_t)cap + 1) * sizeof *p->b2);
  if (!p->x || !p->a || !p->b2) goto nomem;
  p->cap = cap;
  p->alpha = alpha;
  p->gamma2 = gamma2;
  p->sigma2 = sigma2;
  mx_posterior_reset(p);
  return p;
nomem:
  mx_posterior_free(p);
  mx_error_set(err, MX_ENOMEM, "out of memory allocating a posterior for %d points", cap);
  return NULL;
}

void mx_posterior_free(mx_posterior *p) {
  if (!p) return;
  free(p->x);
  free(p->a);
  free(p->b2);
  free(p);
}

void mx_posterior_reset(mx_posterior *p) {
  p->n = 0;
  p->sum = 0.0;
  p->log_marginal = 0.0;
  p->a[0] = p->alpha;
  p->b2[0] = p->gamma2;
}

/* Append x as point number p->n (room and finiteness already checked). */
static void push_unchecked(mx_posterior *p, double x) {
  int i = p->n;
  p->log_marginal += mx_normal_logpdf(x, p->a[i], p->b2[i] + p->sigma2);
  mx_posterior_update(p->a[i], p->b2[i], p->sigma2, x, &p->a[i + 1], &p->b2[i + 1]);
  p->x[i] = x;
  p->sum += x;
  p->n = i + 1;
}

int mx_posterior_set_prior(mx_posterior *p, double alpha, double gamma2, double sigma2,
                           mx_error *err) {
  int i, n, rc;
  if ((rc = check_vars(gamma2, sigma2, err)) != MX_OK) return rc;
  if (!isfinite(alpha)) return mx_error_set(err, MX_EINVAL, "prior mean alpha must be finite");
  p->alpha = alpha;
  p->gamma2 = gamma2;
  p->sigma2 = sigma2;
  n = p->n;
  mx_posterior_reset(p);
  for (i = 0; i < n; i++) push_unchecked(p, p->x[i]);
  return MX_OK;
}

int mx_posterior_push(mx_posterior *p, double x, mx_error *err) {
  if (!isfinite(x)) return mx_error_set(err, MX_ENONFINITE, "data point %d is not finite", p->n + 1);
  if (p->n >= p->cap)
    return mx_error_set(err, MX_ETOOBIG, "posterior holds at most %d points", p->cap);
  push_unchecked(p, x);
  return MX_OK;
}

int mx_posterior_pop(mx_posterior *p) {
  int n;
  if (p->n == 0) return MX_EEMPTY;
  /* Recompute sums from scratch so undo leaves no rounding residue. */
  n = p->n - 1;
  mx_posterior_reset(p);
  {
    int i;
    for (i = 0; i < n; i++) push_unchecked(p, p->x[i]);
  }
  return MX_OK;
}

void mx_posterior_current(const mx_posterior *p, double *a, double *b2) {
  *a = p->a[p->n];
  *b2 = p->b2[p->n];
}

int mx_posterior_likelihood(const mx_posterior *p, double *mean, double *var) {
  if (p->n == 0) return MX_EEMPTY;
  *mean = sum_over(p->x, p->n, p->sum, (double)p->n); /* x̄ = Σx / n, finite even when Σx overflows */
  *var = p->sigma2 / p->n;
  return MX_OK;
}

double mx_posterior_sum_over(const mx_posterior *p, double d) { return sum_over(p->x, p->n, p->sum, d); }

void mx_posterior_predictive(const mx_posterior *p, double *mean, double *var) {
  *mean = p->a[p->n];
  *var = p->b2[p->n] + p->sigma2;
}

double mx_posterior_prior_weight(const mx_posterior *p) { return p->b2[p->n] / p->gamma2; }

double mx_normal_logpdf(double x, double mean, double var) {
  double d = x - mean, q = d * d / var;
  if (!isfinite(d)) { /* |x − mean| > DBL_MAX: halve both first */
    double z = (0.5 * x - 0.5 * mean) / sqrt(var);
    q = 4.0 * z * z;
  } else if (!isfinite(q) || d * d < DBL_MIN) { /* d² overflowed or lost digits */
    double z = d / sqrt(var);
    q = z * z;
  }
  return -0.5 * (MX_LOG_2PI + log(var) + q);
}
