/* mixscope — Bernoulli mixture EM on binary images (see bmm.h for the maths). */
#include "mixscope/bmm.h"
#include "mixscope/simd.h"
#include "parallel.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The E/M kernels work on blocks of MX_BMM_B = 4 components held in one
 * 4-double vector (GCC/Clang vector extension; a plain struct elsewhere),
 * three blocks (12 components) per walk over an image's on-pixels while they
 * last, then one block per walk. Each component's sum is formed in the same
 * order either way, so results do not depend on the grouping. */
_Static_assert(MX_BMM_B == 4, "bmm kernels are written for blocks of 4 components");
#if defined(__GNUC__)
typedef double bmm_v4 __attribute__((vector_size(4 * sizeof(double))));
#define V4_ADD(a, b) ((a) += (b))
#define V2_ADD(a, b) ((a) += (b))
#else
typedef struct { double e[4]; } bmm_v4;
#define V4_ADD(a, b) ((a).e[0] += (b).e[0], (a).e[1] += (b).e[1], (a).e[2] += (b).e[2], (a).e[3] += (b).e[3])
#define V2_ADD(a, b) ((a).e[0] += (b).e[0], (a).e[1] += (b).e[1])
#endif
/* Unaligned loads and stores of 4 doubles (one instruction each when vectorised). */
#define V4_LOAD(v, p) memcpy(&(v), (p), sizeof(bmm_v4))
#define V4_STORE(p, v) memcpy((p), &(v), sizeof(bmm_v4))
static const double bmm_zero4[4] = {0.0, 0.0, 0.0, 0.0};
/* K = 9 or 10 (KP = 12): w is stored compactly as (D, 8) for components 0..7
 * and then (D, 2) for 8, 9, so an on-pixel touches 80 bytes of the table, not
 * 96 (the table then stays in L1 cache better); otherwise w is (D, KP). */
#define BMM_W10(m) ((m)->kp == 12 && (m)->k > 8 && (m)->k <= 10)
#if defined(__GNUC__)
typedef double bmm_v2 __attribute__((vector_size(2 * sizeof(double))));
#else
typedef struct { double e[2]; } bmm_v2;
#endif

/* a0..a2 += the 12 doubles at src (uses a bmm_v4 x in scope) */
#define BMM_ADD3(a0, a1, a2, src)                                                           \
  do {                                                                                      \
    const double *src_ = (src);                                                             \
    V4_LOAD(x, src_), V4_ADD(a0, x);                                                        \
    V4_LOAD(x, src_ + 4), V4_ADD(a1, x);                                                    \
    V4_LOAD(x, src_ + 8), V4_ADD(a2, x);                                                    \
  } while (0)

/* On x86-64 Linux with GCC the kernels are also compiled for AVX2 and picked
 * at load time (a block is then one register). The arithmetic is the same,
 * element by element, and none of it is fused into FMAs (AVX2 alone has none,
 * and ISO C mode does not contract), so results are identical. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define MX_BMM_KERNEL __attribute__((target_clones("avx2", "default")))
#else
#define MX_BMM_KERNEL
#endif

/* ---- data ------------------------------------------------------------------ */

/* The pixel-major copy of the lists, tile by tile (a counting sort by pixel
 * of the tile's on-pixels; images stay in order within a pixel). */
static int bmm_data_tiles(mx_bmm_data *data) {
  const size_t C = MX_BMM_CHUNK, D = data->d, nt = data->n / C;
  size_t t, i, j, d;
  _Static_assert(MX_BMM_CHUNK <= 256, "tile offsets are bytes");
  data->tn = nt * C;
  data->tstart = malloc((nt * (D + 1) + 1) * sizeof *data->tstart);
  data->tix = malloc((data->start[data->tn] + 1) * sizeof *data->tix);
  if (!data->tstart || !data->tix) return MX_ENOMEM;
  for (t = 0; t < nt; t++) {
    uint32_t *ts = data->tstart + t * (D + 1);
    uint8_t *tix = data->tix + data->start[t * C];
    memset(ts, 0, (D + 1) * sizeof *ts);
    for (j = data->start[t * C]; j < data->start[t * C + C]; j++) ts[data->idx[j] + 1]++;
    for (d = 0; d < D; d++) ts[d + 1] += ts[d];
    for (i = 0; i < C; i++) /* ts[d] runs ahead as pixel d's slots fill, ... */
      for (j = data->start[t * C + i]; j < data->start[t * C + i + 1]; j++)
        tix[ts[data->idx[j]]++] = (uint8_t)i;
    for (d = D; d > 0; d--) ts[d] = ts[d - 1]; /* ... so shift it back */
    ts[0] = 0;
  }
  return MX_OK;
}

/* The lists for n images x (n, d) whose pixel is on iff its value > cut
 * (cut = −1: every pixel), nnz of them in all. The fill stores every pixel
 * index and advances only past the on ones (no branch to mispredict), so idx
 * has one spare entry. */
static int bmm_data_build(mx_bmm_data **out, const uint8_t *x, size_t n, size_t d, int cut,
                          size_t nnz, mx_error *err) {
  mx_bmm_data *data = calloc(1, sizeof *data);
  size_t i, j, pos = 0;
  if (!data) return mx_error_set(err, MX_ENOMEM, "bmm data: out of memory");
  data->n = n;
  data->d = d;
  data->nnz = nnz;
  data->start = malloc((n + 1) * sizeof *data->start);
  data->idx = malloc((nnz + 1) * sizeof *data->idx);
  if (!data->start || !data->idx) {
    mx_bmm_data_free(data);
    return mx_error_set(err, MX_ENOMEM, "bmm data: out of memory for %zu on-pixels", nnz);
  }
  for (i = 0; i < n; i++) {
    const uint8_t *row = x + i * d;
    data->start[i] = pos;
    for (j = 0; j < d; j++) {
      data->idx[pos] = (uint16_t)j;
      pos += (int)row[j] > cut;
    }
  }
  data->start[n] = pos;
  if (bmm_data_tiles(data)) {
    mx_bmm_data_free(data);
    return mx_error_set(err, MX_ENOMEM, "bmm data: out of memory for %zu on-pixels", nnz);
  }
  *out = data;
  return MX_OK;
}

