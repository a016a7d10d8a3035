/* mixscope — mixture of experts fitted by (generalised) EM. See moe.h. */
#include "mixscope/moe.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

#include "mixscope/fileio.h"

#define MX_LOG_2PI 1.8378770664093454835606594728112 /* log(2π) */
#define MX_TWO_PI 6.283185307179586476925286766559

/* ---- data ---------------------------------------------------------------- */

void mx_moe_generate_bishop(gsl_rng *r, int n, double *x, double *t) {
  int i;
  for (i = 0; i < n; i++) {
    double ti = gsl_rng_uniform(r);
    double noise = 0.2 * gsl_rng_uniform(r) - 0.1; /* U(−0.1, 0.1) */
    t[i] = ti;
    x[i] = ti + 0.3 * sin(MX_TWO_PI * ti) + noise;
  }
}

/* Parse one number field [s, e) (surrounding blanks allowed). 0 on success. */
static int parse_field(const char *s, const char *e, double *out) {
  char buf[1024], *end;
  size_t len;
  while (s < e && isspace((unsigned char)*s)) s++;
  while (e > s && isspace((unsigned char)e[-1])) e--;
  len = (size_t)(e - s);
  if (len == 0 || len >= sizeof buf) return -1;
  memcpy(buf, s, len);
  buf[len] = '\0';
  errno = 0;
  *out = strtod(buf, &end);
  if (*end != '\0' || errno == ERANGE || !isfinite(*out)) return -1;
  return 0;
}

int mx_moe_read_csv(const char *path, double **xo, double **to, int *no, mx_error *err) {
  char *data = NULL, *line;
  size_t len, cap = 0;
  double *x = NULL, *t = NULL;
  int n = 0, lineno = 0, rc, seen_row = 0;
  *xo = *to = NULL;
  *no = 0;
  if ((rc = mx_file_read_text(path, &data, &len, err)) != MX_OK) return rc;
  if (memchr(data, '\0', len)) {
    free(data);
    return mx_error_set(err, MX_EPARSE, "%s: binary data (NUL byte), expected a CSV of x,t rows", path);
  }
  for (line = data; line && *line;) {
    char *nl = strchr(line, '\n'), *end, *comma, *p;
    double xv, tv;
    lineno++;
    end = nl ? nl : line + strlen(line);
    if (end > line && end[-1] == '\r') end--;
    p = line;
    while (p < end && isspace((unsigned char)*p)) p++;
    if (p == end || *p == '#') goto next;
    comma = memchr(p, ',', (size_t)(end - p));
    if (!comma) {
      rc = mx_error_set(err, MX_EPARSE, "%s:%d: expected 2 comma-separated fields (x,t), found 1",
                        path, lineno);
      goto fail;
    }
    if (memchr(comma + 1, ',', (size_t)(end - comma - 1))) {
      int nf = 1;
      const char *q;
      for (q = p; q < end; q++) nf += *q == ',';
      rc = mx_error_set(err, MX_EPARSE, "%s:%d: expected 2 comma-separated fields (x,t), found %d",
                        path, lineno, nf);
      goto fail;
    }
    if (parse_field(p, comma, &xv) != 0 || parse_field(comma + 1, end, &tv) != 0) {
      int bad = parse_field(p, comma, &xv) != 0 ? 1 : 2;
      const char *fs = bad == 1 ? p : comma + 1, *fe = bad == 1 ? comma : end;
      /* The first row may be a header such as "x,t". */
      if (!seen_row && isalpha((unsigned char)*p) && n == 0) {
        seen_row = 1;
        goto next;
      }
      rc = mx_error_set(err, MX_EPARSE, "%s:%d: field %d (%s) '%.*s' is not a finite number",
                        path, lineno, bad, bad == 1 ? "x" : "t", (int)(fe - fs > 40 ? 40 : fe - fs),
                        fs);
      goto fail;
    }
    seen_row = 1;
    if ((size_t)n == cap) {
      size_t nc = cap ? 2 * cap : 256;
      double *nx, *nt;
      if (nc > 100000000) {
        rc = mx_error_set(err, MX_ETOOBIG, "%s:%d: more than 100000000 rows", path, lineno);
        goto fail;
      }
      nx = realloc(x, nc * sizeof *x);
      if (!nx) goto nomem;
      x = nx;
      nt = realloc(t, nc * sizeof *t);
      if (!nt) goto nomem;
      t = nt;
      cap = nc;
    }
    x[n] = xv;
    t[n] = tv;
    n++;
  next:
    line = nl ? nl + 1 : NULL;
  }
  free(data);
  if (n == 0) {
    free(x);
    free(t);
    return mx_error_set(err, MX_EEMPTY, "%s: no data rows (expected lines of x,t)", path);
  }
  *xo = x;
  *to = t;
  *no = n;
  return MX_OK;
nomem:
  rc = mx_error_set(err, MX_ENOMEM, "%s: out of memory reading row %d", path, n + 1);
fail:
  free(data);
  free(x);
  free(t);
  return rc;
}

/* ---- allocation ------------------------------------------------------------ */

