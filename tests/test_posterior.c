/* Tests for the Normal–Normal conjugate posterior (core/src/posterior.c).
 * Expected values are worked by hand in the comments, or computed
 * independently here (the marginal likelihood through a dense Cholesky of the
 * joint covariance σ²I + γ²11ᵀ, not through the sequential chain rule). */
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "mixscope/posterior.h"
#include "test.h"

static void test_hand_two_points(void) {
  /* α=0, γ²=1, σ²=1, data 1, 2:
   *   1/b² = 1/1 + 2/1 = 3        → b² = 1/3
   *   a = b²(α/γ² + Σx/σ²) = (1/3)(0 + 3) = 1
   * after the first point alone: 1/b² = 1 + 1 = 2 → b² = 1/2, a = (1/2)(0 + 1) = 1/2.
   * likelihood in μ: N(x̄, σ²/n) = N(1.5, 0.5).
   * predictive: N(a, b² + σ²) = N(1, 4/3).
   * marginal: x ~ N(0, [[2,1],[1,2]]), det = 3, Σ⁻¹ = (1/3)[[2,-1],[-1,2]],
   *   xᵀΣ⁻¹x = (1/3)(2·1 − 2·1·2 + 2·4) = 2,
   *   log p = −log(2π) − ½ log 3 − ½·2 = −log(2π) − ½ log 3 − 1.
   * prior weight w = b²/γ² = 1/3 (a = wα + (1−w)x̄ = 0 + (2/3)(1.5) = 1 ✓). */
  mx_error err;
  double x[2] = {1.0, 2.0}, a, b2, m, v;
  mx_posterior *p;
  ASSERT_INT_EQ(mx_posterior_batch(0.0, 1.0, 1.0, x, 2, &a, &b2, &err), MX_OK);
  ASSERT_NEAR(b2, 1.0 / 3.0, 1e-15);
  ASSERT_NEAR(a, 1.0, 1e-15);

  p = mx_posterior_alloc(4, 0.0, 1.0, 1.0, &err);
  ASSERT_TRUE(p != NULL);
  if (!p) return;
  mx_posterior_current(p, &a, &b2);
  ASSERT_NEAR(a, 0.0, 0);
  ASSERT_NEAR(b2, 1.0, 0);
  ASSERT_INT_EQ(mx_posterior_likelihood(p, &m, &v), MX_EEMPTY);
  ASSERT_INT_EQ(mx_posterior_push(p, 1.0, &err), MX_OK);
  ASSERT_NEAR(p->a[1], 0.5, 1e-15);
  ASSERT_NEAR(p->b2[1], 0.5, 1e-15);
  ASSERT_INT_EQ(mx_posterior_push(p, 2.0, &err), MX_OK);
  ASSERT_INT_EQ(p->n, 2);
  mx_posterior_current(p, &a, &b2);
  ASSERT_NEAR(a, 1.0, 1e-15);
  ASSERT_NEAR(b2, 1.0 / 3.0, 1e-15);
  ASSERT_INT_EQ(mx_posterior_likelihood(p, &m, &v), MX_OK);
  ASSERT_NEAR(m, 1.5, 1e-15);
  ASSERT_NEAR(v, 0.5, 1e-15);
  mx_posterior_predictive(p, &m, &v);
  ASSERT_NEAR(m, 1.0, 1e-15);
  ASSERT_NEAR(v, 4.0 / 3.0, 1e-15);
  ASSERT_NEAR(mx_posterior_prior_weight(p), 1.0 / 3.0, 1e-15);
  ASSERT_NEAR(p->log_marginal, -log(2.0 * 3.14159265358979323846) - 0.5 * log(3.0) - 1.0,
              1e-14);

  /* Undo the second point: back to N(1/2, 1/2). */
  ASSERT_INT_EQ(mx_posterior_pop(p), MX_OK);
  mx_posterior_current(p, &a, &b2);
  ASSERT_NEAR(a, 0.5, 1e-15);
  ASSERT_NEAR(b2, 0.5, 1e-15);
  /* log N(1 | 0, 2) = −½(log(4π) + 1/2) */
  ASSERT_NEAR(p->log_marginal, -0.5 * (log(4.0 * 3.14159265358979323846) + 0.5), 1e-14);
  ASSERT_INT_EQ(mx_posterior_pop(p), MX_OK);
  ASSERT_INT_EQ(mx_posterior_pop(p), MX_EEMPTY);
  ASSERT_NEAR(p->log_marginal, 0.0, 0);
  mx_posterior_free(p);
}