int mx_bmm_data_alloc(mx_bmm_data **out, const uint8_t *x, size_t n, size_t d,
                      mx_error *err) {
  size_t i, j, nnz = 0;
  *out = NULL;
  if (d == 0 || d > 65536)
    return mx_error_set(err, MX_EINVAL, "bmm data: %zu pixels per image (need 1..65536)", d);
  for (i = 0; i < n; i++)
    for (j = 0; j < d; j++) {
      uint8_t v = x[i * d + j];
      if (v > 1)
        return mx_error_set(err, MX_ERANGE,
                            "bmm data: image %zu pixel %zu is %u, expected 0 or 1 (binarize first)",
                            i, j, (unsigned)v);
      nnz += v;
    }
  return bmm_data_build(out, x, n, d, 0, nnz, err);
}

int mx_bmm_data_alloc_grey(mx_bmm_data **out, const uint8_t *pix, size_t n, size_t d,
                           double threshold, mx_error *err) {
  size_t i, nnz = 0;
  int v, cut = -1;
  *out = NULL;
  if (d == 0 || d > 65536)
    return mx_error_set(err, MX_EINVAL, "bmm data: %zu pixels per image (need 1..65536)", d);
  /* on iff v/255 > threshold (mx_binarize's test), which is monotone in the
   * grey level v: on iff v > cut, cut = the largest v that is not on */
  for (v = 0; v < 256; v++)
    if (!((double)v / 255.0 > threshold)) cut = v;
  for (i = 0; i < n * d; i++) nnz += (int)pix[i] > cut;
  return bmm_data_build(out, pix, n, d, cut, nnz, err);
}

void mx_bmm_data_free(mx_bmm_data *data) {
  if (!data) return;
  free(data->start);
  free(data->idx);
  free(data->tstart);
  free(data->tix);
  free(data);
}

/* ---- model ----------------------------------------------------------------- */

mx_bmm_prior mx_bmm_prior_laplace(double alpha, double gamma) {
  mx_bmm_prior p;
  p.a = 1.0 + alpha;
  p.b = 1.0 + alpha;
  p.gamma = gamma;
  return p;
}

/* One thread's chunk buffer: scores / responsibilities, then exp scratch. */
#define BMM_CHUNK_SLAB(kp) (2 * MX_BMM_CHUNK * (kp) + 8)

/* n doubles, zeroed, on a 64-byte boundary: the (D, KP) tables' 4-double
 * blocks then never straddle a cache line. */
static double *bmm_alloc_aligned(size_t n) {
  size_t bytes = (n * sizeof(double) + 63) / 64 * 64;
  double *p = aligned_alloc(64, bytes ? bytes : 64);
  if (p) memset(p, 0, bytes);
  return p;
}

int mx_bmm_alloc(mx_bmm **out, size_t k, size_t d, size_t n, mx_bmm_prior prior,
                 size_t nthreads, mx_error *err) {
  mx_bmm *m;
  size_t i;
  *out = NULL;
  if (k == 0 || d == 0 || n == 0)
    return mx_error_set(err, MX_EINVAL, "bmm: need K, D, N >= 1 (got K=%zu D=%zu N=%zu)", k,
                        d, n);
  if (!(prior.a > 1.0) || !(prior.b > 1.0) || !isfinite(prior.a) || !isfinite(prior.b))
    return mx_error_set(err, MX_EINVAL,
                        "bmm: Beta prior (a=%g, b=%g) needs a > 1 and b > 1 so theta stays "
                        "inside (0, 1)",
                        prior.a, prior.b);
  if (!(prior.gamma >= 1.0) || !isfinite(prior.gamma))
    return mx_error_set(err, MX_EINVAL, "bmm: Dirichlet prior gamma=%g needs gamma >= 1",
                        prior.gamma);
  if (nthreads < 1 || nthreads > MX_BMM_MAX_THREADS)
    return mx_error_set(err, MX_EINVAL, "bmm: %zu threads (need 1..%d)", nthreads,
                        MX_BMM_MAX_THREADS);
  if (k > ((size_t)-1) / 16 / d || k > ((size_t)-1) / 16 / n)
    return mx_error_set(err, MX_ETOOBIG, "bmm: K=%zu too large for D=%zu, N=%zu", k, d, n);
  m = calloc(1, sizeof *m);
  if (!m) return mx_error_set(err, MX_ENOMEM, "bmm: out of memory");
  m->k = k;
  m->d = d;
  m->n = n;
  m->kp = (k + MX_BMM_B - 1) / MX_BMM_B * MX_BMM_B;
  m->nthreads = nthreads;
  m->prior = prior;
  m->theta = malloc(k * d * sizeof *m->theta);
  m->pi = malloc(k * sizeof *m->pi);
  m->resp = calloc(n * k, sizeof *m->resp);
  m->fixed = malloc(n * sizeof *m->fixed);
  m->nk = calloc(k, sizeof *m->nk);
  m->w = bmm_alloc_aligned(d * m->kp); /* padding columns stay 0 */
  m->c = calloc(m->kp, sizeof *m->c);
  m->acc = bmm_alloc_aligned(nthreads * d * m->kp);
  m->chunk = bmm_alloc_aligned(nthreads * BMM_CHUNK_SLAB(m->kp));
  m->nkpart = calloc(nthreads * m->kp, sizeof *m->nkpart);
  m->dist = malloc(n * sizeof *m->dist);
  m->center = malloc(d);
  if (!m->theta || !m->pi || !m->resp || !m->fixed || !m->nk || !m->w || !m->c || !m->acc || !m->chunk || !m->nkpart ||
      !m->dist || !m->center) {
    mx_bmm_free(m);
    return mx_error_set(err, MX_ENOMEM, "bmm: out of memory for K=%zu D=%zu N=%zu", k, d, n);
  }
  for (i = 0; i < k * d; i++) m->theta[i] = 0.5;
  for (i = 0; i < k; i++) m->pi[i] = 1.0 / (double)k;
  for (i = 0; i < n; i++) m->fixed[i] = -1;
  m->loglik = m->logpost = NAN;
  *out = m;
  return MX_OK;
}

void mx_bmm_free(mx_bmm *m) {
  if (!m) return;
  free(m->theta);
  free(m->pi);
  free(m->resp);
  free(m->fixed);
  free(m->nk);
  free(m->w);
  free(m->c);
  free(m->acc);
  free(m->chunk);
  free(m->nkpart);
  free(m->dist);
  free(m->center);
  free(m);
}

int mx_bmm_set_fixed(mx_bmm *m, const int *labels, mx_error *err) {
  size_t i;
  for (i = 0; i < m->n; i++)
    if (labels[i] < -1 || labels[i] >= (int)m->k)
      return mx_error_set(err, MX_ERANGE, "bmm: label of image %zu is %d, expected -1..%zu", i,
                          labels[i], m->k - 1);
  memcpy(m->fixed, labels, m->n * sizeof *m->fixed);
  return MX_OK;
}

