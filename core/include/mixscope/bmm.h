/* mixscope — Bernoulli mixture model fitted by EM on binary images (MNIST).
 *
 * Model: p(x) = Σ_k π_k Π_d θ_kd^x_d (1 − θ_kd)^(1 − x_d), x ∈ {0,1}^D.
 * Priors: θ_kd ~ Beta(a, b) and π ~ Dirichlet(γ, ..., γ), with a, b > 1 and
 * γ >= 1. The M-step is the MAP estimate
 *     θ_kd = (S_kd + a − 1) / (N_k + a + b − 2),   S_kd = Σ_n r_nk x_nd,
 *     π_k  = (N_k + γ − 1) / (Σ_j N_j + K(γ − 1)), N_k = Σ_n r_nk,
 * so θ stays strictly inside (0, 1) and no component reaches log 0.
 * Laplace smoothing with pseudo-count α (θ = (S + α)/(N_k + 2α)) is
 * Beta(1 + α, 1 + α); the posterior mean under Beta(a, b) is the MAP under
 * Beta(a + 1, b + 1), so both readings are the same code.
 *
 * EM increases the log-posterior objective
 *     J = Σ_n ℓ_n + Σ_kd [(a−1) log θ_kd + (b−1) log(1−θ_kd)] + (γ−1) Σ_k log π_k
 * (Beta and Dirichlet normalising constants dropped) at every iteration, where
 * ℓ_n = log Σ_k π_k p(x_n | θ_k) for an unlabelled image and, in the
 * semi-supervised variant, ℓ_n = log π_c p(x_n | θ_c) for an image with fixed
 * class c (its responsibilities are one-hot and never change).
 *
 * Speed: the E-step uses
 *     log p(x | θ_k) = Σ_d log(1 − θ_kd) + Σ_{d : x_d = 1} log(θ_kd / (1 − θ_kd))
 * over each image's list of on-pixels (about 104 of 784 for MNIST at 0.5), and the
 * M-step accumulates S only over on-pixels. The per-pixel tables are stored
 * transposed, (D, KP) with KP = K rounded up to a multiple of MX_BMM_B, so the
 * kernels add whole blocks of components (up to three blocks per walk over an
 * image's on-pixels) held in vector registers. A pass takes a tile of
 * MX_BMM_CHUNK images at a time: their E-step (scores, then responsibilities,
 * with a vectorised exp within 1 ulp of libm's), then their M-step sums, formed
 * pixel by pixel from the tile's pixel-major lists (tix) in registers. The
 * passes over the images can be split over a few threads (each with its own M-step sums, added in a fixed
 * order, so a given thread count always gives the same numbers). */
#ifndef MIXSCOPE_BMM_H
#define MIXSCOPE_BMM_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "mixscope/error.h"

#define MX_BMM_B 4            /* components per register block in the E/M kernels */
#define MX_BMM_MAX_THREADS 16 /* images are split over at most this many threads */
#define MX_BMM_CHUNK 256      /* images per tile: a pass does their E-step, then their M sums */

/* Binary images as per-image sorted lists of on-pixels (compressed rows). */
typedef struct mx_bmm_data {
  size_t n;          /* images */
  size_t d;          /* pixels per image (<= 65536) */
  size_t nnz;        /* total on-pixels */
  size_t *start;     /* (n + 1) image i's on-pixels are idx[start[i] .. start[i+1]) */
  uint16_t *idx;     /* (nnz) pixel indices, increasing within each image */
  /* The same on-pixels pixel-major within tiles of C = MX_BMM_CHUNK images,
   * for the M-step (it sums a pixel's responsibilities over the tile in
   * registers, then adds once); the images past tn are summed image by image.
   * A copy with a smaller n (the first n images) may keep these arrays. */
  size_t tn;         /* images covered, whole tiles: n rounded down to a multiple of C */
  uint32_t *tstart;  /* (tn / C, d + 1) per tile, offsets into its part of tix */
  uint8_t *tix;      /* (start[tn]) tile t's images (offsets 0..C−1, increasing) with
                        pixel j on: tix[start[t C] + tstart[t (d+1) + j]] up to
                        tix[start[t C] + tstart[t (d+1) + j + 1]] (exclusive) */
} mx_bmm_data;

typedef struct mx_bmm_prior {
  double a, b;       /* Beta(a, b) on every θ_kd; a > 1, b > 1 */
  double gamma;      /* symmetric Dirichlet(γ) on π; γ >= 1 (1 = no prior) */
} mx_bmm_prior;

