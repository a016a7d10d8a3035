/* mixscope — per-pixel Bernoulli model: counts, Beta-prior fits, NLL, naive Bayes. */
#include "mixscope/bernoulli.h"
#include "mixscope/simd.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define BERN_X86 1
#endif

int mx_bern_counts_alloc(mx_bern_counts *c, size_t d) {
  memset(c, 0, sizeof *c);
  if (d == 0 || d > ((size_t)1 << 26)) return MX_EINVAL;
  c->n1 = calloc(d, sizeof *c->n1);
  c->n1c = calloc(d * MX_BERN_NCLASS, sizeof *c->n1c);
  c->part = calloc(d * MX_BERN_NCLASS, sizeof *c->part);
  if (!c->n1 || !c->n1c || !c->part) {
    mx_bern_counts_free(c);
    return MX_ENOMEM;
  }
  c->d = d;
  return MX_OK;
}

void mx_bern_counts_free(mx_bern_counts *c) {
  if (!c) return;
  free(c->n1);
  free(c->n1c);
  free(c->part);
  memset(c, 0, sizeof *c);
}

/* n1 = Σ_c n1c, n = Σ_c nc. */
static void counts_total(mx_bern_counts *c) {
  size_t j, k;
  c->n = 0;
  for (k = 0; k < MX_BERN_NCLASS; k++) c->n += c->nc[k];
  for (j = 0; j < c->d; j++) {
    uint32_t s = 0;
    for (k = 0; k < MX_BERN_NCLASS; k++) s += c->n1c[k * c->d + j];
    c->n1[j] = s;
  }
}

/* Add the 16-bit partial counts of class k into n1c and clear them. */
static void counts_flush(mx_bern_counts *c, size_t k) {
  uint32_t *dst = c->n1c + k * c->d;
  uint16_t *src = c->part + k * c->d;
  size_t j;
  for (j = 0; j < c->d; j++) {
    dst[j] += src[j];
    src[j] = 0;
  }
}

/* row[j] += (p[j] > cut) for j < d: the inner loop. Blocks of a fixed 32 with
 * restrict pointers let the compiler vectorize it even at -O2. */
static void count_row(uint16_t *restrict row, const uint8_t *restrict p, size_t d, uint8_t cut) {
  size_t j = 0, t;
  for (; j + 32 <= d; j += 32)
    for (t = 0; t < 32; t++) row[j + t] = (uint16_t)(row[j + t] + (p[j + t] > cut));
  for (; j < d; j++) row[j] = (uint16_t)(row[j] + (p[j] > cut));
}

/* The counting loop: 16-bit per-class accumulators (a quarter of the memory
 * traffic of 32-bit ones and vectorizable), flushed before they can overflow.
 * lit(v) is v > cut for grey input, v != 0 (cut = 0) for binary input;
 * all_lit handles thresholds below 0 (every grey level is lit). */
static int counts_run(mx_bern_counts *c, const uint8_t *x, const uint8_t *y, size_t n,
                      uint8_t cut, int all_lit) {
  size_t i, j, d = c->d, k;
  uint32_t since[MX_BERN_NCLASS] = {0};
  memset(c->nc, 0, sizeof c->nc);
  memset(c->n1c, 0, d * MX_BERN_NCLASS * sizeof *c->n1c);
  memset(c->part, 0, d * MX_BERN_NCLASS * sizeof *c->part);
  for (i = 0; i < n; i++) {
    const uint8_t *p = x + i * d;
    uint8_t cls = y ? y[i] : 0;
    uint16_t *row;
    if (cls >= MX_BERN_NCLASS) return MX_ERANGE;
    row = c->part + (size_t)cls * d;
    c->nc[cls]++;
    if (all_lit)
      for (j = 0; j < d; j++) row[j]++;
    else
      count_row(row, p, d, cut);
    if (++since[cls] == UINT16_MAX) {
      counts_flush(c, cls);
      since[cls] = 0;
    }
  }
  for (k = 0; k < MX_BERN_NCLASS; k++) counts_flush(c, k);
  counts_total(c);
  return MX_OK;
}

int mx_bern_count_images(mx_bern_counts *c, const mx_images *im, double threshold) {
  int cut, rc;
  if (!c->n1 || !im || im->d != c->d || (im->n && (!im->pix || !im->labels))) return MX_EINVAL;
  if (im->n > UINT32_MAX) return MX_ETOOBIG;
  if (isnan(threshold)) return MX_EINVAL;
  /* Lit iff v/255 > threshold (mx_binarize's test), which is monotone in the
   * grey level v: lit iff v > cut, cut = the largest v that is not lit. */
  cut = mx_bern_grey_cut(threshold);
  rc = counts_run(c, im->pix, im->labels, im->n, (uint8_t)(cut < 0 ? 0 : cut), cut < 0);
  c->threshold = threshold;
  return rc;
}

