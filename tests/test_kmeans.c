/* k-means (core/src/kmeans.c) and the GMM covariance types / parameter
 * counts (core/src/gmm.c): hand-worked cases, and scikit-learn 1.2.1 values
 * written beside each test (empty-cluster relocation, its greedy k-means++,
 * KMeans and GaussianMixture defaults); more comparisons in tests/cli_models.sh. */
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "mixscope/gmm.h"
#include "mixscope/kmeans.h"
#include "mixscope/points.h"
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

/* Empty clusters are relocated as scikit-learn's lloyd does. Expected values
 * from scikit-learn 1.2.1, computed independently:
 *   X = np.array([[0,0],[1,.2],[.1,1.3],[2.2,2],[2.6,2.3],[5,5],[5.5,4.1],
 *                 [6.2,5.3],[4,3.6]])
 *   KMeans(3, init=C, n_init=1, algorithm='lloyd', tol=0, max_iter=M).fit(X)
 * C = [[0,0],[5,5],[100,100]]: cluster 2 empties at once; the point farthest
 * from its centre, (2.6, 2.3) at 12.05, moves there. M = 1: centres
 * [.825, .875], [5.175, 4.5], [2.6, 2.3]. M = 100: [.36666..., .5],
 * [5.175, 4.5], [2.4, 2.15], labels 0 0 0 2 2 1 1 1 1, inertia
 * 6.139166666666667, n_iter_ 3.
 * C = [[3,3],[100,100],[-100,50]]: clusters 1 and 2 empty; the farthest point,
 * (0, 0) at 18, goes to 1, the next, (6.2, 5.3) at 15.53, to 2. M = 1:
 * [2.9142857142857141, 2.642857142857143], [0, 0], [6.2, 5.3]. M = 100:
 * [2.9333..., 2.6333...], [.36666..., .5], [5.5666..., 4.8], labels
 * 1 1 1 0 0 2 2 2 0, inertia 6.326666666666668, n_iter_ 3. */
static void test_empty_relocated(void) {
  const double X[18] = {0, 0, 1, .2, .1, 1.3, 2.2, 2, 2.6, 2.3, 5, 5, 5.5, 4.1, 6.2, 5.3, 4, 3.6};
  const double c0[2][6] = {{0, 0, 5, 5, 100, 100}, {3, 3, 100, 100, -100, 50}};
  const double one[2][6] = {{.825, .875, 5.175, 4.5, 2.6, 2.3},
                            {2.914285714285714, 2.642857142857143, 0, 0, 6.2, 5.3}};
  const double fin[2][6] = {{0.3666666666666667, 0.5, 5.175, 4.5, 2.4, 2.15},
                            {2.9333333333333336, 2.6333333333333333, 0.3666666666666667, 0.5,
                             5.566666666666666, 4.8}};
  const int lab[2][9] = {{0, 0, 0, 2, 2, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 2, 2, 2, 0}};
  const double inertia[2] = {6.139166666666667, 6.326666666666668};
  mx_kmeans *km = mx_kmeans_alloc(3, 2, 9);
  int c, i;
  ASSERT_TRUE(km != NULL);
  if (!km) return;
  for (c = 0; c < 2; c++) {
    mx_kmeans_set_centers(km, c0[c]);
    mx_kmeans_step(km, X, 9);
    ASSERT_INT_EQ(km->relocated, c + 1);
    for (i = 0; i < 6; i++) ASSERT_NEAR(km->centers[i], one[c][i], 1e-12);
    mx_kmeans_set_centers(km, c0[c]);
    ASSERT_INT_EQ(mx_kmeans_run(km, X, 9, 100), MX_OK);
    for (i = 0; i < 6; i++) ASSERT_NEAR(km->centers[i], fin[c][i], 1e-12);
    for (i = 0; i < 9; i++) ASSERT_INT_EQ(km->labels[i], lab[c][i]);
    ASSERT_NEAR(km->inertia, inertia[c], 1e-12);
    ASSERT_INT_EQ(km->iters, 3);
    ASSERT_INT_EQ(km->relocated, 0);
  }
  mx_kmeans_free(km);
}

/* Seeded starts replay. */
static void test_seed(void) {
  const double X[6] = {0, 0, 1, 0, 0, 1};
  mx_kmeans *km = mx_kmeans_alloc(2, 2, 3);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  double a[4];
  mx_error err;
  ASSERT_TRUE(km && r);
  if (!km || !r) return;
  ASSERT_INT_EQ(mx_kmeans_init(km, X, 3, MX_GMM_INIT_KMEANSPP, 5, r, &err), MX_OK);
  memcpy(a, km->centers, sizeof a);
  ASSERT_INT_EQ(mx_kmeans_init(km, X, 3, MX_GMM_INIT_KMEANSPP, 5, r, &err), MX_OK);
  ASSERT_TRUE(memcmp(a, km->centers, sizeof a) == 0);
  ASSERT_TRUE(a[0] != a[2] || a[1] != a[3]); /* two distinct data points */
  gsl_rng_free(r);
  mx_kmeans_free(km);
}

static const char *path_in(const char *rel) {
  static char p[1200];
  snprintf(p, sizeof p, "%s/%s", mx_test_srcdir(), rel);
  return p;
}

/* scikit-learn's greedy k-means++ and KMeans defaults on the 90 points of
 * tests/data/gmm_blobs2d.csv, from scikit-learn 1.2.1 (NumPy RandomState):
 *   kmeans_plusplus(X, 3, random_state=7)[1] -> [47, 26, 43]
 *   kmeans_plusplus(X, 5, random_state=1)[1] -> [37, 89, 19, 34, 73]
 *   kmeans_plusplus(X, 8, random_state=2)[1] -> [40, 43, 26, 47, 52, 57, 12, 23]
 *   KMeans(3, n_init=1, random_state=7).fit(X): n_iter_ 5, inertia_
 *     127.49534902102772, centres below
 *   KMeans(5, n_init=1, random_state=1).fit(X): n_iter_ 6, inertia_ 80.95330952929486 */
