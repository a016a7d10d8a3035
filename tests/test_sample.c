/* Sampling digits from θ and from a Bernoulli mixture (core/src/sample.c).
 * Expected values: θ itself (pixel frequencies of many samples within a
 * binomial tolerance), π (component frequencies), and hand-worked edge cases. */
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "mixscope/error.h"
#include "mixscope/sample.h"
#include "test.h"

#define NS 40000
#define D 16

/* |freq - p| <= 5 sd of a binomial proportion over n draws (+ 1/n for p at
 * 0 or 1): a false alarm has probability ~6e-7 per pixel. */
static int within_binomial(double freq, double p, size_t n) {
  return fabs(freq - p) <= 5.0 * sqrt(p * (1.0 - p) / (double)n) + 1.0 / (double)n;
}

static void test_theta_frequencies(gsl_rng *r) {
  /* θ spans the edges (0, 1), tiny and near-half values. */
  double theta[D] = {0.0, 1.0, 0.5, 0.01, 0.99, 0.2, 0.8, 0.33,
                     0.67, 0.05, 0.95, 0.45, 0.55, 0.1, 0.9, 0.001};
  uint8_t *x = malloc((size_t)NS * D), *y = malloc((size_t)NS * D);
  size_t n, d, bad = 0;
  ASSERT_TRUE(x && y);
  gsl_rng_set(r, 42);
  ASSERT_INT_EQ(mx_sample_bernoulli(theta, D, NS, r, x), MX_OK);
  for (d = 0; d < D; d++) {
    size_t on = 0;
    for (n = 0; n < NS; n++) on += x[n * D + d];
    if (!within_binomial((double)on / NS, theta[d], NS)) {
      bad++;
      fprintf(stderr, "pixel %zu: %zu of %d lit, theta %g\n", d, on, NS, theta[d]);
    }
  }
  ASSERT_INT_EQ(bad, 0);
  /* θ = 0 never lights, θ = 1 always does */
  for (n = 0; n < NS; n++) bad += x[n * D] != 0 || x[n * D + 1] != 1;
  ASSERT_INT_EQ(bad, 0);
  /* the same seed gives the same digits, another seed others */
  gsl_rng_set(r, 42);
  mx_sample_bernoulli(theta, D, NS, r, y);
  ASSERT_TRUE(memcmp(x, y, (size_t)NS * D) == 0);
  gsl_rng_set(r, 43);
  mx_sample_bernoulli(theta, D, NS, r, y);
  ASSERT_TRUE(memcmp(x, y, (size_t)NS * D) != 0);
  free(x);
  free(y);
}

static void test_mixture_frequencies(gsl_rng *r) {
  /* K = 3 components over 4 pixels; component 2 has weight 0 (never drawn). */
  const double pi[3] = {0.7, 0.3, 0.0};
  const double theta[3 * 4] = {0.9, 0.1, 0.5, 0.0, /**/ 0.2, 0.8, 0.5, 1.0, /**/ 1, 1, 1, 1};
  uint8_t *x = malloc((size_t)NS * 4);
  int *z = malloc(NS * sizeof *z);
  size_t n, d, cnt[3] = {0, 0, 0}, on[3][4];
  memset(on, 0, sizeof on);
  ASSERT_TRUE(x && z);
  gsl_rng_set(r, 7);
  ASSERT_INT_EQ(mx_sample_bernoulli_mixture(pi, theta, 3, 4, NS, r, x, z), MX_OK);
  for (n = 0; n < NS; n++) {
    cnt[z[n]]++;
    for (d = 0; d < 4; d++) on[z[n]][d] += x[n * 4 + d];
  }
  ASSERT_TRUE(within_binomial((double)cnt[0] / NS, 0.7, NS));
  ASSERT_INT_EQ(cnt[2], 0);
  /* within each component the pixels follow its θ */
  for (n = 0; n < 2; n++)
    for (d = 0; d < 4; d++)
      ASSERT_TRUE(within_binomial((double)on[n][d] / (double)cnt[n], theta[n * 4 + d], cnt[n]));
  /* marginal of pixel 1: 0.7 * 0.1 + 0.3 * 0.8 = 0.31 */
  ASSERT_TRUE(within_binomial((double)(on[0][1] + on[1][1]) / NS, 0.31, NS));
  free(x);
  free(z);
}

static void test_bad_input(gsl_rng *r) {
  const double bad_theta[2] = {0.5, 1.5}, ok_theta[2] = {0.5, 0.5};
  const double bad_pi[2] = {0.6, 0.6}, nan_pi[2] = {NAN, 1.0};
  uint8_t x[4];
  ASSERT_INT_EQ(mx_sample_bernoulli(bad_theta, 2, 1, r, x), MX_EINVAL);
  ASSERT_INT_EQ(mx_sample_bernoulli_mixture(bad_pi, ok_theta, 2, 1, 1, r, x, NULL), MX_EINVAL);
  ASSERT_INT_EQ(mx_sample_bernoulli_mixture(nan_pi, ok_theta, 2, 1, 1, r, x, NULL), MX_EINVAL);
  ASSERT_INT_EQ(mx_sample_bernoulli(ok_theta, 2, 1, NULL, x), MX_EINVAL);
}

int main(void) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  test_theta_frequencies(r);
  test_mixture_frequencies(r);
  test_bad_input(r);
  gsl_rng_free(r);
  TEST_MAIN_END();
}