int mx_bern_count_binary(mx_bern_counts *c, const uint8_t *x, const uint8_t *y, size_t n) {
  int rc;
  if (!c->n1 || (n && !x)) return MX_EINVAL;
  if (n > UINT32_MAX) return MX_ETOOBIG;
  rc = counts_run(c, x, y, n, 0, 0);
  c->threshold = 0.5;
  return rc;
}

int mx_bern_alloc(mx_bern *m, size_t k, size_t d) {
  memset(m, 0, sizeof *m);
  if (k < 1 || k > MX_BERN_NCLASS || d == 0 || d > ((size_t)1 << 26)) return MX_EINVAL;
  m->theta = calloc(k * d, sizeof *m->theta);
  m->log1 = calloc(k * d, sizeof *m->log1);
  m->log0 = calloc(k * d, sizeof *m->log0);
  if (k == MX_BERN_NCLASS) {
    m->ltab = calloc(2 * k * d, sizeof *m->ltab);
    m->lodds = calloc(k * d, sizeof *m->lodds);
  }
  if (!m->theta || !m->log1 || !m->log0 || (k == MX_BERN_NCLASS && (!m->ltab || !m->lodds))) {
    mx_bern_free(m);
    return MX_ENOMEM;
  }
  m->k = k;
  m->d = d;
  return MX_OK;
}

void mx_bern_free(mx_bern *m) {
  if (!m) return;
  free(m->theta);
  free(m->log1);
  free(m->log0);
  free(m->ltab);
  free(m->lodds);
  memset(m, 0, sizeof *m);
}

void mx_bern_update_logs(mx_bern *m) {
  size_t i, n = m->k * m->d;
  m->ndegen = 0;
  for (i = 0; i < n; i++) {
    double t = m->theta[i];
    /* log(0) = −inf and log1p(−1) = −inf exactly (C99 Annex F). */
    m->log1[i] = t > 0.0 ? log(t) : -INFINITY;
    m->log0[i] = t < 1.0 ? log1p(-t) : -INFINITY;
    m->ndegen += (t == 0.0 || t == 1.0) ? 1 : 0;
  }
  memset(m->lbase, 0, sizeof m->lbase);
  if (m->ltab) {
    size_t j, c;
    for (j = 0; j < m->d; j++)
      for (c = 0; c < m->k; c++) {
        double l0 = m->log0[c * m->d + j], l1 = m->log1[c * m->d + j];
        m->ltab[(j * 2 + 0) * m->k + c] = l0;
        m->ltab[(j * 2 + 1) * m->k + c] = l1;
        m->lodds[j * m->k + c] = l1 - l0;
        m->lbase[c] += l0;
      }
  }
}

/* One θ vector from n1 (D) lit counts out of n. */
static int fit_one(double *theta, const uint32_t *n1, size_t n, size_t d, double a, double b,
                   int map) {
  size_t j;
  double dn = (double)n;
  if (!map) {
    double den = dn + a + b;
    if (!(den > 0.0)) return MX_EINVAL; /* n = 0 with a + b = 0: 0/0 */
    for (j = 0; j < d; j++) theta[j] = ((double)n1[j] + a) / den;
    return MX_OK;
  }
  for (j = 0; j < d; j++) {
    double al = (double)n1[j] + a, be = (dn - (double)n1[j]) + b;
    if (al > 1.0 && be > 1.0)
      theta[j] = ((double)n1[j] + a - 1.0) / (dn + a + b - 2.0);
    else if (al == 1.0 && be == 1.0)
      theta[j] = 0.5; /* flat posterior: every θ is a mode; take the middle */
    else if (al <= 1.0 && be >= 1.0)
      theta[j] = 0.0; /* density non-increasing in θ */
    else if (be <= 1.0 && al >= 1.0)
      theta[j] = 1.0; /* density non-decreasing in θ */
    else
      return MX_EINVAL; /* α < 1 and β < 1 (only when n = 0): bimodal, no single mode */
  }
  return MX_OK;
}

int mx_bern_fit(mx_bern *m, const mx_bern_counts *c, double a, double b, int map) {
  size_t k;
  int rc;
  if (!m->theta || !c->n1 || m->d != c->d) return MX_EINVAL;
  if (!(a >= 0.0) || !(b >= 0.0) || !isfinite(a) || !isfinite(b)) return MX_EINVAL;
  if (m->k == 1) {
    rc = fit_one(m->theta, c->n1, c->n, c->d, a, b, map);
    if (rc) return rc;
    m->log_prior[0] = 0.0;
  } else {
    if (m->k != MX_BERN_NCLASS) return MX_EINVAL;
    for (k = 0; k < MX_BERN_NCLASS; k++) {
      rc = fit_one(m->theta + k * c->d, c->n1c + k * c->d, c->nc[k], c->d, a, b, map);
      if (rc) return rc;
      m->log_prior[k] = c->n ? log((double)c->nc[k] / (double)c->n) : -INFINITY;
    }
  }
  m->a = a;
  m->b = b;
  m->map = map ? 1 : 0;
  mx_bern_update_logs(m);
  return MX_OK;
}