int mx_bmm_pick_labelled(const uint8_t *labels, size_t n, int nclass, size_t per_class,
                         gsl_rng *rng, int *out, mx_error *err) {
  size_t total[256] = {0}, seen[256] = {0}, taken[256] = {0};
  size_t i;
  int c;
  if (nclass < 1 || nclass > 256)
    return mx_error_set(err, MX_EINVAL, "bmm: %d classes (need 1..256)", nclass);
  for (i = 0; i < n; i++) {
    if (labels[i] >= nclass)
      return mx_error_set(err, MX_ERANGE, "bmm: label of image %zu is %u, expected 0..%d", i,
                          (unsigned)labels[i], nclass - 1);
    total[labels[i]]++;
  }
  for (c = 0; c < nclass; c++)
    if (total[c] < per_class)
      return mx_error_set(err, MX_ECOUNT,
                          "%zu labelled digits per class asked, but class %d has only %zu "
                          "of the %zu images",
                          per_class, c, total[c], n);
  /* Selection sampling (Knuth's Algorithm S) within each class: image i is
   * taken with probability (still needed) / (still unseen), which gives a
   * uniformly random subset of exactly per_class images per class. */
  for (i = 0; i < n; i++) {
    c = labels[i];
    out[i] = -1;
    if ((double)(total[c] - seen[c]) * gsl_rng_uniform(rng) < (double)(per_class - taken[c])) {
      out[i] = c;
      taken[c]++;
    }
    seen[c]++;
  }
  return MX_OK;
}

/* ---- the two steps --------------------------------------------------------- */

static int bmm_check(const mx_bmm *m, const mx_bmm_data *data) {
  return (data->n == m->n && data->d == m->d) ? MX_OK : MX_ESIZE;
}

/* w = log θ − log(1 − θ) transposed to (D, KP); c_k = log π_k + Σ_d log(1 − θ_kd).
 * Returns the log prior, from the same logs, summed as mx_bmm_log_prior does. */
static double bmm_prepare(mx_bmm *m) {
  size_t k, d, K = m->k, KP = m->kp, D = m->d;
  double a1 = m->prior.a - 1.0, b1 = m->prior.b - 1.0, lp = 0.0;
  for (k = 0; k < K; k++) {
    const double *th = m->theta + k * D;
    double s = 0.0;
    for (d = 0; d < D; d++) {
      double l1 = log1p(-th[d]), lt = log(th[d]);
      if (BMM_W10(m)) /* (D, 8) lanes 0..7, then (D, 2) lanes 8, 9 */
        m->w[k < 8 ? d * 8 + k : D * 8 + d * 2 + (k - 8)] = lt - l1;
      else
        m->w[d * KP + k] = lt - l1;
      s += l1;
      lp += a1 * lt + b1 * l1;
    }
    m->c[k] = log(m->pi[k]) + s;
  }
  if (m->prior.gamma != 1.0)
    for (k = 0; k < K; k++) lp += (m->prior.gamma - 1.0) * log(m->pi[k]);
  return lp;
}

/* ---- E-step kernels ------------------------------------------------------- */

/* Scores of images [i0, i1) into s, one row of KP per image:
 * s_k = log π_k + log p(x_i | θ_k) = c_k + Σ w_dk over the image's on-pixels d
 * (lanes k >= K get 0). Two pixels per step into two sets of sums (a, b), so
 * the additions do not wait on each other: a starts at c_k and takes the
 * even-numbered pixels, b the odd ones, s_k = a + b. */
MX_BMM_KERNEL
static void bmm_scores(const mx_bmm *m, const mx_bmm_data *data, size_t i0, size_t i1,
                       double *s) {
  const uint16_t *p, *end;
  size_t i, k0 = 0, KP = m->kp;
  if (BMM_W10(m)) { /* 8 + 2 lanes from the compact table, lanes 10, 11 get 0 */
    const double *w8 = m->w, *w2 = m->w + m->d * 8;
    for (i = i0; i < i1; i++) {
      double *out = s + (i - i0) * KP;
      bmm_v4 a0, a1, b0, b1, x;
      bmm_v2 a2, b2, y;
      p = data->idx + data->start[i];
      end = data->idx + data->start[i + 1];
      V4_LOAD(a0, m->c);
      V4_LOAD(a1, m->c + 4);
      memcpy(&a2, m->c + 8, sizeof a2);
      V4_LOAD(b0, bmm_zero4);
      b1 = b0;
      memcpy(&b2, bmm_zero4, sizeof b2);
      for (; p + 1 < end; p += 2) {
        const double *wa = w8 + (size_t)p[0] * 8, *wb = w8 + (size_t)p[1] * 8;
        V4_LOAD(x, wa), V4_ADD(a0, x);
        V4_LOAD(x, wa + 4), V4_ADD(a1, x);
        memcpy(&y, w2 + (size_t)p[0] * 2, sizeof y), V2_ADD(a2, y);
        V4_LOAD(x, wb), V4_ADD(b0, x);
        V4_LOAD(x, wb + 4), V4_ADD(b1, x);
        memcpy(&y, w2 + (size_t)p[1] * 2, sizeof y), V2_ADD(b2, y);
      }
      if (p < end) {
        const double *wa = w8 + (size_t)p[0] * 8;
        V4_LOAD(x, wa), V4_ADD(a0, x);
        V4_LOAD(x, wa + 4), V4_ADD(a1, x);
        memcpy(&y, w2 + (size_t)p[0] * 2, sizeof y), V2_ADD(a2, y);
      }
      V4_ADD(a0, b0), V4_ADD(a1, b1), V2_ADD(a2, b2);
      V4_STORE(out, a0), V4_STORE(out + 4, a1), memcpy(out + 8, &a2, sizeof a2);
      memcpy(out + 10, bmm_zero4, 2 * sizeof *out);
    }
    return;
  }
  for (; k0 + 3 * MX_BMM_B <= KP; k0 += 3 * MX_BMM_B) /* three blocks per walk */
    for (i = i0; i < i1; i++) {
      const double *w = m->w + k0;
      double *out = s + (i - i0) * KP + k0;
      bmm_v4 a0, a1, a2, b0, b1, b2, x;
      p = data->idx + data->start[i];
      end = data->idx + data->start[i + 1];
      V4_LOAD(a0, m->c + k0);
      V4_LOAD(a1, m->c + k0 + 4);
      V4_LOAD(a2, m->c + k0 + 8);
      V4_LOAD(b0, bmm_zero4);
      b1 = b2 = b0;
      for (; p + 1 < end; p += 2) {
        const double *wa = w + (size_t)p[0] * KP, *wb = w + (size_t)p[1] * KP;
        V4_LOAD(x, wa), V4_ADD(a0, x);
        V4_LOAD(x, wa + 4), V4_ADD(a1, x);
        V4_LOAD(x, wa + 8), V4_ADD(a2, x);
        V4_LOAD(x, wb), V4_ADD(b0, x);
        V4_LOAD(x, wb + 4), V4_ADD(b1, x);
        V4_LOAD(x, wb + 8), V4_ADD(b2, x);
      }
      if (p < end) {
        const double *wa = w + (size_t)p[0] * KP;
        V4_LOAD(x, wa), V4_ADD(a0, x);
        V4_LOAD(x, wa + 4), V4_ADD(a1, x);
        V4_LOAD(x, wa + 8), V4_ADD(a2, x);
      }
      V4_ADD(a0, b0), V4_ADD(a1, b1), V4_ADD(a2, b2);
      V4_STORE(out, a0), V4_STORE(out + 4, a1), V4_STORE(out + 8, a2);
    }
  for (; k0 < KP; k0 += MX_BMM_B) /* the remaining blocks, one per walk */
    for (i = i0; i < i1; i++) {
      const double *w = m->w + k0;
      bmm_v4 a0, b0, x;
      p = data->idx + data->start[i];
      end = data->idx + data->start[i + 1];
      V4_LOAD(a0, m->c + k0);
      V4_LOAD(b0, bmm_zero4);
      for (; p + 1 < end; p += 2) {
        V4_LOAD(x, w + (size_t)p[0] * KP), V4_ADD(a0, x);
        V4_LOAD(x, w + (size_t)p[1] * KP), V4_ADD(b0, x);
      }
      if (p < end) {
        V4_LOAD(x, w + (size_t)p[0] * KP);
        V4_ADD(a0, x);
      }
      V4_ADD(a0, b0);
      V4_STORE(s + (i - i0) * KP + k0, a0);
    }
}

