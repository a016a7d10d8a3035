#include "mixscope/pca.h"

#include "mixscope/dataset.h"
#include "mixscope/points.h"
#include "parallel.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define PCA_X86 1
#endif

#define PCA_MAXT 8


mx_pca *mx_pca_alloc(int D, int k) {
  mx_pca *p;
  size_t d = (size_t)D, m;
  if (D < 1 || D > MX_PCA_MAXD || k < 1 || k > D) return NULL;
  p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->D = D;
  p->k = k;
  p->tol = 1e-13;
  p->method = MX_PCA_AUTO;
  m = (size_t)(4 * k + 60 > 120 ? 4 * k + 60 : 120);
  if (m > d) m = d;
  p->max_steps = (int)m;
  p->mean = calloc(d, sizeof *p->mean);
  p->components = calloc((size_t)k * d, sizeof *p->components);
  p->variance = calloc((size_t)k, sizeof *p->variance);
  p->basis = calloc((m + 1) * d, sizeof *p->basis);
  p->tri = calloc(2 * m * m, sizeof *p->tri);
  p->ritz = calloc(m, sizeof *p->ritz);
  p->alpha = calloc(m, sizeof *p->alpha);
  p->beta = calloc(m, sizeof *p->beta);
  p->acc = calloc((PCA_MAXT + 1) * ((d + 7) / 8 * 8), sizeof *p->acc);
  if (!p->mean || !p->components || !p->variance || !p->basis || !p->tri || !p->ritz ||
      !p->alpha || !p->beta || !p->acc) {
    mx_pca_free(p);
    return NULL;
  }
  return p;
}

void mx_pca_free(mx_pca *p) {
  if (!p) return;
  free(p->mean);
  free(p->components);
  free(p->variance);
  free(p->basis);
  free(p->tri);
  free(p->ritz);
  free(p->alpha);
  free(p->beta);
  free(p->acc);
  free(p->cov);
  free(p->evec);
  free(p->eval);
  free(p);
}

/* ---- threads -------------------------------------------------------------- */

typedef void (*pca_range_fn)(void *ctx, size_t a, size_t b, int t);

typedef struct pca_task {
  pca_range_fn fn;
  void *ctx;
  size_t N;
  int T;
} pca_task;

static void pca_task_run(void *arg, int t) {
  const pca_task *k = arg;
  k->fn(k->ctx, k->N * (size_t)t / (size_t)k->T, k->N * (size_t)(t + 1) / (size_t)k->T, t);
}

/* Run fn over [0, N) split evenly into T contiguous ranges (thread t gets
 * range t); the calling thread does range 0 (core's parallel-for, parallel.h). */
static void pca_parallel(int T, size_t N, pca_range_fn fn, void *ctx) {
  pca_task k;
  if (T < 1) T = 1;
  if (T > PCA_MAXT) T = PCA_MAXT;
  k.fn = fn;
  k.ctx = ctx;
  k.N = N;
  k.T = T;
  mx_par_run(T, pca_task_run, &k);
}

static int pca_threads(const mx_pca *p, size_t N) {
  long t = p->threads;
  if (t <= 0) {
    t = sysconf(_SC_NPROCESSORS_ONLN);
    if (t < 1) t = 1;
  }
  if (t > PCA_MAXT) t = PCA_MAXT;
  if ((size_t)t > N / 2048 + 1) t = (long)(N / 2048 + 1); /* small inputs: fewer threads */
  return (int)t;
}

#ifdef PCA_X86
static int have_avx2(void) {
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();
    cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  return cached;
}
#endif

/* ---- the data as an operator ------------------------------------------------
 * Byte images are packed once into their non-zero 4-pixel runs (4 bytes + the
 * run's offset); MNIST keeps ~56 of 196 runs (222 of 784 pixels) per image.
 * Each operator application is then one pass over the runs that computes
 * u_n = x_n . v - mraw . v and adds u_n x_n into a per-thread accumulator
 * while the row is still in L1. */

typedef struct pca_data {
  size_t N, D, Dp, nch;   /* Dp = D rounded up to a multiple of 8, nch = Dp / 8 */
  int T;                  /* threads */
  double scale;           /* x = scale * raw (1 for doubles) */
  const double *mraw;     /* (D) column means of the raw values */
  const double *xd;       /* (N, D) doubles, or NULL */
  const uint8_t *raw;     /* (N, D) bytes, or NULL */
  /* packed bytes, row-major: row n's runs at [beg[n], beg[n] + len[n]) */
  size_t rs;              /* 2 nch rounded up to a multiple of 4: most runs per row */
  uint32_t *chunk;        /* (N * rs) non-zero 4-pixel runs, + zero runs to a multiple of 4 */
  uint16_t *cidx;         /* (N * rs) offset of each run in the row: 4 * run index */
  size_t *beg;            /* (N) */
  uint16_t *len;          /* (N) */
  uint64_t *colsum;       /* (T, 2 Dp) per-thread sums of raw x and x^2 */
  /* one operator application */
  const double *v;        /* (Dp) zero-padded input vector */
  double c;               /* mraw . v */
  double *acc;            /* (T, Dp) per-thread partial sums of u_n x_n */
  int32_t *xbuf;          /* (T, 2, 4 rs) per thread: two rows' pixels as int32, 32-byte aligned */
  double usum[PCA_MAXT];  /* per-thread sums of u_n */
} pca_data;

