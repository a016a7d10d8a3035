/* mixscope — view: mixture of experts on Bishop's inverse problem.
 *
 * The data (t against x; predicting t from x is one-to-many), each expert's
 * mean μ_k(x) with a ±σ_k band in its component colour (drawn stronger where
 * its gate π_k(x) is large), the conditional density p(t | x) as a heatmap
 * behind, the single least-squares line for comparison, and the gate weights
 * π_k(x) as a stacked strip below on the same x axis. EM runs step by step
 * (Space) or continuously (Enter); the log-likelihood trajectory is plotted
 * beside. X switches to a mixture density network (π, μ and σ all outputs of
 * a small tanh network, trained by Adam) on the same data and axes. The data
 * and the initialisation use two RNG streams seeded with the same seed, exactly
 * as `mixscope moe [--mdn] --seed S`, so the CLI reproduces the view. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "shell/app.h"
#include "mixscope/moe.h"
#include "view.h"

#define MOE_HEAT_W 320
#define MOE_HEAT_H 200
#define MOE_CURVE_PTS 240
#define MOE_STEPS_PER_SECOND 15.0
#define MOE_STEP_BUDGET 0.008 /* seconds of a frame that running MDN training may take */
#define MOE_MAX_N 20000
/* largest seed: 2^32 - 1, or LONG_MAX where long has 32 bits (the web build's wasm32) */
#define MOE_SEED_MAX (LONG_MAX > 4294967295LL ? (long)4294967295LL : LONG_MAX)
#define MOE_HIST 100000
#define MOE_PATH_LEN 1024

typedef struct moe_view {
  /* settings */
  int k, degree, n;
  unsigned long seed;
  int gate_steps;
  char data_path[MOE_PATH_LEN]; /* CSV file, or "" for Bishop's problem */
  int show_heat, show_line, show_bands;
  int mode;         /* 0: mixture of experts by EM, 1: mixture density network by Adam */
  int hidden;       /* MDN hidden units */
  double lr;        /* MDN Adam step size */

  /* data and model */
  double *x, *t;    /* (n_data) */
  int n_data;
  mx_moe *m;
  mx_mdn *mdn;      /* built on first use of MDN mode; NULL or stale after a change */
  int mdn_stale;
  gsl_rng *rdata, *rinit;
  double base_coef[2], base_var, base_ll; /* the single least-squares line */
  double xlo, xhi, tlo, thi;              /* plot ranges */

  /* running */
  int running, converged;
  int pending;      /* MDN Adam steps asked for (Space, +50) not yet run: a window spreads them over frames */
  double acc;

  /* heatmap of p(t | x) */
  uint32_t *heat;     /* (MOE_HEAT_H, MOE_HEAT_W) ARGB8888 (0xAARRGGBB); while it is being
                         computed, the densities as float bits (coloured in place) */
  double heat_max;
  unsigned version;      /* bumped whenever the shown model changes */
  unsigned heat_version; /* version the heatmap shows */
  int heat_ok;           /* 0 until the heatmap was computed once */
  SDL_Texture *heat_tex;
  SDL_Texture *bar_tex;  /* the heatmap's colour bar, one column stretched sideways */
  int bar_h;             /* height the colour bar texture was made for */
  float curve[2 * MOE_CURVE_PTS];

  /* What a frame draws from the model, computed once per model version (and
   * plot width) instead of once per frame: the model is only evaluated when
   * it changes, a static frame just draws. */
  unsigned cache_version; /* version the caches below show */
  int cache_ok;           /* 0: never filled */
  unsigned char *best;    /* (best_cap) likeliest component of each point */
  int best_cap;
  double share[MX_MOE_MAX_K];                    /* Σ_i r_ik */
  double cmu[MX_MOE_MAX_K * MOE_CURVE_PTS];      /* (K, MOE_CURVE_PTS) μ_k at the curve samples */
  double cpi[MX_MOE_MAX_K * MOE_CURVE_PTS];      /* (K, MOE_CURVE_PTS) π_k there */
  mx_plot col_pl;         /* x mapping the column cache was made for */
  unsigned col_version;
  int col_cap;            /* columns allocated */
  double *col;            /* (col_cap, 3K) μ_k, σ_k, π_k at each pixel column's centre */
  SDL_Rect *rects;        /* (MX_MOE_MAX_K, col_cap) scratch: a rectangle per component and column */
  unsigned char *ralpha;  /* (col_cap) scratch: alpha of each rectangle */
} moe_view;

/* ---------------------------------------------------------------- model */

static void moe_ranges(moe_view *s) {
  double xlo = INFINITY, xhi = -INFINITY, tlo = INFINITY, thi = -INFINITY, px, pt;
  int i;
  for (i = 0; i < s->n_data; i++) {
    xlo = fmin(xlo, s->x[i]);
    xhi = fmax(xhi, s->x[i]);
    tlo = fmin(tlo, s->t[i]);
    thi = fmax(thi, s->t[i]);
  }
  px = 0.05 * (xhi - xlo) + 1e-9;
  pt = 0.08 * (thi - tlo) + 1e-9;
  s->xlo = xlo - px;
  s->xhi = xhi + px;
  s->tlo = tlo - pt;
  s->thi = thi + pt;
}

/* (Re)load or generate the data: Bishop's problem with n and seed, or the CSV. */
static int moe_load_data(moe_view *s, const char *path, int n, unsigned long seed, mx_error *err) {
  double *x = NULL, *t = NULL;
  int nd = 0;
  if (path && *path) {
    int rc = mx_moe_read_csv(path, &x, &t, &nd, err);
    if (rc != MX_OK) return rc;
    if (nd > MOE_MAX_N) {
      free(x);
      free(t);
      return mx_error_set(err, MX_ETOOBIG, "%s: %d rows, the view shows at most %d", path, nd, MOE_MAX_N);
    }
  } else {
    x = malloc((size_t)n * sizeof *x);
    t = malloc((size_t)n * sizeof *t);
    if (!x || !t) {
      free(x);
      free(t);
      return mx_error_set(err, MX_ENOMEM, "out of memory for %d points", n);
    }
    gsl_rng_set(s->rdata, seed);
    mx_moe_generate_bishop(s->rdata, n, x, t);
    nd = n;
  }
  free(s->x);
  free(s->t);
  s->x = x;
  s->t = t;
  s->n_data = nd;
  moe_ranges(s);
  return MX_OK;
}

/* Allocate and initialise the mixture density network for the current K, H and data
 * (initialisation stream seeded with the seed, as `mixscope moe --mdn`). */
static int mdn_rebuild(moe_view *s, mx_error *err) {
  mx_mdn *d = mx_mdn_alloc(s->n_data, s->k, s->hidden, MOE_HIST, err);
  int rc;
  if (!d) return err ? err->code : MX_EINVAL;
  d->lr = s->lr;
  if ((rc = mx_mdn_set_data(d, s->x, s->t, err)) != MX_OK) {
    mx_mdn_free(d);
    return rc;
  }
  gsl_rng_set(s->rinit, s->seed);
  if ((rc = mx_mdn_init(d, s->rinit, err)) != MX_OK) {
    mx_mdn_free(d);
    return rc;
  }
  mx_mdn_free(s->mdn);
  s->mdn = d;
  s->mdn_stale = 0;
  s->running = s->pending = 0;
  s->version++;
  return MX_OK;
}

/* Adam steps on the network; stops running on error or when the history is full. */
static int mdn_steps(moe_view *s, mx_app *app, int count) {
  mx_error err;
  int i;
  for (i = 0; i < count; i++) {
    if (s->mdn->hist_n >= s->mdn->hist_cap) {
      s->running = s->pending = 0;
      break;
    }
    if (mx_mdn_step(s->mdn, &err) != MX_OK) {
      s->running = s->pending = 0;
      if (app) mx_app_error(app, "%s", err.msg);
      s->version++;
      return err.code;
    }
  }
  s->version++;
  return MX_OK;
}

/* Space / "+50": headless (shots, scenes, tests) the steps run at once; in a
 * window they are queued and moe_update runs them within the frame budget. */
static void mdn_queue(moe_view *s, mx_app *app, int count) {
  if (mx_app_headless(app)) mdn_steps(s, app, count);
  else s->pending += count;
}

/* ---- the model shown: the same questions asked of either fit ---- */

