/* mixscope — private interface between gmm.c and its vectorized kernels
 * (gmm_simd.c). Not installed; nothing outside core/src includes it.
 *
 * The kernels use AVX2 + FMA, compiled per function with
 * __attribute__((target)) (the build is plain -O2 without -march) and chosen
 * at run time (mx_gmm_simd_active in gmm.h). On other compilers / CPUs they
 * are stubs and gmm.c keeps its scalar reference code. */
#ifndef MIXSCOPE_GMM_SIMD_H
#define MIXSCOPE_GMM_SIMD_H

#include <stddef.h>

#include "mixscope/gmm.h"

/* Largest D the M-step kernel handles (its accumulators live on the stack). */
#define MX_GMM_SIMD_MAXD 8

/* 1 if this build has the kernels and the CPU has AVX2 and FMA. */
int mx_gmm_simd_cpu(void);

/* E-step for D == 2 (same contract as mx_gmm_e_step, sizes already checked):
 * 4 points per AVX2 register, 2^x and log by glibc's libmvec; the points
 * are cut into 8 fixed chunks whose log-likelihoods are added in order, run on
 * up to mx_gmm_set_threads threads when N >= 32768 (same numbers for any
 * thread count). Points
 * whose log-sum-exp is not finite go through mx_gmm_e_point. Returns 0 or
 * MX_ERANGE (a label >= K or < -1). */
int mx_gmm_simd_e_step2(const mx_gmm *g, const double *X, size_t N, const int *labels,
                        double *resp, double *logp, double *loglik);

/* mx_gmm_predict for D == 2: the E-step kernel's log-joints, argmax with ties
 * to the lowest k. (The log-joints differ from the scalar ones in the last
 * bits, so a point within rounding of a decision boundary may go either way.) */
void mx_gmm_simd_predict2(const mx_gmm *g, const double *X, size_t N, int *pred);

/* M-step statistics for all K components, D <= MX_GMM_SIMD_MAXD: nk (K) =
 * sum_n r_nk, mu (K, D) = the new means, S (K, D, D) lower triangle = the
 * centred sums sum_n r_nk (x_n - mu_k)_i (x_n - mu_k)_j (not divided by nk).
 * D = 2: one pass with sums about shift (K, D) (the current means), chunked
 * and threaded like the E-step; where a component's mean moved more than one
 * standard deviation (digits lost in the shifted formula) or its covariance
 * is within 1e-6 of singular, its group is redone by the two-pass kernel.
 * Other D, and that fallback: two passes, four components per register, with exactly the scalar
 * code's operations and order (bit-identical), terms with r_nk = 0 included
 * (the scalar pass skips them: the same while every term is finite). gmm.c
 * redoes any component with non-finite statistics by the scalar passes. */
void mx_gmm_simd_m_stats(int K, int D, const double *X, size_t N, const double *resp,
                         const double *shift, double *nk, double *mu, double *S);

/* Nearest centre for D == 2 (k-means' assignment, kmeans.c): lab[n] =
 * argmin_k |x_n - c_k|^2 over C (K, 2), ties to the lowest k, best[n] that
 * squared distance, computed as (x0 - c0)^2 + (x1 - c1)^2 without FMA:
 * bit-identical to the scalar loop. Returns 0 if the kernel is not available
 * here (then nothing is written), else 1. */
int mx_gmm_simd_nearest2(const double *C, int K, const double *X, size_t N, int *lab,
                         double *best);

/* The scalar E-step of one point (gmm.c): lw (K) log weights, x (D), label y
 * (-1 = none); fills r (K) and returns log p(x) (or log p(x, y)). */
double mx_gmm_e_point(const mx_gmm *g, const double *lw, const double *x, int y, double *r);

#endif
