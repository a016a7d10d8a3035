/* Tests of the fast paths in core/src/bmm.c: the chunked E-then-M passes with
 * the vectorised exp (bmm_exp8) and responsibilities r = e · (1/Σe), and the
 * on-pixel lists built straight from grey pixels (mx_bmm_data_alloc_grey).
 *
 * Expected values come from a plain reference written in this file from the
 * formulas of bmm.h: one image at a time, each score summed in one chain over
 * the on-pixels, libm's exp and log, r = e / Σe, S and N_k summed in image
 * order. The library must agree with it, step by step, on the bundled MNIST
 * sample (5,000 real digits) to 1e-12 (relative for log-likelihoods, absolute
 * for r, θ and π, which lie in [0, 1]); on crafted scores that put exp's
 * argument anywhere in [−1400, 0] (including the libm fallback below −708 and
 * exp's underflow to 0) each r to 4 ulp. The grey-pixel lists must equal
 * mx_binarize + mx_bmm_data_alloc exactly. Two-thread runs must repeat bit for
 * bit. Passes cut into ranges (mx_bmm_pass_*), the labelled start's M-step in
 * pieces and the test digits scored in pieces (mx_bmm_score_range) must equal
 * the whole calls byte for byte. */
#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "mixscope/bmm.h"
#include "mixscope/dataset.h"
#include "test.h"

static gsl_rng *new_rng(unsigned long seed) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  return r;
}

/* ---- the reference ---------------------------------------------------------- */

/* E-step from theta (K, D), pi (K) for the images of data: resp (N, K), and
 * returns Σ_n ℓ_n. fixed (N) may be NULL. */
static double ref_e_step(const mx_bmm_data *data, const double *theta, const double *pi,
                         const int *fixed, size_t K, double *resp) {
  size_t n, k, d, D = data->d, j;
  double ll = 0.0, *c = malloc(K * sizeof *c), *s = malloc(K * sizeof *s);
  for (k = 0; k < K; k++) { /* c_k = log π_k + Σ_d log(1 − θ_kd) */
    double l1 = 0.0;
    for (d = 0; d < D; d++) l1 += log1p(-theta[k * D + d]);
    c[k] = log(pi[k]) + l1;
  }
  for (n = 0; n < data->n; n++) {
    double mx = -INFINITY, sum = 0.0;
    int f = fixed ? fixed[n] : -1;
    for (k = 0; k < K; k++) {
      s[k] = c[k];
      for (j = data->start[n]; j < data->start[n + 1]; j++) {
        double th = theta[k * D + data->idx[j]];
        s[k] += log(th) - log1p(-th);
      }
    }
    if (f >= 0) {
      ll += s[f];
      for (k = 0; k < K; k++) resp[n * K + k] = (k == (size_t)f) ? 1.0 : 0.0;
      continue;
    }
    for (k = 0; k < K; k++) mx = s[k] > mx ? s[k] : mx;
    for (k = 0; k < K; k++) sum += exp(s[k] - mx);
    for (k = 0; k < K; k++) resp[n * K + k] = exp(s[k] - mx) / sum;
    ll += mx + log(sum);
  }
  free(c);
  free(s);
  return ll;
}

/* M-step from resp: theta (K, D), pi (K). */
static void ref_m_step(const mx_bmm_data *data, const double *resp, size_t K, mx_bmm_prior pr,
                       double *theta, double *pi) {
  size_t n, k, j, D = data->d;
  double *S = calloc(K * D, sizeof *S), *nk = calloc(K, sizeof *nk), total = 0.0;
  for (n = 0; n < data->n; n++)
    for (k = 0; k < K; k++) {
      nk[k] += resp[n * K + k];
      for (j = data->start[n]; j < data->start[n + 1]; j++) S[k * D + data->idx[j]] += resp[n * K + k];
    }
  for (k = 0; k < K; k++) total += nk[k] + pr.gamma - 1.0;
  for (k = 0; k < K; k++) {
    for (j = 0; j < D; j++) theta[k * D + j] = (S[k * D + j] + pr.a - 1.0) / (nk[k] + pr.a + pr.b - 2.0);
    pi[k] = (nk[k] + pr.gamma - 1.0) / total;
  }
  free(S);
  free(nk);
}

