/* mixscope — the GMM view's model-selection panel: BIC and AIC of fits with
 * K = 1..MX_GSEL_KMAX components for the four covariance types, computed on a
 * worker thread (the frame never waits), drawn as curves against K; a click
 * on a point picks that fit, whose parameters are kept to be loaded. */
#ifndef MIXSCOPE_GMM_SELECT_H
#define MIXSCOPE_GMM_SELECT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "mixscope/gmm.h"
#include "ui/ui.h"

#define MX_GSEL_KMAX 8

typedef struct mx_gmm_select {
  pthread_t th;
  int started;               /* th was created (join it) */
  atomic_int state;          /* 0 none, 1 running, 2 done, -1 failed */
  atomic_int cancel;         /* ask the worker to stop */
  atomic_int done_fits;      /* fits finished, for the progress line */
  /* the job (owned copies) */
  double *x;                 /* (n, 2) */
  size_t n;
  unsigned long seed;
  double reg;
  /* results, valid once state == 2: [type][K - 1] */
  double bic[MX_GMM_NCOV][MX_GSEL_KMAX], aic[MX_GMM_NCOV][MX_GSEL_KMAX];
  int ok[MX_GMM_NCOV][MX_GSEL_KMAX];
  double w[MX_GMM_NCOV][MX_GSEL_KMAX][MX_GSEL_KMAX];          /* weights */
  double mu[MX_GMM_NCOV][MX_GSEL_KMAX][MX_GSEL_KMAX * 2];     /* means */
  double cov[MX_GMM_NCOV][MX_GSEL_KMAX][MX_GSEL_KMAX * 4];    /* covariances */
} mx_gmm_select;

/* Start computing the table for the points x (n, 2) (copied): each fit from
 * k-means++ means (seed), EM until the per-point log-likelihood changes by
 * < 1e-6 or 500 iterations, reg added to the covariances. A run in progress
 * is cancelled first. MX_ENOMEM, or 0. */
int mx_gmm_select_start(mx_gmm_select *s, const double *x, size_t n, unsigned long seed,
                        double reg);
/* Wait for the worker to finish (headless renders). */
void mx_gmm_select_wait(mx_gmm_select *s);
/* Cancel and join the worker, free the copies (s reusable). */
void mx_gmm_select_stop(mx_gmm_select *s);

/* Draw the BIC (solid) and AIC (thin) curves in r with the fit (cur_k,
 * cur_type) ringed. Returns 1 and sets *k, *type when a point is clicked. */
int mx_gmm_select_draw(mx_ui *ui, mx_rect r, mx_gmm_select *s, int cur_k, int cur_type, int *k,
                       int *type);

/* Load fit (k, type) into g (K = k, D = 2): parameters and covariance type. */
int mx_gmm_select_load(const mx_gmm_select *s, int k, int type, mx_gmm *g);

#endif
