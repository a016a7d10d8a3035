/* The Normal–Normal posterior with data near DBL_MAX (≈ 1.797e308): Σx
 * overflows although the sample mean, the posterior mean and Σx/σ² are all
 * representable. Expected values are worked by hand in the comments. */
#include <float.h>

#include "mixscope/posterior.h"
#include "test.h"

static void test_two_huge_points(void) {
  /* α=0, γ²=1, σ²=1, data 1e308, 1e308 (Σx = 2e308 > DBL_MAX):
   *   x̄ = (1e308 + 1e308)/2 = 1e308, σ²/n = 1/2
   *   after x₁: 1/b² = 1 + 1 = 2 → b² = 1/2, a = (1/2)(0 + 1e308) = 5e307
   *   after x₂: 1/b² = 1 + 2 = 3 → b² = 1/3, a = (1/3)(0 + 2e308) = (2/3)e308 ≈ 6.6667e307
   *   prior weight w = b²/γ² = 1/3, and a = wα + (1−w)x̄ = (2/3)e308 ✓ */
  mx_error err;
  double x[2] = {1e308, 1e308}, a, b2, m, v;
  mx_posterior *p = mx_posterior_alloc(4, 0.0, 1.0, 1.0, &err);
  ASSERT_TRUE(p != NULL);
  if (!p) return;
  ASSERT_INT_EQ(mx_posterior_push(p, x[0], &err), MX_OK);
  ASSERT_INT_EQ(mx_posterior_push(p, x[1], &err), MX_OK);
  ASSERT_INT_EQ(mx_posterior_likelihood(p, &m, &v), MX_OK);
  ASSERT_NEAR(m, 1e308, 1e-15);
  ASSERT_TRUE(isfinite(m));
  ASSERT_NEAR(v, 0.5, 1e-15);
  ASSERT_NEAR(p->a[1], 5e307, 1e-15);
  ASSERT_NEAR(p->b2[2], 1.0 / 3.0, 1e-15);
  mx_posterior_current(p, &a, &b2);
  ASSERT_NEAR(a, (2.0 / 3.0) * 1e308, 1e-15);
  ASSERT_TRUE(isfinite(a));
  mx_posterior_predictive(p, &m, &v);
  ASSERT_NEAR(m, (2.0 / 3.0) * 1e308, 1e-15);
  ASSERT_NEAR(v, 1.0 / 3.0 + 1.0, 1e-15);
  /* Σx/σ² = 2e308 is not representable (honestly +inf); Σx/4 = 5e307 is. */
  ASSERT_TRUE(isinf(mx_posterior_sum_over(p, 1.0)) && mx_posterior_sum_over(p, 1.0) > 0);
  ASSERT_NEAR(mx_posterior_sum_over(p, 4.0), 5e307, 1e-15);
  /* the batch formula agrees */
  ASSERT_INT_EQ(mx_posterior_batch(0.0, 1.0, 1.0, x, 2, &a, &b2, &err), MX_OK);
  ASSERT_NEAR(b2, 1.0 / 3.0, 1e-15);
  ASSERT_NEAR(a, (2.0 / 3.0) * 1e308, 1e-15);
  /* undo recomputes from the kept data: back to one point, x̄ = 1e308 */
  ASSERT_INT_EQ(mx_posterior_pop(p), MX_OK);
  ASSERT_INT_EQ(mx_posterior_likelihood(p, &m, &v), MX_OK);
  ASSERT_NEAR(m, 1e308, 1e-15);
  mx_posterior_free(p);
}

static void test_three_near_max(void) {
  /* α=1, γ²=4, σ²=2, data 1.5e308 three times (Σx = 4.5e308):
   *   x̄ = 1.5e308, σ²/n = 2/3
   *   1/b² = 1/4 + 3/2 = 7/4 → b² = 4/7
   *   a = b²(α/γ² + Σx/σ²) = (4/7)(1/4 + 2.25e308) = 1/7 + (9/7)e308 ≈ 1.2857e308
   *   (the 1/7 is far below the rounding of 1e308) */
  mx_error err;
  double x[3] = {1.5e308, 1.5e308, 1.5e308}, a, b2, m, v;
  mx_posterior *p = mx_posterior_alloc(3, 1.0, 4.0, 2.0, &err);
  int i;
  ASSERT_TRUE(p != NULL);
  if (!p) return;
  for (i = 0; i < 3; i++) ASSERT_INT_EQ(mx_posterior_push(p, x[i], &err), MX_OK);
  ASSERT_INT_EQ(mx_posterior_likelihood(p, &m, &v), MX_OK);
  ASSERT_NEAR(m, 1.5e308, 1e-15);
  ASSERT_NEAR(v, 2.0 / 3.0, 1e-15);
  mx_posterior_current(p, &a, &b2);
  ASSERT_NEAR(b2, 4.0 / 7.0, 1e-15);
  ASSERT_NEAR(a, (9.0 / 7.0) * 1e308, 1e-14);
  ASSERT_NEAR(mx_posterior_sum_over(p, 4.0), 1.125e308, 1e-15); /* Σx/σ² = 2.25e308 itself overflows */
  ASSERT_TRUE(isinf(mx_posterior_sum_over(p, 2.0)));
  ASSERT_INT_EQ(mx_posterior_batch(1.0, 4.0, 2.0, x, 3, &a, &b2, &err), MX_OK);
  ASSERT_NEAR(a, (9.0 / 7.0) * 1e308, 1e-14);
  /* opposite extremes cancel: x̄ of (−DBL_MAX, DBL_MAX) = 0 (no overflow here either) */
  mx_posterior_reset(p);
  ASSERT_INT_EQ(mx_posterior_push(p, -DBL_MAX, &err), MX_OK);
  ASSERT_INT_EQ(mx_posterior_push(p, DBL_MAX, &err), MX_OK);
  ASSERT_INT_EQ(mx_posterior_likelihood(p, &m, &v), MX_OK);
  ASSERT_NEAR(m, 0.0, 0);
  mx_posterior_free(p);
}

static void test_ordinary_data_unchanged(void) {
  /* Away from overflow the mean is Σx/n exactly as before: data 1, 2, 4 →
   * x̄ = 7/3, Σx/σ² with σ² = 2 is 3.5 (bit-equal to the plain quotients). */
  mx_error err;
  double m, v;
  mx_posterior *p = mx_posterior_alloc(3, 0.0, 1.0, 2.0, &err);
  ASSERT_TRUE(p != NULL);
  if (!p) return;
  mx_posterior_push(p, 1.0, &err);
  mx_posterior_push(p, 2.0, &err);
  mx_posterior_push(p, 4.0, &err);
  ASSERT_INT_EQ(mx_posterior_likelihood(p, &m, &v), MX_OK);
  ASSERT_TRUE(m == 7.0 / 3.0);
  ASSERT_TRUE(mx_posterior_sum_over(p, 2.0) == 3.5);
  mx_posterior_free(p);
}

int main(void) {
  test_two_huge_points();
  test_three_near_max();
  test_ordinary_data_unchanged();
  TEST_MAIN_END();
}
