/* Tests of core/src/gmm.c and gmm_json.c.
 *
 * Expected values: the EM trajectories in tests/ref/gmm_*.json come from the
 * independent NumPy/SciPy script tests/ref/gmm_ref.py (scipy multivariate
 * normal log-pdf + logsumexp; cross-checked there against scikit-learn's
 * GaussianMixture to 1e-15). Small cases are computed by hand in comments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_rng.h>

#include "mixscope/fileio.h"
#include "mixscope/gmm.h"
#include "mixscope/points.h"
#include "test.h"

#define LOG2PI 1.8378770664093454835606594728112

static char *path_in(const char *rel) {
  static char buf[8][1200];
  static int slot = 0;
  char *p = buf[slot++ & 7];
  snprintf(p, 1200, "%s/%s", mx_test_srcdir(), rel);
  return p;
}

static cJSON *load_json(const char *rel) {
  char *data;
  size_t len;
  cJSON *j;
  mx_error e;
  if (mx_file_read_all(path_in(rel), &data, &len, &e) != MX_OK) {
    fprintf(stderr, "cannot read %s: %s\n", rel, e.msg);
    return NULL;
  }
  j = cJSON_Parse(data);
  free(data);
  return j;
}

/* Compare the model's parameters with a {"weights","means","covariances"} object. */
static void check_params(const mx_gmm *g, const cJSON *p, double tol, const char *what) {
  int k, i, j, D = g->D;
  const cJSON *w = cJSON_GetObjectItem(p, "weights"), *m = cJSON_GetObjectItem(p, "means"),
              *c = cJSON_GetObjectItem(p, "covariances");
  ASSERT_INT_EQ(cJSON_GetArraySize(w), g->K);
  for (k = 0; k < g->K; k++) {
    const cJSON *mk = cJSON_GetArrayItem(m, k), *ck = cJSON_GetArrayItem(c, k);
    ASSERT_NEAR(g->weights[k], cJSON_GetArrayItem(w, k)->valuedouble, tol);
    for (i = 0; i < D; i++) {
      ASSERT_NEAR(g->means[k * D + i], cJSON_GetArrayItem(mk, i)->valuedouble, tol);
      for (j = 0; j < D; j++)
        ASSERT_NEAR(g->covs[(k * D + i) * D + j],
                    cJSON_GetArrayItem(cJSON_GetArrayItem(ck, i), j)->valuedouble, tol);
    }
  }
  if (mx_test_failures) fprintf(stderr, "  (while checking %s)\n", what);
}

/* EM from the committed init on a CSV, compared with a reference trajectory. */
static void check_trajectory(const char *csv, const char *init, const char *ref_rel, int semi) {
  mx_points pts;
  mx_error e;
  mx_gmm *g = NULL;
  mx_gmm_work *w;
  cJSON *ref = load_json(ref_rel), *its, *it;
  int t = 0, fails0 = mx_test_failures;
  size_t n;
  ASSERT_TRUE(ref != NULL);
  ASSERT_INT_EQ(mx_points_read_csv(path_in(csv), 0, 0, &pts, &e), MX_OK);
  ASSERT_INT_EQ(mx_gmm_json_read(path_in(init), &g, &e), MX_OK);
  if (!ref || !g || !pts.n) return;
  ASSERT_INT_EQ(g->D, pts.d);
  ASSERT_INT_EQ(pts.nlabelled > 0, semi);
  w = mx_gmm_work_alloc(g->K, pts.n, g->D);
  its = cJSON_GetObjectItem(ref, "iterations");
  cJSON_ArrayForEach(it, its) {
    double ll;
    const int *lab = semi ? pts.label : NULL;
    ASSERT_INT_EQ(mx_gmm_e_step(g, pts.x, pts.n, lab, w, &ll), MX_OK);
    t++;
    ASSERT_NEAR(ll, cJSON_GetObjectItem(it, "loglik")->valuedouble, 1e-9);
    if (semi) {
      /* Labelled responsibilities are exactly one-hot (not merely close). */
      for (n = 0; n < pts.n; n++)
        if (pts.label[n] >= 0) {
          int k;
          for (k = 0; k < g->K; k++)
            ASSERT_TRUE(w->resp[n * (size_t)g->K + (size_t)k] == (k == pts.label[n] ? 1.0 : 0.0));
        }
    }
    ASSERT_INT_EQ(mx_gmm_m_step(g, pts.x, pts.n, w), MX_OK);
    check_params(g, cJSON_GetObjectItem(it, "params"), 1e-9, ref_rel);
  }
  ASSERT_INT_EQ(t, cJSON_GetObjectItem(ref, "n_iter")->valueint);
  check_params(g, cJSON_GetObjectItem(ref, "final"), 1e-9, ref_rel);
  {
    double ll;
    mx_gmm_e_step(g, pts.x, pts.n, semi ? pts.label : NULL, w, &ll);
    ASSERT_NEAR(ll, cJSON_GetObjectItem(ref, "final_loglik")->valuedouble, 1e-9);
  }
  if (mx_test_failures != fails0) fprintf(stderr, "  trajectory %s failed\n", ref_rel);
  mx_gmm_work_free(w);
  mx_gmm_free(g);
  mx_points_free(&pts);
  cJSON_Delete(ref);
}

