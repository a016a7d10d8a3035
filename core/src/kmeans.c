/* k-means by Lloyd's algorithm (see mixscope/kmeans.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mixscope/kmeans.h"

#include "gmm_simd.h"

mx_kmeans *mx_kmeans_alloc(int K, int D, size_t N) {
  mx_kmeans *km;
  if (K < 1 || K > MX_GMM_MAXK || D < 1 || D > MX_GMM_MAXD || N < 1) return NULL;
  km = calloc(1, sizeof *km);
  if (!km) return NULL;
  km->K = K;
  km->D = D;
  km->N = N;
  km->centers = calloc((size_t)K * (size_t)D, sizeof *km->centers);
  km->sums = calloc((size_t)K * (size_t)D, sizeof *km->sums);
  km->counts = calloc((size_t)K, sizeof *km->counts);
  km->labels = malloc(N * sizeof *km->labels);
  km->prev = malloc(N * sizeof *km->prev);
  km->dist = malloc(N * sizeof *km->dist);
  if (!km->centers || !km->sums || !km->counts || !km->labels || !km->prev || !km->dist) {
    mx_kmeans_free(km);
    return NULL;
  }
  memset(km->labels, 0xff, N * sizeof *km->labels); /* -1 */
  return km;
}

void mx_kmeans_free(mx_kmeans *km) {
  if (!km) return;
  free(km->centers);
  free(km->sums);
  free(km->counts);
  free(km->labels);
  free(km->prev);
  free(km->dist);
  free(km);
}

int mx_kmeans_init(mx_kmeans *km, const double *X, size_t N, mx_gmm_init method,
                   unsigned long seed, gsl_rng *r, mx_error *err) {
  /* The GMM's initialisation draws the means; its model and workspace are
   * only a vehicle for them. */
  mx_gmm *g;
  mx_gmm_work *w;
  int rc;
  if (N > km->N) return mx_error_set(err, MX_ESIZE, "more points than the k-means capacity");
  g = mx_gmm_alloc(km->K, km->D);
  w = N ? mx_gmm_work_alloc(km->K, N, km->D) : NULL;
  if (!g || (N && !w)) {
    mx_gmm_free(g);
    mx_gmm_work_free(w);
    return mx_error_set(err, MX_ENOMEM, "out of memory");
  }
  if (N == 0) {
    rc = mx_error_set(err, MX_EEMPTY, "no data points");
  } else {
    g->reg = 1.0; /* the covariances are not used: never refuse a constant coordinate */
    rc = mx_gmm_init_data(g, w, X, N, method, seed, r, err);
  }
  if (rc == MX_OK)
    memcpy(km->centers, g->means, (size_t)km->K * (size_t)km->D * sizeof *km->centers);
  mx_gmm_free(g);
  mx_gmm_work_free(w);
  return rc;
}

int mx_kmeans_set_centers(mx_kmeans *km, const double *centers) {
  size_t i, n = (size_t)km->K * (size_t)km->D;
  for (i = 0; i < n; i++)
    if (!isfinite(centers[i])) return MX_ENONFINITE;
  memcpy(km->centers, centers, n * sizeof *centers);
  return MX_OK;
}

size_t mx_kmeans_assign(mx_kmeans *km, const double *X, size_t N) {
  size_t D = (size_t)km->D, n, i, changed = 0;
  int K = km->K, k;
  double inertia = 0.0;
  int *t = km->prev;
  km->prev = km->labels;
  km->labels = t;
  if (D == 2 && mx_gmm_simd_nearest2(km->centers, K, X, N, km->labels, km->dist)) {
    for (n = 0; n < N; n++) {
      changed += km->prev[n] != km->labels[n];
      inertia += km->dist[n];
    }
    km->inertia = inertia;
    return changed;
  }
  for (n = 0; n < N; n++) {
    const double *x = X + n * D;
    double best = INFINITY;
    int bk = 0;
    for (k = 0; k < K; k++) {
      const double *c = km->centers + (size_t)k * D;
      double s = 0.0;
      for (i = 0; i < D; i++) {
        double e = x[i] - c[i];
        s += e * e;
      }
      if (s < best) {
        best = s;
        bk = k;
      }
    }
    km->labels[n] = bk;
    changed += km->prev[n] != bk;
    inertia += best;
  }
  km->inertia = inertia;
  return changed;
}

