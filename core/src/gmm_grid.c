/* mixscope — the density grid and decision margins of a 2-D mixture (see
 * gmm_grid.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mixscope/error.h"
#include "mixscope/gmm_grid.h"

mx_gmm_grid_work *mx_gmm_grid_work_alloc(int K, size_t N) {
  mx_gmm_grid_work *w;
  if (K < 1 || K > MX_GMM_MAXK || N < 1) return NULL;
  w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->K = K;
  w->N = N;
  w->ew = mx_gmm_work_alloc(K, N, 2);
  w->X = malloc(2 * N * sizeof *w->X);
  if (!w->ew || !w->X) {
    mx_gmm_grid_work_free(w);
    return NULL;
  }
  return w;
}

void mx_gmm_grid_work_free(mx_gmm_grid_work *w) {
  if (!w) return;
  mx_gmm_work_free(w->ew);
  free(w->X);
  free(w);
}

/* The margins of n cells from their responsibilities resp (n, K) into
 * margin (n, K): log r_k - log(the largest other r_j), which equals
 * mx_gmm_grid2d's difference of log-joints (the log p(x) cancels). */
static void gmm_grid_margins(const double *resp, size_t n, int K, double *margin) {
  size_t m;
  int k;
  for (m = 0; m < n; m++) {
    const double *rp = resp + m * (size_t)K;
    double lr[MX_GMM_MAXK], *out = margin + m * (size_t)K;
    int b1 = 0, b2 = -1;
    for (k = 0; k < K; k++) {
      lr[k] = log(rp[k]);
      if (k && rp[k] > rp[b1]) b1 = k;
    }
    for (k = 0; k < K; k++)
      if (k != b1 && (b2 < 0 || rp[k] > rp[b2])) b2 = k;
    for (k = 0; k < K; k++) {
      double d = lr[k] - lr[k == b1 ? b2 : b1];
      out[k] = isnan(d) ? -INFINITY : d; /* both 0: as mx_gmm_grid2d, weightless */
    }
  }
}

int mx_gmm_grid_rows(const mx_gmm *g, double x0, double dx, int nx, double y0, double dy,
                     int j0, int j1, double *logp, double *margin, mx_gmm_grid_work *w) {
  size_t n = 0;
  int i, j, rc;
  if (g->D != 2) return MX_EDIMS;
  if (nx < 1 || j1 <= j0) return MX_EINVAL;
  if (!w || w->K != g->K || w->N < (size_t)(j1 - j0) * (size_t)nx || !mx_gmm_simd_active())
    return mx_gmm_grid2d(g, x0, x0 + dx * (double)nx, nx, y0 + dy * (double)j0,
                         y0 + dy * (double)j1, j1 - j0, logp, margin);
  for (j = j0; j < j1; j++) {
    double y = y0 + ((double)j + 0.5) * dy;
    for (i = 0; i < nx; i++, n++) {
      w->X[2 * n] = x0 + ((double)i + 0.5) * dx;
      w->X[2 * n + 1] = y;
    }
  }
  rc = mx_gmm_e_step(g, w->X, n, NULL, w->ew, NULL);
  if (rc != MX_OK) return rc;
  if (logp) memcpy(logp, w->ew->logp, n * sizeof *logp);
  if (margin) gmm_grid_margins(w->ew->resp, n, g->K, margin);
  return MX_OK;
}