/* e[q] = exp(e[q]) for q < n (n a multiple of 4, e 32-byte aligned), every
 * e[q] in [BMM_EXP_MIN, 0] (scores minus their maximum). With AVX2, glibc's
 * vector exp (libmvec, _ZGVdN4v_exp: 4 lanes a call, within 1 ulp of the
 * scalar exp; its x86-64 vector-ABI name, declared here since <math.h> only
 * declares it under -ffast-math); without, libm's exp one at a time. */
#define BMM_EXP_MIN (-708.0)
#if defined(__GNUC__)
typedef uint64_t bmm_u4 __attribute__((vector_size(4 * sizeof(uint64_t))));
#endif
#if defined(MX_HAVE_MVEC) && defined(__GNUC__) && defined(__x86_64__)
#define BMM_HAVE_MVEC 1
#include <immintrin.h>
__m256d _ZGVdN4v_exp(__m256d x);
__m256d _ZGVdN4v_log(__m256d x);
__attribute__((target("avx2"))) static void bmm_exp_avx2(double *e, size_t n) {
  size_t q;
  for (q = 0; q < n; q += 4) _mm256_store_pd(e + q, _ZGVdN4v_exp(_mm256_load_pd(e + q)));
}
__attribute__((target("avx2"))) static void bmm_log_avx2(double *e, size_t n) {
  size_t q;
  for (q = 0; q < n; q += 4) _mm256_storeu_pd(e + q, _ZGVdN4v_log(_mm256_loadu_pd(e + q)));
}
#endif
#ifdef BMM_HAVE_MVEC
static int bmm_mvec_on; /* AVX2 present and MX_NO_SIMD not set: decided once */
static pthread_once_t bmm_mvec_once = PTHREAD_ONCE_INIT;
static void bmm_mvec_decide(void) {
  bmm_mvec_on = __builtin_cpu_supports("avx2") && !mx_simd_env_off();
}
#endif
static void bmm_exp_all(double *e, size_t n) {
  size_t q;
#ifdef BMM_HAVE_MVEC
  pthread_once(&bmm_mvec_once, bmm_mvec_decide);
  if (bmm_mvec_on) {
    bmm_exp_avx2(e, n);
    return;
  }
#endif
  for (q = 0; q < n; q++) e[q] = exp(e[q]);
}

/* e[q] = log(e[q]) for q < n (n a multiple of 4), every e[q] finite and > 0:
 * glibc's vector log (within 1 ulp of libm's) with AVX2, else libm's. */
static void bmm_log_all(double *e, size_t n) {
  size_t q;
#ifdef BMM_HAVE_MVEC
  pthread_once(&bmm_mvec_once, bmm_mvec_decide);
  if (bmm_mvec_on) {
    bmm_log_avx2(e, n);
    return;
  }
#endif
  for (q = 0; q < n; q++) e[q] = log(e[q]);
}

/* Rows s (n <= MX_BMM_CHUNK rows of KP) of scores into responsibilities, in
 * place, and ell[j] = ℓ of row j. Unlabelled (fixed == NULL or fixed[j] < 0):
 * with M = max_k s_k and e_k = exp(s_k − M), r_k = e_k · (1 / Σ_k e_k) (one
 * division per row; within 1 ulp of e_k / Σ) and ℓ = M + log Σ, the sum in k
 * order; labelled with class c: ℓ = s_c and r one-hot. Lanes k >= K come out
 * 0. exp is bmm_exp_all's where s_k − M >= BMM_EXP_MIN, else (tiny or 0) libm's. e (n * KP + 8, 64-byte aligned) is scratch. In phases over
 * all the rows, so that many rows' short dependency chains are in flight. */
