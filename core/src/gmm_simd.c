/* mixscope — vectorized kernels of the GMM E- and M-steps (AVX2 + FMA).
 *
 * E-step (D = 2): four points per register (lanes hold points n, n+2, n+1,
 * n+3: the order in which two unaligned loads of interleaved (x, y) pairs
 * unpack, and the order a 4 x 4 transpose wants for storing rows of resp),
 * four such groups per step written side by side so that their long exp/log
 * chains overlap. Per component: d = x - mu, z = L^-1 d by multiplications
 * with the reciprocal diagonal, scaled so that lp / ln 2 = c - |z|^2 (log2
 * units: the exp is a 2^x); one 2^x per point-component, one log per point,
 * responsibilities e_k / sum_j e_j. 2^x and log are glibc's libmvec (AVX2
 * variants, within 1 ulp), so a step differs from the scalar one in the last
 * bits (tests/test_gmm_fast.c bounds the trajectories). Built only where
 * CMake found libmvec (MX_HAVE_MVEC); elsewhere gmm.c's scalar code runs.
 *
 * M-step statistics: four components per register. D = 2: one pass with sums
 * about the current means (guarded, see m_stats2); other D, and the guard's
 * fallback: two passes with exactly the scalar code's operations and order,
 * bit-identical to gmm.c (checked by the test).
 *
 * Large N: the points are cut into 8 fixed chunks whose sums are added in
 * chunk order, run on threads (run_chunks); the numbers do not depend on the
 * thread count. */
#include "gmm_simd.h"
#include "parallel.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#if defined(MX_HAVE_MVEC) && defined(__GNUC__) && defined(__x86_64__)
#define MX_GMM_X86 1
#include <immintrin.h>
#endif

#define LOG_2PI 1.8378770664093454835606594728112

#ifdef MX_GMM_X86

