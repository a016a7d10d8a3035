/* mixscope — k-means clustering by Lloyd's algorithm, the hard-assignment
 * cousin of Gaussian mixture EM (the zero-variance limit of EM with equal
 * spherical covariances).
 *
 *   assign:  z_n = argmin_k |x_n - c_k|^2   (ties: lowest k)
 *   update:  c_k = mean of the points with z_n = k
 *
 * An empty cluster is relocated as scikit-learn's lloyd does
 * (_relocate_empty_clusters_dense): with E clusters empty, the E points
 * farthest from the centre they were assigned to (farthest first; equal
 * distances: lowest index — scikit-learn's argpartition leaves that order
 * open) move, in turn, one to each empty cluster (lowest k first): the
 * point becomes that cluster's only member and leaves its old cluster's sum
 * (the labels stay as assigned). A cluster left with no point by that keeps
 * its centre (scikit-learn would put it at the data mean).
 *
 * mx_kmeans_run follows scikit-learn's KMeans(algorithm='lloyd', n_init=1):
 * each iteration assigns then updates; it stops when an assignment equals
 * the previous one (strict convergence), else when the centres moved by
 * sum_k |c_k - c_k'|^2 <= km->tol (scikit-learn's tol times the mean
 * coordinate variance; 0 by default: the centres did not move), or after
 * max_iter (converged = 1 for either stop); labels and inertia are then
 * those of the final centres.
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
  double *dist;      /* (N) relocation scratch: |x_n - c_{z_n}|^2 */
  double inertia;    /* sum_n |x_n - c_{z_n}|^2 at the last assignment */
  double tol;        /* centre-shift tolerance of mx_kmeans_run (default 0) */
  double shift;      /* sum_k |c_k - c_k'|^2 of the last update */
  int relocated;     /* empty clusters relocated by the last update */
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

/* scikit-learn's greedy k-means++ (sklearn.cluster.kmeans_plusplus and
 * KMeans(init='k-means++')): the first centre a uniform point, then for each
 * next one 2 + floor(ln K) candidates drawn with probability proportional to
 * the squared distance to the nearest chosen centre, keeping the candidate
 * that leaves the smallest sum of those distances. The draws are NumPy's
 * legacy RandomState ones (randint by masked rejection, uniform from two
 * 32-bit words) from r, which must be an MT19937 (gsl_rng_mt19937), after
 * gsl_rng_set(r, seed): for seed >= 1 the same stream as
 * numpy.random.RandomState(seed), so the same centres as scikit-learn with
 * random_state=seed, barring rounding ties (seed 0 is GSL's 4357).
 * MX_EINVAL for another generator or K > N. */
int mx_kmeans_init_greedy(mx_kmeans *km, const double *X, size_t N, unsigned long seed,
                          gsl_rng *r, mx_error *err);

/* scikit-learn's tolerance for tol (1e-4 by default): tol times the mean
 * over coordinates of their population variance (for km->tol). */
double mx_kmeans_tolerance(const double *X, size_t N, int D, double tol);

/* scikit-learn's KMeans(n_init=1, random_state=seed) with its defaults:
 * mx_kmeans_init_greedy, then mx_kmeans_run with km->tol =
 * mx_kmeans_tolerance(1e-4) and at most 300 iterations. */
int mx_kmeans_fit_sklearn(mx_kmeans *km, const double *X, size_t N, unsigned long seed,
                          gsl_rng *r, mx_error *err);

/* GMM start as scikit-learn's GaussianMixture(init_params='kmeans'): g is
 * set as by mx_gmm_init_data (random; its checks, and the start kept by a
 * component whose cluster is empty), then the means become the k-means
 * centres and one M-step of g's covariance type runs on the one-hot
 * responsibilities of km's final labels (into w->resp). km: a finished
 * k-means of g's K and D on the same N points (mx_kmeans_fit_sklearn), so one
 * k-means serves every covariance type. g->init becomes MX_GMM_INIT_KMEANS.
 * Errors as mx_gmm_init_data's. */
int mx_gmm_init_from_kmeans(mx_gmm *g, mx_gmm_work *w, const mx_kmeans *km, const double *X,
                            size_t N, unsigned long seed, gsl_rng *r, mx_error *err);
/* Both: mx_kmeans_fit_sklearn(km, seed) then mx_gmm_init_from_kmeans. */
int mx_gmm_init_kmeans(mx_gmm *g, mx_gmm_work *w, mx_kmeans *km, const double *X, size_t N,
                       unsigned long seed, gsl_rng *r, mx_error *err);

/* Set the centres (K, D); MX_ENONFINITE if one is not finite. */
int mx_kmeans_set_centers(mx_kmeans *km, const double *centers);

/* Assignment of X to the current centres into km->labels (the previous
 * labels move to km->prev), km->inertia; returns the number of points whose
 * label changed (all at first). */
size_t mx_kmeans_assign(mx_kmeans *km, const double *X, size_t N);

/* Centres from km->labels, empty clusters relocated (see above);
 * km->counts, km->shift, km->relocated. */
void mx_kmeans_update(mx_kmeans *km, const double *X, size_t N);

/* One Lloyd iteration: assign then update; returns the changed count. */
size_t mx_kmeans_step(mx_kmeans *km, const double *X, size_t N);

/* Lloyd's algorithm from the current centres, at most max_iter iterations
 * (see above); km->iters, km->converged, final labels and inertia.
 * MX_ESIZE if N exceeds the capacity. */
int mx_kmeans_run(mx_kmeans *km, const double *X, size_t N, int max_iter);

#endif