mx_moe *mx_moe_alloc(int n, int k, int degree, int hist_cap, mx_error *err) {
  mx_moe *m;
  size_t kd;
  int d = degree + 1;
  if (k < 1 || k > MX_MOE_MAX_K) {
    mx_error_set(err, MX_EINVAL, "number of experts K must be in 1..%d, got %d", MX_MOE_MAX_K, k);
    return NULL;
  }
  if (degree < 0 || degree > MX_MOE_MAX_DEGREE) {
    mx_error_set(err, MX_EINVAL, "polynomial degree must be in 0..%d, got %d", MX_MOE_MAX_DEGREE,
                 degree);
    return NULL;
  }
  if (n < d) {
    mx_error_set(err, MX_EINVAL, "need at least %d points for polynomial degree %d, got %d", d,
                 degree, n);
    return NULL;
  }
  if (n > 50000000) {
    mx_error_set(err, MX_ETOOBIG, "at most 50000000 points, got %d", n);
    return NULL;
  }
  if (hist_cap < 1) hist_cap = 1;
  kd = (size_t)k * (size_t)d;
  m = calloc(1, sizeof *m);
  if (!m) goto nomem;
  m->n = n;
  m->k = k;
  m->degree = degree;
  m->d = d;
  m->var_floor = 1e-6;
  m->gate_steps = 5;
  m->hist_cap = hist_cap;
  m->x = calloc((size_t)n, sizeof *m->x);
  m->t = calloc((size_t)n, sizeof *m->t);
  m->w = calloc(kd, sizeof *m->w);
  m->var = calloc((size_t)k, sizeof *m->var);
  m->v = calloc(kd, sizeof *m->v);
  m->resp = calloc((size_t)n * k, sizeof *m->resp);
  m->ll_hist = calloc((size_t)hist_cap, sizeof *m->ll_hist);
  m->mu = calloc((size_t)n * k, sizeof *m->mu);
  m->logpi = calloc((size_t)n * k, sizeof *m->logpi);
  m->logp = calloc((size_t)n * k, sizeof *m->logp);
  m->hess = calloc(2 * kd * kd, sizeof *m->hess);
  m->grad = calloc(kd, sizeof *m->grad);
  m->dir = calloc(kd, sizeof *m->dir);
  m->vtry = calloc(kd, sizeof *m->vtry);
  m->w_old = calloc(kd, sizeof *m->w_old);
  m->var_old = calloc((size_t)k, sizeof *m->var_old);
  m->v_old = calloc(kd, sizeof *m->v_old);
  if (!m->x || !m->t || !m->w || !m->var || !m->v || !m->resp || !m->ll_hist || !m->mu ||
      !m->logpi || !m->logp || !m->hess || !m->grad || !m->dir || !m->vtry || !m->w_old ||
      !m->var_old || !m->v_old)
    goto nomem;
  { /* GSL's allocators report failure through its error handler (abort by
     * default) before returning NULL: off for these calls, so NULL is checked. */
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    m->phi = gsl_matrix_alloc((size_t)n, (size_t)d);
    m->wts = gsl_vector_alloc((size_t)n);
    m->ty = gsl_vector_alloc((size_t)n);
    m->coef = gsl_vector_alloc((size_t)d);
    m->cov = gsl_matrix_alloc((size_t)d, (size_t)d);
    m->ls = gsl_multifit_linear_alloc((size_t)n, (size_t)d);
    m->gpi = gsl_matrix_alloc((size_t)n, kd);
    gsl_set_error_handler(old);
  }
  if (!m->phi || !m->wts || !m->ty || !m->coef || !m->cov || !m->ls || !m->gpi) goto nomem;
  return m;
nomem:
  mx_moe_free(m);
  mx_error_set(err, MX_ENOMEM, "out of memory allocating a mixture of experts (N=%d, K=%d, D=%d)",
               n, k, d);
  return NULL;
}

void mx_moe_free(mx_moe *m) {
  if (!m) return;
  free(m->x);
  free(m->t);
  free(m->w);
  free(m->var);
  free(m->v);
  free(m->resp);
  free(m->ll_hist);
  free(m->mu);
  free(m->logpi);
  free(m->logp);
  free(m->hess);
  free(m->grad);
  free(m->dir);
  free(m->vtry);
  free(m->w_old);
  free(m->var_old);
  free(m->v_old);
  if (m->phi) gsl_matrix_free(m->phi);
  if (m->wts) gsl_vector_free(m->wts);
  if (m->ty) gsl_vector_free(m->ty);
  if (m->coef) gsl_vector_free(m->coef);
  if (m->cov) gsl_matrix_free(m->cov);
  if (m->ls) gsl_multifit_linear_free(m->ls);
  if (m->gpi) gsl_matrix_free(m->gpi);
  free(m);
}

/* φ(x) = (1, x, ..., x^P) into f (D). */
static void features(int d, double x, double *f) {
  int j;
  f[0] = 1.0;
  for (j = 1; j < d; j++) f[j] = f[j - 1] * x;
}

int mx_moe_set_data(mx_moe *m, const double *x, const double *t, mx_error *err) {
  int i, j;
  for (i = 0; i < m->n; i++) {
    if (!isfinite(x[i]) || !isfinite(t[i]))
      return mx_error_set(err, MX_ENONFINITE, "data point %d: %s is not finite", i + 1,
                          !isfinite(x[i]) ? "x" : "t");
  }
  for (i = 0; i < m->n; i++) {
    double f[MX_MOE_MAX_D];
    m->x[i] = x[i];
    m->t[i] = t[i];
    gsl_vector_set(m->ty, (size_t)i, t[i]);
    features(m->d, x[i], f);
    for (j = 0; j < m->d; j++) gsl_matrix_set(m->phi, (size_t)i, (size_t)j, f[j]);
  }
  return MX_OK;
}

/* ---- evaluation ------------------------------------------------------------ */

static double dot(const double *a, const double *b, int d) {
  double s = 0.0;
  int j;
  for (j = 0; j < d; j++) s += a[j] * b[j];
  return s;
}