static int model_iter(const moe_view *s) { return s->mode ? s->mdn->iter : s->m->iter; }
static double model_loglik(const moe_view *s) { return s->mode ? s->mdn->loglik : s->m->loglik; }
static const double *model_hist(const moe_view *s, int *n) {
  *n = s->mode ? s->mdn->hist_n : s->m->hist_n;
  return s->mode ? s->mdn->ll_hist : s->m->ll_hist;
}
/* μ_k(x), σ_k(x), π_k(x) (K each; any may be NULL). */
static void model_eval(const moe_view *s, double x, double *mu, double *sd, double *pi) {
  int c;
  if (s->mode) {
    mx_mdn_eval(s->mdn, x, pi, mu, sd);
    return;
  }
  mx_moe_eval(s->m, x, mu, pi);
  if (sd)
    for (c = 0; c < s->m->k; c++) sd[c] = sqrt(s->m->var[c]);
}
/* Responsibilities of point i (K). */
static void model_resp(const moe_view *s, int i, double *g) {
  if (s->mode) mx_mdn_resp(s->mdn, s->x[i], s->t[i], g);
  else memcpy(g, s->m->resp + (size_t)i * s->m->k, (size_t)s->m->k * sizeof *g);
}

/* Allocate the model for the current k/degree and data, and initialise it. */
static int moe_rebuild(moe_view *s, mx_error *err) {
  mx_moe *m = mx_moe_alloc(s->n_data, s->k, s->degree, MOE_HIST, err);
  int rc;
  if (!m) return err ? err->code : MX_EINVAL;
  if ((rc = mx_moe_set_data(m, s->x, s->t, err)) != MX_OK) {
    mx_moe_free(m);
    return rc;
  }
  m->gate_steps = s->gate_steps;
  gsl_rng_set(s->rinit, s->seed);
  if ((rc = mx_moe_init(m, s->rinit, err)) != MX_OK) {
    mx_moe_free(m);
    return rc;
  }
  if ((rc = mx_moe_linreg(s->x, s->t, s->n_data, 1, s->base_coef, &s->base_var, &s->base_ll, err)) !=
      MX_OK) {
    mx_moe_free(m);
    return rc;
  }
  mx_moe_free(s->m);
  s->m = m;
  s->running = s->pending = 0;
  s->converged = 0;
  s->acc = 0.0;
  s->version++;
  s->mdn_stale = 1;
  return s->mode == 1 ? mdn_rebuild(s, err) : MX_OK;
}

/* One EM iteration; stops running at convergence. Returns MX_OK or an error. */
static int moe_step(moe_view *s, mx_app *app) {
  mx_error err;
  double before = s->m->loglik;
  int rc = mx_moe_step(s->m, &err);
  if (rc != MX_OK) {
    s->running = s->pending = 0;
    s->version++; /* the step restored the old parameters; redraw from them regardless */
    if (app) mx_app_error(app, "EM step %d: %s", s->m->iter + 1, err.msg);
    return rc;
  }
  s->version++;
  if (fabs(s->m->loglik - before) <= 1e-9 * (fabs(before) + 1.0)) {
    if (!s->converged && app)
      mx_app_status(app, "EM converged after %d iterations: log-likelihood %.4f", s->m->iter,
                    s->m->loglik);
    s->converged = 1;
    s->running = s->pending = 0;
  } else {
    s->converged = 0;
  }
  return MX_OK;
}

/* Change k / degree / n / seed / data together; on failure keep the old state. */
static int moe_reconfigure(moe_view *s, int k, int degree, int n, unsigned long seed, const char *path_in,
                           mx_error *err) {
  int ok_k = s->k, ok_d = s->degree, ok_n = s->n, rc;
  unsigned long ok_seed = s->seed;
  char ok_path[MOE_PATH_LEN], path[MOE_PATH_LEN];
  snprintf(path, sizeof path, "%s", path_in ? path_in : ""); /* path_in may be s->data_path */
  int data_changed = n != s->n || seed != s->seed || strcmp(path, s->data_path) != 0 || !s->x;
  snprintf(ok_path, sizeof ok_path, "%s", s->data_path);
  if (data_changed) {
    double *ox = s->x, *ot = s->t;
    int on = s->n_data;
    double r[4] = {s->xlo, s->xhi, s->tlo, s->thi};
    s->x = s->t = NULL; /* keep the old arrays until the new ones are in */
    rc = moe_load_data(s, path, n, seed, err);
    if (rc != MX_OK) {
      s->x = ox;
      s->t = ot;
      s->n_data = on;
      s->xlo = r[0], s->xhi = r[1], s->tlo = r[2], s->thi = r[3];
      return rc;
    }
    free(ox);
    free(ot);
  }
  s->k = k;
  s->degree = degree;
  s->n = n;
  s->seed = seed;
  snprintf(s->data_path, sizeof s->data_path, "%s", path);
  rc = moe_rebuild(s, err);
  if (rc != MX_OK) {
    /* e.g. fewer points than features: go back to the old settings */
    s->k = ok_k;
    s->degree = ok_d;
    s->n = ok_n;
    s->seed = ok_seed;
    snprintf(s->data_path, sizeof s->data_path, "%s", ok_path);
    if (data_changed) moe_load_data(s, s->data_path, s->n, s->seed, NULL);
    moe_rebuild(s, NULL);
  }
  return rc;
}

/* Switch between the EM mixture of experts (0) and the MDN (1). */
static int moe_set_mode(moe_view *s, int mode, mx_error *err) {
  int rc;
  if (mode == s->mode) return MX_OK;
  s->mode = mode;
  s->running = s->pending = 0;
  s->converged = 0;
  s->version++;
  if (mode == 1 && (s->mdn_stale || !s->mdn)) {
    if ((rc = mdn_rebuild(s, err)) != MX_OK) {
      s->mode = 0;
      return rc;
    }
  }
  return MX_OK;
}

static void *moe_create(mx_app *app, mx_error *err) {
  moe_view *s = calloc(1, sizeof *s);
  (void)app;
  if (!s) {
    mx_error_set(err, MX_ENOMEM, "out of memory");
    return NULL;
  }
  s->k = 3;
  s->degree = 1;
  s->n = 1000;
  s->seed = 1;
  s->gate_steps = 5;
  s->hidden = 20;
  s->lr = 0.01;
  s->show_heat = 1;
  s->show_line = 1;
  s->show_bands = 1;
  s->rdata = gsl_rng_alloc(gsl_rng_mt19937);
  s->rinit = gsl_rng_alloc(gsl_rng_mt19937);
  s->heat = malloc(sizeof *s->heat * MOE_HEAT_W * MOE_HEAT_H);
  if (!s->rdata || !s->rinit || !s->heat) {
    mx_error_set(err, MX_ENOMEM, "out of memory");
    goto fail;
  }
  if (moe_load_data(s, NULL, s->n, s->seed, err) != MX_OK || moe_rebuild(s, err) != MX_OK) goto fail;
  return s;
fail:
  if (s->rdata) gsl_rng_free(s->rdata);
  if (s->rinit) gsl_rng_free(s->rinit);
  free(s->heat);
  free(s->x);
  free(s->t);
  mx_moe_free(s->m);
  mx_mdn_free(s->mdn);
  free(s);
  return NULL;
}

static void moe_destroy(void *st) {
  moe_view *s = st;
  if (!s) return;
  mx_moe_free(s->m);
  mx_mdn_free(s->mdn);
  gsl_rng_free(s->rdata);
  gsl_rng_free(s->rinit);
  free(s->x);
  free(s->t);
  free(s->heat);
  free(s->best);
  free(s->col);
  free(s->rects);
  free(s->ralpha);
  mx_texture_free(&s->heat_tex);
  mx_texture_free(&s->bar_tex);
  free(s);
}