static double max_abs_diff(const double *a, const double *b, size_t n) {
  double w = 0.0;
  size_t i;
  for (i = 0; i < n; i++) {
    double e = fabs(a[i] - b[i]);
    if (isnan(e)) return e;
    if (e > w) w = e;
  }
  return w;
}

/* ---- the bundled MNIST sample ------------------------------------------------ */

static mx_mnist MN;
static mx_bmm_data *TRAIN, *TEST;

static int load_sample(void) {
  char dir[MX_PATH_LEN];
  mx_error err;
  uint8_t *bin;
  snprintf(dir, sizeof dir, "%s/assets/mnist-sample", mx_test_srcdir());
  if (mx_mnist_load(&MN, dir, &err) != 0) {
    fprintf(stderr, "cannot load %s: %s\n", dir, err.msg);
    return -1;
  }
  bin = malloc(MN.train.n * MN.train.d);
  mx_binarize(MN.train.pix, MN.train.n * MN.train.d, 0.5, bin);
  if (mx_bmm_data_alloc(&TRAIN, bin, MN.train.n, MN.train.d, &err)) return -1;
  mx_binarize(MN.test.pix, MN.test.n * MN.test.d, 0.5, bin);
  if (mx_bmm_data_alloc(&TEST, bin, MN.test.n, MN.test.d, &err)) return -1;
  free(bin);
  return 0;
}

/* EM on the sample's 5,000 training digits (whole tiles of MX_BMM_CHUNK
 * images, summed pixel-major, and a tail summed image by image; threads split
 * on tile boundaries), each step checked against the reference started
 * from the library's parameters: iterate (fused E + M), then e_step and
 * m_step alone, then score on the test digits. */
static void check_em(const mx_bmm_data *train, size_t K, size_t T, int semi) {
  const size_t N = train->n, D = train->d;
  mx_bmm_prior pr = mx_bmm_prior_laplace(1.0, semi ? 2.0 : 1.0);
  mx_bmm *m = NULL;
  mx_error err;
  gsl_rng *rng = new_rng(7 + K);
  double *th = malloc(K * D * sizeof *th), *pi = malloc(K * sizeof *pi);
  double *th2 = malloc(K * D * sizeof *th2), *pi2 = malloc(K * sizeof *pi2);
  double *resp = malloc(N * K * sizeof *resp), ll, tll;
  int *fixed = malloc(N * sizeof *fixed), *pred = malloc(TEST->n * sizeof *pred), it;
  size_t i, right, wrong_pred = 0;
  ASSERT_INT_EQ(mx_bmm_alloc(&m, K, D, N, pr, T, &err), 0);
  if (semi) {
    ASSERT_INT_EQ(mx_bmm_pick_labelled(MN.train.labels, N, 10, 20, rng, fixed, &err), 0);
    ASSERT_INT_EQ(mx_bmm_set_fixed(m, fixed, &err), 0);
    ASSERT_INT_EQ(mx_bmm_init_labelled(m, train, &err), 0);
  } else {
    ASSERT_INT_EQ(mx_bmm_init_kmeanspp(m, train, rng, NULL, &err), 0);
  }
  for (it = 0; it < 4; it++) {
    memcpy(th, m->theta, K * D * sizeof *th);
    memcpy(pi, m->pi, K * sizeof *pi);
    ll = ref_e_step(train, th, pi, semi ? fixed : NULL, K, resp);
    ref_m_step(train, resp, K, pr, th2, pi2);
    ASSERT_INT_EQ(mx_bmm_iterate(m, train, NULL), 0);
    ASSERT_NEAR(m->loglik, ll, 1e-12);
    ASSERT_TRUE(max_abs_diff(m->resp, resp, N * K) <= 1e-12);
    ASSERT_TRUE(max_abs_diff(m->theta, th2, K * D) <= 1e-12);
    ASSERT_TRUE(max_abs_diff(m->pi, pi2, K) <= 1e-12);
  }
  /* the two steps alone: E from the current θ, then M from those resp */
  memcpy(th, m->theta, K * D * sizeof *th);
  memcpy(pi, m->pi, K * sizeof *pi);
  ll = ref_e_step(train, th, pi, semi ? fixed : NULL, K, resp);
  ASSERT_INT_EQ(mx_bmm_e_step(m, train), 0);
  ASSERT_NEAR(m->loglik, ll, 1e-12);
  ASSERT_TRUE(max_abs_diff(m->resp, resp, N * K) <= 1e-12);
  ref_m_step(train, m->resp, K, pr, th2, pi2);
  ASSERT_INT_EQ(mx_bmm_m_step(m, train), 0);
  ASSERT_TRUE(max_abs_diff(m->theta, th2, K * D) <= 1e-12);
  ASSERT_TRUE(max_abs_diff(m->pi, pi2, K) <= 1e-12);
  /* scoring the 1,000 test digits: log-likelihood, and argmax of the scores */
  tll = ref_e_step(TEST, m->theta, m->pi, NULL, K, resp);
  ll = NAN;
  ASSERT_INT_EQ(mx_bmm_score(m, TEST, MN.test.labels, &ll, &right, pred), 0);
  ASSERT_NEAR(ll, tll, 1e-12);
  for (i = 0; i < TEST->n; i++) {
    size_t k, best = 0;
    for (k = 1; k < K; k++)
      if (resp[i * K + k] > resp[i * K + best]) best = k;
    /* a tie to ~1e-12 could pick either; none is expected on real digits */
    if ((size_t)pred[i] != best && resp[i * K + pred[i]] < resp[i * K + best] - 1e-9) wrong_pred++;
  }
  ASSERT_INT_EQ(wrong_pred, 0);
  fprintf(stderr, "K=%zu T=%zu semi=%d: loglik %.10g, agrees with the reference\n", K, T, semi,
          m->loglik);
  mx_bmm_free(m);
  gsl_rng_free(rng);
  free(th);
  free(pi);
  free(th2);
  free(pi2);
  free(resp);
  free(fixed);
  free(pred);
}

