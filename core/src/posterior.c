/* mixscope — Normal–Normal conjugate posterior (derivation in posterior.h). */
#include "mixscope/posterior.h"

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

int mx_posterior_update(double a, double b2, double sigma2, double x, double *a_out,
                        double *b2_out) {
  double prec, nb2;
  if (!(b2 > 0.0) || !(sigma2 > 0.0) || !isfinite(b2) || !isfinite(sigma2)) return MX_EINVAL;
  if (!isfinite(x) || !isfinite(a)) return MX_ENONFINITE;
  prec = 1.0 / b2 + 1.0 / sigma2;          /* precisions add */
  nb2 = 1.0 / prec;
  *a_out = nb2 * (a / b2 + x / sigma2);    /* precision-weighted mean */
  if (!isfinite(*a_out)) {
    /* a/b2 + x/sigma2 overflowed (|a|, |x| near DBL_MAX): the same mean as a
     * convex combination, w a + (1 - w) x with w = nb2/b2, cannot overflow */
    double w = nb2 / b2;
    *a_out = w * a + (nb2 / sigma2) * x;
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
  if (!isfinite(*a) && n > 0) /* α/γ² + Σx/σ² overflowed: a = w α + (1 − w) x̄, w = b²/γ² */
    *a = (*b2 / gamma2) * alpha + (*b2 * (double)n / sigma2) * sum_over(x, n, sum, (double)n);
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
  double d = x - mean;
  return -0.5 * (MX_LOG_2PI + log(var) + d * d / var);
}