/* log-softmax of the k gate activations v_kᵀf into lp (K). */
static void log_gate(const double *v, int k, int d, const double *f, double *lp) {
  double mx = -INFINITY, s = 0.0, lse;
  int c;
  for (c = 0; c < k; c++) {
    lp[c] = dot(v + (size_t)c * d, f, d);
    if (lp[c] > mx) mx = lp[c];
  }
  for (c = 0; c < k; c++) s += exp(lp[c] - mx);
  lse = mx + log(s);
  for (c = 0; c < k; c++) lp[c] -= lse;
}

static double log_normal(double t, double mean, double var) {
  double e = t - mean;
  return -0.5 * (MX_LOG_2PI + log(var) + e * e / var);
}

void mx_moe_eval(const mx_moe *m, double x, double *mu, double *pi) {
  double f[MX_MOE_MAX_D], lp[MX_MOE_MAX_K];
  int c;
  features(m->d, x, f);
  if (mu)
    for (c = 0; c < m->k; c++) mu[c] = dot(m->w + (size_t)c * m->d, f, m->d);
  if (pi) {
    log_gate(m->v, m->k, m->d, f, lp);
    for (c = 0; c < m->k; c++) pi[c] = exp(lp[c]);
  }
}

double mx_moe_cond_logpdf(const mx_moe *m, double x, double t) {
  double f[MX_MOE_MAX_D], lp[MX_MOE_MAX_K], mx = -INFINITY, s = 0.0;
  int c;
  features(m->d, x, f);
  log_gate(m->v, m->k, m->d, f, lp);
  for (c = 0; c < m->k; c++) {
    lp[c] += log_normal(t, dot(m->w + (size_t)c * m->d, f, m->d), m->var[c]);
    if (lp[c] > mx) mx = lp[c];
  }
  if (mx == -INFINITY) return mx;
  for (c = 0; c < m->k; c++) s += exp(lp[c] - mx);
  return mx + log(s);
}

/* p(t_j | x) = Σ_k exp(a_k − h_k (t_j − μ_k)²) for nt targets at one input,
 * with a_k = log π_k − ½ log(2π σ_k²) and h_k = 1/(2σ_k²) evaluated once. */
static void mixture_pdf(int k, const double *a, const double *h, const double *mu, const double *t,
                        int nt, double *p) {
  int j, c;
  for (j = 0; j < nt; j++) {
    double s = 0.0;
    for (c = 0; c < k; c++) {
      double e = t[j] - mu[c];
      s += exp(a[c] - h[c] * e * e);
    }
    p[j] = s;
  }
}

void mx_moe_cond_pdf_many(const mx_moe *m, double x, const double *t, int nt, double *p) {
  double f[MX_MOE_MAX_D], lp[MX_MOE_MAX_K], a[MX_MOE_MAX_K], h[MX_MOE_MAX_K], mu[MX_MOE_MAX_K];
  int c;
  features(m->d, x, f);
  log_gate(m->v, m->k, m->d, f, lp);
  for (c = 0; c < m->k; c++) {
    mu[c] = dot(m->w + (size_t)c * m->d, f, m->d);
    a[c] = lp[c] - 0.5 * (MX_LOG_2PI + log(m->var[c]));
    h[c] = 0.5 / m->var[c];
  }
  mixture_pdf(m->k, a, h, mu, t, nt, p);
}

/* ---- EM -------------------------------------------------------------------- */

int mx_moe_e_step(mx_moe *m, mx_error *err) {
  const int n = m->n, k = m->k, d = m->d;
  double ll = 0.0;
  int i, c;
  for (i = 0; i < n; i++) {
    const double *f = gsl_matrix_const_ptr(m->phi, (size_t)i, 0);
    double *lpi = m->logpi + (size_t)i * k, *lp = m->logp + (size_t)i * k;
    double *mu = m->mu + (size_t)i * k, *r = m->resp + (size_t)i * k;
    double mx = -INFINITY, s = 0.0, li;
    log_gate(m->v, k, d, f, lpi);
    for (c = 0; c < k; c++) {
      mu[c] = dot(m->w + (size_t)c * d, f, d);
      lp[c] = lpi[c] + log_normal(m->t[i], mu[c], m->var[c]);
      if (lp[c] > mx) mx = lp[c];
    }
    for (c = 0; c < k; c++) s += exp(lp[c] - mx);
    li = mx + log(s);
    for (c = 0; c < k; c++) r[c] = exp(lp[c] - li);
    ll += li;
  }
  m->loglik = ll;
  if (!isfinite(ll))
    return mx_error_set(err, MX_ENONFINITE, "mixture of experts: log-likelihood is %g", ll);
  return MX_OK;
}

/* Experts: weighted least squares and weighted residual variance per expert. */
static int m_step_experts(mx_moe *m, mx_error *err) {
  const int n = m->n, k = m->k, d = m->d;
  gsl_error_handler_t *old;
  int i, c, j, rc;
  for (c = 0; c < k; c++) {
    double nk = 0.0, chisq, rss = 0.0;
    for (i = 0; i < n; i++) {
      double r = m->resp[(size_t)i * k + c];
      gsl_vector_set(m->wts, (size_t)i, r);
      nk += r;
    }
    /* An expert with (numerically) no responsibility keeps its parameters: it
     * contributes nothing to Q, so any value maximises its part. */
    if (nk < 1e-10) continue;
    old = gsl_set_error_handler_off(); /* a failure is a status, not an abort */
    rc = gsl_multifit_wlinear(m->phi, m->wts, m->ty, m->coef, m->cov, &chisq, m->ls);
    gsl_set_error_handler(old);
    if (rc != GSL_SUCCESS)
      return mx_error_set(err, MX_ENONFINITE, "mixture of experts: weighted least squares failed for expert %d",
                          c + 1);
    for (j = 0; j < d; j++) m->w[(size_t)c * d + j] = gsl_vector_get(m->coef, (size_t)j);
    for (i = 0; i < n; i++) {
      double e = m->t[i] - dot(m->w + (size_t)c * d, gsl_matrix_const_ptr(m->phi, (size_t)i, 0), d);
      rss += m->resp[(size_t)i * k + c] * e * e;
    }
    m->var[c] = rss / nk;
    if (!(m->var[c] >= m->var_floor)) m->var[c] = m->var_floor;
  }
  return MX_OK;
}

