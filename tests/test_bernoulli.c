/* test_bernoulli — counts, Beta-prior θ (posterior mean and MAP), test NLL with
 * honest infinities, the notes' formula (NaN), and naive Bayes, on a hand-made
 * dataset of D = 3 pixels. Every expected value is worked out in the comments. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "mixscope/bernoulli.h"
#include "test.h"

/* Training set, 4 images of 3 pixels, labels 0 0 1 1:
 *   [1 0 0] y=0
 *   [1 1 0] y=0
 *   [0 1 0] y=1
 *   [1 1 0] y=1
 * n = 4, n1 = [3 3 0]; class 0: n=2, n1 = [2 1 0]; class 1: n=2, n1 = [1 2 0]. */
static const uint8_t TX[12] = {1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0};
static const uint8_t TY[4] = {0, 0, 1, 1};
/* Test images: t1 = [1 0 0], t2 = [0 0 1]. */
static const uint8_t SX[6] = {1, 0, 0, 0, 0, 1};

#define TOL 1e-14

static void test_counts(void) {
  mx_bern_counts c, g;
  mx_images im;
  /* The same set as grey levels: 1 -> 200 or 128 (lit at 0.5), 0 -> 0 or 127 (not lit). */
  uint8_t grey[12] = {200, 0, 127, 128, 255, 0, 127, 255, 0, 129, 130, 3};
  uint8_t lab[4] = {0, 0, 1, 1};
  ASSERT_INT_EQ(mx_bern_counts_alloc(&c, 3), MX_OK);
  ASSERT_INT_EQ(mx_bern_count_binary(&c, TX, TY, 4), MX_OK);
  ASSERT_INT_EQ(c.n, 4);
  ASSERT_INT_EQ(c.n1[0], 3);
  ASSERT_INT_EQ(c.n1[1], 3);
  ASSERT_INT_EQ(c.n1[2], 0);
  ASSERT_INT_EQ(c.nc[0], 2);
  ASSERT_INT_EQ(c.nc[1], 2);
  ASSERT_INT_EQ(c.nc[2], 0);
  ASSERT_INT_EQ(c.n1c[0 * 3 + 0], 2);
  ASSERT_INT_EQ(c.n1c[0 * 3 + 1], 1);
  ASSERT_INT_EQ(c.n1c[1 * 3 + 0], 1);
  ASSERT_INT_EQ(c.n1c[1 * 3 + 1], 2);
  ASSERT_INT_EQ(c.n1c[1 * 3 + 2], 0);

  im.n = 4;
  im.rows = 1;
  im.cols = 3;
  im.d = 3;
  im.pix = grey;
  im.labels = lab;
  ASSERT_INT_EQ(mx_bern_counts_alloc(&g, 3), MX_OK);
  ASSERT_INT_EQ(mx_bern_count_images(&g, &im, 0.5), MX_OK);
  ASSERT_INT_EQ(g.n, 4);
  ASSERT_INT_EQ(g.n1[0], 3);
  ASSERT_INT_EQ(g.n1[1], 3);
  ASSERT_INT_EQ(g.n1[2], 0);
  ASSERT_INT_EQ(g.n1c[1 * 3 + 1], 2);
  /* threshold 0: every non-zero grey is lit: columns [200 128 127 129]=4,
   * [0 255 255 130]=3, [127 0 0 3]=2. */
  ASSERT_INT_EQ(mx_bern_count_images(&g, &im, 0.0), MX_OK);
  ASSERT_INT_EQ(g.n1[0], 4);
  ASSERT_INT_EQ(g.n1[1], 3);
  ASSERT_INT_EQ(g.n1[2], 2);
  /* threshold < 0: everything lit (0/255 > -0.1); threshold 1: nothing. */
  ASSERT_INT_EQ(mx_bern_count_images(&g, &im, -0.1), MX_OK);
  ASSERT_INT_EQ(g.n1[2], 4);
  ASSERT_INT_EQ(mx_bern_count_images(&g, &im, 1.0), MX_OK);
  ASSERT_INT_EQ(g.n1[0] + g.n1[1] + g.n1[2], 0);
  /* bad label */
  lab[3] = 10;
  ASSERT_INT_EQ(mx_bern_count_images(&g, &im, 0.5), MX_ERANGE);
  /* size mismatch */
  im.d = 4;
  ASSERT_INT_EQ(mx_bern_count_images(&g, &im, 0.5), MX_EINVAL);
  mx_bern_counts_free(&g);
  mx_bern_counts_free(&c);
  mx_bern_counts_free(NULL);
  ASSERT_INT_EQ(mx_bern_counts_alloc(&g, 0), MX_EINVAL);
}