/* Append the non-zero 4-pixel halves of the 8-pixel run ch (bits != 0). */
static size_t pack_runs(pca_data *d, size_t pos, size_t m, uint64_t bits, size_t ch) {
  uint32_t lo = (uint32_t)bits, hi = (uint32_t)(bits >> 32);
  if (lo) {
    d->chunk[pos + m] = lo;
    d->cidx[pos + m++] = (uint16_t)(8 * ch);
  }
  if (hi) {
    d->chunk[pos + m] = hi;
    d->cidx[pos + m++] = (uint16_t)(8 * ch + 4);
  }
  return m;
}

/* Pad a row with zero runs (run index 0) to a multiple of 4: they add exact
 * zeros, and the kernels need no tail loops. */
static size_t pack_pad(pca_data *d, size_t pos, size_t m) {
  while (m % 4) {
    d->chunk[pos + m] = 0;
    d->cidx[pos + m++] = 0;
  }
  return m;
}

static void pack_plain(void *ctx, size_t n0, size_t n1, int t) {
  pca_data *d = ctx;
  const size_t D = d->D, nch = d->nch;
  uint64_t *sum = d->colsum + (size_t)t * 2 * d->Dp, *sq = sum + d->Dp;
  size_t n, ch, i, pos = n0 * d->rs;
  for (n = n0; n < n1; n++) {
    const uint8_t *x = d->raw + n * D;
    size_t m = 0;
    d->beg[n] = pos;
    for (ch = 0; ch < nch; ch++) {
      uint64_t bits = 0;
      size_t nb = D - 8 * ch < 8 ? D - 8 * ch : 8;
      memcpy(&bits, x + 8 * ch, nb);
      if (!bits) continue;
      m = pack_runs(d, pos, m, bits, ch);
      for (i = 0; i < nb; i++) {
        uint64_t b = x[8 * ch + i];
        sum[8 * ch + i] += b;
        sq[8 * ch + i] += b * b;
      }
    }
    m = pack_pad(d, pos, m);
    d->len[n] = (uint16_t)m;
    pos += m;
  }
}

static void fused_plain(void *ctx, size_t n0, size_t n1, int t) {
  pca_data *d = ctx;
  const size_t Dp = d->Dp;
  const double *v = d->v;
  double *w = d->acc + (size_t)t * Dp, us = 0.0;
  size_t n, c, i;
  memset(w, 0, Dp * sizeof *w);
  for (n = n0; n < n1; n++) {
    const uint32_t *ck = d->chunk + d->beg[n];
    const uint16_t *ci = d->cidx + d->beg[n];
    size_t m = d->len[n];
    double dot = 0.0, u;
    for (c = 0; c < m; c++) {
      const uint8_t *b = (const uint8_t *)&ck[c];
      const double *vv = v + ci[c];
      for (i = 0; i < 4; i++) dot += (double)b[i] * vv[i];
    }
    u = dot - d->c;
    us += u;
    for (c = 0; c < m; c++) {
      const uint8_t *b = (const uint8_t *)&ck[c];
      double *ww = w + ci[c];
      for (i = 0; i < 4; i++) ww[i] += u * (double)b[i];
    }
  }
  d->usum[t] = us;
}

#ifdef PCA_X86
__attribute__((target("avx2,fma"))) static void pack_avx2(void *ctx, size_t n0, size_t n1,
                                                           int t) {
  pca_data *d = ctx;
  const size_t D = d->D, Dp = d->Dp, nch = d->nch;
  uint64_t *sum = d->colsum + (size_t)t * 2 * Dp, *sq = sum + Dp;
  uint32_t *s32 = calloc(2 * Dp, sizeof *s32), *q32 = s32 ? s32 + Dp : NULL;
  uint64_t mk[MX_PCA_MAXD / 256 + 1];
  const size_t nblk = (D + 31) / 32, nw = (2 * nch + 63) / 64;
  size_t n, ch, i, pos = n0 * d->rs, since = 0;
  if (!s32) {
    pack_plain(ctx, n0, n1, t);
    return;
  }
  for (n = n0; n < n1; n++) {
    const uint8_t *x = d->raw + n * D;
    size_t m = 0, k;
    /* Bit r of mk: 4-pixel run r is non-zero (32 pixels per compare, then one
     * step per non-zero run: no branch per run to mispredict). */
    for (k = 0; k < nw; k++) mk[k] = 0;
    for (ch = 0; ch < nblk; ch++) {
      __m256i y;
      unsigned z;
      if (32 * ch + 32 <= D) y = _mm256_loadu_si256((const __m256i *)(x + 32 * ch));
      else {
        uint8_t tmp[32] = {0};
        memcpy(tmp, x + 32 * ch, D - 32 * ch);
        y = _mm256_loadu_si256((const __m256i *)tmp);
      }
      z = (unsigned)_mm256_movemask_ps(
          _mm256_castsi256_ps(_mm256_cmpeq_epi32(y, _mm256_setzero_si256())));
      mk[ch / 8] |= (uint64_t)(~z & 0xffu) << (8 * (ch % 8));
    }
    d->beg[n] = pos;
    for (k = 0; k < nw; k++) {
      uint64_t bitsk = mk[k];
      while (bitsk) {
        const size_t r = 64 * k + (size_t)__builtin_ctzll(bitsk);
        uint32_t run = 0;
        __m128i q, *ps, *pq;
        if (4 * r + 4 <= D) memcpy(&run, x + 4 * r, 4);
        else memcpy(&run, x + 4 * r, D - 4 * r);
        d->chunk[pos + m] = run;
        d->cidx[pos + m++] = (uint16_t)(4 * r);
        q = _mm_cvtepu8_epi32(_mm_cvtsi32_si128((int)run));
        ps = (__m128i *)(s32 + 4 * r);
        pq = (__m128i *)(q32 + 4 * r);
        _mm_storeu_si128(ps, _mm_add_epi32(_mm_loadu_si128(ps), q));
        _mm_storeu_si128(pq, _mm_add_epi32(_mm_loadu_si128(pq), _mm_mullo_epi32(q, q)));
        bitsk &= bitsk - 1;
      }
    }
    m = pack_pad(d, pos, m);
    d->len[n] = (uint16_t)m;
    pos += m;
    /* 65536 rows of 255^2 would overflow 32 bits: flush before. */
    if (++since == 65535 || n + 1 == n1) {
      for (i = 0; i < Dp; i++) {
        sum[i] += s32[i];
        sq[i] += q32[i];
      }
      memset(s32, 0, 2 * Dp * sizeof *s32);
      since = 0;
    }
  }
  free(s32);
}