int mx_gmm_simd_cpu(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

#define TGT __attribute__((target("avx2,fma")))
/* the M-step kernels must not fuse multiply-adds (bit-identity with the
 * scalar passes): compiled without FMA */
#define TGT_NOFMA __attribute__((target("avx2")))
#define INLINE static inline __attribute__((always_inline))

/* ---- exp and log, 4 lanes ------------------------------------------------- */

/* glibc's vector math library (libmvec): 2^x and log on 4 lanes a call, the
 * AVX2 variants by their x86-64 vector-ABI names (<math.h> declares them only
 * under -ffast-math). Both within 1 ulp of the scalar functions (glibc's
 * libm-test-ulps), so a step differs from the scalar one in the last bits
 * (tests/test_gmm_fast.c bounds the trajectories). */
__m256d _ZGVdN4v_exp2(__m256d x);
__m256d _ZGVdN4v_log(__m256d x);
#define v_exp2_raw _ZGVdN4v_exp2
#define v_log _ZGVdN4v_log
#define LN2_HI 0x1.62e42fefa39efp-1 /* ln 2 rounded to double */

/* ---- E-step, D = 2 -------------------------------------------------------- */

/* 2^x for x <= 0 without libmvec's special-case path: a lane at or below
 * -1022 (a tiny or zero result; -inf for a weightless component) makes the
 * 4-lane routine redo the vector through the scalar exp2, which also sets
 * errno (measured: 4 ns a call, 16-160 ns with such a lane; 10 % of an EM
 * iteration at K = 8 from a k-means++ start). Lanes below -1021 are clamped
 * for the call and set to 0 after it (responsibilities below 4.5e-308 become
 * 0, as gmm.h documents); NaN still reaches the routine (max returns its
 * second operand for NaN) and comes out NaN. */
INLINE TGT __m256d v_exp2(__m256d x) {
  const __m256d lo = _mm256_set1_pd(-1021.0);
  __m256d y = v_exp2_raw(_mm256_max_pd(lo, x));
  return _mm256_andnot_pd(_mm256_cmp_pd(x, lo, _CMP_LT_OQ), y);
}

/* Per-component constants, in log2 units (the exp is a 2^x):
 * lp / ln 2 = cst - |z|^2 with z0 = d0 a0, z1 = (d1 - b z0) a1, d = x - mu
 * (z = L^-1 d sqrt(log2(e) / 2)). */
typedef struct e2_par {
  double cst[MX_GMM_MAXK]; /* (K) (log w_k - log|Sigma_k|/2 - log 2pi) log2(e); -inf if w_k = 0 */
  double mu0[MX_GMM_MAXK], mu1[MX_GMM_MAXK]; /* (K) */
  double a0[MX_GMM_MAXK], b[MX_GMM_MAXK], a1[MX_GMM_MAXK]; /* (K) */
  double lw[MX_GMM_MAXK];  /* (K) log w_k, for the scalar fallback */
} e2_par;

static const int lane_point[4] = {0, 2, 1, 3}; /* lane j holds point n + lane_point[j] */

/* log-joint of component k (log2 units) for the 4 points (x0, x1) */
INLINE TGT __m256d e2_lp(const e2_par *p, int k, __m256d x0, __m256d x1) {
  __m256d d0 = _mm256_sub_pd(x0, _mm256_set1_pd(p->mu0[k]));
  __m256d d1 = _mm256_sub_pd(x1, _mm256_set1_pd(p->mu1[k]));
  __m256d z0 = _mm256_mul_pd(d0, _mm256_set1_pd(p->a0[k]));
  __m256d z1 = _mm256_mul_pd(_mm256_fnmadd_pd(_mm256_set1_pd(p->b[k]), z0, d1),
                             _mm256_set1_pd(p->a1[k]));
  __m256d l = _mm256_fnmadd_pd(z1, z1, _mm256_fnmadd_pd(z0, z0, _mm256_set1_pd(p->cst[k])));
  /* NaN (inf - inf: a point infinitely far away) -> -inf, the scalar code's
   * rule (mx_gmm_mahalanobis2); max returns its second operand when the
   * first is NaN */
  return _mm256_max_pd(l, _mm256_set1_pd(-INFINITY));
}

/* E2_U groups of 4 points per call, each step written for all groups in turn
 * so that the out-of-order core overlaps their long exp/log chains. */
#define E2_U 4
#define E2_PTS (4 * E2_U)

/* E2_PTS points: x (E2_PTS, 2), lab (E2_PTS) or NULL, rows (E2_PTS, K),
 * lpn_out (E2_PTS, point order). Returns 0 or MX_ERANGE. */
INLINE TGT int e2_block(const mx_gmm *g, const e2_par *p, int K, const double *x, const int *lab,
                        double *rows, double *lpn_out) {
  __m256d lp[E2_U][MX_GMM_MAXK], e[E2_U][MX_GMM_MAXK];
  __m256d x0[E2_U], x1[E2_U], m[E2_U], m2[E2_U], s[E2_U], s2[E2_U], lpn[E2_U], labm[E2_U];
  __m256i y[E2_U];
  int k, j, u, bad, anylab = 0;
  if (K < 1) __builtin_unreachable(); /* mx_gmm_alloc: 1 <= K <= MX_GMM_MAXK */
#pragma GCC unroll 4
  for (u = 0; u < E2_U; u++) {
    __m256d a = _mm256_loadu_pd(x + 8 * u), c = _mm256_loadu_pd(x + 8 * u + 4);
    x0[u] = _mm256_unpacklo_pd(a, c); /* points 0 2 1 3 of the group */
    x1[u] = _mm256_unpackhi_pd(a, c);
    labm[u] = _mm256_setzero_pd();
    y[u] = _mm256_setzero_si256();
    if (lab) {
      /* labels in lane order; any outside -1..K-1 is an error */
      y[u] = _mm256_permute4x64_epi64(
          _mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)(lab + 4 * u))), 0xD8);
      if (_mm256_movemask_pd(_mm256_castsi256_pd(
              _mm256_or_si256(_mm256_cmpgt_epi64(y[u], _mm256_set1_epi64x(K - 1)),
                              _mm256_cmpgt_epi64(_mm256_set1_epi64x(-1), y[u])))))
        return MX_ERANGE;
      labm[u] = _mm256_castsi256_pd(_mm256_cmpgt_epi64(y[u], _mm256_set1_epi64x(-1)));
      anylab |= _mm256_movemask_pd(labm[u]);
    }
  }
  for (k = 0; k < K; k++) {
#pragma GCC unroll 4
    for (u = 0; u < E2_U; u++) lp[u][k] = e2_lp(p, k, x0[u], x1[u]);
  }
  /* max and sum, two chains each */
#pragma GCC unroll 4
  for (u = 0; u < E2_U; u++) {
    m[u] = lp[u][0];
    m2[u] = m[u];
    for (k = 1; k + 1 < K; k += 2) {
      m[u] = _mm256_max_pd(m[u], lp[u][k]);
      m2[u] = _mm256_max_pd(m2[u], lp[u][k + 1]);
    }
    if (k < K) m[u] = _mm256_max_pd(m[u], lp[u][k]);
    m[u] = _mm256_max_pd(m[u], m2[u]);
    s[u] = _mm256_setzero_pd();
    s2[u] = _mm256_setzero_pd();
  }
  for (k = 0; k + 1 < K; k += 2) {
#pragma GCC unroll 4
    for (u = 0; u < E2_U; u++) {
      e[u][k] = v_exp2(_mm256_sub_pd(lp[u][k], m[u]));
      e[u][k + 1] = v_exp2(_mm256_sub_pd(lp[u][k + 1], m[u]));
      s[u] = _mm256_add_pd(s[u], e[u][k]);
      s2[u] = _mm256_add_pd(s2[u], e[u][k + 1]);
    }
  }
  if (k < K) {
#pragma GCC unroll 4
    for (u = 0; u < E2_U; u++) {
      e[u][k] = v_exp2(_mm256_sub_pd(lp[u][k], m[u]));
      s[u] = _mm256_add_pd(s[u], e[u][k]);
    }
  }
