#include "mixscope/gmm.h"

#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include "gmm_simd.h"
#include "mixscope/simd.h"

#define LOG_2PI 1.8378770664093454835606594728112

/* ---- kernel choice ------------------------------------------------------- */

/* -1: not decided yet, 0: scalar code, 1: vectorized kernels (gmm_simd.c). */
static atomic_int simd_state = -1;

static int simd_on(void) {
  int s = atomic_load_explicit(&simd_state, memory_order_relaxed);
  if (s < 0) {
    s = mx_simd_env_off() ? 0 : mx_gmm_simd_cpu();
    atomic_store_explicit(&simd_state, s, memory_order_relaxed);
  }
  return s;
}

int mx_gmm_set_simd(int on) {
  int prev = simd_on();
  atomic_store_explicit(&simd_state, on ? mx_gmm_simd_cpu() : 0, memory_order_relaxed);
  return prev;
}

int mx_gmm_simd_active(void) { return simd_on(); }

/* Extra model scratch for the M-step kernel's statistics: mu (K, D), S (K, D, D). */
static size_t stats_len(int K, int D) {
  return D <= MX_GMM_SIMD_MAXD ? (size_t)K * ((size_t)D + (size_t)D * (size_t)D) : 0;
}

/* ---- allocation ---------------------------------------------------------- */

mx_gmm *mx_gmm_alloc(int K, int D) {
  mx_gmm *g;
  size_t k, i, dd;
  if (K < 1 || K > MX_GMM_MAXK || D < 1 || D > MX_GMM_MAXD) return NULL;
  g = calloc(1, sizeof *g);
  if (!g) return NULL;
  dd = (size_t)D * (size_t)D;
  g->K = K;
  g->D = D;
  g->weights = malloc((size_t)K * sizeof *g->weights);
  g->means = calloc((size_t)K * (size_t)D, sizeof *g->means);
  g->covs = calloc((size_t)K * dd, sizeof *g->covs);
  g->chol = calloc((size_t)K * dd, sizeof *g->chol);
  g->logdet = calloc((size_t)K, sizeof *g->logdet);
  g->nk = calloc((size_t)K, sizeof *g->nk);
  g->collapsed = calloc((size_t)K, sizeof *g->collapsed);
  g->scratch = malloc((3 * dd + 2 * (size_t)D + stats_len(K, D) + (size_t)K * (size_t)D) *
                      sizeof *g->scratch);
  if (!g->weights || !g->means || !g->covs || !g->chol || !g->logdet || !g->nk ||
      !g->collapsed || !g->scratch) {
    mx_gmm_free(g);
    return NULL;
  }
  for (k = 0; k < (size_t)K; k++) {
    g->weights[k] = 1.0 / K;
    for (i = 0; i < (size_t)D; i++) {
      g->covs[k * dd + i * (size_t)D + i] = 1.0;
      g->chol[k * dd + i * (size_t)D + i] = 1.0;
    }
  }
  g->reg = MX_GMM_REG;
  g->min_nk = MX_GMM_MIN_NK;
  g->init = MX_GMM_INIT_GIVEN;
  return g;
}

void mx_gmm_free(mx_gmm *g) {
  if (!g) return;
  free(g->weights);
  free(g->means);
  free(g->covs);
  free(g->chol);
  free(g->logdet);
  free(g->nk);
  free(g->collapsed);
  free(g->scratch);
  free(g);
}

int mx_gmm_copy(mx_gmm *dst, const mx_gmm *src) {
  size_t K, D;
  if (!dst || !src || dst->K != src->K || dst->D != src->D) return MX_ESIZE;
  if (dst == src) return MX_OK;
  K = (size_t)src->K;
  D = (size_t)src->D;
  memcpy(dst->weights, src->weights, K * sizeof *dst->weights);
  memcpy(dst->means, src->means, K * D * sizeof *dst->means);
  memcpy(dst->covs, src->covs, K * D * D * sizeof *dst->covs);
  memcpy(dst->chol, src->chol, K * D * D * sizeof *dst->chol);
  memcpy(dst->logdet, src->logdet, K * sizeof *dst->logdet);
  memcpy(dst->nk, src->nk, K * sizeof *dst->nk);
  memcpy(dst->collapsed, src->collapsed, K * sizeof *dst->collapsed);
  dst->ncollapsed = src->ncollapsed;
  dst->status = src->status;
  dst->reg = src->reg;
  dst->min_nk = src->min_nk;
  dst->seed = src->seed;
  dst->init = src->init;
  dst->cov_type = src->cov_type;
  return MX_OK;
}

mx_gmm_work *mx_gmm_work_alloc(int K, size_t N, int D) {
  mx_gmm_work *w;
  if (K < 1 || K > MX_GMM_MAXK || D < 1 || D > MX_GMM_MAXD || N < 1) return NULL;
  if (N > ((size_t)-1) / sizeof(double) / (size_t)K) return NULL;
  w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->K = K;
  w->D = D;
  w->N = N;
  w->resp = calloc(N * (size_t)K, sizeof *w->resp);
  w->logp = calloc(N, sizeof *w->logp);
  w->dist = calloc(N, sizeof *w->dist);
  w->diff = calloc((size_t)D, sizeof *w->diff);
  if (!w->resp || !w->logp || !w->dist || !w->diff) {
    mx_gmm_work_free(w);
    return NULL;
  }
  return w;
}

void mx_gmm_work_free(mx_gmm_work *w) {
  if (!w) return;
  free(w->resp);
  free(w->logp);
  free(w->dist);
  free(w->diff);
  free(w);
}

/* ---- Cholesky ------------------------------------------------------------ */