static void test_em_matches_reference(void) {
  mx_bmm_data first = *TRAIN;
  check_em(TRAIN, 10, 1, 0); /* 12 lanes: three blocks per walk */
  check_em(TRAIN, 10, 2, 0);
  check_em(TRAIN, 9, 1, 0);  /* compact (D, 8) + (D, 2) table, lane 9 unused */
  check_em(TRAIN, 9, 2, 0);
  check_em(TRAIN, 3, 1, 0);  /* one block */
  check_em(TRAIN, 8, 2, 0);  /* two single blocks */
  check_em(TRAIN, 13, 2, 0); /* three blocks, then one */
  check_em(TRAIN, 30, 1, 0); /* 32 lanes */
  check_em(TRAIN, 10, 2, 1); /* semi-supervised: labelled rows one-hot */
  first.n = 3001; /* the first n images, as the bmm view uses them: tiles built for more */
  check_em(&first, 10, 2, 0);
}

/* Two-thread runs repeat bit for bit; one and two threads agree to rounding. */
static void test_deterministic(void) {
  const size_t N = TRAIN->n, D = TRAIN->d, K = 10;
  mx_bmm *m[3] = {NULL, NULL, NULL};
  mx_error err;
  size_t r, T[3] = {2, 2, 1};
  int it;
  for (r = 0; r < 3; r++) {
    gsl_rng *rng = new_rng(3);
    ASSERT_INT_EQ(mx_bmm_alloc(&m[r], K, D, N, mx_bmm_prior_laplace(1.0, 1.0), T[r], &err), 0);
    ASSERT_INT_EQ(mx_bmm_init_kmeanspp(m[r], TRAIN, rng, NULL, &err), 0);
    for (it = 0; it < 5; it++) ASSERT_INT_EQ(mx_bmm_iterate(m[r], TRAIN, NULL), 0);
    gsl_rng_free(rng);
  }
  ASSERT_TRUE(memcmp(m[0]->theta, m[1]->theta, K * D * sizeof(double)) == 0);
  ASSERT_TRUE(memcmp(m[0]->resp, m[1]->resp, N * K * sizeof(double)) == 0);
  ASSERT_TRUE(m[0]->loglik == m[1]->loglik);
  ASSERT_NEAR(m[2]->loglik, m[0]->loglik, 1e-12);
  ASSERT_TRUE(max_abs_diff(m[2]->theta, m[0]->theta, K * D) <= 1e-12);
  for (r = 0; r < 3; r++) mx_bmm_free(m[r]);
}