static void test_reference_trajectories(void) {
  check_trajectory("tests/data/gmm_blobs2d.csv", "tests/data/gmm_init3.json",
                   "tests/ref/gmm_blobs2d.json", 0);
  check_trajectory("tests/data/gmm_semi2d.csv", "tests/data/gmm_init3.json",
                   "tests/ref/gmm_semi2d.json", 1);
  check_trajectory("tests/data/gmm_3d.csv", "tests/data/gmm_init3d.json", "tests/ref/gmm_3d.json",
                   0);
}

static void test_supervised(void) {
  mx_points pts, truth;
  mx_error e;
  mx_gmm *g = mx_gmm_alloc(3, 2);
  mx_gmm_work *w;
  cJSON *ref = load_json("tests/ref/gmm_supervised2d.json");
  int *pred;
  double acc, acc_m;
  int perm[3];
  ASSERT_INT_EQ(mx_points_read_csv(path_in("tests/data/gmm_semi2d.csv"), 2, 3, &pts, &e), MX_OK);
  ASSERT_INT_EQ(mx_points_read_csv(path_in("tests/data/gmm_truth2d.csv"), 2, 3, &truth, &e), MX_OK);
  ASSERT_INT_EQ(pts.nlabelled, 15);
  w = mx_gmm_work_alloc(3, pts.n, 2);
  ASSERT_INT_EQ(mx_gmm_fit_supervised(g, pts.x, pts.n, pts.label, w), MX_OK);
  if (ref) check_params(g, ref, 1e-9, "gmm_supervised2d.json");
  /* 15 labelled points, 5 per class -> N_k = 5 each (hand count). */
  ASSERT_NEAR(g->nk[0], 5.0, 0);
  ASSERT_NEAR(g->nk[2], 5.0, 0);
  pred = malloc(pts.n * sizeof *pred);
  ASSERT_INT_EQ(mx_gmm_predict(g, pts.x, pts.n, w, pred), MX_OK);
  acc = mx_gmm_accuracy(pred, truth.label, truth.n);
  ASSERT_INT_EQ(mx_gmm_accuracy_matched(pred, truth.label, truth.n, 3, &acc_m, perm), MX_OK);
  ASSERT_TRUE(acc > 0.7 && acc <= 1.0);
  ASSERT_TRUE(acc_m >= acc);
  /* No labelled point at all: a clear error. */
  {
    int *none = malloc(pts.n * sizeof *none);
    size_t n;
    for (n = 0; n < pts.n; n++) none[n] = -1;
    ASSERT_INT_EQ(mx_gmm_fit_supervised(g, pts.x, pts.n, none, w), MX_EEMPTY);
    /* Only class 0 labelled: classes 1, 2 flagged, weight 0, params finite. */
    none[0] = 0;
    none[1] = 0;
    none[2] = 0;
    ASSERT_INT_EQ(mx_gmm_fit_supervised(g, pts.x, pts.n, none, w), MX_ECOLLAPSE);
    ASSERT_INT_EQ(g->collapsed[1], MX_GMM_COLLAPSE_NK);
    ASSERT_INT_EQ(g->collapsed[0], MX_GMM_OK);
    ASSERT_NEAR(g->weights[0], 1.0, 0);
    ASSERT_NEAR(g->weights[1], 0.0, 0);
    ASSERT_TRUE(isfinite(g->means[2]) && isfinite(g->covs[4 * 2]));
    free(none);
  }
  free(pred);
  mx_gmm_work_free(w);
  mx_gmm_free(g);
  mx_points_free(&pts);
  mx_points_free(&truth);
  cJSON_Delete(ref);
}

static void test_accuracy_hand(void) {
  /* pred [1,1,0,0,2,2], truth [0,0,1,1,2,-1]: direct 1/5; relabelling
   * 0->1, 1->0, 2->2 gives 5/5. */
  int pred[6] = {1, 1, 0, 0, 2, 2}, truth[6] = {0, 0, 1, 1, 2, -1}, perm[3];
  double acc;
  ASSERT_NEAR(mx_gmm_accuracy(pred, truth, 6), 0.2, 1e-15);
  ASSERT_INT_EQ(mx_gmm_accuracy_matched(pred, truth, 6, 3, &acc, perm), MX_OK);
  ASSERT_NEAR(acc, 1.0, 0);
  ASSERT_INT_EQ(perm[0], 1);
  ASSERT_INT_EQ(perm[1], 0);
  ASSERT_INT_EQ(perm[2], 2);
  /* K = 4 > 3 classes: purity. pred [0,0,1,1,2,3,3], truth [0,0,1,2,2,2,-1]:
   * component 0 -> class 0 (2), 1 -> 1 or 2 (1), 2 -> 2 (1), 3 -> 2 (1): 5/6. */
  {
    int p2[7] = {0, 0, 1, 1, 2, 3, 3}, t2[7] = {0, 0, 1, 2, 2, 2, -1}, perm4[4];
    ASSERT_INT_EQ(mx_gmm_accuracy_matched(p2, t2, 7, 4, &acc, perm4), MX_OK);
    ASSERT_NEAR(acc, 5.0 / 6.0, 1e-15);
    ASSERT_INT_EQ(perm4[0], 0);
    ASSERT_INT_EQ(perm4[3], 2);
  }
  {
    int t11[1] = {10}, p11[1] = {0};
    ASSERT_INT_EQ(mx_gmm_accuracy_matched(p11, t11, 1, 3, &acc, perm), MX_ETOOBIG);
  }
}

