/* mixscope — the GMM view's model-selection panel: BIC and AIC of fits with
 * K = 1..MX_GSEL_KMAX components for the four covariance types, computed as a
 * background job, a few EM iterations a step (the frame never waits; in the
 * web build the steps run in slices of the frames), drawn as curves against K; a click on a
 * point picks that fit, whose parameters are kept to be loaded. */
#ifndef MIXSCOPE_GMM_SELECT_H
#define MIXSCOPE_GMM_SELECT_H

#include <stddef.h>

#include <SDL.h>
#include <gsl/gsl_rng.h>

#include "mixscope/gmm.h"
#include "ui/pool.h"
#include "ui/ui.h"

#define MX_GSEL_KMAX 8
#define MX_GSEL_NFITS (MX_GSEL_KMAX * MX_GMM_NCOV)

typedef struct mx_gmm_select {
  mx_job *job;               /* the fits, one a step (ui/pool.h); NULL: none started */
  int next;                  /* the job's: next fit, K - 1 = next / NCOV, type = next % NCOV */
  gsl_rng *r;                /* the job's: one generator through the fits, in order */
  mx_gmm *fg;                /* the job's: the fit in progress (NULL: between fits) ... */
  mx_gmm_work *fw;
  int fit_it;                /* ... its EM iterations done, the last log-likelihood */
  double fit_prev;
  SDL_atomic_t done_fits;    /* fits finished (the progress line) */
  /* the job (owned copies) */
  double *x;                 /* (n, 2) */
  size_t n;
  unsigned long seed;
  double reg;
  /* results, valid once the job is done: [type][K - 1] */
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
/* Finish the fits now (headless renders). */
void mx_gmm_select_wait(mx_gmm_select *s);
/* Cancel the job (waiting for a fit in progress), free the copies (s reusable). */
void mx_gmm_select_stop(mx_gmm_select *s);
/* 0 none, 1 running, 2 done, -1 failed; *done_fits (may be NULL) fits finished. */
int mx_gmm_select_state(mx_gmm_select *s, int *done_fits);

/* Draw the BIC (solid) and AIC (thin) curves in r with the fit (cur_k,
 * cur_type) ringed. Returns 1 and sets *k, *type when a point is clicked. */
int mx_gmm_select_draw(mx_ui *ui, mx_rect r, mx_gmm_select *s, int cur_k, int cur_type, int *k,
                       int *type);

/* Load fit (k, type) into g (K = k, D = 2): parameters and covariance type. */
int mx_gmm_select_load(const mx_gmm_select *s, int k, int type, mx_gmm *g);

#endif