static void test_hand_one_point(void) {
  /* α=2, γ²=4, σ²=1, data 3:
   *   1/b² = 1/4 + 1 = 5/4 → b² = 0.8
   *   a = 0.8(2/4 + 3/1) = 0.8 · 3.5 = 2.8
   * shrinkage: w = b²/γ² = 0.2, a = 0.2·2 + 0.8·3 = 2.8 ✓ */
  double x = 3.0, a, b2;
  ASSERT_INT_EQ(mx_posterior_update(2.0, 4.0, 1.0, x, &a, &b2), MX_OK);
  ASSERT_NEAR(b2, 0.8, 1e-15);
  ASSERT_NEAR(a, 2.8, 1e-15);
  ASSERT_INT_EQ(mx_posterior_batch(2.0, 4.0, 1.0, &x, 1, &a, &b2, NULL), MX_OK);
  ASSERT_NEAR(b2, 0.8, 1e-15);
  ASSERT_NEAR(a, 2.8, 1e-15);
  /* No data: the posterior is the prior. */
  ASSERT_INT_EQ(mx_posterior_batch(2.0, 4.0, 1.0, NULL, 0, &a, &b2, NULL), MX_OK);
  ASSERT_NEAR(a, 2.0, 0);
  ASSERT_NEAR(b2, 4.0, 0);
}

/* Sequential updates after every point equal the batch formula on the prefix. */
static void test_sequential_equals_batch(void) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  const int n = 1000;
  double *x = malloc(n * sizeof *x), a, b2;
  mx_posterior *p = mx_posterior_alloc(n, -1.5, 2.5, 0.7, NULL);
  int i;
  gsl_rng_set(r, 12345);
  ASSERT_TRUE(p != NULL && x != NULL);
  if (!p || !x) return;
  for (i = 0; i < n; i++) {
    x[i] = 3.0 + gsl_ran_gaussian(r, sqrt(0.7));
    ASSERT_INT_EQ(mx_posterior_push(p, x[i], NULL), MX_OK);
    mx_posterior_batch(-1.5, 2.5, 0.7, x, i + 1, &a, &b2, NULL);
    if (fabs(p->a[i + 1] - a) > 1e-12 * fmax(1.0, fabs(a)) ||
        fabs(p->b2[i + 1] - b2) > 1e-12 * b2) {
      ASSERT_NEAR(p->a[i + 1], a, 1e-12);
      ASSERT_NEAR(p->b2[i + 1], b2, 1e-12);
      break;
    }
  }
  ASSERT_INT_EQ(i, n);
  /* b² = 1/(1/2.5 + 1000/0.7) exactly as arithmetic: 1/(0.4 + 1428.5714285714287) */
  ASSERT_NEAR(p->b2[n], 1.0 / (0.4 + 1000.0 / 0.7), 1e-12);
  /* Changing the prior recomputes the sequence on the kept data. */
  ASSERT_INT_EQ(mx_posterior_set_prior(p, 10.0, 0.01, 4.0, NULL), MX_OK);
  mx_posterior_batch(10.0, 0.01, 4.0, x, n, &a, &b2, NULL);
  ASSERT_NEAR(p->a[n], a, 1e-12);
  ASSERT_NEAR(p->b2[n], b2, 1e-12);
  /* A bad prior leaves everything as it was. */
  {
    mx_error err;
    ASSERT_INT_EQ(mx_posterior_set_prior(p, 0.0, -1.0, 1.0, &err), MX_EINVAL);
    ASSERT_STR_CONTAINS(err.msg, "gamma^2");
    ASSERT_NEAR(p->gamma2, 0.01, 0);
    ASSERT_NEAR(p->a[n], a, 1e-12);
  }
  mx_posterior_free(p);
  free(x);
  gsl_rng_free(r);
}

