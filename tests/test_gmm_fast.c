/* Tests of the GMM's vectorized kernels (core/src/gmm_simd.c) against the
 * scalar code in core/src/gmm.c (mx_gmm_set_simd(0) / MX_NO_SIMD=1).
 *
 * Expected values: the scalar path, itself checked against the independent
 * NumPy/SciPy reference by test_gmm.c, and exact properties (one-hot rows,
 * weight 0, bit-identity where the kernels promise it). Tolerances:
 *   - EM trajectories over 50 iterations from the same start, on the test
 *     CSVs and on generated sets of 10,000 and 100,003 points: log-likelihood,
 *     weights, means and covariances within 1e-12 relative (the kernels' exp
 *     and log are within about 1 ulp of libm's and their sums run in another
 *     order; measured: up to 2.5e-14 on the log-likelihood and 1.4e-13 on the
 *     parameters, on the largest sets, printed by the test);
 *   - one E-step: log p(x_n) within 1e-14 relative (plus 1e-14 absolute),
 *     responsibilities within 1e-14 absolute;
 *   - mx_gmm_predict: the same class for every point, ties to the lowest k;
 *   - the M-step kernel for D = 3 and the two-pass fallback for D = 2: bit for
 *     bit; the D = 2 one-pass kernel from the same responsibilities: 1e-13;
 *   - 1, 2, 3 and 8 threads: bit for bit; two runs: bit for bit.
 * Skipped (exit 77) on a CPU without AVX2 + FMA. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "mixscope/gmm.h"
#include "mixscope/points.h"
#include "test.h"

static char *path_in(const char *rel) {
  static char buf[4][1200];
  static int slot = 0;
  char *p = buf[slot++ & 3];
  snprintf(p, 1200, "%s/%s", mx_test_srcdir(), rel);
  return p;
}

/* |a - b| <= tol * (|b| + floor): relative, with an absolute floor for values
 * near 0 (a mean at the origin). */
#define ASSERT_REL(a, b, tol, floor)                                                     \
  do {                                                                                   \
    double a2_ = (a), b2_ = (b);                                                         \
    mx_test_checks++;                                                                    \
    if (!(fabs(a2_ - b2_) <= (tol) * (fabs(b2_) + (floor))))                             \
      MX_FAIL_("%s ~ %s: %.17g vs %.17g (rel diff %.3g, tol %g)", #a, #b, a2_, b2_,        \
               fabs(a2_ - b2_) / fmax(fabs(b2_), 1e-300), (double)(tol));                 \
  } while (0)

/* Largest relative difference seen, printed for the record. */
static double worst_ll, worst_par;

static void note(double *worst, double a, double b, double floor) {
  double d = fabs(a - b) / (fabs(b) + floor);
  if (d > *worst) *worst = d;
}

/* EM from the same start on both paths: T iterations, everything compared. */
static void compare_em(const char *what, const mx_gmm *start, const double *X, size_t N,
                       const int *labels, int T, double tol) {
  int K = start->K, D = start->D, t, k, i, path;
  mx_gmm *g[2];
  mx_gmm_work *w[2];
  double *ll[2], scale = 0.0;
  int fails0 = mx_test_failures;
  size_t n;
  for (n = 0; n < N * (size_t)D; n++) scale = fmax(scale, fabs(X[n]));
  for (path = 0; path < 2; path++) {
    g[path] = mx_gmm_alloc(K, D);
    w[path] = mx_gmm_work_alloc(K, N, D);
    ll[path] = malloc((size_t)T * sizeof *ll[path]);
    ASSERT_TRUE(g[path] && w[path] && ll[path]);
    if (!g[path] || !w[path] || !ll[path]) return;
    mx_gmm_copy(g[path], start);
    mx_gmm_set_simd(path); /* path 0: scalar, 1: kernels */
    for (t = 0; t < T; t++) {
      int rc = mx_gmm_iterate(g[path], X, N, labels, w[path], &ll[path][t]);
      ASSERT_TRUE(rc == MX_OK || rc == MX_ECOLLAPSE);
    }
  }
  mx_gmm_set_simd(1);
  for (t = 0; t < T; t++) {
    ASSERT_REL(ll[1][t], ll[0][t], tol, 0.0);
    note(&worst_ll, ll[1][t], ll[0][t], 0.0);
  }
  for (k = 0; k < K; k++) {
    ASSERT_REL(g[1]->weights[k], g[0]->weights[k], tol, 0.0);
    ASSERT_INT_EQ(g[1]->collapsed[k], g[0]->collapsed[k]);
    for (i = 0; i < D; i++) {
      ASSERT_REL(g[1]->means[k * D + i], g[0]->means[k * D + i], tol, 1e-3 * scale);
      note(&worst_par, g[1]->means[k * D + i], g[0]->means[k * D + i], 1e-3 * scale);
    }
    for (i = 0; i < D * D; i++) {
      /* relative to the component's variances (an off-diagonal entry may be ~0) */
      double v = sqrt(g[0]->covs[k * D * D] * g[0]->covs[k * D * D + D * D - 1]);
      ASSERT_REL(g[1]->covs[k * D * D + i], g[0]->covs[k * D * D + i], tol, v);
      note(&worst_par, g[1]->covs[k * D * D + i], g[0]->covs[k * D * D + i], v);
    }
  }
  fprintf(stderr, "  %-36s largest relative difference so far: log-lik %.1e, parameters %.1e\n",
          what, worst_ll, worst_par);
  if (mx_test_failures != fails0) fprintf(stderr, "  (EM paths differ: %s)\n", what);
  for (path = 0; path < 2; path++) {
    mx_gmm_free(g[path]);
    mx_gmm_work_free(w[path]);
    free(ll[path]);
  }
}