static int moe_event(void *st, mx_app *app, const SDL_Event *ev) {
  moe_view *s = st;
  SDL_Keycode key;
  int shift;
  mx_error err;
  if (ev->type != SDL_KEYDOWN) return 0;
  if (ev->key.keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)) return 0;
  key = ev->key.keysym.sym;
  shift = (ev->key.keysym.mod & KMOD_SHIFT) != 0;
  switch (key) {
  case SDLK_SPACE:
    s->running = 0; /* queued steps (pending) add up */
    if (s->mode) mdn_queue(s, app, 50);
    else moe_step(s, app);
    return 1;
  case SDLK_x:
    if (moe_set_mode(s, !s->mode, &err) != MX_OK) mx_app_error(app, "%s", err.msg);
    else
      mx_app_status(app, "%s", s->mode ? "Mixture density network: π, μ, σ from a tanh network, trained by Adam"
                                       : "Mixture of experts: linear experts and gate, fitted by EM");
    return 1;
  case SDLK_RETURN:
  case SDLK_KP_ENTER:
    s->running = !s->running;
    s->acc = 0.0;
    if (s->running) s->converged = 0;
    return 1;
  case SDLK_r:
    if ((s->mode ? mdn_rebuild(s, &err) : moe_rebuild(s, &err)) != MX_OK) mx_app_error(app, "%s", err.msg);
    else mx_app_status(app, "%s restarted from the seeded initialisation (seed %lu)", s->mode ? "MDN" : "EM",
                       s->seed);
    return 1;
  case SDLK_n:
    if (s->data_path[0]) {
      mx_app_status(app, "Data come from %s: N draws new data only for Bishop's problem", s->data_path);
      return 1;
    }
    if (moe_reconfigure(s, s->k, s->degree, s->n, s->seed + 1, NULL, &err) != MX_OK)
      mx_app_error(app, "%s", err.msg);
    else mx_app_status(app, "New data: seed %lu", s->seed);
    return 1;
  case SDLK_k: {
    int k = s->k + (shift ? -1 : 1);
    if (k < 1) k = MX_MOE_MAX_K;
    if (k > MX_MOE_MAX_K) k = 1;
    if (moe_reconfigure(s, k, s->degree, s->n, s->seed, s->data_path, &err) != MX_OK)
      mx_app_error(app, "%s", err.msg);
    else mx_app_status(app, "K = %d expert%s", s->k, s->k == 1 ? " (a single regression)" : "s");
    return 1;
  }
  case SDLK_d: {
    int d = s->degree + (shift ? -1 : 1);
    if (s->mode) { /* MDN: hidden units, doubling / halving within 2..64 */
      int h = shift ? s->hidden / 2 : s->hidden * 2;
      if (h < 2) h = 2;
      if (h > 64) h = 64;
      s->hidden = h;
      if (mdn_rebuild(s, &err) != MX_OK) mx_app_error(app, "%s", err.msg);
      else mx_app_status(app, "MDN with %d hidden tanh units", s->hidden);
      return 1;
    }
    if (d < 0) d = MX_MOE_MAX_DEGREE;
    if (d > MX_MOE_MAX_DEGREE) d = 0;
    if (moe_reconfigure(s, s->k, d, s->n, s->seed, s->data_path, &err) != MX_OK)
      mx_app_error(app, "%s", err.msg);
    else mx_app_status(app, "Polynomial degree %d for experts and gate", s->degree);
    return 1;
  }
  case SDLK_g:
    s->show_heat = !s->show_heat;
    return 1;
  case SDLK_b:
    s->show_line = !s->show_line;
    return 1;
  case SDLK_s:
    s->show_bands = !s->show_bands;
    return 1;
  default:
    return 0;
  }
}

static void moe_update(void *st, mx_app *app, double dt) {
  moe_view *s = st;
  int steps = 0;
  if (!(s->running || (s->mode && s->pending > 0)) || mx_app_headless(app)) return;
  if (s->mode) {
    /* Adam steps: ~1500 per second, at most 40 a frame, and no more than fit
     * in MOE_STEP_BUDGET seconds of the frame (a full-batch step costs ~0.7 ms
     * at N = 1000, H = 20: the rest of the frame still has to be drawn). The
     * steps are the same sequence however they are spread over frames. */
    int n = (int)(dt * 1500.0), i;
    Uint64 t0 = SDL_GetPerformanceCounter();
    double budget = MOE_STEP_BUDGET * (double)SDL_GetPerformanceFrequency();
    n = n < 1 ? 1 : n > 40 ? 40 : n;
    if (s->pending > 0) n = s->pending; /* asked-for steps: as many as the budget allows */
    for (i = 0; i < n && (s->running || s->pending > 0); i++) {
      if (s->pending > 0) s->pending--;
      if (mdn_steps(s, app, 1) != MX_OK) break;
      if ((double)(SDL_GetPerformanceCounter() - t0) > budget) break;
    }
    return;
  }
  s->acc += dt * MOE_STEPS_PER_SECOND;
  while (s->acc >= 1.0 && s->running && steps < 8) {
    s->acc -= 1.0;
    if (moe_step(s, app) != MX_OK) break;
    steps++;
  }
  if (s->acc > 1.0) s->acc = 0.0;
}

/* ---------------------------------------------------------------- drawing */

static mx_color with_alpha(mx_color c, int a) {
  c.a = (uint8_t)(a < 0 ? 0 : a > 255 ? 255 : a);
  return c;
}

/* Per-version caches: the likeliest component of every point, the components'
 * shares Σ_i r_ik, and μ_k, π_k at the MOE_CURVE_PTS samples of the mean curves
 * (over the data's x range). */
static void moe_cache_update(moe_view *s) {
  const int K = s->k, N = s->n_data;
  double g[MX_MOE_MAX_K], mu[MX_MOE_MAX_K], pi[MX_MOE_MAX_K];
  int i, c;
  if (s->cache_ok && s->cache_version == s->version) return;
  if (s->best_cap < N) { /* if this fails, best_cap stays short and the points are drawn in one colour */
    unsigned char *b = realloc(s->best, (size_t)N);
    if (b) {
      s->best = b;
      s->best_cap = N;
    }
  }
  for (c = 0; c < K; c++) s->share[c] = 0.0;
  for (i = 0; i < N; i++) {
    int bi = 0;
    model_resp(s, i, g);
    for (c = 0; c < K; c++) s->share[c] += g[c];
    for (c = 1; c < K; c++)
      if (g[c] > g[bi]) bi = c;
    if (s->best_cap >= N) s->best[i] = (unsigned char)bi;
  }
  for (i = 0; i < MOE_CURVE_PTS; i++) {
    double x = s->xlo + (s->xhi - s->xlo) * i / (MOE_CURVE_PTS - 1);
    model_eval(s, x, mu, NULL, pi);
    for (c = 0; c < K; c++) {
      s->cmu[c * MOE_CURVE_PTS + i] = mu[c];
      s->cpi[c * MOE_CURVE_PTS + i] = pi[c];
    }
  }
  s->cache_version = s->version;
  s->cache_ok = 1;
}

/* μ_k, σ_k, π_k at the centre of every pixel column of the plot (bands, gate
 * strip); recomputed when the model or the plot's x mapping changes. Returns
 * the column array (pl->r.w, 3K) or NULL (out of memory: nothing is drawn). */
static const double *moe_columns(moe_view *s, const mx_plot *pl) {
  const int K = s->k, W = pl->r.w;
  int px;
  if (W <= 0) return NULL;
  if (s->col_cap < W) {
    double *col = realloc(s->col, (size_t)W * 3 * MX_MOE_MAX_K * sizeof *col);
    SDL_Rect *rects;
    unsigned char *ra;
    if (!col) return NULL;
    s->col = col;
    rects = realloc(s->rects, (size_t)W * MX_MOE_MAX_K * sizeof *rects);
    if (!rects) return NULL;
    s->rects = rects;
    ra = realloc(s->ralpha, (size_t)W);
    if (!ra) return NULL;
    s->ralpha = ra;
    s->col_cap = W;
    s->col_version = s->version - 1; /* force a refill */
  }
  if (s->col_version != s->version || s->col_pl.r.x != pl->r.x || s->col_pl.r.w != W ||
      s->col_pl.x0 != pl->x0 || s->col_pl.x1 != pl->x1) {
    for (px = 0; px < W; px++) {
      double *q = s->col + (size_t)px * 3 * K;
      model_eval(s, mx_plot_inv_x(pl, (float)(pl->r.x + px) + 0.5f), q, q + K, q + 2 * K);
    }
    s->col_pl = *pl;
    s->col_version = s->version;
  }
  return s->col;
}

/* p(t | x) on the grid, coloured with magma on a square-root scale. The
 * mixture's parameters depend on x only: core evaluates them once per grid
 * column and then each cell costs K exponentials. */
