/* k-means (core/src/kmeans.c) and the GMM covariance types / parameter
 * counts (core/src/gmm.c), on hand-worked cases; the scikit-learn
 * comparisons are in tests/cli_models.sh. */
#include <gsl/gsl_rng.h>

#include "mixscope/gmm.h"
#include "mixscope/kmeans.h"
#include "test.h"

/* Points 0, 1, 10, 11 on a line from centres 0 and 1 (worked by hand):
 * iter 1 assigns {0} {1, 10, 11} -> centres 0, 22/3; iter 2 assigns
 * {0, 1} {10, 11} -> 0.5, 10.5; iter 3 assigns the same: converged after 3
 * (scikit-learn's n_iter_ = 3), inertia 4 * 0.25 = 1. */
static void test_lloyd_line(void) {
  const double X[4] = {0, 1, 10, 11}, c0[2] = {0, 1};
  mx_kmeans *km = mx_kmeans_alloc(2, 1, 4);
  ASSERT_TRUE(km != NULL);
  if (!km) return;
  ASSERT_INT_EQ(mx_kmeans_set_centers(km, c0), MX_OK);
  ASSERT_INT_EQ(mx_kmeans_step(km, X, 4), 4); /* all labels new */
  ASSERT_NEAR(km->centers[1], 22.0 / 3.0, 1e-15);
  ASSERT_NEAR(km->inertia, 0 + 0 + 81 + 100, 1e-15); /* of the starting centres */
  ASSERT_INT_EQ(mx_kmeans_set_centers(km, c0), MX_OK);
  ASSERT_INT_EQ(mx_kmeans_run(km, X, 4, 100), MX_OK);
  ASSERT_INT_EQ(km->iters, 3);
  ASSERT_INT_EQ(km->converged, 1);
  ASSERT_NEAR(km->centers[0], 0.5, 1e-15);
  ASSERT_NEAR(km->centers[1], 10.5, 1e-15);
  ASSERT_NEAR(km->inertia, 1.0, 1e-15);
  ASSERT_INT_EQ(km->labels[1], 0);
  ASSERT_INT_EQ(km->labels[2], 1);
  /* max_iter 1: stops unconverged, labels of the final centres (0, 22/3) */
  mx_kmeans_set_centers(km, c0);
  mx_kmeans_run(km, X, 4, 1);
  ASSERT_INT_EQ(km->iters, 1);
  ASSERT_INT_EQ(km->converged, 0);
  ASSERT_INT_EQ(km->labels[1], 0); /* |1 - 0| < |1 - 22/3| */
  mx_kmeans_free(km);
}

/* An empty cluster keeps its centre; seeded starts replay. */
static void test_empty_and_seed(void) {
  const double X[6] = {0, 0, 1, 0, 0, 1}, c0[4] = {0.3, 0.3, 50, 50};
  mx_kmeans *km = mx_kmeans_alloc(2, 2, 3);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  double a[4];
  mx_error err;
  ASSERT_TRUE(km && r);
  if (!km || !r) return;
  mx_kmeans_set_centers(km, c0);
  mx_kmeans_run(km, X, 3, 10);
  ASSERT_NEAR(km->centers[0], 1.0 / 3.0, 1e-15);
  ASSERT_NEAR(km->centers[2], 50.0, 0);
  ASSERT_INT_EQ(km->counts[1], 0);
  ASSERT_INT_EQ(mx_kmeans_init(km, X, 3, MX_GMM_INIT_KMEANSPP, 5, r, &err), MX_OK);
  memcpy(a, km->centers, sizeof a);
  ASSERT_INT_EQ(mx_kmeans_init(km, X, 3, MX_GMM_INIT_KMEANSPP, 5, r, &err), MX_OK);
  ASSERT_TRUE(memcmp(a, km->centers, sizeof a) == 0);
  ASSERT_TRUE(a[0] != a[2] || a[1] != a[3]); /* two distinct data points */
  gsl_rng_free(r);
  mx_kmeans_free(km);
}

/* Projections of two covariances, weights 1/4, 3/4, worked by hand:
 * A = [[2,1],[1,3]], B = [[4,0],[0,2]]; diag: [[2,0],[0,3]], B; spherical:
 * 2.5 I, 3 I; tied: A/4 + 3B/4 = [[3.5, 0.25], [0.25, 2.25]]. Parameter counts
 * (K = 2, D = 2): means 4 + weights 1 + covariances 6 / 4 / 2 / 3. */
static void test_cov_types(void) {
  const double w[2] = {0.25, 0.75}, m[4] = {0, 0, 1, 1}, c[8] = {2, 1, 1, 3, 4, 0, 0, 2};
  const double want[4][8] = {{2, 1, 1, 3, 4, 0, 0, 2},
                             {2, 0, 0, 3, 4, 0, 0, 2},
                             {2.5, 0, 0, 2.5, 3, 0, 0, 3},
                             {3.5, 0.25, 0.25, 2.25, 3.5, 0.25, 0.25, 2.25}};
  const long np[4] = {11, 9, 7, 8};
  int t, i;
  for (t = 0; t < MX_GMM_NCOV; t++) {
    mx_gmm *g = mx_gmm_alloc(2, 2);
    mx_error err;
    ASSERT_TRUE(g != NULL);
    if (!g) return;
    ASSERT_INT_EQ(mx_gmm_set_params(g, w, m, c, &err), MX_OK);
    ASSERT_INT_EQ(mx_gmm_set_cov_type(g, t), MX_OK);
    for (i = 0; i < 8; i++) ASSERT_NEAR(g->covs[i], want[t][i], 1e-15);
    /* the factor follows: log|Sigma_0| */
    ASSERT_NEAR(g->logdet[0], log(want[t][0] * want[t][3] - want[t][1] * want[t][2]), 1e-14);
    ASSERT_INT_EQ(mx_gmm_n_params(g), np[t]);
    ASSERT_NEAR(mx_gmm_bic(g, -100.0, 50), 200.0 + (double)np[t] * log(50.0), 1e-13);
    ASSERT_NEAR(mx_gmm_aic(g, -100.0), 200.0 + 2.0 * (double)np[t], 1e-13);
    ASSERT_INT_EQ(mx_gmm_cov_find(mx_gmm_cov_name(t)), t);
    mx_gmm_free(g);
  }
  ASSERT_INT_EQ(mx_gmm_cov_find("round"), -1);
}

int main(void) {
  test_lloyd_line();
  test_empty_and_seed();
  test_cov_types();
  TEST_MAIN_END();
}