/* A generated 'overlap' set of N points and a k-means++ start with K components. */
static int make_set(mx_points *pts, size_t N, int K, unsigned long seed, mx_gmm **start) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  mx_gmm_work *w;
  mx_error e;
  int rc;
  memset(pts, 0, sizeof *pts);
  *start = mx_gmm_alloc(K, 2);
  w = mx_gmm_work_alloc(K, N, 2);
  rc = !r || !*start || !w || mx_points_preset(pts, MX_PRESET_OVERLAP, N, seed, r) != MX_OK ||
       mx_gmm_init_data(*start, w, pts->x, N, MX_GMM_INIT_KMEANSPP, seed, r, &e) != MX_OK;
  mx_gmm_work_free(w);
  gsl_rng_free(r);
  return rc ? -1 : 0;
}

static void test_trajectories(void) {
  mx_points pts;
  mx_gmm *g = NULL;
  mx_error e;
  /* the test CSVs (K = 3: a part-filled group of 4 components; 90 points: a tail) */
  ASSERT_INT_EQ(mx_points_read_csv(path_in("tests/data/gmm_blobs2d.csv"), 0, 0, &pts, &e), MX_OK);
  ASSERT_INT_EQ(mx_gmm_json_read(path_in("tests/data/gmm_init3.json"), &g, &e), MX_OK);
  if (g && pts.n) compare_em("blobs2d", g, pts.x, pts.n, NULL, 50, 1e-12);
  mx_points_free(&pts);
  ASSERT_INT_EQ(mx_points_read_csv(path_in("tests/data/gmm_semi2d.csv"), 0, 0, &pts, &e), MX_OK);
  ASSERT_TRUE(pts.nlabelled > 0);
  if (g && pts.n) compare_em("semi2d, semi-supervised", g, pts.x, pts.n, pts.label, 50, 1e-12);
  mx_points_free(&pts);
  mx_gmm_free(g);
  g = NULL;
  /* 3-D: scalar E-step on both paths, the M-step kernel is bit-identical */
  ASSERT_INT_EQ(mx_points_read_csv(path_in("tests/data/gmm_3d.csv"), 0, 0, &pts, &e), MX_OK);
  ASSERT_INT_EQ(mx_gmm_json_read(path_in("tests/data/gmm_init3d.json"), &g, &e), MX_OK);
  if (g && pts.n) compare_em("3d", g, pts.x, pts.n, NULL, 50, 0.0);
  mx_points_free(&pts);
  mx_gmm_free(g);
  /* the benchmark's workload: 10,000 points, K = 4 */
  if (make_set(&pts, 10000, 4, 1, &g) == 0) {
    compare_em("overlap N=10000 K=4", g, pts.x, pts.n, NULL, 50, 1e-12);
    /* semi-supervised on the same set: every 7th point keeps its true label */
    {
      size_t n;
      for (n = 0; n < pts.n; n++)
        if (n % 7) pts.label[n] = -1;
      compare_em("overlap N=10000 K=4, 1/7 labelled", g, pts.x, pts.n, pts.label, 50, 1e-12);
    }
  }
  ASSERT_TRUE(g != NULL);
  mx_points_free(&pts);
  mx_gmm_free(g);
  /* threaded size, N not a multiple of the 16-point blocks, K = 5 (two groups) */
  if (make_set(&pts, 100003, 5, 7, &g) == 0)
    compare_em("overlap N=100003 K=5", g, pts.x, pts.n, NULL, 50, 1e-12);
  ASSERT_TRUE(g != NULL);
  mx_points_free(&pts);
  mx_gmm_free(g);
  fprintf(stderr, "  largest relative differences kernels vs scalar: log-lik %.2e, parameters %.2e\n",
          worst_ll, worst_par);
}

