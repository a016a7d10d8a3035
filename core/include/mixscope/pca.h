/* mixscope — principal component analysis: the top k eigenvectors of the
 * sample covariance C = (1/(N-1)) sum_n (x_n - mean)(x_n - mean)^T.
 *
 * Two solvers, same answer to ~1e-12:
 *  - dense: C by BLAS dsyrk over row blocks, then GSL gsl_eigen_symmv. For
 *    byte images the Gram matrix of the integer pixel values is exact in
 *    double (every partial sum is an integer < 2^53), so C is formed as
 *    (N G - s s^T) / (N (N-1)) with one rounding per entry.
 *  - Lanczos (default for D > 64): C is never formed; each step applies
 *    C v = (1/(N-1)) X_c^T (X_c v) in one fused pass over the rows (byte
 *    images are packed once into their non-zero 4-pixel runs, and each row's
 *    dot product is interleaved with the previous row's update; AVX2+FMA when
 *    the CPU has it, split across threads), with full reorthogonalisation; it
 *    stops when every wanted Ritz pair has residual |C y - theta y| <=
 *    tol * theta_1, and falls back to the dense solver if that takes more
 *    than max_steps.
 * Results are deterministic: the same bits on every run with the same thread
 * count. Different thread counts sum per-thread partial results, so 1 and 2
 * threads agree only to rounding (~1e-15 relative), not bit for bit.
 * Components are unit vectors with a deterministic sign: the entry of
 * largest magnitude (the first one on ties) is positive. */
#ifndef MIXSCOPE_PCA_H
#define MIXSCOPE_PCA_H

#include <stddef.h>
#include <stdint.h>

#include "mixscope/error.h"

#define MX_PCA_MAXD 4096

typedef enum {
  MX_PCA_AUTO = 0,   /* dense for D <= 64 or k > D/4, else Lanczos */
  MX_PCA_DENSE,      /* covariance + gsl_eigen_symmv */
  MX_PCA_LANCZOS     /* matrix-free Lanczos (dense fallback if it does not converge) */
} mx_pca_method;

typedef struct mx_pca {
  int D, k;
  double *mean;        /* (D) column means */
  double *components;  /* (k, D) unit eigenvectors, descending eigenvalue */
  double *variance;    /* (k) eigenvalues = variance along each component */
  double total_variance; /* trace of C */
  int method;          /* mx_pca_method requested (set before fitting) */
  int used;            /* solver actually used: MX_PCA_DENSE or MX_PCA_LANCZOS */
  int steps;           /* Lanczos steps taken (0 for dense) */
  int threads;         /* threads for the Lanczos pass (0 = all online CPUs, at most 8) */
  int max_steps;       /* Lanczos step limit before the dense fallback */
  double tol;          /* Lanczos residual tolerance, relative to theta_1 (default 1e-13) */
  size_t n;            /* points in the last fit */
  /* workspace (allocated once) */
  double *basis;       /* (max_steps + 1, D) Lanczos vectors */
  double *tri;         /* (max_steps, max_steps) tridiagonal + its eigenvectors */
  double *ritz;        /* (max_steps) Ritz values */
  double *alpha, *beta;/* (max_steps) Lanczos coefficients */
  double *acc;         /* (8, D) per-thread accumulators */
  double *cov;         /* (D, D) dense covariance, allocated on first dense use */
  double *evec;        /* (D, D) dense eigenvectors, allocated on first dense use */
  double *eval;        /* (D) */
} mx_pca;

/* Allocate for D dimensions and k <= D components (method AUTO, tol 1e-13).
 * NULL on bad sizes or no memory. */
mx_pca *mx_pca_alloc(int D, int k);
void mx_pca_free(mx_pca *p);

/* Fit to N rows of doubles X (N, D). N >= 2. Non-finite input -> MX_ENONFINITE. */
int mx_pca_fit(mx_pca *p, const double *X, size_t N, mx_error *err);

/* Fit to N rows of bytes (N, D) standing for x = scale * pix (scale > 0,
 * e.g. 1/255 for pixels in [0, 1]). */
int mx_pca_fit_u8(mx_pca *p, const uint8_t *pix, size_t N, double scale, mx_error *err);

/* Project: Y (N, k) = (X - mean) components^T. */
int mx_pca_transform(const mx_pca *p, const double *X, size_t N, double *Y);
/* Project byte rows x = scale * pix. */
int mx_pca_transform_u8(const mx_pca *p, const uint8_t *pix, size_t N, double scale, double *Y);

/* The digit scatter used by `mixscope pca` and the GMM view: take the images
 * of im whose label is one of digits[0..nd-1] (in file order, at most nmax;
 * 0 = all), fit a 2-component PCA to them (pixels / 255) and return their
 * projections as 2-D points with label = position of the digit in digits.
 * If pca_out is not NULL it receives the fitted model (caller frees).
 * Replaces the contents of *out. MX_EEMPTY if no image matches. */
struct mx_images;
struct mx_points;
int mx_pca_digits(const struct mx_images *im, const int *digits, int nd, size_t nmax,
                  struct mx_points *out, mx_pca **pca_out, mx_error *err);

#endif