/* log p(x_1..x_n) from the chain rule equals the joint Gaussian density
 * N(x | α1, σ²I + γ²11ᵀ) evaluated through a dense Cholesky factor. */
static void test_marginal_vs_joint(void) {
  const double alpha = 0.3, g2 = 1.7, s2 = 0.45;
  double x[5] = {0.1, -0.4, 1.2, 0.9, 2.0};
  const int n = 5;
  gsl_matrix *S = gsl_matrix_alloc(n, n);
  gsl_vector *d = gsl_vector_alloc(n);
  mx_posterior *p = mx_posterior_alloc(n, alpha, g2, s2, NULL);
  double logdet = 0.0, quad = 0.0, ref;
  int i, j;
  for (i = 0; i < n; i++) {
    for (j = 0; j < n; j++) gsl_matrix_set(S, i, j, g2 + (i == j ? s2 : 0.0));
    gsl_vector_set(d, i, x[i] - alpha);
    mx_posterior_push(p, x[i], NULL);
  }
  gsl_linalg_cholesky_decomp1(S);
  for (i = 0; i < n; i++) logdet += 2.0 * log(gsl_matrix_get(S, i, i));
  gsl_blas_dtrsv(CblasLower, CblasNoTrans, CblasNonUnit, S, d); /* d ← L⁻¹ d */
  for (i = 0; i < n; i++) quad += gsl_vector_get(d, i) * gsl_vector_get(d, i);
  ref = -0.5 * (n * log(2.0 * 3.14159265358979323846) + logdet + quad);
  ASSERT_NEAR(p->log_marginal, ref, 1e-13);
  mx_posterior_free(p);
  gsl_matrix_free(S);
  gsl_vector_free(d);
}

static void test_bad_input(void) {
  mx_error err;
  double a, b2, x[2] = {1.0, NAN};
  mx_posterior *p;
  ASSERT_INT_EQ(mx_posterior_batch(0.0, 0.0, 1.0, x, 1, &a, &b2, &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "prior variance");
  ASSERT_INT_EQ(mx_posterior_batch(0.0, 1.0, -2.0, x, 1, &a, &b2, &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "noise variance");
  ASSERT_INT_EQ(mx_posterior_batch(0.0, 1.0, 1.0, x, 2, &a, &b2, &err), MX_ENONFINITE);
  ASSERT_STR_CONTAINS(err.msg, "data point 2");
  ASSERT_TRUE(mx_posterior_alloc(3, 0.0, 1.0, 0.0, &err) == NULL);
  ASSERT_INT_EQ(err.code, MX_EINVAL);
  ASSERT_TRUE(mx_posterior_alloc(0, 0.0, 1.0, 1.0, &err) == NULL);
  p = mx_posterior_alloc(1, 0.0, 1.0, 1.0, &err);
  ASSERT_TRUE(p != NULL);
  if (!p) return;
  ASSERT_INT_EQ(mx_posterior_push(p, INFINITY, &err), MX_ENONFINITE);
  ASSERT_INT_EQ(p->n, 0);
  ASSERT_INT_EQ(mx_posterior_push(p, 1.0, &err), MX_OK);
  ASSERT_INT_EQ(mx_posterior_push(p, 1.0, &err), MX_ETOOBIG);
  ASSERT_INT_EQ(p->n, 1);
  mx_posterior_free(p);
  mx_posterior_free(NULL);
}

static void test_logpdf(void) {
  /* N(0 | 0, 1) = 1/√(2π): log = −½ log(2π) = −0.91893853320467274178 */
  ASSERT_NEAR(mx_normal_logpdf(0.0, 0.0, 1.0), -0.91893853320467274178, 1e-15);
  /* N(3 | 1, 4): −½(log(8π) + 4/4) */
  ASSERT_NEAR(mx_normal_logpdf(3.0, 1.0, 4.0), -0.5 * (log(8.0 * 3.14159265358979323846) + 1.0),
              1e-15);
}

int main(void) {
  test_hand_two_points();
  test_hand_one_point();
  test_sequential_equals_batch();
  test_marginal_vs_joint();
  test_bad_input();
  test_logpdf();
  TEST_MAIN_END();
}
