/* Tests of core/src/bmm.c (Bernoulli mixture EM).
 *
 * Expected values come from: a first iteration worked by hand in exact
 * fractions (below); a dense NumPy/SciPy implementation written from the
 * formulas, tests/ref/bmm_em.py, whose committed output tests/ref/bmm_em.out
 * is included here; the dense formula Σ_d x log θ + (1−x) log(1−θ) written out
 * in this file; and properties of EM (the log-posterior objective J of bmm.h
 * never decreases; with a Beta prior a, b > 1 every θ stays inside (0, 1)). */
#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "mixscope/bmm.h"
#include "mixscope/dataset.h"
#include "test.h"

#include "ref/bmm_em.out"

static gsl_rng *new_rng(unsigned long seed) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  return r;
}

/* ---- a first iteration by hand --------------------------------------------- */
/* D = 2, N = 3, K = 2, Beta(2, 2) prior (Laplace, α = 1), γ = 1.
 * x0 = (1,0), x1 = (0,1), x2 = (1,1); θ1 = (1/2, 1/2), θ2 = (3/4, 1/4), π = (1/2, 1/2).
 * p(x|θ1) = 1/4 for every x;  p(x0|θ2) = 9/16, p(x1|θ2) = 1/16, p(x2|θ2) = 3/16.
 * Joint π_k p(x|θ_k):  x0: (4/32, 9/32)  sum 13/32 -> r0 = (4/13, 9/13)
 *                      x1: (4/32, 1/32)  sum  5/32 -> r1 = (4/5, 1/5)
 *                      x2: (4/32, 3/32)  sum  7/32 -> r2 = (4/7, 3/7)
 * loglik = log(13·5·7 / 32³) = log(455/32768).
 * log prior = Σ log θ + log(1−θ) = 4 log(1/2) + 2 log(3/16) = log(9/4096).
 * M-step:  N1 = 4/13 + 4/5 + 4/7 = 764/455,   N2 = 9/13 + 1/5 + 3/7 = 601/455.
 *   S1 = (4/13 + 4/7, 4/5 + 4/7) = (80/91, 48/35),  S2 = (102/91, 22/35).
 *   θ = (S + 1)/(N + 2):  θ1 = (95/186, 1079/1674),  θ2 = (965/1511, 741/1511).
 *   π = N/3 = (764/1365, 601/1365). */
static void test_hand_iteration(void) {
  const uint8_t x[] = {1, 0, 0, 1, 1, 1};
  mx_bmm_data *data = NULL;
  mx_bmm *m = NULL;
  mx_error err;
  ASSERT_INT_EQ(mx_bmm_data_alloc(&data, x, 3, 2, &err), 0);
  ASSERT_INT_EQ(data->nnz, 4);
  ASSERT_INT_EQ(mx_bmm_alloc(&m, 2, 2, 3, mx_bmm_prior_laplace(1.0, 1.0), 1, &err), 0);
  m->theta[0] = 0.5, m->theta[1] = 0.5, m->theta[2] = 0.75, m->theta[3] = 0.25;
  m->pi[0] = m->pi[1] = 0.5;
  ASSERT_INT_EQ(mx_bmm_e_step(m, data), 0);
  ASSERT_NEAR(m->resp[0], 4.0 / 13, 1e-15);
  ASSERT_NEAR(m->resp[1], 9.0 / 13, 1e-15);
  ASSERT_NEAR(m->resp[2], 4.0 / 5, 1e-15);
  ASSERT_NEAR(m->resp[3], 1.0 / 5, 1e-15);
  ASSERT_NEAR(m->resp[4], 4.0 / 7, 1e-15);
  ASSERT_NEAR(m->resp[5], 3.0 / 7, 1e-15);
  ASSERT_NEAR(m->loglik, log(455.0 / 32768.0), 1e-15);
  ASSERT_NEAR(mx_bmm_log_prior(m), log(9.0 / 4096.0), 1e-15);
  ASSERT_NEAR(m->logpost, log(455.0 / 32768.0) + log(9.0 / 4096.0), 1e-15);
  ASSERT_INT_EQ(mx_bmm_m_step(m, data), 0);
  ASSERT_NEAR(m->nk[0], 764.0 / 455, 1e-15);
  ASSERT_NEAR(m->nk[1], 601.0 / 455, 1e-15);
  ASSERT_NEAR(m->theta[0], 95.0 / 186, 1e-15);
  ASSERT_NEAR(m->theta[1], 1079.0 / 1674, 1e-15);
  ASSERT_NEAR(m->theta[2], 965.0 / 1511, 1e-15);
  ASSERT_NEAR(m->theta[3], 741.0 / 1511, 1e-15);
  ASSERT_NEAR(m->pi[0], 764.0 / 1365, 1e-15);
  ASSERT_NEAR(m->pi[1], 601.0 / 1365, 1e-15);
  mx_bmm_free(m);
  mx_bmm_data_free(data);
}

