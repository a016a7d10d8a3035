/* mixscope — Gaussian mixture models fitted by EM, plain and semi-supervised.
 *
 *   p(x) = sum_k w_k N(x | mu_k, Sigma_k)
 *
 * Densities go through the Cholesky factor L_k of Sigma_k (GSL
 * gsl_linalg_cholesky_decomp1): log N = -D/2 log 2pi - 1/2 log|Sigma_k|
 * - 1/2 |L_k^{-1}(x - mu_k)|^2 with log|Sigma_k| = 2 sum_i log L_k,ii;
 * responsibilities by log-sum-exp with the max subtracted.
 *
 * Semi-supervised EM (the lecture's notes, Sec. 2.1): points with a known
 * label y_n (labels[n] >= 0; -1 = unlabelled) keep the one-hot responsibility
 * r_nk = [k == y_n]; unlabelled points get the E-step posterior
 * r_nk = p(k | x_n, theta_t). The M-step is the weighted MLE over both:
 *   N_k = sum_n r_nk, w_k = N_k / N, mu_k = sum_n r_nk x_n / N_k,
 *   Sigma_k = sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T / N_k + reg I.
 * The log-likelihood is sum over labelled n of log p(x_n, y_n) (joint) plus
 * sum over unlabelled n of log p(x_n). With reg = 0 EM never decreases it;
 * with reg > 0 the M-step is the MLE shifted by reg I, so a decrease of order
 * N reg^2 tr(Sigma^-2) is possible (negligible at the default 1e-6).
 *
 * Collapse: in the M-step a component k with N_k < min_nk, or whose new
 * covariance is not positive definite even after + reg I (Cholesky fails, or
 * a pivot is within rounding of zero: L_ii^2 <= 2 D eps Sigma_ii), or
 * whose new parameters are not finite, is "collapsed": it keeps its previous
 * mean, covariance and Cholesky factor, takes the weight N_k / N (possibly
 * 0), is flagged in collapsed[k] with the reason, and the step returns
 * MX_ECOLLAPSE. Parameters are never NaN; a collapsed component with weight 0
 * simply takes no responsibility from then on.
 *
 * Memory: the model is allocated once for (K, D) and a workspace once for
 * (K, N, D); the E-step, M-step, density and grid functions allocate nothing.
 *
 * Kernels: on a CPU with AVX2 and FMA (checked at run time; the build needs no
 * -march) the E-step and mx_gmm_predict for D = 2 and the M-step for D <= 8
 * run vectorized (core/src/gmm_simd.c), for N >= 32768 on threads
 * (mx_gmm_set_threads); they need glibc's libmvec at build time (else the
 * scalar code runs). The E-step computes 2^x and log with libmvec's 4-lane
 * functions in log2 units (about 1 ulp, like libm's exp/log but not
 * bit-equal; responsibilities below 4.5e-308 come out as 0)
 * and sums in another order; the
 * D = 2 M-step sums about the current means in one pass (two passes, as the
 * scalar code, where a mean moved more than one standard deviation); the
 * M-step for other D is bit-identical to the scalar code. So the two paths
 * differ in the last bits (tests/test_gmm_fast.c: within 1e-12 relative over
 * 50 EM iterations, measured up to 1.4e-13). Each path is deterministic,
 * whatever the thread count: runs replay bit for bit on one machine and path.
 * The scalar path is forced by setting the environment variable MX_NO_SIMD to
 * anything but "" or "0" (read at the first step), or by mx_gmm_set_simd(0). */
#ifndef MIXSCOPE_GMM_H
#define MIXSCOPE_GMM_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "mixscope/error.h"

#define MX_GMM_MAXK 64       /* most components */
#define MX_GMM_MAXD 64       /* most dimensions */
#define MX_GMM_REG 1e-6      /* default covariance regularisation (scikit-learn's reg_covar) */
#define MX_GMM_MIN_NK 1e-3   /* default collapse threshold on N_k */

typedef enum {
  MX_GMM_INIT_RANDOM = 0, /* K distinct data points as means */
  MX_GMM_INIT_KMEANSPP,   /* k-means++ seeding (D^2 sampling) for the means */
  MX_GMM_INIT_GIVEN,      /* parameters supplied by the caller (mx_gmm_set_params / JSON) */
  MX_GMM_INIT_LABELS,     /* means of the labelled points of each class (semi-supervised) */
  MX_GMM_INIT_KMEANS      /* k-means, then one M-step on its labels (mx_gmm_init_kmeans in
                             kmeans.h; scikit-learn's default init_params='kmeans') */
} mx_gmm_init;

