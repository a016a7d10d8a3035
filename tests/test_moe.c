/* Tests for the mixture of experts (core/src/moe.c).
 * Expected values: hand calculation (K = 1 least squares on three points),
 * an independent NumPy/SciPy computation of one EM iteration
 * (tests/ref/moe_ref.py → tests/ref/moe_ref.json, committed), and recovery of
 * the known parameters of a simulated two-line mixture. */
#include <cjson/cJSON.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "mixscope/fileio.h"
#include "mixscope/moe.h"
#include "test.h"

#define PI_ 3.14159265358979323846

/* K = 1, degree 1 on (0,0), (1,1), (2,3): ordinary least squares by hand.
 *   x̄ = 1, t̄ = 4/3, Sxx = 1 + 0 + 1 = 2,
 *   Sxt = (−1)(−4/3) + 0·(−1/3) + (1)(5/3) = 3 → slope 3/2,
 *   intercept = 4/3 − 3/2 = −1/6.
 *   residuals: 0 − (−1/6) = 1/6, 1 − 4/3 = −1/3, 3 − 17/6 = 1/6
 *   RSS = 1/36 + 4/36 + 1/36 = 1/6, σ² = RSS/3 = 1/18
 *   loglik = −(3/2)(log(2π/18) + 1). */
static void test_single_expert_by_hand(void) {
  const double x[3] = {0, 1, 2}, t[3] = {0, 1, 3};
  const double ll = -1.5 * (log(2.0 * PI_ / 18.0) + 1.0);
  double coef[3], var, lr;
  mx_error err;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  mx_moe *m = mx_moe_alloc(3, 1, 1, 10, &err);
  ASSERT_TRUE(m != NULL);
  if (!m) return;
  ASSERT_INT_EQ(mx_moe_set_data(m, x, t, &err), MX_OK);
  ASSERT_INT_EQ(mx_moe_init(m, r, &err), MX_OK);
  /* Before any step: flat at one data point's t with σ² = var(t) = 14/9 (t̄ = 4/3,
   * Σ(t−t̄)² = 16/9 + 1/9 + 25/9 = 42/9, /3 = 14/9), gate weight 1. */
  ASSERT_NEAR(m->var[0], 14.0 / 9.0, 1e-14);
  ASSERT_NEAR(m->w[1], 0.0, 0);
  ASSERT_INT_EQ(m->hist_n, 1);
  ASSERT_INT_EQ(mx_moe_step(m, &err), MX_OK);
  ASSERT_NEAR(m->w[0], -1.0 / 6.0, 1e-13);
  ASSERT_NEAR(m->w[1], 1.5, 1e-13);
  ASSERT_NEAR(m->var[0], 1.0 / 18.0, 1e-13);
  ASSERT_NEAR(m->loglik, ll, 1e-13);
  ASSERT_INT_EQ(m->hist_n, 2);
  ASSERT_NEAR(m->ll_hist[1], ll, 1e-13);
  ASSERT_TRUE(m->ll_hist[1] >= m->ll_hist[0]);
  /* A second step changes nothing (a fixed point). */
  ASSERT_INT_EQ(mx_moe_step(m, &err), MX_OK);
  ASSERT_NEAR(m->w[1], 1.5, 1e-13);
  ASSERT_NEAR(m->loglik, ll, 1e-13);
  /* The separate baseline routine gives the same line. */
  ASSERT_INT_EQ(mx_moe_linreg(x, t, 3, 1, coef, &var, &lr, &err), MX_OK);
  ASSERT_NEAR(coef[0], -1.0 / 6.0, 1e-13);
  ASSERT_NEAR(coef[1], 1.5, 1e-13);
  ASSERT_NEAR(var, 1.0 / 18.0, 1e-13);
  ASSERT_NEAR(lr, ll, 1e-13);
  /* cond_logpdf at a data point: log N(3 | 17/6, 1/18) = −½(log(2π/18) + (1/36)·18) */
  ASSERT_NEAR(mx_moe_cond_logpdf(m, 2.0, 3.0), -0.5 * (log(2.0 * PI_ / 18.0) + 0.5), 1e-13);
  /* Degree 2 through three points fits exactly: t = x(x+1)/2 (0, 1, 3), so the
   * ML variance is 0 (residuals at rounding level count as 0) and the
   * log-likelihood is +inf. */
  ASSERT_INT_EQ(mx_moe_linreg(x, t, 3, 2, coef, &var, &lr, &err), MX_OK);
  ASSERT_NEAR(coef[0], 0.0, 1e-12);
  ASSERT_NEAR(coef[1], 0.5, 1e-12);
  ASSERT_NEAR(coef[2], 0.5, 1e-12);
  ASSERT_NEAR(var, 0.0, 0);
  ASSERT_TRUE(isinf(lr) && lr > 0);
  mx_moe_free(m);
  gsl_rng_free(r);
}

