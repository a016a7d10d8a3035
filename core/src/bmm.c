/* mixscope — Bernoulli mixture EM on binary images (see bmm.h for the maths). */
#include "mixscope/bmm.h"

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
#else
typedef struct { double e[4]; } bmm_v4;
#define V4_ADD(a, b) ((a).e[0] += (b).e[0], (a).e[1] += (b).e[1], (a).e[2] += (b).e[2], (a).e[3] += (b).e[3])
#endif
/* Unaligned loads and stores of 4 doubles (one instruction each when vectorised). */
#define V4_LOAD(v, p) memcpy(&(v), (p), sizeof(bmm_v4))
#define V4_STORE(p, v) memcpy((p), &(v), sizeof(bmm_v4))
static const double bmm_zero4[4] = {0.0, 0.0, 0.0, 0.0};

/* On x86-64 Linux with GCC the two kernels are also compiled for AVX2 and
 * picked at load time (a block is then one register). The arithmetic is the
 * same, element by element, so results are identical. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define MX_BMM_KERNEL __attribute__((target_clones("avx2", "default")))
#else
#define MX_BMM_KERNEL
#endif

/* ---- data ------------------------------------------------------------------ */

int mx_bmm_data_alloc(mx_bmm_data **out, const uint8_t *x, size_t n, size_t d,
                      mx_error *err) {
  mx_bmm_data *data;
  size_t i, j, nnz = 0, pos = 0;
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
  data = calloc(1, sizeof *data);
  if (!data) return mx_error_set(err, MX_ENOMEM, "bmm data: out of memory");
  data->n = n;
  data->d = d;
  data->nnz = nnz;
  data->start = malloc((n + 1) * sizeof *data->start);
  data->idx = malloc((nnz ? nnz : 1) * sizeof *data->idx);
  if (!data->start || !data->idx) {
    mx_bmm_data_free(data);
    return mx_error_set(err, MX_ENOMEM, "bmm data: out of memory for %zu on-pixels", nnz);
  }
  for (i = 0; i < n; i++) {
    data->start[i] = pos;
    for (j = 0; j < d; j++)
      if (x[i * d + j]) data->idx[pos++] = (uint16_t)j;
  }
  data->start[n] = pos;
  *out = data;
  return MX_OK;
}