MX_BMM_KERNEL
static void bmm_posteriors(double *s, size_t n, const int *fixed, size_t K, size_t KP,
                           double *ell, double *e) {
  double mx[MX_BMM_CHUNK], lsum[MX_BMM_CHUNK]; /* lsum: Σ_k e_k, then its log */
  unsigned char far[MX_BMM_CHUNK]; /* row has an s_k − M below BMM_EXP_MIN (or a NaN), k < K */
  size_t j, k;
  for (j = 0; j < n; j++) { /* labelled rows; M; e_k = max(s_k − M, BMM_EXP_MIN) */
    double *r = s + j * KP, m = -INFINITY;
    int c = fixed ? fixed[j] : -1;
    far[j] = 0;
    if (c >= 0) {
      ell[j] = r[c];
      for (k = 0; k < KP; k++) r[k] = (k == (size_t)c) ? 1.0 : 0.0;
      mx[j] = NAN; /* skipped below */
      continue;
    }
    for (k = 0; k < K; k++)
      if (r[k] > m) m = r[k];
    mx[j] = m;
#if defined(__GNUC__)
    {
      static const bmm_v4 lov = {BMM_EXP_MIN, BMM_EXP_MIN, BMM_EXP_MIN, BMM_EXP_MIN},
                          lane = {0.0, 1.0, 2.0, 3.0};
      const bmm_v4 mv = {m, m, m, m};
      bmm_u4 low = {0, 0, 0, 0};
      for (k = 0; k < KP; k += MX_BMM_B) { /* lanes k >= K: anything */
        const double left = (double)K - (double)k; /* lanes < left are k < K */
        const bmm_v4 lv = {left, left, left, left};
        bmm_v4 x;
        bmm_u4 ok;
        V4_LOAD(x, r + k);
        x -= mv;
        ok = (bmm_u4)(x >= lov);
        low |= ~ok & (bmm_u4)(lane < lv);
        x = (bmm_v4)(((bmm_u4)x & ok) | ((bmm_u4)lov & ~ok));
        V4_STORE(e + j * KP + k, x);
      }
      far[j] = (low[0] | low[1] | low[2] | low[3]) != 0;
    }
#else
    for (k = 0; k < KP; k++) {
      double x = r[k] - m;
      e[j * KP + k] = x >= BMM_EXP_MIN ? x : BMM_EXP_MIN;
      if (k < K && !(x >= BMM_EXP_MIN)) far[j] = 1;
    }
#endif
  }
  bmm_exp_all(e, n * KP); /* e is 64-byte aligned, KP a multiple of 4 */
  for (j = 0; j < n; j++) { /* r = e / Σ_k e_k (sum in k order), ℓ */
    double *r = s + j * KP, *ej = e + j * KP, sum = 0.0, inv;
    lsum[j] = 1.0;
    if (!(mx[j] > -INFINITY)) { /* labelled (done), or every s_k = −∞: r = 0 */
      if (mx[j] == -INFINITY) {
        for (k = 0; k < KP; k++) r[k] = 0.0;
        ell[j] = -INFINITY;
      }
      continue;
    }
    if (far[j]) /* tiny or 0 (or NaN): libm */
      for (k = 0; k < K; k++)
        if (!(r[k] - mx[j] >= BMM_EXP_MIN)) ej[k] = exp(r[k] - mx[j]);
    for (k = 0; k < K; k++) sum += ej[k];
    inv = 1.0 / sum;
#if defined(__GNUC__)
    {
      static const bmm_v4 lane = {0.0, 1.0, 2.0, 3.0};
      const bmm_v4 iv = {inv, inv, inv, inv};
      for (k = 0; k < KP; k += MX_BMM_B) {
        const double left = (double)K - (double)k; /* lanes < left are k < K */
        const bmm_v4 lv = {left, left, left, left};
        bmm_v4 y;
        V4_LOAD(y, ej + k);
        y = (bmm_v4)((bmm_u4)(y * iv) & (bmm_u4)(lane < lv));
        V4_STORE(r + k, y);
      }
    }
#else
    for (k = 0; k < KP; k++) r[k] = k < K ? ej[k] * inv : 0.0;
#endif
    lsum[j] = sum;
  }
  for (j = n; j % 4; j++) lsum[j] = 1.0;
  bmm_log_all(lsum, j); /* Σ_k e_k >= 1 (the maximum's e is 1) */
  for (j = 0; j < n; j++)
    if (mx[j] > -INFINITY) ell[j] = mx[j] + lsum[j];
}

/* ---- M-step kernel ---------------------------------------------------------- */

/* M-step sums for images [i0, i1) with responsibilities r (rows of KP, 0 for
 * k >= K): nk += r_i, and S_dk += r_ik over each image's on-pixels d, in image
 * order; three blocks of components per walk, then one. acc is (D, KP). */
MX_BMM_KERNEL
static void bmm_msums(const mx_bmm *m, const mx_bmm_data *data, size_t i0, size_t i1,
                      const double *r, double *acc, double *nk) {
  const uint16_t *p, *end;
  size_t i, k, k0 = 0, KP = m->kp;
  for (k = 0; k < KP; k += MX_BMM_B) { /* nk += Σ_i r_i, lanes k >= K stay 0 */
    bmm_v4 a0, x;
    V4_LOAD(a0, bmm_zero4);
    for (i = i0; i < i1; i++) V4_LOAD(x, r + (i - i0) * KP + k), V4_ADD(a0, x);
    V4_LOAD(x, nk + k), V4_ADD(x, a0), V4_STORE(nk + k, x);
  }
  if (i0 % MX_BMM_CHUNK == 0 && i1 == i0 + MX_BMM_CHUNK && i1 <= data->tn) {
    /* a whole tile: per pixel, the sum over its images in registers, then one add */
    const size_t D = data->d;
    const uint32_t *ts = data->tstart + i0 / MX_BMM_CHUNK * (D + 1);
    const uint8_t *tix = data->tix + data->start[i0], *q, *qend;
    size_t d;
    for (; k0 + 3 * MX_BMM_B <= KP; k0 += 3 * MX_BMM_B)
      for (d = 0; d < D; d++) {
        bmm_v4 a0, a1, a2, b0, b1, b2, c0, c1, c2, e0, e1, e2, x;
        double *a;
        q = tix + ts[d];
        qend = tix + ts[d + 1];
        if (q == qend) continue;
        V4_LOAD(a0, bmm_zero4);
        a1 = a2 = b0 = b1 = b2 = c0 = c1 = c2 = e0 = e1 = e2 = a0;
        for (; q + 3 < qend; q += 4) {
          BMM_ADD3(a0, a1, a2, r + (size_t)q[0] * KP + k0);
          BMM_ADD3(b0, b1, b2, r + (size_t)q[1] * KP + k0);
          BMM_ADD3(c0, c1, c2, r + (size_t)q[2] * KP + k0);
          BMM_ADD3(e0, e1, e2, r + (size_t)q[3] * KP + k0);
        }
        if (q < qend) BMM_ADD3(a0, a1, a2, r + (size_t)q[0] * KP + k0);
        if (q + 1 < qend) BMM_ADD3(b0, b1, b2, r + (size_t)q[1] * KP + k0);
        if (q + 2 < qend) BMM_ADD3(c0, c1, c2, r + (size_t)q[2] * KP + k0);
        V4_ADD(a0, b0), V4_ADD(a1, b1), V4_ADD(a2, b2);
        V4_ADD(c0, e0), V4_ADD(c1, e1), V4_ADD(c2, e2);
        V4_ADD(a0, c0), V4_ADD(a1, c1), V4_ADD(a2, c2);
        a = acc + d * KP + k0;
        V4_LOAD(x, a), V4_ADD(x, a0), V4_STORE(a, x);
        V4_LOAD(x, a + 4), V4_ADD(x, a1), V4_STORE(a + 4, x);
        V4_LOAD(x, a + 8), V4_ADD(x, a2), V4_STORE(a + 8, x);
      }
    for (; k0 < KP; k0 += MX_BMM_B)
      for (d = 0; d < D; d++) {
        bmm_v4 a0, b0, x;
        double *a;
        q = tix + ts[d];
        qend = tix + ts[d + 1];
        if (q == qend) continue;
        V4_LOAD(a0, bmm_zero4);
        b0 = a0;
        for (; q + 1 < qend; q += 2) {
          V4_LOAD(x, r + (size_t)q[0] * KP + k0), V4_ADD(a0, x);
          V4_LOAD(x, r + (size_t)q[1] * KP + k0), V4_ADD(b0, x);
        }
        if (q < qend) {
          V4_LOAD(x, r + (size_t)q[0] * KP + k0);
          V4_ADD(a0, x);
        }
        V4_ADD(a0, b0);
        a = acc + d * KP + k0;
        V4_LOAD(x, a), V4_ADD(x, a0), V4_STORE(a, x);
      }
    return;
  }
  for (; k0 + 3 * MX_BMM_B <= KP; k0 += 3 * MX_BMM_B)
    for (i = i0; i < i1; i++) {
      const double *ri = r + (i - i0) * KP + k0;
      bmm_v4 r0, r1, r2, x;
      V4_LOAD(r0, ri), V4_LOAD(r1, ri + 4), V4_LOAD(r2, ri + 8);
      end = data->idx + data->start[i + 1];
      for (p = data->idx + data->start[i]; p < end; p++) {
        double *a = acc + (size_t)*p * KP + k0;
        V4_LOAD(x, a), V4_ADD(x, r0), V4_STORE(a, x);
        V4_LOAD(x, a + 4), V4_ADD(x, r1), V4_STORE(a + 4, x);
        V4_LOAD(x, a + 8), V4_ADD(x, r2), V4_STORE(a + 8, x);
      }
    }
  for (; k0 < KP; k0 += MX_BMM_B)
    for (i = i0; i < i1; i++) {
      bmm_v4 r0, x;
      V4_LOAD(r0, r + (i - i0) * KP + k0);
      end = data->idx + data->start[i + 1];
      for (p = data->idx + data->start[i]; p < end; p++) {
        double *a = acc + (size_t)*p * KP + k0;
        V4_LOAD(x, a), V4_ADD(x, r0), V4_STORE(a, x);
      }
    }
}

