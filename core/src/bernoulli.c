/* mixscope — per-pixel Bernoulli model: counts, Beta-prior fits, NLL, naive Bayes. */
#include "mixscope/bernoulli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
  int cut = -1, v, rc;
  if (!c->n1 || !im || im->d != c->d || (im->n && (!im->pix || !im->labels))) return MX_EINVAL;
  if (im->n > UINT32_MAX) return MX_ETOOBIG;
  if (isnan(threshold)) return MX_EINVAL;
  /* Lit iff v/255 > threshold (mx_binarize's test), which is monotone in the
   * grey level v: lit iff v > cut, cut = the largest v that is not lit. */
  for (v = 0; v < 256; v++)
    if (!((double)v / 255.0 > threshold)) cut = v;
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
  if (k == MX_BERN_NCLASS) m->ltab = calloc(2 * k * d, sizeof *m->ltab);
  if (!m->theta || !m->log1 || !m->log0 || (k == MX_BERN_NCLASS && !m->ltab)) {
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
  memset(m, 0, sizeof *m);
}

void mx_bern_update_logs(mx_bern *m) {
  size_t i, n = m->k * m->d;
  for (i = 0; i < n; i++) {
    double t = m->theta[i];
    /* log(0) = −inf and log1p(−1) = −inf exactly (C99 Annex F). */
    m->log1[i] = t > 0.0 ? log(t) : -INFINITY;
    m->log0[i] = t < 1.0 ? log1p(-t) : -INFINITY;
  }
  if (m->ltab) {
    size_t j, c;
    for (j = 0; j < m->d; j++)
      for (c = 0; c < m->k; c++) {
        m->ltab[(j * 2 + 0) * m->k + c] = m->log0[c * m->d + j];
        m->ltab[(j * 2 + 1) * m->k + c] = m->log1[c * m->d + j];
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
  const double *l1, *l0, *th;
  double total = 0.0, finite = 0.0, notes = 0.0;
  size_t i, j, d = m->d;
  memset(out, 0, sizeof *out);
  if (!m->theta || k >= m->k || (n && !x)) return MX_EINVAL;
  l1 = m->log1 + k * d;
  l0 = m->log0 + k * d;
  th = m->theta + k * d;
  for (i = 0; i < n; i++) {
    const uint8_t *p = x + i * d;
    double s = 0.0, sn = 0.0;
    for (j = 0; j < d; j++) {
      s += p[j] ? l1[j] : l0[j];
      /* The notes' formula, literally: x · log θ with x = 0 or 1 as a double,
       * so 0 · log 0 = 0 · (−inf) = NaN, exactly as numpy computes it. */
      sn += (double)(p[j] != 0) * l1[j];
    }
    notes += sn;
    total += -s;
    if (per_image) per_image[i] = -s;
    if (isinf(s))
      out->n_inf++;
    else
      finite += -s;
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

int mx_bern_nb_evaluate(const mx_bern *m, const uint8_t *x, const uint8_t *y, size_t n,
                        mx_bern_nb_eval *out, int8_t *pred) {
  double score[MX_BERN_NCLASS];
  size_t i;
  memset(out, 0, sizeof *out);
  if (!m->theta || m->k != MX_BERN_NCLASS || (n && (!x || !y))) return MX_EINVAL;
  for (i = 0; i < n; i++) {
    int p = mx_bern_nb_scores(m, x + i * m->d, score);
    if (y[i] >= MX_BERN_NCLASS) return MX_ERANGE;
    if (pred) pred[i] = (int8_t)p;
    if (p < 0) {
      out->none++;
      out->none_by_class[y[i]]++;
      continue;
    }
    out->confusion[y[i]][p]++;
    if (p == (int)y[i]) out->correct++;
  }
  out->n = n;
  out->accuracy = n ? (double)out->correct / (double)n : NAN;
  return MX_OK;
}