static double jnum(const cJSON *o, const char *key) {
  const cJSON *it = cJSON_GetObjectItem(o, key);
  return cJSON_IsNumber(it) ? it->valuedouble : NAN;
}
static double jat2(const cJSON *o, const char *key, int i, int j) {
  const cJSON *a = cJSON_GetArrayItem(cJSON_GetObjectItem(o, key), i);
  if (j >= 0) a = cJSON_GetArrayItem(a, j);
  return cJSON_IsNumber(a) ? a->valuedouble : NAN;
}

/* One EM iteration from fixed parameters vs the NumPy/SciPy reference. */
static void test_first_iteration_vs_numpy(void) {
  char path[1200], *txt = NULL;
  size_t len;
  mx_error err;
  cJSON *j;
  double x[12], t[12];
  int i, c, n;
  mx_moe *m;
  snprintf(path, sizeof path, "%s/tests/ref/moe_ref.json", mx_test_srcdir());
  ASSERT_INT_EQ(mx_file_read_all(path, &txt, &len, &err), MX_OK);
  if (!txt) return;
  j = cJSON_Parse(txt);
  free(txt);
  ASSERT_TRUE(j != NULL);
  if (!j) return;
  n = cJSON_GetArraySize(cJSON_GetObjectItem(j, "x"));
  ASSERT_INT_EQ(n, 12);
  for (i = 0; i < 12; i++) {
    x[i] = jat2(j, "x", i, -1);
    t[i] = jat2(j, "t", i, -1);
  }
  m = mx_moe_alloc(12, 2, 1, 4, &err);
  ASSERT_TRUE(m != NULL);
  if (!m) {
    cJSON_Delete(j);
    return;
  }
  ASSERT_INT_EQ(mx_moe_set_data(m, x, t, &err), MX_OK);
  for (c = 0; c < 2; c++) {
    for (i = 0; i < 2; i++) {
      m->w[c * 2 + i] = jat2(j, "w0", c, i);
      m->v[c * 2 + i] = jat2(j, "v0", c, i);
    }
    m->var[c] = jat2(j, "var0", c, -1);
  }
  ASSERT_INT_EQ(mx_moe_restart(m, &err), MX_OK);
  ASSERT_NEAR(m->loglik, jnum(j, "loglik0"), 1e-13);
  for (i = 0; i < 12; i++)
    for (c = 0; c < 2; c++) ASSERT_NEAR(m->resp[i * 2 + c], jat2(j, "resp0", i, c), 1e-13);
  /* Run the gate's Newton iteration to convergence so the M-step is exact. */
  m->gate_steps = 100;
  ASSERT_INT_EQ(mx_moe_step(m, &err), MX_OK);
  for (c = 0; c < 2; c++) {
    for (i = 0; i < 2; i++) ASSERT_NEAR(m->w[c * 2 + i], jat2(j, "w1", c, i), 1e-12);
    ASSERT_NEAR(m->var[c], jat2(j, "var1", c, -1), 1e-12);
  }
  for (i = 0; i < 2; i++) ASSERT_NEAR(m->v[i] - m->v[2 + i], jat2(j, "gate_diff1", i, -1), 1e-9);
  /* The Newton direction has no component along a common shift of the gates. */
  for (i = 0; i < 2; i++) ASSERT_NEAR(m->v[i] + m->v[2 + i], 0.0, 1e-12);
  ASSERT_NEAR(m->loglik, jnum(j, "loglik1"), 1e-10);
  ASSERT_INT_EQ(m->fallbacks, 0);
  cJSON_Delete(j);
  mx_moe_free(m);
}