/* ---- passes in pieces ---------------------------------------------------------- */

/* One pass of what as begin, ranges of cut[0], cut[1], ... tiles (cycling;
 * 0 = the rest at once), end. */
static int pieces_pass(mx_bmm *m, const mx_bmm_data *data, int what, const size_t *cut,
                       size_t ncut) {
  size_t i = 0, c = 0;
  int rc = mx_bmm_pass_begin(m, data, what);
  while (!rc && i < m->n) {
    size_t tiles = cut[c++ % ncut], e = tiles ? i + tiles * MX_BMM_CHUNK : m->n;
    if (e > m->n) e = m->n;
    rc = mx_bmm_pass_range(m, data, i, e);
    i = e;
  }
  return rc ? rc : mx_bmm_pass_end(m);
}

/* The model's numbers equal byte for byte. */
static int same_model(const mx_bmm *a, const mx_bmm *b) {
  const size_t K = a->k, D = a->d, N = a->n;
  return memcmp(a->theta, b->theta, K * D * sizeof *a->theta) == 0 &&
         memcmp(a->pi, b->pi, K * sizeof *a->pi) == 0 &&
         memcmp(a->nk, b->nk, K * sizeof *a->nk) == 0 &&
         memcmp(a->resp, b->resp, N * K * sizeof *a->resp) == 0 &&
         memcmp(&a->loglik, &b->loglik, sizeof a->loglik) == 0 &&
         memcmp(&a->logpost, &b->logpost, sizeof a->logpost) == 0;
}

/* Passes cut into ranges of 1, 2, (3, 1, 5) tiles, or (7, the rest) equal
 * the whole steps byte for byte (θ, π, N_k, resp, loglik, J) on the sample:
 * 1, 2 and 3 shares (ranges then cross share boundaries), the 3,001-image
 * prefix (a part tile), semi-supervised. Then the misuse codes. */