static void moe_heat_update(moe_view *s) {
  double t[MOE_HEAT_H], col[MOE_HEAT_H], cmax[MOE_HEAT_W];
  int i, j, c;
  double mx = 0.0;
  for (j = 0; j < MOE_HEAT_H; j++) t[j] = s->thi - (s->thi - s->tlo) * (j + 0.5) / MOE_HEAT_H;
  /* pass 1: the densities, kept (to 7 digits: the colour is 8 bits of
   * sqrt(p / pmax)) as floats relative to their column's maximum, in the
   * pixel buffer itself */
  for (i = 0; i < MOE_HEAT_W; i++) {
    double x = s->xlo + (s->xhi - s->xlo) * (i + 0.5) / MOE_HEAT_W, cm = 0.0;
    if (s->mode) mx_mdn_cond_pdf_many(s->mdn, x, t, MOE_HEAT_H, col);
    else mx_moe_cond_pdf_many(s->m, x, t, MOE_HEAT_H, col);
    for (j = 0; j < MOE_HEAT_H; j++)
      if (col[j] > cm) cm = col[j];
    for (j = 0; j < MOE_HEAT_H; j++) {
      float rel = cm > 0.0 ? (float)(col[j] / cm) : 0.0f;
      memcpy(&s->heat[j * MOE_HEAT_W + i], &rel, sizeof rel);
    }
    cmax[i] = cm;
    if (cm > mx) mx = cm;
  }
  s->heat_max = mx > 0 ? mx : 1.0;
  /* pass 2, in place: mx_cmap(MX_CMAP_MAGMA, sqrt(p / pmax), 0, 1) inlined,
   * the same linear interpolation between its 33 anchor colours (read back
   * from mx_cmap at the anchors), without a call and NaN checks per cell */
  {
    int anchor[33][3];
    for (i = 0; i <= 32; i++) {
      mx_color a = mx_cmap(MX_CMAP_MAGMA, i / 32.0, 0.0, 1.0);
      anchor[i][0] = a.r, anchor[i][1] = a.g, anchor[i][2] = a.b;
    }
    for (j = 0; j < MOE_HEAT_H; j++)
      for (i = 0; i < MOE_HEAT_W; i++) {
        uint32_t *px = &s->heat[j * MOE_HEAT_W + i], rgb[3];
        double v, f;
        float rel;
        int q;
        memcpy(&rel, px, sizeof rel);
        v = sqrt(rel * (cmax[i] / s->heat_max));
        if (!(v > 0)) v = 0;
        if (v > 1) v = 1;
        f = v * 32.0;
        q = (int)f;
        if (q >= 32) q = 31;
        f -= q;
        for (c = 0; c < 3; c++)
          rgb[c] = (uint32_t)(uint8_t)lround(anchor[q][c] + (anchor[q + 1][c] - anchor[q][c]) * f);
        *px = (uint32_t)255 << 24 | rgb[0] << 16 | rgb[1] << 8 | rgb[2]; /* ARGB8888 */
      }
  }
}

static void draw_heat_bar(moe_view *s, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  int y, lh = mx_line_height(ui, MX_FONT_SMALL);
  mx_rect bar = {r.x, r.y + lh / 2, mx_ui_px(ui, 14), r.h - lh};
  double ticks[3] = {0.0, 0.25, 1.0};
  int k;
  /* the colour ramp: a one-pixel-wide texture made once per bar height, stretched sideways */
  if (bar.h > 0) {
    uint32_t *ramp = s->bar_h != bar.h || !s->bar_tex ? malloc((size_t)bar.h * sizeof *ramp) : NULL;
    if (ramp) {
      for (y = 0; y < bar.h; y++) {
        mx_color c = mx_cmap(MX_CMAP_MAGMA, 1.0 - (y + 0.5) / bar.h, 0.0, 1.0);
        ramp[y] = (uint32_t)c.r | (uint32_t)c.g << 8 | (uint32_t)c.b << 16 | (uint32_t)c.a << 24;
      }
      mx_draw_rgba(ui, &s->bar_tex, 1, bar, ramp, 1, bar.h);
      s->bar_h = bar.h;
      free(ramp);
    } else if (s->bar_tex && s->bar_h == bar.h) {
      mx_draw_rgba(ui, &s->bar_tex, 0, bar, NULL, 1, bar.h);
    }
  }
  mx_draw_rect_outline(ui, bar, th->border, 1);
  for (k = 0; k < 3; k++) {
    /* bar position is sqrt(p / pmax) */
    int ty = bar.y + bar.h - (int)lround(bar.h * sqrt(ticks[k]));
    mx_draw_rect(ui, (mx_rect){bar.x + bar.w, ty, mx_ui_px(ui, 4), 1}, th->text_dim);
    mx_text(ui, bar.x + bar.w + mx_ui_px(ui, 6), ty - lh / 2, MX_FONT_SMALL, th->text_dim, "%.3g",
            ticks[k] * s->heat_max);
  }
}

/* One expert's mean curve xy (n, 2) in screen coordinates, segment i-1 -> i
 * drawn with alpha 70 + 185 π_i and width lw (0.55 + 0.45 π_i). Runs of
 * segments that are straight (every point within 0.25 px of the chord) and
 * whose alpha and width hardly change (alpha within 2 of 255, width within
 * 0.1 px) are drawn as one segment: the flat, saturated stretches of a curve
 * cost one line instead of dozens, and a translucent line no longer shows a
 * darker dot at every joint. Segments far outside the plot (or wholly above /
 * below it, where the clip rectangle drops them) are skipped. */
static void draw_gated_curve(mx_ui *ui, const mx_plot *pl, const float *xy, const double *pi, int n,
                             mx_color col, float lw) {
  const float far_top = (float)pl->r.y - 400, far_bot = (float)(pl->r.y + pl->r.h) + 400;
  const float top = (float)pl->r.y - lw, bot = (float)(pl->r.y + pl->r.h) + lw;
  int a = -1, i, amin = 0, amax = 0;
  float wmin = 0, wmax = 0;
  for (i = 1; i <= n; i++) {
    int ok = 0, al = 0;
    float w = 0;
    if (i < n) {
      float y0 = xy[2 * i - 1], y1 = xy[2 * i + 1];
      al = (int)(70 + 185 * pi[i]);
      w = lw * (float)(0.55 + 0.45 * pi[i]);
      ok = y1 >= far_top && y1 <= far_bot && y0 >= far_top && y0 <= far_bot && !(y0 < top && y1 < top) &&
           !(y0 > bot && y1 > bot);
    }
    if (a >= 0 && ok) { /* can segment i join the run a .. i-1? */
      int nmin = al < amin ? al : amin, nmax = al > amax ? al : amax, q, fits;
      float nwmin = fminf(w, wmin), nwmax = fmaxf(w, wmax);
      float ax = xy[2 * a], ay = xy[2 * a + 1], dx = xy[2 * i] - ax, dy = xy[2 * i + 1] - ay;
      float len = sqrtf(dx * dx + dy * dy);
      fits = nmax - nmin <= 2 && nwmax - nwmin <= 0.1f && len > 0.0f;
      for (q = a + 1; q < i && fits; q++)
        fits = fabsf((xy[2 * q] - ax) * dy - (xy[2 * q + 1] - ay) * dx) <= 0.25f * len;
      if (fits) {
        amin = nmin, amax = nmax, wmin = nwmin, wmax = nwmax;
        continue;
      }
    }
    if (a >= 0) /* draw the run a .. i-1 with its middle values */
      mx_draw_line(ui, xy[2 * a], xy[2 * a + 1], xy[2 * (i - 1)], xy[2 * (i - 1) + 1],
                   with_alpha(col, (amin + amax + 1) / 2), 0.5f * (wmin + wmax));
    a = ok ? i - 1 : -1;
    amin = amax = al;
    wmin = wmax = w;
  }
}

