/* Tests of core/src/pca.c against numpy's eigendecomposition.
 *
 * Expected values: tests/ref/pca_*.json written by tests/ref/pca_ref.py
 * (numpy.linalg.eigh of the centred covariance with divisor N-1, sign fixed
 * so that each component's largest-magnitude entry is positive). Both
 * solvers (dense covariance + GSL eigensolver, matrix-free Lanczos) must
 * match to 1e-9; plus a 2-D case by hand. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mixscope/dataset.h"
#include "mixscope/fileio.h"
#include "mixscope/pca.h"
#include "mixscope/points.h"
#include "test.h"

static cJSON *load_ref(const char *name) {
  char path[1200], *data;
  size_t len;
  cJSON *j;
  snprintf(path, sizeof path, "%s/tests/ref/%s", mx_test_srcdir(), name);
  if (mx_file_read_all(path, &data, &len, NULL) != MX_OK) {
    fprintf(stderr, "missing %s\n", path);
    return NULL;
  }
  j = cJSON_Parse(data);
  free(data);
  return j;
}

static double jnum(const cJSON *a, int i) { return cJSON_GetArrayItem(a, i)->valuedouble; }

/* Compare a fitted model (and the projection of the first 10 rows) with a reference. */
static void check_fit(const mx_pca *p, const cJSON *ref, const double *Y10, const char *what) {
  const cJSON *comps = cJSON_GetObjectItem(ref, "components"),
              *var = cJSON_GetObjectItem(ref, "variance"), *mean = cJSON_GetObjectItem(ref, "mean"),
              *proj = cJSON_GetObjectItem(ref, "first_rows_projected");
  int k, i, f0 = mx_test_failures;
  ASSERT_INT_EQ(p->k, cJSON_GetArraySize(var));
  ASSERT_INT_EQ(p->D, cJSON_GetArraySize(mean));
  for (i = 0; i < p->D; i++) ASSERT_NEAR(p->mean[i], jnum(mean, i), 1e-12);
  for (k = 0; k < p->k; k++) {
    const cJSON *row = cJSON_GetArrayItem(comps, k);
    ASSERT_NEAR(p->variance[k], jnum(var, k), 1e-9);
    for (i = 0; i < p->D; i++) ASSERT_NEAR(p->components[k * p->D + i], jnum(row, i), 1e-9);
  }
  ASSERT_NEAR(p->total_variance, cJSON_GetObjectItem(ref, "total_variance")->valuedouble, 1e-11);
  if (Y10)
    for (i = 0; i < 10; i++)
      for (k = 0; k < p->k; k++)
        ASSERT_NEAR(Y10[i * p->k + k], jnum(cJSON_GetArrayItem(proj, i), k), 1e-9);
  if (mx_test_failures != f0) fprintf(stderr, "  (in %s)\n", what);
}

static void test_small_doubles(void) {
  cJSON *ref = load_ref("pca_small.json");
  mx_points pts;
  mx_error e;
  char path[1200];
  int m;
  snprintf(path, sizeof path, "%s/tests/data/pca_small.csv", mx_test_srcdir());
  ASSERT_INT_EQ(mx_points_read_csv(path, 0, 0, &pts, &e), MX_OK);
  ASSERT_INT_EQ(pts.d, 12);
  if (!ref || pts.d != 12) return;
  for (m = MX_PCA_DENSE; m <= MX_PCA_LANCZOS; m++) {
    mx_pca *p = mx_pca_alloc(12, 3);
    double Y[30];
    p->method = m;
    ASSERT_INT_EQ(mx_pca_fit(p, pts.x, pts.n, &e), MX_OK);
    ASSERT_INT_EQ(p->used, m);
    ASSERT_TRUE(m == MX_PCA_DENSE ? p->steps == 0 : p->steps > 0);
    mx_pca_transform(p, pts.x, 10, Y);
    check_fit(p, ref, Y, m == MX_PCA_DENSE ? "small, dense" : "small, Lanczos");
    mx_pca_free(p);
  }
  mx_points_free(&pts);
  cJSON_Delete(ref);
}

