/* mixscope — mixture of experts for a one-to-many regression p(t | x), fitted by EM.
 *
 * Bishop's inverse problem (Bishop 1994, "Mixture density networks"): draw
 * t ~ U(0,1), set x = t + 0.3 sin(2πt) + U(−0.1, 0.1). Predicting t from x is
 * one-to-many (three branches for x in the middle), so a single regression
 * line averages the branches; a mixture of experts does not.
 *
 * Model, with polynomial features φ(x) = (1, x, x², ..., x^P), D = P + 1:
 *   p(t | x) = Σ_k π_k(x) N(t | μ_k(x), σ_k²)
 *   μ_k(x) = w_kᵀ φ(x)                         (expert k, linear in φ)
 *   π_k(x) = exp(v_kᵀ φ(x)) / Σ_j exp(v_jᵀ φ(x)) (softmax gate, linear in φ)
 *
 * EM. E-step: responsibilities r_ik = π_k(x_i) N(t_i | μ_k(x_i), σ_k²) / p(t_i | x_i),
 * computed in log space with log-sum-exp. M-step maximises
 *   Q = Σ_i Σ_k r_ik [ log N(t_i | w_kᵀφ_i, σ_k²) + log π_k(x_i) ]:
 *   experts: w_k = weighted least squares of t on φ with weights r_ik (GSL,
 *            SVD so a rank-deficient fit still gives the exact maximiser);
 *            σ_k² = Σ_i r_ik (t_i − w_kᵀφ_i)² / Σ_i r_ik, floored at var_floor;
 *   gate:    G(V) = Σ_i Σ_k r_ik log π_k(x_i) has no closed-form maximiser;
 *            take gate_steps damped Newton steps (gradient Σ_i (r_ik − π_ik) φ_i,
 *            Hessian −Σ_i π_ik(δ_kl − π_il) φ_i φ_iᵀ) with a backtracking line
 *            search that only accepts steps that do not decrease G.
 * Raising Q without maximising it is generalised EM: the log-likelihood cannot
 * decrease. mx_moe_step checks this after every iteration and, should rounding
 * make it fail, falls back to the old gate (then to the old parameters).
 * Only differences v_k − v_j of gate vectors are identifiable; the Newton step
 * has no component along the common shift, so Σ_k v_k stays at its initial 0.
 *
 * K = 1 is a single least-squares polynomial regression with σ² = RSS/N. */
#ifndef MIXSCOPE_MOE_H
#define MIXSCOPE_MOE_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector.h>

#include "mixscope/error.h"

#define MX_MOE_MAX_K 8      /* experts */
#define MX_MOE_MAX_DEGREE 7 /* polynomial degree P; D = P + 1 features */
#define MX_MOE_MAX_D (MX_MOE_MAX_DEGREE + 1)

typedef struct mx_moe {
  int n;            /* data points */
  int k;            /* experts, 1..MX_MOE_MAX_K */
  int degree;       /* P, 0..MX_MOE_MAX_DEGREE */
  int d;            /* features D = P + 1 */
  double var_floor; /* σ_k² >= var_floor (default 1e-6) */
  int gate_steps;   /* Newton steps on the gate per M-step (default 5) */

  double *x;        /* (N) inputs */
  double *t;        /* (N) targets */
  double *w;        /* (K, D) expert coefficients, μ_k(x) = Σ_j w[k*D+j] x^j */
  double *var;      /* (K) expert variances σ_k² */
  double *v;        /* (K, D) gate coefficients */
  double *resp;     /* (N, K) responsibilities from the last E-step */
  double loglik;    /* log p(t | x) = Σ_i log Σ_k π_ik N(t_i | μ_ik, σ_k²) at the current parameters */

  int iter;         /* EM iterations done since init */
  int hist_cap;     /* capacity of ll_hist */
  int hist_n;       /* entries in ll_hist: ll_hist[0] after init, ll_hist[i] after iteration i */
  double *ll_hist;  /* (hist_cap) log-likelihood trajectory (stops growing when full) */
  int fallbacks;    /* iterations where the GEM check had to fall back (should stay 0) */

  /* workspace (allocated once) */
  gsl_matrix *phi;  /* (N, D) features */
  gsl_vector *wts;  /* (N) weights for the weighted least squares */
  gsl_vector *ty;   /* (N) targets as a gsl_vector */
  gsl_vector *coef; /* (D) */
  gsl_matrix *cov;  /* (D, D) */
  gsl_multifit_linear_workspace *ls;
  gsl_matrix *gpi;  /* (N, KD) rows (π_i1 φ_i, ..., π_iK φ_i) for the gate Hessian */
  double *mu;       /* (N, K) expert means at the data */
  double *logpi;    /* (N, K) log gate weights at the data */
  double *logp;     /* (N, K) log π_ik + log N(t_i | μ_ik, σ_k²) */
  double *hess;     /* (KD, KD) negative Hessian of G (+ damping) */
  double *grad;     /* (KD) gradient of G */
  double *dir;      /* (KD) Newton direction */
  double *vtry;     /* (K, D) trial gate during the line search */
  double *w_old;    /* (K, D) backups for the GEM check */
  double *var_old;  /* (K) */
  double *v_old;    /* (K, D) */
} mx_moe;

