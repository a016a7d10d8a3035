/* The fast paths of core/bernoulli (what the θ view runs on every threshold or
 * prior change) against the direct ones, on real MNIST digits: the bundled
 * sample always, the full set too when data/mnist (or $MIXSCOPE_DATA) has it.
 *   - mx_bern_grey_cut:        the same lit/dark decision as mx_binarize, every grey level;
 *   - mx_bern_count_hist:      the counts of mx_bern_count_images, exactly;
 *   - mx_bern_nll_hist:        mx_bern_nll_eval on the binarized test digits:
 *                              theta0/theta1/culprits/n_inf and the impossible digits
 *                              exactly, inf and NaN exactly where the direct path has
 *                              them, the sums to NLL_TOL relative (another order);
 *   - mx_bern_nb_evaluate_grey: mx_bern_nb_evaluate, bit for bit (both kernels);
 *   - mx_bern_lit_set:         exactly the pixels mx_binarize lights;
 *   - mx_bern_nb_evaluate_lit: the same predictions and confusion matrix.
 * The direct paths are themselves checked against numpy in test_bernoulli.c and
 * tests/ref/; here they are the reference. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixscope/bernoulli.h"
#include "mixscope/dataset.h"
#include "test.h"

/* Sums over 10,000 x 784 terms of size <= ~20 in another order: rounding
 * differences are ~1e-16 x (number of terms) relative at most, far below this. */
#define NLL_TOL 1e-11

/* Thresholds: the ends, the notes' 0.5, an odd one, then grey-level boundaries
 * and just off them, more odd ones (the full set runs the first 4 only: it is
 * 12 times the sample's work, slow under the sanitizers). */
static const double THR[] = {0.0,      1.0,           0.5,       0.123456,   1.0 / 255,
                             127.0 / 255, 0.49999,   127.5 / 255, 0.05,     0.3333333,
                             0.77,     254.0 / 255,   0.9999,    254.5 / 255};
#define NTHR ((int)(sizeof THR / sizeof THR[0]))

/* Priors (a = b) and estimate: raw MLE (θ = 0 and 1 exist), Laplace, weak,
 * strong, and MAP ones (a = 0.5 MAP clamps to 0 / 1: degenerate too). */
static const struct { double a; int map; } PRI[] = {
  {0.0, 0}, {1.0, 0}, {0.01, 0}, {1e4, 0}, {0.5, 1}, {2.0, 1}};
#define NPRI ((int)(sizeof PRI / sizeof PRI[0]))

static int same_special(double a, double b) {
  if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
  if (isinf(a) || isinf(b)) return a == b;
  return 1;
}

static void check_nll(const mx_bern_nll *h, const mx_bern_nll *e, const uint8_t *imp,
                      const double *per, size_t n, const uint32_t *cu_h, const uint32_t *cu_e,
                      size_t d, double thr, double a) {
  size_t i, bad = 0;
  ASSERT_INT_EQ(h->n, e->n);
  ASSERT_INT_EQ(h->n_inf, e->n_inf);
  ASSERT_INT_EQ(h->theta0, e->theta0);
  ASSERT_INT_EQ(h->theta1, e->theta1);
  ASSERT_INT_EQ(h->n_culprit, e->n_culprit);
  ASSERT_TRUE(memcmp(cu_h, cu_e, d * sizeof *cu_h) == 0);
  for (i = 0; i < n; i++) bad += (imp[i] != 0) != (isinf(per[i]) != 0);
  ASSERT_INT_EQ(bad, 0);
  /* NaN / ±inf exactly where the direct path has them, else NLL_TOL */
  ASSERT_TRUE(same_special(h->total, e->total));
  ASSERT_TRUE(same_special(h->notes_total, e->notes_total));
  ASSERT_TRUE(same_special(h->finite_mean, e->finite_mean));
  ASSERT_NEAR(h->total, e->total, NLL_TOL);
  ASSERT_NEAR(h->mean, e->mean, NLL_TOL);
  ASSERT_NEAR(h->finite_mean, e->finite_mean, NLL_TOL);
  ASSERT_NEAR(h->notes_total, e->notes_total, NLL_TOL);
  ASSERT_NEAR(h->notes_mean, e->notes_mean, NLL_TOL);
  if (mx_test_failures) fprintf(stderr, "  (threshold %.9g, a = %g)\n", thr, a);
}