/* ---- against the NumPy reference ------------------------------------------- */

#define RN 23
#define RD 10
#define RK 3

static void ref_setup(uint8_t *x, mx_bmm *m) {
  size_t n, d, k;
  for (n = 0; n < RN; n++)
    for (d = 0; d < RD; d++) x[n * RD + d] = (3 * n + 7 * d + n * d) % 5 < 2;
  if (!m) return;
  for (k = 0; k < RK; k++)
    for (d = 0; d < RD; d++)
      m->theta[k * RD + d] = 0.2 + 0.6 * (double)(((k + 1) * (d + 3)) % 7) / 6.0;
  m->pi[0] = 0.5, m->pi[1] = 0.3, m->pi[2] = 0.2;
}

static void check_against_ref(int semi, size_t nthreads, const double *ll, const double *lp,
                              const double *theta, const double *pi) {
  uint8_t x[RN * RD];
  mx_bmm_data *data = NULL;
  mx_bmm *m = NULL;
  mx_bmm_prior prior = {1.5, 2.5, 2.0};
  mx_error err;
  int fixed[RN], it;
  size_t i;
  ref_setup(x, NULL);
  ASSERT_INT_EQ(mx_bmm_data_alloc(&data, x, RN, RD, &err), 0);
  ASSERT_INT_EQ(mx_bmm_alloc(&m, RK, RD, RN, prior, nthreads, &err), 0);
  ref_setup(x, m);
  if (semi) {
    for (i = 0; i < RN; i++) fixed[i] = -1;
    fixed[0] = 0, fixed[5] = 1, fixed[10] = 2;
    ASSERT_INT_EQ(mx_bmm_set_fixed(m, fixed, &err), 0);
  }
  for (it = 0; it < 6; it++) {
    double before = NAN;
    /* alternate the fused iteration and the separate steps: same maths */
    if (it % 2 == 0) {
      ASSERT_INT_EQ(mx_bmm_iterate(m, data, &before), 0);
    } else {
      ASSERT_INT_EQ(mx_bmm_e_step(m, data), 0);
      before = m->logpost;
      ASSERT_INT_EQ(mx_bmm_m_step(m, data), 0);
    }
    ASSERT_NEAR(m->loglik, ll[it], 1e-13);
    ASSERT_NEAR(before, lp[it], 1e-13);
    if (semi) { /* labelled responsibilities stay one-hot */
      ASSERT_TRUE(m->resp[0 * RK + 0] == 1.0 && m->resp[0 * RK + 1] == 0.0 &&
                  m->resp[0 * RK + 2] == 0.0);
      ASSERT_TRUE(m->resp[5 * RK + 1] == 1.0 && m->resp[5 * RK + 0] == 0.0 &&
                  m->resp[5 * RK + 2] == 0.0);
      ASSERT_TRUE(m->resp[10 * RK + 2] == 1.0 && m->resp[10 * RK + 0] == 0.0 &&
                  m->resp[10 * RK + 1] == 0.0);
    }
  }
  for (i = 0; i < RK * RD; i++) ASSERT_NEAR(m->theta[i], theta[i], 1e-13);
  for (i = 0; i < RK; i++) ASSERT_NEAR(m->pi[i], pi[i], 1e-13);
  mx_bmm_free(m);
  mx_bmm_data_free(data);
}

static void test_numpy_reference(void) {
  size_t t;
  for (t = 1; t <= 3; t++) { /* 3 threads on 23 images: ranges of 7, 8, 8 */
    check_against_ref(0, t, ref_unsup_loglik, ref_unsup_logpost, ref_unsup_theta, ref_unsup_pi);
    check_against_ref(1, t, ref_semi_loglik, ref_semi_logpost, ref_semi_theta, ref_semi_pi);
  }
}

/* ---- sparse E-step against the dense formula ----------------------------- */