#pragma GCC unroll 4
  for (u = 0; u < E2_U; u++) {
    __m256d inv;
    s[u] = _mm256_add_pd(s[u], s2[u]);
    lpn[u] = _mm256_fmadd_pd(m[u], _mm256_set1_pd(LN2_HI), v_log(s[u]));
    inv = _mm256_div_pd(_mm256_set1_pd(1.0), s[u]);
    for (k = 0; k < K; k++) e[u][k] = _mm256_mul_pd(e[u][k], inv);
  }
  if (__builtin_expect(anylab, 0)) {
    /* labelled lanes: one-hot rows, log p(x, y) = lp_y */
    for (u = 0; u < E2_U; u++) {
      __m256d lpy = _mm256_setzero_pd();
      for (k = 0; k < K; k++) {
        __m256d is = _mm256_castsi256_pd(_mm256_cmpeq_epi64(y[u], _mm256_set1_epi64x(k)));
        lpy = _mm256_blendv_pd(lpy, lp[u][k], is);
        e[u][k] = _mm256_blendv_pd(e[u][k], _mm256_and_pd(is, _mm256_set1_pd(1.0)), labm[u]);
      }
      lpn[u] = _mm256_blendv_pd(lpn[u], _mm256_mul_pd(lpy, _mm256_set1_pd(LN2_HI)), labm[u]);
    }
  }
#pragma GCC unroll 4
  for (u = 0; u < E2_U; u++) {
    double *r = rows + 4 * (size_t)u * (size_t)K;
    for (k = 0; k + 4 <= K; k += 4) {
      __m256d t0 = _mm256_unpacklo_pd(e[u][k], e[u][k + 1]);
      __m256d t1 = _mm256_unpackhi_pd(e[u][k], e[u][k + 1]);
      __m256d t2 = _mm256_unpacklo_pd(e[u][k + 2], e[u][k + 3]);
      __m256d t3 = _mm256_unpackhi_pd(e[u][k + 2], e[u][k + 3]);
      _mm256_storeu_pd(r + k, _mm256_permute2f128_pd(t0, t2, 0x20));
      _mm256_storeu_pd(r + (size_t)K + k, _mm256_permute2f128_pd(t0, t2, 0x31));
      _mm256_storeu_pd(r + 2 * (size_t)K + k, _mm256_permute2f128_pd(t1, t3, 0x20));
      _mm256_storeu_pd(r + 3 * (size_t)K + k, _mm256_permute2f128_pd(t1, t3, 0x31));
    }
    for (; k < K; k++) {
      double rv[4];
      _mm256_storeu_pd(rv, e[u][k]);
      for (j = 0; j < 4; j++) r[(size_t)lane_point[j] * (size_t)K + (size_t)k] = rv[j];
    }
    /* lanes 0 2 1 3 -> points */
    _mm256_storeu_pd(lpn_out + 4 * u, _mm256_permute4x64_pd(lpn[u], 0xD8));
  }
  /* lanes whose log-sum-exp (or labelled log-joint) is not finite: every
   * density underflowed, or an overflow made NaN. The scalar code's rules. */
  for (u = 0; u < E2_U; u++) {
    bad = 0xF & ~_mm256_movemask_pd(_mm256_cmp_pd(
                    _mm256_andnot_pd(_mm256_set1_pd(-0.0), lpn[u]), _mm256_set1_pd(INFINITY),
                    _CMP_LT_OQ));
    if (__builtin_expect(bad, 0)) {
      for (j = 0; j < 4; j++)
        if (bad >> j & 1) {
          int pt = 4 * u + lane_point[j];
          lpn_out[pt] = mx_gmm_e_point(g, p->lw, x + 2 * pt, lab ? lab[pt] : -1,
                                       rows + (size_t)pt * (size_t)K);
        }
    }
  }
  return MX_OK;
}

/* Points n .. n1-1 of the E-step (n1 - n a multiple of E2_PTS except at the
 * end of the data); returns the sum of their log-likelihoods in *ll. */