/* One data set: the first nthr thresholds, every prior; checks that the cases
 * cover an infinite NLL, the notes' NaN and finite NLLs. */
/* The histograms built in pieces (begin, add in uneven chunks, end: a
 * background job's steps) equal the one-call build, byte for byte. */
static void hist_pieces(const mx_images *im, const mx_bern_hist *whole) {
  mx_bern_hist h;
  size_t i, step = 997;
  ASSERT_INT_EQ(mx_bern_hist_begin(&h, im, 1), MX_OK);
  for (i = 0; i < im->n; i += step) mx_bern_hist_add(&h, im, i, i + step);
  mx_bern_hist_end(&h, im);
  ASSERT_INT_EQ(h.n, whole->n);
  ASSERT_INT_EQ(h.k, whole->k);
  ASSERT_INT_EQ(h.d, whole->d);
  ASSERT_TRUE(h.ge16 && whole->ge16 &&
              memcmp(h.ge16, whole->ge16, whole->k * 256 * whole->d * sizeof *h.ge16) == 0);
  ASSERT_TRUE(memcmp(h.nc, whole->nc, sizeof h.nc) == 0);
  mx_bern_hist_free(&h);
}

static void run(const mx_mnist *mn, const char *name, int nthr) {
  const mx_images *tr = &mn->train, *te = &mn->test;
  size_t d = tr->d, n = te->n, i, j;
  mx_bern_counts ce, ch;
  mx_bern_hist htr, hte;
  mx_bern_lit lit;
  mx_bern m1, m10;
  uint8_t *tx = malloc(n * d), *imp = malloc(n), *lx = malloc(d);
  double *per = malloc(n * sizeof *per);
  uint32_t *cu_e = malloc(d * sizeof *cu_e), *cu_h = malloc(d * sizeof *cu_h);
  int8_t *pe = malloc(n), *pg = malloc(n), *pl = malloc(n);
  int t, p, v, saw_inf = 0, saw_nan = 0, saw_finite = 0, saw_none = 0, simd;
  size_t lit_bad = 0, lit_total = 0;
  fprintf(stderr, "%s: %zu train, %zu test digits\n", name, tr->n, n);
  ASSERT_TRUE(tx && imp && lx && per && cu_e && cu_h && pe && pg && pl);
  ASSERT_INT_EQ(mx_bern_counts_alloc(&ce, d), MX_OK);
  ASSERT_INT_EQ(mx_bern_counts_alloc(&ch, d), MX_OK);
  ASSERT_INT_EQ(mx_bern_hist_build(&htr, tr, 1), MX_OK);
  ASSERT_INT_EQ(mx_bern_hist_build(&hte, te, 0), MX_OK);
  ASSERT_INT_EQ(mx_bern_lit_alloc(&lit, te->pix, n, d), MX_OK);
  ASSERT_INT_EQ(mx_bern_alloc(&m1, 1, d), MX_OK);
  ASSERT_INT_EQ(mx_bern_alloc(&m10, MX_BERN_NCLASS, d), MX_OK);
  ASSERT_TRUE(htr.ge16 != NULL && hte.ge16 != NULL); /* MNIST classes fit 16 bits */
  ASSERT_INT_EQ(hte.n, n);
  ASSERT_INT_EQ(htr.n, tr->n);
  hist_pieces(tr, &htr);

  for (t = 0; t < nthr; t++) {
    double thr = THR[t];
    int cut = mx_bern_grey_cut(thr);
    uint8_t lut[1];
    /* the cut against mx_binarize, grey level by grey level */
    for (v = 0; v < 256; v++) {
      uint8_t g = (uint8_t)v;
      mx_binarize(&g, 1, thr, lut);
      if (lut[0] != (v > cut)) ASSERT_INT_EQ(v > cut, lut[0]);
    }
    mx_binarize(te->pix, n * d, thr, tx);
    /* counts: exactly */
    ASSERT_INT_EQ(mx_bern_count_images(&ce, tr, thr), MX_OK);
    ASSERT_INT_EQ(mx_bern_count_hist(&ch, &htr, thr), MX_OK);
    ASSERT_INT_EQ(ch.n, ce.n);
    ASSERT_TRUE(memcmp(ch.nc, ce.nc, sizeof ce.nc) == 0);
    ASSERT_TRUE(memcmp(ch.n1, ce.n1, d * sizeof *ce.n1) == 0);
    ASSERT_TRUE(memcmp(ch.n1c, ce.n1c, MX_BERN_NCLASS * d * sizeof *ce.n1c) == 0);
    ASSERT_NEAR(ch.threshold, thr, 0);
    /* lit lists: exactly the pixels mx_binarize lights */
    ASSERT_INT_EQ(mx_bern_lit_set(&lit, te->pix, thr), MX_OK);
    for (i = 0; i < n; i++) {
      memset(lx, 0, d);
      for (j = lit.start[i]; j < lit.start[i + 1]; j++) lx[lit.idx[j]] = 1;
      lit_bad += memcmp(lx, tx + i * d, d) != 0;
      lit_total += lit.start[i + 1] - lit.start[i];
    }
    ASSERT_INT_EQ(lit_bad, 0);
    for (p = 0; p < NPRI; p++) {
      mx_bern_nll e, h;
      mx_bern_nb_eval ee, eg, el;
      int rc1 = mx_bern_fit(&m1, &ce, PRI[p].a, PRI[p].a, PRI[p].map);
      int rc10 = mx_bern_fit(&m10, &ce, PRI[p].a, PRI[p].a, PRI[p].map);
      ASSERT_INT_EQ(rc1, MX_OK);
      if (rc1 == MX_OK) {
        ASSERT_INT_EQ(mx_bern_nll_eval(&m1, 0, tx, n, &e, cu_e, per), MX_OK);
        ASSERT_INT_EQ(mx_bern_nll_hist(&m1, 0, &hte, te->pix, thr, &h, cu_h, imp), MX_OK);
        check_nll(&h, &e, imp, per, n, cu_h, cu_e, d, thr, PRI[p].a);
        saw_inf += isinf(e.total) != 0;
        saw_nan += isnan(e.notes_total) != 0;
        saw_finite += isfinite(e.total) != 0;
      }
      if (rc10 != MX_OK) continue; /* a class with no training digit: not on MNIST */
      /* naive Bayes: grey input bit for bit, both kernels; lit lists: same predictions */
      ASSERT_INT_EQ(mx_bern_nb_evaluate(&m10, tx, te->labels, n, &ee, pe), MX_OK);
      for (simd = 0; simd < 2; simd++) {
        int prev = mx_bern_set_simd(simd);
        ASSERT_INT_EQ(mx_bern_nb_evaluate_grey(&m10, te->pix, thr, te->labels, n, &eg, pg), MX_OK);
        ASSERT_TRUE(memcmp(&eg, &ee, sizeof ee) == 0);
        ASSERT_TRUE(memcmp(pg, pe, n) == 0);
        mx_bern_set_simd(prev);
      }
      ASSERT_INT_EQ(mx_bern_nb_evaluate_lit(&m10, &lit, te->pix, te->labels, &el, pl), MX_OK);
      ASSERT_TRUE(memcmp(el.confusion, ee.confusion, sizeof ee.confusion) == 0);
      ASSERT_TRUE(memcmp(el.none_by_class, ee.none_by_class, sizeof ee.none_by_class) == 0);
      ASSERT_INT_EQ(el.correct, ee.correct);
      ASSERT_INT_EQ(el.none, ee.none);
      ASSERT_TRUE(memcmp(pl, pe, n) == 0);
      saw_none += ee.none > 0;
      if (mx_test_failures) {
        fprintf(stderr, "  (%s: threshold %.9g, a = %g, map %d)\n", name, thr, PRI[p].a,
                PRI[p].map);
        break;
      }
    }
  }
  /* the cases compared cover what matters: honest inf, the notes' NaN, finite
   * NLLs, "no class possible", and lists that are not empty */
  ASSERT_TRUE(saw_inf > 0 && saw_nan > 0 && saw_finite > 0);
  ASSERT_TRUE(lit_total > 0);
  fprintf(stderr, "  %d cases with an infinite NLL, %d with the notes' NaN, %d finite, %d with "
          "digits no class can explain\n", saw_inf, saw_nan, saw_finite, saw_none);
  mx_bern_counts_free(&ce);
  mx_bern_counts_free(&ch);
  mx_bern_hist_free(&htr);
  mx_bern_hist_free(&hte);
  mx_bern_lit_free(&lit);
  mx_bern_free(&m1);
  mx_bern_free(&m10);
  free(tx);
  free(imp);
  free(lx);
  free(per);
  free(cu_e);
  free(cu_h);
  free(pe);
  free(pg);
  free(pl);
}