/* The log-likelihood never decreases under (generalised) EM, for several K and degrees. */
static void test_monotone(void) {
  static const int cases[][3] = {{3, 1, 1}, {3, 3, 2}, {5, 3, 3}, {8, 5, 4}, {2, 0, 5}, {4, 7, 6}};
  size_t ci;
  const int n = 600, iters = 150;
  double *x = malloc(n * sizeof *x), *t = malloc(n * sizeof *t);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  for (ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
    mx_error err;
    mx_moe *m;
    int it, worst = -1;
    double worst_drop = 0.0;
    gsl_rng_set(r, (unsigned long)cases[ci][2]);
    mx_moe_generate_bishop(r, n, x, t);
    m = mx_moe_alloc(n, cases[ci][0], cases[ci][1], iters + 1, &err);
    ASSERT_TRUE(m != NULL);
    if (!m) continue;
    ASSERT_INT_EQ(mx_moe_set_data(m, x, t, &err), MX_OK);
    ASSERT_INT_EQ(mx_moe_init(m, r, &err), MX_OK);
    for (it = 0; it < iters; it++) {
      int rc = mx_moe_step(m, &err);
      if (rc != MX_OK) {
        ASSERT_INT_EQ(rc, MX_OK);
        fprintf(stderr, "K=%d P=%d: %s\n", cases[ci][0], cases[ci][1], err.msg);
        break;
      }
    }
    ASSERT_INT_EQ(m->hist_n, iters + 1);
    for (it = 1; it < m->hist_n; it++) {
      double drop = m->ll_hist[it - 1] - m->ll_hist[it];
      if (drop > worst_drop) {
        worst_drop = drop;
        worst = it;
      }
    }
    if (worst_drop > 1e-9 * fabs(m->ll_hist[0]))
      fprintf(stderr, "K=%d P=%d: loglik dropped by %g at iteration %d\n", cases[ci][0],
              cases[ci][1], worst_drop, worst);
    ASSERT_TRUE(worst_drop <= 1e-9 * fabs(m->ll_hist[0]));
    ASSERT_INT_EQ(m->fallbacks, 0);
    /* Better than the single regression line on this one-to-many problem
     * (K >= 2 experts that are at least lines). */
    if (cases[ci][0] >= 2 && cases[ci][1] >= 1) {
      double coef[2], var, lr;
      mx_moe_linreg(x, t, n, 1, coef, &var, &lr, &err);
      ASSERT_TRUE(m->loglik > lr + 100.0);
    }
    mx_moe_free(m);
  }
  free(x);
  free(t);
  gsl_rng_free(r);
}

/* Data from a known two-line mixture with a known logistic gate:
 *   x ~ U(−1, 1), z = 1 with prob σ(1 + 4x) (gate difference v_1 − v_2 = (1, 4)),
 *   z = 1: t = 1 + 2x + N(0, 0.1²);   z = 2: t = −1 − x + N(0, 0.2²).
 * With N = 20000 EM should recover these within sampling error. */
