/* Sampling binary digits from per-pixel θ and Bernoulli mixtures (see
 * mixscope/sample.h). */
#include <math.h>

#include "mixscope/error.h"
#include "mixscope/sample.h"

/* 1 if the n values v are all in [0, 1] (NaN fails). */
static int probs_ok(const double *v, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if (!(v[i] >= 0.0 && v[i] <= 1.0)) return 0;
  return 1;
}

/* One image (D) from θ (D). */
static void draw_pixels(const double *theta, size_t D, gsl_rng *r, uint8_t *x) {
  size_t d;
  for (d = 0; d < D; d++) x[d] = gsl_rng_uniform(r) < theta[d];
}

int mx_sample_bernoulli(const double *theta, size_t D, size_t n, gsl_rng *r, uint8_t *out) {
  size_t i;
  if (!theta || !r || !out || D == 0) return MX_EINVAL;
  if (!probs_ok(theta, D)) return MX_EINVAL;
  for (i = 0; i < n; i++) draw_pixels(theta, D, r, out + i * D);
  return MX_OK;
}

int mx_sample_bernoulli_mixture(const double *pi, const double *theta, size_t K, size_t D,
                                size_t n, gsl_rng *r, uint8_t *out, int *comp) {
  size_t i, k;
  double sum = 0.0;
  if (!pi || !theta || !r || !out || K == 0 || D == 0) return MX_EINVAL;
  if (!probs_ok(pi, K) || !probs_ok(theta, K * D)) return MX_EINVAL;
  for (k = 0; k < K; k++) sum += pi[k];
  if (fabs(sum - 1.0) > 1e-6) return MX_EINVAL;
  for (i = 0; i < n; i++) {
    double u = gsl_rng_uniform(r) * sum, acc = 0.0;
    size_t z = K - 1;
    for (k = 0; k < K; k++) {
      acc += pi[k];
      if (u < acc) {
        z = k;
        break;
      }
    }
    while (z > 0 && pi[z] == 0.0) z--; /* rounding at the top: the last weighted component */
    if (comp) comp[i] = (int)z;
    draw_pixels(theta + z * D, D, r, out + i * D);
  }
  return MX_OK;
}