/* ---- passes ----------------------------------------------------------------- */

/* One share's piece of a pass: training images [i0, i1) of share t. */
typedef struct bmm_job {
  mx_bmm *m;
  const mx_bmm_data *data;
  size_t i0, i1, t;
  double *buf;   /* (BMM_CHUNK_SLAB) this share's scores / responsibilities, exp scratch */
  double *acc;   /* (D, KP) this share's S */
  double *nk;    /* (KP) this share's N_k */
} bmm_job;

/* The piece goes MX_BMM_CHUNK images at a time: the E-step for the chunk
 * (scores, then responsibilities into resp and buf), then its M-step sums
 * from buf (or from resp for an M-step alone). The chunk's on-pixel lists are
 * still in cache for the second walk, and each walk keeps one table (w, or
 * acc) hot rather than both. Every sum is formed in image order, as one image
 * at a time would, continuing the share's sums (pass_ll[t], acc, nk). */
static void *bmm_job_run(void *arg) {
  bmm_job *job = arg;
  mx_bmm *m = job->m;
  size_t i, j, e, K = m->k, KP = m->kp;
  int do_e = m->pass_what & MX_BMM_PASS_E, do_m = m->pass_what & MX_BMM_PASS_M;
  double ll = m->pass_ll[job->t], ell[MX_BMM_CHUNK];
  for (i = job->i0; i < job->i1; i = e) {
    e = (i / MX_BMM_CHUNK + 1) * MX_BMM_CHUNK; /* chunks are tiles */
    if (e > job->i1) e = job->i1;
    if (do_e) {
      bmm_scores(m, job->data, i, e, job->buf);
      bmm_posteriors(job->buf, e - i, m->fixed + i, K, KP, ell, job->buf + MX_BMM_CHUNK * KP);
      for (j = i; j < e; j++) {
        ll += ell[j - i];
        memcpy(m->resp + j * K, job->buf + (j - i) * KP, K * sizeof *m->resp);
      }
    } else {
      for (j = i; j < e; j++) {
        double *row = job->buf + (j - i) * KP;
        memcpy(row, m->resp + j * K, K * sizeof *m->resp);
        memset(row + K, 0, (KP - K) * sizeof *row);
      }
    }
    if (do_m) bmm_msums(m, job->data, i, e, job->buf, job->acc, job->nk);
  }
  m->pass_ll[job->t] = ll;
  return NULL;
}

/* Piece t of a range (core's parallel-for, parallel.h): jobs[t]. */
static void bmm_share_run(void *jobs, int t) { bmm_job_run((bmm_job *)jobs + t); }

/* Where share t of T starts: about n t / T, on a tile boundary. */
static size_t bmm_split(size_t n, size_t t, size_t T) {
  size_t i = (n * t / T + MX_BMM_CHUNK / 2) / MX_BMM_CHUNK * MX_BMM_CHUNK;
  return t == T || i > n ? n : i;
}

/* Shares of a pass: m->nthreads contiguous ranges on tile boundaries. */
static size_t bmm_shares(const mx_bmm *m) { return m->nthreads > m->n ? 1 : m->nthreads; }

/* θ and π from the summed S (acc slab 0) and N_k (nkpart slab 0). */
static int bmm_m_finish(mx_bmm *m) {
  size_t k, d, K = m->k, KP = m->kp, D = m->d;
  double a1 = m->prior.a - 1.0, ab2 = m->prior.a + m->prior.b - 2.0, g1 = m->prior.gamma - 1.0;
  double total = 0.0;
  for (k = 0; k < K; k++) {
    m->nk[k] = m->nkpart[k];
    total += m->nk[k] + g1;
  }
  if (!(total > 0.0)) return MX_ECOLLAPSE; /* no responsibility anywhere and no prior */
  for (k = 0; k < K; k++) {
    double denom = m->nk[k] + ab2;
    for (d = 0; d < D; d++) m->theta[k * D + d] = (m->acc[d * KP + k] + a1) / denom;
    m->pi[k] = (m->nk[k] + g1) / total;
  }
  return MX_OK;
}