/* K = 7, 12, 15, 26 exercise the kernels' one-block walks (KP = 8), one
 * three-block walk (12), both (16: 12 + 4) and two three-block walks plus one
 * block (28). */
static void check_sparse_equals_dense(size_t K) {
  const size_t N = 200, D = 97;
  uint8_t *x = malloc(N * D);
  double *ref = malloc(K * sizeof *ref);
  mx_bmm_data *data = NULL;
  mx_bmm *m = NULL;
  gsl_rng *rng = new_rng(42);
  mx_error err;
  size_t n, d, k;
  double ll = 0.0, worst = 0.0;
  for (n = 0; n < N * D; n++) x[n] = gsl_rng_uniform(rng) < 0.2 + 0.6 * (double)(n % 3) / 2;
  for (d = 0; d < D; d++) x[5 * D + d] = 0; /* an all-off image */
  for (d = 0; d < D; d++) x[6 * D + d] = 1; /* an all-on image */
  ASSERT_INT_EQ(mx_bmm_data_alloc(&data, x, N, D, &err), 0);
  ASSERT_INT_EQ(mx_bmm_alloc(&m, K, D, N, mx_bmm_prior_laplace(0.5, 1.0), 2, &err), 0);
  for (k = 0; k < K * D; k++) m->theta[k] = 0.001 + 0.998 * gsl_rng_uniform(rng);
  for (k = 0; k < K; k++) m->pi[k] = (double)(k + 1) / (double)(K * (K + 1) / 2);
  ASSERT_INT_EQ(mx_bmm_e_step(m, data), 0);
  for (n = 0; n < N; n++) {
    double mx = -INFINITY, sum = 0.0, lse;
    for (k = 0; k < K; k++) {
      double s = log(m->pi[k]);
      for (d = 0; d < D; d++) {
        double th = m->theta[k * D + d];
        s += x[n * D + d] ? log(th) : log(1.0 - th);
      }
      ref[k] = s;
      if (s > mx) mx = s;
    }
    for (k = 0; k < K; k++) sum += exp(ref[k] - mx);
    lse = mx + log(sum);
    ll += lse;
    for (k = 0; k < K; k++) {
      double diff = fabs(m->resp[n * K + k] - exp(ref[k] - lse));
      if (diff > worst) worst = diff;
    }
  }
  ASSERT_TRUE(worst < 1e-12);
  ASSERT_NEAR(m->loglik, ll, 1e-13);
  /* scoring the same images gives the same total */
  {
    double ll2 = 0.0;
    ASSERT_INT_EQ(mx_bmm_score(m, data, NULL, &ll2, NULL, NULL), 0);
    ASSERT_NEAR(ll2, ll, 1e-13);
  }
  /* M-step against the dense sums: θ_kd = (Σ_n r_nk x_nd + α)/(N_k + 2α), α = 0.5 */
  {
    double *r = malloc(N * K * sizeof *r), worst_th = 0.0;
    memcpy(r, m->resp, N * K * sizeof *r);
    ASSERT_INT_EQ(mx_bmm_m_step(m, data), 0);
    for (k = 0; k < K; k++) {
      double nk = 0.0;
      for (n = 0; n < N; n++) nk += r[n * K + k];
      ASSERT_NEAR(m->nk[k], nk, 1e-12);
      ASSERT_NEAR(m->pi[k], nk / (double)N, 1e-12);
      for (d = 0; d < D; d++) {
        double sum = 0.0, th;
        for (n = 0; n < N; n++) sum += r[n * K + k] * x[n * D + d];
        th = (sum + 0.5) / (nk + 1.0);
        if (fabs(m->theta[k * D + d] - th) > worst_th) worst_th = fabs(m->theta[k * D + d] - th);
      }
    }
    ASSERT_TRUE(worst_th < 1e-13);
    free(r);
  }
  free(x);
  free(ref);
  gsl_rng_free(rng);
  mx_bmm_free(m);
  mx_bmm_data_free(data);
}

static void test_sparse_equals_dense(void) {
  check_sparse_equals_dense(7);
  check_sparse_equals_dense(12);
  check_sparse_equals_dense(15);
  check_sparse_equals_dense(26);
}

/* ---- EM properties on random data ------------------------------------------ */