static void draw_main(moe_view *s, mx_ui *ui, mx_rect r, mx_plot *out_plot) {
  const mx_theme *th = mx_ui_theme(ui);
  const int K = s->k;
  mx_plot pl;
  int axis_l = mx_ui_px(ui, 56), axis_b = mx_ui_px(ui, 50), i, c, npts = MOE_CURVE_PTS;
  mx_rect inner = mx_panel(ui, r, s->mode ? "p(t | x) = Σₖ πₖ(x) N(t | μₖ(x), σₖ(x)²)   (network outputs)"
                                          : "p(t | x) = Σₖ πₖ(x) N(t | μₖ(x), σₖ²)");
  const double *col;
  float lw = 3.5f * mx_ui_scale(ui);
  SDL_Rect old_clip;
  SDL_bool had_clip;

  /* legend: data, experts, line (wraps to a second row when narrow) */
  {
    const char *txt[3];
    int widths[3], n = s->show_line ? 3 : 2, q, total = 0, rows, x, y, lhb = mx_line_height(ui, MX_FONT_BODY);
    int sw = mx_ui_px(ui, 26), sp = mx_ui_px(ui, 8), gapl = mx_ui_px(ui, 22), rowh = lhb + mx_ui_px(ui, 6);
    mx_rect leg;
    txt[0] = s->mode ? "data (colour: likeliest component)" : "data (colour: likeliest expert)";
    txt[1] = "μₖ(x) ± σₖ";
    txt[2] = "least-squares line";
    for (q = 0; q < n; q++) {
      mx_text_size(ui, MX_FONT_BODY, txt[q], &widths[q], NULL);
      widths[q] += sw + sp + gapl;
      total += widths[q];
    }
    rows = total > inner.w ? 2 : 1;
    leg = mx_rect_cut_top(&inner, rows * rowh);
    x = leg.x + mx_ui_px(ui, 4);
    y = leg.y;
    for (q = 0; q < n; q++) {
      int cy;
      if (x + widths[q] - gapl > leg.x + leg.w && x > leg.x + mx_ui_px(ui, 4)) {
        x = leg.x + mx_ui_px(ui, 4);
        y += rowh;
      }
      cy = y + lhb / 2;
      if (q == 0) {
        int d;
        for (d = 0; d < (K < 3 ? K : 3); d++)
          mx_draw_circle(ui, (float)(x + mx_ui_px(ui, 5) + d * mx_ui_px(ui, 8)), (float)cy, 4.0f * mx_ui_scale(ui),
                         K == 1 ? th->text : th->comp[d]);
      } else if (q == 1) {
        mx_draw_rect(ui, (mx_rect){x, cy - mx_ui_px(ui, 7), sw, mx_ui_px(ui, 14)}, with_alpha(th->comp[0], 90));
        mx_draw_line(ui, (float)x, (float)cy, (float)(x + sw), (float)cy, th->comp[0], lw);
      } else {
        mx_draw_line(ui, (float)x, (float)cy, (float)(x + mx_ui_px(ui, 10)), (float)cy, th->text,
                     3.0f * mx_ui_scale(ui));
        mx_draw_line(ui, (float)(x + mx_ui_px(ui, 16)), (float)cy, (float)(x + sw), (float)cy, th->text,
                     3.0f * mx_ui_scale(ui));
      }
      mx_text(ui, x + sw + sp, y, MX_FONT_BODY, th->text, "%s", txt[q]);
      x += widths[q];
    }
  }

  pl.r = inner;
  pl.r.x += axis_l;
  pl.r.w -= axis_l + mx_ui_px(ui, s->show_heat ? 64 : 8);
  pl.r.h -= axis_b;
  pl.x0 = s->xlo;
  pl.x1 = s->xhi;
  pl.y0 = s->tlo;
  pl.y1 = s->thi;
  *out_plot = pl;
  moe_cache_update(s);

  if (s->show_heat) {
    /* an opaque texture in the renderer's own pixel format, copied without
     * blending: the software renderer stretches it without converting pixels */
    SDL_Renderer *ren = mx_ui_renderer(ui);
    int fresh = 0;
    if (!s->heat_tex) {
      s->heat_tex = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, MOE_HEAT_W,
                                      MOE_HEAT_H);
      if (s->heat_tex) {
        SDL_SetTextureBlendMode(s->heat_tex, SDL_BLENDMODE_NONE);
        SDL_SetTextureScaleMode(s->heat_tex, SDL_ScaleModeNearest);
        fresh = 1;
      }
    }
    if (s->heat_version != s->version || !s->heat_ok) {
      moe_heat_update(s);
      s->heat_version = s->version;
      s->heat_ok = 1;
      fresh = 1;
    }
    if (s->heat_tex) {
      SDL_Rect d = {pl.r.x, pl.r.y, pl.r.w, pl.r.h};
      if (fresh) SDL_UpdateTexture(s->heat_tex, NULL, s->heat, MOE_HEAT_W * (int)sizeof *s->heat);
      SDL_RenderCopy(ren, s->heat_tex, NULL, &d);
    }
    draw_heat_bar(s, ui, (mx_rect){pl.r.x + pl.r.w + mx_ui_px(ui, 10), pl.r.y, mx_ui_px(ui, 54), pl.r.h});
  }
  mx_draw_axes(ui, &pl, "x  (input)", "t  (target)");
  SDL_SetRenderDrawBlendMode(mx_ui_renderer(ui), SDL_BLENDMODE_BLEND);
  /* curves stay inside the plot frame */
  SDL_RenderGetClipRect(mx_ui_renderer(ui), &old_clip);
  had_clip = SDL_RenderIsClipEnabled(mx_ui_renderer(ui));
  {
    SDL_Rect pc = {pl.r.x, pl.r.y, pl.r.w, pl.r.h};
    SDL_RenderSetClipRect(mx_ui_renderer(ui), &pc);
  }

  /* ±σ_k bands, opacity following the gate: one pixel column at a time (no
   * overlaps within a component). The rectangles of one component and one
   * alpha go to the renderer in one call; components stay in order, so every
   * pixel blends exactly as it would rectangle by rectangle. */
  if (s->show_bands && (col = moe_columns(s, &pl))) {
    int px, W = pl.r.w;
    for (c = 0; c < K; c++) {
      int count[256] = {0}, start[256], a, nr = 0;
      SDL_Rect *sorted = s->rects;
      for (px = 0; px < W; px++) {
        const double *q = col + (size_t)px * 3 * K;
        int y0 = (int)lroundf(fmaxf((float)pl.r.y, mx_plot_y(&pl, q[c] + q[K + c])));
        int y1 = (int)lroundf(fminf((float)(pl.r.y + pl.r.h), mx_plot_y(&pl, q[c] - q[K + c])));
        int al = 14 + (int)(60 * q[2 * K + c]);
        al = al < 0 ? 0 : al > 255 ? 255 : al;
        s->ralpha[px] = (unsigned char)al;
        if (y1 > y0 && al > 0) count[al]++;
        else s->ralpha[px] = 0;
      }
      for (a = 0; a < 256; a++) {
        start[a] = nr;
        nr += count[a];
      }
      /* counting sort by alpha into s->rects (re-deriving each column's rectangle) */
      for (px = 0; px < W; px++) {
        const double *q = col + (size_t)px * 3 * K;
        int al = s->ralpha[px], y0, y1;
        if (!al) continue;
        y0 = (int)lroundf(fmaxf((float)pl.r.y, mx_plot_y(&pl, q[c] + q[K + c])));
        y1 = (int)lroundf(fminf((float)(pl.r.y + pl.r.h), mx_plot_y(&pl, q[c] - q[K + c])));
        sorted[start[al]++] = (SDL_Rect){pl.r.x + px, y0, 1, y1 - y0};
      }
      SDL_SetRenderDrawBlendMode(mx_ui_renderer(ui), SDL_BLENDMODE_BLEND);
      for (a = 0, nr = 0; a < 256; a++) {
        if (!count[a]) continue;
        SDL_SetRenderDrawColor(mx_ui_renderer(ui), th->comp[c].r, th->comp[c].g, th->comp[c].b, (Uint8)a);
        SDL_RenderFillRects(mx_ui_renderer(ui), sorted + nr, count[a]);
        nr += count[a];
      }
    }
  }

  /* the data, coloured by the expert with the largest responsibility */
  {
    float rad = (s->n_data > 2000 ? 1.8f : 2.6f) * mx_ui_scale(ui);
    mx_color one = with_alpha(th->text, 170), cc[MX_MOE_MAX_K];
    for (c = 0; c < K; c++) cc[c] = with_alpha(th->comp[c], 200);
    int coloured = K > 1 && s->best && s->best_cap >= s->n_data; /* the cache could not grow: one colour */
    for (i = 0; i < s->n_data; i++)
      mx_draw_circle(ui, mx_plot_x(&pl, s->x[i]), mx_plot_y(&pl, s->t[i]), rad, coloured ? cc[s->best[i]] : one);
  }

  /* the single least-squares line */
  if (s->show_line) {
    float x0 = mx_plot_x(&pl, pl.x0), x1 = mx_plot_x(&pl, pl.x1);
    float y0 = mx_plot_y(&pl, s->base_coef[0] + s->base_coef[1] * pl.x0);
    float y1 = mx_plot_y(&pl, s->base_coef[0] + s->base_coef[1] * pl.x1);
    int segs = 40, q;
    for (q = 0; q < segs; q += 2)
      mx_draw_line(ui, x0 + (x1 - x0) * q / segs, y0 + (y1 - y0) * q / segs, x0 + (x1 - x0) * (q + 1) / segs,
                   y0 + (y1 - y0) * (q + 1) / segs, th->text, 3.0f * mx_ui_scale(ui));
  }

  /* expert means, strong where the gate picks them */
  for (c = 0; c < K; c++) {
    float xy[2 * MOE_CURVE_PTS];
    const double *cm = s->cmu + c * MOE_CURVE_PTS, *cp = s->cpi + c * MOE_CURVE_PTS;
    for (i = 0; i < npts; i++) {
      xy[2 * i] = mx_plot_x(&pl, pl.x0 + (pl.x1 - pl.x0) * i / (npts - 1));
      xy[2 * i + 1] = mx_plot_y(&pl, cm[i]);
    }
    draw_gated_curve(ui, &pl, xy, cp, npts, th->comp[c], lw);
  }
  SDL_RenderSetClipRect(mx_ui_renderer(ui), had_clip ? &old_clip : NULL);
}