static void test_pass_pieces(void) {
  static const size_t cut1[] = {1}, cut2[] = {2}, cut3[] = {3, 1, 5}, cut4[] = {7, 0};
  static const size_t *cuts[] = {cut1, cut2, cut3, cut4};
  static const size_t ncuts[] = {1, 1, 3, 2};
  const size_t D = TRAIN->d, K = 10;
  mx_bmm_data first = *TRAIN;
  mx_error err;
  size_t T, c, v;
  first.n = 3001;
  for (v = 0; v < 3; v++)
    for (T = 1; T <= 3; T++)
      for (c = 0; c < 4; c++) {
        const mx_bmm_data *data = v == 1 ? &first : TRAIN;
        mx_bmm *a = NULL, *b = NULL;
        gsl_rng *ra = new_rng(11 + T), *rb = new_rng(11 + T);
        int it, *fixed = malloc(data->n * sizeof *fixed);
        double ja = 0.0, jb = 1.0;
        ASSERT_INT_EQ(mx_bmm_alloc(&a, K, D, data->n, mx_bmm_prior_laplace(1.0, 1.0), T, &err), 0);
        ASSERT_INT_EQ(mx_bmm_alloc(&b, K, D, data->n, mx_bmm_prior_laplace(1.0, 1.0), T, &err), 0);
        if (v == 2) { /* 20 labelled digits a class */
          gsl_rng *rl = new_rng(5);
          ASSERT_INT_EQ(mx_bmm_pick_labelled(MN.train.labels, data->n, 10, 20, rl, fixed, &err), 0);
          gsl_rng_free(rl);
          ASSERT_INT_EQ(mx_bmm_set_fixed(a, fixed, &err), 0);
          ASSERT_INT_EQ(mx_bmm_set_fixed(b, fixed, &err), 0);
        }
        ASSERT_INT_EQ(mx_bmm_init_kmeanspp(a, data, ra, NULL, &err), 0);
        ASSERT_INT_EQ(mx_bmm_init_kmeanspp(b, data, rb, NULL, &err), 0);
        for (it = 0; it < 3; it++) { /* the view's run: M, then E */
          ASSERT_INT_EQ(mx_bmm_e_step(a, data), 0);
          ASSERT_INT_EQ(pieces_pass(b, data, MX_BMM_PASS_E, cuts[c], ncuts[c]), 0);
          ASSERT_TRUE(same_model(a, b));
          ASSERT_INT_EQ(mx_bmm_m_step(a, data), 0);
          ASSERT_INT_EQ(pieces_pass(b, data, MX_BMM_PASS_M, cuts[c], ncuts[c]), 0);
          ASSERT_TRUE(same_model(a, b));
        }
        for (it = 0; it < 3; it++) { /* the sweep's: fused E + M */
          ASSERT_INT_EQ(mx_bmm_iterate(a, data, &ja), 0);
          ASSERT_INT_EQ(pieces_pass(b, data, MX_BMM_PASS_E | MX_BMM_PASS_M, cuts[c], ncuts[c]),
                        0);
          jb = b->logpost;
          ASSERT_TRUE(memcmp(&ja, &jb, sizeof ja) == 0);
          ASSERT_TRUE(same_model(a, b));
        }
        free(fixed);
        mx_bmm_free(a);
        mx_bmm_free(b);
        gsl_rng_free(ra);
        gsl_rng_free(rb);
      }
  { /* the labelled start with its M-step in pieces; the test digits scored in pieces */
    mx_bmm *a = NULL, *b = NULL;
    gsl_rng *rl = new_rng(5);
    int *fixed = malloc(TRAIN->n * sizeof *fixed), *pa = malloc(TEST->n * sizeof *pa);
    int *pb = malloc(TEST->n * sizeof *pb);
    double lla = 0.0, llb = 0.0;
    size_t ra = 0, rb = 0, i;
    ASSERT_INT_EQ(mx_bmm_alloc(&a, K, D, TRAIN->n, mx_bmm_prior_laplace(1.0, 1.0), 2, &err), 0);
    ASSERT_INT_EQ(mx_bmm_alloc(&b, K, D, TRAIN->n, mx_bmm_prior_laplace(1.0, 1.0), 2, &err), 0);
    ASSERT_INT_EQ(mx_bmm_pick_labelled(MN.train.labels, TRAIN->n, 10, 5, rl, fixed, &err), 0);
    ASSERT_INT_EQ(mx_bmm_set_fixed(a, fixed, &err), 0);
    ASSERT_INT_EQ(mx_bmm_set_fixed(b, fixed, &err), 0);
    ASSERT_INT_EQ(mx_bmm_init_labelled(a, TRAIN, &err), 0);
    ASSERT_INT_EQ(mx_bmm_init_labelled_resp(b, TRAIN, &err), 0);
    ASSERT_INT_EQ(pieces_pass(b, TRAIN, MX_BMM_PASS_M, cut3, 3), 0);
    ASSERT_INT_EQ(mx_bmm_e_step(a, TRAIN), 0);
    ASSERT_INT_EQ(mx_bmm_e_step(b, TRAIN), 0);
    ASSERT_TRUE(same_model(a, b));
    ASSERT_INT_EQ(mx_bmm_score(a, TEST, MN.test.labels, &lla, &ra, pa), 0);
    for (i = 0; i < TEST->n; i += MX_BMM_CHUNK) /* 1,000 digits: 3 whole tiles and a part */
      ASSERT_INT_EQ(mx_bmm_score_range(b, TEST, MN.test.labels, i,
                                       i + MX_BMM_CHUNK < TEST->n ? i + MX_BMM_CHUNK : TEST->n,
                                       &llb, &rb, pb), 0);
    ASSERT_TRUE(memcmp(&lla, &llb, sizeof lla) == 0 && ra == rb && ra > TEST->n / 2);
    ASSERT_TRUE(memcmp(pa, pb, TEST->n * sizeof *pa) == 0);
    ASSERT_INT_EQ(mx_bmm_score_range(b, TEST, NULL, 100, TEST->n, &llb, NULL, NULL), MX_EINVAL);
    memset(fixed, 0xff, TRAIN->n * sizeof *fixed); /* all -1 */
    ASSERT_INT_EQ(mx_bmm_set_fixed(b, fixed, &err), 0);
    ASSERT_INT_EQ(mx_bmm_init_labelled_resp(b, TRAIN, &err), MX_EINVAL);
    mx_bmm_free(a);
    mx_bmm_free(b);
    gsl_rng_free(rl);
    free(fixed);
    free(pa);
    free(pb);
  }
  { /* misuse: no pass begun, a range off the tile grid, a bad what, wrong data */
    mx_bmm *m = NULL;
    ASSERT_INT_EQ(mx_bmm_alloc(&m, K, D, TRAIN->n, mx_bmm_prior_laplace(1.0, 1.0), 2, &err), 0);
    ASSERT_INT_EQ(mx_bmm_pass_range(m, TRAIN, 0, MX_BMM_CHUNK), MX_EINVAL);
    ASSERT_INT_EQ(mx_bmm_pass_end(m), MX_EINVAL);
    ASSERT_INT_EQ(mx_bmm_pass_begin(m, TRAIN, 0), MX_EINVAL);
    ASSERT_INT_EQ(mx_bmm_pass_begin(m, TRAIN, 4), MX_EINVAL);
    ASSERT_INT_EQ(mx_bmm_pass_begin(m, &first, MX_BMM_PASS_E), MX_ESIZE);
    ASSERT_INT_EQ(mx_bmm_pass_begin(m, TRAIN, MX_BMM_PASS_E), 0);
    ASSERT_INT_EQ(mx_bmm_pass_range(m, TRAIN, 0, 100), MX_EINVAL);
    ASSERT_INT_EQ(mx_bmm_pass_range(m, TRAIN, 100, TRAIN->n), MX_EINVAL);
    ASSERT_INT_EQ(mx_bmm_pass_range(m, TRAIN, MX_BMM_CHUNK, 0), MX_EINVAL);
    ASSERT_INT_EQ(mx_bmm_pass_range(m, TRAIN, 0, TRAIN->n + 1), MX_EINVAL);
    ASSERT_INT_EQ(mx_bmm_pass_range(m, TRAIN, TRAIN->n, TRAIN->n), 0); /* empty */
    ASSERT_INT_EQ(mx_bmm_pass_range(m, TRAIN, 0, TRAIN->n), 0);
    ASSERT_INT_EQ(mx_bmm_pass_end(m), 0);
    ASSERT_TRUE(isfinite(m->loglik) && m->loglik < 0.0);
    ASSERT_INT_EQ(mx_bmm_pass_end(m), MX_EINVAL); /* ended already */
    mx_bmm_free(m);
  }
}