double mx_moe_gate_objective(mx_moe *m, const double *v) {
  const int n = m->n, k = m->k, d = m->d;
  double g = 0.0, lp[MX_MOE_MAX_K];
  int i, c;
  for (i = 0; i < n; i++) {
    const double *r = m->resp + (size_t)i * k;
    log_gate(v, k, d, gsl_matrix_const_ptr(m->phi, (size_t)i, 0), lp);
    for (c = 0; c < k; c++)
      if (r[c] > 0.0) g += r[c] * lp[c];
  }
  return g;
}

/* Solve B x = g for a symmetric positive definite B (n, n) with GSL's
 * Cholesky, B overwritten by its factor. Returns -1 when B is not positive
 * definite: the damping loop below expects that on its first tries, so GSL's
 * error handler (abort by default) is off for this call only, as in gmm.c. */
static int chol_solve(double *B, int n, double *g, double *x) {
  gsl_matrix_view Bv = gsl_matrix_view_array(B, (size_t)n, (size_t)n);
  gsl_vector_view gv = gsl_vector_view_array(g, (size_t)n);
  gsl_vector_view xv = gsl_vector_view_array(x, (size_t)n);
  gsl_error_handler_t *old = gsl_set_error_handler_off();
  int rc = gsl_linalg_cholesky_decomp1(&Bv.matrix);
  if (rc == GSL_SUCCESS) rc = gsl_linalg_cholesky_solve(&Bv.matrix, &gv.vector, &xv.vector);
  gsl_set_error_handler(old);
  return rc == GSL_SUCCESS ? 0 : -1;
}

/* Gate: damped Newton with backtracking on G(V); never decreases G. */
static void m_step_gate(mx_moe *m) {
  const int n = m->n, k = m->k, d = m->d, kd = k * d;
  double *A = m->hess, *B = m->hess + (size_t)kd * kd;
  int step;
  if (k < 2) return;
  for (step = 0; step < m->gate_steps; step++) {
    double g0 = mx_moe_gate_objective(m, m->v), gmax = 0.0, diag = 0.0, lambda;
    double pi[MX_MOE_MAX_K], lp[MX_MOE_MAX_K], s;
    int i, a, b, c, j, q, ok = 0, tries;
    /* −H = Σ_i (diag(π_i) − π_i π_iᵀ) ⊗ φ_i φ_iᵀ
     *    = blockdiag_c(Σ_i π_ic φ_i φ_iᵀ) − GᵀG,  with rows G_i = (π_i1 φ_i, ..., π_iK φ_i). */
    memset(A, 0, (size_t)kd * kd * sizeof *A);
    memset(m->grad, 0, (size_t)kd * sizeof *m->grad);
    for (i = 0; i < n; i++) {
      const double *f = gsl_matrix_const_ptr(m->phi, (size_t)i, 0);
      const double *r = m->resp + (size_t)i * k;
      double *g = gsl_matrix_ptr(m->gpi, (size_t)i, 0);
      log_gate(m->v, k, d, f, lp);
      for (c = 0; c < k; c++) pi[c] = exp(lp[c]);
      for (c = 0; c < k; c++) {
        double *blk = A + (size_t)(c * d) * kd + c * d;
        for (j = 0; j < d; j++) {
          double pf = pi[c] * f[j];
          m->grad[c * d + j] += (r[c] - pi[c]) * f[j];
          g[c * d + j] = pf;
          for (q = j; q < d; q++) blk[(size_t)j * kd + q] += pf * f[q];
        }
      }
    }
    {
      gsl_matrix_view Av = gsl_matrix_view_array(A, (size_t)kd, (size_t)kd);
      gsl_blas_dsyrk(CblasUpper, CblasTrans, -1.0, m->gpi, 1.0, &Av.matrix);
    }
    /* Symmetrise from the upper triangle. */
    for (a = 0; a < kd; a++)
      for (b = 0; b < a; b++) A[(size_t)a * kd + b] = A[(size_t)b * kd + a];
    for (a = 0; a < kd; a++) {
      if (fabs(m->grad[a]) > gmax) gmax = fabs(m->grad[a]);
      diag += A[(size_t)a * kd + a];
    }
    if (gmax < 1e-12 * (double)n) break; /* converged */
    /* −H is only semi-definite (a common shift of all v_k changes nothing):
     * add λI, growing λ until the Cholesky factorisation succeeds. */
    lambda = 1e-9 * (diag / kd) + 1e-300;
    for (tries = 0; tries < 30; tries++) {
      memcpy(B, A, (size_t)kd * kd * sizeof *B);
      for (a = 0; a < kd; a++) B[(size_t)a * kd + a] += lambda;
      if (chol_solve(B, kd, m->grad, m->dir) == 0) {
        ok = 1;
        break;
      }
      lambda = lambda * 100.0 + 1e-12;
    }
    if (!ok) break;
    /* Remove any common shift of the K gate vectors (the null direction of −H,
     * where the damped solve would amplify rounding in the gradient). */
    for (j = 0; j < d; j++) {
      double mean = 0.0;
      for (c = 0; c < k; c++) mean += m->dir[c * d + j];
      mean /= k;
      for (c = 0; c < k; c++) m->dir[c * d + j] -= mean;
    }
    /* Newton decrement gᵀΔ: the predicted gain is half of it. Below rounding
     * level of G there is nothing left to gain. */
    {
      double dec = 0.0;
      for (a = 0; a < kd; a++) dec += m->grad[a] * m->dir[a];
      if (!(dec > 1e-15 * (fabs(g0) + 1.0))) break;
    }
    /* Backtracking: accept the first step length that does not decrease G. */
    ok = 0;
    for (s = 1.0, tries = 0; tries < 30; tries++, s *= 0.5) {
      double gt;
      for (a = 0; a < kd; a++) m->vtry[a] = m->v[a] + s * m->dir[a];
      gt = mx_moe_gate_objective(m, m->vtry);
      if (isfinite(gt) && gt >= g0) {
        ok = gt > g0;
        memcpy(m->v, m->vtry, (size_t)kd * sizeof *m->v);
        break;
      }
    }
    if (!ok) break; /* no strict improvement: the gate is at its optimum (to rounding) */
  }
}