/* Relocate the empty clusters (counts 0) as scikit-learn does: the points
 * farthest from their assigned (pre-update) centre, farthest first, move
 * into them; sums and counts are adjusted, the labels kept. Returns the
 * number relocated. */
static int kmeans_relocate(mx_kmeans *km, const double *X, size_t N) {
  size_t D = (size_t)km->D, n, i, k;
  int moved = 0;
  for (n = 0; n < N; n++) {
    const double *x = X + n * D, *c = km->centers + (size_t)km->labels[n] * D;
    double s = 0.0;
    for (i = 0; i < D; i++) s += (x[i] - c[i]) * (x[i] - c[i]);
    km->dist[n] = s;
  }
  for (k = 0; k < (size_t)km->K; k++) {
    size_t far = N, old;
    if (km->counts[k] > 0.0) continue;
    /* the farthest point not moved yet (moved ones are marked -1) */
    for (n = 0; n < N; n++)
      if (km->dist[n] >= 0.0 && (far == N || km->dist[n] > km->dist[far])) far = n;
    if (far == N) break;
    km->dist[far] = -1.0;
    old = (size_t)km->labels[far];
    for (i = 0; i < D; i++) {
      km->sums[old * D + i] -= X[far * D + i];
      km->sums[k * D + i] = X[far * D + i];
    }
    km->counts[k] = 1.0;
    km->counts[old] -= 1.0;
    moved++;
  }
  return moved;
}

void mx_kmeans_update(mx_kmeans *km, const double *X, size_t N) {
  size_t D = (size_t)km->D, K = (size_t)km->K, n, i, k;
  double shift = 0.0;
  memset(km->sums, 0, K * D * sizeof *km->sums);
  memset(km->counts, 0, K * sizeof *km->counts);
  for (n = 0; n < N; n++) {
    size_t z = (size_t)km->labels[n];
    km->counts[z] += 1.0;
    for (i = 0; i < D; i++) km->sums[z * D + i] += X[n * D + i];
  }
  km->relocated = 0;
  for (k = 0; k < K; k++)
    if (!(km->counts[k] > 0.0)) {
      km->relocated = kmeans_relocate(km, X, N);
      break;
    }
  for (k = 0; k < K; k++)
    if (km->counts[k] > 0.0)
      for (i = 0; i < D; i++) {
        double c = km->sums[k * D + i] / km->counts[k], e = c - km->centers[k * D + i];
        shift += e * e;
        km->centers[k * D + i] = c;
      }
  km->shift = shift;
}

size_t mx_kmeans_step(mx_kmeans *km, const double *X, size_t N) {
  size_t changed = mx_kmeans_assign(km, X, N);
  mx_kmeans_update(km, X, N);
  return changed;
}

int mx_kmeans_run(mx_kmeans *km, const double *X, size_t N, int max_iter) {
  int t;
  if (N > km->N) return MX_ESIZE;
  if (N == 0) return MX_EEMPTY;
  memset(km->labels, 0xff, N * sizeof *km->labels);
  km->converged = 0;
  for (t = 0; t < max_iter; t++) {
    size_t changed = mx_kmeans_step(km, X, N);
    if (t > 0 && changed == 0) {
      km->converged = 1;
      t++;
      break;
    }
    if (km->shift <= km->tol) {
      km->converged = 1;
      t++;
      break;
    }
  }
  km->iters = t;
  /* Labels and inertia of the final centres. */
  mx_kmeans_assign(km, X, N);
  return MX_OK;
}

/* ---- scikit-learn's start ------------------------------------------------- */