static void test_hand_density(void) {
  mx_gmm *g = mx_gmm_alloc(2, 2);
  double w[2] = {0.25, 0.75}, m[4] = {0, 0, 1, 1}, c[8] = {4, 0, 0, 1, 2, 1, 1, 2};
  double x[2] = {2, 1}, lp, out;
  mx_error e;
  ASSERT_INT_EQ(mx_gmm_set_params(g, w, m, c, &e), MX_OK);
  /* N((2,1) | 0, diag(4,1)): -log 2pi - 1/2 log 4 - 1/2 (4/4 + 1/1). */
  lp = mx_gmm_log_gauss(g, 0, x);
  ASSERT_NEAR(lp, -LOG2PI - 0.5 * log(4.0) - 1.0, 1e-14);
  /* N((2,1) | (1,1), [[2,1],[1,2]]): det 3, inverse [[2,-1],[-1,2]]/3,
   * d = (1,0): d' S^-1 d = 2/3. */
  ASSERT_NEAR(mx_gmm_log_gauss(g, 1, x), -LOG2PI - 0.5 * log(3.0) - 1.0 / 3.0, 1e-14);
  ASSERT_NEAR(g->logdet[1], log(3.0), 1e-14);
  ASSERT_NEAR(mx_gmm_mahalanobis2(g, 1, x), 2.0 / 3.0, 1e-15);
  ASSERT_NEAR(mx_gmm_mahalanobis2(g, 0, x), 2.0, 1e-15); /* 4/4 + 1/1 */
  {
    /* Overflow: x - mu = inf in both coordinates makes the forward
     * substitution compute inf - inf; the distance is +inf and the log
     * density -inf, never NaN (found by tests/fuzz/fuzz_gmm_json.c). */
    double far[2] = {1.5e308, 1.5e308}, means2[4] = {-1.5e308, -1.5e308, 1, 1}, lpf;
    mx_gmm *h = mx_gmm_alloc(2, 2);
    ASSERT_INT_EQ(mx_gmm_set_params(h, w, means2, c, &e), MX_OK);
    ASSERT_TRUE(isinf(mx_gmm_mahalanobis2(h, 0, far)));
    ASSERT_TRUE(mx_gmm_log_gauss(h, 0, far) == -INFINITY);
    mx_gmm_log_density(h, far, 1, &lpf);
    ASSERT_TRUE(!isnan(lpf));
    mx_gmm_free(h);
  }
  mx_gmm_log_density(g, x, 1, &out);
  ASSERT_NEAR(out, log(0.25 * exp(-LOG2PI - 0.5 * log(4.0) - 1.0) +
                       0.75 * exp(-LOG2PI - 0.5 * log(3.0) - 1.0 / 3.0)),
              1e-14);
  /* Grid: one cell centred on (2,1) reproduces the mixture log-density; the
   * margins of the two components are opposite. */
  {
    double lg, mg[2];
    ASSERT_INT_EQ(mx_gmm_grid2d(g, 1.5, 2.5, 1, 0.5, 1.5, 1, &lg, mg), MX_OK);
    ASSERT_NEAR(lg, out, 1e-14);
    ASSERT_NEAR(mg[0], -mg[1], 1e-14);
    ASSERT_NEAR(mg[1], log(0.75) + mx_gmm_log_gauss(g, 1, x) - log(0.25) - lp, 1e-13);
  }
  mx_gmm_free(g);
}

static void test_hand_one_step(void) {
  /* K = 1 on the square (0,0),(2,0),(0,2),(2,2) from mean 0, cov I:
   * loglik = 4 * (-log 2pi) - (0 + 4 + 4 + 8)/2; after one M-step the mean is
   * (1,1) and the population covariance is I (+ reg), weight 1. */
  double X[8] = {0, 0, 2, 0, 0, 2, 2, 2}, ll;
  mx_gmm *g = mx_gmm_alloc(1, 2);
  mx_gmm_work *w = mx_gmm_work_alloc(1, 4, 2);
  ASSERT_INT_EQ(mx_gmm_iterate(g, X, 4, NULL, w, &ll), MX_OK);
  ASSERT_NEAR(ll, -4.0 * LOG2PI - 8.0, 1e-14);
  ASSERT_NEAR(g->means[0], 1.0, 1e-15);
  ASSERT_NEAR(g->means[1], 1.0, 1e-15);
  ASSERT_NEAR(g->covs[0], 1.0 + 1e-6, 1e-15);
  ASSERT_NEAR(g->covs[1], 0.0, 1e-15);
  ASSERT_NEAR(g->covs[3], 1.0 + 1e-6, 1e-15);
  ASSERT_NEAR(g->weights[0], 1.0, 0);
  mx_gmm_free(g);
  mx_gmm_work_free(w);
}

/* Every parameter finite. */
static int all_finite(const mx_gmm *g) {
  int i, K = g->K, D = g->D;
  for (i = 0; i < K; i++)
    if (!isfinite(g->weights[i]) || !isfinite(g->logdet[i])) return 0;
  for (i = 0; i < K * D; i++)
    if (!isfinite(g->means[i])) return 0;
  for (i = 0; i < K * D * D; i++)
    if (!isfinite(g->covs[i]) || !isfinite(g->chol[i])) return 0;
  return 1;
}