/* A pass over all images is begin, ranges covering [0, n) once in any
 * grouping, end. The images are split into shares (bmm_shares) fixed by n and
 * nthreads alone; each share keeps its own Σ ℓ and M-step sums, formed in
 * image order tile by tile, and end adds them in share order. So the numbers
 * do not depend on how the ranges cut the pass, nor on timing. */
int mx_bmm_pass_begin(mx_bmm *m, const mx_bmm_data *data, int what) {
  size_t t, T = bmm_shares(m);
  if (bmm_check(m, data)) return MX_ESIZE;
  if (what < 1 || what > (MX_BMM_PASS_E | MX_BMM_PASS_M)) return MX_EINVAL;
  m->pass_what = what;
  m->pass_lprior = (what & MX_BMM_PASS_E) ? bmm_prepare(m) : NAN;
  for (t = 0; t < T; t++) m->pass_ll[t] = 0.0;
  if (what & MX_BMM_PASS_M) {
    memset(m->acc, 0, T * m->d * m->kp * sizeof *m->acc);
    memset(m->nkpart, 0, T * m->kp * sizeof *m->nkpart);
  }
  return MX_OK;
}

/* The range cut at the share boundaries; the pieces (one per share at most)
 * run in parallel, piece 0 on the caller. */
int mx_bmm_pass_range(mx_bmm *m, const mx_bmm_data *data, size_t i0, size_t i1) {
  bmm_job jobs[MX_BMM_MAX_THREADS];
  size_t t, T = bmm_shares(m), P = 0, n = m->n;
  if (bmm_check(m, data)) return MX_ESIZE;
  if (!m->pass_what || i0 > i1 || i1 > n || (i0 % MX_BMM_CHUNK && i0 != n) ||
      (i1 % MX_BMM_CHUNK && i1 != n))
    return MX_EINVAL;
  for (t = 0; t < T; t++) {
    size_t a = bmm_split(n, t, T), b = bmm_split(n, t + 1, T);
    if (a < i0) a = i0;
    if (b > i1) b = i1;
    if (a >= b) continue;
    jobs[P].m = m;
    jobs[P].data = data;
    jobs[P].i0 = a;
    jobs[P].i1 = b;
    jobs[P].t = t;
    jobs[P].buf = m->chunk + t * BMM_CHUNK_SLAB(m->kp);
    jobs[P].acc = m->acc + t * m->d * m->kp;
    jobs[P].nk = m->nkpart + t * m->kp;
    P++;
  }
  if (P) mx_par_run((int)P, bmm_share_run, jobs);
  return MX_OK;
}

/* Σ ℓ into loglik, logpost = loglik + lprior (E); the shares' sums added in
 * share order into slab 0, then θ, π (M). */
int mx_bmm_pass_end(mx_bmm *m) {
  size_t t, T = bmm_shares(m), j, slab = m->d * m->kp;
  int what = m->pass_what;
  double ll = 0.0;
  if (!what) return MX_EINVAL;
  m->pass_what = 0;
  if (what & MX_BMM_PASS_E) {
    for (t = 0; t < T; t++) ll += m->pass_ll[t];
    m->loglik = ll;
    m->logpost = ll + m->pass_lprior;
  }
  if (!(what & MX_BMM_PASS_M)) return MX_OK;
  for (t = 1; t < T; t++) { /* slab 0 gets the totals */
    for (j = 0; j < slab; j++) m->acc[j] += m->acc[t * slab + j];
    for (j = 0; j < m->k; j++) m->nkpart[j] += m->nkpart[t * m->kp + j];
  }
  return bmm_m_finish(m);
}

/* A whole pass in one range (the shares on their threads). */
static int bmm_pass(mx_bmm *m, const mx_bmm_data *data, int what) {
  int rc = mx_bmm_pass_begin(m, data, what);
  if (!rc) rc = mx_bmm_pass_range(m, data, 0, m->n);
  return rc ? rc : mx_bmm_pass_end(m);
}

double mx_bmm_log_prior(const mx_bmm *m) {
  double a1 = m->prior.a - 1.0, b1 = m->prior.b - 1.0, lp = 0.0;
  size_t i;
  for (i = 0; i < m->k * m->d; i++) lp += a1 * log(m->theta[i]) + b1 * log1p(-m->theta[i]);
  if (m->prior.gamma != 1.0)
    for (i = 0; i < m->k; i++) lp += (m->prior.gamma - 1.0) * log(m->pi[i]);
  return lp;
}

int mx_bmm_e_step(mx_bmm *m, const mx_bmm_data *data) {
  return bmm_pass(m, data, MX_BMM_PASS_E);
}

int mx_bmm_m_step(mx_bmm *m, const mx_bmm_data *data) {
  return bmm_pass(m, data, MX_BMM_PASS_M);
}

int mx_bmm_iterate(mx_bmm *m, const mx_bmm_data *data, double *logpost_before) {
  /* each tile's M sums right after its E-step, while its lists are in cache */
  int rc = bmm_pass(m, data, MX_BMM_PASS_E | MX_BMM_PASS_M);
  if (logpost_before && rc != MX_ESIZE) *logpost_before = m->logpost;
  return rc;
}

/* ---- starts ---------------------------------------------------------------- */

/* Set resp row i to one-hot for a fixed image; returns 1 if it was fixed. */
static int bmm_fixed_row(mx_bmm *m, size_t i) {
  size_t k;
  int c = m->fixed[i];
  if (c < 0) return 0;
  for (k = 0; k < m->k; k++) m->resp[i * m->k + k] = (k == (size_t)c) ? 1.0 : 0.0;
  return 1;
}

/* Squared Hamming distance of image i to the 0/1 centre with `ncen` on-pixels. */
static double bmm_ham2(const mx_bmm *m, const mx_bmm_data *data, size_t i, size_t ncen) {
  size_t j, inter = 0, ni = data->start[i + 1] - data->start[i];
  double h;
  for (j = data->start[i]; j < data->start[i + 1]; j++) inter += m->center[data->idx[j]];
  h = (double)(ni + ncen - 2 * inter);
  return h * h;
}

/* Make image i the centre of component k: θ_k = MAP estimate from x_i alone,
 * i.e. (x_d + a − 1)/(a + b − 1). Updates dist[] to min over centres; chosen
 * images get dist = -1 so they are never drawn again. */