/* Covariance type (scikit-learn's covariance_type). The model always keeps
 * K full (D, D) matrices and their Cholesky factors, so densities and the
 * E-step are the same for every type; the M-step projects the centred
 * scatter S_k / N_k before adding reg on the diagonal:
 *   full      Sigma_k = S_k / N_k + reg I
 *   diag      Sigma_k = diag(S_k / N_k) + reg I
 *   spherical Sigma_k = (tr(S_k / N_k) / D + reg) I
 *   tied      Sigma   = sum_k S_k / sum_k N_k + reg I, shared by all k
 * (collapsed components are left out of the tied sum and keep their matrix). */
typedef enum {
  MX_GMM_COV_FULL = 0,
  MX_GMM_COV_DIAG,
  MX_GMM_COV_SPHERICAL,
  MX_GMM_COV_TIED
} mx_gmm_cov;
#define MX_GMM_NCOV 4

/* Why a component collapsed (collapsed[k]). */
typedef enum {
  MX_GMM_OK = 0,
  MX_GMM_COLLAPSE_NK,        /* N_k < min_nk: (almost) no responsibility left */
  MX_GMM_COLLAPSE_NOTPD,     /* covariance + reg I not positive definite */
  MX_GMM_COLLAPSE_NONFINITE  /* new mean / covariance overflowed */
} mx_gmm_collapse;

typedef struct mx_gmm {
  int K, D;
  double *weights;   /* (K) mixing proportions w_k >= 0, sum 1 */
  double *means;     /* (K, D) */
  double *covs;      /* (K, D, D) symmetric positive definite */
  double *chol;      /* (K, D, D) lower Cholesky factor L_k (strict upper part 0) */
  double *logdet;    /* (K) log|Sigma_k| = 2 sum_i log L_k,ii */
  double *nk;        /* (K) sum_n r_nk of the last M-step (0 before any) */
  int *collapsed;    /* (K) mx_gmm_collapse reason from the last M-step, 0 = fine */
  int ncollapsed;    /* number of components flagged in the last M-step */
  int status;        /* MX_OK or MX_ECOLLAPSE after the last M-step */
  double reg;        /* added to every covariance diagonal in the M-step (>= 0) */
  double min_nk;     /* collapse threshold on N_k (> 0) */
  unsigned long seed;/* seed of the last random initialisation */
  int init;          /* mx_gmm_init used last */
  int cov_type;      /* mx_gmm_cov (0 = full after mx_gmm_alloc) */
  double *scratch;   /* 2 (D, D) + 2 (D) factorisation / M-step scratch, + K (D + D*D)
                        M-step kernel statistics when D <= 8, + (D, D) + (K, D) for tied */
} mx_gmm;

typedef struct mx_gmm_work {
  int K, D;
  size_t N;          /* capacity in points */
  double *resp;      /* (N, K) responsibilities r_nk of the last E-step */
  double *logp;      /* (N) log p(x_n) (unlabelled) or log p(x_n, y_n) (labelled) */
  double *dist;      /* (N) k-means++ squared distances */
  double *diff;      /* (D) */
} mx_gmm_work;

/* Allocate a model for K components in D dimensions: weights 1/K, means 0,
 * covariances I, reg = MX_GMM_REG, min_nk = MX_GMM_MIN_NK. NULL on bad sizes
 * or no memory. */
mx_gmm *mx_gmm_alloc(int K, int D);
void mx_gmm_free(mx_gmm *g);
/* Copy all parameters and flags of src into dst (same K, D). */
int mx_gmm_copy(mx_gmm *dst, const mx_gmm *src);

/* Workspace for up to N points. NULL on bad sizes or no memory. */
mx_gmm_work *mx_gmm_work_alloc(int K, size_t N, int D);
void mx_gmm_work_free(mx_gmm_work *w);

/* Set the parameters from arrays weights (K), means (K, D), covs (K, D, D);
 * validates (weights >= 0 summing to 1 within 1e-6, finite, covariances
 * symmetric and positive definite) and factorises. On error g is unchanged
 * and err names the field and component. */
int mx_gmm_set_params(mx_gmm *g, const double *weights, const double *means, const double *covs,
                      mx_error *err);

/* Recompute chol and logdet of component k from covs (no regularisation).
 * MX_ENOTPD if not positive definite (chol/logdet of k then unchanged). */