INLINE TGT int e2_range(const mx_gmm *g, const e2_par *p, int K, const double *X, size_t n,
                        size_t n1, const int *labels, double *resp, double *logp, double *ll) {
  __m256d acc = _mm256_setzero_pd();
  double a[4], tail = 0.0;
  int rc, u;
  for (; n + E2_PTS <= n1; n += E2_PTS) {
    rc = e2_block(g, p, K, X + 2 * n, labels ? labels + n : NULL, resp + n * (size_t)K, logp + n);
    if (rc != MX_OK) return rc;
    for (u = 0; u < E2_U; u++) acc = _mm256_add_pd(acc, _mm256_loadu_pd(logp + n + 4 * u));
  }
  if (n < n1) {
    /* the last points, padded with copies of the last one */
    double xb[2 * E2_PTS], rb[E2_PTS * MX_GMM_MAXK], pb[E2_PTS];
    int lb[E2_PTS];
    size_t j, m = n1 - n;
    for (j = 0; j < E2_PTS; j++) {
      size_t q = n + (j < m ? j : m - 1);
      xb[2 * j] = X[2 * q];
      xb[2 * j + 1] = X[2 * q + 1];
      lb[j] = labels ? labels[q] : -1;
    }
    rc = e2_block(g, p, K, xb, labels ? lb : NULL, rb, pb);
    if (rc != MX_OK) return rc;
    memcpy(resp + n * (size_t)K, rb, m * (size_t)K * sizeof *rb);
    for (j = 0; j < m; j++) {
      logp[n + j] = pb[j];
      tail += pb[j];
    }
  }
  _mm256_storeu_pd(a, acc);
  *ll = (a[0] + a[1]) + (a[2] + a[3]) + tail;
  return MX_OK;
}

/* ---- fixed chunks, optionally on threads ---------------------------------- */

/* The points are split into NCHUNK fixed chunks (boundaries multiples of 8,
 * from N alone); each chunk's sums are kept apart and added in chunk order,
 * so the numbers do not depend on how many threads ran the chunks. */
#define NCHUNK 8
#define MT_MIN_POINTS 32768 /* fewer points: one thread (starting one costs ~50 us) */

static size_t chunk_at(size_t N, int c) {
  return c >= NCHUNK ? N : E2_PTS * ((N / E2_PTS) * (size_t)c / NCHUNK);
}

static atomic_int gmm_threads = 0; /* mx_gmm_set_threads: 0 = automatic */

int mx_gmm_set_threads(int n) {
  int prev = atomic_load(&gmm_threads);
  atomic_store(&gmm_threads, n < 0 ? 0 : n > NCHUNK ? NCHUNK : n);
  return prev;
}

static atomic_int online_cpus = 0; /* sysconf's answer, once (glibc reads /sys) */

static int threads_for(size_t N) {
  int t = atomic_load(&gmm_threads);
  if (t == 0) {
    if (N < MT_MIN_POINTS) return 1;
    t = atomic_load(&online_cpus);
    if (t == 0) {
      long c = sysconf(_SC_NPROCESSORS_ONLN);
      t = c < 1 ? 1 : c > NCHUNK ? NCHUNK : (int)c;
      atomic_store(&online_cpus, t);
    }
  }
  return t;
}

typedef struct split_job {
  void (*fn)(void *arg, int c); /* runs chunk c */
  void *arg;
  int T; /* shares: share t runs chunks t NCHUNK / T .. (t + 1) NCHUNK / T - 1 */
} split_job;

static void split_run(void *a, int t) {
  const split_job *j = a;
  int c;
  for (c = t * NCHUNK / j->T; c < (t + 1) * NCHUNK / j->T; c++) j->fn(j->arg, c);
}

/* Run fn on all chunks: this thread takes the first share, T - 1 started
 * threads the others (core's parallel-for, parallel.h). */
static void run_chunks(void (*fn)(void *, int), void *arg, size_t N) {
  split_job job;
  int T = threads_for(N);
  if (T < 1 || T > NCHUNK) T = 1;
  job.fn = fn;
  job.arg = arg;
  job.T = T;
  mx_par_run(T, split_run, &job);
}

/* ---- E-step driver -------------------------------------------------------- */

typedef struct e2_job {
  const mx_gmm *g;
  const e2_par *p;
  const double *X;
  size_t N;
  const int *labels;
  double *resp, *logp;
  double part[NCHUNK]; /* log-likelihood of each chunk */
  int rc[NCHUNK];
} e2_job;

/* Chunk c with a constant K (the loops over components unrolled) for
 * K = 2..8, the common sizes; e2_chunkk for any K. */
#define E2_CHUNK_K(KK)                                                                        \
  TGT static void e2_chunk##KK(void *arg, int c) {                                            \
    e2_job *j = arg;                                                                          \
    j->rc[c] = e2_range(j->g, j->p, KK, j->X, chunk_at(j->N, c), chunk_at(j->N, c + 1),        \
                        j->labels, j->resp, j->logp, &j->part[c]);                            \
  }
E2_CHUNK_K(2)
E2_CHUNK_K(3)
E2_CHUNK_K(4)
E2_CHUNK_K(5)
E2_CHUNK_K(6)
E2_CHUNK_K(7)
E2_CHUNK_K(8)
#undef E2_CHUNK_K

TGT static void e2_chunkk(void *arg, int c) {
  e2_job *j = arg;
  j->rc[c] = e2_range(j->g, j->p, j->g->K, j->X, chunk_at(j->N, c), chunk_at(j->N, c + 1),
                      j->labels, j->resp, j->logp, &j->part[c]);
}