static void test_sklearn_start(void) {
  static const int idx3[3] = {47, 26, 43}, idx5[5] = {37, 89, 19, 34, 73};
  static const int idx8[8] = {40, 43, 26, 47, 52, 57, 12, 23};
  static const int *idx[3] = {idx3, idx5, idx8};
  static const int ks[3] = {3, 5, 8};
  static const unsigned long seeds[3] = {7, 1, 2};
  static const double c3[6] = {-2.0878379310344823, 0.046282758620689535, 2.461266666666666,
                               0.22964444444444454, 0.05058823529411765, 2.311417647058824};
  mx_points pts;
  mx_error e;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937), *r2 = gsl_rng_alloc(gsl_rng_ranlxd1);
  int c, k, i;
  ASSERT_INT_EQ(mx_points_read_csv(path_in("tests/data/gmm_blobs2d.csv"), 0, 0, &pts, &e), MX_OK);
  ASSERT_TRUE(r && r2 && pts.n == 90);
  if (!r || !r2 || pts.n != 90) return;
  for (c = 0; c < 3; c++) {
    mx_kmeans *km = mx_kmeans_alloc(ks[c], 2, pts.n);
    ASSERT_INT_EQ(mx_kmeans_init_greedy(km, pts.x, pts.n, seeds[c], r, &e), MX_OK);
    for (k = 0; k < ks[c]; k++)
      for (i = 0; i < 2; i++)
        ASSERT_NEAR(km->centers[2 * k + i], pts.x[2 * (size_t)idx[c][k] + (size_t)i], 0);
    if (c < 2) {
      ASSERT_INT_EQ(mx_kmeans_fit_sklearn(km, pts.x, pts.n, seeds[c], r, &e), MX_OK);
      ASSERT_INT_EQ(km->iters, c == 0 ? 5 : 6);
      ASSERT_NEAR(km->inertia, c == 0 ? 127.49534902102772 : 80.95330952929486, 1e-10);
      if (c == 0)
        for (i = 0; i < 6; i++) ASSERT_NEAR(km->centers[i], c3[i], 1e-12);
    }
    /* another generator is refused: the draws would not be NumPy's */
    ASSERT_INT_EQ(mx_kmeans_init_greedy(km, pts.x, pts.n, 1, r2, &e), MX_EINVAL);
    mx_kmeans_free(km);
  }
  gsl_rng_free(r);
  gsl_rng_free(r2);
  mx_points_free(&pts);
}

/* GaussianMixture(3, covariance_type=T, random_state=7, tol=1e-3,
 * max_iter=100).fit(X) on tests/data/gmm_blobs2d.csv (its default
 * init_params='kmeans'), scikit-learn 1.2.1: n_iter_, lower_bound_ * N and
 * the first mean; ours: mx_gmm_init_kmeans(seed 7) then mx_gmm_run. */
static void test_gmm_kmeans_start(void) {
  static const int iters[4] = {4, 3, 3, 3};
  static const double ll[4] = {-312.24615506012935, -313.52776413579784, -316.1030831175853,
                               -316.8235561589752};
  static const double mu0[4][2] = {{-1.965624024880238, 0.09389283418138061},
                                   {-2.011241502754476, 0.04274960947260967},
                                   {-2.077185060027475, 0.07412898366986788},
                                   {-2.0535547795799216, 0.07367055215350361}};
  mx_points pts;
  mx_error e;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  int t, simd;
  ASSERT_INT_EQ(mx_points_read_csv(path_in("tests/data/gmm_blobs2d.csv"), 0, 0, &pts, &e), MX_OK);
  if (!r || pts.n != 90) return;
  for (simd = 1; simd >= 0; simd--) {
    int prev = mx_gmm_set_simd(simd);
    for (t = 0; t < MX_GMM_NCOV; t++) {
      mx_gmm *g = mx_gmm_alloc(3, 2);
      mx_gmm_work *w = mx_gmm_work_alloc(3, pts.n, 2);
      mx_kmeans *km = mx_kmeans_alloc(3, 2, pts.n);
      int it = 0, conv = 0;
      double l = 0.0;
      ASSERT_TRUE(g && w && km);
      if (!g || !w || !km) return;
      ASSERT_INT_EQ(mx_gmm_set_cov_type(g, t), MX_OK);
      ASSERT_INT_EQ(mx_gmm_init_kmeans(g, w, km, pts.x, pts.n, 7, r, &e), MX_OK);
      ASSERT_INT_EQ(g->init, MX_GMM_INIT_KMEANS);
      mx_gmm_run(g, pts.x, pts.n, NULL, w, 100, 1e-3, &it, &conv, &l);
      ASSERT_INT_EQ(it, iters[t]);
      ASSERT_NEAR(l, ll[t], 1e-8);
      ASSERT_NEAR(g->means[0], mu0[t][0], 1e-8);
      ASSERT_NEAR(g->means[1], mu0[t][1], 1e-8);
      mx_kmeans_free(km);
      mx_gmm_work_free(w);
      mx_gmm_free(g);
    }
    mx_gmm_set_simd(prev);
  }
  gsl_rng_free(r);
  mx_points_free(&pts);
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
  test_empty_relocated();
  test_seed();
  test_sklearn_start();
  test_gmm_kmeans_start();
  test_cov_types();
  TEST_MAIN_END();
}