static void test_fit(void) {
  mx_bern_counts c;
  mx_bern m;
  mx_bern_counts_alloc(&c, 3);
  mx_bern_count_binary(&c, TX, TY, 4);
  ASSERT_INT_EQ(mx_bern_alloc(&m, 1, 3), MX_OK);

  /* raw MLE (a=b=0): n1/n = [3/4 3/4 0/4] */
  ASSERT_INT_EQ(mx_bern_fit(&m, &c, 0, 0, 0), MX_OK);
  ASSERT_NEAR(m.theta[0], 0.75, TOL);
  ASSERT_NEAR(m.theta[1], 0.75, TOL);
  ASSERT_TRUE(m.theta[2] == 0.0);
  ASSERT_TRUE(isinf(m.log1[2]) && m.log1[2] < 0); /* log 0 = -inf */
  ASSERT_TRUE(m.log0[2] == 0.0);                  /* log(1 - 0) = 0 exactly */
  ASSERT_NEAR(m.log1[0], log(0.75), TOL);
  ASSERT_NEAR(m.log0[0], log(0.25), TOL);

  /* Laplace (a=b=1): (n1+1)/(n+2) = [4/6 4/6 1/6] */
  ASSERT_INT_EQ(mx_bern_fit(&m, &c, 1, 1, 0), MX_OK);
  ASSERT_NEAR(m.theta[0], 4.0 / 6.0, TOL);
  ASSERT_NEAR(m.theta[2], 1.0 / 6.0, TOL);

  /* Beta(2,3) posterior mean: (n1+2)/(4+5) = [5/9 5/9 2/9] */
  ASSERT_INT_EQ(mx_bern_fit(&m, &c, 2, 3, 0), MX_OK);
  ASSERT_NEAR(m.theta[1], 5.0 / 9.0, TOL);
  ASSERT_NEAR(m.theta[2], 2.0 / 9.0, TOL);
  ASSERT_NEAR(m.a, 2.0, 0);
  ASSERT_NEAR(m.b, 3.0, 0);

  /* MAP a=b=1 is the MLE: pixel 0: α=4, β=2 -> (4-1)/(6-2) = 3/4;
   * pixel 2: α=1, β=5 -> α ≤ 1 ≤ β -> 0 (same as the formula (0)/(4) = 0). */
  ASSERT_INT_EQ(mx_bern_fit(&m, &c, 1, 1, 1), MX_OK);
  ASSERT_NEAR(m.theta[0], 0.75, TOL);
  ASSERT_TRUE(m.theta[2] == 0.0);
  ASSERT_INT_EQ(m.map, 1);
  /* MAP a=b=2: (n1+1)/(n+2) = [4/6 4/6 1/6] (α=2, β=6 for pixel 2: interior) */
  ASSERT_INT_EQ(mx_bern_fit(&m, &c, 2, 2, 1), MX_OK);
  ASSERT_NEAR(m.theta[0], 4.0 / 6.0, TOL);
  ASSERT_NEAR(m.theta[2], 1.0 / 6.0, TOL);
  /* MAP a=b=0 (Haldane): pixel 0: α=3, β=1 -> β ≤ 1 ≤ α -> mode 1;
   * pixel 2: α=0, β=4 -> 0. */
  ASSERT_INT_EQ(mx_bern_fit(&m, &c, 0, 0, 1), MX_OK);
  ASSERT_TRUE(m.theta[0] == 1.0);
  ASSERT_TRUE(m.theta[2] == 0.0);
  ASSERT_TRUE(isinf(m.log0[0]) && m.log0[0] < 0);
  /* MAP a=b=0.5: pixel 0: α=3.5, β=1.5 -> (3.5-1)/(5-2) = 2.5/3 */
  ASSERT_INT_EQ(mx_bern_fit(&m, &c, 0.5, 0.5, 1), MX_OK);
  ASSERT_NEAR(m.theta[0], 2.5 / 3.0, TOL);
  ASSERT_TRUE(m.theta[2] == 0.0); /* α=0.5, β=4.5 */

  /* Bad priors. */
  ASSERT_INT_EQ(mx_bern_fit(&m, &c, -1, 1, 0), MX_EINVAL);
  ASSERT_INT_EQ(mx_bern_fit(&m, &c, 1, NAN, 0), MX_EINVAL);
  ASSERT_INT_EQ(mx_bern_fit(&m, &c, INFINITY, 1, 0), MX_EINVAL);
  mx_bern_free(&m);

  /* Per class (K=10). Classes 2..9 have no images: with a=b=1, θ = 1/2 and
   * log prior = log 0 = -inf; with a=b=0 the posterior mean is 0/0: MX_EINVAL;
   * MAP with a=b=0.5 is bimodal (α=β=0.5): MX_EINVAL; MAP a=b=1 flat: 1/2. */
  ASSERT_INT_EQ(mx_bern_alloc(&m, 10, 3), MX_OK);
  ASSERT_INT_EQ(mx_bern_fit(&m, &c, 1, 1, 0), MX_OK);
  /* class 0: (n1+1)/(2+2) = [3/4 2/4 1/4]; class 1: [2/4 3/4 1/4] */
  ASSERT_NEAR(m.theta[0], 0.75, TOL);
  ASSERT_NEAR(m.theta[1], 0.5, TOL);
  ASSERT_NEAR(m.theta[2], 0.25, TOL);
  ASSERT_NEAR(m.theta[3 + 1], 0.75, TOL);
  ASSERT_NEAR(m.theta[5 * 3], 0.5, TOL);
  ASSERT_NEAR(m.log_prior[0], log(0.5), TOL);
  ASSERT_NEAR(m.log_prior[1], log(0.5), TOL);
  ASSERT_TRUE(isinf(m.log_prior[7]) && m.log_prior[7] < 0);
  ASSERT_INT_EQ(mx_bern_fit(&m, &c, 0, 0, 0), MX_EINVAL);
  ASSERT_INT_EQ(mx_bern_fit(&m, &c, 0.5, 0.5, 1), MX_EINVAL);
  ASSERT_INT_EQ(mx_bern_fit(&m, &c, 1, 1, 1), MX_OK);
  ASSERT_NEAR(m.theta[9 * 3], 0.5, 0);
  ASSERT_NEAR(m.theta[0], 1.0, TOL); /* class 0 pixel 0: n1=2 of 2, MAP a=b=1 = MLE = 1 */
  mx_bern_free(&m);
  mx_bern_free(NULL);
  ASSERT_INT_EQ(mx_bern_alloc(&m, 11, 3), MX_EINVAL);
  mx_bern_counts_free(&c);
}