/* Three prototypes with 10% pixel noise. */
static uint8_t *noisy_prototypes(size_t N, size_t D, gsl_rng *rng, uint8_t *labels) {
  uint8_t *x = malloc(N * D);
  size_t n, d;
  for (n = 0; n < N; n++) {
    size_t c = n % 3;
    labels[n] = (uint8_t)c;
    for (d = 0; d < D; d++) {
      int on = (d % 3) == c || (c == 2 && d < D / 2);
      if (gsl_rng_uniform(rng) < 0.1) on = !on;
      x[n * D + d] = (uint8_t)on;
    }
  }
  return x;
}

static void check_em_run(mx_bmm *m, const mx_bmm_data *data, int iters, const char *what) {
  double prev = -INFINITY, before;
  int it, bad_mono = 0, bad_theta = 0, bad_pi = 0;
  size_t i;
  for (it = 0; it < iters; it++) {
    double sum = 0.0;
    ASSERT_INT_EQ(mx_bmm_iterate(m, data, &before), 0);
    /* EM with the MAP M-step: J never decreases (to rounding) */
    if (before < prev - 1e-9 * fabs(prev)) {
      fprintf(stderr, "%s: iteration %d: J %.17g < previous %.17g\n", what, it, before, prev);
      bad_mono++;
    }
    prev = before;
    for (i = 0; i < m->k * m->d; i++)
      if (!(m->theta[i] > 0.0 && m->theta[i] < 1.0)) bad_theta++;
    for (i = 0; i < m->k; i++) sum += m->pi[i];
    if (fabs(sum - 1.0) > 1e-12) bad_pi++;
  }
  ASSERT_INT_EQ(bad_mono, 0);
  ASSERT_INT_EQ(bad_theta, 0);
  ASSERT_INT_EQ(bad_pi, 0);
}

static void test_em_properties(void) {
  const size_t N = 600, D = 60;
  uint8_t labels[600];
  gsl_rng *rng = new_rng(7);
  uint8_t *x = noisy_prototypes(N, D, rng, labels);
  mx_bmm_data *data = NULL;
  mx_error err;
  mx_bmm_prior priors[3] = {{2.0, 2.0, 1.0}, {1.01, 1.01, 1.0}, {1.5, 3.0, 5.0}};
  int p, init;
  ASSERT_INT_EQ(mx_bmm_data_alloc(&data, x, N, D, &err), 0);
  for (p = 0; p < 3; p++)
    for (init = 0; init < 2; init++) {
      mx_bmm *m = NULL;
      char what[64];
      snprintf(what, sizeof what, "prior %d init %s", p, init ? "random" : "kmeans++");
      ASSERT_INT_EQ(mx_bmm_alloc(&m, 5, D, N, priors[p], 2, &err), 0);
      if (init)
        ASSERT_INT_EQ(mx_bmm_init_random(m, data, rng, &err), 0);
      else
        ASSERT_INT_EQ(mx_bmm_init_kmeanspp(m, data, rng, NULL, &err), 0);
      check_em_run(m, data, 40, what);
      mx_bmm_free(m);
    }
  /* θ stays strictly inside (0, 1) even when a pixel is on (or off) in every image */
  {
    uint8_t *y = calloc(50 * 4, 1);
    mx_bmm_data *dy = NULL;
    mx_bmm *m = NULL;
    size_t n;
    for (n = 0; n < 50; n++) y[n * 4 + 0] = 1, y[n * 4 + 2] = (uint8_t)(n % 2);
    ASSERT_INT_EQ(mx_bmm_data_alloc(&dy, y, 50, 4, &err), 0);
    ASSERT_INT_EQ(mx_bmm_alloc(&m, 2, 4, 50, mx_bmm_prior_laplace(1e-6, 1.0), 1, &err), 0);
    ASSERT_INT_EQ(mx_bmm_init_kmeanspp(m, dy, rng, NULL, &err), 0);
    check_em_run(m, dy, 20, "always-on pixel");
    ASSERT_TRUE(m->theta[0] < 1.0 && m->theta[1] > 0.0);
    /* MAP: θ = (S + a−1)/(N_k + a+b−2), S = N_k for pixel 0, S = 0 for pixel 1 */
    ASSERT_NEAR(m->theta[0], (m->nk[0] + 1e-6) / (m->nk[0] + 2e-6), 1e-15);
    ASSERT_NEAR(m->theta[1], 1e-6 / (m->nk[0] + 2e-6), 1e-15);
    mx_bmm_free(m);
    mx_bmm_data_free(dy);
    free(y);
  }
  mx_bmm_data_free(data);
  free(x);
  gsl_rng_free(rng);
}