double mx_bern_loglik(const mx_bern *m, size_t k, const uint8_t *x, double *contrib) {
  const double *l1 = m->log1 + k * m->d, *l0 = m->log0 + k * m->d;
  double s = 0.0;
  size_t j;
  for (j = 0; j < m->d; j++) {
    double v = x[j] ? l1[j] : l0[j];
    if (contrib) contrib[j] = v;
    s += v;
  }
  return s;
}

int mx_bern_nll_eval(const mx_bern *m, size_t k, const uint8_t *x, size_t n, mx_bern_nll *out,
                     uint32_t *culprit, double *per_image) {
  const double *l1, *l0, *th, *lt[2];
  double total = 0.0, finite = 0.0, notes = 0.0;
  size_t i, j, d = m->d;
  memset(out, 0, sizeof *out);
  if (!m->theta || k >= m->k || (n && !x)) return MX_EINVAL;
  l1 = m->log1 + k * d;
  l0 = m->log0 + k * d;
  th = m->theta + k * d;
  lt[0] = l0;
  lt[1] = l1;
  /* Four images at a time: each image's two sums still run over j in order
   * from 0.0 (the same bits as one image at a time), but eight independent
   * chains of adds keep the adder busy; the sums over images stay in order. */
  for (i = 0; i < n; i += 4) {
    size_t nr = n - i < 4 ? n - i : 4, r;
    const uint8_t *p0 = x + i * d, *p1 = x + (i + (nr > 1)) * d, *p2 = x + (i + 2 * (nr > 2)) * d,
                  *p3 = x + (i + 3 * (nr > 3)) * d;
    double s[4] = {0.0, 0.0, 0.0, 0.0}, sn[4] = {0.0, 0.0, 0.0, 0.0};
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, n0 = 0.0, n1 = 0.0, n2 = 0.0, n3 = 0.0;
    for (j = 0; j < d; j++) {
      double a1 = l1[j];
      /* the term picked by address, not by a branch (dark/lit is data-random) */
      s0 += lt[p0[j] != 0][j];
      s1 += lt[p1[j] != 0][j];
      s2 += lt[p2[j] != 0][j];
      s3 += lt[p3[j] != 0][j];
      /* The notes' formula, literally: x · log θ with x = 0 or 1 as a double,
       * so 0 · log 0 = 0 · (−inf) = NaN, exactly as numpy computes it. */
      n0 += (double)(p0[j] != 0) * a1;
      n1 += (double)(p1[j] != 0) * a1;
      n2 += (double)(p2[j] != 0) * a1;
      n3 += (double)(p3[j] != 0) * a1;
    }
    s[0] = s0, s[1] = s1, s[2] = s2, s[3] = s3;
    sn[0] = n0, sn[1] = n1, sn[2] = n2, sn[3] = n3;
    for (r = 0; r < nr; r++) {
      notes += sn[r];
      total += -s[r];
      if (per_image) per_image[i + r] = -s[r];
      if (isinf(s[r]))
        out->n_inf++;
      else
        finite += -s[r];
    }
  }
  /* Culprits and degenerate θ: only pixels with θ exactly 0 or 1 can be culprits. */
  if (culprit) memset(culprit, 0, d * sizeof *culprit);
  for (j = 0; j < d; j++) {
    uint32_t hits = 0;
    int bad;
    if (th[j] == 0.0)
      out->theta0++;
    else if (th[j] == 1.0)
      out->theta1++;
    else
      continue;
    bad = th[j] == 0.0 ? 1 : 0; /* the x value that has probability zero */
    for (i = 0; i < n; i++) hits += (uint32_t)((x[i * d + j] != 0) == bad);
    if (culprit) culprit[j] = hits;
    if (hits) out->n_culprit++;
  }
  out->n = n;
  out->total = total;
  out->mean = n ? total / (double)n : NAN;
  out->finite_mean = n > out->n_inf ? finite / (double)(n - out->n_inf) : NAN;
  out->notes_total = -notes;
  out->notes_mean = n ? -notes / (double)n : NAN;
  return MX_OK;
}

int mx_bern_nb_scores(const mx_bern *m, const uint8_t *x, double *score) {
  size_t c, j;
  int best = -1;
  double bestv = -INFINITY;
  if (m->ltab) {
    /* All ten classes at once, pixel by pixel: each class's sum runs over j in
     * the same order as mx_bern_loglik, so the scores are bit-identical. */
    double acc[MX_BERN_NCLASS] = {0};
    for (j = 0; j < m->d; j++) {
      const double *t = m->ltab + (j * 2 + (x[j] != 0)) * MX_BERN_NCLASS;
      for (c = 0; c < MX_BERN_NCLASS; c++) acc[c] += t[c];
    }
    for (c = 0; c < MX_BERN_NCLASS; c++) score[c] = m->log_prior[c] + acc[c];
  } else {
    for (c = 0; c < m->k; c++) score[c] = m->log_prior[c] + mx_bern_loglik(m, c, x, NULL);
  }
  for (c = 0; c < m->k; c++) {
    /* Strict '>': ties go to the smallest class; −inf never beats −inf. */
    if (score[c] > bestv) {
      bestv = score[c];
      best = (int)c;
    }
  }
  return best;
}