/* The dot product of a row (u = x . v, "pass 1") and the update of the
 * previous row (w += u x, "pass 2") are independent, so they are interleaved:
 * the previous row's runs, widened to int32 in xbuf by its pass 1, are added
 * into w while this row's dot product runs. (Done one row at a time, a row's
 * update had to wait for the end of its own dot product.) Rows are padded to
 * a multiple of 4 runs, so there are no tail loops. */

/* Pass 1 for runs c, c + 1: a[0] += x_c v_c, a[1] += x_c+1 v_c+1. */
__attribute__((target("avx2,fma"))) static inline void p1_pair(const uint32_t *ck,
                                                               const uint16_t *ci, size_t c,
                                                               const double *v, int32_t *xb,
                                                               __m256d *a) {
  uint64_t two;
  __m256i q;
  __m256d q0, q1;
  memcpy(&two, ck + c, 8);
  q = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)two));
  q0 = _mm256_cvtepi32_pd(_mm256_castsi256_si128(q));
  q1 = _mm256_cvtepi32_pd(_mm256_extracti128_si256(q, 1));
  _mm256_store_si256((__m256i *)(xb + 4 * c), q); /* kept for pass 2 */
  a[0] = _mm256_fmadd_pd(q0, _mm256_loadu_pd(v + ci[c]), a[0]);
  a[1] = _mm256_fmadd_pd(q1, _mm256_loadu_pd(v + ci[c + 1]), a[1]);
}

/* Pass 2 for run c: w += u x_c. */
__attribute__((target("avx2,fma"))) static inline void p2_one(const uint16_t *ci, size_t c,
                                                              const int32_t *xb, __m256d uu,
                                                              double *w) {
  double *ww = w + ci[c];
  __m256d x = _mm256_cvtepi32_pd(_mm_load_si128((const __m128i *)(xb + 4 * c)));
  _mm256_storeu_pd(ww, _mm256_fmadd_pd(uu, x, _mm256_loadu_pd(ww)));
}

__attribute__((target("avx2,fma"))) static void fused_avx2(void *ctx, size_t n0, size_t n1,
                                                            int t) {
  pca_data *d = ctx;
  const size_t Dp = d->Dp;
  const double *v = d->v;
  double *w = d->acc + (size_t)t * Dp, us = 0.0;
  int32_t *xc = d->xbuf + (size_t)t * 8 * d->rs, *xp = xc + 4 * d->rs; /* this row, previous */
  const uint16_t *cip = NULL;
  size_t n, c, e, mp = 0;
  __m256d up = _mm256_setzero_pd();
  memset(w, 0, Dp * sizeof *w);
  for (n = n0; n <= n1; n++) {
    const uint32_t *ck = n < n1 ? d->chunk + d->beg[n] : NULL;
    const uint16_t *ci = n < n1 ? d->cidx + d->beg[n] : NULL;
    const size_t m = n < n1 ? d->len[n] : 0;
    __m256d a[4];
    double lanes[4], u;
    int32_t *tmp;
    a[0] = a[1] = a[2] = a[3] = _mm256_setzero_pd();
    for (c = 0; c < m && c < mp; c += 4) {
      p1_pair(ck, ci, c, v, xc, a);
      p1_pair(ck, ci, c + 2, v, xc, a + 2);
      p2_one(cip, c, xp, up, w);
      p2_one(cip, c + 1, xp, up, w);
      p2_one(cip, c + 2, xp, up, w);
      p2_one(cip, c + 3, xp, up, w);
    }
    for (e = c; c < m; c += 4) {
      p1_pair(ck, ci, c, v, xc, a);
      p1_pair(ck, ci, c + 2, v, xc, a + 2);
    }
    for (; e < mp; e += 4) {
      p2_one(cip, e, xp, up, w);
      p2_one(cip, e + 1, xp, up, w);
      p2_one(cip, e + 2, xp, up, w);
      p2_one(cip, e + 3, xp, up, w);
    }
    if (n == n1) break;
    _mm256_storeu_pd(lanes, _mm256_add_pd(_mm256_add_pd(a[0], a[1]), _mm256_add_pd(a[2], a[3])));
    u = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) - d->c;
    us += u;
    up = _mm256_set1_pd(u);
    mp = m;
    cip = ci;
    tmp = xp;
    xp = xc;
    xc = tmp;
  }
  d->usum[t] = us;
}
#endif