static void test_known_answer(void) {
  const int n = 20000;
  double *x = malloc(n * sizeof *x), *t = malloc(n * sizeof *t);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  mx_error err;
  mx_moe *m;
  int i, it, a, b;
  gsl_rng_set(r, 2024);
  for (i = 0; i < n; i++) {
    double xi = 2.0 * gsl_rng_uniform(r) - 1.0;
    double p1 = 1.0 / (1.0 + exp(-(1.0 + 4.0 * xi)));
    x[i] = xi;
    if (gsl_rng_uniform(r) < p1) t[i] = 1.0 + 2.0 * xi + gsl_ran_gaussian(r, 0.1);
    else t[i] = -1.0 - xi + gsl_ran_gaussian(r, 0.2);
  }
  m = mx_moe_alloc(n, 2, 1, 301, &err);
  ASSERT_TRUE(m != NULL);
  if (!m) return;
  mx_moe_set_data(m, x, t, &err);
  mx_moe_init(m, r, &err);
  for (it = 0; it < 300; it++) ASSERT_INT_EQ(mx_moe_step(m, &err), MX_OK);
  /* Match labels: expert a is the rising line. */
  a = m->w[1] > m->w[3] ? 0 : 1;
  b = 1 - a;
  fprintf(stderr, "known answer: w_a = (%g, %g) sd %g; w_b = (%g, %g) sd %g; gate diff (%g, %g)\n",
          m->w[a * 2], m->w[a * 2 + 1], sqrt(m->var[a]), m->w[b * 2], m->w[b * 2 + 1],
          sqrt(m->var[b]), m->v[a * 2] - m->v[b * 2], m->v[a * 2 + 1] - m->v[b * 2 + 1]);
  ASSERT_NEAR(m->w[a * 2], 1.0, 0.02);
  ASSERT_NEAR(m->w[a * 2 + 1], 2.0, 0.02);
  ASSERT_NEAR(sqrt(m->var[a]), 0.1, 0.005);
  ASSERT_NEAR(m->w[b * 2], -1.0, 0.02);
  ASSERT_NEAR(m->w[b * 2 + 1], -1.0, 0.03);
  ASSERT_NEAR(sqrt(m->var[b]), 0.2, 0.008);
  ASSERT_NEAR(m->v[a * 2] - m->v[b * 2], 1.0, 0.15);
  ASSERT_NEAR(m->v[a * 2 + 1] - m->v[b * 2 + 1], 4.0, 0.1); /* tol × |4| = 0.4 */
  ASSERT_INT_EQ(m->fallbacks, 0);
  mx_moe_free(m);
  free(x);
  free(t);
  gsl_rng_free(r);
}

/* Bishop's generator: t ∈ [0,1), x − t − 0.3 sin(2πt) ∈ [−0.1, 0.1]; seeded replay. */
static void test_generator(void) {
  const int n = 5000;
  double *x = malloc(n * sizeof *x), *t = malloc(n * sizeof *t), *x2 = malloc(n * sizeof *x2),
         *t2 = malloc(n * sizeof *t2), mean = 0.0;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  int i, bad = 0, same = 1;
  gsl_rng_set(r, 7);
  mx_moe_generate_bishop(r, n, x, t);
  gsl_rng_set(r, 7);
  mx_moe_generate_bishop(r, n, x2, t2);
  for (i = 0; i < n; i++) {
    double e = x[i] - t[i] - 0.3 * sin(2.0 * PI_ * t[i]);
    if (t[i] < 0.0 || t[i] >= 1.0 || e < -0.1 - 1e-12 || e > 0.1 + 1e-12) bad++;
    if (x[i] != x2[i] || t[i] != t2[i]) same = 0;
    mean += t[i];
  }
  ASSERT_INT_EQ(bad, 0);
  ASSERT_TRUE(same);
  /* mean of U(0,1) is 1/2 with sd 1/√(12·5000) ≈ 0.0041 */
  ASSERT_NEAR(mean / n, 0.5, 0.02);
  free(x);
  free(t);
  free(x2);
  free(t2);
  gsl_rng_free(r);
}