/* Naive Bayes over images x (N, D) where pixel j is lit iff x[j] > cut (binary
 * images: cut 0; grey: mx_bern_grey_cut; cut −1: all lit). Four images per pass
 * over the log table: each image's ten sums still run over j in ascending order
 * from 0.0, exactly as in mx_bern_nb_scores, so the scores are bit-identical;
 * the four independent chains keep the adder busy instead of waiting on one. */
#define NB_ROWS 4 /* images per pass */

/* The ten class sums of nr (1..4) images starting at x (rows of d bytes, lit
 * iff > cut) into acc: for each image and class, 0.0 + t_0 + t_1 + ... in pixel
 * order, exactly as mx_bern_nb_scores adds them, so the results are
 * bit-identical whatever the kernel. Portable C: two images at a time (2 x 10
 * sums fill the 16 SSE2 registers without spilling). */
static void nb_sums_c(const mx_bern *m, const uint8_t *x, size_t nr, int cut,
                      double acc[NB_ROWS][MX_BERN_NCLASS]) {
  size_t d = m->d, r, c, j;
  for (r = 0; r < nr; r += 2) {
    const uint8_t *p0 = x + r * d, *p1 = x + (r + 1 < nr ? r + 1 : r) * d;
    double a0[MX_BERN_NCLASS] = {0}, a1[MX_BERN_NCLASS] = {0}; /* locals: kept in registers */
    for (j = 0; j < d; j++) {
      const double *t0 = m->ltab + (j * 2 + ((int)p0[j] > cut)) * MX_BERN_NCLASS;
      const double *t1 = m->ltab + (j * 2 + ((int)p1[j] > cut)) * MX_BERN_NCLASS;
      for (c = 0; c < MX_BERN_NCLASS; c++) {
        a0[c] += t0[c];
        a1[c] += t1[c];
      }
    }
    memcpy(acc[r], a0, sizeof a0);
    memcpy(acc[r + 1], a1, sizeof a1);
  }
}

#ifdef BERN_X86
/* The same with AVX: four images per pass, each image's ten sums in 4 + 4 + 2
 * lanes (12 accumulator registers). Lane-wise adds in the same order: the same
 * bits as nb_sums_c. */
__attribute__((target("avx"))) static void nb_sums_avx(const mx_bern *m, const uint8_t *x,
                                                       size_t nr, int cut,
                                                       double acc[NB_ROWS][MX_BERN_NCLASS]) {
  size_t d = m->d, j, r;
  const uint8_t *p0 = x, *p1 = x + (nr > 1 ? 1 : 0) * d, *p2 = x + (nr > 2 ? 2 : 0) * d,
                *p3 = x + (nr > 3 ? 3 : 0) * d;
  const double *tab = m->ltab;
  __m256d a0 = _mm256_setzero_pd(), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
  __m128d c0 = _mm_setzero_pd(), c1 = c0, c2 = c0, c3 = c0;
  for (j = 0; j < d; j++) {
    const double *t0 = tab + (j * 2 + ((int)p0[j] > cut)) * MX_BERN_NCLASS;
    const double *t1 = tab + (j * 2 + ((int)p1[j] > cut)) * MX_BERN_NCLASS;
    const double *t2 = tab + (j * 2 + ((int)p2[j] > cut)) * MX_BERN_NCLASS;
    const double *t3 = tab + (j * 2 + ((int)p3[j] > cut)) * MX_BERN_NCLASS;
    a0 = _mm256_add_pd(a0, _mm256_loadu_pd(t0));
    b0 = _mm256_add_pd(b0, _mm256_loadu_pd(t0 + 4));
    c0 = _mm_add_pd(c0, _mm_loadu_pd(t0 + 8));
    a1 = _mm256_add_pd(a1, _mm256_loadu_pd(t1));
    b1 = _mm256_add_pd(b1, _mm256_loadu_pd(t1 + 4));
    c1 = _mm_add_pd(c1, _mm_loadu_pd(t1 + 8));
    a2 = _mm256_add_pd(a2, _mm256_loadu_pd(t2));
    b2 = _mm256_add_pd(b2, _mm256_loadu_pd(t2 + 4));
    c2 = _mm_add_pd(c2, _mm_loadu_pd(t2 + 8));
    a3 = _mm256_add_pd(a3, _mm256_loadu_pd(t3));
    b3 = _mm256_add_pd(b3, _mm256_loadu_pd(t3 + 4));
    c3 = _mm_add_pd(c3, _mm_loadu_pd(t3 + 8));
  }
  {
    __m256d va[4] = {a0, a1, a2, a3}, vb[4] = {b0, b1, b2, b3};
    __m128d vc[4] = {c0, c1, c2, c3};
    for (r = 0; r < NB_ROWS; r++) {
      _mm256_storeu_pd(acc[r], va[r]);
      _mm256_storeu_pd(acc[r] + 4, vb[r]);
      _mm_storeu_pd(acc[r] + 8, vc[r]);
    }
  }
}
#endif

