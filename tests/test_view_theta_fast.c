/* The θ view after its fast paths are in use (training histograms built by the
 * worker, test histogram, lit-pixel lists): at thresholds reached by the keys
 * and by `set`, what the view reports equals what the direct core paths give
 * on the binarized digits (mx_bern_count_images, mx_bern_nll_eval,
 * mx_bern_nb_evaluate — themselves checked against numpy in test_bernoulli.c
 * and test_view_theta.c): counts of impossible digits and θ = 0 pixels exactly,
 * inf / NaN exactly, mean NLLs to 1e-12 relative, naive Bayes accuracy exactly. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_test.h"
#include "mixscope/bernoulli.h"
#include "views/view_theta.h"

static mx_app *app;
static void *st;

typedef struct direct {
  size_t raw_theta0, raw_inf, fit_inf;
  double raw_nll, raw_notes, fit_nll, fit_notes, nb_acc;
} direct;

/* The direct computation at threshold thr, prior a (posterior mean). */
static direct compute(const mx_mnist *m, double thr, double a) {
  size_t d = m->train.d, n = m->test.n;
  mx_bern_counts c;
  mx_bern raw, fit, nb;
  mx_bern_nll r;
  mx_bern_nb_eval ev;
  uint8_t *tx = malloc(n * d);
  direct o;
  memset(&o, 0, sizeof o);
  ASSERT_TRUE(tx != NULL);
  ASSERT_INT_EQ(mx_bern_counts_alloc(&c, d), 0);
  ASSERT_INT_EQ(mx_bern_alloc(&raw, 1, d), 0);
  ASSERT_INT_EQ(mx_bern_alloc(&fit, 1, d), 0);
  ASSERT_INT_EQ(mx_bern_alloc(&nb, MX_BERN_NCLASS, d), 0);
  ASSERT_INT_EQ(mx_bern_count_images(&c, &m->train, thr), 0);
  mx_binarize(m->test.pix, n * d, thr, tx);
  ASSERT_INT_EQ(mx_bern_fit(&raw, &c, 0, 0, 0), 0);
  ASSERT_INT_EQ(mx_bern_nll_eval(&raw, 0, tx, n, &r, NULL, NULL), 0);
  o.raw_theta0 = r.theta0;
  o.raw_inf = r.n_inf;
  o.raw_nll = r.mean;
  o.raw_notes = r.notes_mean;
  ASSERT_INT_EQ(mx_bern_fit(&fit, &c, a, a, 0), 0);
  ASSERT_INT_EQ(mx_bern_nll_eval(&fit, 0, tx, n, &r, NULL, NULL), 0);
  o.fit_inf = r.n_inf;
  o.fit_nll = r.mean;
  o.fit_notes = r.notes_mean;
  ASSERT_INT_EQ(mx_bern_fit(&nb, &c, a, a, 0), 0);
  ASSERT_INT_EQ(mx_bern_nb_evaluate(&nb, tx, m->test.labels, n, &ev, NULL), 0);
  o.nb_acc = ev.accuracy;
  mx_bern_counts_free(&c);
  mx_bern_free(&raw);
  mx_bern_free(&fit);
  mx_bern_free(&nb);
  free(tx);
  return o;
}

static void check(const mx_mnist *m, double thr, double a) {
  mx_theta_info in;
  direct e = compute(m, thr, a);
  memset(&in, 0, sizeof in);
  mx_app_frame(app, 1.0 / 60.0);
  ASSERT_INT_EQ(mx_theta_view_info(st, &in), 0);
  ASSERT_NEAR(in.threshold, thr, 1e-12);
  ASSERT_NEAR(in.prior, a, 0);
  ASSERT_INT_EQ(in.raw_theta0, e.raw_theta0);
  ASSERT_INT_EQ(in.raw_inf, e.raw_inf);
  ASSERT_INT_EQ(in.fit_inf, e.fit_inf);
  ASSERT_NEAR(in.raw_nll, e.raw_nll, 1e-12); /* inf and NaN: exactly */
  ASSERT_NEAR(in.raw_notes, e.raw_notes, 1e-12);
  ASSERT_NEAR(in.fit_nll, e.fit_nll, 1e-12);
  ASSERT_NEAR(in.fit_notes, e.fit_notes, 1e-12);
  if (in.nb_ok) ASSERT_NEAR(in.nb_accuracy, e.nb_acc, 0);
  if (mx_test_failures) fprintf(stderr, "  (threshold %g, a = %g)\n", thr, a);
}

int main(void) {
  mx_error err;
  const mx_mnist *m;
  struct timespec pause = {0, 200000000}; /* 0.2 s */
  int k;
  app = mx_test_app(NULL, mx_test_sample_dir(), 1280, 800, &err);
  ASSERT_TRUE(app != NULL);
  if (!app) TEST_MAIN_END();
  ASSERT_INT_EQ(mx_app_set_view(app, "theta", &err), 0);
  st = mx_app_view_state(app, "theta");
  m = mx_app_mnist(app, NULL);
  ASSERT_TRUE(st != NULL && m != NULL);
  if (!st || !m) TEST_MAIN_END();
  /* the first numbers come from the images (the worker may still be building) */
  check(m, 0.5, 1.0);
  /* give the worker time (the sample's histograms take milliseconds; 1 s even
   * under the sanitizers), then every threshold change reads the histograms */
  for (k = 0; k < 5; k++) nanosleep(&pause, NULL);
  mx_test_key(app, SDLK_RIGHTBRACKET, KMOD_NONE);
  check(m, 0.55, 1.0);
  mx_test_key(app, SDLK_LEFTBRACKET, KMOD_NONE);
  mx_test_key(app, SDLK_LEFTBRACKET, KMOD_NONE);
  check(m, 0.45, 1.0);
  ASSERT_INT_EQ(mx_app_view_set(app, "threshold", "0", &err), 0);
  check(m, 0.0, 1.0);
  ASSERT_INT_EQ(mx_app_view_set(app, "threshold", "1", &err), 0);
  check(m, 1.0, 1.0);
  /* the naive Bayes panel: lit lists at a new threshold, then prior steps */
  ASSERT_INT_EQ(mx_app_view_set(app, "panel", "nb", &err), 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "threshold", "0.123456", &err), 0);
  check(m, 0.123456, 1.0);
  mx_test_key(app, SDLK_UP, KMOD_NONE);
  check(m, 0.123456, 2.0);
  ASSERT_INT_EQ(mx_app_view_set(app, "prior", "0.01", &err), 0);
  check(m, 0.123456, 0.01);
  ASSERT_INT_EQ(mx_app_view_set(app, "threshold", "0.7", &err), 0);
  ASSERT_INT_EQ(mx_app_view_set(app, "prior", "100", &err), 0);
  check(m, 0.7, 100.0);
  mx_app_destroy(app);
  TEST_MAIN_END();
}