static void apply_f64(void *ctx, size_t n0, size_t n1, int t) {
  pca_data *d = ctx;
  const size_t D = d->D;
  const double *v = d->v;
  double *w = d->acc + (size_t)t * d->Dp, us = 0.0;
  size_t n, i;
  memset(w, 0, d->Dp * sizeof *w);
  for (n = n0; n < n1; n++) {
    const double *x = d->xd + n * D;
    double dot = 0.0, u;
    for (i = 0; i < D; i++) dot += x[i] * v[i];
    u = dot - d->c;
    us += u;
    for (i = 0; i < D; i++) w[i] += u * x[i];
  }
  d->usum[t] = us;
}

/* y = C v with C the sample covariance (never formed):
 * C v = scale^2 / (N-1) * (sum_n u_n x_n - mraw * sum_n u_n), u_n = x_n . v - mraw . v. */
static void pca_apply(mx_pca *p, pca_data *d, const double *v, double *y) {
  size_t D = d->D, i;
  double usum = 0.0, f, c = 0.0;
  double *vp = p->acc + (size_t)PCA_MAXT * d->Dp; /* padded copy of v */
  pca_range_fn fn = apply_f64;
  int t;
  for (i = 0; i < D; i++) {
    vp[i] = v[i];
    c += d->mraw[i] * v[i];
  }
  for (; i < d->Dp; i++) vp[i] = 0.0;
  d->v = vp;
  d->c = c;
  d->acc = p->acc;
  if (!d->xd) {
    fn = fused_plain;
#ifdef PCA_X86
    if (have_avx2()) fn = fused_avx2;
#endif
  }
  pca_parallel(d->T, d->N, fn, d);
  /* Sum the partial results in a fixed order (deterministic for a given T). */
  for (i = 0; i < D; i++) y[i] = 0.0;
  for (t = 0; t < d->T; t++) {
    const double *w = p->acc + (size_t)t * d->Dp;
    for (i = 0; i < D; i++) y[i] += w[i];
    usum += d->usum[t];
  }
  f = d->scale * d->scale / (double)(d->N - 1);
  for (i = 0; i < D; i++) y[i] = f * (y[i] - d->mraw[i] * usum);
}

/* ---- helpers ------------------------------------------------------------- */

/* Flip each component so that its largest-magnitude entry is positive. */
static void pca_fix_signs(mx_pca *p) {
  size_t D = (size_t)p->D, i;
  int k;
  for (k = 0; k < p->k; k++) {
    double *v = p->components + (size_t)k * D;
    size_t best = 0;
    for (i = 1; i < D; i++)
      if (fabs(v[i]) > fabs(v[best])) best = i;
    if (v[best] < 0.0)
      for (i = 0; i < D; i++) v[i] = -v[i];
  }
}

static int pca_dense_alloc(mx_pca *p) {
  size_t d = (size_t)p->D;
  if (!p->cov) p->cov = malloc(d * d * sizeof *p->cov);
  if (!p->evec) p->evec = malloc(d * d * sizeof *p->evec);
  if (!p->eval) p->eval = malloc(d * sizeof *p->eval);
  return p->cov && p->evec && p->eval ? MX_OK : MX_ENOMEM;
}

/* Eigen-decompose p->cov (lower triangle valid) into components/variance. */
static int pca_dense_eigen(mx_pca *p, mx_error *err) {
  size_t d = (size_t)p->D, i;
  gsl_matrix_view A = gsl_matrix_view_array(p->cov, d, d);
  gsl_matrix_view V = gsl_matrix_view_array(p->evec, d, d);
  gsl_vector_view L = gsl_vector_view_array(p->eval, d);
  gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(d);
  gsl_error_handler_t *old;
  int rc, k;
  if (!ws) return mx_error_set(err, MX_ENOMEM, "PCA: out of memory");
  p->total_variance = 0.0;
  for (i = 0; i < d; i++) p->total_variance += p->cov[i * d + i];
  old = gsl_set_error_handler_off();
  rc = gsl_eigen_symmv(&A.matrix, &L.vector, &V.matrix, ws);
  if (rc == GSL_SUCCESS) rc = gsl_eigen_symmv_sort(&L.vector, &V.matrix, GSL_EIGEN_SORT_VAL_DESC);
  gsl_set_error_handler(old);
  gsl_eigen_symmv_free(ws);
  if (rc != GSL_SUCCESS)
    return mx_error_set(err, MX_ENONFINITE, "PCA: eigensolver failed (%s)", gsl_strerror(rc));
  for (k = 0; k < p->k; k++) {
    p->variance[k] = p->eval[k];
    for (i = 0; i < d; i++) p->components[(size_t)k * d + i] = p->evec[i * d + (size_t)k];
  }
  p->used = MX_PCA_DENSE;
  p->steps = 0;
  return MX_OK;
}