/* -1: not decided yet, 0: portable C, 1: AVX (MX_NO_SIMD=1 in the environment: C). */
static atomic_int nb_simd = -1;

static int nb_simd_cpu(void) {
#ifdef BERN_X86
  return __builtin_cpu_supports("avx") ? 1 : 0;
#else
  return 0;
#endif
}

static int nb_simd_on(void) {
  int s = atomic_load_explicit(&nb_simd, memory_order_relaxed);
  if (s < 0) {
    s = mx_simd_env_off() ? 0 : nb_simd_cpu();
    atomic_store_explicit(&nb_simd, s, memory_order_relaxed);
  }
  return s;
}

int mx_bern_set_simd(int on) {
  int prev = nb_simd_on();
  atomic_store_explicit(&nb_simd, on ? nb_simd_cpu() : 0, memory_order_relaxed);
  return prev;
}

/* Count one digit of class lab predicted as best (-1: no class possible). */
static void nb_tally(mx_bern_nb_eval *out, uint8_t lab, int best) {
  if (best < 0) {
    out->none++;
    out->none_by_class[lab]++;
    return;
  }
  out->confusion[lab][best]++;
  if (best == (int)lab) out->correct++;
}

static int nb_run(const mx_bern *m, const uint8_t *x, int cut, const uint8_t *y, size_t n,
                  mx_bern_nb_eval *out, int8_t *pred) {
  double score[NB_ROWS][MX_BERN_NCLASS];
  size_t i, d = m->d;
  int avx = 0;
  memset(out, 0, sizeof *out);
  if (!m->theta || m->k != MX_BERN_NCLASS || !m->ltab || (n && (!x || !y))) return MX_EINVAL;
  avx = nb_simd_on();
  for (i = 0; i < n; i += NB_ROWS) {
    size_t nr = n - i < NB_ROWS ? n - i : NB_ROWS, r, c;
    double acc[NB_ROWS][MX_BERN_NCLASS];
#ifdef BERN_X86
    if (avx) nb_sums_avx(m, x + i * d, nr, cut, acc);
    else
#endif
      nb_sums_c(m, x + i * d, nr, cut, acc);
    (void)avx;
    for (r = 0; r < nr; r++) {
      int best = -1;
      double bestv = -INFINITY;
      uint8_t lab = y[i + r];
      for (c = 0; c < MX_BERN_NCLASS; c++) {
        score[r][c] = m->log_prior[c] + acc[r][c];
        /* Strict '>': ties go to the smallest class; −inf never beats −inf. */
        if (score[r][c] > bestv) {
          bestv = score[r][c];
          best = (int)c;
        }
      }
      if (lab >= MX_BERN_NCLASS) return MX_ERANGE;
      if (pred) pred[i + r] = (int8_t)best;
      nb_tally(out, lab, best);
    }
  }
  out->n = n;
  out->accuracy = n ? (double)out->correct / (double)n : NAN;
  return MX_OK;
}

int mx_bern_nb_evaluate(const mx_bern *m, const uint8_t *x, const uint8_t *y, size_t n,
                        mx_bern_nb_eval *out, int8_t *pred) {
  /* binary x: lit iff x != 0, i.e. x > 0 */
  return nb_run(m, x, 0, y, n, out, pred);
}

int mx_bern_nb_evaluate_grey(const mx_bern *m, const uint8_t *pix, double threshold,
                             const uint8_t *y, size_t n, mx_bern_nb_eval *out, int8_t *pred) {
  if (isnan(threshold)) {
    memset(out, 0, sizeof *out);
    return MX_EINVAL;
  }
  return nb_run(m, pix, mx_bern_grey_cut(threshold), y, n, out, pred);
}

/* ---- lit-pixel lists ---- */

void mx_bern_lit_free(mx_bern_lit *l) {
  if (!l) return;
  free(l->start);
  free(l->idx);
  memset(l, 0, sizeof *l);
}

int mx_bern_lit_alloc(mx_bern_lit *l, const uint8_t *pix, size_t n, size_t d) {
  size_t i, nz = 0;
  memset(l, 0, sizeof *l);
  if (d == 0 || (n && !pix)) return MX_EINVAL;
  if (d > 65536 || n >= UINT32_MAX / d) return MX_ETOOBIG;
  for (i = 0; i < n * d; i++) nz += pix[i] != 0;
  l->start = calloc(n + 1, sizeof *l->start);
  /* + d: mx_bern_lit_set writes one slot past the last lit pixel of an image */
  l->idx = malloc((nz + d) * sizeof *l->idx);
  if (!l->start || !l->idx) {
    mx_bern_lit_free(l);
    return MX_ENOMEM;
  }
  l->n = n;
  l->d = d;
  l->cap = nz;
  l->threshold = NAN;
  return MX_OK;
}