int mx_gmm_factor(mx_gmm *g, int k);

/* Initialise from data X (N, D): means by `method` (RANDOM or KMEANSPP) drawn
 * from r after gsl_rng_set(r, seed) (seed stored in g->seed), covariances
 * diag(population variance of each coordinate) + reg, weights 1/K.
 * Errors: K > N (MX_EINVAL), zero variance with reg = 0 (MX_ENOTPD),
 * overflowing variance (MX_ENONFINITE). */
int mx_gmm_init_data(mx_gmm *g, mx_gmm_work *w, const double *X, size_t N, mx_gmm_init method,
                     unsigned long seed, gsl_rng *r, mx_error *err);

/* Initialise from labelled data: mean k = the mean of the points labelled k
 * (labels (N), -1 = unlabelled), covariances diag(population variance of all
 * points) + reg, weights 1/K; a class with no labelled point takes a
 * k-means++ draw (from r after gsl_rng_set(r, seed)) among all points.
 * MX_EEMPTY if no point is labelled, MX_ERANGE if a label is >= K. */
int mx_gmm_init_labels(mx_gmm *g, mx_gmm_work *w, const double *X, size_t N, const int *labels,
                       unsigned long seed, gsl_rng *r, mx_error *err);

/* Squared Mahalanobis distance (x - mu_k)^T Sigma_k^-1 (x - mu_k) of one
 * point x (D), by forward substitution with the Cholesky factor. */
double mx_gmm_mahalanobis2(const mx_gmm *g, int k, const double *x);

/* log N(x | mu_k, Sigma_k) for one point x (D). */
double mx_gmm_log_gauss(const mx_gmm *g, int k, const double *x);

/* E-step on the parameters in force: fills w->resp and w->logp and returns the
 * total log-likelihood in *loglik (see the header comment; labels may be NULL
 * = all unlabelled). MX_ERANGE if a label is >= K, MX_ESIZE if N exceeds the
 * workspace or sizes differ. */
int mx_gmm_e_step(const mx_gmm *g, const double *X, size_t N, const int *labels,
                  mx_gmm_work *w, double *loglik);

/* M-step: weighted MLE from w->resp (N, K) + reg on the diagonal. Returns 0,
 * or MX_ECOLLAPSE with g->collapsed / g->status set (parameters stay finite). */
int mx_gmm_m_step(mx_gmm *g, const double *X, size_t N, mx_gmm_work *w);

/* One EM iteration: E-step (log-likelihood before the M-step into *loglik)
 * then M-step. Returns the M-step's status (0 or MX_ECOLLAPSE) or an E-step error. */
int mx_gmm_iterate(mx_gmm *g, const double *X, size_t N, const int *labels, mx_gmm_work *w,
                   double *loglik);

/* Run EM for at most max_iter iterations, stopping when the per-point
 * log-likelihood changes by less than tol between consecutive iterations.
 * *iters = iterations done, *converged = 1 if the tolerance was met,
 * *loglik = the last pre-M-step log-likelihood. Returns 0, MX_ECOLLAPSE if
 * any iteration flagged a collapse (the run continues), or an E-step error. */
int mx_gmm_run(mx_gmm *g, const double *X, size_t N, const int *labels, mx_gmm_work *w,
               int max_iter, double tol, int *iters, int *converged, double *loglik);

/* Supervised Gaussian generative classifier: class weights, means and
 * covariances by MLE (+ reg) from the labelled points only (labels[n] >= 0).
 * A class without labelled points keeps its previous mean/covariance, gets
 * weight 0 and is flagged MX_GMM_COLLAPSE_NK (returns MX_ECOLLAPSE).
 * MX_EEMPTY if no point is labelled. Uses w->resp as scratch. */
int mx_gmm_fit_supervised(mx_gmm *g, const double *X, size_t N, const int *labels,
                          mx_gmm_work *w);

/* pred[n] = argmax_k p(k | x_n) under g (labels ignored; ties: lowest k). */
int mx_gmm_predict(const mx_gmm *g, const double *X, size_t N, mx_gmm_work *w, int *pred);

/* Fraction of points with truth[n] >= 0 where pred[n] == truth[n]; NaN if none. */
double mx_gmm_accuracy(const int *pred, const int *truth, size_t N);

/* Accuracy of an unsupervised clustering against true classes 0..C-1
 * (C = 1 + largest truth[n], at most 10): with K <= C components, under the
 * best one-to-one relabelling of components to classes (exhaustive, K <= 10);
 * with K > C, each component takes its majority class (purity). perm (K, may
 * be NULL) receives the class of each component. MX_ETOOBIG for C > 10. */