/* Factor the D x D symmetric matrix a into lower L (out, strict upper zeroed)
 * with GSL; returns 0 and log|a| in *logdet, or MX_ENOTPD. Uses tmp (D, D).
 * Not positive definite also means a pivot within rounding of zero: the
 * squared pivot L_ii^2 = a_ii - sum_j<i L_ij^2 carries an error of about
 * i eps a_ii, so L_ii^2 <= 2 D eps a_ii says nothing about its sign (a
 * covariance singular to working precision, e.g. points on a line at a scale
 * where reg is lost). Without this, whether such a matrix "factors" would
 * hang on the last bits of the responsibilities. */
static int chol_factor(const double *a, int D, double *tmp, double *out, double *logdet) {
  size_t d = (size_t)D, i, j;
  gsl_matrix_view m = gsl_matrix_view_array(tmp, d, d);
  gsl_error_handler_t *old;
  int rc;
  double ld = 0.0;
  for (i = 0; i < d * d; i++)
    if (!isfinite(a[i])) return MX_ENOTPD;
  memcpy(tmp, a, d * d * sizeof *tmp);
  /* GSL's default handler aborts on a non-PD matrix; we report instead. */
  old = gsl_set_error_handler_off();
  rc = gsl_linalg_cholesky_decomp1(&m.matrix);
  gsl_set_error_handler(old);
  if (rc != GSL_SUCCESS) return MX_ENOTPD;
  for (i = 0; i < d; i++) {
    double lii = tmp[i * d + i];
    if (!(lii > 0.0) || !isfinite(lii)) return MX_ENOTPD;
    if (lii * lii <= 2.0 * (double)D * DBL_EPSILON * a[i * d + i]) return MX_ENOTPD;
    ld += log(lii);
  }
  ld *= 2.0;
  if (!isfinite(ld)) return MX_ENOTPD;
  for (i = 0; i < d; i++)
    for (j = 0; j < d; j++) out[i * d + j] = j <= i ? tmp[i * d + j] : 0.0;
  *logdet = ld;
  return MX_OK;
}

int mx_gmm_factor(mx_gmm *g, int k) {
  size_t dd = (size_t)g->D * (size_t)g->D;
  double ld;
  double *L = g->scratch + dd;
  int rc;
  if (k < 0 || k >= g->K) return MX_ERANGE;
  rc = chol_factor(g->covs + (size_t)k * dd, g->D, g->scratch, L, &ld);
  if (rc != MX_OK) return rc;
  memcpy(g->chol + (size_t)k * dd, L, dd * sizeof *L);
  g->logdet[k] = ld;
  return MX_OK;
}

/* ---- parameters ---------------------------------------------------------- */

int mx_gmm_set_params(mx_gmm *g, const double *weights, const double *means, const double *covs,
                      mx_error *err) {
  size_t K = (size_t)g->K, D = (size_t)g->D, dd = D * D, k, i, j;
  double sum = 0.0;
  double *L, *ld;
  int rc = MX_OK;
  for (k = 0; k < K; k++) {
    if (!isfinite(weights[k]))
      return mx_error_set(err, MX_ENONFINITE, "weights[%zu] is not finite", k);
    if (weights[k] < 0.0)
      return mx_error_set(err, MX_ERANGE, "weights[%zu] = %g is negative", k, weights[k]);
    sum += weights[k];
    for (i = 0; i < D; i++)
      if (!isfinite(means[k * D + i]))
        return mx_error_set(err, MX_ENONFINITE, "means[%zu][%zu] is not finite", k, i);
    for (i = 0; i < D; i++)
      for (j = 0; j < D; j++) {
        double a = covs[k * dd + i * D + j], b = covs[k * dd + j * D + i];
        if (!isfinite(a))
          return mx_error_set(err, MX_ENONFINITE, "covariances[%zu][%zu][%zu] is not finite", k,
                              i, j);
        if (j > i && fabs(a - b) > 1e-10 * fmax(fabs(a), fabs(b)))
          return mx_error_set(err, MX_EINVAL,
                              "covariances[%zu] is not symmetric ([%zu][%zu] = %g but [%zu][%zu] = %g)",
                              k, i, j, a, j, i, b);
      }
  }
  if (fabs(sum - 1.0) > 1e-6)
    return mx_error_set(err, MX_ERANGE, "weights sum to %.10g, not 1 (tolerance 1e-6)", sum);
  /* Factor everything first so that g is unchanged on error. */
  L = malloc(K * dd * sizeof *L);
  ld = malloc(K * sizeof *ld);
  if (!L || !ld) {
    free(L);
    free(ld);
    return mx_error_set(err, MX_ENOMEM, "out of memory");
  }
  for (k = 0; k < K && rc == MX_OK; k++) {
    double *sym = g->scratch + dd; /* symmetrised copy */
    for (i = 0; i < D; i++)
      for (j = 0; j < D; j++)
        sym[i * D + j] = 0.5 * (covs[k * dd + i * D + j] + covs[k * dd + j * D + i]);
    if (chol_factor(sym, g->D, g->scratch, L + k * dd, &ld[k]) != MX_OK)
      rc = mx_error_set(err, MX_ENOTPD, "covariances[%zu] is not positive definite", k);
  }
  if (rc == MX_OK) {
    for (k = 0; k < K; k++) {
      g->weights[k] = weights[k];
      for (i = 0; i < D; i++) g->means[k * D + i] = means[k * D + i];
      for (i = 0; i < D; i++)
        for (j = 0; j < D; j++)
          g->covs[k * dd + i * D + j] = 0.5 * (covs[k * dd + i * D + j] + covs[k * dd + j * D + i]);
      g->collapsed[k] = MX_GMM_OK;
      g->nk[k] = 0.0;
    }
    memcpy(g->chol, L, K * dd * sizeof *L);
    memcpy(g->logdet, ld, K * sizeof *ld);
    g->ncollapsed = 0;
    g->status = MX_OK;
    g->init = MX_GMM_INIT_GIVEN;
  }
  free(L);
  free(ld);
  return rc;
}

/* ---- covariance types ---------------------------------------------------- */