static void e2_setup(const mx_gmm *g, e2_par *p) {
  const double log2e = 1.44269504088896340736, h = sqrt(0.5 * log2e); /* sqrt(log2(e) / 2) */
  int k;
  for (k = 0; k < g->K; k++) {
    const double *L = g->chol + (size_t)k * 4;
    p->lw[k] = g->weights[k] > 0.0 ? log(g->weights[k]) : -INFINITY;
    p->cst[k] = (p->lw[k] - 0.5 * g->logdet[k] - LOG_2PI) * log2e;
    p->mu0[k] = g->means[2 * k];
    p->mu1[k] = g->means[2 * k + 1];
    p->a0[k] = h / L[0];
    p->b[k] = L[2] / h;
    p->a1[k] = h / L[3];
  }
}

int mx_gmm_simd_e_step2(const mx_gmm *g, const double *X, size_t N, const int *labels,
                        double *resp, double *logp, double *loglik) {
  e2_par p;
  e2_job j;
  double ll = 0.0;
  int c;
  e2_setup(g, &p);
  j.g = g;
  j.p = &p;
  j.X = X;
  j.N = N;
  j.labels = labels;
  j.resp = resp;
  j.logp = logp;
  static void (*const fixed[9])(void *, int) = {NULL,      NULL,      e2_chunk2, e2_chunk3, e2_chunk4,
                                                 e2_chunk5, e2_chunk6, e2_chunk7, e2_chunk8};
  run_chunks(g->K <= 8 && fixed[g->K] ? fixed[g->K] : e2_chunkk, &j, N);
  for (c = 0; c < NCHUNK; c++) {
    if (j.rc[c] != MX_OK) return j.rc[c];
    ll += j.part[c];
  }
  if (loglik) *loglik = ll;
  return MX_OK;
}

/* ---- prediction, D = 2 ----------------------------------------------------- */

typedef struct p2_job {
  const e2_par *p;
  int K;
  const double *X;
  size_t N;
  int *pred;
} p2_job;

/* pred[n] = argmax_k log-joint, ties to the lowest k (strict >, as gmm.c) */
TGT static void p2_chunk(void *arg, int c) {
  const p2_job *j = arg;
  size_t n = chunk_at(j->N, c), n1 = chunk_at(j->N, c + 1);
  for (; n < n1; n += 4) {
    double xb[8], best_k[4];
    const double *x = j->X + 2 * n;
    size_t m = n1 - n < 4 ? n1 - n : 4, i;
    __m256d a, b, x0, x1, best, idx = _mm256_setzero_pd();
    int k;
    if (m < 4) { /* the last points, padded with copies of the last one */
      for (i = 0; i < 4; i++) {
        xb[2 * i] = x[2 * (i < m ? i : m - 1)];
        xb[2 * i + 1] = x[2 * (i < m ? i : m - 1) + 1];
      }
      x = xb;
    }
    a = _mm256_loadu_pd(x);
    b = _mm256_loadu_pd(x + 4);
    x0 = _mm256_unpacklo_pd(a, b);
    x1 = _mm256_unpackhi_pd(a, b);
    best = e2_lp(j->p, 0, x0, x1);
    for (k = 1; k < j->K; k++) {
      __m256d l = e2_lp(j->p, k, x0, x1), gt = _mm256_cmp_pd(l, best, _CMP_GT_OQ);
      best = _mm256_blendv_pd(best, l, gt);
      idx = _mm256_blendv_pd(idx, _mm256_set1_pd((double)k), gt);
    }
    _mm256_storeu_pd(best_k, idx);
    for (i = 0; i < 4; i++)
      if ((size_t)lane_point[i] < m) j->pred[n + (size_t)lane_point[i]] = (int)best_k[i];
  }
}

void mx_gmm_simd_predict2(const mx_gmm *g, const double *X, size_t N, int *pred) {
  e2_par p;
  p2_job j;
  e2_setup(g, &p);
  j.p = &p;
  j.K = g->K;
  j.X = X;
  j.N = N;
  j.pred = pred;
  run_chunks(p2_chunk, &j, N);
}

/* ---- M-step statistics, D = 2: one pass, shifted ------------------------- */

/* Sums about a shift c_k (the current means): N_k = sum r, b = sum r (x - c),
 * A = sum r (x - c)(x - c)^T; then mu = c + b / N_k and the centred sum is
 * A - b (b / N_k)^T. The subtraction loses digits when the mean moved far
 * relative to the spread: where (b_i / N_k)^2 N_k > that sum's (i, i) entry
 * (the mean moved more than one standard deviation: the error is then above
 * twice the two-pass formula's) its group of 4 components is redone by the
 * exact two-pass kernel below (mostly the first EM iterations). One set of
 * accumulators per chunk (a second one, for shorter dependency chains, does
 * not fit in the 16 registers), chunks added in order. */
enum { M2_NK, M2_B0, M2_B1, M2_A00, M2_A10, M2_A11, M2_NS };