static void draw_gate(moe_view *s, mx_ui *ui, mx_rect r, const mx_plot *main) {
  const mx_theme *th = mx_ui_theme(ui);
  const int K = s->k;
  mx_rect inner = mx_panel(ui, r, NULL);
  mx_plot pl;
  const double *col;
  int px, c;
  pl.r = (mx_rect){main->r.x, inner.y, main->r.w, inner.h};
  pl.x0 = main->x0;
  pl.x1 = main->x1;
  pl.y0 = 0;
  pl.y1 = 1;
  mx_text_in(ui, (mx_rect){inner.x, inner.y, main->r.x - inner.x - mx_ui_px(ui, 6), inner.h}, MX_FONT_BODY,
             MX_ALIGN_RIGHT, th->text, "πₖ(x)");
  /* stacked π_k, one pixel column at a time from the column cache; the
   * rectangles of one component go to the renderer in one call (opaque and
   * disjoint, so the order does not matter) */
  if ((col = moe_columns(s, &pl))) {
    const int W = pl.r.w;
    int nr[MX_MOE_MAX_K] = {0};
    for (px = 0; px < W; px++) {
      double acc = 0.0;
      int prev = pl.r.y + pl.r.h;
      for (c = 0; c < K; c++) {
        int y;
        acc += col[(size_t)px * 3 * K + 2 * K + c];
        y = c == K - 1 ? pl.r.y : (int)lroundf(mx_plot_y(&pl, acc));
        if (prev > y) s->rects[(size_t)c * W + nr[c]++] = (SDL_Rect){pl.r.x + px, y, 1, prev - y};
        prev = y;
      }
    }
    SDL_SetRenderDrawBlendMode(mx_ui_renderer(ui), SDL_BLENDMODE_NONE);
    for (c = 0; c < K; c++) {
      SDL_SetRenderDrawColor(mx_ui_renderer(ui), th->comp[c].r, th->comp[c].g, th->comp[c].b, th->comp[c].a);
      if (nr[c]) SDL_RenderFillRects(mx_ui_renderer(ui), s->rects + (size_t)c * W, nr[c]);
    }
  }
  mx_draw_rect_outline(ui, pl.r, th->border, 1);
}

static void draw_side(moe_view *s, mx_app *app, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  int K, N; /* read after the widgets: a slider or button may rebuild the model */
  mx_rect c = mx_panel(ui, r, s->mode ? "Density network · Adam" : "Mixture of experts · EM");
  int lh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 3), gap = mx_ui_px(ui, 6);
  int sh = mx_line_height(ui, MX_FONT_BODY) * 2 - mx_ui_px(ui, 2);
  int bh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 14), k, i, hn;
  mx_rect row;
  int nk = s->k, nd = s->degree, nn = s->n, nh = s->hidden, mode = s->mode;
  const double *hist = model_hist(s, &hn);
  mx_error err;

  /* model switch */
  row = mx_rect_cut_top(&c, bh);
  {
    int bw = (row.w - gap) / 2;
    if (mx_button_on(ui, mx_rect_cut_left(&row, bw), "Experts (EM)", mode == 0) && mode != 0)
      moe_set_mode(s, 0, NULL);
    mx_rect_cut_left(&row, gap);
    if (mx_button_on(ui, row, "MDN (gradient)", mode == 1) && mode != 1 && moe_set_mode(s, 1, &err) != MX_OK)
      mx_app_error(app, "%s", err.msg);
  }
  mx_rect_cut_top(&c, gap);
  hist = model_hist(s, &hn);

  /* settings */
  if (mx_slider_int(ui, mx_rect_cut_top(&c, sh), s->mode ? "components K" : "experts K", &nk, 1, MX_MOE_MAX_K)) {
    if (moe_reconfigure(s, nk, s->degree, s->n, s->seed, s->data_path, &err) != MX_OK)
      mx_app_error(app, "%s", err.msg);
  }
  mx_rect_cut_top(&c, gap);
  if (s->mode) {
    if (mx_slider_int(ui, mx_rect_cut_top(&c, sh), "hidden tanh units", &nh, 2, 64)) {
      s->hidden = nh;
      if (mdn_rebuild(s, &err) != MX_OK) mx_app_error(app, "%s", err.msg);
    }
  } else if (mx_slider_int(ui, mx_rect_cut_top(&c, sh), "polynomial degree", &nd, 0, 5)) {
    if (moe_reconfigure(s, s->k, nd, s->n, s->seed, s->data_path, &err) != MX_OK)
      mx_app_error(app, "%s", err.msg);
  }
  mx_rect_cut_top(&c, gap);
  if (!s->data_path[0]) {
    if (mx_slider_int(ui, mx_rect_cut_top(&c, sh), "points N", &nn, 50, 5000)) {
      if (moe_reconfigure(s, s->k, s->degree, nn, s->seed, NULL, &err) != MX_OK)
        mx_app_error(app, "%s", err.msg);
    }
    mx_rect_cut_top(&c, gap);
  }
  hist = model_hist(s, &hn);
  row = mx_rect_cut_top(&c, bh);
  {
    int bw = (row.w - 3 * gap) / 4;
    if (mx_button(ui, mx_rect_cut_left(&row, bw), s->mode ? "+50" : "Step")) {
      s->running = 0;
      if (s->mode) mdn_queue(s, app, 50);
      else moe_step(s, app);
    }
    mx_rect_cut_left(&row, gap);
    if (mx_button_on(ui, mx_rect_cut_left(&row, bw), s->running ? "Pause" : "Run", s->running)) {
      s->running = !s->running;
      if (s->running) s->converged = 0;
    }
    mx_rect_cut_left(&row, gap);
    if (mx_button(ui, mx_rect_cut_left(&row, bw), "Reset")) {
      if ((s->mode ? mdn_rebuild(s, &err) : moe_rebuild(s, &err)) != MX_OK) mx_app_error(app, "%s", err.msg);
    }
    mx_rect_cut_left(&row, gap);
    if (mx_button(ui, row, "New")) {
      if (!s->data_path[0] && moe_reconfigure(s, s->k, s->degree, s->n, s->seed + 1, NULL, &err) != MX_OK)
        mx_app_error(app, "%s", err.msg);
    }
  }
  K = s->k;
  N = s->n_data;
  hist = model_hist(s, &hn);
  mx_rect_cut_top(&c, gap * 2);
  mx_draw_rect(ui, (mx_rect){c.x, c.y, c.w, 1}, th->border);
  mx_rect_cut_top(&c, gap);

  /* numbers */
  mx_text(ui, c.x, c.y, MX_FONT_LARGE, th->text, "%s %d%s", s->mode ? "Adam step" : "iteration", model_iter(s),
          s->converged ? "  ✓" : s->running ? "  ▶" : "");
  mx_rect_cut_top(&c, mx_line_height(ui, MX_FONT_LARGE) + mx_ui_px(ui, 2));
  mx_text(ui, c.x, c.y, MX_FONT_BODY, th->accent, "log p(t | x) = %.2f   (%.4f / point)", model_loglik(s),
          model_loglik(s) / N);
  mx_rect_cut_top(&c, lh);
  mx_text(ui, c.x, c.y, MX_FONT_BODY, th->text_dim, "one line:  %.2f   (%.4f / point)", s->base_ll,
          s->base_ll / N);
  mx_rect_cut_top(&c, lh + gap);

  /* log-likelihood trajectory */
  {
    mx_rect pr = mx_rect_cut_top(&c, mx_ui_px(ui, K > 5 ? 100 : 120));
    mx_plot pl;
    int step, q = 0;
    double lo = hist[hn - 1], hi = hist[hn - 1];
    float *xy = s->curve;
    SDL_Rect old_clip, pc;
    SDL_bool had_clip;
    /* the y range skips the first 5% of the run (the climb from a poor start would squash the rest) */
    for (i = hn > 20 ? hn / 20 : 0; i < hn; i++) {
      lo = fmin(lo, hist[i]);
      hi = fmax(hi, hist[i]);
    }
    lo = fmin(lo, s->base_ll);
    hi = fmax(hi, s->base_ll);
    if (hi - lo < 1e-9) hi = lo + 1.0;
    pl.r = pr;
    pl.r.x += mx_ui_px(ui, 52);
    pl.r.w -= mx_ui_px(ui, 56);
    pl.r.h -= mx_ui_px(ui, 26);
    pl.x0 = 0;
    pl.x1 = hn - 1 < 10 ? 10 : hn - 1;
    pl.y0 = lo - 0.05 * (hi - lo);
    pl.y1 = hi + 0.05 * (hi - lo);
    mx_draw_axes(ui, &pl, NULL, NULL);
    {
      float y = mx_plot_y(&pl, s->base_ll), x;
      for (x = (float)pl.r.x; x < pl.r.x + pl.r.w; x += (float)mx_ui_px(ui, 10))
        mx_draw_line(ui, x, y, fminf(x + (float)mx_ui_px(ui, 5), (float)(pl.r.x + pl.r.w)), y, th->text_dim,
                     2.0f * mx_ui_scale(ui));
    }
    step = (hn + MOE_CURVE_PTS - 1) / MOE_CURVE_PTS;
    if (step < 1) step = 1;
    for (i = 0; i < hn; i += step) {
      xy[2 * q] = mx_plot_x(&pl, i);
      xy[2 * q + 1] = mx_plot_y(&pl, hist[i]);
      q++;
    }
    if ((hn - 1) % step) {
      xy[2 * q] = mx_plot_x(&pl, hn - 1);
      xy[2 * q + 1] = mx_plot_y(&pl, hist[hn - 1]);
      q++;
    }
    q = mx_polyline_simplify(xy, q, 0.25f);
    SDL_RenderGetClipRect(mx_ui_renderer(ui), &old_clip);
    had_clip = SDL_RenderIsClipEnabled(mx_ui_renderer(ui));
    pc = (SDL_Rect){pl.r.x, pl.r.y, pl.r.w + 2, pl.r.h};
    SDL_RenderSetClipRect(mx_ui_renderer(ui), &pc);
    mx_draw_polyline(ui, xy, q, th->accent, 3.0f * mx_ui_scale(ui));
    SDL_RenderSetClipRect(mx_ui_renderer(ui), had_clip ? &old_clip : NULL);
    {
      /* label the dashed baseline just above it (below it if there is no room) */
      int lhs = mx_line_height(ui, MX_FONT_SMALL), y = (int)mx_plot_y(&pl, s->base_ll) - lhs - mx_ui_px(ui, 2);
      if (y < pl.r.y) y = (int)mx_plot_y(&pl, s->base_ll) + mx_ui_px(ui, 3);
      mx_text_in(ui, (mx_rect){pl.r.x, y, pl.r.w - mx_ui_px(ui, 4), lhs}, MX_FONT_SMALL, MX_ALIGN_RIGHT,
                 th->text_dim, "one least-squares line");
    }
  }
  mx_rect_cut_top(&c, gap);

  /* experts / components (smaller rows when there are many) */
  {
    int font = K > 5 ? MX_FONT_SMALL : MX_FONT_BODY;
    const double *share = s->share;
    lh = mx_line_height(ui, font) + mx_ui_px(ui, K > 5 ? 2 : 3);
    moe_cache_update(s); /* a widget above may have changed the model */
    for (k = 0; k < K && c.h >= lh; k++) {
      char buf[160];
      int len;
      mx_draw_round_rect(ui, (mx_rect){c.x, c.y + mx_ui_px(ui, 3), mx_ui_px(ui, 16), lh - mx_ui_px(ui, 8)},
                         (float)mx_ui_px(ui, 3), th->comp[k]);
      if (s->mode)
        len = snprintf(buf, sizeof buf, "component %d", k + 1);
      else if (s->m->d == 2)
        len = snprintf(buf, sizeof buf, "μ = %.3f %+.3f x   σ = %.3f", s->m->w[k * 2], s->m->w[k * 2 + 1],
                       sqrt(s->m->var[k]));
      else
        len = snprintf(buf, sizeof buf, "expert %d   σ = %.3f", k + 1, sqrt(s->m->var[k]));
      snprintf(buf + len, sizeof buf - (size_t)len, "   %2.0f%%", 100.0 * share[k] / N);
      mx_text(ui, c.x + mx_ui_px(ui, 24), c.y, font, th->text, "%s", buf);
      mx_rect_cut_top(&c, lh);
    }
  }
}