static void test_nll(void) {
  mx_bern_counts c;
  mx_bern m;
  mx_bern_nll r;
  uint32_t culprit[3];
  double per[2], contrib[3], s;
  mx_bern_counts_alloc(&c, 3);
  mx_bern_count_binary(&c, TX, TY, 4);
  mx_bern_alloc(&m, 1, 3);

  /* Raw θ = [3/4 3/4 0].
   * t1 = [1 0 0]: log(3/4) + log(1/4) + log(1-0) = log(3/16); NLL = 1.6739764335716716
   * t2 = [0 0 1]: log(1/4) + log(1/4) + log 0 = -inf; NLL = +inf, culprit pixel 2.
   * The notes' -Σ x log θ: t1 has 0 · log θ_2 = 0 · (-inf) = NaN -> NaN. */
  mx_bern_fit(&m, &c, 0, 0, 0);
  ASSERT_INT_EQ(mx_bern_nll_eval(&m, 0, SX, 2, &r, culprit, per), MX_OK);
  ASSERT_INT_EQ(r.n, 2);
  ASSERT_INT_EQ(r.n_inf, 1);
  ASSERT_NEAR(per[0], 1.6739764335716716, TOL);
  ASSERT_TRUE(isinf(per[1]) && per[1] > 0);
  ASSERT_TRUE(isinf(r.total) && r.total > 0);
  ASSERT_TRUE(isinf(r.mean) && r.mean > 0);
  ASSERT_NEAR(r.finite_mean, 1.6739764335716716, TOL);
  ASSERT_TRUE(isnan(r.notes_total));
  ASSERT_TRUE(isnan(r.notes_mean));
  ASSERT_INT_EQ(r.theta0, 1);
  ASSERT_INT_EQ(r.theta1, 0);
  ASSERT_INT_EQ(r.n_culprit, 1);
  ASSERT_INT_EQ(culprit[0], 0);
  ASSERT_INT_EQ(culprit[1], 0);
  ASSERT_INT_EQ(culprit[2], 1);

  /* Contribution maps: t1 -> [log 3/4, log 1/4, 0 exactly (not NaN)];
   * t2 -> [log 1/4, log 1/4, -inf]. */
  s = mx_bern_loglik(&m, 0, SX, contrib);
  ASSERT_NEAR(s, log(3.0 / 16.0), TOL);
  ASSERT_NEAR(contrib[0], log(0.75), TOL);
  ASSERT_NEAR(contrib[1], log(0.25), TOL);
  ASSERT_TRUE(contrib[2] == 0.0);
  ASSERT_TRUE(!isnan(contrib[2]));
  s = mx_bern_loglik(&m, 0, SX + 3, contrib);
  ASSERT_TRUE(isinf(s) && s < 0);
  ASSERT_TRUE(isinf(contrib[2]) && contrib[2] < 0);
  ASSERT_NEAR(contrib[0], log(0.25), TOL);

  /* Laplace θ = [2/3 2/3 1/6].
   * t1: log(2/3) + log(1/3) + log(5/6) = log(5/27); NLL = log(27/5) = 1.6863989535702288
   * t2: log(1/3) + log(1/3) + log(1/6) = log(1/54); NLL = log 54   = 3.9889840465642745
   * total = log(27/5 · 54) = 5.675383000134503, mean = 2.8376915000672515.
   * Notes' formula: t1: -log(2/3) = log 1.5; t2: -log(1/6) = log 6; total = log 9
   * = 2.1972245773362196 (smaller than the true NLL: it drops the (1-x) log(1-θ) terms). */
  mx_bern_fit(&m, &c, 1, 1, 0);
  ASSERT_INT_EQ(mx_bern_nll_eval(&m, 0, SX, 2, &r, culprit, per), MX_OK);
  ASSERT_INT_EQ(r.n_inf, 0);
  ASSERT_NEAR(per[0], 1.6863989535702288, TOL);
  ASSERT_NEAR(per[1], 3.9889840465642745, TOL);
  ASSERT_NEAR(r.total, 5.675383000134503, TOL);
  ASSERT_NEAR(r.mean, 5.675383000134503 / 2, TOL);
  ASSERT_NEAR(r.finite_mean, 5.675383000134503 / 2, TOL);
  ASSERT_NEAR(r.notes_total, 2.1972245773362196, TOL);
  ASSERT_NEAR(r.notes_mean, 2.1972245773362196 / 2, TOL);
  ASSERT_INT_EQ(r.theta0, 0);
  ASSERT_INT_EQ(r.n_culprit, 0);
  ASSERT_INT_EQ(culprit[2], 0);

  /* MAP a=b=0: θ = [1 1 0] (pixel 1: α=3, β=1 -> 1).
   * t1 = [1 0 0]: pixel 1 is 0 where θ=1 -> -inf (a θ=1 culprit).
   * t2 = [0 0 1]: pixel 0 is 0 where θ=1, pixel 1 too, pixel 2 is 1 where θ=0.
   * culprit = [1 (t2), 2 (t1, t2), 1 (t2)], 3 culprit pixels, 2 infinite images. */
  mx_bern_fit(&m, &c, 0, 0, 1);
  ASSERT_INT_EQ(mx_bern_nll_eval(&m, 0, SX, 2, &r, culprit, NULL), MX_OK);
  ASSERT_INT_EQ(r.n_inf, 2);
  ASSERT_INT_EQ(r.theta0, 1);
  ASSERT_INT_EQ(r.theta1, 2);
  ASSERT_INT_EQ(r.n_culprit, 3);
  ASSERT_INT_EQ(culprit[0], 1);
  ASSERT_INT_EQ(culprit[1], 2);
  ASSERT_INT_EQ(culprit[2], 1);
  ASSERT_TRUE(isnan(r.finite_mean)); /* no finite image */
  /* Without the culprit array the counts are the same. */
  ASSERT_INT_EQ(mx_bern_nll_eval(&m, 0, SX, 2, &r, NULL, NULL), MX_OK);
  ASSERT_INT_EQ(r.n_culprit, 3);
  ASSERT_INT_EQ(mx_bern_nll_eval(&m, 1, SX, 2, &r, NULL, NULL), MX_EINVAL); /* k out of range */

  mx_bern_free(&m);
  mx_bern_counts_free(&c);
}