int mx_moe_m_step(mx_moe *m, mx_error *err) {
  int rc = m_step_experts(m, err);
  if (rc != MX_OK) return rc;
  m_step_gate(m);
  return MX_OK;
}

static void hist_reset(mx_moe *m) {
  m->iter = 0;
  m->fallbacks = 0;
  m->ll_hist[0] = m->loglik;
  m->hist_n = 1;
}

int mx_moe_restart(mx_moe *m, mx_error *err) {
  int rc = mx_moe_e_step(m, err);
  hist_reset(m);
  return rc;
}

int mx_moe_init(mx_moe *m, gsl_rng *r, mx_error *err) {
  const int n = m->n, k = m->k, d = m->d;
  int idx[MX_MOE_MAX_K], i, c, j;
  double mean = 0.0, var = 0.0, tk[MX_MOE_MAX_K];
  for (i = 0; i < n; i++) mean += m->t[i];
  mean /= n;
  for (i = 0; i < n; i++) var += (m->t[i] - mean) * (m->t[i] - mean);
  var /= n;
  /* k distinct indices (n >= d >= 1; if n < k, indices repeat). */
  if (n >= k) {
    /* Floyd's algorithm: k distinct draws from 0..n-1 with k RNG calls. */
    for (c = 0; c < k; c++) {
      int cand = n - k + c, pick = (int)gsl_rng_uniform_int(r, (unsigned long)(cand + 1)), dup = 0;
      for (j = 0; j < c; j++)
        if (idx[j] == pick) dup = 1;
      idx[c] = dup ? cand : pick;
    }
  } else {
    for (c = 0; c < k; c++) idx[c] = (int)gsl_rng_uniform_int(r, (unsigned long)n);
  }
  for (c = 0; c < k; c++) tk[c] = m->t[idx[c]];
  /* Sort the starting levels so expert colours run from low t to high t. */
  for (c = 1; c < k; c++) {
    double v = tk[c];
    j = c - 1;
    while (j >= 0 && tk[j] > v) {
      tk[j + 1] = tk[j];
      j--;
    }
    tk[j + 1] = v;
  }
  for (c = 0; c < k; c++) {
    for (j = 0; j < d; j++) {
      m->w[(size_t)c * d + j] = j == 0 ? tk[c] : 0.0;
      m->v[(size_t)c * d + j] = 0.0;
    }
    m->var[c] = var / k > m->var_floor ? var / k : m->var_floor;
  }
  return mx_moe_restart(m, err);
}

int mx_moe_step(mx_moe *m, mx_error *err) {
  const size_t kd = (size_t)m->k * m->d;
  const double ll_old = m->loglik, tol = 1e-10 * (fabs(ll_old) + 1.0);
  int rc;
  memcpy(m->w_old, m->w, kd * sizeof *m->w);
  memcpy(m->var_old, m->var, (size_t)m->k * sizeof *m->var);
  memcpy(m->v_old, m->v, kd * sizeof *m->v);
  if ((rc = mx_moe_m_step(m, err)) != MX_OK) goto restore_all;
  rc = mx_moe_e_step(m, err);
  if (rc == MX_OK && m->loglik >= ll_old - tol) goto done;
  /* GEM check failed: keep the exact expert update, drop the gate update. */
  m->fallbacks++;
  memcpy(m->v, m->v_old, kd * sizeof *m->v);
  rc = mx_moe_e_step(m, err);
  if (rc == MX_OK && m->loglik >= ll_old - tol) goto done;
restore_all:
  memcpy(m->w, m->w_old, kd * sizeof *m->w);
  memcpy(m->var, m->var_old, (size_t)m->k * sizeof *m->var);
  memcpy(m->v, m->v_old, kd * sizeof *m->v);
  {
    int rc2 = mx_moe_e_step(m, NULL);
    if (rc == MX_OK) rc = rc2;
  }
  if (rc != MX_OK) return rc;
done:
  m->iter++;
  if (m->hist_n < m->hist_cap) m->ll_hist[m->hist_n++] = m->loglik;
  return MX_OK;
}

/* ---- baseline -------------------------------------------------------------- */