/* ---- exp over its whole range ------------------------------------------------- */

/* |a − b| <= 4 ulp of b (b > 0), or both below 1e-300 within 1e-315 (exp's
 * subnormal and zero results, which come from libm on both sides). */
static int close_ulp(double a, double b) {
  if (b < 1e-300) return fabs(a - b) <= 1e-315;
  return fabs(a - b) <= 4.0 * 2.220446049250313e-16 * b;
}

/* One image with both of its 2 pixels on, K = 12 components with
 * θ_k = exp(−t_k): s_k − max = −2 (t_k − t_min), so the t_k put exp's argument
 * where wanted. Then many random spreads over [−1400, 0]. With two pixels the
 * reference forms the scores in the library's order, so only exp and the
 * normalisation differ. */
static void test_exp_range(void) {
  static const double x[12] = {0.0,    -0.3,   -1.0,   -37.0,  -300.0, -700.0,
                               -707.9, -708.1, -720.0, -744.0, -746.0, -1400.0};
  const size_t K = 12, D = 2;
  uint8_t img[2] = {1, 1};
  mx_bmm_data *data = NULL;
  mx_bmm *m = NULL;
  mx_error err;
  double resp[12], ll, th[24], pi[12];
  gsl_rng *rng = new_rng(11);
  size_t k, trial, bad = 0;
  ASSERT_INT_EQ(mx_bmm_data_alloc(&data, img, 1, D, &err), 0);
  ASSERT_INT_EQ(mx_bmm_alloc(&m, K, D, 1, mx_bmm_prior_laplace(1.0, 1.0), 1, &err), 0);
  for (trial = 0; trial < 3000; trial++) {
    for (k = 0; k < K; k++) {
      double t = trial == 0 ? 0.5 - x[k] / 2.0 : 1e-3 + 700.0 * gsl_rng_uniform(rng);
      m->theta[k * D] = m->theta[k * D + 1] = exp(-t);
      m->pi[k] = 1.0 / (double)K;
    }
    memcpy(th, m->theta, sizeof th);
    memcpy(pi, m->pi, sizeof pi);
    ll = ref_e_step(data, th, pi, NULL, K, resp);
    ASSERT_INT_EQ(mx_bmm_e_step(m, data), 0);
    for (k = 0; k < K; k++)
      if (!close_ulp(m->resp[k], resp[k])) {
        if (bad++ < 5) fprintf(stderr, "trial %zu k %zu: r %.17g vs %.17g\n", trial, k, m->resp[k], resp[k]);
      }
    if (!(fabs(m->loglik - ll) <= 1e-14 * fabs(ll)) && bad++ < 5)
      fprintf(stderr, "trial %zu: loglik %.17g vs %.17g\n", trial, m->loglik, ll);
    if (trial == 0) { /* the crafted spread: tiny, subnormal and 0 as expected */
      ASSERT_TRUE(m->resp[10] == 0.0 && m->resp[11] == 0.0);
      ASSERT_TRUE(m->resp[9] > 0.0 && m->resp[9] < 1e-300);
      ASSERT_TRUE(m->resp[5] > 1e-305);
    }
  }
  ASSERT_INT_EQ(bad, 0);
  mx_bmm_free(m);
  mx_bmm_data_free(data);
  gsl_rng_free(rng);
}