static void test_monotone(void) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  int p, semi;
  for (p = 0; p < MX_PRESET_COUNT; p++)
    for (semi = 0; semi < 2; semi++) {
      mx_points pts = {0};
      mx_gmm *g = mx_gmm_alloc(3, 2);
      mx_gmm_work *w;
      double prev = -INFINITY, ll;
      int t, bad = 0;
      size_t n;
      mx_error e;
      ASSERT_INT_EQ(mx_points_preset(&pts, (mx_preset)p, 400, 7 + (unsigned long)p, r), MX_OK);
      /* Keep the labels of every 10th point in the semi run, none otherwise. */
      for (n = 0; n < pts.n; n++)
        if (!semi || n % 10) pts.label[n] = -1;
      w = mx_gmm_work_alloc(3, pts.n, 2);
      g->reg = 0.0; /* exact EM: the likelihood cannot decrease */
      ASSERT_INT_EQ(mx_gmm_init_data(g, w, pts.x, pts.n, MX_GMM_INIT_KMEANSPP, 99, r, &e), MX_OK);
      ASSERT_INT_EQ(g->seed, 99);
      for (t = 0; t < 150; t++) {
        int rc = mx_gmm_iterate(g, pts.x, pts.n, pts.label, w, &ll);
        if (rc != MX_OK) bad++;
        if (ll < prev - 1e-10 * fabs(prev)) {
          fprintf(stderr, "preset %d semi %d iter %d: loglik %.17g < %.17g\n", p, semi, t, ll,
                  prev);
          bad++;
        }
        prev = ll;
      }
      ASSERT_INT_EQ(bad, 0);
      ASSERT_TRUE(all_finite(g));
      mx_gmm_work_free(w);
      mx_gmm_free(g);
      mx_points_free(&pts);
    }
  gsl_rng_free(r);
}

static void test_run_converges(void) {
  /* mx_gmm_run stops when the per-point log-likelihood changes by < tol, and
   * reports the last pre-M-step log-likelihood: replaying the same number of
   * iterations by hand gives the same parameters and value. */
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  mx_points pts = {0};
  mx_gmm *a = mx_gmm_alloc(3, 2), *b = mx_gmm_alloc(3, 2);
  mx_gmm_work *w;
  mx_error e;
  int it, conv, t;
  double ll, ll2 = 0, prev = 0;
  mx_points_preset(&pts, MX_PRESET_BLOBS, 300, 2, r);
  w = mx_gmm_work_alloc(3, pts.n, 2);
  mx_gmm_init_data(a, w, pts.x, pts.n, MX_GMM_INIT_KMEANSPP, 4, r, &e);
  mx_gmm_copy(b, a);
  ASSERT_INT_EQ(mx_gmm_run(a, pts.x, pts.n, NULL, w, 500, 1e-9, &it, &conv, &ll), MX_OK);
  ASSERT_INT_EQ(conv, 1);
  ASSERT_TRUE(it > 2 && it < 500);
  for (t = 0; t < it; t++) {
    prev = ll2;
    mx_gmm_iterate(b, pts.x, pts.n, NULL, w, &ll2);
  }
  ASSERT_TRUE(ll2 == ll);
  ASSERT_TRUE(fabs(ll2 - prev) / (double)pts.n < 1e-9);
  ASSERT_TRUE(memcmp(a->means, b->means, 6 * sizeof(double)) == 0);
  /* max_iter reached first: not converged */
  mx_gmm_init_data(a, w, pts.x, pts.n, MX_GMM_INIT_RANDOM, 4, r, &e);
  ASSERT_INT_EQ(mx_gmm_run(a, pts.x, pts.n, NULL, w, 2, 1e-300, &it, &conv, &ll), MX_OK);
  ASSERT_INT_EQ(it, 2);
  ASSERT_INT_EQ(conv, 0);
  mx_gmm_work_free(w);
  mx_gmm_free(a);
  mx_gmm_free(b);
  mx_points_free(&pts);
  gsl_rng_free(r);
}

static void test_seeded_init(void) {
  /* Same seed -> same means; the seed is stored. */
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  mx_points pts = {0};
  mx_gmm *a = mx_gmm_alloc(3, 2), *b = mx_gmm_alloc(3, 2);
  mx_gmm_work *w;
  mx_error e;
  int i, same = 1, m;
  mx_points_preset(&pts, MX_PRESET_BLOBS, 300, 1, r);
  w = mx_gmm_work_alloc(3, pts.n, 2);
  for (m = MX_GMM_INIT_RANDOM; m <= MX_GMM_INIT_KMEANSPP; m++) {
    ASSERT_INT_EQ(mx_gmm_init_data(a, w, pts.x, pts.n, (mx_gmm_init)m, 5, r, &e), MX_OK);
    gsl_rng_set(r, 12345); /* disturb the generator: init must reseed */
    ASSERT_INT_EQ(mx_gmm_init_data(b, w, pts.x, pts.n, (mx_gmm_init)m, 5, r, &e), MX_OK);
    for (i = 0; i < 6; i++) same &= a->means[i] == b->means[i];
    ASSERT_TRUE(same);
    ASSERT_INT_EQ(a->seed, 5);
    ASSERT_INT_EQ(a->init, m);
    /* init covariance = diag(population variance) + reg, weights 1/3 */
    ASSERT_NEAR(a->weights[1], 1.0 / 3.0, 1e-15);
    ASSERT_NEAR(a->covs[1], 0.0, 0);
  }
  mx_gmm_work_free(w);
  mx_gmm_free(a);
  mx_gmm_free(b);
  mx_points_free(&pts);
  gsl_rng_free(r);
}