typedef struct m2_job {
  int K;
  const double *X, *resp;
  size_t N;
  double c0[MX_GMM_MAXK], c1[MX_GMM_MAXK];                  /* (K) shift */
  double part[NCHUNK][MX_GMM_MAXK / 4][M2_NS][4];          /* per chunk, group, sum, lane */
} m2_job;

/* Lane mask for the components g0..g0+3 that are < K (a masked load reads
 * the others as 0 and touches no memory for them). */
INLINE TGT_NOFMA __m256i tail_mask(int K, int g0) {
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x(K - g0), _mm256_setr_epi64x(0, 1, 2, 3));
}

/* Responsibilities of components g0..g0+3 (those < K) of point n, zero-padded. */
INLINE TGT __m256d m2_tail(const double *resp, int K, int g0, __m256i mask, size_t n) {
  return _mm256_maskload_pd(resp + n * (size_t)K + (size_t)g0, mask);
}

INLINE TGT void m2_group(m2_job *j, int c, int q, int full) {
  const int K = j->K, g0 = 4 * q;
  const size_t lo = chunk_at(j->N, c), hi = chunk_at(j->N, c + 1);
  const double *X = j->X, *resp = j->resp;
  __m256d s0 = _mm256_loadu_pd(j->c0 + g0), s1 = _mm256_loadu_pd(j->c1 + g0);
  __m256d nk = _mm256_setzero_pd(), b0 = nk, b1 = nk, a00 = nk, a10 = nk, a11 = nk;
  const __m256i mask = tail_mask(K, g0);
  size_t n;
#define M2_POINT(N_, NK, B0, B1, A00, A10, A11)                                        \
  do {                                                                                  \
    __m256d r_ = full ? _mm256_loadu_pd(resp + (N_) * (size_t)K + g0)                  \
                      : m2_tail(resp, K, g0, mask, N_);                                  \
    __m256d d0_ = _mm256_sub_pd(_mm256_set1_pd(X[2 * (N_)]), s0);                      \
    __m256d d1_ = _mm256_sub_pd(_mm256_set1_pd(X[2 * (N_) + 1]), s1);                  \
    __m256d rd0_ = _mm256_mul_pd(r_, d0_), rd1_ = _mm256_mul_pd(r_, d1_);               \
    NK = _mm256_add_pd(NK, r_);                                                         \
    B0 = _mm256_add_pd(B0, rd0_);                                                       \
    B1 = _mm256_add_pd(B1, rd1_);                                                       \
    A00 = _mm256_fmadd_pd(rd0_, d0_, A00);                                              \
    A10 = _mm256_fmadd_pd(rd1_, d0_, A10);                                              \
    A11 = _mm256_fmadd_pd(rd1_, d1_, A11);                                              \
  } while (0)
  for (n = lo; n < hi; n++) M2_POINT(n, nk, b0, b1, a00, a10, a11);
#undef M2_POINT
  _mm256_storeu_pd(j->part[c][q][M2_NK], nk);
  _mm256_storeu_pd(j->part[c][q][M2_B0], b0);
  _mm256_storeu_pd(j->part[c][q][M2_B1], b1);
  _mm256_storeu_pd(j->part[c][q][M2_A00], a00);
  _mm256_storeu_pd(j->part[c][q][M2_A10], a10);
  _mm256_storeu_pd(j->part[c][q][M2_A11], a11);
}

TGT static void m2_chunk4(void *arg, int c) { m2_group(arg, c, 0, 1); }

TGT static void m2_chunkk(void *arg, int c) {
  m2_job *j = arg;
  int q;
  for (q = 0; 4 * q < j->K; q++) {
    if (4 * q + 4 <= j->K) m2_group(j, c, q, 1);
    else m2_group(j, c, q, 0);
  }
}

TGT_NOFMA static void m_groupd(int K, int D, int c0, const double *X, size_t N, const double *resp,
                               double *nk, double *mu, double *S);
TGT_NOFMA static void m_group2(int K, int c0, const double *X, size_t N, const double *resp,
                               double *nk, double *mu, double *S);