/* Gate weights sum to 1 and p(t | x) integrates to 1 over t (Simpson's rule). */
static void test_density_normalised(void) {
  const int n = 400;
  double *x = malloc(n * sizeof *x), *t = malloc(n * sizeof *t), pi[MX_MOE_MAX_K];
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  mx_moe *m = mx_moe_alloc(n, 4, 3, 30, NULL);
  int it, q, c;
  gsl_rng_set(r, 3);
  mx_moe_generate_bishop(r, n, x, t);
  mx_moe_set_data(m, x, t, NULL);
  mx_moe_init(m, r, NULL);
  for (it = 0; it < 25; it++) mx_moe_step(m, NULL);
  for (q = 0; q < 3; q++) {
    const double xs = 0.1 + 0.4 * q, lo = -3.0, hi = 4.0;
    const int steps = 20000;
    double s = 0.0, h = (hi - lo) / steps, sp = 0.0;
    int i;
    mx_moe_eval(m, xs, NULL, pi);
    for (c = 0; c < m->k; c++) sp += pi[c];
    ASSERT_NEAR(sp, 1.0, 1e-14);
    for (i = 0; i <= steps; i++) {
      double f = exp(mx_moe_cond_logpdf(m, xs, lo + i * h));
      s += f * (i == 0 || i == steps ? 1.0 : (i % 2 ? 4.0 : 2.0));
    }
    ASSERT_NEAR(s * h / 3.0, 1.0, 1e-8);
  }
  mx_moe_free(m);
  free(x);
  free(t);
  gsl_rng_free(r);
}

static void write_text(const char *path, const char *s) {
  FILE *f = fopen(path, "w");
  if (f) {
    fputs(s, f);
    fclose(f);
  }
}

static void test_csv(void) {
  char p[1200];
  double *x, *t;
  int n;
  mx_error err;
  snprintf(p, sizeof p, "%s/moe_good.csv", mx_test_scratch());
  write_text(p, "x,t\n# a comment\n0.5, 1.25\r\n\n-2,3e-1\n  7 ,  -8  \n");
  ASSERT_INT_EQ(mx_moe_read_csv(p, &x, &t, &n, &err), MX_OK);
  ASSERT_INT_EQ(n, 3);
  if (n == 3) {
    ASSERT_NEAR(x[0], 0.5, 0);
    ASSERT_NEAR(t[0], 1.25, 0);
    ASSERT_NEAR(x[1], -2.0, 0);
    ASSERT_NEAR(t[1], 0.3, 0);
    ASSERT_NEAR(x[2], 7.0, 0);
    ASSERT_NEAR(t[2], -8.0, 0);
  }
  free(x);
  free(t);

  snprintf(p, sizeof p, "%s/moe_badfield.csv", mx_test_scratch());
  write_text(p, "x,t\n1,2\n3,abc\n");
  ASSERT_INT_EQ(mx_moe_read_csv(p, &x, &t, &n, &err), MX_EPARSE);
  ASSERT_STR_CONTAINS(err.msg, "moe_badfield.csv:3");
  ASSERT_STR_CONTAINS(err.msg, "field 2 (t) 'abc'");
  ASSERT_TRUE(x == NULL && t == NULL && n == 0);

  snprintf(p, sizeof p, "%s/moe_three.csv", mx_test_scratch());
  write_text(p, "1,2\n1,2,3\n");
  ASSERT_INT_EQ(mx_moe_read_csv(p, &x, &t, &n, &err), MX_EPARSE);
  ASSERT_STR_CONTAINS(err.msg, ":2: expected 2 comma-separated fields (x,t), found 3");

  snprintf(p, sizeof p, "%s/moe_one.csv", mx_test_scratch());
  write_text(p, "1,2\n5\n");
  ASSERT_INT_EQ(mx_moe_read_csv(p, &x, &t, &n, &err), MX_EPARSE);
  ASSERT_STR_CONTAINS(err.msg, ":2: expected 2");

  /* A header is only allowed before the first row. */
  snprintf(p, sizeof p, "%s/moe_midheader.csv", mx_test_scratch());
  write_text(p, "1,2\nx,t\n");
  ASSERT_INT_EQ(mx_moe_read_csv(p, &x, &t, &n, &err), MX_EPARSE);
  ASSERT_STR_CONTAINS(err.msg, ":2: field 1 (x) 'x'");

  snprintf(p, sizeof p, "%s/moe_inf.csv", mx_test_scratch());
  write_text(p, "1,inf\n");
  ASSERT_INT_EQ(mx_moe_read_csv(p, &x, &t, &n, &err), MX_EPARSE);
  ASSERT_STR_CONTAINS(err.msg, ":1: field 2 (t) 'inf' is not a finite number");

  snprintf(p, sizeof p, "%s/moe_empty.csv", mx_test_scratch());
  write_text(p, "x,t\n# nothing\n");
  ASSERT_INT_EQ(mx_moe_read_csv(p, &x, &t, &n, &err), MX_EEMPTY);
  ASSERT_STR_CONTAINS(err.msg, "no data rows");

  snprintf(p, sizeof p, "%s/does-not-exist.csv", mx_test_scratch());
  ASSERT_TRUE(mx_moe_read_csv(p, &x, &t, &n, &err) < 0);
  ASSERT_STR_CONTAINS(err.msg, "does-not-exist.csv");
}