/* Dense covariance from doubles: centred row blocks through dsyrk. */
static int pca_dense_f64(mx_pca *p, const pca_data *dat, mx_error *err) {
  const size_t D = dat->D, B = 256;
  size_t n0, n, i, j;
  double *blk;
  if (pca_dense_alloc(p) != MX_OK || !(blk = malloc(B * D * sizeof *blk)))
    return mx_error_set(err, MX_ENOMEM, "PCA: out of memory for the %zux%zu covariance", D, D);
  memset(p->cov, 0, D * D * sizeof *p->cov);
  for (n0 = 0; n0 < dat->N; n0 += B) {
    size_t nb = dat->N - n0 < B ? dat->N - n0 : B;
    for (n = 0; n < nb; n++)
      for (i = 0; i < D; i++) blk[n * D + i] = dat->xd[(n0 + n) * D + i] - dat->mraw[i];
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)D, (int)nb, 1.0, blk, (int)D, 1.0,
                p->cov, (int)D);
  }
  free(blk);
  for (i = 0; i < D; i++)
    for (j = 0; j <= i; j++) {
      p->cov[i * D + j] /= (double)(dat->N - 1);
      p->cov[j * D + i] = p->cov[i * D + j];
    }
  return pca_dense_eigen(p, err);
}

/* Dense covariance from bytes: the integer Gram matrix is exact in double. */
static int pca_dense_u8(mx_pca *p, const pca_data *dat, const double *colsum, mx_error *err) {
  const size_t D = dat->D, B = 256;
  size_t n0, n, i, j;
  double *blk, N = (double)dat->N, f;
  if (pca_dense_alloc(p) != MX_OK || !(blk = malloc(B * D * sizeof *blk)))
    return mx_error_set(err, MX_ENOMEM, "PCA: out of memory for the %zux%zu covariance", D, D);
  memset(p->cov, 0, D * D * sizeof *p->cov);
  for (n0 = 0; n0 < dat->N; n0 += B) {
    size_t nb = dat->N - n0 < B ? dat->N - n0 : B;
    for (n = 0; n < nb * D; n++) blk[n] = (double)dat->raw[n0 * D + n];
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)D, (int)nb, 1.0, blk, (int)D, 1.0,
                p->cov, (int)D);
  }
  free(blk);
  f = dat->scale * dat->scale / (N * (N - 1.0));
  for (i = 0; i < D; i++)
    for (j = 0; j <= i; j++) {
      /* N G_ij and s_i s_j are exact integers below 2^53: one rounding. */
      double v = (N * p->cov[i * D + j] - colsum[i] * colsum[j]) * f;
      p->cov[i * D + j] = v;
      p->cov[j * D + i] = v;
    }
  return pca_dense_eigen(p, err);
}

/* Deterministic start vector (splitmix64 -> [-1, 1)). */
static void pca_start(double *q, size_t D) {
  uint64_t s = 0x9E3779B97F4A7C15ull;
  size_t i;
  for (i = 0; i < D; i++) {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    q[i] = (double)(z >> 11) * (2.0 / 9007199254740992.0) - 1.0;
  }
}

/* Eigen-decompose the j x j tridiagonal (alpha, beta) into ritz (descending)
 * and the eigenvector matrix in tri + m*m (column i for ritz[i]). */
static int pca_tri_eigen(mx_pca *p, int j) {
  size_t m = (size_t)j, i;
  double *T = p->tri, *S = p->tri + (size_t)p->max_steps * (size_t)p->max_steps;
  gsl_matrix_view A = gsl_matrix_view_array(T, m, m);
  gsl_matrix_view V = gsl_matrix_view_array(S, m, m);
  gsl_vector_view L = gsl_vector_view_array(p->ritz, m);
  gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(m);
  gsl_error_handler_t *old;
  int rc;
  if (!ws) return MX_ENOMEM;
  memset(T, 0, m * m * sizeof *T);
  for (i = 0; i < m; i++) {
    T[i * m + i] = p->alpha[i];
    if (i + 1 < m) T[(i + 1) * m + i] = T[i * m + i + 1] = p->beta[i];
  }
  old = gsl_set_error_handler_off();
  rc = gsl_eigen_symmv(&A.matrix, &L.vector, &V.matrix, ws);
  if (rc == GSL_SUCCESS) rc = gsl_eigen_symmv_sort(&L.vector, &V.matrix, GSL_EIGEN_SORT_VAL_DESC);
  gsl_set_error_handler(old);
  gsl_eigen_symmv_free(ws);
  return rc == GSL_SUCCESS ? MX_OK : MX_ENONFINITE;
}

/* Lanczos with full reorthogonalisation. 0 on convergence, 1 if not converged
 * (caller falls back to dense), < 0 on error. */