static void m_stats2(int K, const double *X, size_t N, const double *resp, const double *shift,
                     double *nk, double *mu, double *S) {
  m2_job *j, jb;
  int k, c, q, redo[MX_GMM_MAXK / 4] = {0};
  j = &jb;
  j->K = K;
  j->X = X;
  j->resp = resp;
  j->N = N;
  for (k = 0; k < MX_GMM_MAXK; k++) {
    j->c0[k] = k < K ? shift[2 * k] : 0.0;
    j->c1[k] = k < K ? shift[2 * k + 1] : 0.0;
  }
  run_chunks(K == 4 ? m2_chunk4 : m2_chunkk, j, N);
  for (k = 0; k < K; k++) {
    double t[M2_NS], d0, d1, s00, s10, s11;
    int i;
    q = k / 4;
    for (i = 0; i < M2_NS; i++) {
      t[i] = 0.0;
      for (c = 0; c < NCHUNK; c++) t[i] += j->part[c][q][i][k % 4];
    }
    d0 = t[M2_B0] / t[M2_NK];
    d1 = t[M2_B1] / t[M2_NK];
    s00 = t[M2_A00] - t[M2_B0] * d0;
    s10 = t[M2_A10] - t[M2_B1] * d0;
    s11 = t[M2_A11] - t[M2_B1] * d1;
    nk[k] = t[M2_NK];
    mu[2 * k] = shift[2 * k] + d0;
    mu[2 * k + 1] = shift[2 * k + 1] + d1;
    S[4 * k] = s00;
    S[4 * k + 1] = s10;
    S[4 * k + 2] = s10;
    S[4 * k + 3] = s11;
    /* the mean moved more than one standard deviation (or N_k = 0): */
    if (!(t[M2_B0] * d0 <= s00 && t[M2_B1] * d1 <= s11)) redo[q] = 1;
  }
  /* ... the exact two passes for those components' group */
  for (q = 0; 4 * q < K; q++)
    if (redo[q]) {
      if (4 * q + 4 <= K) m_group2(K, 4 * q, X, N, resp, nk, mu, S);
      else m_groupd(K, 2, 4 * q, X, N, resp, nk, mu, S);
    }
}

/* ---- M-step statistics, any D <= MX_GMM_SIMD_MAXD: two passes, exact ----- */

/* Responsibilities of components c0..c0+3 of point n: a plain load when the
 * group is full, else a masked one (the lanes >= K read as 0). */
INLINE TGT_NOFMA __m256d m_load(const double *resp, int K, int c0, int full, __m256i mask,
                                size_t n) {
  const double *row = resp + n * (size_t)K + (size_t)c0;
  (void)K;
  if (full) return _mm256_loadu_pd(row);
  return _mm256_maskload_pd(row, mask);
}

/* Components c0..c0+3 (those < K): the scalar passes of gmm.c's M-step,
 *   nk += r;  s_i += r * x_i;  mu_i = s_i / nk;
 *   S_ij += (r * (x_i - mu_i)) * (x_j - mu_j)   (j <= i),
 * in lanes, without FMA: bit-identical to the scalar code. D and full are
 * constants after inlining. */
INLINE TGT_NOFMA void m_group(int K, int D, int c0, int full, const double *X, size_t N,
                              const double *resp, double *nk, double *mu, double *S) {
  __m256d vnk = _mm256_setzero_pd(), vs[MX_GMM_SIMD_MAXD], vmu[MX_GMM_SIMD_MAXD];
  __m256d vS[MX_GMM_SIMD_MAXD * MX_GMM_SIMD_MAXD], d[MX_GMM_SIMD_MAXD];
  double t[4];
  const __m256i mask = tail_mask(K, c0);
  size_t n;
  int i, j, l, nl = K - c0 < 4 ? K - c0 : 4;
  for (i = 0; i < D; i++) vs[i] = _mm256_setzero_pd();
  for (i = 0; i < D * D; i++) vS[i] = _mm256_setzero_pd();
  for (n = 0; n < N; n++) {
    __m256d r = m_load(resp, K, c0, full, mask, n);
    vnk = _mm256_add_pd(vnk, r);
    for (i = 0; i < D; i++)
      vs[i] = _mm256_add_pd(vs[i], _mm256_mul_pd(r, _mm256_set1_pd(X[n * (size_t)D + (size_t)i])));
  }
  for (i = 0; i < D; i++) vmu[i] = _mm256_div_pd(vs[i], vnk);
  for (n = 0; n < N; n++) {
    __m256d r = m_load(resp, K, c0, full, mask, n);
    for (i = 0; i < D; i++)
      d[i] = _mm256_sub_pd(_mm256_set1_pd(X[n * (size_t)D + (size_t)i]), vmu[i]);
    for (i = 0; i < D; i++) {
      __m256d rd = _mm256_mul_pd(r, d[i]);
      for (j = 0; j <= i; j++) vS[i * D + j] = _mm256_add_pd(vS[i * D + j], _mm256_mul_pd(rd, d[j]));
    }
  }
  _mm256_storeu_pd(t, vnk);
  for (l = 0; l < nl; l++) nk[c0 + l] = t[l];
  for (i = 0; i < D; i++) {
    _mm256_storeu_pd(t, vmu[i]);
    for (l = 0; l < nl; l++) mu[(size_t)(c0 + l) * (size_t)D + (size_t)i] = t[l];
    for (j = 0; j <= i; j++) {
      _mm256_storeu_pd(t, vS[i * D + j]);
      for (l = 0; l < nl; l++)
        S[(size_t)(c0 + l) * (size_t)(D * D) + (size_t)(i * D + j)] = t[l];
    }
  }
}