/* ---- lists from grey pixels ----------------------------------------------------- */

static void test_grey_lists(void) {
  static const double thr[] = {0.5, 0.25, 0.0, 0.999, 1.0, -0.1, 127.5 / 255.0};
  const size_t N = MN.train.n, D = MN.train.d;
  uint8_t *bin = malloc(N * D);
  mx_error err;
  size_t t;
  for (t = 0; t < sizeof thr / sizeof thr[0]; t++) {
    mx_bmm_data *a = NULL, *b = NULL;
    mx_binarize(MN.train.pix, N * D, thr[t], bin);
    ASSERT_INT_EQ(mx_bmm_data_alloc(&a, bin, N, D, &err), 0);
    ASSERT_INT_EQ(mx_bmm_data_alloc_grey(&b, MN.train.pix, N, D, thr[t], &err), 0);
    if (!a || !b) continue;
    ASSERT_INT_EQ(b->n, N);
    ASSERT_INT_EQ(b->d, D);
    ASSERT_INT_EQ(b->nnz, a->nnz);
    ASSERT_TRUE(memcmp(a->start, b->start, (N + 1) * sizeof *a->start) == 0);
    ASSERT_TRUE(a->nnz == b->nnz && memcmp(a->idx, b->idx, a->nnz * sizeof *a->idx) == 0);
    fprintf(stderr, "threshold %g: %zu on-pixels, grey lists equal\n", thr[t], b->nnz);
    mx_bmm_data_free(a);
    mx_bmm_data_free(b);
  }
  {
    mx_bmm_data *b = (mx_bmm_data *)1;
    ASSERT_INT_EQ(mx_bmm_data_alloc_grey(&b, MN.train.pix, N, 0, 0.5, &err), MX_EINVAL);
    ASSERT_TRUE(b == NULL);
    ASSERT_INT_EQ(mx_bmm_data_alloc_grey(&b, MN.train.pix, 0, D, 0.5, &err), 0);
    ASSERT_TRUE(b && b->nnz == 0 && b->start[0] == 0);
    mx_bmm_data_free(b);
  }
  free(bin);
}

int main(void) {
  if (load_sample() != 0) {
    ASSERT_TRUE(0);
    TEST_MAIN_END();
  }
  test_em_matches_reference();
  test_deterministic();
  test_pass_pieces();
  test_exp_range();
  test_grey_lists();
  mx_bmm_data_free(TRAIN);
  mx_bmm_data_free(TEST);
  mx_mnist_free(&MN);
  TEST_MAIN_END();
}