static void test_collapse(void) {
  /* A component placed far from all data with a tiny weight receives
   * N_k ~ 0 responsibility: it collapses, keeps its previous mean and
   * covariance, gets weight N_k / N, and nothing is NaN. */
  double X[12] = {0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.5, 0.2, 0.7}, ll;
  double w[2] = {0.999, 0.001}, m[4] = {0.5, 0.5, 1000, 1000}, c[8] = {1, 0, 0, 1, 1, 0, 0, 1};
  mx_gmm *g = mx_gmm_alloc(2, 2);
  mx_gmm_work *wk = mx_gmm_work_alloc(2, 6, 2);
  mx_error e;
  ASSERT_INT_EQ(mx_gmm_set_params(g, w, m, c, &e), MX_OK);
  ASSERT_INT_EQ(mx_gmm_iterate(g, X, 6, NULL, wk, &ll), MX_ECOLLAPSE);
  ASSERT_INT_EQ(g->status, MX_ECOLLAPSE);
  ASSERT_INT_EQ(g->ncollapsed, 1);
  ASSERT_INT_EQ(g->collapsed[1], MX_GMM_COLLAPSE_NK);
  ASSERT_INT_EQ(g->collapsed[0], MX_GMM_OK);
  ASSERT_NEAR(g->means[2], 1000.0, 0);
  ASSERT_NEAR(g->covs[4], 1.0, 0);
  ASSERT_TRUE(g->weights[1] >= 0.0 && g->weights[1] < 1e-100);
  ASSERT_NEAR(g->weights[0] + g->weights[1], 1.0, 1e-15);
  ASSERT_TRUE(all_finite(g));
  /* Further iterations stay finite and keep reporting the collapse. */
  {
    int it, conv;
    ASSERT_INT_EQ(mx_gmm_run(g, X, 6, NULL, wk, 20, 1e-12, &it, &conv, &ll), MX_ECOLLAPSE);
    ASSERT_TRUE(all_finite(g));
    ASSERT_TRUE(isfinite(ll));
  }
  mx_gmm_free(g);
  mx_gmm_work_free(wk);
}