int mx_bern_lit_set(mx_bern_lit *l, const uint8_t *pix, double threshold) {
  size_t i, j, at = 0, d = l->d;
  int cut;
  if (!l->start || (l->n && !pix) || !(threshold >= 0.0)) return MX_EINVAL;
  cut = mx_bern_grey_cut(threshold); /* >= 0: only non-zero greys can be lit */
  for (i = 0; i < l->n; i++) {
    const uint8_t *p = pix + i * d;
    size_t j0;
    l->start[i] = (uint32_t)at;
    for (j0 = 0; j0 < d; j0 += 16) {
      size_t len = d - j0 < 16 ? d - j0 : 16;
      uint64_t w0 = 0, w1 = 0;
      memcpy(&w0, p + j0, len < 8 ? len : 8);
      if (len > 8) memcpy(&w1, p + j0 + 8, len - 8);
      if (!(w0 | w1)) continue; /* 16 black pixels (most of MNIST's border) */
      /* branch-free append: write always, advance when lit (at most d slots
       * past at, which stays <= cap: room for cap + d) */
      for (j = j0; j < j0 + len; j++) {
        l->idx[at] = (uint16_t)j;
        at += (int)p[j] > cut;
      }
    }
    if (at > l->cap) return MX_EINVAL; /* pix is not the set l was allocated for */
  }
  l->start[l->n] = (uint32_t)at;
  l->threshold = threshold;
  return MX_OK;
}

/* Add the ten values t[0..9] into acc. */
static void add10(double *restrict acc, const double *restrict t) {
#ifdef BERN_X86
  _mm_storeu_pd(acc, _mm_add_pd(_mm_loadu_pd(acc), _mm_loadu_pd(t)));
  _mm_storeu_pd(acc + 2, _mm_add_pd(_mm_loadu_pd(acc + 2), _mm_loadu_pd(t + 2)));
  _mm_storeu_pd(acc + 4, _mm_add_pd(_mm_loadu_pd(acc + 4), _mm_loadu_pd(t + 4)));
  _mm_storeu_pd(acc + 6, _mm_add_pd(_mm_loadu_pd(acc + 6), _mm_loadu_pd(t + 6)));
  _mm_storeu_pd(acc + 8, _mm_add_pd(_mm_loadu_pd(acc + 8), _mm_loadu_pd(t + 8)));
#else
  size_t c;
  for (c = 0; c < MX_BERN_NCLASS; c++) acc[c] += t[c];
#endif
}

int mx_bern_nb_evaluate_lit(const mx_bern *m, const mx_bern_lit *l, const uint8_t *pix,
                            const uint8_t *y, mx_bern_nb_eval *out, int8_t *pred) {
  size_t i, n = l->n, d = m->d;
  memset(out, 0, sizeof *out);
  if (!m->theta || m->k != MX_BERN_NCLASS || !m->ltab || !m->lodds || !l->start || l->d != d ||
      isnan(l->threshold) || (n && (!y || !pix)))
    return MX_EINVAL;
  if (m->ndegen) return nb_run(m, pix, mx_bern_grey_cut(l->threshold), y, n, out, pred);
  for (i = 0; i < n; i++) {
    const uint16_t *q = l->idx + l->start[i], *end = l->idx + l->start[i + 1];
    double acc[MX_BERN_NCLASS] = {0}, bestv = -INFINITY, sc;
    size_t c;
    int best = -1;
    uint8_t lab = y[i];
    /* scikit-learn's form over the lit pixels */
    for (; q < end; q++) add10(acc, m->lodds + (size_t)*q * MX_BERN_NCLASS);
    for (c = 0; c < MX_BERN_NCLASS; c++) acc[c] = m->lbase[c] + acc[c];
    for (c = 0; c < MX_BERN_NCLASS; c++) {
      sc = m->log_prior[c] + acc[c];
      /* Strict '>': ties go to the smallest class; −inf never beats −inf. */
      if (sc > bestv) {
        bestv = sc;
        best = (int)c;
      }
    }
    if (lab >= MX_BERN_NCLASS) return MX_ERANGE;
    if (pred) pred[i] = (int8_t)best;
    nb_tally(out, lab, best);
  }
  out->n = n;
  out->accuracy = n ? (double)out->correct / (double)n : NAN;
  return MX_OK;
}

/* ------------------------------------------------------------------ fast paths */

int mx_bern_grey_cut(double threshold) {
  int cut = -1, v;
  for (v = 0; v < 256; v++)
    if (!((double)v / 255.0 > threshold)) cut = v;
  return cut;
}

void mx_bern_hist_free(mx_bern_hist *h) {
  if (!h) return;
  free(h->ge16);
  free(h->ge32);
  memset(h, 0, sizeof *h);
}