/* Bit-identity of the naive Bayes kernels, in a way predictions can see: with
 * log π_c set to minus image i's exact sum for class c (mx_bern_nb_scores, the
 * scalar reference), every class scores exactly 0 for image i if and only if
 * the kernel's sums are the reference's bits, and the tie goes to class 0.
 * With the classes below k priced out, class k must win; over k = 0..8 a sum
 * one ulp off in any class, either way, moves a prediction (class 9: upwards).
 * Four copies of the image fill every lane of a 4-image pass. */
static void bit_identity(const mx_mnist *mn) {
  const mx_images *tr = &mn->train, *te = &mn->test;
  size_t d = tr->d, i, c;
  mx_bern_counts ce;
  mx_bern m;
  uint8_t *x4 = malloc(5 * d), y4[5] = {0, 0, 0, 0, 0};
  int8_t pred[5];
  double acc[MX_BERN_NCLASS];
  int simd, r, moved = 0;
  size_t k;
  mx_bern_nb_eval ev;
  ASSERT_TRUE(x4 != NULL);
  ASSERT_INT_EQ(mx_bern_counts_alloc(&ce, d), MX_OK);
  ASSERT_INT_EQ(mx_bern_alloc(&m, MX_BERN_NCLASS, d), MX_OK);
  ASSERT_INT_EQ(mx_bern_count_images(&ce, tr, 0.5), MX_OK);
  ASSERT_INT_EQ(mx_bern_fit(&m, &ce, 1.0, 1.0, 0), MX_OK);
  for (i = 0; i < 60 && i < te->n; i++) {
    mx_binarize(te->pix + i * d, d, 0.5, x4);
    for (r = 1; r < 5; r++) memcpy(x4 + (size_t)r * d, x4, d);
    memset(m.log_prior, 0, sizeof m.log_prior);
    mx_bern_nb_scores(&m, x4, acc); /* log π = 0: the bare sums */
    for (k = 0; k < MX_BERN_NCLASS - 1; k++) {
      /* classes below k out of the race: k must win the tie of k..9 at exactly 0 */
      for (c = 0; c < MX_BERN_NCLASS; c++) m.log_prior[c] = c < k ? -1e300 : -acc[c];
      for (simd = 0; simd < 2; simd++) {
        int prev = mx_bern_set_simd(simd);
        /* 5 images: one full pass of 4 and a tail of 1 */
        ASSERT_INT_EQ(mx_bern_nb_evaluate(&m, x4, y4, 5, &ev, pred), MX_OK);
        for (r = 0; r < 5; r++) moved += pred[r] != (int8_t)k;
        ASSERT_INT_EQ(mx_bern_nb_evaluate_grey(&m, te->pix + i * d, 0.5, y4, 1, &ev, pred), MX_OK);
        moved += pred[0] != (int8_t)k;
        mx_bern_set_simd(prev);
      }
    }
    for (c = 0; c < MX_BERN_NCLASS; c++) m.log_prior[c] = -acc[c];
    /* the same test can fail: one class a hair higher wins */
    m.log_prior[7] = nextafter(m.log_prior[7], INFINITY);
    ASSERT_INT_EQ(mx_bern_nb_evaluate(&m, x4, y4, 5, &ev, pred), MX_OK);
    ASSERT_INT_EQ(pred[3], 7);
  }
  ASSERT_INT_EQ(moved, 0);
  mx_bern_counts_free(&ce);
  mx_bern_free(&m);
  free(x4);
}

