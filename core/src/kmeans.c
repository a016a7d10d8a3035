/* k-means by Lloyd's algorithm (see mixscope/kmeans.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mixscope/kmeans.h"

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
  if (!km->centers || !km->sums || !km->counts || !km->labels || !km->prev) {
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

void mx_kmeans_update(mx_kmeans *km, const double *X, size_t N) {
  size_t D = (size_t)km->D, K = (size_t)km->K, n, i, k;
  memset(km->sums, 0, K * D * sizeof *km->sums);
  memset(km->counts, 0, K * sizeof *km->counts);
  for (n = 0; n < N; n++) {
    size_t z = (size_t)km->labels[n];
    km->counts[z] += 1.0;
    for (i = 0; i < D; i++) km->sums[z * D + i] += X[n * D + i];
  }
  for (k = 0; k < K; k++)
    if (km->counts[k] > 0.0)
      for (i = 0; i < D; i++) km->centers[k * D + i] = km->sums[k * D + i] / km->counts[k];
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
  }
  km->iters = t;
  /* Labels and inertia of the final centres. */
  mx_kmeans_assign(km, X, N);
  return MX_OK;
}