void mx_bmm_data_free(mx_bmm_data *data) {
  if (!data) return;
  free(data->start);
  free(data->idx);
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
  m->w = calloc(d * m->kp, sizeof *m->w); /* padding columns stay 0 */
  m->c = calloc(m->kp, sizeof *m->c);
  m->acc = calloc(nthreads * d * m->kp, sizeof *m->acc);
  m->nkpart = calloc(nthreads * m->kp, sizeof *m->nkpart);
  m->dist = malloc(n * sizeof *m->dist);
  m->center = malloc(d);
  if (!m->theta || !m->pi || !m->resp || !m->fixed || !m->nk || !m->w || !m->c || !m->acc || !m->nkpart ||
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

/* w = log θ − log(1 − θ) transposed to (D, KP); c_k = log π_k + Σ_d log(1 − θ_kd). */
static void bmm_prepare(mx_bmm *m) {
  size_t k, d, K = m->k, KP = m->kp, D = m->d;
  for (k = 0; k < K; k++) {
    const double *th = m->theta + k * D;
    double s = 0.0;
    for (d = 0; d < D; d++) {
      double l1 = log1p(-th[d]);
      m->w[d * KP + k] = log(th[d]) - l1;
      s += l1;
    }
    m->c[k] = log(m->pi[k]) + s;
  }
}

/* s_k = log π_k + log p(x_i | θ_k) for image i, by the sparse identity:
 * c_k plus w_dk summed over the image's on-pixels d. Two pixels per step into
 * two sets of sums (a, b), so the additions do not wait on each other. */
MX_BMM_KERNEL
static void bmm_scores(const mx_bmm *m, const mx_bmm_data *data, size_t i, double *s) {
  const uint16_t *p, *first = data->idx + data->start[i], *end = data->idx + data->start[i + 1];
  size_t k0 = 0, k, K = m->k, KP = m->kp;
  double out[3 * MX_BMM_B];
  for (; k0 + 3 * MX_BMM_B <= KP; k0 += 3 * MX_BMM_B) { /* three blocks per walk */
    const double *w = m->w + k0;
    bmm_v4 a0, a1, a2, b0, b1, b2, x;
    V4_LOAD(a0, m->c + k0);
    V4_LOAD(a1, m->c + k0 + 4);
    V4_LOAD(a2, m->c + k0 + 8);
    V4_LOAD(b0, bmm_zero4);
    b1 = b2 = b0;
    for (p = first; p + 1 < end; p += 2) {
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
    for (k = k0; k < K && k < k0 + 3 * MX_BMM_B; k++) s[k] = out[k - k0];
  }
  for (; k0 < KP; k0 += MX_BMM_B) { /* the remaining blocks, one per walk */
    const double *w = m->w + k0;
    bmm_v4 a0, b0, x;
    V4_LOAD(a0, m->c + k0);
    V4_LOAD(b0, bmm_zero4);
    for (p = first; p + 1 < end; p += 2) {
      V4_LOAD(x, w + (size_t)p[0] * KP), V4_ADD(a0, x);
      V4_LOAD(x, w + (size_t)p[1] * KP), V4_ADD(b0, x);
    }
    if (p < end) {
      V4_LOAD(x, w + (size_t)p[0] * KP);
      V4_ADD(a0, x);
    }
    V4_ADD(a0, b0);
    V4_STORE(out, a0);
    for (k = k0; k < K && k < k0 + MX_BMM_B; k++) s[k] = out[k - k0];
  }
}

/* Turn scores s (K) into responsibilities in place; returns log Σ_k exp(s_k). */
static double bmm_normalise(double *s, size_t K) {
  double mx = -INFINITY, sum = 0.0, lse;
  size_t k;
  for (k = 0; k < K; k++)
    if (s[k] > mx) mx = s[k];
  if (mx == -INFINITY) {   /* every component impossible: leave r = 0 */
    for (k = 0; k < K; k++) s[k] = 0.0;
    return -INFINITY;
  }
  for (k = 0; k < K; k++) {
    s[k] = exp(s[k] - mx);
    sum += s[k];
  }
  lse = mx + log(sum);
  for (k = 0; k < K; k++) s[k] /= sum;
  return lse;
}

/* E-step for image i: its resp row and ℓ_i. */
static double bmm_e_image(mx_bmm *m, const mx_bmm_data *data, size_t i) {
  size_t k, K = m->k;
  double *r = m->resp + i * K, ll;
  int c = m->fixed[i];
  bmm_scores(m, data, i, r);
  if (c < 0) return bmm_normalise(r, K);
  ll = r[c]; /* labelled: ℓ_i = log π_c p(x_i | θ_c), r one-hot */
  for (k = 0; k < K; k++) r[k] = (k == (size_t)c) ? 1.0 : 0.0;
  return ll;
}

/* M-step sums for image i: nk += r_i, and S_dk += r_ik for its on-pixels d,
 * three blocks of components per walk, then one. acc is (D, KP), nk (KP). */
MX_BMM_KERNEL
static void bmm_m_image(const mx_bmm *m, const mx_bmm_data *data, size_t i, double *acc,
                        double *nk) {
  const uint16_t *p, *first = data->idx + data->start[i], *end = data->idx + data->start[i + 1];
  const double *r = m->resp + i * m->k;
  size_t k, k0 = 0, K = m->k, KP = m->kp;
  double rk[3 * MX_BMM_B];
  for (k = 0; k < K; k++) nk[k] += r[k];
  for (; k0 + 3 * MX_BMM_B <= KP; k0 += 3 * MX_BMM_B) {
    bmm_v4 r0, r1, r2, x;
    for (k = 0; k < 3 * MX_BMM_B; k++) rk[k] = k0 + k < K ? r[k0 + k] : 0.0;
    V4_LOAD(r0, rk), V4_LOAD(r1, rk + 4), V4_LOAD(r2, rk + 8);
    for (p = first; p < end; p++) {
      double *a = acc + (size_t)*p * KP + k0;
      V4_LOAD(x, a), V4_ADD(x, r0), V4_STORE(a, x);
      V4_LOAD(x, a + 4), V4_ADD(x, r1), V4_STORE(a + 4, x);
      V4_LOAD(x, a + 8), V4_ADD(x, r2), V4_STORE(a + 8, x);
    }
  }
  for (; k0 < KP; k0 += MX_BMM_B) {
    bmm_v4 r0, x;
    for (k = 0; k < MX_BMM_B; k++) rk[k] = k0 + k < K ? r[k0 + k] : 0.0;
    V4_LOAD(r0, rk);
    for (p = first; p < end; p++) {
      double *a = acc + (size_t)*p * KP + k0;
      V4_LOAD(x, a), V4_ADD(x, r0), V4_STORE(a, x);
    }
  }
}

/* One thread's share of a pass over the training images [i0, i1). */
typedef struct bmm_job {
  mx_bmm *m;
  const mx_bmm_data *data;
  size_t i0, i1;
  int do_e, do_m;
  double *acc;   /* (D, KP) this thread's S */
  double *nk;    /* (KP) this thread's N_k */
  double ll;     /* this thread's Σ ℓ_i */
} bmm_job;

static void *bmm_job_run(void *arg) {
  bmm_job *job = arg;
  const mx_bmm *m = job->m;
  size_t i;
  double ll = 0.0;
  if (job->do_m) {
    memset(job->acc, 0, m->d * m->kp * sizeof *job->acc);
    memset(job->nk, 0, m->kp * sizeof *job->nk);
  }
  for (i = job->i0; i < job->i1; i++) {
    if (job->do_e) ll += bmm_e_image(job->m, job->data, i);
    if (job->do_m) bmm_m_image(m, job->data, i, job->acc, job->nk);
  }
  job->ll = ll;
  return NULL;
}

/* A pass over all images, split into m->nthreads contiguous ranges (thread 0
 * is the caller). The E part writes resp rows of its own range only; the M
 * part sums into per-thread slabs, added up afterwards in thread order, so
 * the result does not depend on timing. If a thread cannot be started its
 * range runs in the caller. */
static void bmm_pass(mx_bmm *m, const mx_bmm_data *data, int do_e, int do_m) {
  bmm_job jobs[MX_BMM_MAX_THREADS];
  pthread_t tid[MX_BMM_MAX_THREADS];
  int started[MX_BMM_MAX_THREADS];
  size_t t, T = m->nthreads, j, slab = m->d * m->kp;
  double ll = 0.0;
  if (T > m->n) T = 1;
  for (t = 0; t < T; t++) {
    jobs[t].m = m;
    jobs[t].data = data;
    jobs[t].i0 = m->n * t / T;
    jobs[t].i1 = m->n * (t + 1) / T;
    jobs[t].do_e = do_e;
    jobs[t].do_m = do_m;
    jobs[t].acc = m->acc + t * slab;
    jobs[t].nk = m->nkpart + t * m->kp;
    started[t] = t > 0 && pthread_create(&tid[t], NULL, bmm_job_run, &jobs[t]) == 0;
  }
  bmm_job_run(&jobs[0]);
  for (t = 1; t < T; t++) {
    if (started[t])
      pthread_join(tid[t], NULL);
    else
      bmm_job_run(&jobs[t]);
  }
  for (t = 0; t < T; t++) ll += jobs[t].ll;
  if (do_e) {
    m->loglik = ll;
    m->logpost = ll + mx_bmm_log_prior(m);
  }
  if (do_m) /* slab 0 gets the totals */
    for (t = 1; t < T; t++) {
      for (j = 0; j < slab; j++) m->acc[j] += m->acc[t * slab + j];
      for (j = 0; j < m->k; j++) m->nkpart[j] += m->nkpart[t * m->kp + j];
    }
}

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

double mx_bmm_log_prior(const mx_bmm *m) {
  double a1 = m->prior.a - 1.0, b1 = m->prior.b - 1.0, lp = 0.0;
  size_t i;
  for (i = 0; i < m->k * m->d; i++) lp += a1 * log(m->theta[i]) + b1 * log1p(-m->theta[i]);
  if (m->prior.gamma != 1.0)
    for (i = 0; i < m->k; i++) lp += (m->prior.gamma - 1.0) * log(m->pi[i]);
  return lp;
}

int mx_bmm_e_step(mx_bmm *m, const mx_bmm_data *data) {
  if (bmm_check(m, data)) return MX_ESIZE;
  bmm_prepare(m);
  bmm_pass(m, data, 1, 0);
  return MX_OK;
}

int mx_bmm_m_step(mx_bmm *m, const mx_bmm_data *data) {
  if (bmm_check(m, data)) return MX_ESIZE;
  bmm_pass(m, data, 0, 1);
  return bmm_m_finish(m);
}

int mx_bmm_iterate(mx_bmm *m, const mx_bmm_data *data, double *logpost_before) {
  if (bmm_check(m, data)) return MX_ESIZE;
  bmm_prepare(m);
  bmm_pass(m, data, 1, 1); /* each image's M sums right after its E-step, while it is in cache */
  if (logpost_before) *logpost_before = m->logpost;
  return bmm_m_finish(m);
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

int mx_bmm_init_labelled(mx_bmm *m, const mx_bmm_data *data, mx_error *err) {
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
  return mx_bmm_m_step(m, data) ? mx_error_set(err, MX_ECOLLAPSE, "bmm: M-step failed") : MX_OK;
}

/* ---- scoring other images --------------------------------------------------- */

int mx_bmm_score(mx_bmm *m, const mx_bmm_data *data, const uint8_t *labels,
                 double *loglik, size_t *ncorrect, int *pred) {
  size_t i, k, K = m->k, right = 0;
  double ll = 0.0;
  /* one image's scores live in acc (D * KP >= K doubles), unused outside the M-step */
  double *s = m->acc;
  if (data->d != m->d) return MX_ESIZE;
  bmm_prepare(m);
  for (i = 0; i < data->n; i++) {
    size_t best = 0;
    bmm_scores(m, data, i, s);
    for (k = 1; k < K; k++)
      if (s[k] > s[best]) best = k;
    if (labels && best == labels[i]) right++;
    if (pred) pred[i] = (int)best;
    if (loglik) ll += bmm_normalise(s, K);
  }
  if (loglik) *loglik = ll;
  if (ncorrect) *ncorrect = right;
  return MX_OK;
}