static void test_alloc_errors(void) {
  mx_error err;
  double x[2] = {0, NAN}, t[2] = {1, 2};
  mx_moe *m;
  ASSERT_TRUE(mx_moe_alloc(100, 0, 1, 1, &err) == NULL);
  ASSERT_STR_CONTAINS(err.msg, "K must be in 1..8");
  ASSERT_TRUE(mx_moe_alloc(100, 9, 1, 1, &err) == NULL);
  ASSERT_TRUE(mx_moe_alloc(100, 2, 8, 1, &err) == NULL);
  ASSERT_STR_CONTAINS(err.msg, "degree");
  ASSERT_TRUE(mx_moe_alloc(3, 2, 3, 1, &err) == NULL);
  ASSERT_STR_CONTAINS(err.msg, "at least 4 points");
  m = mx_moe_alloc(2, 1, 1, 1, &err);
  ASSERT_TRUE(m != NULL);
  ASSERT_INT_EQ(mx_moe_set_data(m, x, t, &err), MX_ENONFINITE);
  ASSERT_STR_CONTAINS(err.msg, "data point 2: x");
  mx_moe_free(m);
  mx_moe_free(NULL);
}

/* Mixture density network: the back-propagated gradient equals central finite
 * differences of the log-likelihood (an independent check of the derivation). */
static void test_mdn_gradient(void) {
  const int n = 40;
  double x[40], t[40], *th, *g;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  mx_error err;
  mx_mdn *d = mx_mdn_alloc(n, 3, 5, 10, &err);
  int i, bad = 0;
  double worst = 0.0;
  ASSERT_TRUE(d != NULL);
  if (!d) return;
  gsl_rng_set(r, 11);
  mx_moe_generate_bishop(r, n, x, t);
  ASSERT_INT_EQ(mx_mdn_set_data(d, x, t, &err), MX_OK);
  ASSERT_INT_EQ(mx_mdn_init(d, r, &err), MX_OK);
  ASSERT_INT_EQ(d->np, 2 * 5 + 9 * 5 + 9);
  /* move away from the initial point so every parameter matters */
  for (i = 0; i < d->np; i++) d->theta[i] += gsl_ran_gaussian(r, 0.3);
  th = malloc(d->np * sizeof *th);
  g = malloc(d->np * sizeof *g);
  mx_mdn_objective(d, d->theta, g);
  for (i = 0; i < d->np; i++) {
    const double h = 1e-6;
    double fp, fm, fd;
    memcpy(th, d->theta, d->np * sizeof *th);
    th[i] += h;
    fp = mx_mdn_objective(d, th, NULL);
    th[i] -= 2 * h;
    fm = mx_mdn_objective(d, th, NULL);
    fd = -(fp - fm) / (2 * h) / n; /* gradient of the mean NEGATIVE log-likelihood */
    if (fabs(fd - g[i]) > 1e-6 * fmax(1.0, fabs(fd))) bad++;
    if (fabs(fd - g[i]) > worst) worst = fabs(fd - g[i]);
  }
  fprintf(stderr, "mdn gradient check: %d parameters, worst |fd - grad| = %.3g\n", d->np, worst);
  ASSERT_INT_EQ(bad, 0);
  free(th);
  free(g);
  mx_mdn_free(d);
  gsl_rng_free(r);
}