/* Small hand-made cases the real data may not reach: a pixel with θ = 1 that
 * a test digit leaves dark, a digit impossible at two pixels, threshold 1. */
static void hand_cases(void) {
  /* 4 images of 3 pixels, labels all 0; greys chosen around the 0.5 cut (127) */
  static const uint8_t pix[12] = {255, 0, 200,  255, 128, 0,  255, 0, 0,  255, 255, 0};
  static const uint8_t lab[4] = {0, 0, 0, 0};
  static const uint8_t tpix[9] = {255, 200, 200,  0, 0, 0,  0, 255, 255};
  static const uint8_t tlab[3] = {0, 0, 0};
  mx_images tr = {0}, te = {0};
  mx_bern_counts ce, ch;
  mx_bern_hist htr, hte;
  mx_bern m1;
  mx_bern_nll e, h;
  uint8_t tx[9], imp[3];
  double per[3];
  uint32_t cu_e[3], cu_h[3];
  double thr[3] = {0.5, 0.0, 1.0};
  int t;
  tr.n = 4; tr.d = 3; tr.rows = 1; tr.cols = 3; tr.pix = (uint8_t *)pix; tr.labels = (uint8_t *)lab;
  te.n = 3; te.d = 3; te.rows = 1; te.cols = 3; te.pix = (uint8_t *)tpix; te.labels = (uint8_t *)tlab;
  ASSERT_INT_EQ(mx_bern_counts_alloc(&ce, 3), MX_OK);
  ASSERT_INT_EQ(mx_bern_counts_alloc(&ch, 3), MX_OK);
  ASSERT_INT_EQ(mx_bern_hist_build(&htr, &tr, 1), MX_OK);
  ASSERT_INT_EQ(mx_bern_hist_build(&hte, &te, 0), MX_OK);
  ASSERT_INT_EQ(mx_bern_alloc(&m1, 1, 3), MX_OK);
  /* hand counts at 0.5: pixel 0 lit 4/4 (θ = 1), pixel 1 lit 2/4 (128, 255), pixel 2 1/4 */
  ASSERT_INT_EQ(mx_bern_count_hist(&ch, &htr, 0.5), MX_OK);
  ASSERT_INT_EQ(ch.n1[0], 4);
  ASSERT_INT_EQ(ch.n1[1], 2);
  ASSERT_INT_EQ(ch.n1[2], 1);
  ASSERT_INT_EQ(mx_bern_hist_lit(&htr, 0, 1, 127), 2);
  ASSERT_INT_EQ(mx_bern_hist_lit(&htr, 0, 1, 128), 1);
  ASSERT_INT_EQ(mx_bern_hist_lit(&htr, 0, 1, -1), 4);
  ASSERT_INT_EQ(mx_bern_hist_lit(&htr, 0, 0, 255), 0);
  for (t = 0; t < 3; t++) {
    ASSERT_INT_EQ(mx_bern_count_images(&ce, &tr, thr[t]), MX_OK);
    ASSERT_INT_EQ(mx_bern_count_hist(&ch, &htr, thr[t]), MX_OK);
    ASSERT_TRUE(memcmp(ch.n1c, ce.n1c, MX_BERN_NCLASS * 3 * sizeof *ce.n1c) == 0);
    ASSERT_INT_EQ(mx_bern_fit(&m1, &ce, 0, 0, 0), MX_OK);
    mx_binarize(tpix, 9, thr[t], tx);
    ASSERT_INT_EQ(mx_bern_nll_eval(&m1, 0, tx, 3, &e, cu_e, per), MX_OK);
    ASSERT_INT_EQ(mx_bern_nll_hist(&m1, 0, &hte, tpix, thr[t], &h, cu_h, imp), MX_OK);
    check_nll(&h, &e, imp, per, 3, cu_h, cu_e, 3, thr[t], 0);
  }
  /* at 0.5 by hand: θ = (1, 1/2, 1/4); test digit 1 (all dark) meets θ_0 = 1 dark:
   * impossible; digit 2 too; digit 0 = (1, 1, 1): log 1 + log 1/2 + log 1/4 */
  ASSERT_INT_EQ(mx_bern_count_images(&ce, &tr, 0.5), MX_OK);
  ASSERT_INT_EQ(mx_bern_fit(&m1, &ce, 0, 0, 0), MX_OK);
  ASSERT_INT_EQ(mx_bern_nll_hist(&m1, 0, &hte, tpix, 0.5, &h, cu_h, imp), MX_OK);
  ASSERT_INT_EQ(h.n_inf, 2);
  ASSERT_INT_EQ(imp[0], 0);
  ASSERT_INT_EQ(imp[1], 1);
  ASSERT_INT_EQ(imp[2], 1);
  ASSERT_INT_EQ(h.theta1, 1);
  ASSERT_INT_EQ(cu_h[0], 2);
  ASSERT_TRUE(isinf(h.total) && h.total > 0);
  ASSERT_NEAR(h.finite_mean, log(2.0) + log(4.0), 1e-15);
  /* the notes' formula has no θ = 0 here: −Σ x log θ = 2 log 2 + 2 log 4 (digits 0 and 2) */
  ASSERT_NEAR(h.notes_total, log(2.0) + log(4.0) + log(2.0) + log(4.0), 1e-15);
  /* bad arguments */
  ASSERT_INT_EQ(mx_bern_nll_hist(&m1, 1, &hte, tpix, 0.5, &h, NULL, imp), MX_EINVAL);
  ASSERT_INT_EQ(mx_bern_nll_hist(&m1, 0, &hte, tpix, NAN, &h, NULL, imp), MX_EINVAL);
  ASSERT_INT_EQ(mx_bern_nll_hist(&m1, 0, &hte, tpix, 0.5, &h, NULL, NULL), MX_EINVAL);
  ASSERT_INT_EQ(mx_bern_count_hist(&ch, &hte, 0.5), MX_EINVAL); /* not per class */
  mx_bern_counts_free(&ce);
  mx_bern_counts_free(&ch);
  mx_bern_hist_free(&htr);
  mx_bern_hist_free(&hte);
  mx_bern_hist_free(NULL);
  mx_bern_lit_free(NULL);
  mx_bern_free(&m1);
}

int main(void) {
  char dir[1024];
  mx_mnist mn;
  mx_error err;
  const char *env = getenv("MIXSCOPE_DATA");
  hand_cases();
  snprintf(dir, sizeof dir, "%s/assets/mnist-sample", mx_test_srcdir());
  memset(&mn, 0, sizeof mn);
  ASSERT_INT_EQ(mx_mnist_load(&mn, dir, &err), 0);
  if (mn.train.n) {
    bit_identity(&mn);
    run(&mn, "sample", NTHR);
  }
  mx_mnist_free(&mn);
  /* the full set when present (CI may not have it) */
  snprintf(dir, sizeof dir, "%s", env && *env ? env : "");
  if (!*dir) snprintf(dir, sizeof dir, "%s/data/mnist", mx_test_srcdir());
  memset(&mn, 0, sizeof mn);
  if (mx_mnist_load(&mn, dir, &err) == 0 && mn.train.n == 60000) run(&mn, "full MNIST", 4);
  else fprintf(stderr, "full MNIST not found (%s): sample only\n", dir);
  mx_mnist_free(&mn);
  TEST_MAIN_END();
}
