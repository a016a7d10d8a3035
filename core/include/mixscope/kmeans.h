/* mixscope — k-means clustering by Lloyd's algorithm, the hard-assignment
 * cousin of Gaussian mixture EM (the zero-variance limit of EM with equal
 * spherical covariances).
 *
 *   assign:  z_n = argmin_k |x_n - c_k|^2   (ties: lowest k)
 *   update:  c_k = mean of the points with z_n = k (an empty cluster keeps
 *            its centre)
 *
 * mx_kmeans_run follows scikit-learn's KMeans(algorithm='lloyd', n_init=1,
 * tol=0): each iteration assigns then updates; it stops when an assignment
 * equals the previous one (strict convergence) or after max_iter, and then
 * labels are those of the final centres. (scikit-learn moves an empty
 * cluster's centre to a far point instead; the two agree whenever no
 * cluster empties.)
 *
 * Memory: mx_kmeans_alloc allocates everything for (K, D, N); the steps
 * allocate nothing. */
#ifndef MIXSCOPE_KMEANS_H
#define MIXSCOPE_KMEANS_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "mixscope/error.h"
#include "mixscope/gmm.h"

typedef struct mx_kmeans {
  int K, D;
  size_t N;          /* capacity in points */
  double *centers;   /* (K, D) */
  int *labels;       /* (N) assignment of the last step */
  int *prev;         /* (N) the assignment before it (-1 at first) */
  double *sums;      /* (K, D) update scratch */
  double *counts;    /* (K) points per cluster at the last update */
  double inertia;    /* sum_n |x_n - c_{z_n}|^2 at the last assignment */
  int iters;         /* iterations of the last mx_kmeans_run */
  int converged;     /* 1 if it stopped on an unchanged assignment */
} mx_kmeans;

/* For K clusters of D-dimensional points, up to N points; NULL on bad sizes
 * (K or D outside 1..64, N = 0) or no memory. Centres start at 0. */
mx_kmeans *mx_kmeans_alloc(int K, int D, size_t N);
void mx_kmeans_free(mx_kmeans *km);

/* Starting centres from X (N, D): K distinct points (MX_GMM_INIT_RANDOM) or
 * k-means++ seeding (MX_GMM_INIT_KMEANSPP), drawn from r after
 * gsl_rng_set(r, seed) — the same draws as the GMM's mx_gmm_init_data, so
 * both start from the same means. */
int mx_kmeans_init(mx_kmeans *km, const double *X, size_t N, mx_gmm_init method,
                   unsigned long seed, gsl_rng *r, mx_error *err);

/* Set the centres (K, D); MX_ENONFINITE if one is not finite. */
int mx_kmeans_set_centers(mx_kmeans *km, const double *centers);

/* Assignment of X to the current centres into km->labels (the previous
 * labels move to km->prev), km->inertia; returns the number of points whose
 * label changed (all at first). */
size_t mx_kmeans_assign(mx_kmeans *km, const double *X, size_t N);

/* Centres from km->labels (empty clusters keep theirs); km->counts. */
void mx_kmeans_update(mx_kmeans *km, const double *X, size_t N);

/* One Lloyd iteration: assign then update; returns the changed count. */
size_t mx_kmeans_step(mx_kmeans *km, const double *X, size_t N);

/* Lloyd's algorithm from the current centres, at most max_iter iterations
 * (see above); km->iters, km->converged, final labels and inertia.
 * MX_ESIZE if N exceeds the capacity. */
int mx_kmeans_run(mx_kmeans *km, const double *X, size_t N, int max_iter);

#endif