static void test_degenerate(void) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  mx_error e;
  double ll;
  int m;
  for (m = MX_GMM_INIT_RANDOM; m <= MX_GMM_INIT_KMEANSPP; m++) {
    /* All points equal: K = 2 comps sit on the point, cov = reg I. */
    double X[10] = {3, 4, 3, 4, 3, 4, 3, 4, 3, 4};
    mx_gmm *g = mx_gmm_alloc(2, 2);
    mx_gmm_work *w = mx_gmm_work_alloc(2, 5, 2);
    ASSERT_INT_EQ(mx_gmm_init_data(g, w, X, 5, (mx_gmm_init)m, 1, r, &e), MX_OK);
    ASSERT_INT_EQ(mx_gmm_iterate(g, X, 5, NULL, w, &ll), MX_OK);
    ASSERT_TRUE(all_finite(g));
    ASSERT_NEAR(g->means[0], 3.0, 0);
    ASSERT_NEAR(g->covs[0], 1e-6, 1e-15);
    ASSERT_NEAR(g->weights[0], 0.5, 1e-15);
    /* reg = 0 on equal points: a clear error at init. */
    g->reg = 0.0;
    ASSERT_INT_EQ(mx_gmm_init_data(g, w, X, 5, (mx_gmm_init)m, 1, r, &e), MX_ENOTPD);
    ASSERT_STR_EQ(e.msg, "coordinate 1 has zero variance and reg = 0: the initial covariance "
                         "would be singular (use reg > 0)");
    /* K > N. */
    ASSERT_INT_EQ(mx_gmm_init_data(g, w, X, 1, (mx_gmm_init)m, 1, r, &e), MX_EINVAL);
    ASSERT_STR_EQ(e.msg, "K = 2 components but only N = 1 point: cannot pick distinct initial "
                         "means (use K <= N or give --init FILE.json)");
    mx_gmm_free(g);
    mx_gmm_work_free(w);
  }
  {
    /* N = 1, K = 1: mean = the point, cov = reg I, loglik finite. */
    double X[2] = {-2, 5};
    mx_gmm *g = mx_gmm_alloc(1, 2);
    mx_gmm_work *w = mx_gmm_work_alloc(1, 1, 2);
    ASSERT_INT_EQ(mx_gmm_init_data(g, w, X, 1, MX_GMM_INIT_KMEANSPP, 3, r, &e), MX_OK);
    ASSERT_INT_EQ(mx_gmm_iterate(g, X, 1, NULL, w, &ll), MX_OK);
    ASSERT_INT_EQ(mx_gmm_iterate(g, X, 1, NULL, w, &ll), MX_OK);
    /* second E-step: N(x | x, 1e-6 I) = -log 2pi - log 1e-6 */
    ASSERT_NEAR(ll, -LOG2PI - log(1e-6), 1e-12);
    ASSERT_NEAR(g->means[1], 5.0, 0);
    ASSERT_NEAR(g->covs[3], 1e-6, 1e-20);
    mx_gmm_free(g);
    mx_gmm_work_free(w);
  }
  {
    /* Collinear and duplicated points at three scales: 1e-12, 1, 1e12.
     * Either finite parameters (possibly with a reported collapse) or an
     * error code, never NaN. */
    const double scales[3] = {1e-12, 1.0, 1e12};
    int s;
    for (s = 0; s < 3; s++) {
      double X[24];
      int i, it, conv, rc;
      mx_gmm *g = mx_gmm_alloc(2, 2);
      mx_gmm_work *w = mx_gmm_work_alloc(2, 12, 2);
      for (i = 0; i < 12; i++) {
        double t = (double)(i % 6) - (i < 6 ? 4.0 : -1.0); /* two groups on a line, dups */
        X[2 * i] = scales[s] * t;
        X[2 * i + 1] = scales[s] * 2.0 * t;
      }
      ASSERT_INT_EQ(mx_gmm_init_data(g, w, X, 12, MX_GMM_INIT_KMEANSPP, 11, r, &e), MX_OK);
      rc = mx_gmm_run(g, X, 12, NULL, w, 50, 1e-10, &it, &conv, &ll);
      ASSERT_TRUE(rc == MX_OK || rc == MX_ECOLLAPSE);
      ASSERT_TRUE(all_finite(g));
      ASSERT_TRUE(isfinite(ll));
      if (s == 1) ASSERT_INT_EQ(rc, MX_OK); /* unit scale: reg makes the line PD */
      if (s == 2) {
        /* 1e12: reg 1e-6 is lost in rounding, the line covariance is
         * numerically singular -> reported as a collapse, parameters kept. */
        ASSERT_INT_EQ(rc, MX_ECOLLAPSE);
        ASSERT_TRUE(g->collapsed[0] == MX_GMM_COLLAPSE_NOTPD ||
                    g->collapsed[1] == MX_GMM_COLLAPSE_NOTPD);
      }
      if (s == 0) {
        /* 1e-12: reg dominates, covariances ~ 1e-6 I */
        ASSERT_NEAR(g->covs[0], 1e-6, 1e-9);
      }
      mx_gmm_free(g);
      mx_gmm_work_free(w);
    }
  }
  {
    /* Overflowing variance: a clear error. */
    double X[4] = {1e300, 0, -1e300, 1};
    mx_gmm *g = mx_gmm_alloc(1, 2);
    mx_gmm_work *w = mx_gmm_work_alloc(1, 2, 2);
    ASSERT_INT_EQ(mx_gmm_init_data(g, w, X, 2, MX_GMM_INIT_RANDOM, 1, r, &e), MX_ENONFINITE);
    ASSERT_STR_EQ(e.msg, "the variance of coordinate 1 overflows (values too large)");
    mx_gmm_free(g);
    mx_gmm_work_free(w);
  }
  gsl_rng_free(r);
}

static void test_init_labels(void) {
  /* (0,0),(2,0) labelled 0 -> mean (1,0); (10,10) labelled 1 -> mean (10,10);
   * class 2 has no label: k-means++ picks a data point with probability
   * proportional to its squared distance to the nearest labelled mean
   * (1, 1, 0, 41 -> (5,5) with probability 41/43), so mean 2 is a data point.
   * Covariances: population variance per coordinate + reg (hand:
   * x = 0,2,10,5 -> mean 4.25, var 14.1875; y = 0,0,10,5 -> mean 3.75,
   * var 17.1875). */
  double X[8] = {0, 0, 2, 0, 10, 10, 5, 5};
  int lab[4] = {0, 0, 1, -1}, none[4] = {-1, -1, -1, -1}, bad[4] = {0, 3, -1, -1}, i, found = 0;
  mx_gmm *g = mx_gmm_alloc(3, 2);
  mx_gmm_work *w = mx_gmm_work_alloc(3, 4, 2);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  mx_error e;
  ASSERT_INT_EQ(mx_gmm_init_labels(g, w, X, 4, lab, 5, r, &e), MX_OK);
  ASSERT_NEAR(g->means[0], 1.0, 0);
  ASSERT_NEAR(g->means[1], 0.0, 0);
  ASSERT_NEAR(g->means[2], 10.0, 0);
  ASSERT_NEAR(g->means[3], 10.0, 0);
  for (i = 0; i < 4; i++) found |= g->means[4] == X[2 * i] && g->means[5] == X[2 * i + 1];
  ASSERT_TRUE(found);
  ASSERT_NEAR(g->covs[0], 14.1875 + 1e-6, 1e-15);
  ASSERT_NEAR(g->covs[3], 17.1875 + 1e-6, 1e-15);
  ASSERT_NEAR(g->covs[1], 0.0, 0);
  ASSERT_NEAR(g->weights[2], 1.0 / 3.0, 1e-15);
  ASSERT_INT_EQ(g->init, MX_GMM_INIT_LABELS);
  ASSERT_STR_EQ(mx_gmm_init_name(MX_GMM_INIT_LABELS), "labels");
  ASSERT_INT_EQ(mx_gmm_init_labels(g, w, X, 4, none, 5, r, &e), MX_EEMPTY);
  ASSERT_STR_EQ(e.msg, "no labelled point to start from");
  ASSERT_INT_EQ(mx_gmm_init_labels(g, w, X, 4, bad, 5, r, &e), MX_ERANGE);
  ASSERT_STR_EQ(e.msg, "point 1: label 3 out of range 0..2");
  /* the init's log-determinant agrees with a refactorisation bit for bit */
  {
    double ld = g->logdet[1];
    ASSERT_INT_EQ(mx_gmm_factor(g, 1), MX_OK);
    ASSERT_TRUE(g->logdet[1] == ld);
  }
  gsl_rng_free(r);
  mx_gmm_work_free(w);
  mx_gmm_free(g);
}