/* 1 and 2 threads agree to rounding on the same run. */
static void test_threads_agree(void) {
  const size_t N = 901, D = 45;
  uint8_t labels[901];
  gsl_rng *rng = new_rng(3);
  uint8_t *x = noisy_prototypes(N, D, rng, labels);
  mx_bmm_data *data = NULL;
  mx_bmm *m1 = NULL, *m2 = NULL;
  mx_error err;
  size_t i;
  int it;
  double worst = 0.0;
  ASSERT_INT_EQ(mx_bmm_data_alloc(&data, x, N, D, &err), 0);
  ASSERT_INT_EQ(mx_bmm_alloc(&m1, 4, D, N, mx_bmm_prior_laplace(1.0, 1.0), 1, &err), 0);
  ASSERT_INT_EQ(mx_bmm_alloc(&m2, 4, D, N, mx_bmm_prior_laplace(1.0, 1.0), 2, &err), 0);
  gsl_rng_set(rng, 11);
  ASSERT_INT_EQ(mx_bmm_init_kmeanspp(m1, data, rng, NULL, &err), 0);
  gsl_rng_set(rng, 11);
  ASSERT_INT_EQ(mx_bmm_init_kmeanspp(m2, data, rng, NULL, &err), 0);
  for (it = 0; it < 10; it++) {
    ASSERT_INT_EQ(mx_bmm_iterate(m1, data, NULL), 0);
    ASSERT_INT_EQ(mx_bmm_iterate(m2, data, NULL), 0);
  }
  ASSERT_NEAR(m2->loglik, m1->loglik, 1e-12);
  for (i = 0; i < 4 * D; i++)
    if (fabs(m1->theta[i] - m2->theta[i]) > worst) worst = fabs(m1->theta[i] - m2->theta[i]);
  ASSERT_TRUE(worst < 1e-12);
  mx_bmm_free(m1);
  mx_bmm_free(m2);
  mx_bmm_data_free(data);
  free(x);
  gsl_rng_free(rng);
}

/* ---- starts ---------------------------------------------------------------- */

static void test_kmeanspp(void) {
  /* N = K = 6 distinct images: every image becomes exactly one centre, with
   * θ = (x + a − 1)/(a + b − 1) = (x + 1)/3 under Beta(2, 2). */
  const size_t N = 6, D = 8;
  uint8_t x[6 * 8];
  int used[6] = {0};
  size_t chosen[6];
  mx_bmm_data *data = NULL;
  mx_bmm *m = NULL;
  gsl_rng *rng = new_rng(5);
  mx_error err;
  size_t n, d, k;
  for (n = 0; n < N; n++)
    for (d = 0; d < D; d++) x[n * D + d] = (uint8_t)((n >> (d % 3)) & 1) ^ (d == n);
  ASSERT_INT_EQ(mx_bmm_data_alloc(&data, x, N, D, &err), 0);
  ASSERT_INT_EQ(mx_bmm_alloc(&m, N, D, N, mx_bmm_prior_laplace(1.0, 1.0), 1, &err), 0);
  ASSERT_INT_EQ(mx_bmm_init_kmeanspp(m, data, rng, chosen, &err), 0);
  for (k = 0; k < N; k++) {
    int same = 1;
    ASSERT_TRUE(chosen[k] < N);
    if (chosen[k] >= N) continue;
    used[chosen[k]]++;
    for (d = 0; d < D; d++)
      if (fabs(m->theta[k * D + d] - (x[chosen[k] * D + d] + 1.0) / 3.0) > 1e-15) same = 0;
    ASSERT_TRUE(same);
    ASSERT_NEAR(m->pi[k], 1.0 / 6.0, 1e-15);
  }
  for (n = 0; n < N; n++) ASSERT_INT_EQ(used[n], 1);
  mx_bmm_free(m);
  /* all images identical: D² is 0 everywhere, still K distinct indices, no hang */
  memset(x, 0, sizeof x);
  x[3] = 1;
  for (n = 1; n < N; n++) memcpy(x + n * D, x, D);
  mx_bmm_data_free(data);
  ASSERT_INT_EQ(mx_bmm_data_alloc(&data, x, N, D, &err), 0);
  ASSERT_INT_EQ(mx_bmm_alloc(&m, 4, D, N, mx_bmm_prior_laplace(1.0, 1.0), 1, &err), 0);
  ASSERT_INT_EQ(mx_bmm_init_kmeanspp(m, data, rng, NULL, &err), 0);
  ASSERT_NEAR(m->theta[3 * D + 3], 2.0 / 3.0, 1e-15);
  mx_bmm_free(m);
  /* N < K */
  ASSERT_INT_EQ(mx_bmm_alloc(&m, 7, D, N, mx_bmm_prior_laplace(1.0, 1.0), 1, &err), 0);
  ASSERT_INT_EQ(mx_bmm_init_kmeanspp(m, data, rng, NULL, &err), MX_ECOUNT);
  ASSERT_STR_CONTAINS(err.msg, "N=6, K=7");
  mx_bmm_free(m);
  mx_bmm_data_free(data);
  gsl_rng_free(rng);
}