int mx_moe_linreg(const double *x, const double *t, int n, int degree, double *coef, double *var,
                  double *loglik, mx_error *err) {
  int d = degree + 1, i, j;
  gsl_matrix *X;
  gsl_vector *y, *c;
  gsl_matrix *cov;
  gsl_multifit_linear_workspace *ws;
  gsl_error_handler_t *old;
  double chisq, rss = 0.0;
  int rc = MX_OK;
  if (degree < 0 || degree > MX_MOE_MAX_DEGREE || n < d)
    return mx_error_set(err, MX_EINVAL, "linear regression: need degree in 0..%d and n >= %d (n = %d)",
                        MX_MOE_MAX_DEGREE, d, n);
  old = gsl_set_error_handler_off(); /* GSL failures are statuses here, not aborts */
  X = gsl_matrix_alloc((size_t)n, (size_t)d);
  y = gsl_vector_alloc((size_t)n);
  c = gsl_vector_alloc((size_t)d);
  cov = gsl_matrix_alloc((size_t)d, (size_t)d);
  ws = gsl_multifit_linear_alloc((size_t)n, (size_t)d);
  if (!X || !y || !c || !cov || !ws) {
    rc = mx_error_set(err, MX_ENOMEM, "linear regression: out of memory (n = %d)", n);
    goto out;
  }
  for (i = 0; i < n; i++) {
    double f[MX_MOE_MAX_D];
    features(d, x[i], f);
    for (j = 0; j < d; j++) gsl_matrix_set(X, (size_t)i, (size_t)j, f[j]);
    gsl_vector_set(y, (size_t)i, t[i]);
  }
  if (gsl_multifit_linear(X, y, c, cov, &chisq, ws) != 0) {
    rc = mx_error_set(err, MX_ENONFINITE, "linear regression: least squares failed");
    goto out;
  }
  for (j = 0; j < d; j++) coef[j] = gsl_vector_get(c, (size_t)j);
  for (i = 0; i < n; i++) {
    double e = t[i] - dot(coef, gsl_matrix_const_ptr(X, (size_t)i, 0), d);
    rss += e * e;
  }
  /* A residual at rounding level of the targets is an exact fit: the ML
   * variance is 0 and the likelihood unbounded, reported as +inf. */
  {
    double tmax = 0.0;
    for (i = 0; i < n; i++) tmax = fmax(tmax, fabs(t[i]));
    if (rss <= (double)n * 256.0 * (DBL_EPSILON * tmax) * (DBL_EPSILON * tmax)) rss = 0.0;
  }
  *var = rss / n;
  if (*var > 0.0) {
    double ll = 0.0;
    for (i = 0; i < n; i++) ll += log_normal(t[i], dot(coef, gsl_matrix_const_ptr(X, (size_t)i, 0), d), *var);
    *loglik = ll;
  } else {
    *loglik = INFINITY; /* a perfect fit: the ML variance is 0 and the density is unbounded */
  }
out:
  gsl_set_error_handler(old);
  if (X) gsl_matrix_free(X);
  if (y) gsl_vector_free(y);
  if (c) gsl_vector_free(c);
  if (cov) gsl_matrix_free(cov);
  if (ws) gsl_multifit_linear_free(ws);
  return rc;
}

/* ---- mixture density network ------------------------------------------------ */

#define MDN_B1 0.9
#define MDN_B2 0.999
#define MDN_EPS 1e-8

mx_mdn *mx_mdn_alloc(int n, int k, int hidden, int hist_cap, mx_error *err) {
  mx_mdn *d;
  if (k < 1 || k > MX_MOE_MAX_K) {
    mx_error_set(err, MX_EINVAL, "number of MDN components K must be in 1..%d, got %d", MX_MOE_MAX_K, k);
    return NULL;
  }
  if (hidden < 1 || hidden > MX_MDN_MAX_HIDDEN) {
    mx_error_set(err, MX_EINVAL, "MDN hidden units must be in 1..%d, got %d", MX_MDN_MAX_HIDDEN, hidden);
    return NULL;
  }
  if (n < 2 || n > 50000000) {
    mx_error_set(err, MX_EINVAL, "MDN needs 2..50000000 points, got %d", n);
    return NULL;
  }
  if (hist_cap < 1) hist_cap = 1;
  d = calloc(1, sizeof *d);
  if (!d) goto nomem;
  d->n = n;
  d->k = k;
  d->hidden = hidden;
  d->np = 2 * hidden + 3 * k * hidden + 3 * k;
  d->lr = 0.01;
  d->hist_cap = hist_cap;
  d->x = calloc((size_t)n, sizeof *d->x);
  d->t = calloc((size_t)n, sizeof *d->t);
  d->theta = calloc((size_t)d->np * 2, sizeof *d->theta); /* second half: backup for a failed step */
  d->grad = calloc((size_t)d->np, sizeof *d->grad);
  d->adam_m = calloc((size_t)d->np, sizeof *d->adam_m);
  d->adam_v = calloc((size_t)d->np, sizeof *d->adam_v);
  d->ll_hist = calloc((size_t)hist_cap, sizeof *d->ll_hist);
  d->hbuf = calloc((size_t)hidden, sizeof *d->hbuf);
  d->dh = calloc((size_t)hidden, sizeof *d->dh);
  if (!d->x || !d->t || !d->theta || !d->grad || !d->adam_m || !d->adam_v || !d->ll_hist || !d->hbuf ||
      !d->dh)
    goto nomem;
  return d;
nomem:
  mx_mdn_free(d);
  mx_error_set(err, MX_ENOMEM, "out of memory allocating a mixture density network (N=%d, H=%d)", n, hidden);
  return NULL;
}