static int pca_lanczos(mx_pca *p, pca_data *dat) {
  const size_t D = dat->D;
  const int m = p->max_steps, K = p->k;
  double *Q = p->basis, nrm = 0.0, theta1 = 0.0;
  size_t i;
  int j, r, pass, rc;
  pca_start(Q, D);
  for (i = 0; i < D; i++) nrm += Q[i] * Q[i];
  nrm = sqrt(nrm);
  for (i = 0; i < D; i++) Q[i] /= nrm;
  for (j = 0; j < m; j++) {
    double *q = Q + (size_t)j * D, *z = Q + (size_t)(j + 1) * D, a = 0.0, b = 0.0;
    int converged = 1;
    pca_apply(p, dat, q, z);
    for (i = 0; i < D; i++) a += q[i] * z[i];
    p->alpha[j] = a;
    for (i = 0; i < D; i++) z[i] -= a * q[i];
    if (j > 0)
      for (i = 0; i < D; i++) z[i] -= p->beta[j - 1] * Q[(size_t)(j - 1) * D + i];
    /* Full reorthogonalisation, twice ("twice is enough"). */
    for (pass = 0; pass < 2; pass++)
      for (r = 0; r <= j; r++) {
        const double *qr = Q + (size_t)r * D;
        double h = 0.0;
        for (i = 0; i < D; i++) h += qr[i] * z[i];
        for (i = 0; i < D; i++) z[i] -= h * qr[i];
      }
    for (i = 0; i < D; i++) b += z[i] * z[i];
    b = sqrt(b);
    p->beta[j] = b;
    p->steps = j + 1;
    if (j + 1 < K && b > 0.0) {
      for (i = 0; i < D; i++) z[i] /= b;
      continue;
    }
    if ((rc = pca_tri_eigen(p, j + 1)) != MX_OK) return rc;
    theta1 = fabs(p->ritz[0]);
    {
      const double *S = p->tri + (size_t)m * (size_t)m;
      size_t mm = (size_t)(j + 1);
      for (r = 0; r < K && r < j + 1; r++)
        if (b * fabs(S[j * mm + (size_t)r]) > p->tol * theta1) converged = 0;
      if (j + 1 < K) converged = 0;
    }
    if (converged || b <= 1e-15 * theta1) {
      /* An invariant subspace (b ~ 0) with fewer than k vectors: give up. */
      if (j + 1 < K) return 1;
      break;
    }
    for (i = 0; i < D; i++) z[i] /= b;
  }
  if (j == m) return 1;
  {
    /* Ritz vectors y_r = Q s_r. */
    const double *S = p->tri + (size_t)m * (size_t)m;
    size_t mm = (size_t)p->steps;
    int kk;
    for (kk = 0; kk < K; kk++) {
      double *y = p->components + (size_t)kk * D, n2 = 0.0;
      for (i = 0; i < D; i++) y[i] = 0.0;
      for (r = 0; r < p->steps; r++) {
        double s = S[(size_t)r * mm + (size_t)kk];
        const double *qr = Q + (size_t)r * D;
        for (i = 0; i < D; i++) y[i] += s * qr[i];
      }
      for (i = 0; i < D; i++) n2 += y[i] * y[i];
      n2 = sqrt(n2);
      for (i = 0; i < D; i++) y[i] /= n2;
      p->variance[kk] = p->ritz[kk];
    }
  }
  p->used = MX_PCA_LANCZOS;
  return 0;
}

static int pca_use_lanczos(const mx_pca *p) {
  if (p->method == MX_PCA_DENSE) return 0;
  if (p->method == MX_PCA_LANCZOS) return 1;
  return p->D > 64 && p->k <= p->D / 4;
}

static int pca_check(mx_pca *p, size_t N, mx_error *err) {
  if (!p) return mx_error_set(err, MX_EINVAL, "PCA: no model");
  if (N < 2) return mx_error_set(err, MX_EEMPTY, "PCA needs at least 2 points, got %zu", N);
  return MX_OK;
}

int mx_pca_fit(mx_pca *p, const double *X, size_t N, mx_error *err) {
  pca_data dat;
  size_t D, n, i;
  int rc;
  if ((rc = pca_check(p, N, err)) != MX_OK) return rc;
  D = (size_t)p->D;
  for (i = 0; i < D; i++) p->mean[i] = 0.0;
  for (n = 0; n < N; n++)
    for (i = 0; i < D; i++) {
      double x = X[n * D + i];
      if (!isfinite(x))
        return mx_error_set(err, MX_ENONFINITE, "PCA: row %zu, column %zu is not finite", n, i);
      p->mean[i] += x;
    }
  for (i = 0; i < D; i++) p->mean[i] /= (double)N;
  memset(&dat, 0, sizeof dat);
  dat.xd = X;
  dat.N = N;
  dat.D = D;
  dat.Dp = (D + 7) / 8 * 8;
  dat.T = pca_threads(p, N);
  dat.scale = 1.0;
  dat.mraw = p->mean;
  p->n = N;
  if (pca_use_lanczos(p)) {
    rc = pca_lanczos(p, &dat);
    if (rc == 0) {
      /* trace(C) = sum of column variances (two-pass). */
      double tv = 0.0;
      for (i = 0; i < D; i++) {
        double s = 0.0;
        for (n = 0; n < N; n++) {
          double t = X[n * D + i] - p->mean[i];
          s += t * t;
        }
        tv += s;
      }
      p->total_variance = tv / (double)(N - 1);
      pca_fix_signs(p);
      return MX_OK;
    }
    if (rc < 0) return mx_error_set(err, rc, "PCA: Lanczos failed: %s", mx_strerror(rc));
  }
  if ((rc = pca_dense_f64(p, &dat, err)) != MX_OK) return rc;
  pca_fix_signs(p);
  return MX_OK;
}