/* Bin counts -> ">= v" counts in place, per class: row v += row v + 1, from the top. */
#define HIST_CUMULATE(T, a, k, d)                                                                  \
  do {                                                                                             \
    size_t c_, j_;                                                                                 \
    int v_;                                                                                        \
    for (c_ = 0; c_ < (k); c_++)                                                                   \
      for (v_ = 254; v_ >= 0; v_--) {                                                              \
        T *r_ = (a) + (c_ * 256 + (size_t)v_) * (d);                                               \
        const T *u_ = r_ + (d);                                                                    \
        for (j_ = 0; j_ < (d); j_++) r_[j_] = (T)(r_[j_] + u_[j_]);                                \
      }                                                                                            \
  } while (0)

int mx_bern_hist_begin(mx_bern_hist *h, const mx_images *im, int per_class) {
  size_t i, k, big = 0;
  memset(h, 0, sizeof *h);
  if (!im || im->d == 0 || im->d > ((size_t)1 << 26) || (im->n && !im->pix) ||
      (per_class && im->n && !im->labels))
    return MX_EINVAL;
  if (im->n > UINT32_MAX) return MX_ETOOBIG;
  k = per_class ? MX_BERN_NCLASS : 1;
  for (i = 0; i < im->n; i++) {
    size_t c = per_class ? im->labels[i] : 0;
    if (c >= k) return MX_ERANGE;
    h->nc[c]++;
  }
  for (i = 0; i < k; i++)
    if (h->nc[i] > big) big = h->nc[i];
  if (big <= UINT16_MAX) h->ge16 = calloc(k * 256 * im->d, sizeof *h->ge16);
  else h->ge32 = calloc(k * 256 * im->d, sizeof *h->ge32);
  if (!h->ge16 && !h->ge32) {
    mx_bern_hist_free(h);
    return MX_ENOMEM;
  }
  h->d = im->d;
  h->k = k;
  return MX_OK;
}

void mx_bern_hist_add(mx_bern_hist *h, const mx_images *im, size_t i0, size_t i1) {
  size_t i, j, d = h->d;
  int per_class = h->k > 1;
  /* Bin counts, image by image: row v of class c gets +1 at every pixel whose
   * grey is v (rows of D pixels, so neighbouring pixels' bins never alias).
   * Row 0 is never needed (grey >= 0 holds for every image): runs of 16 black
   * pixels (most of MNIST's border) are skipped, and row 0 is set at the end. */
  if (i1 > im->n) i1 = im->n;
  for (i = i0; i < i1; i++) {
    const uint8_t *p = im->pix + i * d;
    size_t at = (per_class ? (size_t)im->labels[i] : 0) * 256 * d, j0;
    for (j0 = 0; j0 < d; j0 += 16) {
      size_t len = d - j0 < 16 ? d - j0 : 16;
      uint64_t w0 = 0, w1 = 0;
      memcpy(&w0, p + j0, len < 8 ? len : 8);
      if (len > 8) memcpy(&w1, p + j0 + 8, len - 8);
      if (!(w0 | w1)) continue;
      if (h->ge16) {
        uint16_t *a = h->ge16 + at;
        for (j = j0; j < j0 + len; j++) a[(size_t)p[j] * d + j]++;
      } else {
        uint32_t *a = h->ge32 + at;
        for (j = j0; j < j0 + len; j++) a[(size_t)p[j] * d + j]++;
      }
    }
  }
}

void mx_bern_hist_end(mx_bern_hist *h, const mx_images *im) {
  size_t i, j, k = h->k, d = h->d;
  if (h->ge16) HIST_CUMULATE(uint16_t, h->ge16, k, d);
  else HIST_CUMULATE(uint32_t, h->ge32, k, d);
  for (i = 0; i < k; i++)
    for (j = 0; j < d; j++) {
      if (h->ge16) h->ge16[i * 256 * d + j] = (uint16_t)h->nc[i];
      else h->ge32[i * 256 * d + j] = (uint32_t)h->nc[i];
    }
  h->n = im->n;
}

int mx_bern_hist_build(mx_bern_hist *h, const mx_images *im, int per_class) {
  int rc = mx_bern_hist_begin(h, im, per_class);
  if (rc != MX_OK) return rc;
  mx_bern_hist_add(h, im, 0, im->n);
  mx_bern_hist_end(h, im);
  return MX_OK;
}

size_t mx_bern_hist_lit(const mx_bern_hist *h, size_t c, size_t j, int cut) {
  size_t at;
  if (cut < 0) return h->nc[c];
  if (cut > 254) return 0;
  at = (c * 256 + (size_t)cut + 1) * h->d + j; /* lit: grey > cut, i.e. >= cut + 1 */
  return h->ge16 ? h->ge16[at] : h->ge32[at];
}