static void test_mnist(const char *refname, const char *dir, size_t expect_n) {
  cJSON *ref = load_ref(refname);
  mx_images im;
  mx_error e;
  char ip[1200], lp[1200];
  int m;
  snprintf(ip, sizeof ip, "%s/train-images-idx3-ubyte%s", dir,
           expect_n == 5000 ? ".gz" : "");
  snprintf(lp, sizeof lp, "%s/train-labels-idx1-ubyte%s", dir, expect_n == 5000 ? ".gz" : "");
  if (mx_images_load(&im, ip, lp, &e) != MX_OK) {
    fprintf(stderr, "skipping %s: %s\n", refname, e.msg);
    cJSON_Delete(ref);
    return;
  }
  ASSERT_INT_EQ(im.n, expect_n);
  /* The dense solver on all 60,000 images is slow with a reference BLAS;
   * it is checked on the 5,000-image sample. */
  for (m = expect_n > 5000 ? MX_PCA_LANCZOS : MX_PCA_DENSE; m <= MX_PCA_LANCZOS && ref; m++) {
    mx_pca *p = mx_pca_alloc((int)im.d, 2);
    double Y[20];
    p->method = m;
    ASSERT_INT_EQ(mx_pca_fit_u8(p, im.pix, im.n, 1.0 / 255.0, &e), MX_OK);
    ASSERT_INT_EQ(p->used, m);
    mx_pca_transform_u8(p, im.pix, 10, 1.0 / 255.0, Y);
    check_fit(p, ref, Y, refname);
    if (m == MX_PCA_LANCZOS) {
      /* Thread count changes only the summation order (~1e-16). */
      mx_pca *q = mx_pca_alloc((int)im.d, 2);
      int i;
      q->method = MX_PCA_LANCZOS;
      q->threads = 1;
      ASSERT_INT_EQ(mx_pca_fit_u8(q, im.pix, im.n, 1.0 / 255.0, &e), MX_OK);
      for (i = 0; i < 2 * (int)im.d; i++) ASSERT_NEAR(q->components[i], p->components[i], 1e-11);
      mx_pca_free(q);
    }
    mx_pca_free(p);
  }
  mx_images_free(&im);
  cJSON_Delete(ref);
}

static void test_hand(void) {
  /* Points (-1,-1), (1,1), (-1,1), (1,-1) stretched: x = (a, a) * 2 + (b, -b).
   * Take (2,2), (-2,-2), (1,-1), (-1,1): mean 0, covariance (divisor 3) =
   * [[10, 6],[6, 10]] / 3 -> eigenvalues 16/3 (along (1,1)/sqrt2) and 4/3
   * (along (1,-1)/sqrt2, sign: first largest |.| entry positive). */
  double X[8] = {2, 2, -2, -2, 1, -1, -1, 1}, Y[8];
  mx_pca *p = mx_pca_alloc(2, 2);
  mx_error e;
  const double r = sqrt(0.5);
  ASSERT_INT_EQ(mx_pca_fit(p, X, 4, &e), MX_OK);
  ASSERT_INT_EQ(p->used, MX_PCA_DENSE);
  ASSERT_NEAR(p->variance[0], 16.0 / 3.0, 1e-14);
  ASSERT_NEAR(p->variance[1], 4.0 / 3.0, 1e-14);
  ASSERT_NEAR(p->total_variance, 20.0 / 3.0, 1e-14);
  ASSERT_NEAR(p->components[0], r, 1e-14);
  ASSERT_NEAR(p->components[1], r, 1e-14);
  ASSERT_NEAR(p->components[2], r, 1e-14);
  ASSERT_NEAR(p->components[3], -r, 1e-14);
  mx_pca_transform(p, X, 4, Y);
  ASSERT_NEAR(Y[0], 4.0 * r, 1e-14); /* (2,2).(r,r) */
  ASSERT_NEAR(Y[5], 2.0 * r, 1e-14); /* (1,-1).(r,-r) */
  mx_pca_free(p);
}