/* One E-step on both paths, every N from 1 to 40 (block tails) and a larger
 * one, K = 1..6. */
static void test_e_step_points(void) {
  mx_points pts;
  mx_gmm *g = NULL;
  int K;
  for (K = 1; K <= 6; K++) {
    size_t N;
    if (make_set(&pts, 333, K, 10 + (unsigned long)K, &g) != 0) {
      ASSERT_TRUE(0);
      return;
    }
    for (N = 1; N <= 333; N += N < 40 ? 1 : 293) {
      mx_gmm_work *w0 = mx_gmm_work_alloc(K, N, 2), *w1 = mx_gmm_work_alloc(K, N, 2);
      double ll0, ll1;
      size_t n;
      int k;
      mx_gmm_set_simd(0);
      ASSERT_INT_EQ(mx_gmm_e_step(g, pts.x, N, NULL, w0, &ll0), MX_OK);
      mx_gmm_set_simd(1);
      ASSERT_INT_EQ(mx_gmm_e_step(g, pts.x, N, NULL, w1, &ll1), MX_OK);
      ASSERT_REL(ll1, ll0, 1e-14, 1e-14);
      for (n = 0; n < N; n++) {
        double sum = 0.0;
        ASSERT_REL(w1->logp[n], w0->logp[n], 1e-14, 1e-14);
        for (k = 0; k < K; k++) {
          ASSERT_NEAR(w1->resp[n * (size_t)K + (size_t)k], w0->resp[n * (size_t)K + (size_t)k],
                      1e-14);
          sum += w1->resp[n * (size_t)K + (size_t)k];
        }
        ASSERT_NEAR(sum, 1.0, 1e-14);
      }
      mx_gmm_work_free(w0);
      mx_gmm_work_free(w1);
    }
    mx_points_free(&pts);
    mx_gmm_free(g);
  }
}

/* mx_gmm_predict on both paths: the same class for every point (a point
 * within rounding of a decision boundary could differ; none of these is),
 * ties to the lowest component on both. */
static void test_predict(void) {
  mx_points pts;
  mx_gmm *g = NULL;
  int K;
  for (K = 1; K <= 6; K++) {
    size_t N, n;
    int *p0, *p1, it;
    mx_gmm_work *w;
    double ll;
    if (make_set(&pts, 10000, K, 20 + (unsigned long)K, &g) != 0) {
      ASSERT_TRUE(0);
      return;
    }
    w = mx_gmm_work_alloc(K, pts.n, 2);
    p0 = malloc(pts.n * sizeof *p0);
    p1 = malloc(pts.n * sizeof *p1);
    for (it = 0; it < 5; it++) mx_gmm_iterate(g, pts.x, pts.n, NULL, w, &ll);
    if (K == 3) {
      /* components 1 and 2 identical: every tie goes to 1 */
      memcpy(g->means + 4, g->means + 2, 2 * sizeof *g->means);
      memcpy(g->covs + 8, g->covs + 4, 4 * sizeof *g->covs);
      memcpy(g->chol + 8, g->chol + 4, 4 * sizeof *g->chol);
      g->logdet[2] = g->logdet[1];
      g->weights[2] = g->weights[1];
    }
    for (N = 1; N <= pts.n; N += N < 40 ? 1 : pts.n - 40) {
      size_t diff = 0;
      mx_gmm_set_simd(0);
      ASSERT_INT_EQ(mx_gmm_predict(g, pts.x, N, w, p0), MX_OK);
      mx_gmm_set_simd(1);
      ASSERT_INT_EQ(mx_gmm_predict(g, pts.x, N, w, p1), MX_OK);
      for (n = 0; n < N; n++) diff += p0[n] != p1[n];
      ASSERT_INT_EQ(diff, 0);
      if (K == 3)
        for (n = 0; n < N; n++) ASSERT_TRUE(p1[n] != 2);
    }
    free(p0);
    free(p1);
    mx_gmm_work_free(w);
    mx_points_free(&pts);
    mx_gmm_free(g);
  }
}