/* NumPy's legacy RandomState draws on an MT19937 stream (gsl_rng_get gives
 * its raw 32-bit words): randint(n) by masked rejection (no draw for n = 1),
 * random_sample from two words. */
static size_t np_randint(gsl_rng *r, size_t n) {
  unsigned long max = (unsigned long)(n - 1), mask = max, v;
  if (max == 0) return 0;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  do v = gsl_rng_get(r) & mask;
  while (v > max);
  return (size_t)v;
}

static double np_uniform(gsl_rng *r) {
  unsigned long a = gsl_rng_get(r) >> 5, b = gsl_rng_get(r) >> 6;
  return ((double)a * 67108864.0 + (double)b) / 9007199254740992.0;
}

static double km_sqdist(const double *a, const double *b, size_t D) {
  double s = 0.0;
  size_t i;
  for (i = 0; i < D; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
  return s;
}

static double km_min(double a, double b) { return b < a ? b : a; }

#define KM_MAXTRIALS 8 /* 2 + floor(ln 64) = 6 */

/* Candidates for the next centre: searchsorted(cumsum(dist), u_t * pot),
 * clipped to N - 1, into cand (T). */
static void greedy_candidates(const double *dist, size_t N, const double *u, int T,
                              size_t *cand) {
  double acc = 0.0;
  size_t n;
  int t, left = T;
  for (t = 0; t < T; t++) cand[t] = N;
  for (n = 0; n < N && left; n++) {
    acc += dist[n];
    for (t = 0; t < T; t++)
      if (cand[t] == N && acc >= u[t]) {
        cand[t] = n;
        left--;
      }
  }
  for (t = 0; t < T; t++)
    if (cand[t] == N) cand[t] = N - 1;
}

/* cpot[t] = sum_n min(dist[n], |x_n - x_cand[t]|^2) for the T candidates,
 * each summed over n in order (D = 2: the sums side by side, one pass). */
static void greedy_pots(const double *dist, const double *X, size_t N, size_t D,
                        const size_t *cand, int T, double *cpot) {
  size_t n;
  int t;
  if (D == 2) {
    double c0[KM_MAXTRIALS], c1[KM_MAXTRIALS], acc[KM_MAXTRIALS] = {0};
    for (t = 0; t < T; t++) {
      c0[t] = X[2 * cand[t]];
      c1[t] = X[2 * cand[t] + 1];
    }
    for (n = 0; n < N; n++) {
      const double x0 = X[2 * n], x1 = X[2 * n + 1], d = dist[n];
      for (t = 0; t < T; t++) {
        double e0 = x0 - c0[t], e1 = x1 - c1[t];
        acc[t] += km_min(d, e0 * e0 + e1 * e1);
      }
    }
    for (t = 0; t < T; t++) cpot[t] = acc[t];
    return;
  }
  for (t = 0; t < T; t++) {
    double s = 0.0;
    for (n = 0; n < N; n++) s += km_min(dist[n], km_sqdist(X + n * D, X + cand[t] * D, D));
    cpot[t] = s;
  }
}

int mx_kmeans_init_greedy(mx_kmeans *km, const double *X, size_t N, unsigned long seed,
                          gsl_rng *r, mx_error *err) {
  size_t D = (size_t)km->D, K = (size_t)km->K, n, c, cand[KM_MAXTRIALS], k;
  double pot = 0.0, u[KM_MAXTRIALS], cpot[KM_MAXTRIALS];
  int T = 2 + (int)floor(log((double)km->K)), t, best;
  if (N > km->N) return mx_error_set(err, MX_ESIZE, "more points than the k-means capacity");
  if (N == 0) return mx_error_set(err, MX_EEMPTY, "no data points");
  if (K > N)
    return mx_error_set(err, MX_EINVAL,
                        "K = %zu clusters but only N = %zu point%s: cannot pick distinct "
                        "starting centres (use K <= N)",
                        K, N, N == 1 ? "" : "s");
  if (N > 0xffffffffUL) return mx_error_set(err, MX_ETOOBIG, "more than 2^32 points");
  if (!r || r->type != gsl_rng_mt19937)
    return mx_error_set(err, MX_EINVAL, "the greedy k-means++ start needs an MT19937 generator");
  gsl_rng_set(r, seed);
  c = np_randint(r, N);
  memcpy(km->centers, X + c * D, D * sizeof *X);
  for (n = 0; n < N; n++) {
    km->dist[n] = km_sqdist(X + n * D, X + c * D, D);
    pot += km->dist[n];
  }
  for (k = 1; k < K; k++) {
    for (t = 0; t < T; t++) u[t] = np_uniform(r) * pot;
    greedy_candidates(km->dist, N, u, T, cand);
    greedy_pots(km->dist, X, N, D, cand, T, cpot);
    for (best = 0, t = 1; t < T; t++)
      if (cpot[t] < cpot[best]) best = t;
    c = cand[best];
    pot = cpot[best];
    memcpy(km->centers + k * D, X + c * D, D * sizeof *X);
    for (n = 0; n < N; n++) km->dist[n] = km_min(km->dist[n], km_sqdist(X + n * D, X + c * D, D));
  }
  return MX_OK;
}

double mx_kmeans_tolerance(const double *X, size_t N, int D, double tol) {
  size_t i, n, d = (size_t)D;
  double total = 0.0;
  if (N == 0 || D < 1) return 0.0;
  for (i = 0; i < d; i++) {
    double m = 0.0, v = 0.0;
    for (n = 0; n < N; n++) m += X[n * d + i];
    m /= (double)N;
    for (n = 0; n < N; n++) v += (X[n * d + i] - m) * (X[n * d + i] - m);
    total += v / (double)N;
  }
  return total / (double)D * tol;
}

int mx_kmeans_fit_sklearn(mx_kmeans *km, const double *X, size_t N, unsigned long seed,
                          gsl_rng *r, mx_error *err) {
  int rc = mx_kmeans_init_greedy(km, X, N, seed, r, err);
  if (rc != MX_OK) return rc;
  km->tol = mx_kmeans_tolerance(X, N, km->D, 1e-4);
  return mx_kmeans_run(km, X, N, 300);
}

int mx_gmm_init_from_kmeans(mx_gmm *g, mx_gmm_work *w, const mx_kmeans *km, const double *X,
                            size_t N, unsigned long seed, gsl_rng *r, mx_error *err) {
  size_t K = (size_t)g->K, n;
  int rc;
  if (!km || km->K != g->K || km->D != g->D || N > km->N)
    return mx_error_set(err, MX_ESIZE, "k-means result does not match the model / data size");
  rc = mx_gmm_init_data(g, w, X, N, MX_GMM_INIT_RANDOM, seed, r, err);
  if (rc != MX_OK) return rc;
  memcpy(g->means, km->centers, K * (size_t)g->D * sizeof *g->means);
  memset(w->resp, 0, N * K * sizeof *w->resp);
  for (n = 0; n < N; n++) w->resp[n * K + (size_t)km->labels[n]] = 1.0;
  mx_gmm_m_step(g, X, N, w); /* an empty cluster's component collapses: it keeps its start */
  g->init = MX_GMM_INIT_KMEANS;
  return MX_OK;
}

int mx_gmm_init_kmeans(mx_gmm *g, mx_gmm_work *w, mx_kmeans *km, const double *X, size_t N,
                       unsigned long seed, gsl_rng *r, mx_error *err) {
  int rc;
  if (!km || km->K != g->K || km->D != g->D)
    return mx_error_set(err, MX_ESIZE, "k-means workspace does not match the model");
  rc = mx_kmeans_fit_sklearn(km, X, N, seed, r, err);
  if (rc != MX_OK) return rc;
  return mx_gmm_init_from_kmeans(g, w, km, X, N, seed, r, err);
}