static void moe_draw(void *st, mx_app *app, mx_ui *ui, mx_rect area) {
  moe_view *s = st;
  mx_rect r = mx_rect_inset(area, mx_ui_px(ui, 12)), right, gate;
  int gap = mx_ui_px(ui, 12);
  mx_plot main_plot;
  right = mx_rect_cut_right(&r, mx_ui_px(ui, 420));
  mx_rect_cut_right(&r, gap);
  draw_side(s, app, ui, right);
  gate = mx_rect_cut_bottom(&r, mx_ui_px(ui, 96));
  mx_rect_cut_bottom(&r, gap / 2);
  draw_main(s, ui, r, &main_plot);
  draw_gate(s, ui, gate, &main_plot);
}

/* ---------------------------------------------------------------- set / save / load */

static int parse_long(const char *v, long lo, long hi, long *out) {
  char *end;
  long x;
  if (!v || !*v) return -1;
  x = strtol(v, &end, 10);
  if (*end || x < lo || x > hi) return -1;
  *out = x;
  return 0;
}

/* EM iterations (mode 0) on s->m, or Adam steps on s->mdn. */
static int run_iters(moe_view *s, int mdn, long iters, mx_error *err) {
  long i;
  for (i = 0; i < iters; i++) {
    int rc = mdn ? mx_mdn_step(s->mdn, err) : mx_moe_step(s->m, err);
    if (rc != MX_OK) return rc;
  }
  s->version++;
  return MX_OK;
}

static int moe_set(void *st, mx_app *app, const char *key, const char *value, mx_error *err) {
  moe_view *s = st;
  long v;
  (void)app;
  if (!strcmp(key, "k")) {
    if (parse_long(value, 1, MX_MOE_MAX_K, &v))
      return mx_error_set(err, MX_EINVAL, "moe: k=%s: expected an integer in 1..%d", value, MX_MOE_MAX_K);
    return moe_reconfigure(s, (int)v, s->degree, s->n, s->seed, s->data_path, err);
  }
  if (!strcmp(key, "degree")) {
    if (parse_long(value, 0, MX_MOE_MAX_DEGREE, &v))
      return mx_error_set(err, MX_EINVAL, "moe: degree=%s: expected an integer in 0..%d", value,
                          MX_MOE_MAX_DEGREE);
    return moe_reconfigure(s, s->k, (int)v, s->n, s->seed, s->data_path, err);
  }
  if (!strcmp(key, "n")) {
    if (parse_long(value, 2, MOE_MAX_N, &v))
      return mx_error_set(err, MX_EINVAL, "moe: n=%s: expected an integer in 2..%d", value, MOE_MAX_N);
    return moe_reconfigure(s, s->k, s->degree, (int)v, s->seed, NULL, err);
  }
  if (!strcmp(key, "seed")) {
    if (parse_long(value, 0, MOE_SEED_MAX, &v))
      return mx_error_set(err, MX_EINVAL, "moe: seed=%s: expected an integer in 0..%ld", value,
                          MOE_SEED_MAX);
    return moe_reconfigure(s, s->k, s->degree, s->n, (unsigned long)v, s->data_path, err);
  }
  if (!strcmp(key, "gate_steps")) {
    if (parse_long(value, 0, 1000, &v))
      return mx_error_set(err, MX_EINVAL, "moe: gate_steps=%s: expected an integer in 0..1000", value);
    s->gate_steps = (int)v;
    return moe_rebuild(s, err);
  }
  if (!strcmp(key, "iters")) {
    if (parse_long(value, 0, 100000, &v))
      return mx_error_set(err, MX_EINVAL, "moe: iters=%s: expected an integer in 0..100000", value);
    return run_iters(s, s->mode, v, err); /* EM iterations, or Adam steps for the MDN */
  }
  if (!strcmp(key, "mode")) {
    if (!value || (strcmp(value, "em") && strcmp(value, "mdn")))
      return mx_error_set(err, MX_EINVAL, "moe: mode=%s: expected em or mdn", value ? value : "");
    return moe_set_mode(s, !strcmp(value, "mdn"), err);
  }
  if (!strcmp(key, "hidden")) {
    int old = s->hidden, rc;
    if (parse_long(value, 1, MX_MDN_MAX_HIDDEN, &v))
      return mx_error_set(err, MX_EINVAL, "moe: hidden=%s: expected an integer in 1..%d", value, MX_MDN_MAX_HIDDEN);
    s->hidden = (int)v;
    s->mdn_stale = 1;
    if (s->mode && (rc = mdn_rebuild(s, err)) != MX_OK) {
      s->hidden = old;
      return rc;
    }
    return MX_OK;
  }
  if (!strcmp(key, "lr")) {
    char *end;
    double lr = value ? strtod(value, &end) : 0.0;
    if (!value || !*value || *end || !(lr > 0.0) || lr > 10.0)
      return mx_error_set(err, MX_EINVAL, "moe: lr=%s: expected a step size in (0, 10]", value ? value : "");
    s->lr = lr;
    s->mdn_stale = 1;
    return s->mode ? mdn_rebuild(s, err) : MX_OK;
  }
  if (!strcmp(key, "data")) {
    if (!value || !*value || !strcmp(value, "bishop"))
      return moe_reconfigure(s, s->k, s->degree, s->n, s->seed, NULL, err);
    if (strlen(value) >= MOE_PATH_LEN) return mx_error_set(err, MX_EINVAL, "moe: data path too long");
    return moe_reconfigure(s, s->k, s->degree, s->n, s->seed, value, err);
  }
  if (!strcmp(key, "heatmap") || !strcmp(key, "line") || !strcmp(key, "bands") || !strcmp(key, "run")) {
    int on;
    if (!value || (strcmp(value, "0") && strcmp(value, "1")))
      return mx_error_set(err, MX_EINVAL, "moe: %s=%s: expected 0 or 1", key, value ? value : "");
    on = value[0] == '1';
    if (!strcmp(key, "heatmap")) s->show_heat = on;
    else if (!strcmp(key, "line")) s->show_line = on;
    else if (!strcmp(key, "bands")) s->show_bands = on;
    else s->running = on;
    return MX_OK;
  }
  return mx_error_set(err, MX_EINVAL,
                      "moe: unknown option '%s' (k, degree, n, seed, iters, gate_steps, data, mode, hidden, "
                      "lr, heatmap, line, bands, run)",
                      key);
}