/* M-step from the same responsibilities on both paths. */
static void m_both(mx_gmm *start, const double *X, size_t N, mx_gmm_work *w, mx_gmm *out[2]) {
  int path;
  for (path = 0; path < 2; path++) {
    out[path] = mx_gmm_alloc(start->K, start->D);
    mx_gmm_copy(out[path], start);
    mx_gmm_set_simd(path);
    mx_gmm_m_step(out[path], X, N, w);
  }
  mx_gmm_set_simd(1);
}

static int same_params(const mx_gmm *a, const mx_gmm *b) {
  size_t K = (size_t)a->K, D = (size_t)a->D;
  return !memcmp(a->weights, b->weights, K * sizeof *a->weights) &&
         !memcmp(a->means, b->means, K * D * sizeof *a->means) &&
         !memcmp(a->covs, b->covs, K * D * D * sizeof *a->covs) &&
         !memcmp(a->chol, b->chol, K * D * D * sizeof *a->chol) &&
         !memcmp(a->nk, b->nk, K * sizeof *a->nk) &&
         !memcmp(a->collapsed, b->collapsed, K * sizeof *a->collapsed);
}

static void test_m_step(void) {
  mx_points pts;
  mx_gmm *g = NULL, *out[2];
  mx_gmm_work *w;
  mx_error e;
  double ll;
  int k, i;
  /* D = 3: the two-pass kernel gives the scalar code's numbers bit for bit */
  ASSERT_INT_EQ(mx_points_read_csv(path_in("tests/data/gmm_3d.csv"), 0, 0, &pts, &e), MX_OK);
  ASSERT_INT_EQ(mx_gmm_json_read(path_in("tests/data/gmm_init3d.json"), &g, &e), MX_OK);
  if (!g) return;
  w = mx_gmm_work_alloc(g->K, pts.n, 3);
  mx_gmm_e_step(g, pts.x, pts.n, NULL, w, &ll);
  m_both(g, pts.x, pts.n, w, out);
  ASSERT_TRUE(same_params(out[0], out[1]));
  mx_gmm_free(out[0]);
  mx_gmm_free(out[1]);
  mx_gmm_work_free(w);
  mx_gmm_free(g);
  mx_points_free(&pts);

  /* D = 2 from a k-means++ start: the first M-step moves the means by more
   * than a standard deviation, so the kernel takes the exact two-pass route:
   * bit for bit. After a few iterations the one-pass formula is used:
   * 1e-13 relative. */
  if (make_set(&pts, 10000, 4, 3, &g) != 0) {
    ASSERT_TRUE(0);
    return;
  }
  w = mx_gmm_work_alloc(4, pts.n, 2);
  g->means[0] += 30.0; /* component 0 starts far away: it must move a long way */
  mx_gmm_e_step(g, pts.x, pts.n, NULL, w, &ll);
  m_both(g, pts.x, pts.n, w, out);
  for (i = 0; i < 2; i++) ASSERT_TRUE(out[1]->means[i] == out[0]->means[i]);
  for (i = 0; i < 4; i++) ASSERT_TRUE(out[1]->covs[i] == out[0]->covs[i]);
  mx_gmm_free(out[0]);
  mx_gmm_free(out[1]);
  for (i = 0; i < 20; i++) mx_gmm_iterate(g, pts.x, pts.n, NULL, w, &ll);
  mx_gmm_e_step(g, pts.x, pts.n, NULL, w, &ll);
  m_both(g, pts.x, pts.n, w, out);
  for (k = 0; k < 4; k++) {
    double v = sqrt(out[0]->covs[4 * k] * out[0]->covs[4 * k + 3]);
    ASSERT_REL(out[1]->nk[k], out[0]->nk[k], 1e-13, 0.0);
    ASSERT_REL(out[1]->weights[k], out[0]->weights[k], 1e-13, 0.0);
    for (i = 0; i < 2; i++) ASSERT_REL(out[1]->means[2 * k + i], out[0]->means[2 * k + i], 1e-13, v);
    for (i = 0; i < 4; i++) ASSERT_REL(out[1]->covs[4 * k + i], out[0]->covs[4 * k + i], 1e-13, v);
  }
  mx_gmm_free(out[0]);
  mx_gmm_free(out[1]);
  mx_gmm_work_free(w);
  mx_gmm_free(g);
  mx_points_free(&pts);
}