static void test_semi_supervised(void) {
  const size_t N = 300, D = 30;
  uint8_t labels[300];
  gsl_rng *rng = new_rng(9);
  uint8_t *x = noisy_prototypes(N, D, rng, labels);
  int fixed[300], fixed2[300];
  size_t n, d, count[3] = {0, 0, 0};
  mx_bmm_data *data = NULL;
  mx_bmm *m = NULL;
  mx_error err;
  size_t right = 0;
  double s[3][30] = {{0}};
  ASSERT_INT_EQ(mx_bmm_pick_labelled(labels, N, 3, 4, rng, fixed, &err), 0);
  for (n = 0; n < N; n++)
    if (fixed[n] >= 0) {
      ASSERT_INT_EQ(fixed[n], labels[n]);
      count[fixed[n]]++;
      for (d = 0; d < D; d++) s[fixed[n]][d] += x[n * D + d];
    }
  ASSERT_INT_EQ(count[0], 4);
  ASSERT_INT_EQ(count[1], 4);
  ASSERT_INT_EQ(count[2], 4);
  /* same seed, same choice; another seed, (almost surely) another choice */
  gsl_rng_set(rng, 123);
  ASSERT_INT_EQ(mx_bmm_pick_labelled(labels, N, 3, 4, rng, fixed, &err), 0);
  gsl_rng_set(rng, 123);
  ASSERT_INT_EQ(mx_bmm_pick_labelled(labels, N, 3, 4, rng, fixed2, &err), 0);
  ASSERT_TRUE(memcmp(fixed, fixed2, sizeof fixed) == 0);
  gsl_rng_set(rng, 124);
  ASSERT_INT_EQ(mx_bmm_pick_labelled(labels, N, 3, 4, rng, fixed2, &err), 0);
  ASSERT_TRUE(memcmp(fixed, fixed2, sizeof fixed) != 0);
  ASSERT_INT_EQ(mx_bmm_pick_labelled(labels, N, 3, 101, rng, fixed2, &err), MX_ECOUNT);
  ASSERT_STR_CONTAINS(err.msg, "class 0 has only 100");

  memset(s, 0, sizeof s);
  for (n = 0; n < N; n++)
    if (fixed[n] >= 0)
      for (d = 0; d < D; d++) s[fixed[n]][d] += x[n * D + d];
  ASSERT_INT_EQ(mx_bmm_data_alloc(&data, x, N, D, &err), 0);
  ASSERT_INT_EQ(mx_bmm_alloc(&m, 3, D, N, mx_bmm_prior_laplace(1.0, 1.0), 2, &err), 0);
  ASSERT_INT_EQ(mx_bmm_init_labelled(m, data, &err), MX_EINVAL); /* nothing fixed yet */
  ASSERT_INT_EQ(mx_bmm_set_fixed(m, fixed, &err), 0);
  ASSERT_INT_EQ(mx_bmm_init_labelled(m, data, &err), 0);
  /* naive Bayes on the labelled images: θ_cd = (Σ x + 1)/(4 + 2), π = 1/3 */
  for (d = 0; d < D; d++) {
    ASSERT_NEAR(m->theta[0 * D + d], (s[0][d] + 1.0) / 6.0, 1e-15);
    ASSERT_NEAR(m->theta[2 * D + d], (s[2][d] + 1.0) / 6.0, 1e-15);
  }
  ASSERT_NEAR(m->pi[1], 1.0 / 3.0, 1e-15);
  check_em_run(m, data, 15, "semi-supervised");
  ASSERT_INT_EQ(mx_bmm_e_step(m, data), 0);
  for (n = 0; n < N; n++)
    if (fixed[n] >= 0) {
      size_t k;
      for (k = 0; k < 3; k++) ASSERT_TRUE(m->resp[n * 3 + k] == (k == (size_t)fixed[n] ? 1.0 : 0.0));
    }
  /* components stay bound to their classes: nearly all of these easy images right */
  ASSERT_INT_EQ(mx_bmm_score(m, data, labels, NULL, &right, NULL), 0);
  ASSERT_TRUE(right >= 295);
  fixed[7] = 3;
  ASSERT_INT_EQ(mx_bmm_set_fixed(m, fixed, &err), MX_ERANGE);
  ASSERT_STR_CONTAINS(err.msg, "image 7 is 3");
  mx_bmm_free(m);
  mx_bmm_data_free(data);
  free(x);
  gsl_rng_free(rng);
}