int mx_pca_fit_u8(mx_pca *p, const uint8_t *pix, size_t N, double scale, mx_error *err) {
  pca_data dat;
  size_t D, Dp, nch, i;
  double *mraw = NULL, *cs = NULL, Nd = (double)N, tv = 0.0;
  int rc, t;
  if ((rc = pca_check(p, N, err)) != MX_OK) return rc;
  if (!(scale > 0.0) || !isfinite(scale))
    return mx_error_set(err, MX_ERANGE, "PCA: scale %g must be positive and finite", scale);
  D = (size_t)p->D;
  Dp = (D + 7) / 8 * 8;
  nch = Dp / 8;
  memset(&dat, 0, sizeof dat);
  dat.N = N;
  dat.D = D;
  dat.Dp = Dp;
  dat.nch = nch;
  dat.T = pca_threads(p, N);
  dat.scale = scale;
  dat.raw = pix;
  /* The packed runs are reserved at their worst case (every run
   * non-zero); pages never written are never touched. */
  dat.rs = (2 * nch + 3) / 4 * 4;
  dat.chunk = malloc(N * dat.rs * sizeof *dat.chunk);
  dat.cidx = malloc(N * dat.rs * sizeof *dat.cidx);
  dat.beg = malloc(N * sizeof *dat.beg);
  dat.len = malloc(N * sizeof *dat.len);
  dat.colsum = calloc((size_t)dat.T * 2 * Dp, sizeof *dat.colsum);
  dat.xbuf = aligned_alloc(32, (size_t)dat.T * 8 * dat.rs * sizeof *dat.xbuf); /* 32 | 32 rs */

  mraw = malloc(D * sizeof *mraw);
  cs = malloc(D * sizeof *cs);
  if (!dat.chunk || !dat.cidx || !dat.beg || !dat.len || !dat.colsum || !dat.xbuf || !mraw || !cs) {
    rc = mx_error_set(err, MX_ENOMEM, "PCA: out of memory for %zu x %zu bytes", N, D);
    goto done;
  }
#ifdef PCA_X86
  if (have_avx2()) pca_parallel(dat.T, N, pack_avx2, &dat);
  else
#endif
    pca_parallel(dat.T, N, pack_plain, &dat);
  /* Column sums and sums of squares are integers: exact. */
  for (i = 0; i < D; i++) {
    uint64_t s = 0, q = 0;
    for (t = 0; t < dat.T; t++) {
      s += dat.colsum[(size_t)t * 2 * Dp + i];
      q += dat.colsum[(size_t)t * 2 * Dp + Dp + i];
    }
    cs[i] = (double)s;
    mraw[i] = cs[i] / Nd;
    p->mean[i] = mraw[i] * scale;
    /* N * sum (x - m)^2 = N sum x^2 - (sum x)^2, an exact integer */
    tv += Nd * (double)q - cs[i] * cs[i];
  }
  dat.mraw = mraw;
  p->n = N;
  rc = 1;
  if (pca_use_lanczos(p)) rc = pca_lanczos(p, &dat);
  if (rc == 1) rc = pca_dense_u8(p, &dat, cs, err);
  else if (rc < 0) rc = mx_error_set(err, rc, "PCA: Lanczos failed: %s", mx_strerror(rc));
  p->total_variance = tv * scale * scale / (Nd * (Nd - 1.0));
  if (rc == MX_OK) pca_fix_signs(p);
done:
  free(dat.chunk);
  free(dat.cidx);
  free(dat.beg);
  free(dat.len);
  free(dat.colsum);
  free(dat.xbuf);
  free(mraw);
  free(cs);
  return rc;
}

int mx_pca_transform(const mx_pca *p, const double *X, size_t N, double *Y) {
  size_t D = (size_t)p->D, K = (size_t)p->k, n, i, k;
  for (n = 0; n < N; n++)
    for (k = 0; k < K; k++) {
      const double *v = p->components + k * D;
      double s = 0.0;
      for (i = 0; i < D; i++) s += (X[n * D + i] - p->mean[i]) * v[i];
      Y[n * K + k] = s;
    }
  return MX_OK;
}

typedef struct pca_proj {
  const mx_pca *p;
  const uint8_t *pix;
  double scale;
  double mv[64]; /* mean . v_k */
  double *Y;
} pca_proj;

static void proj_plain(void *ctx, size_t n0, size_t n1, int t) {
  pca_proj *j = ctx;
  const size_t D = (size_t)j->p->D, K = (size_t)j->p->k, nch = D / 8;
  size_t n, k, ch, i;
  (void)t;
  for (n = n0; n < n1; n++) {
    const uint8_t *x = j->pix + n * D;
    for (k = 0; k < K; k++) {
      const double *v = j->p->components + k * D;
      double s = 0.0;
      for (ch = 0; ch < nch; ch++) {
        uint64_t bits;
        memcpy(&bits, x + 8 * ch, 8);
        if (!bits) continue;
        for (i = 8 * ch; i < 8 * ch + 8; i++) s += (double)x[i] * v[i];
      }
      for (i = nch * 8; i < D; i++) s += (double)x[i] * v[i];
      j->Y[n * K + k] = j->scale * s - j->mv[k];
    }
  }
}