TGT_NOFMA static void m_group2(int K, int c0, const double *X, size_t N, const double *resp,
                               double *nk, double *mu, double *S) {
  m_group(K, 2, c0, 1, X, N, resp, nk, mu, S);
}

TGT_NOFMA static void m_group3(int K, int c0, const double *X, size_t N, const double *resp,
                               double *nk, double *mu, double *S) {
  m_group(K, 3, c0, 1, X, N, resp, nk, mu, S);
}

/* any D <= MX_GMM_SIMD_MAXD, and the last group when K is not a multiple of 4 */
TGT_NOFMA static void m_groupd(int K, int D, int c0, const double *X, size_t N, const double *resp,
                               double *nk, double *mu, double *S) {
  m_group(K, D, c0, c0 + 4 <= K, X, N, resp, nk, mu, S);
}

void mx_gmm_simd_m_stats(int K, int D, const double *X, size_t N, const double *resp,
                         const double *shift, double *nk, double *mu, double *S) {
  int c0;
  if (D == 2) {
    m_stats2(K, X, N, resp, shift, nk, mu, S);
    return;
  }
  for (c0 = 0; c0 < K; c0 += 4) {
    if (D == 3 && c0 + 4 <= K) m_group3(K, c0, X, N, resp, nk, mu, S);
    else m_groupd(K, D, c0, X, N, resp, nk, mu, S);
  }
}

/* ---- k-means assignment, D = 2 --------------------------------------------- */

TGT_NOFMA static void nearest2_range(const double *C, int K, const double *X, size_t n0,
                                     size_t n1, int *lab, double *best) {
  size_t n;
  for (n = n0; n + 4 <= n1; n += 4) {
    __m256d a = _mm256_loadu_pd(X + 2 * n), b = _mm256_loadu_pd(X + 2 * n + 4);
    __m256d x0 = _mm256_permute4x64_pd(_mm256_unpacklo_pd(a, b), 0xD8); /* points in order */
    __m256d x1 = _mm256_permute4x64_pd(_mm256_unpackhi_pd(a, b), 0xD8);
    __m256d bd = _mm256_set1_pd(INFINITY), bi = _mm256_setzero_pd();
    int k;
    for (k = 0; k < K; k++) {
      __m256d e0 = _mm256_sub_pd(x0, _mm256_set1_pd(C[2 * k]));
      __m256d e1 = _mm256_sub_pd(x1, _mm256_set1_pd(C[2 * k + 1]));
      __m256d d = _mm256_add_pd(_mm256_mul_pd(e0, e0), _mm256_mul_pd(e1, e1));
      __m256d lt = _mm256_cmp_pd(d, bd, _CMP_LT_OQ);
      bd = _mm256_blendv_pd(bd, d, lt);
      bi = _mm256_blendv_pd(bi, _mm256_set1_pd((double)k), lt);
    }
    _mm256_storeu_pd(best + n, bd);
    _mm_storeu_si128((__m128i *)(lab + n), _mm256_cvtpd_epi32(bi));
  }
  for (; n < n1; n++) { /* the last points: the scalar loop */
    double bd = INFINITY;
    int k, bk = 0;
    for (k = 0; k < K; k++) {
      double e0 = X[2 * n] - C[2 * k], e1 = X[2 * n + 1] - C[2 * k + 1], d = e0 * e0 + e1 * e1;
      if (d < bd) {
        bd = d;
        bk = k;
      }
    }
    lab[n] = bk;
    best[n] = bd;
  }
}

int mx_gmm_simd_nearest2(const double *C, int K, const double *X, size_t N, int *lab,
                         double *best) {
  if (!mx_gmm_simd_active()) return 0;
  nearest2_range(C, K, X, 0, N, lab, best);
  return 1;
}

#else /* no x86-64 GCC/Clang: no kernels, gmm.c keeps its scalar code */

int mx_gmm_simd_cpu(void) { return 0; }

int mx_gmm_simd_e_step2(const mx_gmm *g, const double *X, size_t N, const int *labels,
                        double *resp, double *logp, double *loglik) {
  (void)g, (void)X, (void)N, (void)labels, (void)resp, (void)logp, (void)loglik;
  return MX_EINVAL;
}

void mx_gmm_simd_m_stats(int K, int D, const double *X, size_t N, const double *resp,
                         const double *shift, double *nk, double *mu, double *S) {
  (void)K, (void)D, (void)X, (void)N, (void)resp, (void)shift, (void)nk, (void)mu, (void)S;
}

int mx_gmm_set_threads(int n) {
  (void)n;
  return 1;
}

void mx_gmm_simd_predict2(const mx_gmm *g, const double *X, size_t N, int *pred) {
  (void)g, (void)X, (void)N, (void)pred;
}

int mx_gmm_simd_nearest2(const double *C, int K, const double *X, size_t N, int *lab,
                         double *best) {
  (void)C, (void)K, (void)X, (void)N, (void)lab, (void)best;
  return 0;
}

#endif