/* Project the (D, D) matrix a in place onto a diagonal (type diag) or a
 * multiple of I (spherical: the mean of the diagonal); full / tied: as is. */
static void cov_shape(double *a, size_t D, int type) {
  size_t i, j;
  double m = 0.0;
  if (type != MX_GMM_COV_DIAG && type != MX_GMM_COV_SPHERICAL) return;
  for (i = 0; i < D; i++) {
    m += a[i * D + i];
    for (j = 0; j < D; j++)
      if (j != i) a[i * D + j] = 0.0;
  }
  m /= (double)D;
  if (type == MX_GMM_COV_SPHERICAL)
    for (i = 0; i < D; i++) a[i * D + i] = m;
}

/* Project the covariances in force onto g->cov_type and refactor them (tied:
 * sum_k w_k Sigma_k). Factors into scratch first: g unchanged on MX_ENOTPD. */
static int cov_project(mx_gmm *g) {
  size_t K = (size_t)g->K, D = (size_t)g->D, dd = D * D, k, i;
  double *T = g->scratch + 2 * dd + 2 * D + stats_len(g->K, g->D), ld;
  double *L = g->scratch + dd;
  if (g->cov_type == MX_GMM_COV_FULL) return MX_OK;
  if (g->cov_type == MX_GMM_COV_TIED) {
    memset(T, 0, dd * sizeof *T);
    for (k = 0; k < K; k++)
      for (i = 0; i < dd; i++) T[i] += g->weights[k] * g->covs[k * dd + i];
    if (chol_factor(T, g->D, g->scratch, L, &ld) != MX_OK) return MX_ENOTPD;
    for (k = 0; k < K; k++) {
      memcpy(g->covs + k * dd, T, dd * sizeof *T);
      memcpy(g->chol + k * dd, L, dd * sizeof *L);
      g->logdet[k] = ld;
    }
    return MX_OK;
  }
  for (k = 0; k < K; k++) {
    memcpy(T, g->covs + k * dd, dd * sizeof *T);
    cov_shape(T, D, g->cov_type);
    if (chol_factor(T, g->D, g->scratch, L, &ld) != MX_OK) return MX_ENOTPD;
  }
  for (k = 0; k < K; k++) {
    cov_shape(g->covs + k * dd, D, g->cov_type);
    chol_factor(g->covs + k * dd, g->D, g->scratch, g->chol + k * dd, &g->logdet[k]);
  }
  return MX_OK;
}

int mx_gmm_set_cov_type(mx_gmm *g, int type) {
  if (type < 0 || type >= MX_GMM_NCOV) return MX_EINVAL;
  g->cov_type = type;
  return cov_project(g);
}

long mx_gmm_n_params(const mx_gmm *g) {
  long K = g->K, D = g->D, cov;
  switch (g->cov_type) {
  case MX_GMM_COV_DIAG: cov = K * D; break;
  case MX_GMM_COV_SPHERICAL: cov = K; break;
  case MX_GMM_COV_TIED: cov = D * (D + 1) / 2; break;
  default: cov = K * D * (D + 1) / 2; break;
  }
  return cov + K * D + K - 1;
}

double mx_gmm_bic(const mx_gmm *g, double loglik, size_t N) {
  return -2.0 * loglik + (double)mx_gmm_n_params(g) * log((double)N);
}

double mx_gmm_aic(const mx_gmm *g, double loglik) {
  return -2.0 * loglik + 2.0 * (double)mx_gmm_n_params(g);
}

static const char *const cov_names[MX_GMM_NCOV] = {"full", "diag", "spherical", "tied"};

const char *mx_gmm_cov_name(int type) {
  return type >= 0 && type < MX_GMM_NCOV ? cov_names[type] : "?";
}

int mx_gmm_cov_find(const char *name) {
  int t;
  for (t = 0; name && t < MX_GMM_NCOV; t++)
    if (strcmp(name, cov_names[t]) == 0) return t;
  return -1;
}

/* ---- initialisation ------------------------------------------------------ */

static double sqdist(const double *a, const double *b, size_t D) {
  double s = 0.0;
  size_t i;
  for (i = 0; i < D; i++) {
    double t = a[i] - b[i];
    s += t * t;
  }
  return s;
}

/* Population variance of each coordinate + reg into var (D); 0 or an error. */
static int init_variance(const mx_gmm *g, const double *X, size_t N, double *var, mx_error *err) {
  size_t D = (size_t)g->D, n, i;
  if (!(g->reg >= 0.0) || !isfinite(g->reg))
    return mx_error_set(err, MX_ERANGE, "reg = %g must be finite and >= 0", g->reg);
  for (i = 0; i < D; i++) {
    double m = 0.0, v = 0.0;
    for (n = 0; n < N; n++) m += X[n * D + i];
    m /= (double)N;
    for (n = 0; n < N; n++) {
      double t = X[n * D + i] - m;
      v += t * t;
    }
    var[i] = v / (double)N + g->reg;
    if (!isfinite(var[i]))
      return mx_error_set(err, MX_ENONFINITE,
                          "the variance of coordinate %zu overflows (values too large)", i + 1);
    if (!(var[i] > 0.0))
      return mx_error_set(err, MX_ENOTPD,
                          "coordinate %zu has zero variance and reg = 0: the initial covariance "
                          "would be singular (use reg > 0)",
                          i + 1);
  }
  return MX_OK;
}