#ifdef PCA_X86
/* k <= 4: one pass over each row's non-zero 8-pixel runs for all components. */
__attribute__((target("avx2,fma"))) static void proj_avx2(void *ctx, size_t n0, size_t n1,
                                                           int t) {
  pca_proj *j = ctx;
  const size_t D = (size_t)j->p->D, K = (size_t)j->p->k, nch = D / 8;
  const double *V = j->p->components;
  size_t n, k, ch, i;
  (void)t;
  for (n = n0; n < n1; n++) {
    const uint8_t *x = j->pix + n * D;
    __m256d a[4][2];
    double lanes[4];
    for (k = 0; k < K; k++) a[k][0] = a[k][1] = _mm256_setzero_pd();
    for (ch = 0; ch < nch; ch++) {
      uint64_t bits;
      __m256i q;
      __m256d lo, hi;
      memcpy(&bits, x + 8 * ch, 8);
      if (!bits) continue;
      q = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)bits));
      lo = _mm256_cvtepi32_pd(_mm256_castsi256_si128(q));
      hi = _mm256_cvtepi32_pd(_mm256_extracti128_si256(q, 1));
      for (k = 0; k < K; k++) {
        a[k][0] = _mm256_fmadd_pd(lo, _mm256_loadu_pd(V + k * D + 8 * ch), a[k][0]);
        a[k][1] = _mm256_fmadd_pd(hi, _mm256_loadu_pd(V + k * D + 8 * ch + 4), a[k][1]);
      }
    }
    for (k = 0; k < K; k++) {
      double s;
      _mm256_storeu_pd(lanes, _mm256_add_pd(a[k][0], a[k][1]));
      s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
      for (i = nch * 8; i < D; i++) s += (double)x[i] * V[k * D + i];
      j->Y[n * K + k] = j->scale * s - j->mv[k];
    }
  }
}
#endif

int mx_pca_transform_u8(const mx_pca *p, const uint8_t *pix, size_t N, double scale, double *Y) {
  size_t D = (size_t)p->D, K = (size_t)p->k, i, k;
  pca_proj j;
  if (K > 64) return MX_ETOOBIG;
  /* y_k = scale * pix . v_k - mean . v_k, skipping all-zero 8-pixel runs. */
  j.p = p;
  j.pix = pix;
  j.scale = scale;
  j.Y = Y;
  for (k = 0; k < K; k++) {
    double s = 0.0;
    for (i = 0; i < D; i++) s += p->mean[i] * p->components[k * D + i];
    j.mv[k] = s;
  }
#ifdef PCA_X86
  if (K <= 4 && have_avx2()) {
    pca_parallel(pca_threads(p, N), N, proj_avx2, &j);
    return MX_OK;
  }
#endif
  pca_parallel(pca_threads(p, N), N, proj_plain, &j);
  return MX_OK;
}

int mx_pca_digits(const mx_images *im, const int *digits, int nd, size_t nmax, mx_points *out,
                  mx_pca **pca_out, mx_error *err) {
  size_t n, m = 0, D = im->d;
  int cls[256], i, rc;
  uint8_t *sel = NULL;
  int *lab = NULL;
  double *Y = NULL;
  mx_pca *p = NULL;
  if (pca_out) *pca_out = NULL;
  if (nd < 1 || nd > 10) return mx_error_set(err, MX_EINVAL, "choose 1 to 10 digits, not %d", nd);
  for (i = 0; i < 256; i++) cls[i] = -1;
  for (i = 0; i < nd; i++) {
    if (digits[i] < 0 || digits[i] > 9)
      return mx_error_set(err, MX_ERANGE, "digit %d is not in 0..9", digits[i]);
    if (cls[digits[i]] >= 0)
      return mx_error_set(err, MX_EINVAL, "digit %d is listed twice", digits[i]);
    cls[digits[i]] = i;
  }
  for (n = 0; n < im->n && (!nmax || m < nmax); n++) m += cls[im->labels[n]] >= 0;
  if (m < 2)
    return mx_error_set(err, MX_EEMPTY, "only %zu image%s of the chosen digits (need 2)", m,
                        m == 1 ? "" : "s");
  if (D < 2 || D > MX_PCA_MAXD)
    return mx_error_set(err, MX_EINVAL,
                        "a 2-D projection needs images of 2 to %d pixels; these have %zu",
                        MX_PCA_MAXD, D);
  sel = malloc(m * D);
  lab = malloc(m * sizeof *lab);
  Y = malloc(m * 2 * sizeof *Y);
  p = mx_pca_alloc((int)D, 2);
  if (!sel || !lab || !Y || !p) {
    rc = mx_error_set(err, MX_ENOMEM, "out of memory for %zu images", m);
    goto done;
  }
  m = 0;
  for (n = 0; n < im->n && (!nmax || m < nmax); n++)
    if (cls[im->labels[n]] >= 0) {
      memcpy(sel + m * D, im->pix + n * D, D);
      lab[m++] = cls[im->labels[n]];
    }
  if ((rc = mx_pca_fit_u8(p, sel, m, 1.0 / 255.0, err)) != MX_OK) goto done;
  mx_pca_transform_u8(p, sel, m, 1.0 / 255.0, Y);
  mx_points_free(out);
  if ((rc = mx_points_init(out, 2, m)) != MX_OK) {
    rc = mx_error_set(err, rc, "out of memory for %zu points", m);
    goto done;
  }
  for (n = 0; n < m; n++) mx_points_push(out, Y + 2 * n, lab[n]);
  out->has_label_col = 1;
  if (pca_out) {
    *pca_out = p;
    p = NULL;
  }
done:
  free(sel);
  free(lab);
  free(Y);
  mx_pca_free(p);
  return rc;
}