/* Draw n points of Bishop's inverse problem: t ~ U(0,1),
 * x = t + 0.3 sin(2πt) + U(−0.1, 0.1). x, t: (n). */
void mx_moe_generate_bishop(gsl_rng *r, int n, double *x, double *t);

/* Read a CSV of "x,t" rows (optional header line, '#' comments, blank lines
 * skipped) into malloc'd arrays *x, *t of length *n. Errors name file and line. */
int mx_moe_read_csv(const char *path, double **x, double **t, int *n, mx_error *err);

/* Allocate a model for n points, k experts, polynomial degree, with room for
 * hist_cap log-likelihood values. NULL with *err on bad sizes / no memory. */
mx_moe *mx_moe_alloc(int n, int k, int degree, int hist_cap, mx_error *err);
void mx_moe_free(mx_moe *m);

/* Copy the data in (x, t: (n), finite) and build the features. */
int mx_moe_set_data(mx_moe *m, const double *x, const double *t, mx_error *err);

/* Seeded initialisation: expert k starts flat at the target of a distinct data
 * point drawn with r (sorted so colours follow t), σ_k² = var(t)/K, uniform gate
 * (V = 0). Then runs the E-step; ll_hist = {loglik}, iter = 0. */
int mx_moe_init(mx_moe *m, gsl_rng *r, mx_error *err);

/* Recompute responsibilities and loglik from the current parameters (use after
 * setting w, var, v by hand). Resets ll_hist to {loglik} and iter to 0. */
int mx_moe_restart(mx_moe *m, mx_error *err);

/* E-step: resp and loglik at the current parameters. MX_ENONFINITE if loglik is not finite. */
int mx_moe_e_step(mx_moe *m, mx_error *err);

/* M-step from the current resp: experts exactly, then the gate by damped Newton. */
int mx_moe_m_step(mx_moe *m, mx_error *err);

/* One EM iteration (M-step from the current resp, then E-step), with the GEM
 * check described above. Appends loglik to ll_hist, iter++. */
int mx_moe_step(mx_moe *m, mx_error *err);

/* The gate objective G(V) = Σ_i Σ_k r_ik log π_k(x_i; V) for V (K, D), at the current resp. */
double mx_moe_gate_objective(mx_moe *m, const double *v);

/* Evaluate at one input x: expert means mu (K), and gate weights pi (K); either may be NULL. */
void mx_moe_eval(const mx_moe *m, double x, double *mu, double *pi);

/* log p(t | x) under the current parameters. */
double mx_moe_cond_logpdf(const mx_moe *m, double x, double t);

/* p(t_j | x) (not the log) for the nt targets t at one input x, into p (nt):
 * the gate and the experts are evaluated once for x, then each target costs K
 * exponentials (a heatmap column). Equal to exp(mx_moe_cond_logpdf) up to
 * rounding; underflows to 0 where that is below ~1e-308. */
void mx_moe_cond_pdf_many(const mx_moe *m, double x, const double *t, int nt, double *p);

/* Ordinary least squares of t on (1, x, ..., x^degree): coef (degree+1),
 * *var = RSS/n (maximum likelihood), *loglik = Σ log N(t_i | fit, var).
 * The K = 1 baseline ("a single regression line" for degree 1). */
int mx_moe_linreg(const double *x, const double *t, int n, int degree, double *coef, double *var,
                  double *loglik, mx_error *err);