/* Means are set; covariances diag(var), weights 1/K, flags cleared. */
static void init_finish(mx_gmm *g, const double *var, unsigned long seed, int method) {
  size_t K = (size_t)g->K, D = (size_t)g->D, dd = D * D, k, i;
  for (k = 0; k < K; k++) {
    g->weights[k] = 1.0 / (double)K;
    memset(g->covs + k * dd, 0, dd * sizeof *g->covs);
    memset(g->chol + k * dd, 0, dd * sizeof *g->chol);
    for (i = 0; i < D; i++) g->covs[k * dd + i * D + i] = var[i];
    /* Factor with the same routine as mx_gmm_factor / mx_gmm_set_params /
     * the M-step, not as sqrt(var): GSL's diagonal is var * (1 / sqrt(var)),
     * which can differ from sqrt(var) in the last bit, and then a model
     * rebuilt from the saved covariances would not replay EM bit for bit.
     * var > 0 and finite (init_variance); should GSL still refuse (a
     * subnormal variance), fall back to the plain square root. */
    if (chol_factor(g->covs + k * dd, g->D, g->scratch, g->chol + k * dd, &g->logdet[k]) !=
        MX_OK) {
      for (i = 0; i < D; i++) g->chol[k * dd + i * D + i] = sqrt(var[i]);
      g->logdet[k] = 0.0;
      for (i = 0; i < D; i++) g->logdet[k] += log(var[i]);
    }
    g->collapsed[k] = MX_GMM_OK;
    g->nk[k] = 0.0;
  }
  g->ncollapsed = 0;
  g->status = MX_OK;
  g->seed = seed;
  g->init = method;
}

/* k-means++ choice of the next centre given w->dist (squared distances to
 * the nearest chosen centre); chosen[0..k-1] are excluded when all
 * distances are zero. */
static size_t kmeanspp_pick(const mx_gmm_work *w, size_t N, const size_t *chosen, size_t k,
                            gsl_rng *r) {
  double total = 0.0, u, acc = 0.0;
  size_t c = N - 1, n;
  for (n = 0; n < N; n++) total += w->dist[n];
  if (!(total > 0.0) || !isfinite(total)) {
    /* All points coincide with a centre: pick uniformly among the others. */
    for (;;) {
      size_t j;
      c = (size_t)gsl_rng_uniform_int(r, (unsigned long)N);
      for (j = 0; j < k && chosen[j] != c; j++) {}
      if (j == k || k >= N) return c;
    }
  }
  u = gsl_rng_uniform(r) * total;
  for (n = 0; n < N; n++) {
    acc += w->dist[n];
    if (w->dist[n] > 0.0 && acc > u) return n;
  }
  for (c = N; c-- > 0;) /* rounding: the last point with positive distance */
    if (w->dist[c] > 0.0) break;
  return c;
}

int mx_gmm_init_data(mx_gmm *g, mx_gmm_work *w, const double *X, size_t N, mx_gmm_init method,
                     unsigned long seed, gsl_rng *r, mx_error *err) {
  size_t K = (size_t)g->K, D = (size_t)g->D, k, n;
  size_t chosen[MX_GMM_MAXK];
  double var[MX_GMM_MAXD];
  int rc;
  if (!w || w->K != g->K || w->D != g->D || N > w->N)
    return mx_error_set(err, MX_ESIZE, "workspace does not match the model / data size");
  if (N == 0) return mx_error_set(err, MX_EEMPTY, "no data points");
  if (K > N)
    return mx_error_set(err, MX_EINVAL,
                        "K = %zu components but only N = %zu point%s: cannot pick distinct initial "
                        "means (use K <= N or give --init FILE.json)",
                        K, N, N == 1 ? "" : "s");
  if (method != MX_GMM_INIT_RANDOM && method != MX_GMM_INIT_KMEANSPP)
    return mx_error_set(err, MX_EINVAL, "init method must be random or kmeans++ here");
  if (!r) return mx_error_set(err, MX_EINVAL, "no random generator given");
  if ((rc = init_variance(g, X, N, var, err)) != MX_OK) return rc;

  gsl_rng_set(r, seed);
  if (method == MX_GMM_INIT_RANDOM) {
    for (k = 0; k < K; k++) {
      for (;;) {
        size_t c = (size_t)gsl_rng_uniform_int(r, (unsigned long)N), j;
        for (j = 0; j < k && chosen[j] != c; j++) {}
        if (j == k) {
          chosen[k] = c;
          break;
        }
      }
    }
  } else {
    /* k-means++: first centre uniform, then each next with probability
     * proportional to the squared distance to the nearest chosen centre. */
    chosen[0] = (size_t)gsl_rng_uniform_int(r, (unsigned long)N);
    for (n = 0; n < N; n++) w->dist[n] = sqdist(X + n * D, X + chosen[0] * D, D);
    for (k = 1; k < K; k++) {
      size_t c = kmeanspp_pick(w, N, chosen, k, r);
      chosen[k] = c;
      for (n = 0; n < N; n++) {
        double t = sqdist(X + n * D, X + c * D, D);
        if (t < w->dist[n]) w->dist[n] = t;
      }
    }
  }
  for (k = 0; k < K; k++) memcpy(g->means + k * D, X + chosen[k] * D, D * sizeof *X);
  init_finish(g, var, seed, method);
  return cov_project(g);
}