static void test_sizes(void) {
  mx_gmm *g = mx_gmm_alloc(2, 2);
  mx_gmm_work *w = mx_gmm_work_alloc(2, 3, 2), *w3 = mx_gmm_work_alloc(3, 3, 2);
  double X[8] = {0}, ll;
  int lab[4] = {0, 5, -1, -1};
  ASSERT_TRUE(mx_gmm_alloc(0, 2) == NULL);
  ASSERT_TRUE(mx_gmm_alloc(2, 0) == NULL);
  ASSERT_TRUE(mx_gmm_alloc(MX_GMM_MAXK + 1, 2) == NULL);
  mx_gmm_free(NULL);
  mx_gmm_work_free(NULL);
  ASSERT_INT_EQ(mx_gmm_e_step(g, X, 4, NULL, w, &ll), MX_ESIZE);
  ASSERT_INT_EQ(mx_gmm_e_step(g, X, 3, NULL, w3, &ll), MX_ESIZE);
  ASSERT_INT_EQ(mx_gmm_e_step(g, X, 3, lab, w, &ll), MX_ERANGE);
  ASSERT_INT_EQ(mx_gmm_init_find("kmeans++"), MX_GMM_INIT_KMEANSPP);
  ASSERT_INT_EQ(mx_gmm_init_find("nope"), -1);
  ASSERT_STR_EQ(mx_gmm_init_name(MX_GMM_INIT_RANDOM), "random");
  mx_gmm_free(g);
  mx_gmm_work_free(w);
  mx_gmm_work_free(w3);
}

/* ---- JSON ------------------------------------------------------------------ */

static int json_err(const char *text, mx_error *e) {
  char path[1200];
  mx_gmm *g = NULL;
  int rc;
  snprintf(path, sizeof path, "%s/p.json", mx_test_scratch());
  mx_file_write_atomic(path, text, strlen(text), e);
  rc = mx_gmm_json_read(path, &g, e);
  mx_gmm_free(g);
  /* strip the directory for comparisons */
  if (rc != MX_OK) {
    const char *p = strstr(e->msg, "p.json");
    if (p) memmove(e->msg, p, strlen(p) + 1);
  }
  return rc;
}