static cJSON *moe_save(void *st, mx_app *app) {
  moe_view *s = st;
  cJSON *o = cJSON_CreateObject();
  (void)app;
  cJSON_AddNumberToObject(o, "k", s->k);
  cJSON_AddNumberToObject(o, "degree", s->degree);
  cJSON_AddNumberToObject(o, "n", s->n);
  cJSON_AddNumberToObject(o, "seed", (double)s->seed);
  cJSON_AddNumberToObject(o, "gate_steps", s->gate_steps);
  if (s->data_path[0]) cJSON_AddStringToObject(o, "data", s->data_path);
  else cJSON_AddStringToObject(o, "data", "bishop");
  cJSON_AddNumberToObject(o, "iters", s->m->iter);
  cJSON_AddStringToObject(o, "mode", s->mode ? "mdn" : "em");
  cJSON_AddNumberToObject(o, "hidden", s->hidden);
  cJSON_AddNumberToObject(o, "lr", s->lr);
  cJSON_AddNumberToObject(o, "mdn_steps", s->mdn && !s->mdn_stale ? s->mdn->iter : 0);
  cJSON_AddBoolToObject(o, "heatmap", s->show_heat);
  cJSON_AddBoolToObject(o, "line", s->show_line);
  cJSON_AddBoolToObject(o, "bands", s->show_bands);
  /* derived, for readers of the scene (ignored by load) */
  cJSON_AddNumberToObject(o, "loglik", model_loglik(s)); /* of the model shown */
  cJSON_AddNumberToObject(o, "baseline_loglik", s->base_ll);
  cJSON_AddBoolToObject(o, "running", s->running);
  return o;
}

static int json_int(const cJSON *j, const char *key, long lo, long hi, long *out, mx_error *err) {
  const cJSON *it = cJSON_GetObjectItem(j, key);
  if (!it) return 0;
  if (!cJSON_IsNumber(it) || it->valuedouble != floor(it->valuedouble) || it->valuedouble < lo ||
      it->valuedouble > hi)
    return mx_error_set(err, MX_EINVAL, "moe scene: \"%s\" must be an integer in %ld..%ld", key, lo, hi);
  *out = (long)it->valuedouble;
  return 0;
}

static int moe_load(void *st, mx_app *app, const cJSON *j, mx_error *err) {
  moe_view *s = st;
  long k = s->k, degree = s->degree, n = s->n, seed = (long)s->seed, iters = 0, gs = s->gate_steps;
  long hidden = s->hidden, msteps = 0;
  double lr = s->lr;
  int mode = 0, old_mode = s->mode, old_gs = s->gate_steps, old_hidden = s->hidden;
  double old_lr = s->lr;
  const cJSON *d = cJSON_GetObjectItem(j, "data"), *it;
  const char *path = s->data_path;
  int rc;
  (void)app;
  if (!cJSON_IsObject(j)) return mx_error_set(err, MX_EINVAL, "moe scene: expected an object");
  if (json_int(j, "k", 1, MX_MOE_MAX_K, &k, err) || json_int(j, "degree", 0, MX_MOE_MAX_DEGREE, &degree, err) ||
      json_int(j, "n", 2, MOE_MAX_N, &n, err) || json_int(j, "seed", 0, MOE_SEED_MAX, &seed, err) ||
      json_int(j, "iters", 0, 100000, &iters, err) || json_int(j, "gate_steps", 0, 1000, &gs, err) ||
      json_int(j, "hidden", 1, MX_MDN_MAX_HIDDEN, &hidden, err) || json_int(j, "mdn_steps", 0, 100000, &msteps, err))
    return MX_EINVAL;
  if ((it = cJSON_GetObjectItem(j, "lr"))) {
    if (!cJSON_IsNumber(it) || !(it->valuedouble > 0.0) || it->valuedouble > 10.0)
      return mx_error_set(err, MX_EINVAL, "moe scene: \"lr\" must be a number in (0, 10]");
    lr = it->valuedouble;
  }
  if ((it = cJSON_GetObjectItem(j, "mode"))) {
    if (!cJSON_IsString(it) || (strcmp(it->valuestring, "em") && strcmp(it->valuestring, "mdn")))
      return mx_error_set(err, MX_EINVAL, "moe scene: \"mode\" must be \"em\" or \"mdn\"");
    mode = !strcmp(it->valuestring, "mdn");
  }
  if (d) {
    if (!cJSON_IsString(d)) return mx_error_set(err, MX_EINVAL, "moe scene: \"data\" must be a string");
    path = strcmp(d->valuestring, "bishop") ? d->valuestring : "";
  }
  s->gate_steps = (int)gs;
  s->hidden = (int)hidden;
  s->lr = lr;
  s->mode = mode || msteps > 0; /* build the network too if the scene trained one */
  rc = moe_reconfigure(s, (int)k, (int)degree, (int)n, (unsigned long)seed, path, err);
  if (rc != MX_OK) {
    s->gate_steps = old_gs;
    s->hidden = old_hidden;
    s->lr = old_lr;
    s->mode = old_mode;
    return rc;
  }
  s->mode = mode;
  if ((rc = run_iters(s, 0, iters, err)) != MX_OK) return rc;
  if (msteps > 0 && (rc = run_iters(s, 1, msteps, err)) != MX_OK) return rc;
  if ((it = cJSON_GetObjectItem(j, "heatmap"))) s->show_heat = cJSON_IsTrue(it);
  if ((it = cJSON_GetObjectItem(j, "line"))) s->show_line = cJSON_IsTrue(it);
  if ((it = cJSON_GetObjectItem(j, "bands"))) s->show_bands = cJSON_IsTrue(it);
  return MX_OK;
}

static const mx_keyhelp moe_keys[] = {
  {"Space", "one EM step (MDN: 50 Adam steps)"},
  {"Enter", "run / pause EM"},
  {"R", "restart EM (same data, same seed)"},
  {"N", "new data (next seed)"},
  {"K / Shift K", "more / fewer experts"},
  {"D / Shift D", "degree up / down (MDN: hidden units ×2 / ÷2)"},
  {"X", "switch: mixture of experts (EM) / density network (Adam)"},
  {"G", "heatmap of p(t | x) on / off"},
  {"B", "single least-squares line on / off"},
  {"S", "±σ bands on / off"},
  {NULL, NULL}};

const mx_view mx_view_moe = {"moe", "Experts", moe_create, moe_destroy, moe_event, moe_update,
                             moe_draw, moe_set, moe_save, moe_load, moe_keys};
