/* mixscope — the density grid and decision margins of a 2-D mixture, a band
 * of grid rows at a time (what a plot of the model draws: heatmap, iso-lines,
 * decision boundaries). Which kernel computes them is core's business. */
#ifndef MIXSCOPE_GMM_GRID_H
#define MIXSCOPE_GMM_GRID_H

#include <stddef.h>

#include "mixscope/gmm.h"

/* Workspace for bands of up to N cells of a K-component model: an E-step
 * workspace and the cell centres X (N, 2). */
typedef struct mx_gmm_grid_work {
  int K;
  size_t N;          /* capacity in cells */
  mx_gmm_work *ew;   /* E-step on the cell centres */
  double *X;         /* (N, 2) cell centres */
} mx_gmm_grid_work;

/* NULL on bad sizes or no memory. */
mx_gmm_grid_work *mx_gmm_grid_work_alloc(int K, size_t N);
void mx_gmm_grid_work_free(mx_gmm_grid_work *w);

/* Rows [j0, j1) of the nx-wide grid of cell centres x_i = x0 + (i + 0.5) dx,
 * y_j = y0 + (j + 0.5) dy of a 2-D model (dy may be negative: rows going down
 * a plot). logp (j1 - j0, nx), if not NULL, receives log p(x); margin
 * (j1 - j0, nx, K), if not NULL, log r_k(x) - max_{j != k} log r_j(x)
 * (-inf where both are 0), as mx_gmm_grid2d defines them.
 * With the vectorized kernels active and a workspace w holding K components
 * and (j1 - j0) nx cells, they come from one E-step on the cell centres
 * (about 10 times faster; equal to mx_gmm_grid2d up to the last bits); else
 * (w NULL, too small, or scalar code) from mx_gmm_grid2d on the band (its
 * rows' y are then computed from the band's ends, so cut the grid into fixed
 * bands for numbers that do not depend on the thread count).
 * MX_EDIMS unless D == 2, MX_EINVAL on empty sizes. */
int mx_gmm_grid_rows(const mx_gmm *g, double x0, double dx, int nx, double y0, double dy,
                     int j0, int j1, double *logp, double *margin, mx_gmm_grid_work *w);

#endif