/* ---- Mixture density network (Bishop 1994): the same p(t | x) family, but
 * π_k(x), μ_k(x) and σ_k(x) are all outputs of one small neural network,
 * trained by gradient ascent on the log-likelihood (full batch, Adam).
 *   u = (x − x̄)/s_x                     (standardised input)
 *   h = tanh(W1 u + b1)                  (H hidden units)
 *   z = W2 h + b2,  z = (z_π (K), z_μ (K), z_s (K))
 *   π = softmax(z_π),  μ = z_μ,  σ = exp(z_s)
 * With responsibilities γ_k = π_k N(t | μ_k, σ_k²) / p(t | x), the gradient
 * of −log p(t | x) with respect to the outputs is
 *   ∂/∂z_π,k = π_k − γ_k,   ∂/∂μ_k = γ_k (μ_k − t)/σ_k²,
 *   ∂/∂z_s,k = γ_k (1 − (t − μ_k)²/σ_k²),
 * back-propagated through W2 and the tanh layer. */

#define MX_MDN_MAX_HIDDEN 256

typedef struct mx_mdn {
  int n;            /* data points */
  int k;            /* mixture components, 1..MX_MOE_MAX_K */
  int hidden;       /* H tanh units, 1..MX_MDN_MAX_HIDDEN */
  int np;           /* number of parameters: 2H + 3K·H + 3K */
  double lr;        /* Adam step size (default 0.01) */
  double *x;        /* (N) inputs */
  double *t;        /* (N) targets */
  double x_mean, x_sd; /* input standardisation */
  double *theta;    /* (np) parameters: W1 (H), b1 (H), W2 (3K, H), b2 (3K) */
  double *grad;     /* (np) gradient of the mean negative log-likelihood */
  double *adam_m;   /* (np) Adam first moment */
  double *adam_v;   /* (np) Adam second moment */
  double loglik;    /* Σ_i log p(t_i | x_i) at theta */
  int iter;         /* Adam steps since init */
  int hist_cap, hist_n;
  double *ll_hist;  /* (hist_cap) loglik after init and after each step (stops when full) */
  double *hbuf;     /* (H) hidden activations (workspace) */
  double *dh;       /* (H) workspace */
} mx_mdn;

/* Allocate a network for n points, k components, `hidden` tanh units. */
mx_mdn *mx_mdn_alloc(int n, int k, int hidden, int hist_cap, mx_error *err);
void mx_mdn_free(mx_mdn *d);

/* Copy the data (finite) and set the input standardisation. */
int mx_mdn_set_data(mx_mdn *d, const double *x, const double *t, mx_error *err);

/* Seeded initialisation: W1 ~ N(0, 1), W2 ~ N(0, 1/H)·0.5, b1 ~ U(−1, 1);
 * b2: μ biases at evenly spaced quantiles of t, log σ biases at log(sd(t)/K),
 * π biases 0. Resets Adam, the history and iter, and computes loglik. */
int mx_mdn_init(mx_mdn *d, gsl_rng *r, mx_error *err);

/* Σ_i log p(t_i | x_i) at theta (np), and the gradient of the MEAN negative
 * log-likelihood into grad (np) if grad is non-NULL. */
double mx_mdn_objective(mx_mdn *d, const double *theta, double *grad);

/* One full-batch Adam step on the mean negative log-likelihood; updates loglik,
 * the history and iter. MX_ENONFINITE if the objective stops being finite (the
 * parameters are then restored). */
int mx_mdn_step(mx_mdn *d, mx_error *err);

/* Mixture parameters at input x: pi, mu, sigma (K each; any may be NULL). */
void mx_mdn_eval(const mx_mdn *d, double x, double *pi, double *mu, double *sigma);

/* log p(t | x) under the network. */
double mx_mdn_cond_logpdf(const mx_mdn *d, double x, double t);

/* p(t_j | x) for the nt targets t at one input x, into p (nt): one forward
 * pass for x (as mx_moe_cond_pdf_many). */
void mx_mdn_cond_pdf_many(const mx_mdn *d, double x, const double *t, int nt, double *p);

/* Component posteriors γ_k (K) of one observation (x, t). */
void mx_mdn_resp(const mx_mdn *d, double x, double t, double *gamma);

#endif