/* Training raises the log-likelihood far above the single line, the density
 * integrates to 1 in t, and π and γ are distributions. */
static void test_mdn_train(void) {
  const int n = 500;
  double *x = malloc(n * sizeof *x), *t = malloc(n * sizeof *t), pi[MX_MOE_MAX_K], mu[MX_MOE_MAX_K],
         sg[MX_MOE_MAX_K], gm[MX_MOE_MAX_K], coef[2], var, lr;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  mx_error err;
  mx_mdn *d = mx_mdn_alloc(n, 3, 16, 2001, &err);
  int i, c;
  gsl_rng_set(r, 21);
  mx_moe_generate_bishop(r, n, x, t);
  mx_mdn_set_data(d, x, t, &err);
  mx_mdn_init(d, r, &err);
  for (i = 0; i < 2000; i++)
    if (mx_mdn_step(d, &err) != MX_OK) break;
  ASSERT_INT_EQ(i, 2000);
  ASSERT_INT_EQ(d->hist_n, 2001);
  ASSERT_NEAR(d->ll_hist[2000], d->loglik, 0);
  mx_moe_linreg(x, t, n, 1, coef, &var, &lr, &err);
  fprintf(stderr, "mdn: loglik %.3f after 2000 Adam steps (line: %.3f)\n", d->loglik, lr);
  ASSERT_TRUE(d->loglik > lr + 300.0);
  ASSERT_NEAR(d->loglik, mx_mdn_objective(d, d->theta, NULL), 1e-12);
  for (i = 0; i < 3; i++) {
    const double xs = 0.1 + 0.4 * i, lo = -3.0, hi = 4.0;
    const int steps = 20000;
    double s = 0.0, h = (hi - lo) / steps, sp = 0.0, sg_sum = 0.0;
    int q;
    mx_mdn_eval(d, xs, pi, mu, sg);
    mx_mdn_resp(d, xs, 0.5, gm);
    for (c = 0; c < 3; c++) {
      sp += pi[c];
      sg_sum += gm[c];
      ASSERT_TRUE(sg[c] > 0);
    }
    ASSERT_NEAR(sp, 1.0, 1e-14);
    ASSERT_NEAR(sg_sum, 1.0, 1e-14);
    for (q = 0; q <= steps; q++) {
      double f = exp(mx_mdn_cond_logpdf(d, xs, lo + q * h));
      s += f * (q == 0 || q == steps ? 1.0 : (q % 2 ? 4.0 : 2.0));
    }
    ASSERT_NEAR(s * h / 3.0, 1.0, 1e-8);
  }
  ASSERT_TRUE(mx_mdn_alloc(10, 0, 5, 1, &err) == NULL);
  ASSERT_STR_CONTAINS(err.msg, "components K");
  ASSERT_TRUE(mx_mdn_alloc(10, 2, 0, 1, &err) == NULL);
  ASSERT_STR_CONTAINS(err.msg, "hidden units");
  mx_mdn_free(d);
  mx_mdn_free(NULL);
  free(x);
  free(t);
  gsl_rng_free(r);
}

int main(void) {
  test_single_expert_by_hand();
  test_first_iteration_vs_numpy();
  test_monotone();
  test_known_answer();
  test_generator();
  test_density_normalised();
  test_csv();
  test_alloc_errors();
  test_mdn_gradient();
  test_mdn_train();
  TEST_MAIN_END();
}