static void test_errors(void) {
  mx_pca *p = mx_pca_alloc(3, 1);
  double X[6] = {1, 2, 3, 4, NAN, 6};
  uint8_t b[6] = {1, 2, 3, 4, 5, 6};
  mx_error e;
  ASSERT_TRUE(mx_pca_alloc(3, 4) == NULL);
  ASSERT_TRUE(mx_pca_alloc(0, 1) == NULL);
  ASSERT_TRUE(mx_pca_alloc(3, 0) == NULL);
  mx_pca_free(NULL);
  ASSERT_INT_EQ(mx_pca_fit(p, X, 1, &e), MX_EEMPTY);
  ASSERT_STR_EQ(e.msg, "PCA needs at least 2 points, got 1");
  ASSERT_INT_EQ(mx_pca_fit(p, X, 2, &e), MX_ENONFINITE);
  ASSERT_STR_EQ(e.msg, "PCA: row 1, column 1 is not finite");
  ASSERT_INT_EQ(mx_pca_fit_u8(p, b, 2, 0.0, &e), MX_ERANGE);
  ASSERT_STR_EQ(e.msg, "PCA: scale 0 must be positive and finite");
  /* Constant data: zero variance, finite components. */
  {
    uint8_t c[12] = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
    ASSERT_INT_EQ(mx_pca_fit_u8(p, c, 4, 1.0, &e), MX_OK);
    ASSERT_NEAR(p->variance[0], 0.0, 1e-15);
    ASSERT_TRUE(isfinite(p->components[0]) && isfinite(p->components[2]));
  }
  mx_pca_free(p);
  /* 1x1 "images" cannot give two components: say so, not "out of memory". */
  {
    uint8_t pix[3] = {0, 128, 255}, lab[3] = {0, 1, 0};
    mx_images im = {3, 1, 1, 1, pix, lab};
    mx_points pts;
    int dg[2] = {0, 1};
    memset(&pts, 0, sizeof pts);
    ASSERT_INT_EQ(mx_pca_digits(&im, dg, 2, 0, &pts, NULL, &e), MX_EINVAL);
    ASSERT_STR_EQ(e.msg, "a 2-D projection needs images of 2 to 4096 pixels; these have 1");
    mx_points_free(&pts);
  }
}

static void test_rank_deficient_lanczos(void) {
  /* 100-D byte data of rank 1 (every row a multiple of one pattern): Lanczos
   * finds the invariant subspace after one step; asking for k = 2 falls
   * back to the dense solver, whose second eigenvalue is 0. */
  enum { N = 50, D = 100 };
  static uint8_t X[N * D];
  int n, i;
  mx_pca *p = mx_pca_alloc(D, 2);
  mx_error e;
  for (n = 0; n < N; n++)
    for (i = 0; i < D; i++) X[n * D + i] = (uint8_t)((n % 5) * (i % 7));
  p->method = MX_PCA_LANCZOS;
  ASSERT_INT_EQ(mx_pca_fit_u8(p, X, N, 1.0, &e), MX_OK);
  ASSERT_NEAR(p->variance[1], 0.0, 1e-9);
  ASSERT_TRUE(p->variance[0] > 1.0);
  mx_pca_free(p);
}

int main(void) {
  char dir[1200];
  test_hand();
  test_errors();
  test_small_doubles();
  snprintf(dir, sizeof dir, "%s/assets/mnist-sample", mx_test_srcdir());
  test_mnist("pca_sample.json", dir, 5000);
  snprintf(dir, sizeof dir, "%s/data/mnist", mx_test_srcdir());
  test_mnist("pca_mnist60k.json", dir, 60000);
  test_rank_deficient_lanczos();
  TEST_MAIN_END();
}
