/* Headless tests of the GMM view's covariance selector and its "hard vs
 * soft" mode (issue 16). Expected values come from core code run by hand on
 * the same preset, seed and start: EM with the covariance type (mx_gmm_*),
 * and Lloyd's k-means (mx_kmeans_*, a separate implementation of the
 * assignment and update) from the same k-means++ means. */
#include <gsl/gsl_rng.h>

#include "app_test.h"
#include "mixscope/gmm.h"
#include "mixscope/kmeans.h"
#include "mixscope/points.h"

/* The view's default data: overlap preset, 600 points, data seed 7, K = 3,
 * k-means++ seed 1, reg 1e-6. */
static void preset(mx_points *p, gsl_rng *r) { mx_points_preset(p, MX_PRESET_OVERLAP, 600, 7, r); }

/* params.means / covariances [k][i][j] of the view's saved state, field f. */
static double saved_at(mx_app *app, const char *f, const char *arr, int k, int i, int j) {
  cJSON *o = mx_test_view_json(app, "gmm", MX_TEST_REPRINTED), *a;
  double v = NAN;
  a = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(o, f), arr), k);
  a = cJSON_GetArrayItem(a, i);
  if (j >= 0) a = cJSON_GetArrayItem(a, j);
  if (a) v = a->valuedouble;
  cJSON_Delete(o);
  return v;
}

static void test_covariance(mx_app *app, int type, int steps) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  mx_points p = {0};
  mx_gmm *g = mx_gmm_alloc(3, 2);
  mx_gmm_work *w;
  mx_error e;
  const char *names[4] = {"full", "diag", "spherical", "tied"};
  double ll;
  int t, k, i, j;
  preset(&p, r);
  w = mx_gmm_work_alloc(3, p.n, 2);
  g->cov_type = type;
  mx_gmm_init_data(g, w, p.x, p.n, MX_GMM_INIT_KMEANSPP, 1, r, &e);
  for (t = 0; t < steps; t++) mx_gmm_iterate(g, p.x, p.n, NULL, w, &ll);
  ASSERT_INT_EQ(mx_app_view_set(app, "covariance", names[type], &e), MX_OK);
  for (t = 0; t < steps; t++) mx_test_key(app, SDLK_SPACE, KMOD_NONE);
  mx_app_frame(app, 1.0 / 60.0);
  for (k = 0; k < 3; k++)
    for (i = 0; i < 2; i++) {
      ASSERT_NEAR(saved_at(app, "params", "means", k, i, -1), g->means[2 * k + i], 1e-12);
      for (j = 0; j < 2; j++)
        ASSERT_NEAR(saved_at(app, "params", "covariances", k, i, j), g->covs[4 * k + 2 * i + j],
                    1e-12);
    }
  /* the shape itself: diag and spherical have no covariance, spherical equal variances */
  if (type == MX_GMM_COV_DIAG || type == MX_GMM_COV_SPHERICAL)
    ASSERT_TRUE(saved_at(app, "params", "covariances", 0, 0, 1) == 0.0);
  if (type == MX_GMM_COV_SPHERICAL || type == MX_GMM_COV_TIED)
    ASSERT_TRUE(saved_at(app, "params", "covariances", 0, 1, 1) ==
                saved_at(app, "params", "covariances", type == MX_GMM_COV_TIED ? 2 : 0,
                         1, 1));
  mx_gmm_work_free(w);
  mx_gmm_free(g);
  mx_points_free(&p);
  gsl_rng_free(r);
}

static void test_hard(mx_app *app, int steps) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  mx_points p = {0};
  mx_kmeans *km;
  mx_error e;
  int t, k, i;
  preset(&p, r);
  km = mx_kmeans_alloc(3, 2, p.n);
  ASSERT_INT_EQ(mx_kmeans_init(km, p.x, p.n, MX_GMM_INIT_KMEANSPP, 1, r, &e), MX_OK);
  for (t = 0; t < steps; t++) mx_kmeans_step(km, p.x, p.n);
  mx_kmeans_assign(km, p.x, p.n);
  ASSERT_INT_EQ(mx_app_view_set(app, "covariance", "full", &e), MX_OK);
  ASSERT_INT_EQ(mx_app_view_set(app, "hard", "1", &e), MX_OK);
  for (t = 0; t < steps; t++) mx_test_key(app, SDLK_SPACE, KMOD_NONE);
  mx_app_frame(app, 1.0 / 60.0);
  for (k = 0; k < 3; k++)
    for (i = 0; i < 2; i++)
      ASSERT_NEAR(saved_at(app, "params_kmeans", "means", k, i, -1), km->centers[2 * k + i],
                  1e-12);
  /* the EM side is still EM from the same start (its means differ from k-means') */
  ASSERT_TRUE(fabs(saved_at(app, "params", "means", 0, 0, -1) - km->centers[0]) > 1e-6 ||
              fabs(saved_at(app, "params", "means", 1, 0, -1) - km->centers[2]) > 1e-6);
  /* A toggles back; semi-supervised and hard exclude each other */
  mx_test_key(app, SDLK_a, KMOD_NONE);
  ASSERT_TRUE(!mx_test_view_true(app, "gmm", MX_TEST_REPRINTED, "hard"));
  ASSERT_INT_EQ(mx_app_view_set(app, "hard", "2", &e), MX_EINVAL);
  ASSERT_STR_CONTAINS(e.msg, "hard=2");
  ASSERT_INT_EQ(mx_app_view_set(app, "covariance", "round", &e), MX_EINVAL);
  ASSERT_STR_CONTAINS(e.msg, "covariance=round");
  mx_kmeans_free(km);
  mx_points_free(&p);
  gsl_rng_free(r);
}

int main(void) {
  mx_error err;
  mx_app *app = mx_test_app("gmm", NULL, 1280, 800, &err);
  int t;
  ASSERT_TRUE(app != NULL);
  if (!app) TEST_MAIN_END();
  for (t = 0; t < MX_GMM_NCOV; t++) test_covariance(app, t, 6);
  test_hard(app, 7);
  mx_app_destroy(app);
  TEST_MAIN_END();
}
