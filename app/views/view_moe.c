/* mixscope — the mixture-of-experts view: the model (EM or MDN), create /
 * destroy, events, set / save / load, the vtable (see view_moe.h).
 *
 * Sections: model · set / save / load. */
#include "view_moe.h"

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
int moe_mdn_rebuild(moe_view *s, mx_error *err) {
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
static int moe_mdn_steps(moe_view *s, mx_app *app, int count) {
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
void moe_mdn_queue(moe_view *s, mx_app *app, int count) {
  if (mx_app_headless(app)) moe_mdn_steps(s, app, count);
  else s->pending += count;
}

/* ---- the model shown: the same questions asked of either fit ---- */

int moe_model_iter(const moe_view *s) { return s->mode ? s->mdn->iter : s->m->iter; }
double moe_model_loglik(const moe_view *s) { return s->mode ? s->mdn->loglik : s->m->loglik; }
const double *moe_model_hist(const moe_view *s, int *n) {
  *n = s->mode ? s->mdn->hist_n : s->m->hist_n;
  return s->mode ? s->mdn->ll_hist : s->m->ll_hist;
}
/* μ_k(x), σ_k(x), π_k(x) (K each; any may be NULL). */
void moe_model_eval(const moe_view *s, double x, double *mu, double *sd, double *pi) {
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
void moe_model_resp(const moe_view *s, int i, double *g) {
  if (s->mode) mx_mdn_resp(s->mdn, s->x[i], s->t[i], g);
  else memcpy(g, s->m->resp + (size_t)i * s->m->k, (size_t)s->m->k * sizeof *g);
}

/* Allocate the model for the current k/degree and data, and initialise it. */
int moe_rebuild(moe_view *s, mx_error *err) {
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
  return s->mode == 1 ? moe_mdn_rebuild(s, err) : MX_OK;
}

/* One EM iteration; stops running at convergence. Returns MX_OK or an error. */
int moe_step(moe_view *s, mx_app *app) {
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
int moe_reconfigure(moe_view *s, int k, int degree, int n, unsigned long seed, const char *path_in,
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
int moe_set_mode(moe_view *s, int mode, mx_error *err) {
  int rc;
  if (mode == s->mode) return MX_OK;
  s->mode = mode;
  s->running = s->pending = 0;
  s->converged = 0;
  s->version++;
  if (mode == 1 && (s->mdn_stale || !s->mdn)) {
    if ((rc = moe_mdn_rebuild(s, err)) != MX_OK) {
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
  s->rate = MOE_STEPS_PER_SECOND;
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

/* Left: back one EM iteration (MDN: 50 Adam steps). EM and Adam are
 * deterministic from the seeded start, so the model is rebuilt and the earlier
 * steps replayed: the same parameters and log-likelihood history as before. */
static void moe_back(moe_view *s, mx_app *app) {
  int back = s->mode ? 50 : 1, now = moe_model_iter(s), target = now - back, i, rc;
  mx_error err;
  s->running = s->pending = 0;
  if (now == 0) {
    mx_app_status(app, "Already at the start: %s", s->mode ? "no Adam steps yet" : "iteration 0");
    return;
  }
  if (target < 0) target = 0;
  mx_error_clear(&err);
  rc = s->mode ? moe_mdn_rebuild(s, &err) : moe_rebuild(s, &err);
  for (i = 0; rc == MX_OK && i < target; i++)
    rc = s->mode ? mx_mdn_step(s->mdn, &err) : mx_moe_step(s->m, &err);
  s->version++;
  if (rc != MX_OK) mx_app_error(app, "Step back: %s", err.msg);
  else mx_app_status(app, "Back to %s %d", s->mode ? "Adam step" : "iteration", target);
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
  if (key == SDLK_PLUS || key == SDLK_EQUALS || key == SDLK_KP_PLUS || key == SDLK_MINUS ||
      key == SDLK_KP_MINUS) { /* + / − are K / Shift K, as in the GMM and BMM views */
    shift = key == SDLK_MINUS || key == SDLK_KP_MINUS;
    key = SDLK_k;
  }
  switch (key) {
  case SDLK_LEFT:
    moe_back(s, app);
    return 1;
  case SDLK_SPACE:
  case SDLK_RIGHT:
    s->running = 0; /* queued steps (pending) add up */
    if (s->mode) moe_mdn_queue(s, app, 50);
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
    if ((s->mode ? moe_mdn_rebuild(s, &err) : moe_rebuild(s, &err)) != MX_OK)
      mx_app_error(app, "%s", err.msg);
    else mx_app_status(app, "%s restarted from the seeded initialisation (seed %lu)", s->mode ? "MDN" : "EM",
                       s->seed);
    return 1;
  case SDLK_n:
    if (s->data_path[0]) {
      mx_app_status(app, "Data come from %s: N draws new data only for Bishop's problem", s->data_path);
      return 1;
    }
    if (moe_reconfigure(s, s->k, s->degree, s->n, shift && s->seed > 0 ? s->seed - 1 : s->seed + 1,
                        NULL, &err) != MX_OK)
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
  case SDLK_o: { /* the model's form (the key map's O) */
    int d = s->degree + (shift ? -1 : 1);
    if (s->mode) { /* MDN: hidden units, doubling / halving within 2..64 */
      int h = shift ? s->hidden / 2 : s->hidden * 2;
      if (h < 2) h = 2;
      if (h > 64) h = 64;
      s->hidden = h;
      if (moe_mdn_rebuild(s, &err) != MX_OK) mx_app_error(app, "%s", err.msg);
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
  case SDLK_v: /* a density layer (the key map's V) */
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
      if (moe_mdn_steps(s, app, 1) != MX_OK) break;
      if ((double)(SDL_GetPerformanceCounter() - t0) > budget) break;
    }
    return;
  }
  {
    int due = mx_view_rate_due(s->rate, &s->acc, dt);
    Uint64 t0 = SDL_GetPerformanceCounter();
    double budget = MOE_STEP_BUDGET * (double)SDL_GetPerformanceFrequency();
    while (s->running && (due < 0 || steps < due)) { /* due < 0: as many as fit in the budget */
      if (moe_step(s, app) != MX_OK) break;
      steps++;
      if (due < 0 && (double)(SDL_GetPerformanceCounter() - t0) > budget) break;
    }
  }
}

/* ---------------------------------------------------------------- set / save / load */

/* EM iterations (mode 0) on s->m, or Adam steps on s->mdn. */
static int moe_run_iters(moe_view *s, int mdn, long iters, mx_error *err) {
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
    if (mx_view_parse_long(value, 1, MX_MOE_MAX_K, &v))
      return mx_error_set(err, MX_EINVAL, "moe: k=%s: expected an integer in 1..%d", value, MX_MOE_MAX_K);
    return moe_reconfigure(s, (int)v, s->degree, s->n, s->seed, s->data_path, err);
  }
  if (!strcmp(key, "degree")) {
    if (mx_view_parse_long(value, 0, MX_MOE_MAX_DEGREE, &v))
      return mx_error_set(err, MX_EINVAL, "moe: degree=%s: expected an integer in 0..%d", value,
                          MX_MOE_MAX_DEGREE);
    return moe_reconfigure(s, s->k, (int)v, s->n, s->seed, s->data_path, err);
  }
  if (!strcmp(key, "n")) {
    if (mx_view_parse_long(value, 2, MOE_MAX_N, &v))
      return mx_error_set(err, MX_EINVAL, "moe: n=%s: expected an integer in 2..%d", value, MOE_MAX_N);
    return moe_reconfigure(s, s->k, s->degree, (int)v, s->seed, NULL, err);
  }
  if (!strcmp(key, "seed")) {
    if (mx_view_parse_long(value, 0, MOE_SEED_MAX, &v))
      return mx_error_set(err, MX_EINVAL, "moe: seed=%s: expected an integer in 0..%ld", value,
                          MOE_SEED_MAX);
    return moe_reconfigure(s, s->k, s->degree, s->n, (unsigned long)v, s->data_path, err);
  }
  if (!strcmp(key, "gate_steps")) {
    if (mx_view_parse_long(value, 0, 1000, &v))
      return mx_error_set(err, MX_EINVAL, "moe: gate_steps=%s: expected an integer in 0..1000", value);
    s->gate_steps = (int)v;
    return moe_rebuild(s, err);
  }
  if (!strcmp(key, "iters")) {
    if (mx_view_parse_long(value, 0, 100000, &v))
      return mx_error_set(err, MX_EINVAL, "moe: iters=%s: expected an integer in 0..100000", value);
    return moe_run_iters(s, s->mode, v, err); /* EM iterations, or Adam steps for the MDN */
  }
  if (!strcmp(key, "mode")) {
    if (!value || (strcmp(value, "em") && strcmp(value, "mdn")))
      return mx_error_set(err, MX_EINVAL, "moe: mode=%s: expected em or mdn", value ? value : "");
    return moe_set_mode(s, !strcmp(value, "mdn"), err);
  }
  if (!strcmp(key, "hidden")) {
    int old = s->hidden, rc;
    if (mx_view_parse_long(value, 1, MX_MDN_MAX_HIDDEN, &v))
      return mx_error_set(err, MX_EINVAL, "moe: hidden=%s: expected an integer in 1..%d", value, MX_MDN_MAX_HIDDEN);
    s->hidden = (int)v;
    s->mdn_stale = 1;
    if (s->mode && (rc = moe_mdn_rebuild(s, err)) != MX_OK) {
      s->hidden = old;
      return rc;
    }
    return MX_OK;
  }
  if (!strcmp(key, "lr")) {
    double lr;
    if (mx_view_parse_double(value, 0.0, 10.0, MX_VIEW_OPEN_LO, &lr))
      return mx_error_set(err, MX_EINVAL, "moe: lr=%s: expected a step size in (0, 10]", value ? value : "");
    s->lr = lr;
    s->mdn_stale = 1;
    return s->mode ? moe_mdn_rebuild(s, err) : MX_OK;
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
  cJSON_AddNumberToObject(o, "loglik", moe_model_loglik(s)); /* of the model shown */
  cJSON_AddNumberToObject(o, "baseline_loglik", s->base_ll);
  cJSON_AddBoolToObject(o, "running", s->running);
  return o;
}

static int moe_json_int(const cJSON *j, const char *key, long lo, long hi, long *out, mx_error *err) {
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
  if (moe_json_int(j, "k", 1, MX_MOE_MAX_K, &k, err) ||
      moe_json_int(j, "degree", 0, MX_MOE_MAX_DEGREE, &degree, err) ||
      moe_json_int(j, "n", 2, MOE_MAX_N, &n, err) ||
      moe_json_int(j, "seed", 0, MOE_SEED_MAX, &seed, err) ||
      moe_json_int(j, "iters", 0, 100000, &iters, err) ||
      moe_json_int(j, "gate_steps", 0, 1000, &gs, err) ||
      moe_json_int(j, "hidden", 1, MX_MDN_MAX_HIDDEN, &hidden, err) ||
      moe_json_int(j, "mdn_steps", 0, 100000, &msteps, err))
    return MX_EINVAL;
  /* the replay is bounded work (each limit alone still allows 40+ s) */
  if ((double)iters * (double)(gs + 1) * (double)n > 1e9)
    return mx_error_set(err, MX_EINVAL, "moe scene: \"iters\" x (\"gate_steps\" + 1) x \"n\" = "
                        "%.3g is more work than a scene may replay (at most 1e9)",
                        (double)iters * (double)(gs + 1) * (double)n);
  if ((double)msteps * (double)hidden * (double)n > 5e8)
    return mx_error_set(err, MX_EINVAL, "moe scene: \"mdn_steps\" x \"hidden\" x \"n\" = %.3g "
                        "is more work than a scene may replay (at most 5e8)",
                        (double)msteps * (double)hidden * (double)n);
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
  if ((rc = moe_run_iters(s, 0, iters, err)) != MX_OK) return rc;
  if (msteps > 0 && (rc = moe_run_iters(s, 1, msteps, err)) != MX_OK) return rc;
  if ((it = cJSON_GetObjectItem(j, "heatmap"))) s->show_heat = cJSON_IsTrue(it);
  if ((it = cJSON_GetObjectItem(j, "line"))) s->show_line = cJSON_IsTrue(it);
  if ((it = cJSON_GetObjectItem(j, "bands"))) s->show_bands = cJSON_IsTrue(it);
  return MX_OK;
}

const mx_view mx_view_moe = {"moe", "Experts", moe_create, moe_destroy, moe_event, moe_update,
                             moe_draw, moe_set, moe_save, moe_load};
