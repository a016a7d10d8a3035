/* mixscope — the Normal–Normal conjugate posterior of a mean.
 *
 * Model: prior μ ~ N(α, γ²); data x_1..x_n | μ ~ N(μ, σ²) i.i.d., σ² known.
 *
 * Derivation (completing the square). Up to factors that do not involve μ,
 *   p(μ | x) ∝ p(μ) Π_i p(x_i | μ)
 *            ∝ exp(−(μ − α)²/(2γ²)) · exp(−Σ_i (x_i − μ)²/(2σ²)).
 * Collect the exponent as a quadratic in μ:
 *   −½ [ μ² (1/γ² + n/σ²) − 2μ (α/γ² + Σx/σ²) ] + const.
 * A Gaussian N(a, b²) has exponent −(μ − a)²/(2b²) = −½ [ μ²/b² − 2μ a/b² ] + const,
 * so matching the μ² and μ coefficients gives
 *   1/b² = 1/γ² + n/σ²                 (precisions add),
 *   a/b² = α/γ² + Σx/σ²,  i.e.  a = b² (α/γ² + Σx/σ²)
 *                                    = w α + (1 − w) x̄,  w = b²/γ² = σ²/(σ² + nγ²).
 * The posterior mean is a precision-weighted average of the prior mean and the
 * sample mean; as n grows, w → 0 (the prior is forgotten) and b² ≈ σ²/n → 0
 * (the posterior shrinks around x̄).
 *
 * Sequential form: yesterday's posterior is today's prior. After x_1..x_{i−1}
 * the posterior is N(a_{i−1}, b²_{i−1}); adding x_i gives
 *   1/b²_i = 1/b²_{i−1} + 1/σ²,   a_i = b²_i (a_{i−1}/b²_{i−1} + x_i/σ²),
 * which telescopes to the batch formula (a_0 = α, b²_0 = γ²).
 *
 * Likelihood as a function of μ, normalised: Π_i N(x_i | μ, σ²) ∝ N(μ | x̄, σ²/n).
 * Posterior predictive of the next point: x* | x ~ N(a, b² + σ²). Before any
 * data this is the prior predictive (marginal) N(α, γ² + σ²), and the marginal
 * likelihood factorises by the chain rule:
 *   log p(x_1..x_n) = Σ_i log N(x_i | a_{i−1}, b²_{i−1} + σ²).              */
#ifndef MIXSCOPE_POSTERIOR_H
#define MIXSCOPE_POSTERIOR_H

#include "mixscope/error.h"

/* A posterior tracked point by point: the data and the posterior after each. */
typedef struct mx_posterior {
  double alpha;   /* prior mean α */
  double gamma2;  /* prior variance γ² > 0 */
  double sigma2;  /* noise variance σ² > 0 (known) */
  int cap;        /* capacity (max number of points) */
  int n;          /* points so far, 0..cap */
  double *x;      /* (cap) the data in arrival order */
  double *a;      /* (cap+1) a[i]: posterior mean after i points, a[0] = α */
  double *b2;     /* (cap+1) b2[i]: posterior variance after i points, b2[0] = γ² */
  double sum;     /* Σ_{i<n} x_i (+-inf if it overflows: use mx_posterior_sum_over / _likelihood) */
  double log_marginal; /* log p(x_1..x_n) (0 when n = 0) */
} mx_posterior;

/* One observation's update of N(a, b2) with noise variance sigma2. */
int mx_posterior_update(double a, double b2, double sigma2, double x, double *a_out,
                        double *b2_out);

/* The batch formula on x (n) in one go: 1/b² = 1/γ² + n/σ², a = b²(α/γ² + Σx/σ²).
 * MX_EINVAL (message in err) for non-positive or non-finite variances. */
int mx_posterior_batch(double alpha, double gamma2, double sigma2, const double *x, int n,
                       double *a, double *b2, mx_error *err);

/* Allocate room for cap points, with prior N(alpha, gamma2) and noise sigma2. */
mx_posterior *mx_posterior_alloc(int cap, double alpha, double gamma2, double sigma2,
                                 mx_error *err);
void mx_posterior_free(mx_posterior *p);

/* Change the prior / noise and recompute the whole sequence on the kept data.
 * On error (non-positive variance) p is unchanged. */
int mx_posterior_set_prior(mx_posterior *p, double alpha, double gamma2, double sigma2,
                           mx_error *err);

/* Add one point (sequential update). MX_ETOOBIG when full, MX_ENONFINITE for nan/inf. */
int mx_posterior_push(mx_posterior *p, double x, mx_error *err);
/* Remove the last point (undo). MX_EEMPTY when there is none. */
int mx_posterior_pop(mx_posterior *p);
/* Forget all data (back to the prior). */
void mx_posterior_reset(mx_posterior *p);

/* Current posterior N(*a, *b2). */
void mx_posterior_current(const mx_posterior *p, double *a, double *b2);
/* The likelihood of the data normalised in μ: N(μ | x̄, σ²/n). MX_EEMPTY if n = 0.
 * x̄ is Σx/n, computed so that it stays finite when Σx overflows. */
int mx_posterior_likelihood(const mx_posterior *p, double *mean, double *var);
/* Σx / d for d > 0 (e.g. Σx/σ² of the formula a = b²(α/γ² + Σx/σ²)): equal to
 * p->sum / d when the sum is finite, and still finite when the sum overflows
 * but the quotient does not (data near ±DBL_MAX). */
double mx_posterior_sum_over(const mx_posterior *p, double d);
/* Posterior predictive of the next point: N(*mean, *var) = N(a, b² + σ²). */
void mx_posterior_predictive(const mx_posterior *p, double *mean, double *var);
/* Shrinkage weight on the prior mean, w = b²/γ² = σ²/(σ² + nγ²), so a = wα + (1−w)x̄. */
double mx_posterior_prior_weight(const mx_posterior *p);

/* log p(x_1..x_n) in its centred form, −(n/2) log(2πσ²) − ½ log(1 + nγ²/σ²)
 * − ½ [Σ(x−x̄)²/σ² + n(x̄−α)²/(σ² + nγ²)], computed without overflow for any
 * representable inputs (subnormal variances, data near ±DBL_MAX). MX_ERANGE
 * (message in err) when the value itself is beyond a double; *out is then ±inf. */
int mx_posterior_log_marginal(const mx_posterior *p, double *out, mx_error *err);

/* log N(x | mean, var) (var > 0), without overflow in (x − mean)²/var. */
double mx_normal_logpdf(double x, double mean, double var);

#endif