int mx_bern_count_hist(mx_bern_counts *c, const mx_bern_hist *h, double threshold) {
  size_t j, k;
  int cut;
  if (!c->n1 || !h || (!h->ge16 && !h->ge32) || h->d != c->d || h->k != MX_BERN_NCLASS)
    return MX_EINVAL;
  if (isnan(threshold)) return MX_EINVAL;
  cut = mx_bern_grey_cut(threshold);
  for (k = 0; k < MX_BERN_NCLASS; k++) {
    uint32_t *dst = c->n1c + k * c->d;
    c->nc[k] = h->nc[k];
    for (j = 0; j < c->d; j++) dst[j] = (uint32_t)mx_bern_hist_lit(h, k, j, cut);
  }
  counts_total(c);
  c->threshold = threshold;
  return MX_OK;
}

/* Images (all classes) with pixel j lit. */
static size_t hist_on(const mx_bern_hist *h, size_t j, int cut) {
  size_t c, s = 0;
  for (c = 0; c < h->k; c++) s += mx_bern_hist_lit(h, c, j, cut);
  return s;
}

#define NLL_CHUNK 256 /* zero-probability pixels examined per pass over the images */

int mx_bern_nll_hist(const mx_bern *m, size_t k, const mx_bern_hist *h, const uint8_t *pix,
                     double threshold, mx_bern_nll *out, uint32_t *culprit, uint8_t *impossible) {
  const double *l1, *l0, *th;
  double sum = 0.0, notes = 0.0, corr = 0.0;
  int notes_nan = 0, notes_ninf = 0, cut;
  size_t i, j, d = m->d, n, nbad = 0;
  memset(out, 0, sizeof *out);
  if (!m->theta || k >= m->k || !h || (!h->ge16 && !h->ge32) || h->d != d ||
      isnan(threshold) || (h->n && (!pix || !impossible)))
    return MX_EINVAL;
  n = h->n;
  cut = mx_bern_grey_cut(threshold);
  l1 = m->log1 + k * d;
  l0 = m->log0 + k * d;
  th = m->theta + k * d;
  /* One pass over the pixels: the sum of every finite term, the notes' formula,
   * and the zero-probability pixels with the digits that meet them. */
  for (j = 0; j < d; j++) {
    size_t on = hist_on(h, j, cut), off = n - on, hits = 0;
    if (th[j] == 0.0) {
      out->theta0++;
      hits = on;
    } else if (th[j] == 1.0) {
      out->theta1++;
      hits = off;
    }
    if (culprit) culprit[j] = (uint32_t)hits;
    if (hits) {
      out->n_culprit++;
      nbad++;
    }
    if (on && l1[j] != -INFINITY) sum += (double)on * l1[j];
    if (off && l0[j] != -INFINITY) sum += (double)off * l0[j];
    /* the notes' Σ x·log θ: 0·(−inf) = NaN as soon as one digit is dark at a θ = 0 pixel */
    if (l1[j] == -INFINITY) {
      if (off) notes_nan = 1;
      if (on) notes_ninf = 1;
    } else if (on) {
      notes += (double)on * l1[j];
    }
  }
  /* Which digits are impossible: a sparse pass over the zero-probability pixels
   * only, NLL_CHUNK of them at a time (no allocation), first hit wins. */
  if (n) memset(impossible, 0, n);
  if (nbad) {
    uint32_t idx[NLL_CHUNK];
    uint8_t badlit[NLL_CHUNK];
    size_t q, nq, j0 = 0;
    while (j0 < d) {
      for (nq = 0; j0 < d && nq < NLL_CHUNK; j0++) {
        int bad = th[j0] == 0.0 ? 1 : th[j0] == 1.0 ? 0 : -1; /* the lit value with p = 0 */
        if (bad < 0 || (bad ? hist_on(h, j0, cut) : n - hist_on(h, j0, cut)) == 0) continue;
        idx[nq] = (uint32_t)j0;
        badlit[nq++] = (uint8_t)bad;
      }
      for (i = 0; i < n && nq; i++) {
        const uint8_t *p = pix + i * d;
        if (impossible[i]) continue;
        for (q = 0; q < nq; q++)
          if (((int)p[idx[q]] > cut) == badlit[q]) {
            impossible[i] = 1;
            break;
          }
      }
    }
    /* The finite terms of the impossible digits, to take them out of the finite mean. */
    for (i = 0; i < n; i++) {
      const uint8_t *p = pix + i * d;
      double s = 0.0;
      if (!impossible[i]) continue;
      out->n_inf++;
      for (j = 0; j < d; j++) {
        double v = (int)p[j] > cut ? l1[j] : l0[j];
        if (v != -INFINITY) s += v;
      }
      corr += s;
    }
  }
  out->n = n;
  out->total = out->n_inf ? INFINITY : 0.0 - sum;
  out->mean = n ? out->total / (double)n : NAN;
  out->finite_mean = n > out->n_inf ? (0.0 - (sum - corr)) / (double)(n - out->n_inf) : NAN;
  /* −notes, not 0.0 − notes: −0.0 when nothing is lit, as the direct path prints it */
  out->notes_total = notes_nan ? NAN : notes_ninf ? INFINITY : -notes;
  out->notes_mean = n ? out->notes_total / (double)n : NAN;
  return MX_OK;
}