int mx_gmm_init_labels(mx_gmm *g, mx_gmm_work *w, const double *X, size_t N, const int *labels,
                       unsigned long seed, gsl_rng *r, mx_error *err) {
  size_t K = (size_t)g->K, D = (size_t)g->D, k, n, i, nl = 0, nfree = 0;
  size_t cnt[MX_GMM_MAXK], chosen[MX_GMM_MAXK];
  double var[MX_GMM_MAXD];
  int rc;
  if (!w || w->K != g->K || w->D != g->D || N > w->N)
    return mx_error_set(err, MX_ESIZE, "workspace does not match the model / data size");
  if (N == 0) return mx_error_set(err, MX_EEMPTY, "no data points");
  if (!r) return mx_error_set(err, MX_EINVAL, "no random generator given");
  if ((rc = init_variance(g, X, N, var, err)) != MX_OK) return rc;
  memset(cnt, 0, sizeof cnt);
  memset(g->means, 0, K * D * sizeof *g->means);
  for (n = 0; n < N; n++) {
    int y = labels ? labels[n] : -1;
    if (y < -1 || y >= (int)K)
      return mx_error_set(err, MX_ERANGE, "point %zu: label %d out of range 0..%zu", n, y, K - 1);
    if (y < 0) continue;
    nl++;
    cnt[y]++;
    for (i = 0; i < D; i++) g->means[(size_t)y * D + i] += X[n * D + i];
  }
  if (nl == 0) return mx_error_set(err, MX_EEMPTY, "no labelled point to start from");
  for (k = 0; k < K; k++)
    for (i = 0; i < D; i++) g->means[k * D + i] /= cnt[k] ? (double)cnt[k] : 1.0;
  /* Classes without labels: k-means++ draws away from the labelled means. */
  gsl_rng_set(r, seed);
  for (n = 0; n < N; n++) {
    double best = INFINITY;
    for (k = 0; k < K; k++)
      if (cnt[k]) {
        double t = sqdist(X + n * D, g->means + k * D, D);
        if (t < best) best = t;
      }
    w->dist[n] = best;
  }
  for (k = 0; k < K; k++)
    if (!cnt[k]) {
      size_t c = kmeanspp_pick(w, N, chosen, nfree, r);
      chosen[nfree++] = c;
      memcpy(g->means + k * D, X + c * D, D * sizeof *X);
      for (n = 0; n < N; n++) {
        double t = sqdist(X + n * D, X + c * D, D);
        if (t < w->dist[n]) w->dist[n] = t;
      }
    }
  init_finish(g, var, seed, MX_GMM_INIT_LABELS);
  return cov_project(g);
}

/* ---- densities ----------------------------------------------------------- */

double mx_gmm_mahalanobis2(const mx_gmm *g, int k, const double *x) {
  size_t D = (size_t)g->D, i, j;
  const double *L = g->chol + (size_t)k * D * D, *mu = g->means + (size_t)k * D;
  double z[MX_GMM_MAXD], q = 0.0;
  /* Forward substitution L z = x - mu; q = |z|^2. */
  for (i = 0; i < D; i++) {
    double s = x[i] - mu[i];
    for (j = 0; j < i; j++) s -= L[i * D + j] * z[j];
    z[i] = s / L[i * D + i];
    q += z[i] * z[i];
  }
  /* q is a sum of squares: NaN can only come from an overflow (x - mu or
   * z beyond the double range, then inf - inf), i.e. a point infinitely far
   * away in floating point. Its limit is +inf (density 0), not NaN. */
  return isnan(q) ? INFINITY : q;
}

double mx_gmm_log_gauss(const mx_gmm *g, int k, const double *x) {
  return -0.5 * ((double)g->D * LOG_2PI + g->logdet[k] + mx_gmm_mahalanobis2(g, k, x));
}

/* lw[k] = log w_k (-inf for a weightless component). */
static void log_weights(const mx_gmm *g, double *lw) {
  int k;
  for (k = 0; k < g->K; k++) lw[k] = g->weights[k] > 0.0 ? log(g->weights[k]) : -INFINITY;
}

/* lp[k] = log w_k + log N(x | k) for all k (lw from log_weights); returns
 * max_k lp[k]. */
static double log_joint_all(const mx_gmm *g, const double *lw, const double *x, double *lp) {
  int k;
  double m = -INFINITY;
  for (k = 0; k < g->K; k++) {
    lp[k] = lw[k] == -INFINITY ? -INFINITY : lw[k] + mx_gmm_log_gauss(g, k, x);
    if (lp[k] > m) m = lp[k];
  }
  return m;
}

static double log_sum_exp(const double *lp, int K, double m) {
  double s = 0.0;
  int k;
  if (!isfinite(m)) return m;
  for (k = 0; k < K; k++) s += exp(lp[k] - m);
  return m + log(s);
}

double mx_gmm_e_point(const mx_gmm *g, const double *lw, const double *x, int y, double *r) {
  int K = g->K, k;
  double m = log_joint_all(g, lw, x, r), lpn;
  if (y >= 0) {
    lpn = r[y]; /* log p(x_n, y_n) */
    for (k = 0; k < K; k++) r[k] = k == y ? 1.0 : 0.0;
    return lpn;
  }
  lpn = log_sum_exp(r, K, m);
  if (!isfinite(lpn)) {
    /* Only reachable if every density underflows to -inf: put the point
     * on the nearest (largest log-joint) component. */
    int best = 0;
    for (k = 1; k < K; k++)
      if (r[k] > r[best]) best = k;
    for (k = 0; k < K; k++) r[k] = k == best ? 1.0 : 0.0;
  } else {
    for (k = 0; k < K; k++) r[k] = exp(r[k] - lpn);
  }
  return lpn;
}

int mx_gmm_e_step(const mx_gmm *g, const double *X, size_t N, const int *labels,
                  mx_gmm_work *w, double *loglik) {
  size_t D = (size_t)g->D, n;
  int K = g->K;
  double ll = 0.0, lw[MX_GMM_MAXK];
  if (!w || w->K != K || w->D != g->D || N > w->N) return MX_ESIZE;
  if (g->D == 2 && simd_on()) return mx_gmm_simd_e_step2(g, X, N, labels, w->resp, w->logp, loglik);
  log_weights(g, lw);
  for (n = 0; n < N; n++) {
    int y = labels ? labels[n] : -1;
    if (y >= K || y < -1) return MX_ERANGE;
    w->logp[n] = mx_gmm_e_point(g, lw, X + n * D, y, w->resp + n * (size_t)K);
    ll += w->logp[n];
  }
  if (loglik) *loglik = ll;
  return MX_OK;
}

/* ---- M-step -------------------------------------------------------------- */

/* Scalar passes for component k: mu = sum_n r x_n / nk into mu (D) and the
 * lower triangle of S (D, D) = sum_n (r (x_n - mu)_i) (x_n - mu)_j, skipping
 * points with r = 0. */
