/* Tests of core/src/gmm_grid.c: the density grid and decision margins of a
 * 2-D mixture, on the vectorized E-step path and on the scalar path
 * (mx_gmm_set_simd(0), as MX_NO_SIMD=1 does; and without a workspace).
 *
 * Expected values: an independent pure-Python computation (no NumPy here),
 * the 2x2 Gaussian log-pdf written out by hand:
 *   lpdf = -log(2 pi) - log(det S)/2 - (c dx^2 - 2 b dx dy + a dy^2)/(2 det S)
 *   for S = (a, b; b, c); lj_k = log w_k + lpdf_k; log p = logsumexp(lj);
 *   margin_k = lj_k - max_{o != k} lj_o
 * with w = (0.5, 0.3, 0.2), mu = (0,0), (2,1), (-1,2),
 * S = (1, .3; .3, .5), (.8, -.2; -.2, 1.2), (2, 0; 0, .3), on the grid
 * x_i = -1 + (i + 0.5) 1, y_j = 3 + (j + 0.5)(-1), rows j = 1, 2, i = 0..2. */
#include <math.h>
#include <stdio.h>

#include "mixscope/gmm.h"
#include "mixscope/gmm_grid.h"
#include "test.h"

/* per cell (row-major, rows j = 1, 2): log p, margin 0, 1, 2 */
static const double want[6][4] = {
  {-3.4930352580594439, -1.859278304919795, -3.242133710899509, 1.859278304919795}, /* (-0.5, 1.5) */
  {-3.2331419459402744, -0.26171732931003877, -0.24213371089950808, 0.24213371089950808}, /* (0.5, 1.5) */
  {-2.877970368501094, -1.3371870118357689, 1.3371870118357689, -1.9535184630135358}, /* (1.5, 1.5) */
  {-2.7030490855330234, 4.2789330771940275, -4.7312117156297671, -4.2789330771940275}, /* (-0.5, 0.5) */
  {-2.2657513283499076, 2.379674069818527, -2.379674069818527, -5.1447867357306123}, /* (0.5, 0.5) */
  {-2.5723617380503705, 0.11297205497229079, -0.11297205497229079, -5.2911281991452457}, /* (1.5, 0.5) */
};

static void check_grid(const mx_gmm *g, mx_gmm_grid_work *w, const char *what) {
  double logp[6], margin[18], m2[18];
  int c, k;
  fprintf(stderr, "grid: %s\n", what);
  ASSERT_INT_EQ(mx_gmm_grid_rows(g, -1.0, 1.0, 3, 3.0, -1.0, 1, 3, logp, margin, w), MX_OK);
  for (c = 0; c < 6; c++) {
    ASSERT_NEAR(logp[c], want[c][0], 1e-12);
    for (k = 0; k < 3; k++) ASSERT_NEAR(margin[3 * c + k], want[c][1 + k], 1e-12);
  }
  /* margins alone (no log p asked for): the same numbers */
  ASSERT_INT_EQ(mx_gmm_grid_rows(g, -1.0, 1.0, 3, 3.0, -1.0, 1, 3, NULL, m2, w), MX_OK);
  for (c = 0; c < 18; c++) ASSERT_NEAR(m2[c], margin[c], 1e-15);
  /* one row: row j = 2 alone is the second row of the band */
  ASSERT_INT_EQ(mx_gmm_grid_rows(g, -1.0, 1.0, 3, 3.0, -1.0, 2, 3, logp, NULL, w), MX_OK);
  for (c = 0; c < 3; c++) ASSERT_NEAR(logp[c], want[3 + c][0], 1e-12);
}

int main(void) {
  static const double wts[3] = {0.5, 0.3, 0.2}, means[6] = {0, 0, 2, 1, -1, 2};
  static const double covs[12] = {1, 0.3, 0.3, 0.5, 0.8, -0.2, -0.2, 1.2, 2, 0, 0, 0.3};
  mx_gmm *g = mx_gmm_alloc(3, 2), *g3 = mx_gmm_alloc(3, 3);
  mx_gmm_grid_work *w = mx_gmm_grid_work_alloc(3, 6), *w4 = mx_gmm_grid_work_alloc(4, 6);
  mx_error err;
  double lp[6];
  int prev, simd;
  ASSERT_TRUE(g && g3 && w && w4);
  if (!g || !g3 || !w || !w4) return 1;
  ASSERT_INT_EQ(mx_gmm_set_params(g, wts, means, covs, &err), MX_OK);
  prev = mx_gmm_set_simd(1);
  simd = mx_gmm_simd_active();
  fprintf(stderr, "vectorized kernels %s\n", simd ? "active" : "absent on this CPU");
  check_grid(g, w, simd ? "E-step path" : "scalar (no kernels)");
  check_grid(g, NULL, "no workspace: mx_gmm_grid2d");
  check_grid(g, w4, "workspace of another K: mx_gmm_grid2d");
  mx_gmm_set_simd(0);
  check_grid(g, w, "scalar path (as MX_NO_SIMD=1)");
  mx_gmm_set_simd(prev);
  /* bad input */
  ASSERT_INT_EQ(mx_gmm_grid_rows(g3, 0, 1, 3, 0, 1, 0, 1, lp, NULL, NULL), MX_EDIMS);
  ASSERT_INT_EQ(mx_gmm_grid_rows(g, 0, 1, 3, 0, 1, 2, 2, lp, NULL, w), MX_EINVAL);
  ASSERT_INT_EQ(mx_gmm_grid_rows(g, 0, 1, 0, 0, 1, 0, 1, lp, NULL, w), MX_EINVAL);
  ASSERT_TRUE(mx_gmm_grid_work_alloc(0, 6) == NULL);
  ASSERT_TRUE(mx_gmm_grid_work_alloc(3, 0) == NULL);
  mx_gmm_grid_work_free(NULL);
  mx_gmm_grid_work_free(w);
  mx_gmm_grid_work_free(w4);
  mx_gmm_free(g);
  mx_gmm_free(g3);
  TEST_MAIN_END();
}