/* ---- score / classify ------------------------------------------------------ */

static void test_score(void) {
  /* K = 2 in D = 2: θ1 = (0.9, 0.1), θ2 = (0.1, 0.9), π = (0.6, 0.4).
   * π_k p(x|θ_k):  (1,0): 0.6·0.81 = 0.486 vs 0.4·0.01 = 0.004 -> 0, p = 0.490
   *                (0,1): 0.6·0.01 = 0.006 vs 0.4·0.81 = 0.324 -> 1, p = 0.330
   *                (1,1) and (0,0): 0.6·0.09 = 0.054 vs 0.4·0.09 = 0.036 -> 0, p = 0.09
   * labels (0, 1, 1, 0): 3 right. */
  const uint8_t x[] = {1, 0, 0, 1, 1, 1, 0, 0};
  const uint8_t lab[] = {0, 1, 1, 0};
  mx_bmm_data *data = NULL;
  mx_bmm *m = NULL;
  mx_error err;
  size_t right = 0;
  int pred[4];
  double ll;
  ASSERT_INT_EQ(mx_bmm_data_alloc(&data, x, 4, 2, &err), 0);
  ASSERT_INT_EQ(mx_bmm_alloc(&m, 2, 2, 10, mx_bmm_prior_laplace(1.0, 1.0), 1, &err), 0);
  m->theta[0] = 0.9, m->theta[1] = 0.1, m->theta[2] = 0.1, m->theta[3] = 0.9;
  m->pi[0] = 0.6, m->pi[1] = 0.4;
  ASSERT_INT_EQ(mx_bmm_score(m, data, lab, &ll, &right, pred), 0);
  ASSERT_INT_EQ(pred[0], 0);
  ASSERT_INT_EQ(pred[1], 1);
  ASSERT_INT_EQ(pred[2], 0);
  ASSERT_INT_EQ(pred[3], 0);
  ASSERT_INT_EQ(right, 3);
  ASSERT_NEAR(ll, log(0.49) + log(0.33) + 2 * log(0.09), 1e-14);
  /* the model was made for N = 10 training images: steps refuse these 4 */
  ASSERT_INT_EQ(mx_bmm_e_step(m, data), MX_ESIZE);
  ASSERT_INT_EQ(mx_bmm_m_step(m, data), MX_ESIZE);
  ASSERT_INT_EQ(mx_bmm_init_kmeanspp(m, data, NULL, NULL, &err), MX_ESIZE);
  ASSERT_STR_CONTAINS(err.msg, "4 x 2");
  mx_bmm_free(m);
  mx_bmm_data_free(data);
}

/* ---- bad input ------------------------------------------------------------- */

static void test_errors(void) {
  const uint8_t bad[] = {0, 1, 0, 1, 2, 0};
  mx_bmm_data *data = (mx_bmm_data *)1;
  mx_bmm *m = (mx_bmm *)1;
  mx_error err;
  mx_bmm_prior p = {1.0, 2.0, 1.0};
  ASSERT_INT_EQ(mx_bmm_data_alloc(&data, bad, 2, 3, &err), MX_ERANGE);
  ASSERT_TRUE(data == NULL);
  ASSERT_STR_CONTAINS(err.msg, "image 1 pixel 1 is 2");
  ASSERT_INT_EQ(mx_bmm_data_alloc(&data, bad, 2, 0, &err), MX_EINVAL);
  ASSERT_INT_EQ(mx_bmm_alloc(&m, 2, 3, 4, p, 1, &err), MX_EINVAL);
  ASSERT_TRUE(m == NULL);
  ASSERT_STR_CONTAINS(err.msg, "a > 1 and b > 1");
  p.a = 2.0, p.gamma = 0.5;
  ASSERT_INT_EQ(mx_bmm_alloc(&m, 2, 3, 4, p, 1, &err), MX_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "gamma >= 1");
  p.gamma = 1.0;
  ASSERT_INT_EQ(mx_bmm_alloc(&m, 0, 3, 4, p, 1, &err), MX_EINVAL);
  ASSERT_INT_EQ(mx_bmm_alloc(&m, 2, 3, 4, p, 0, &err), MX_EINVAL);
  ASSERT_INT_EQ(mx_bmm_alloc(&m, 2, 3, 4, p, MX_BMM_MAX_THREADS + 1, &err), MX_EINVAL);
  ASSERT_INT_EQ(mx_bmm_alloc(&m, 2, 3, 4, p, 1, &err), 0);
  mx_bmm_free(m);
  mx_bmm_free(NULL);
  mx_bmm_data_free(NULL);
}