static void m_stats_scalar(const mx_gmm *g, int k, const double *X, size_t N, const double *resp,
                           double *mu, double *S, double *diff) {
  size_t D = (size_t)g->D, K = (size_t)g->K, n, i, j;
  const double nk = g->nk[k];
  for (i = 0; i < D; i++) mu[i] = 0.0;
  for (n = 0; n < N; n++) {
    double r = resp[n * K + (size_t)k];
    if (r == 0.0) continue;
    for (i = 0; i < D; i++) mu[i] += r * X[n * D + i];
  }
  for (i = 0; i < D; i++) mu[i] /= nk;
  for (i = 0; i < D * D; i++) S[i] = 0.0;
  for (n = 0; n < N; n++) {
    double r = resp[n * K + (size_t)k];
    if (r == 0.0) continue;
    for (i = 0; i < D; i++) diff[i] = X[n * D + i] - mu[i];
    for (i = 0; i < D; i++)
      for (j = 0; j <= i; j++) S[i * D + j] += r * diff[i] * diff[j];
  }
}

/* 1 if the D values v and the lower triangle of the D x D matrix S are finite. */
static int stats_finite(const double *v, const double *S, size_t D) {
  size_t i, j;
  for (i = 0; i < D; i++) {
    if (!isfinite(v[i])) return 0;
    for (j = 0; j <= i; j++)
      if (!isfinite(S[i * D + j])) return 0;
  }
  return 1;
}

/* Mean mu (D) and centred sums S (lower triangle of (D, D)) of component k,
 * from the kernel's statistics kmu / kS when given and finite, else by the
 * scalar passes. */
static void m_component_stats(const mx_gmm *g, int k, const double *X, size_t N,
                              const mx_gmm_work *w, const double *kmu, const double *kS, double *mu,
                              double *S, double *diff) {
  size_t D = (size_t)g->D, dd = D * D;
  if (kmu && stats_finite(kmu + (size_t)k * D, kS + (size_t)k * dd, D)) {
    memcpy(mu, kmu + (size_t)k * D, D * sizeof *mu);
    memcpy(S, kS + (size_t)k * dd, dd * sizeof *S);
  } else {
    m_stats_scalar(g, k, X, N, w->resp, mu, S, diff);
  }
}

/* S (lower triangle) /= nk, projected onto the covariance type, mirrored, +
 * reg on the diagonal; the reason to collapse if mu or S is not finite. */
static int m_cov_finish(const mx_gmm *g, const double *mu, double *S, double nk) {
  size_t D = (size_t)g->D, i, j;
  for (i = 0; i < D; i++) {
    for (j = 0; j <= i; j++) {
      S[i * D + j] /= nk;
      S[j * D + i] = S[i * D + j];
    }
  }
  cov_shape(S, D, g->cov_type);
  for (i = 0; i < D; i++) S[i * D + i] += g->reg;
  for (i = 0; i < D; i++)
    if (!isfinite(mu[i])) return MX_GMM_COLLAPSE_NONFINITE;
  for (i = 0; i < D * D; i++)
    if (!isfinite(S[i])) return MX_GMM_COLLAPSE_NONFINITE;
  return MX_GMM_OK;
}

/* Tied M-step after the weights: Sigma = sum_k S_k / total + reg I over the
 * components that did not collapse; each keeps its previous parameters if
 * the shared matrix cannot be factored. Returns the number collapsed. */
static int m_step_tied(mx_gmm *g, const double *X, size_t N, const mx_gmm_work *w,
                       const double *kmu, const double *kS, double total) {
  size_t D = (size_t)g->D, dd = D * D, i;
  int K = g->K, k, nc = 0, nok = 0;
  double *S = g->scratch + dd, *mu = g->scratch + 2 * dd, *diff = mu + D;
  double *T = g->scratch + 2 * dd + 2 * D + stats_len(g->K, g->D), *tmu = T + dd, ld;
  memset(T, 0, dd * sizeof *T);
  for (k = 0; k < K; k++) {
    int reason = MX_GMM_OK;
    if (!(g->nk[k] >= g->min_nk)) {
      reason = MX_GMM_COLLAPSE_NK;
    } else {
      m_component_stats(g, k, X, N, w, kmu, kS, mu, S, diff);
      if (!stats_finite(mu, S, D)) reason = MX_GMM_COLLAPSE_NONFINITE;
    }
    if (reason == MX_GMM_OK) {
      for (i = 0; i < dd; i++) T[i] += S[i];
      memcpy(tmu + (size_t)k * D, mu, D * sizeof *mu);
      nok++;
    }
    g->collapsed[k] = reason;
  }
  if (nok) {
    memset(mu, 0, D * sizeof *mu);
    if (m_cov_finish(g, mu, T, total) != MX_GMM_OK ||
        chol_factor(T, g->D, g->scratch, S, &ld) != MX_OK) {
      for (k = 0; k < K; k++)
        if (g->collapsed[k] == MX_GMM_OK) g->collapsed[k] = MX_GMM_COLLAPSE_NOTPD;
    } else {
      for (k = 0; k < K; k++)
        if (g->collapsed[k] == MX_GMM_OK) {
          memcpy(g->means + (size_t)k * D, tmu + (size_t)k * D, D * sizeof *mu);
          memcpy(g->covs + (size_t)k * dd, T, dd * sizeof *T);
          memcpy(g->chol + (size_t)k * dd, S, dd * sizeof *S);
          g->logdet[k] = ld;
        }
    }
  }
  for (k = 0; k < K; k++) nc += g->collapsed[k] != MX_GMM_OK;
  return nc;
}