/* The chunked sums make every thread count give the same numbers, and a
 * second run the same numbers again. */
static void test_threads(void) {
  static const int nthr[] = {1, 2, 3, 8, 0};
  mx_points pts;
  mx_gmm *g = NULL, *ref = NULL, *h;
  mx_gmm_work *w;
  double ll, ll_ref[10];
  int t, it, prev;
  if (make_set(&pts, 70001, 4, 5, &g) != 0) {
    ASSERT_TRUE(0);
    return;
  }
  w = mx_gmm_work_alloc(4, pts.n, 2);
  h = mx_gmm_alloc(4, 2);
  ref = mx_gmm_alloc(4, 2);
  prev = mx_gmm_set_threads(1);
  for (t = 0; t < 6; t++) {
    mx_gmm_set_threads(nthr[t % 5]);
    mx_gmm_copy(h, g);
    for (it = 0; it < 10; it++) {
      mx_gmm_iterate(h, pts.x, pts.n, NULL, w, &ll);
      if (t == 0) ll_ref[it] = ll;
      else ASSERT_TRUE(ll == ll_ref[it]);
    }
    if (t == 0) mx_gmm_copy(ref, h);
    else ASSERT_TRUE(same_params(h, ref));
  }
  mx_gmm_set_threads(prev);
  mx_gmm_free(h);
  mx_gmm_free(ref);
  mx_gmm_work_free(w);
  mx_gmm_free(g);
  mx_points_free(&pts);
}