static void test_json(void) {
  mx_error e;
  mx_gmm *g = NULL, *h = NULL;
  char path[1200];
  const char *good = "{\"weights\":[0.25,0.75],\"means\":[[0,1],[2,3]],"
                     "\"covariances\":[[[1,0.5],[0.5,2]],[[3,0],[0,4]]]}";
  ASSERT_INT_EQ(json_err(good, &e), MX_OK);
  /* Round trip: write and read back exactly. */
  snprintf(path, sizeof path, "%s/p.json", mx_test_scratch());
  ASSERT_INT_EQ(mx_gmm_json_read(path, &g, &e), MX_OK);
  if (g) {
    ASSERT_INT_EQ(g->K, 2);
    ASSERT_INT_EQ(g->D, 2);
    ASSERT_NEAR(g->covs[1], 0.5, 0);
    ASSERT_NEAR(g->logdet[0], log(1.75), 1e-15); /* det [[1,.5],[.5,2]] = 1.75 */
    g->means[0] = 0.1 + 0.2; /* not representable in 15 digits */
    snprintf(path, sizeof path, "%s/q.json", mx_test_scratch());
    ASSERT_INT_EQ(mx_gmm_json_write(path, g, &e), MX_OK);
    ASSERT_INT_EQ(mx_gmm_json_read(path, &h, &e), MX_OK);
    if (h) ASSERT_TRUE(h->means[0] == 0.1 + 0.2);
  }
  mx_gmm_free(g);
  mx_gmm_free(h);

  ASSERT_INT_EQ(json_err("", &e), MX_EEMPTY);
  ASSERT_STR_EQ(e.msg, "p.json: empty file (expected JSON parameters)");
  ASSERT_INT_EQ(json_err("{\"weights\": [1,\n  ]}", &e), MX_EPARSE);
  ASSERT_STR_EQ(e.msg, "p.json:2:3: invalid JSON");
  ASSERT_INT_EQ(json_err("[1,2]", &e), MX_EPARSE);
  ASSERT_STR_CONTAINS(e.msg, "p.json: expected a JSON object");
  ASSERT_INT_EQ(json_err("{\"means\":[[0]],\"covariances\":[[[1]]]}", &e), MX_EPARSE);
  ASSERT_STR_EQ(e.msg, "p.json: missing field \"weights\"");
  ASSERT_INT_EQ(json_err("{\"weights\":[1],\"covariances\":[[[1]]]}", &e), MX_EPARSE);
  ASSERT_STR_EQ(e.msg, "p.json: missing field \"means\"");
  ASSERT_INT_EQ(json_err("{\"weights\":[1],\"means\":[[0]]}", &e), MX_EPARSE);
  ASSERT_STR_EQ(e.msg, "p.json: missing field \"covariances\"");
  ASSERT_INT_EQ(json_err("{\"weights\":[0.5,\"a\"],\"means\":[[0],[1]],\"covariances\":[[[1]],[[1]]]}", &e),
                MX_EPARSE);
  ASSERT_STR_EQ(e.msg, "p.json: weights[1] is not a number");
  ASSERT_INT_EQ(json_err("{\"weights\":[0.5,0.5],\"means\":[[0]],\"covariances\":[[[1]],[[1]]]}", &e),
                MX_EDIMS);
  ASSERT_STR_EQ(e.msg, "p.json: means has 1 entries but weights has 2");
  ASSERT_INT_EQ(json_err("{\"weights\":[0.5,0.5],\"means\":[[0,1],[1]],\"covariances\":[[[1,0],[0,1]],[[1,0],[0,1]]]}", &e),
                MX_EDIMS);
  ASSERT_STR_EQ(e.msg, "p.json: means[1] has 1 entry, expected 2");
  ASSERT_INT_EQ(json_err("{\"weights\":[1],\"means\":[[0,1]],\"covariances\":[[[1,0]]]}", &e),
                MX_EDIMS);
  ASSERT_STR_EQ(e.msg, "p.json: covariances[0] has 1 rows, expected 2");
  ASSERT_INT_EQ(json_err("{\"weights\":[1],\"means\":[[0,1]],\"covariances\":[[[1,0],[0,1,2]]]}", &e),
                MX_EDIMS);
  ASSERT_STR_EQ(e.msg, "p.json: covariances[0][1] has 3 entries, expected 2");
  ASSERT_INT_EQ(json_err("{\"weights\":[0.5,0.5],\"means\":[[0],[1]],\"covariances\":[[[1]],5]}", &e),
                MX_EPARSE);
  ASSERT_STR_EQ(e.msg, "p.json: covariances[1] must be a 1x1 array of arrays");
  ASSERT_INT_EQ(json_err("{\"weights\":[1.5,-0.5],\"means\":[[0],[1]],\"covariances\":[[[1]],[[1]]]}", &e),
                MX_ERANGE);
  ASSERT_STR_EQ(e.msg, "p.json: weights[1] = -0.5 is negative");
  ASSERT_INT_EQ(json_err("{\"weights\":[0.5,0.4],\"means\":[[0],[1]],\"covariances\":[[[1]],[[1]]]}", &e),
                MX_ERANGE);
  ASSERT_STR_EQ(e.msg, "p.json: weights sum to 0.9, not 1 (tolerance 1e-6)");
  /* 1 - 5e-7 is within tolerance */
  ASSERT_INT_EQ(json_err("{\"weights\":[0.5,0.4999995],\"means\":[[0],[1]],\"covariances\":[[[1]],[[1]]]}", &e),
                MX_OK);
  ASSERT_INT_EQ(json_err("{\"weights\":[0.5,0.5],\"means\":[[0,0],[1,1]],\"covariances\":[[[1,0],[0,1]],[[1,2],[2,1]]]}", &e),
                MX_ENOTPD);
  ASSERT_STR_EQ(e.msg, "p.json: covariances[1] is not positive definite");
  ASSERT_INT_EQ(json_err("{\"weights\":[1],\"means\":[[0,0]],\"covariances\":[[[1,0.5],[0.4,1]]]}", &e),
                MX_EINVAL);
  ASSERT_STR_EQ(e.msg, "p.json: covariances[0] is not symmetric ([0][1] = 0.5 but [1][0] = 0.4)");
  ASSERT_INT_EQ(json_err("{\"weights\":[1],\"means\":[[0,0]],\"covariances\":[[[0,0],[0,0]]]}", &e),
                MX_ENOTPD);
  ASSERT_STR_EQ(e.msg, "p.json: covariances[0] is not positive definite");
  ASSERT_INT_EQ(json_err("{\"weights\":[],\"means\":[],\"covariances\":[]}", &e), MX_EPARSE);
  ASSERT_STR_EQ(e.msg, "p.json: weights must be a non-empty array of numbers");
  ASSERT_INT_EQ(json_err("{\"weights\":[1],\"means\":[[1e999]],\"covariances\":[[[1]]]}", &e),
                MX_ENONFINITE);
  ASSERT_STR_EQ(e.msg, "p.json: means[0][0] is not finite");
  snprintf(path, sizeof path, "%s/does-not-exist.json", mx_test_scratch());
  ASSERT_TRUE(mx_gmm_json_read(path, &g, &e) < 0);
  ASSERT_TRUE(g == NULL);
}

int main(void) {
  test_reference_trajectories();
  test_supervised();
  test_accuracy_hand();
  test_hand_density();
  test_hand_one_step();
  test_monotone();
  test_seeded_init();
  test_run_converges();
  test_collapse();
  test_degenerate();
  test_init_labels();
  test_sizes();
  test_json();
  TEST_MAIN_END();
}