int mx_gmm_m_step(mx_gmm *g, const double *X, size_t N, mx_gmm_work *w) {
  size_t D = (size_t)g->D, dd = D * D, n;
  int K = g->K, k, fast;
  double total = 0.0;
  double *mu = g->scratch + 2 * dd, *S = g->scratch + dd, *diff = mu + D;
  double *kmu = NULL, *kS = NULL; /* kernel statistics (K, D), (K, D, D) after diff */
  if (!w || w->K != K || w->D != g->D || N > w->N) return MX_ESIZE;
  /* The kernel computes N_k, the means and the centred sums of all
   * components (gmm_simd.h); a component whose sums are not finite (a
   * 0 * inf term the scalar pass skips, or a mean that moved too far for the
   * one-pass formula) is redone by the scalar passes below. */
  fast = g->D <= MX_GMM_SIMD_MAXD && simd_on();
  if (fast) {
    kmu = diff + D;
    kS = kmu + (size_t)K * D;
    mx_gmm_simd_m_stats(K, g->D, X, N, w->resp, g->means, g->nk, kmu, kS);
  } else {
    for (k = 0; k < K; k++) {
      double s = 0.0;
      for (n = 0; n < N; n++) s += w->resp[n * (size_t)K + (size_t)k];
      g->nk[k] = s;
    }
  }
  for (k = 0; k < K; k++) total += g->nk[k];
  for (k = 0; k < K; k++) g->weights[k] = total > 0.0 ? g->nk[k] / total : 0.0;
  if (g->cov_type == MX_GMM_COV_TIED) {
    g->ncollapsed = m_step_tied(g, X, N, w, kmu, kS, total);
    g->status = g->ncollapsed ? MX_ECOLLAPSE : MX_OK;
    return g->status;
  }
  g->ncollapsed = 0;
  for (k = 0; k < K; k++) {
    const double nk = g->nk[k];
    int reason = MX_GMM_OK;
    if (!(nk >= g->min_nk)) {
      reason = MX_GMM_COLLAPSE_NK;
    } else {
      m_component_stats(g, k, X, N, w, kmu, kS, mu, S, diff);
      reason = m_cov_finish(g, mu, S, nk);
      if (reason == MX_GMM_OK) {
        /* Factor into the model's chol slot only on success: chol_factor
         * writes out only when it succeeds. */
        double ld;
        if (chol_factor(S, g->D, g->scratch, g->chol + (size_t)k * dd, &ld) != MX_OK) {
          reason = MX_GMM_COLLAPSE_NOTPD;
        } else {
          g->logdet[k] = ld;
          memcpy(g->means + (size_t)k * D, mu, D * sizeof *mu);
          memcpy(g->covs + (size_t)k * dd, S, dd * sizeof *S);
        }
      }
    }
    g->collapsed[k] = reason;
    if (reason != MX_GMM_OK) g->ncollapsed++;
  }
  g->status = g->ncollapsed ? MX_ECOLLAPSE : MX_OK;
  return g->status;
}

int mx_gmm_iterate(mx_gmm *g, const double *X, size_t N, const int *labels, mx_gmm_work *w,
                   double *loglik) {
  int rc = mx_gmm_e_step(g, X, N, labels, w, loglik);
  if (rc != MX_OK) return rc;
  return mx_gmm_m_step(g, X, N, w);
}

int mx_gmm_run(mx_gmm *g, const double *X, size_t N, const int *labels, mx_gmm_work *w,
               int max_iter, double tol, int *iters, int *converged, double *loglik) {
  int t, rc, collapsed = 0, conv = 0;
  double ll = 0.0, prev = 0.0;
  for (t = 0; t < max_iter; t++) {
    rc = mx_gmm_iterate(g, X, N, labels, w, &ll);
    if (rc == MX_ECOLLAPSE) collapsed = 1;
    else if (rc != MX_OK) {
      if (iters) *iters = t;
      return rc;
    }
    if (t > 0 && fabs(ll - prev) / (double)N < tol) {
      conv = 1;
      t++;
      break;
    }
    prev = ll;
  }
  if (iters) *iters = t;
  if (converged) *converged = conv;
  if (loglik) *loglik = ll;
  return collapsed ? MX_ECOLLAPSE : MX_OK;
}

/* ---- supervised fit, prediction, accuracy -------------------------------- */

int mx_gmm_fit_supervised(mx_gmm *g, const double *X, size_t N, const int *labels,
                          mx_gmm_work *w) {
  size_t n, K = (size_t)g->K, nl = 0;
  if (!w || w->K != g->K || w->D != g->D || N > w->N) return MX_ESIZE;
  for (n = 0; n < N; n++) {
    int y = labels[n];
    size_t k;
    if (y >= g->K || y < -1) return MX_ERANGE;
    for (k = 0; k < K; k++) w->resp[n * K + k] = (int)k == y ? 1.0 : 0.0;
    nl += y >= 0;
  }
  if (nl == 0) return MX_EEMPTY;
  return mx_gmm_m_step(g, X, N, w);
}

int mx_gmm_predict(const mx_gmm *g, const double *X, size_t N, mx_gmm_work *w, int *pred) {
  size_t D = (size_t)g->D, n;
  double lp[MX_GMM_MAXK], lw[MX_GMM_MAXK];
  if (!w || w->K != g->K || w->D != g->D || N > w->N) return MX_ESIZE;
  if (g->D == 2 && simd_on()) {
    mx_gmm_simd_predict2(g, X, N, pred);
    return MX_OK;
  }
  log_weights(g, lw);
  for (n = 0; n < N; n++) {
    int k, best = 0;
    log_joint_all(g, lw, X + n * D, lp);
    for (k = 1; k < g->K; k++)
      if (lp[k] > lp[best]) best = k;
    pred[n] = best;
  }
  return MX_OK;
}

double mx_gmm_accuracy(const int *pred, const int *truth, size_t N) {
  size_t n, tot = 0, ok = 0;
  for (n = 0; n < N; n++)
    if (truth[n] >= 0) {
      tot++;
      ok += pred[n] == truth[n];
    }
  return tot ? (double)ok / (double)tot : NAN;
}