void mx_mdn_free(mx_mdn *d) {
  if (!d) return;
  free(d->x);
  free(d->t);
  free(d->theta);
  free(d->grad);
  free(d->adam_m);
  free(d->adam_v);
  free(d->ll_hist);
  free(d->hbuf);
  free(d->dh);
  free(d);
}

int mx_mdn_set_data(mx_mdn *d, const double *x, const double *t, mx_error *err) {
  double mean = 0.0, var = 0.0;
  int i;
  for (i = 0; i < d->n; i++)
    if (!isfinite(x[i]) || !isfinite(t[i]))
      return mx_error_set(err, MX_ENONFINITE, "data point %d: %s is not finite", i + 1,
                          !isfinite(x[i]) ? "x" : "t");
  for (i = 0; i < d->n; i++) {
    d->x[i] = x[i];
    d->t[i] = t[i];
    mean += x[i];
  }
  mean /= d->n;
  for (i = 0; i < d->n; i++) var += (x[i] - mean) * (x[i] - mean);
  var /= d->n;
  d->x_mean = mean;
  d->x_sd = var > 0 ? sqrt(var) : 1.0;
  return MX_OK;
}

/* Forward pass at one input: hidden activations into h (H), outputs into z (3K). */
static void mdn_forward(const mx_mdn *d, const double *th, double x, double *h, double *z) {
  const int H = d->hidden, K3 = 3 * d->k;
  const double *W1 = th, *b1 = th + H, *W2 = th + 2 * H, *b2 = W2 + (size_t)K3 * H;
  double u = (x - d->x_mean) / d->x_sd;
  int j, r;
  for (j = 0; j < H; j++) h[j] = tanh(W1[j] * u + b1[j]);
  for (r = 0; r < K3; r++) z[r] = b2[r] + dot(W2 + (size_t)r * H, h, H);
}

/* From outputs z (3K) and target t: log π_k + log N(t | μ_k, σ_k²) into lp (K); returns log p(t | x). */
static double mdn_logp(int k, const double *z, double t, double *lp) {
  double mx = -INFINITY, s = 0.0, lse;
  int c;
  for (c = 0; c < k; c++)
    if (z[c] > mx) mx = z[c];
  for (c = 0; c < k; c++) s += exp(z[c] - mx);
  lse = mx + log(s); /* log Σ exp(z_π) */
  mx = -INFINITY;
  for (c = 0; c < k; c++) {
    double e = t - z[k + c], ls = z[2 * k + c];
    lp[c] = (z[c] - lse) - 0.5 * MX_LOG_2PI - ls - 0.5 * e * e * exp(-2.0 * ls);
    if (lp[c] > mx) mx = lp[c];
  }
  if (mx == -INFINITY) return mx;
  s = 0.0;
  for (c = 0; c < k; c++) s += exp(lp[c] - mx);
  return mx + log(s);
}

double mx_mdn_objective(mx_mdn *d, const double *th, double *grad) {
  const int H = d->hidden, K = d->k, K3 = 3 * K;
  const double *W2 = th + 2 * H;
  double ll = 0.0, z[3 * MX_MOE_MAX_K], lp[MX_MOE_MAX_K], dz[3 * MX_MOE_MAX_K], scale = 1.0 / d->n;
  double *gW1 = grad, *gb1 = grad ? grad + H : NULL, *gW2 = grad ? grad + 2 * H : NULL;
  double *gb2 = grad ? gW2 + (size_t)K3 * H : NULL;
  int i, j, r, c;
  if (grad) memset(grad, 0, (size_t)d->np * sizeof *grad);
  for (i = 0; i < d->n; i++) {
    double li, t = d->t[i], u = (d->x[i] - d->x_mean) / d->x_sd, mxz = -INFINITY, s = 0.0;
    mdn_forward(d, th, d->x[i], d->hbuf, z);
    li = mdn_logp(K, z, t, lp);
    ll += li;
    if (!grad) continue;
    for (c = 0; c < K; c++)
      if (z[c] > mxz) mxz = z[c];
    for (c = 0; c < K; c++) s += exp(z[c] - mxz);
    for (c = 0; c < K; c++) {
      double pi = exp(z[c] - mxz) / s, g = exp(lp[c] - li), e = t - z[K + c];
      double inv_var = exp(-2.0 * z[2 * K + c]);
      dz[c] = scale * (pi - g);
      dz[K + c] = scale * g * (-e) * inv_var;
      dz[2 * K + c] = scale * g * (1.0 - e * e * inv_var);
    }
    for (j = 0; j < H; j++) d->dh[j] = 0.0;
    for (r = 0; r < K3; r++) {
      const double *w = W2 + (size_t)r * H;
      double *gw = gW2 + (size_t)r * H;
      gb2[r] += dz[r];
      for (j = 0; j < H; j++) {
        gw[j] += dz[r] * d->hbuf[j];
        d->dh[j] += w[j] * dz[r];
      }
    }
    for (j = 0; j < H; j++) {
      double dpre = d->dh[j] * (1.0 - d->hbuf[j] * d->hbuf[j]);
      gW1[j] += dpre * u;
      gb1[j] += dpre;
    }
  }
  return ll;
}