/* Beta(1 + alpha, 1 + alpha), Dirichlet(gamma): Laplace-style pseudo-counts. */
mx_bmm_prior mx_bmm_prior_laplace(double alpha, double gamma);

typedef struct mx_bmm {
  size_t k, d, n;    /* components, pixels, training images */
  size_t kp;         /* K rounded up to a multiple of MX_BMM_B (workspace stride) */
  size_t nthreads;   /* E/M passes split the images over this many threads (T) */
  mx_bmm_prior prior;
  double *theta;     /* (K, D) P(x_d = 1 | z = k), the parameters */
  double *pi;        /* (K) mixing weights, sum 1 */
  double *resp;      /* (N, K) responsibilities r_nk from the last E-step (or init) */
  int *fixed;        /* (N) class held fixed for image n (semi-supervised), or -1 */
  double *nk;        /* (K) N_k = Σ_n r_nk used by the last M-step */
  double loglik;     /* Σ_n ℓ_n at the last E-step */
  double logpost;    /* J = loglik + log prior (see above) at the last E-step */
  /* workspace, overwritten by every step */
  double *w;         /* (D, KP) log θ_kd − log(1 − θ_kd), transposed, 0 for k >= K;
                        for K = 9, 10 stored compactly instead: (D, 8) for k < 8,
                        then (D, 2) for k = 8, 9 (80 bytes a pixel, not 96) */
  double *c;         /* (KP) log π_k + Σ_d log(1 − θ_kd), 0 for k >= K */
  double *acc;       /* (T, D, KP) per-thread S_kd = Σ_n r_nk x_nd, transposed; slab 0
                        gets the total */
  double *nkpart;    /* (T, KP) per-thread N_k, slab 0 gets the total */
  double *chunk;     /* (T, 2 MX_BMM_CHUNK KP + 8) per-thread scores, then responsibilities
                        (0 for k >= K), of the images in flight, and exp scratch; also
                        mx_bmm_score's scratch */
  int pass_what;     /* the pass begun (MX_BMM_PASS_*), 0 when none */
  double pass_lprior; /* the log prior at its start (E) */
  double pass_ll[MX_BMM_MAX_THREADS]; /* per share Σ ℓ_i so far */
  double *dist;      /* (N) k-means++ squared Hamming distances */
  uint8_t *center;   /* (D) k-means++ current centre as 0/1 */
} mx_bmm;

/* Build the on-pixel lists of n binary images x (n, d), entries 0 or 1.
 * MX_EINVAL for d == 0 or d > 65536, MX_ERANGE (message names the image and
 * pixel) for an entry that is not 0/1, MX_ENOMEM. *out is NULL on error. */
int mx_bmm_data_alloc(mx_bmm_data **out, const uint8_t *x, size_t n, size_t d,
                      mx_error *err);
/* The same lists straight from grey images pix (n, d), levels 0..255: pixel
 * on iff pix/255 > threshold (mx_binarize's test), with no binarized copy.
 * MX_EINVAL for d == 0 or d > 65536, MX_ENOMEM. *out is NULL on error. */
int mx_bmm_data_alloc_grey(mx_bmm_data **out, const uint8_t *pix, size_t n, size_t d,
                           double threshold, mx_error *err);
void mx_bmm_data_free(mx_bmm_data *data);

/* Allocate a model for k components, d pixels and n training images, with
 * fixed[] = -1, π uniform and θ = 1/2. E/M passes use nthreads threads
 * (1..MX_BMM_MAX_THREADS; results are identical run to run for a given
 * nthreads, and agree across nthreads to rounding). MX_EINVAL for k, d or n
 * == 0, a bad nthreads, or a prior outside a > 1, b > 1, γ >= 1. */
int mx_bmm_alloc(mx_bmm **out, size_t k, size_t d, size_t n, mx_bmm_prior prior,
                 size_t nthreads, mx_error *err);
void mx_bmm_free(mx_bmm *m);

/* Hold image i's class fixed (semi-supervised): labels (N), entries -1
 * (unlabelled) or 0..K-1. MX_ERANGE names the first bad entry. */
int mx_bmm_set_fixed(mx_bmm *m, const int *labels, mx_error *err);

/* Choose `per_class` labelled images of each class 0..nclass-1 from labels
 * (n): the first per_class of each class in a uniformly random order drawn
 * from rng. out (n) gets the class or -1. MX_ECOUNT if a class has fewer. */
int mx_bmm_pick_labelled(const uint8_t *labels, size_t n, int nclass, size_t per_class,
                         gsl_rng *rng, int *out, mx_error *err);