int mx_gmm_accuracy_matched(const int *pred, const int *truth, size_t N, int K, double *acc,
                            int *perm);

/* log p(x_n) under the mixture for N points X (N, D) into out (N). */
int mx_gmm_log_density(const mx_gmm *g, const double *X, size_t N, double *out);

/* For a 2-D model (D == 2): evaluate on the nx x ny grid of cell centres
 * x_i = x0 + (i + 0.5)(x1 - x0)/nx, y_j = y0 + (j + 0.5)(y1 - y0)/ny.
 * logp (ny, nx) receives log p(x); margin (ny, nx, K), if not NULL, receives
 * log r_k(x) - max_{j != k} log r_j(x): positive inside the decision region of
 * k, zero on the boundary where responsibilities tie. */
int mx_gmm_grid2d(const mx_gmm *g, double x0, double x1, int nx, double y0, double y1, int ny,
                  double *logp, double *margin);

/* Use the vectorized kernels (on != 0, if the CPU has AVX2 + FMA) or the
 * scalar code (on == 0) from now on, for the whole process; returns the
 * previous setting (1 = kernels). Not for use while another thread runs EM. */
int mx_gmm_set_simd(int on);
/* 1 if the E/M steps currently use the vectorized kernels. */
int mx_gmm_simd_active(void);
/* Threads for the vectorized D = 2 steps: n >= 1, or 0 = automatic (the
 * default: one below N = 32768 points, else the online CPUs, at most 8). The
 * points are cut into 8 fixed chunks whose sums are added in chunk order, so
 * every thread count gives the same numbers. Returns the previous setting. */
int mx_gmm_set_threads(int n);

/* Set the covariance type and project the covariances in force onto it
 * (diag: their diagonal; spherical: the mean of the diagonal times I; tied:
 * sum_k w_k Sigma_k), refactoring them. MX_EINVAL on an unknown type,
 * MX_ENOTPD if a projection cannot be factored (g then unchanged but for
 * the type). The M-step keeps the type from then on. */
int mx_gmm_set_cov_type(mx_gmm *g, int type);
/* "full", "diag", "spherical", "tied" / parse one (-1 if unknown). */
const char *mx_gmm_cov_name(int type);
int mx_gmm_cov_find(const char *name);

/* Free parameters of the model as scikit-learn counts them
 * (GaussianMixture._n_parameters): K D means + K - 1 weights + covariance
 * parameters K D (D + 1) / 2 (full), K D (diag), K (spherical),
 * D (D + 1) / 2 (tied). */
long mx_gmm_n_params(const mx_gmm *g);
/* BIC = -2 loglik + p log N and AIC = -2 loglik + 2 p, p = mx_gmm_n_params,
 * loglik the total log-likelihood of the N points (as sklearn's bic/aic). */
double mx_gmm_bic(const mx_gmm *g, double loglik, size_t N);
double mx_gmm_aic(const mx_gmm *g, double loglik);

/* Name of an init method ("random", "kmeans++", "given", "labels", "kmeans") / parse one (-1 if
 * unknown). */
const char *mx_gmm_init_name(mx_gmm_init m);
int mx_gmm_init_find(const char *name);
/* Name of a collapse reason ("too few points", ...). */
const char *mx_gmm_collapse_name(int reason);

/* ---- JSON parameters (gmm_json.c), format:
 * {"weights":[w...], "means":[[...],...], "covariances":[[[...],[...]],...]}
 * plus "covariance_type":"diag"|"spherical"|"tied" when not full (optional
 * when reading; the full matrices given are then projected onto the type). */

/* Parse parameters from a cJSON object (src names the file in messages);
 * allocates *out with K and D taken from the JSON. Validation errors name the
 * field and index: "init.json: means[1] has 3 entries, expected 2". */
struct cJSON;
int mx_gmm_json_parse(const struct cJSON *root, const char *src, mx_gmm **out, mx_error *err);
/* Read and parse a JSON parameter file. */
int mx_gmm_json_read(const char *path, mx_gmm **out, mx_error *err);
/* The parameters as a new cJSON object in the format above (NULL on no memory). */
struct cJSON *mx_gmm_json_params(const mx_gmm *g);
/* Write the parameters to path atomically. */
int mx_gmm_json_write(const char *path, const mx_gmm *g, mx_error *err);

#endif