int mx_mdn_init(mx_mdn *d, gsl_rng *r, mx_error *err) {
  const int H = d->hidden, K = d->k, K3 = 3 * K;
  double *W1 = d->theta, *b1 = W1 + H, *W2 = W1 + 2 * H, *b2 = W2 + (size_t)K3 * H;
  double mean = 0.0, var = 0.0, sd;
  int i, j, c;
  for (i = 0; i < d->n; i++) mean += d->t[i];
  mean /= d->n;
  for (i = 0; i < d->n; i++) var += (d->t[i] - mean) * (d->t[i] - mean);
  sd = sqrt(var / d->n);
  if (!(sd > 0)) sd = 1.0;
  for (j = 0; j < H; j++) {
    W1[j] = gsl_ran_gaussian(r, 1.0);
    b1[j] = 2.0 * gsl_rng_uniform(r) - 1.0;
  }
  for (i = 0; i < K3 * H; i++) W2[i] = gsl_ran_gaussian(r, 0.5 / sqrt((double)H));
  for (c = 0; c < K; c++) {
    b2[c] = 0.0;
    b2[K + c] = mean + sd * (2.0 * (c + 0.5) / K - 1.0) * 1.5;
    b2[2 * K + c] = log(sd / K);
  }
  memset(d->adam_m, 0, (size_t)d->np * sizeof *d->adam_m);
  memset(d->adam_v, 0, (size_t)d->np * sizeof *d->adam_v);
  d->iter = 0;
  d->loglik = mx_mdn_objective(d, d->theta, d->grad);
  d->ll_hist[0] = d->loglik;
  d->hist_n = 1;
  if (!isfinite(d->loglik))
    return mx_error_set(err, MX_ENONFINITE, "mixture density network: initial log-likelihood is %g", d->loglik);
  return MX_OK;
}

int mx_mdn_step(mx_mdn *d, mx_error *err) {
  const int np = d->np;
  double *backup = d->theta + np, b1t, b2t, ll;
  int i;
  memcpy(backup, d->theta, (size_t)np * sizeof *backup);
  d->iter++;
  b1t = 1.0 - pow(MDN_B1, d->iter);
  b2t = 1.0 - pow(MDN_B2, d->iter);
  for (i = 0; i < np; i++) {
    double g = d->grad[i]; /* gradient of the mean NLL at the current theta (cached) */
    d->adam_m[i] = MDN_B1 * d->adam_m[i] + (1.0 - MDN_B1) * g;
    d->adam_v[i] = MDN_B2 * d->adam_v[i] + (1.0 - MDN_B2) * g * g;
    d->theta[i] -= d->lr * (d->adam_m[i] / b1t) / (sqrt(d->adam_v[i] / b2t) + MDN_EPS);
  }
  ll = mx_mdn_objective(d, d->theta, d->grad);
  if (!isfinite(ll)) {
    memcpy(d->theta, backup, (size_t)np * sizeof *backup);
    d->iter--;
    d->loglik = mx_mdn_objective(d, d->theta, d->grad);
    return mx_error_set(err, MX_ENONFINITE, "mixture density network: log-likelihood became %g at step %d", ll,
                        d->iter + 1);
  }
  d->loglik = ll;
  if (d->hist_n < d->hist_cap) d->ll_hist[d->hist_n++] = ll;
  return MX_OK;
}

void mx_mdn_eval(const mx_mdn *d, double x, double *pi, double *mu, double *sigma) {
  double h[MX_MDN_MAX_HIDDEN], z[3 * MX_MOE_MAX_K], mx = -INFINITY, s = 0.0;
  const int K = d->k;
  int c;
  mdn_forward(d, d->theta, x, h, z);
  for (c = 0; c < K; c++)
    if (z[c] > mx) mx = z[c];
  for (c = 0; c < K; c++) s += exp(z[c] - mx);
  for (c = 0; c < K; c++) {
    if (pi) pi[c] = exp(z[c] - mx) / s;
    if (mu) mu[c] = z[K + c];
    if (sigma) sigma[c] = exp(z[2 * K + c]);
  }
}

void mx_mdn_cond_pdf_many(const mx_mdn *d, double x, const double *t, int nt, double *p) {
  double hb[MX_MDN_MAX_HIDDEN], z[3 * MX_MOE_MAX_K], a[MX_MOE_MAX_K], h[MX_MOE_MAX_K], mx = -INFINITY, s = 0.0,
      lse;
  const int K = d->k;
  int c;
  mdn_forward(d, d->theta, x, hb, z);
  for (c = 0; c < K; c++)
    if (z[c] > mx) mx = z[c];
  for (c = 0; c < K; c++) s += exp(z[c] - mx);
  lse = mx + log(s);
  for (c = 0; c < K; c++) { /* as mdn_logp: log π_k − ½ log 2π − log σ_k, and 1/(2σ_k²) */
    a[c] = (z[c] - lse) - 0.5 * MX_LOG_2PI - z[2 * K + c];
    h[c] = 0.5 * exp(-2.0 * z[2 * K + c]);
  }
  mixture_pdf(K, a, h, z + K, t, nt, p);
}

double mx_mdn_cond_logpdf(const mx_mdn *d, double x, double t) {
  double h[MX_MDN_MAX_HIDDEN], z[3 * MX_MOE_MAX_K], lp[MX_MOE_MAX_K];
  mdn_forward(d, d->theta, x, h, z);
  return mdn_logp(d->k, z, t, lp);
}

void mx_mdn_resp(const mx_mdn *d, double x, double t, double *gamma) {
  double h[MX_MDN_MAX_HIDDEN], z[3 * MX_MOE_MAX_K], lp[MX_MOE_MAX_K], l;
  int c;
  mdn_forward(d, d->theta, x, h, z);
  l = mdn_logp(d->k, z, t, lp);
  for (c = 0; c < d->k; c++) gamma[c] = exp(lp[c] - l);
}