static void bmm_take_center(mx_bmm *m, const mx_bmm_data *data, size_t k, size_t i, int first) {
  size_t j, n, ncen = data->start[i + 1] - data->start[i], D = m->d;
  double lo = (m->prior.a - 1.0) / (m->prior.a + m->prior.b - 1.0);
  double hi = m->prior.a / (m->prior.a + m->prior.b - 1.0);
  memset(m->center, 0, D);
  for (j = data->start[i]; j < data->start[i + 1]; j++) m->center[data->idx[j]] = 1;
  for (j = 0; j < D; j++) m->theta[k * D + j] = m->center[j] ? hi : lo;
  for (n = 0; n < m->n; n++) {
    double h2;
    if (!first && m->dist[n] < 0.0) continue;
    h2 = bmm_ham2(m, data, n, ncen);
    if (first || h2 < m->dist[n]) m->dist[n] = h2;
  }
  m->dist[i] = -1.0;
}

int mx_bmm_init_kmeanspp(mx_bmm *m, const mx_bmm_data *data, gsl_rng *rng, size_t *chosen,
                         mx_error *err) {
  size_t first;
  size_t k, n;
  if (bmm_check(m, data))
    return mx_error_set(err, MX_ESIZE, "bmm: data is %zu x %zu but the model was made for %zu x %zu",
                        data->n, data->d, m->n, m->d);
  if (m->n < m->k)
    return mx_error_set(err, MX_ECOUNT, "bmm: k-means++ needs N >= K distinct images (N=%zu, K=%zu)",
                        m->n, m->k);
  first = (size_t)gsl_rng_uniform_int(rng, m->n);
  bmm_take_center(m, data, 0, first, 1);
  if (chosen) chosen[0] = first;
  for (k = 1; k < m->k; k++) {
    double total = 0.0, u, cum = 0.0;
    size_t pick = (size_t)-1, left = 0;
    for (n = 0; n < m->n; n++)
      if (m->dist[n] >= 0.0) {
        total += m->dist[n];
        left++;
      }
    if (total > 0.0) { /* D² sampling */
      u = gsl_rng_uniform(rng) * total;
      for (n = 0; n < m->n; n++) {
        if (m->dist[n] <= 0.0) continue;
        pick = n;
        cum += m->dist[n];
        if (cum > u) break;
      }
    } else { /* every remaining image equals a centre: uniform among those left */
      size_t r = (size_t)gsl_rng_uniform_int(rng, left);
      for (n = 0; n < m->n; n++)
        if (m->dist[n] >= 0.0 && r-- == 0) {
          pick = n;
          break;
        }
    }
    bmm_take_center(m, data, k, pick, 0);
    if (chosen) chosen[k] = pick;
  }
  for (k = 0; k < m->k; k++) m->pi[k] = 1.0 / (double)m->k;
  for (n = 0; n < m->n; n++) bmm_fixed_row(m, n);
  return MX_OK;
}

int mx_bmm_init_random(mx_bmm *m, const mx_bmm_data *data, gsl_rng *rng, mx_error *err) {
  size_t i, k, K = m->k;
  if (bmm_check(m, data))
    return mx_error_set(err, MX_ESIZE, "bmm: data is %zu x %zu but the model was made for %zu x %zu",
                        data->n, data->d, m->n, m->d);
  for (i = 0; i < m->n; i++) {
    double *r = m->resp + i * K, sum = 0.0;
    if (bmm_fixed_row(m, i)) continue;
    for (k = 0; k < K; k++) sum += r[k] = gsl_rng_uniform_pos(rng);
    for (k = 0; k < K; k++) r[k] /= sum;
  }
  return mx_bmm_m_step(m, data) ? mx_error_set(err, MX_ECOLLAPSE, "bmm: M-step failed") : MX_OK;
}

int mx_bmm_init_labelled_resp(mx_bmm *m, const mx_bmm_data *data, mx_error *err) {
  size_t i, nfixed = 0;
  if (bmm_check(m, data))
    return mx_error_set(err, MX_ESIZE, "bmm: data is %zu x %zu but the model was made for %zu x %zu",
                        data->n, data->d, m->n, m->d);
  for (i = 0; i < m->n; i++) {
    if (bmm_fixed_row(m, i))
      nfixed++;
    else
      memset(m->resp + i * m->k, 0, m->k * sizeof *m->resp);
  }
  if (nfixed == 0) return mx_error_set(err, MX_EINVAL, "bmm: no labelled images to start from");
  return MX_OK;
}

int mx_bmm_init_labelled(mx_bmm *m, const mx_bmm_data *data, mx_error *err) {
  int rc = mx_bmm_init_labelled_resp(m, data, err);
  if (rc) return rc;
  return mx_bmm_m_step(m, data) ? mx_error_set(err, MX_ECOLLAPSE, "bmm: M-step failed") : MX_OK;
}

/* ---- scoring other images --------------------------------------------------- */

int mx_bmm_score_range(mx_bmm *m, const mx_bmm_data *data, const uint8_t *labels, size_t i0,
                       size_t i1, double *loglik, size_t *ncorrect, int *pred) {
  size_t i, j, e, k, K = m->k, KP = m->kp, right = ncorrect ? *ncorrect : 0;
  double ll = loglik ? *loglik : 0.0, ell[MX_BMM_CHUNK];
  double *s = m->chunk; /* share 0's chunk buffer, unused outside a pass */
  if (data->d != m->d) return MX_ESIZE;
  if (i0 > i1 || i1 > data->n || (i0 % MX_BMM_CHUNK && i0 != data->n)) return MX_EINVAL;
  bmm_prepare(m);
  for (i = i0; i < i1; i = e) {
    e = i + MX_BMM_CHUNK < i1 ? i + MX_BMM_CHUNK : i1;
    bmm_scores(m, data, i, e, s);
    for (j = i; j < e; j++) {
      const double *sj = s + (j - i) * KP;
      size_t best = 0;
      for (k = 1; k < K; k++)
        if (sj[k] > sj[best]) best = k;
      if (labels && best == labels[j]) right++;
      if (pred) pred[j] = (int)best;
    }
    if (loglik) {
      bmm_posteriors(s, e - i, NULL, K, KP, ell, s + MX_BMM_CHUNK * KP);
      for (j = i; j < e; j++) ll += ell[j - i];
    }
  }
  if (loglik) *loglik = ll;
  if (ncorrect) *ncorrect = right;
  return MX_OK;
}

int mx_bmm_score(mx_bmm *m, const mx_bmm_data *data, const uint8_t *labels,
                 double *loglik, size_t *ncorrect, int *pred) {
  if (loglik) *loglik = 0.0;
  if (ncorrect) *ncorrect = 0;
  return mx_bmm_score_range(m, data, labels, 0, data->n, loglik, ncorrect, pred);
}