typedef struct match_state {
  int K, C;
  long conf[MX_GMM_MAXK][10]; /* conf[component][class] */
  int used[10], cur[MX_GMM_MAXK], best_perm[MX_GMM_MAXK];
  long best;
} match_state;

/* Exhaustive search over one-to-one maps of components to classes. */
static void match_dfs(match_state *s, int k, long acc) {
  int c;
  if (k == s->K) {
    if (acc > s->best) {
      s->best = acc;
      memcpy(s->best_perm, s->cur, sizeof s->cur);
    }
    return;
  }
  for (c = 0; c < s->C; c++)
    if (!s->used[c]) {
      s->used[c] = 1;
      s->cur[k] = c;
      match_dfs(s, k + 1, acc + s->conf[k][c]);
      s->used[c] = 0;
    }
}

int mx_gmm_accuracy_matched(const int *pred, const int *truth, size_t N, int K, double *acc,
                            int *perm) {
  match_state s;
  size_t n, tot = 0;
  int k, c;
  if (K < 1 || K > MX_GMM_MAXK) return MX_EINVAL;
  memset(&s, 0, sizeof s);
  s.K = K;
  s.best = -1;
  for (n = 0; n < N; n++)
    if (truth[n] >= s.C) s.C = truth[n] + 1;
  if (s.C > 10) return MX_ETOOBIG;
  for (n = 0; n < N; n++) {
    if (truth[n] < 0) continue;
    tot++;
    if (pred[n] >= 0 && pred[n] < K) s.conf[pred[n]][truth[n]]++;
  }
  if (K <= s.C) {
    if (K > 10) return MX_ETOOBIG;
    match_dfs(&s, 0, 0);
  } else {
    /* more components than classes: each takes its majority class (purity) */
    s.best = 0;
    for (k = 0; k < K; k++) {
      int b = 0;
      for (c = 1; c < s.C; c++)
        if (s.conf[k][c] > s.conf[k][b]) b = c;
      s.best_perm[k] = s.C ? b : -1;
      s.best += s.C ? s.conf[k][b] : 0;
    }
  }
  *acc = tot ? (double)s.best / (double)tot : NAN;
  if (perm)
    for (k = 0; k < K; k++) perm[k] = s.best_perm[k];
  return MX_OK;
}

/* ---- density evaluation -------------------------------------------------- */

int mx_gmm_log_density(const mx_gmm *g, const double *X, size_t N, double *out) {
  size_t D = (size_t)g->D, n;
  double lp[MX_GMM_MAXK], lw[MX_GMM_MAXK];
  log_weights(g, lw);
  for (n = 0; n < N; n++) {
    double m = log_joint_all(g, lw, X + n * D, lp);
    out[n] = log_sum_exp(lp, g->K, m);
  }
  return MX_OK;
}

int mx_gmm_grid2d(const mx_gmm *g, double x0, double x1, int nx, double y0, double y1, int ny,
                  double *logp, double *margin) {
  int i, j, k, K = g->K;
  double lp[MX_GMM_MAXK], lw[MX_GMM_MAXK], pt[2];
  if (g->D != 2) return MX_EDIMS;
  if (nx < 1 || ny < 1) return MX_EINVAL;
  log_weights(g, lw);
  for (j = 0; j < ny; j++) {
    pt[1] = y0 + ((double)j + 0.5) * (y1 - y0) / (double)ny;
    for (i = 0; i < nx; i++) {
      double m;
      size_t cell = (size_t)j * (size_t)nx + (size_t)i;
      pt[0] = x0 + ((double)i + 0.5) * (x1 - x0) / (double)nx;
      m = log_joint_all(g, lw, pt, lp);
      if (logp) logp[cell] = log_sum_exp(lp, K, m);
      if (margin) {
        /* Largest and second-largest log-joint give every margin. */
        int b1 = 0;
        double s2 = -INFINITY;
        for (k = 1; k < K; k++)
          if (lp[k] > lp[b1]) b1 = k;
        for (k = 0; k < K; k++)
          if (k != b1 && lp[k] > s2) s2 = lp[k];
        for (k = 0; k < K; k++) {
          double other = k == b1 ? s2 : lp[b1];
          double v = lp[k] - other;
          if (isnan(v)) v = -INFINITY; /* both -inf: weightless component */
          margin[cell * (size_t)K + (size_t)k] = v;
        }
      }
    }
  }
  return MX_OK;
}

/* ---- names --------------------------------------------------------------- */

const char *mx_gmm_init_name(mx_gmm_init m) {
  switch (m) {
  case MX_GMM_INIT_RANDOM: return "random";
  case MX_GMM_INIT_KMEANSPP: return "kmeans++";
  case MX_GMM_INIT_GIVEN: return "given";
  case MX_GMM_INIT_LABELS: return "labels";
  case MX_GMM_INIT_KMEANS: return "kmeans";
  default: return "?";
  }
}

int mx_gmm_init_find(const char *name) {
  if (!name) return -1;
  if (!strcmp(name, "random")) return MX_GMM_INIT_RANDOM;
  if (!strcmp(name, "kmeans++")) return MX_GMM_INIT_KMEANSPP;
  if (!strcmp(name, "given")) return MX_GMM_INIT_GIVEN;
  if (!strcmp(name, "labels")) return MX_GMM_INIT_LABELS;
  if (!strcmp(name, "kmeans")) return MX_GMM_INIT_KMEANS;
  return -1;
}

const char *mx_gmm_collapse_name(int reason) {
  switch (reason) {
  case MX_GMM_OK: return "ok";
  case MX_GMM_COLLAPSE_NK: return "too few points (N_k below min_nk)";
  case MX_GMM_COLLAPSE_NOTPD: return "covariance not positive definite even after reg";
  case MX_GMM_COLLAPSE_NONFINITE: return "parameters overflowed";
  default: return "?";
  }
}