/* Edge cases through the kernels: the scalar code's rules hold. */
static void test_edges(void) {
  /* a component 1e4 standard deviations away: its responsibilities underflow
   * to exactly 0, it collapses with weight exactly 0 and takes nothing after */
  static const double sq[] = {0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.5, 0.5};
  static const double w2[] = {0.5, 0.5}, m2[] = {0.0, 0.0, 100.0, 100.0},
                      c2[] = {1.0, 0.0, 0.0, 1.0, 0.01, 0.0, 0.0, 0.01};
  /* coordinates near the largest double: the scalar fallback, no NaN */
  static const double far[] = {1e308, 1e308, -1e308, -1e308, 1e308, 1e308};
  static const double mf[] = {1e308, 1e308, -1e308, -1e308},
                      cf[] = {1.0, 0.9, 0.9, 1.0, 1.0, 0.9, 0.9, 1.0};
  mx_gmm *g = mx_gmm_alloc(2, 2), *s = mx_gmm_alloc(2, 2);
  mx_gmm_work *w = mx_gmm_work_alloc(2, 5, 2);
  mx_error e;
  double ll, lls;
  int lab[5] = {1, -1, 0, -1, 1}, bad[5] = {-1, -1, 2, -1, -1}, k, it;
  size_t n;
  ASSERT_INT_EQ(mx_gmm_set_params(g, w2, m2, c2, &e), MX_OK);
  for (it = 0; it < 3; it++) ASSERT_INT_EQ(mx_gmm_iterate(g, sq, 5, NULL, w, &ll), MX_ECOLLAPSE);
  ASSERT_TRUE(g->weights[1] == 0.0 && g->weights[0] == 1.0);
  ASSERT_TRUE(g->means[0] == 0.5 && g->means[1] == 0.5 && g->means[2] == 100.0);
  ASSERT_NEAR(g->covs[0], 0.2 + 1e-6, 1e-15);
  for (n = 0; n < 5; n++) ASSERT_TRUE(w->resp[2 * n + 1] == 0.0 && w->resp[2 * n] == 1.0);
  /* labelled points: exactly one-hot, log p(x, y) as on the scalar path */
  ASSERT_INT_EQ(mx_gmm_set_params(g, w2, m2, c2, &e), MX_OK);
  mx_gmm_copy(s, g);
  ASSERT_INT_EQ(mx_gmm_e_step(g, sq, 5, lab, w, &ll), MX_OK);
  for (n = 0; n < 5; n++)
    if (lab[n] >= 0)
      for (k = 0; k < 2; k++) ASSERT_TRUE(w->resp[2 * n + (size_t)k] == (k == lab[n] ? 1.0 : 0.0));
  mx_gmm_set_simd(0);
  ASSERT_INT_EQ(mx_gmm_e_step(s, sq, 5, lab, w, &lls), MX_OK);
  mx_gmm_set_simd(1);
  ASSERT_REL(ll, lls, 1e-14, 0.0);
  ASSERT_INT_EQ(mx_gmm_e_step(g, sq, 5, bad, w, &ll), MX_ERANGE);
  /* far points */
  ASSERT_INT_EQ(mx_gmm_set_params(g, w2, mf, cf, &e), MX_OK);
  mx_gmm_copy(s, g);
  for (it = 0; it < 3; it++) {
    int rc = mx_gmm_iterate(g, far, 3, NULL, w, &ll), rcs;
    mx_gmm_set_simd(0);
    rcs = mx_gmm_iterate(s, far, 3, NULL, w, &lls);
    mx_gmm_set_simd(1);
    ASSERT_INT_EQ(rc, rcs);
    ASSERT_TRUE(!isnan(ll) && (ll == lls || fabs(ll - lls) <= 1e-14 * fabs(lls)));
    ASSERT_TRUE(same_params(g, s));
  }
  mx_gmm_free(g);
  mx_gmm_free(s);
  mx_gmm_work_free(w);
  {
    /* points on a line at scale 1e12 (reg 1e-6 lost in rounding): the line
     * covariance is singular to working precision, so both paths must report
     * the same collapses at every iteration, whatever the last bits of their
     * responsibilities (gmm.c's chol_factor: a pivot within rounding of 0) */
    double X[24], lla, llb;
    mx_gmm *a = mx_gmm_alloc(2, 2), *b = mx_gmm_alloc(2, 2);
    mx_gmm_work *wa = mx_gmm_work_alloc(2, 12, 2);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int i;
    for (i = 0; i < 12; i++) {
      double t = (double)(i % 6) - (i < 6 ? 4.0 : -1.0);
      X[2 * i] = 1e12 * t;
      X[2 * i + 1] = 1e12 * 2.0 * t;
    }
    ASSERT_INT_EQ(mx_gmm_init_data(a, wa, X, 12, MX_GMM_INIT_KMEANSPP, 11, r, &e), MX_OK);
    mx_gmm_copy(b, a);
    for (it = 0; it < 20; it++) {
      int ra, rb;
      mx_gmm_set_simd(1);
      ra = mx_gmm_iterate(a, X, 12, NULL, wa, &lla);
      mx_gmm_set_simd(0);
      rb = mx_gmm_iterate(b, X, 12, NULL, wa, &llb);
      mx_gmm_set_simd(1);
      ASSERT_INT_EQ(ra, rb);
      ASSERT_INT_EQ(a->collapsed[0], b->collapsed[0]);
      ASSERT_INT_EQ(a->collapsed[1], b->collapsed[1]);
      ASSERT_REL(lla, llb, 1e-12, 0.0);
    }
    ASSERT_TRUE(a->collapsed[0] == MX_GMM_COLLAPSE_NOTPD || a->collapsed[1] == MX_GMM_COLLAPSE_NOTPD);
    gsl_rng_free(r);
    mx_gmm_free(a);
    mx_gmm_free(b);
    mx_gmm_work_free(wa);
  }
}

int main(void) {
  mx_gmm_set_simd(1);
  if (!mx_gmm_simd_active()) {
    fprintf(stderr, "no AVX2 + FMA on this CPU (or no kernels in this build): skipped\n");
    return 77;
  }
  test_trajectories();
  test_e_step_points();
  test_predict();
  test_m_step();
  test_threads();
  test_edges();
  TEST_MAIN_END();
}