/* ---- the bundled MNIST sample ---------------------------------------------- */

static void test_mnist_sample(void) {
  char dir[MX_PATH_LEN];
  mx_mnist mn;
  mx_error err;
  mx_bmm_data *train = NULL, *test = NULL;
  mx_bmm *m = NULL;
  uint8_t *bin;
  gsl_rng *rng = new_rng(1);
  int fixed[5000];
  size_t right0 = 0, right = 0;
  snprintf(dir, sizeof dir, "%s/assets/mnist-sample", mx_test_srcdir());
  if (mx_mnist_load(&mn, dir, &err) != 0) {
    fprintf(stderr, "cannot load %s: %s\n", dir, err.msg);
    ASSERT_TRUE(0);
    return;
  }
  ASSERT_INT_EQ(mn.train.n, 5000);
  bin = malloc(mn.train.n * mn.train.d);
  mx_binarize(mn.train.pix, mn.train.n * mn.train.d, 0.5, bin);
  ASSERT_INT_EQ(mx_bmm_data_alloc(&train, bin, mn.train.n, mn.train.d, &err), 0);
  mx_binarize(mn.test.pix, mn.test.n * mn.test.d, 0.5, bin);
  ASSERT_INT_EQ(mx_bmm_data_alloc(&test, bin, mn.test.n, mn.test.d, &err), 0);
  /* unsupervised K = 10: J non-decreasing, θ inside (0,1), π sums to 1 */
  ASSERT_INT_EQ(mx_bmm_alloc(&m, 10, 784, 5000, mx_bmm_prior_laplace(1.0, 1.0), 2, &err), 0);
  ASSERT_INT_EQ(mx_bmm_init_kmeanspp(m, train, rng, NULL, &err), 0);
  check_em_run(m, train, 15, "mnist sample");
  mx_bmm_free(m);
  /* semi-supervised, 10 labels per class: EM on the unlabelled rest does not
   * lose much against naive Bayes on the 100 labelled digits, and both beat chance */
  ASSERT_INT_EQ(mx_bmm_alloc(&m, 10, 784, 5000, mx_bmm_prior_laplace(1.0, 1.0), 2, &err), 0);
  ASSERT_INT_EQ(mx_bmm_pick_labelled(mn.train.labels, 5000, 10, 10, rng, fixed, &err), 0);
  ASSERT_INT_EQ(mx_bmm_set_fixed(m, fixed, &err), 0);
  ASSERT_INT_EQ(mx_bmm_init_labelled(m, train, &err), 0);
  ASSERT_INT_EQ(mx_bmm_score(m, test, mn.test.labels, NULL, &right0, NULL), 0);
  check_em_run(m, train, 10, "mnist sample semi");
  ASSERT_INT_EQ(mx_bmm_score(m, test, mn.test.labels, NULL, &right, NULL), 0);
  fprintf(stderr, "sample semi-supervised L=10: test accuracy %.3f (labelled only %.3f)\n",
          right / 1000.0, right0 / 1000.0);
  ASSERT_TRUE(right0 > 400 && right > 400);
  mx_bmm_free(m);
  mx_bmm_data_free(train);
  mx_bmm_data_free(test);
  free(bin);
  mx_mnist_free(&mn);
  gsl_rng_free(rng);
}

int main(void) {
  test_hand_iteration();
  test_numpy_reference();
  test_sparse_equals_dense();
  test_em_properties();
  test_threads_agree();
  test_kmeanspp();
  test_semi_supervised();
  test_score();
  test_errors();
  test_mnist_sample();
  TEST_MAIN_END();
}