static void test_nb(void) {
  mx_bern_counts c;
  mx_bern m;
  mx_bern_nb_eval ev;
  double score[10];
  int8_t pred[4];
  /* Test set: [1 0 0] y0, [0 1 1] y1, [1 1 0] y0, [1 1 0] y1. */
  const uint8_t X[12] = {1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 1, 0};
  const uint8_t Y[4] = {0, 1, 0, 1};
  mx_bern_counts_alloc(&c, 3);
  mx_bern_count_binary(&c, TX, TY, 4);
  mx_bern_alloc(&m, 10, 3);
  /* Laplace per class: θ0 = [3/4 1/2 1/4], θ1 = [1/2 3/4 1/4], priors log(1/2).
   *  [1 0 0]: c0 log(1/2)+log(3/4 · 1/2 · 3/4) = log(1/2)+log(9/32)
   *           c1 log(1/2)+log(1/2 · 1/4 · 3/4) = log(1/2)+log(3/32)        -> 0
   *  [0 1 1]: c0 log(1/4 · 1/2 · 1/4) = log(1/32); c1 log(1/2 · 3/4 · 1/4) = log(3/32) -> 1
   *  [1 1 0]: c0 log(3/4 · 1/2 · 3/4) = log(9/32) = c1 log(1/2 · 3/4 · 3/4): an exact tie
   *           (same three logs summed) -> smallest index, 0. Right for y=0, wrong for y=1.
   *  Empty classes 2..9 have log prior -inf and never win.
   * accuracy 3/4; confusion [0][0]=2, [1][1]=1, [1][0]=1. */
  mx_bern_fit(&m, &c, 1, 1, 0);
  ASSERT_INT_EQ(mx_bern_nb_scores(&m, X, score), 0);
  ASSERT_NEAR(score[0], log(0.5) + log(9.0 / 32.0), TOL);
  ASSERT_NEAR(score[1], log(0.5) + log(3.0 / 32.0), TOL);
  ASSERT_TRUE(isinf(score[2]) && score[2] < 0);
  ASSERT_INT_EQ(mx_bern_nb_scores(&m, X + 3, score), 1);
  ASSERT_NEAR(score[0], log(0.5) + log(1.0 / 32.0), TOL);
  ASSERT_INT_EQ(mx_bern_nb_scores(&m, X + 6, score), 0);
  ASSERT_TRUE(score[0] == score[1]);
  ASSERT_INT_EQ(mx_bern_nb_evaluate(&m, X, Y, 4, &ev, pred), MX_OK);
  ASSERT_INT_EQ(ev.n, 4);
  ASSERT_INT_EQ(ev.correct, 3);
  ASSERT_NEAR(ev.accuracy, 0.75, 0);
  ASSERT_INT_EQ(ev.none, 0);
  ASSERT_INT_EQ(ev.confusion[0][0], 2);
  ASSERT_INT_EQ(ev.confusion[1][1], 1);
  ASSERT_INT_EQ(ev.confusion[1][0], 1);
  ASSERT_INT_EQ(ev.confusion[0][1], 0);
  ASSERT_INT_EQ(pred[0], 0);
  ASSERT_INT_EQ(pred[1], 1);
  ASSERT_INT_EQ(pred[2], 0);
  ASSERT_INT_EQ(pred[3], 0);

  /* Raw per-class θ, set by hand (a=b=0 per class is 0/0 for the empty
   * classes, so fit refuses it): θ0 = [1 1/2 0], θ1 = [1/2 1 0], others 1/2
   * with log prior -inf.
   *  [1 0 0]: c0 log 1 + log(1/2) + log 1 = log(1/2); c1: pixel 1 is 0 where θ=1 -> -inf -> 0
   *  [0 1 1]: c0: pixel 0 is 0 where θ=1 -> -inf; c1: pixel 2 is 1 where θ=0 -> -inf;
   *           every class -inf -> no class possible (-1).
   *  [1 1 0]: c0 log(1/2); c1 log(1/2): tie -> 0.
   * correct: images 0 and 2 -> 2/4; none = 1 (true class 1). */
  {
    const double th[6] = {1, 0.5, 0, 0.5, 1, 0};
    int k;
    memcpy(m.theta, th, sizeof th);
    for (k = 2; k < 10; k++) {
      m.theta[k * 3] = m.theta[k * 3 + 1] = m.theta[k * 3 + 2] = 0.5;
      m.log_prior[k] = -INFINITY;
    }
    m.log_prior[0] = m.log_prior[1] = log(0.5);
    mx_bern_update_logs(&m);
  }
  ASSERT_INT_EQ(mx_bern_nb_scores(&m, X + 3, score), -1);
  ASSERT_INT_EQ(mx_bern_nb_evaluate(&m, X, Y, 4, &ev, pred), MX_OK);
  ASSERT_INT_EQ(ev.correct, 2);
  ASSERT_INT_EQ(ev.none, 1);
  ASSERT_INT_EQ(ev.none_by_class[1], 1);
  ASSERT_NEAR(ev.accuracy, 0.5, 0);
  ASSERT_INT_EQ(pred[1], -1);
  ASSERT_INT_EQ(ev.confusion[0][0], 2);
  ASSERT_INT_EQ(ev.confusion[1][0], 1);
  ASSERT_INT_EQ(ev.confusion[1][1], 0);

  /* Needs K = 10. */
  {
    mx_bern one;
    mx_bern_alloc(&one, 1, 3);
    ASSERT_INT_EQ(mx_bern_nb_evaluate(&one, X, Y, 4, &ev, NULL), MX_EINVAL);
    mx_bern_free(&one);
  }
  mx_bern_free(&m);
  mx_bern_counts_free(&c);
}

int main(void) {
  test_counts();
  test_fit();
  test_nll();
  test_nb();
  TEST_MAIN_END();
}
