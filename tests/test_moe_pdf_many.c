/* mx_moe_cond_pdf_many / mx_mdn_cond_pdf_many (the MoE view's heatmap
 * columns: parameters evaluated once per x, K exponentials per target) against
 * the one-point log-density mx_moe_cond_logpdf / mx_mdn_cond_logpdf on fitted
 * models of Bishop's data, and a two-expert case worked by hand. */
#include <gsl/gsl_rng.h>

#include "mixscope/moe.h"
#include "test.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define NT 61

/* Every cell of a grid over (and beyond) the data: log of the column value
 * equals the one-point log-density to 1e-12 relative (both round exp/log
 * arguments of size up to ~|log p|); where the log-density is below the
 * smallest double, the column value is 0 or subnormal. Returns cells checked. */
static int compare_grid(const mx_moe *m, const mx_mdn *d) {
  double t[NT], p[NT];
  int i, j, bad = 0, cells = 0;
  for (j = 0; j < NT; j++) t[j] = -0.6 + 2.2 * j / (NT - 1);
  for (i = 0; i < 41; i++) {
    double x = -0.4 + 1.8 * i / 40;
    if (m) mx_moe_cond_pdf_many(m, x, t, NT, p);
    else mx_mdn_cond_pdf_many(d, x, t, NT, p);
    for (j = 0; j < NT; j++) {
      double lp = m ? mx_moe_cond_logpdf(m, x, t[j]) : mx_mdn_cond_logpdf(d, x, t[j]);
      int ok;
      if (lp > -700.0) ok = p[j] > 0.0 && fabs(log(p[j]) - lp) <= 1e-12 * fmax(1.0, fabs(lp));
      else ok = p[j] >= 0.0 && p[j] < 1e-300;
      if (!ok && bad++ < 5)
        fprintf(stderr, "x=%g t=%g: column %.17g, exp(logpdf) = exp(%.17g)\n", x, t[j], p[j], lp);
      cells++;
    }
  }
  ASSERT_INT_EQ(bad, 0);
  return cells;
}

static void test_fitted_models(void) {
  static const int cfg[][3] = {{3, 1, 30}, {5, 3, 60}, {1, 0, 1}}; /* K, degree, EM iterations */
  const int n = 1000;
  double x[1000], t[1000];
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  mx_error err;
  size_t q;
  int i;
  gsl_rng_set(r, 1);
  mx_moe_generate_bishop(r, n, x, t);
  for (q = 0; q < sizeof cfg / sizeof cfg[0]; q++) {
    mx_moe *m = mx_moe_alloc(n, cfg[q][0], cfg[q][1], 100, &err);
    ASSERT_TRUE(m != NULL);
    if (!m) continue;
    mx_moe_set_data(m, x, t, &err);
    gsl_rng_set(r, 1);
    ASSERT_INT_EQ(mx_moe_init(m, r, &err), MX_OK);
    for (i = 0; i < cfg[q][2]; i++) mx_moe_step(m, &err);
    ASSERT_TRUE(compare_grid(m, NULL) == 41 * NT);
    mx_moe_free(m);
  }
  {
    mx_mdn *d = mx_mdn_alloc(n, 3, 20, 300, &err);
    ASSERT_TRUE(d != NULL);
    if (d) {
      mx_mdn_set_data(d, x, t, &err);
      gsl_rng_set(r, 1);
      ASSERT_INT_EQ(mx_mdn_init(d, r, &err), MX_OK);
      for (i = 0; i < 200; i++) mx_mdn_step(d, &err);
      ASSERT_TRUE(compare_grid(NULL, d) == 41 * NT);
      mx_mdn_free(d);
    }
  }
  gsl_rng_free(r);
}

static void test_two_experts_by_hand(void) {
  /* K = 2, degree 0 (constant experts), gate V = 0 so π = (1/2, 1/2) at every x;
   * μ = (0, 1), σ² = (1, 4). At t = 0.5:
   *   p = ½ N(0.5 | 0, 1) + ½ N(0.5 | 1, 4)
   *     = ½ e^{−0.125}/√(2π) + ½ e^{−0.03125}/√(8π)
   *     = ½ (0.882496903/2.506628275) + ½ (0.969233234/5.013256549) ≈ 0.2726997
   * and at t = −1: ½ e^{−0.5}/√(2π) + ½ e^{−0.5}/√(8π) = (3/4) e^{−0.5}/√(2π). */
  double xs[3] = {0.0, 1.0, 2.0}, ts[3] = {0.0, 0.5, 1.0}, tq[2] = {0.5, -1.0}, p[2];
  mx_error err;
  mx_moe *m = mx_moe_alloc(3, 2, 0, 4, &err);
  ASSERT_TRUE(m != NULL);
  if (!m) return;
  mx_moe_set_data(m, xs, ts, &err);
  m->w[0] = 0.0;
  m->w[1] = 1.0;
  m->var[0] = 1.0;
  m->var[1] = 4.0;
  m->v[0] = m->v[1] = 0.0;
  mx_moe_cond_pdf_many(m, 7.0, tq, 2, p); /* any x: nothing depends on it */
  ASSERT_NEAR(p[0], 0.5 * exp(-0.125) / sqrt(2 * M_PI) + 0.5 * exp(-0.03125) / sqrt(8 * M_PI), 1e-15);
  ASSERT_NEAR(p[1], 0.75 * exp(-0.5) / sqrt(2 * M_PI), 1e-15);
  ASSERT_NEAR(p[0], 0.2726997, 1e-6);
  mx_moe_free(m);
}

int main(void) {
  test_two_experts_by_hand();
  test_fitted_models();
  TEST_MAIN_END();
}