/* k-means++ start: K distinct training images chosen by D² sampling on
 * Hamming distance (first uniformly); θ_k = the M-step estimate from image k
 * alone, (x_d + a − 1)/(a + b − 1); π uniform. chosen (K, may be NULL) gets
 * the image indices. Fixed images keep one-hot resp. MX_ECOUNT if N < K. */
int mx_bmm_init_kmeanspp(mx_bmm *m, const mx_bmm_data *data, gsl_rng *rng, size_t *chosen,
                         mx_error *err);

/* Random start: r_nk uniform on (0,1), normalised over k (one-hot for fixed
 * images), then one M-step. */
int mx_bmm_init_random(mx_bmm *m, const mx_bmm_data *data, gsl_rng *rng, mx_error *err);

/* Start from the fixed (labelled) images only: one M-step with r = one-hot
 * for fixed images and 0 for the rest (naive Bayes on the labelled digits).
 * MX_EINVAL if no image is fixed. */
int mx_bmm_init_labelled(mx_bmm *m, const mx_bmm_data *data, mx_error *err);
/* Its first part: resp one-hot for the fixed images, 0 for the rest (then an
 * M-step, e.g. in pass pieces, completes the start). MX_EINVAL if none. */
int mx_bmm_init_labelled_resp(mx_bmm *m, const mx_bmm_data *data, mx_error *err);

/* E-step: resp, loglik and logpost at the current θ, π. MX_ESIZE if data does
 * not match the model. Allocates nothing. */
int mx_bmm_e_step(mx_bmm *m, const mx_bmm_data *data);

/* M-step from resp: θ, π, nk (MAP, formulas above). Allocates nothing. */
int mx_bmm_m_step(mx_bmm *m, const mx_bmm_data *data);

/* The same passes in pieces, for a caller that cannot spend a whole pass at
 * once (the web edition runs them inside the frame budget):
 *     mx_bmm_pass_begin(m, data, what);          what: MX_BMM_PASS_E, _M or both
 *     mx_bmm_pass_range(m, data, i0, i1); ...    ranges covering [0, N) once
 *     mx_bmm_pass_end(m);                        its status as the step's
 * is mx_bmm_e_step (E), mx_bmm_m_step (M) or mx_bmm_iterate (E | M, logpost
 * then holds J before) bit for bit, however the ranges cut [0, N): each of
 * the nthreads fixed shares keeps its own sums, in image order. A range runs
 * its pieces in different shares on threads. i0 and i1 are multiples of
 * MX_BMM_CHUNK or N (else MX_EINVAL, as is a range or end with no pass
 * begun). θ, π, resp and the workspace belong to the pass until its end. */
#define MX_BMM_PASS_E 1
#define MX_BMM_PASS_M 2
int mx_bmm_pass_begin(mx_bmm *m, const mx_bmm_data *data, int what);
int mx_bmm_pass_range(mx_bmm *m, const mx_bmm_data *data, size_t i0, size_t i1);
int mx_bmm_pass_end(mx_bmm *m);
/* One EM iteration: E-step then M-step. *logpost_before (may be NULL) gets J
 * at the parameters the iteration started from. */
int mx_bmm_iterate(mx_bmm *m, const mx_bmm_data *data, double *logpost_before);

/* The log prior terms of J at the current θ, π. */
double mx_bmm_log_prior(const mx_bmm *m);

/* Score other images (e.g. the test set) under the current θ, π:
 * *loglik = Σ_i log p(x_i) (may be NULL); with labels (may be NULL),
 * *ncorrect counts images whose argmax_k posterior equals their label
 * (component k stands for class k); pred (n, may be NULL) gets the argmax.
 * Uses the workspace, so m is not const. MX_ESIZE if d differs. */
int mx_bmm_score(mx_bmm *m, const mx_bmm_data *data, const uint8_t *labels,
                 double *loglik, size_t *ncorrect, int *pred);
/* The same in pieces: images [i0, i1) only (i0 a multiple of MX_BMM_CHUNK or
 * n, else MX_EINVAL), *loglik and *ncorrect carried on from the caller's
 * (start them at 0). Ranges covering [0, n) in order give mx_bmm_score's
 * numbers bit for bit. θ, π must not change between the pieces. */
int mx_bmm_score_range(mx_bmm *m, const mx_bmm_data *data, const uint8_t *labels, size_t i0,
                       size_t i1, double *loglik, size_t *ncorrect, int *pred);

#endif
