/* mixscope — the GMM view: the controller (create / destroy, events, set /
 * save / load, the vtable) (see view_gmm.h).
 *
 * Sections: create · events · set / save / load. */
#include "view_gmm.h"

/* ------------------------------------------------------------------ create */


static void gv_destroy(void *st) {
  gmm_view *v = st;
  int i;
  if (!v) return;
  mx_gmm_select_stop(&v->sel);
  mx_pool_stop(&v->pool);
  for (i = 0; i < GV_NRUNS; i++) gv_run_free(&v->run[i]);
  mx_points_free(&v->pts);
  free(v->known);
  free(v->rank);
  mx_canvas_sprite_free(&v->sprite);
  free(v->cov);
  free(v->urow);
  free(v->dot);
  free(v->band);
  free(v->bstart);
  free(v->lab);
  free(v->rpts);
  for (i = 0; i < 2; i++) mx_gmm_grid_work_free(v->gwork[i]);
  if (v->rng) gsl_rng_free(v->rng);
  free(v);
}

static void *gv_create(mx_app *app, mx_error *err) {
  gmm_view *v = calloc(1, sizeof *v);
  if (!v) {
    mx_error_set(err, MX_ENOMEM, "out of memory");
    return NULL;
  }
  v->rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!v->rng) {
    free(v);
    mx_error_set(err, MX_ENOMEM, "out of memory");
    return NULL;
  }
  {
    /* MX_NO_SIMD: the scalar drawing code; MX_GMM_DRAW_THREADS=1: no worker
     * (the pictures are the same: tests/test_view_gmm_fast.c) */
    const char *t = getenv("MX_GMM_DRAW_THREADS");
    v->simd = !mx_simd_env_off();
    mx_pool_start(&v->pool, !(t && !strcmp(t, "1")), "gmm-draw");
  }
  v->dataset = GV_OVERLAP;
  v->npts = 600;
  v->data_seed = 7;
  v->digits[0] = 0;
  v->digits[1] = 1;
  v->digits[2] = 7;
  v->ndigits = 3;
  v->K = 3;
  v->init = MX_GMM_INIT_KMEANSPP;
  v->seed = 1;
  v->reg = MX_GMM_REG;
  v->labelled = 12;
  v->label_seed = 3;
  v->show_density = 1;
  v->show_ellipses = 1;
  v->show_boundary = 1;
  v->rate = GV_RATE;
  v->pts.max_label = -1;
  if (gv_load_data(v, app, err) != MX_OK || gv_reset(v, app) != MX_OK) {
    if (!err->msg[0]) mx_error_set(err, MX_EINVAL, "cannot start the GMM view");
    gv_destroy(v);
    return NULL;
  }
  return v;
}

/* ------------------------------------------------------------------ events */

void gv_change_k(gmm_view *v, mx_app *app, int dk) {
  int k = v->K + dk, lo = v->semi && v->nclasses > 0 ? v->nclasses : 1;
  if (k < lo || k > GV_MAXK || (size_t)k > v->pts.n) {
    mx_app_status(app, "K stays %d (range %d..%d%s)", v->K, lo, GV_MAXK,
                  v->semi ? "; semi-supervised needs K >= classes" : "");
    return;
  }
  v->K = k;
  gv_reset(v, app);
  mx_app_status(app, "K = %d components", v->K);
}

void gv_set_semi(gmm_view *v, mx_app *app, int on) {
  if (on && v->nclasses == 0) {
    mx_app_error(app, "Semi-supervised EM needs true labels: these points have none");
    return;
  }
  v->semi = on;
  if (on) v->init = MX_GMM_INIT_LABELS;
  if (on) v->hard = 0;
  gv_reset(v, app);
  mx_app_status(app, on ? "Semi-supervised: %d labelled points; beside it plain EM from the same "
                          "start and the classifier fitted to the labelled points only"
                        : "Plain EM (labels hidden)",
                v->labelled);
}

/* Covariance type of every run (ellipses follow), restart from the start. */
const char *const gv_cov_tips[MX_GMM_NCOV] = {
    "full: any tilted ellipse per component (sklearn covariance_type='full')",
    "diag: axis-aligned ellipses, one variance per coordinate ('diag')",
    "spherical: circles, one variance per component ('spherical')",
    "tied: one shared ellipse shape for all components ('tied')"};

void gv_set_cov(gmm_view *v, mx_app *app, int cov) {
  v->covtype = cov;
  gv_reset(v, app);
  mx_app_status(app, "Covariance %s", gv_cov_tips[cov]);
}

/* "Hard vs soft": k-means beside EM, same data, same start, stepping together. */
void gv_set_hard(gmm_view *v, mx_app *app, int on) {
  v->hard = on;
  if (on && v->semi) {
    v->semi = 0;
    if (v->init == MX_GMM_INIT_LABELS) v->init = MX_GMM_INIT_KMEANSPP;
  }
  gv_reset(v, app);
  mx_app_status(app, on ? "Hard vs soft: k-means (right) and EM (left) from the same means, "
                          "stepping together"
                        : "EM alone");
}

/* The model-selection panel: on = (re)compute the table for the points now. */
void gv_set_select(gmm_view *v, mx_app *app, int on) {
  v->show_sel = on;
  if (!on) return;
  if (mx_gmm_select_start(&v->sel, v->pts.x, v->pts.n, v->seed, v->reg) != MX_OK) {
    mx_app_error(app, "GMM: model selection: no points or no memory");
    v->show_sel = 0;
    return;
  }
  if (mx_app_headless(app)) mx_gmm_select_wait(&v->sel);
  mx_app_status(app, "Model selection: K = 1..%d x 4 covariance types, fitted on a worker",
                MX_GSEL_KMAX);
}

/* Load the fit picked in the model-selection panel. */
void gv_select_load(gmm_view *v, mx_app *app, int k, int type) {
  v->K = k;
  v->covtype = type;
  if (gv_reset(v, app) != MX_OK) return;
  if (mx_gmm_select_load(&v->sel, k, type, v->run[RUN_MAIN].g) != MX_OK) return;
  gv_run_start(v, RUN_MAIN);
  mx_app_status(app, "Loaded the fitted K = %d, %s: Space steps on from there", k,
                mx_gmm_cov_name(type));
}

void gv_set_labelled(gmm_view *v, mx_app *app, int m) {
  int most = (int)gv_nlabelable(v);
  if (m < 0) m = 0;
  if (m > most) m = most;
  v->labelled = m;
  gv_reset(v, app);
}

static int gv_event(void *st, mx_app *app, const SDL_Event *ev) {
  gmm_view *v = st;
  SDL_Keycode k;
  int shift;
  if (ev->type != SDL_KEYDOWN) return 0;
  k = ev->key.keysym.sym;
  shift = (ev->key.keysym.mod & KMOD_SHIFT) != 0;
  if (ev->key.keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)) return 0;
  switch (k) {
  case SDLK_SPACE:
  case SDLK_RIGHT:
    v->running = 0;
    gv_step(v, app);
    return 1;
  case SDLK_LEFT:
    v->running = 0;
    gv_back(v);
    return 1;
  case SDLK_PERIOD:
    v->running = 0;
    gv_half_step(v, app);
    return 1;
  case SDLK_RETURN:
  case SDLK_KP_ENTER:
    if (ev->key.repeat) return 1;
    v->running = !v->running;
    v->play_t = 0;
    if (v->running && v->run[RUN_MAIN].converged && v->run[RUN_MAIN].cur + 1 == v->run[RUN_MAIN].n)
      mx_app_status(app, "Already converged: R restarts, N tries another seed");
    return 1;
  case SDLK_r:
    if (!ev->key.repeat) {
      gv_reset(v, app);
      mx_app_status(app, "Reset: %s init, seed %lu", mx_gmm_init_name((mx_gmm_init)v->init),
                    v->seed);
    }
    return 1;
  case SDLK_EQUALS:
  case SDLK_PLUS:
  case SDLK_KP_PLUS:
    gv_change_k(v, app, 1);
    return 1;
  case SDLK_MINUS:
  case SDLK_KP_MINUS:
    gv_change_k(v, app, -1);
    return 1;
  case SDLK_k:
    gv_change_k(v, app, shift ? -1 : 1);
    return 1;
  case SDLK_i:
    v->init = v->init == MX_GMM_INIT_KMEANSPP ? MX_GMM_INIT_RANDOM
              : v->init == MX_GMM_INIT_RANDOM && v->semi ? MX_GMM_INIT_LABELS
                                                          : MX_GMM_INIT_KMEANSPP;
    gv_reset(v, app);
    mx_app_status(app, "Init: %s", v->init == MX_GMM_INIT_KMEANSPP ? "k-means++ (spread-out data points as means)"
                                   : v->init == MX_GMM_INIT_RANDOM ? "random data points as means"
                                                                   : "the labelled points' class means");
    return 1;
  case SDLK_n: /* the key map's "new seed" (mx_keymap) */
    v->seed = shift && v->seed > 0 ? v->seed - 1 : v->seed + 1;
    gv_reset(v, app);
    mx_app_status(app, "Seed %lu", v->seed);
    return 1;
  case SDLK_d:
    if (!ev->key.repeat) {
      int ds = v->dataset, tries;
      for (tries = 0; tries < GV_NDATA; tries++) {
        ds = (ds + (shift ? GV_NDATA - 1 : 1)) % GV_NDATA;
        if (ds == GV_CSV && !v->csv[0]) continue;
        break;
      }
      if (gv_set_dataset(v, app, ds, NULL) == MX_OK)
        mx_app_status(app, "Data: %s (%zu points)", gv_data_names[v->dataset], v->pts.n);
    }
    return 1;
  case SDLK_u:
    if (!ev->key.repeat) gv_set_semi(v, app, !v->semi);
    return 1;
  case SDLK_LEFTBRACKET:
    gv_set_labelled(v, app, v->labelled - (shift ? 10 : 1));
    mx_app_status(app, "%d labelled points", v->labelled);
    return 1;
  case SDLK_RIGHTBRACKET:
    gv_set_labelled(v, app, v->labelled + (shift ? 10 : 1));
    mx_app_status(app, "%d labelled points", v->labelled);
    return 1;
  case SDLK_v:
    v->show_density = !v->show_density;
    return 1;
  case SDLK_e:
    v->show_ellipses = !v->show_ellipses;
    return 1;
  case SDLK_b:
    v->show_boundary = !v->show_boundary;
    return 1;
  case SDLK_o:
    gv_set_cov(v, app, (v->covtype + (shift ? MX_GMM_NCOV - 1 : 1)) % MX_GMM_NCOV);
    return 1;
  case SDLK_a:
    if (!ev->key.repeat) gv_set_hard(v, app, !v->hard);
    return 1;
  case SDLK_x:
    if (!ev->key.repeat) gv_set_select(v, app, !v->show_sel);
    return 1;
  default:
    return 0;
  }
}

static void gv_update(void *st, mx_app *app, double dt) {
  gmm_view *v = st;
  gv_run *r = &v->run[RUN_MAIN];
  int due, i;
  Uint64 t0 = SDL_GetPerformanceCounter();
  double budget = 0.008 * (double)SDL_GetPerformanceFrequency(); /* "as fast as possible" */
  if (!v->running || mx_app_headless(app)) return;
  due = mx_view_rate_due(v->rate, &v->play_t, dt);
  for (i = 0; v->running && (due < 0 || i < due); i++) {
    if (r->converged && r->cur + 1 == r->n) {
      v->running = 0;
      mx_app_status(app, "Converged after %d iterations: log-likelihood %.6f", r->cur,
                    r->ll[r->cur]);
      return;
    }
    gv_step(v, app);
    if (due < 0 && (double)(SDL_GetPerformanceCounter() - t0) > budget) break;
  }
}

/* ------------------------------------------------------------------ set / save / load */

static int gv_parse_digits(const char *s, int *d, int *nd) {
  int n = 0, seen = 0;
  const char *p = s;
  if (!s || !*s) return -1;
  while (*p) {
    if (*p < '0' || *p > '9' || n == 10 || (seen & (1 << (*p - '0')))) return -1;
    seen |= 1 << (*p - '0');
    d[n++] = *p - '0';
    p++;
    if (*p == ',') {
      p++;
      if (!*p) return -1;
    } else if (*p) {
      return -1;
    }
  }
  *nd = n;
  return n ? 0 : -1;
}

/* gv_set's options, by group: each returns GV_NOT_MINE for a key not its own. */
#define GV_NOT_MINE 1 /* positive: never an MX_ code (0 or negative) */

/* dataset, data, digits, n, data_seed: the points. */
static int gv_set_data(gmm_view *v, mx_app *app, const char *key, const char *value, mx_error *err) {
  long x;
  if (!strcmp(key, "dataset")) {
    int i;
    for (i = 0; i < GV_NDATA && strcmp(gv_data_names[i], value); i++) {}
    if (i == GV_NDATA)
      return mx_error_set(err, MX_EINVAL,
                          "gmm: dataset=%s: expected blobs, overlap, elongated, degenerate, "
                          "digits or csv",
                          value);
    if (i == GV_CSV && !v->csv[0])
      return mx_error_set(err, MX_EINVAL, "gmm: dataset=csv needs data=FILE.csv");
    return gv_set_dataset(v, app, i, err) == MX_OK ? MX_OK : MX_EINVAL;
  }
  if (!strcmp(key, "data")) {
    char old[MX_PATH_LEN];
    snprintf(old, sizeof old, "%s", v->csv);
    snprintf(v->csv, sizeof v->csv, "%s", value);
    if (gv_set_dataset(v, app, GV_CSV, err) != MX_OK) {
      snprintf(v->csv, sizeof v->csv, "%s", old);
      return MX_EINVAL;
    }
    return MX_OK;
  }
  if (!strcmp(key, "digits")) {
    int d[10], nd;
    if (gv_parse_digits(value, d, &nd) != 0 || nd > GV_MAXK)
      return mx_error_set(err, MX_EINVAL,
                          "gmm: digits=%s: expected 1 to %d distinct digits, e.g. 0,1,7", value,
                          GV_MAXK);
    memcpy(v->digits, d, sizeof d);
    v->ndigits = nd;
    return gv_set_dataset(v, app, GV_DIGITS, err) == MX_OK ? MX_OK : MX_EINVAL;
  }
  if (!strcmp(key, "n")) {
    if (mx_view_parse_long(value, 3, GV_MAXN, &x))
      return mx_error_set(err, MX_EINVAL, "gmm: n=%s: expected a count in [3, %d]", value, GV_MAXN);
    v->npts = (size_t)x;
    if (v->dataset == GV_CSV) return MX_OK;
    return gv_set_dataset(v, app, v->dataset, err) == MX_OK ? MX_OK : MX_EINVAL;
  }
  if (!strcmp(key, "data_seed")) {
    if (mx_view_parse_long(value, 0, 2147483647L, &x))
      return mx_error_set(err, MX_EINVAL, "gmm: data_seed=%s: expected an integer >= 0", value);
    v->data_seed = (unsigned long)x;
    if (v->dataset > GV_DEGENERATE) return MX_OK;
    return gv_set_dataset(v, app, v->dataset, err) == MX_OK ? MX_OK : MX_EINVAL;
  }
  return GV_NOT_MINE;
}

/* k, seed, init, semi, labelled, label_seed: the model (EM restarts). */
static int gv_set_model(gmm_view *v, mx_app *app, const char *key, const char *value, mx_error *err) {
  long x;
  if (!strcmp(key, "k")) {
    if (mx_view_parse_long(value, 1, GV_MAXK, &x) || (size_t)x > v->pts.n)
      return mx_error_set(err, MX_EINVAL, "gmm: k=%s: expected 1..%d (and at most the %zu points)",
                          value, GV_MAXK, v->pts.n);
    if (v->semi && x < v->nclasses)
      return mx_error_set(err, MX_EINVAL, "gmm: k=%s: semi-supervised EM needs k >= %d classes",
                          value, v->nclasses);
    v->K = (int)x;
    return gv_reset(v, app) == MX_OK ? MX_OK : MX_EINVAL;
  }
  if (!strcmp(key, "seed")) {
    if (mx_view_parse_long(value, 0, 2147483647L, &x))
      return mx_error_set(err, MX_EINVAL, "gmm: seed=%s: expected an integer >= 0", value);
    v->seed = (unsigned long)x;
    return gv_reset(v, app) == MX_OK ? MX_OK : MX_EINVAL;
  }
  if (!strcmp(key, "init")) {
    int m = mx_gmm_init_find(value);
    if (m != MX_GMM_INIT_RANDOM && m != MX_GMM_INIT_KMEANSPP && m != MX_GMM_INIT_LABELS)
      return mx_error_set(err, MX_EINVAL, "gmm: init=%s: expected kmeans++, random or labels",
                          value);
    if (m == MX_GMM_INIT_LABELS && !v->semi)
      return mx_error_set(err, MX_EINVAL,
                          "gmm: init=labels: needs semi-supervised mode (set semi=1 first)");
    v->init = m;
    return gv_reset(v, app) == MX_OK ? MX_OK : MX_EINVAL;
  }
  if (!strcmp(key, "semi")) {
    if (strcmp(value, "0") && strcmp(value, "1"))
      return mx_error_set(err, MX_EINVAL, "gmm: semi=%s: expected 0 or 1", value);
    if (value[0] == '1' && v->nclasses == 0)
      return mx_error_set(err, MX_EINVAL, "gmm: semi=1: these points have no true labels");
    if (value[0] == '1' && !v->semi) v->init = MX_GMM_INIT_LABELS;
    v->semi = value[0] == '1';
    return gv_reset(v, app) == MX_OK ? MX_OK : MX_EINVAL;
  }
  if (!strcmp(key, "labelled")) {
    if (mx_view_parse_long(value, 0, GV_MAXN, &x))
      return mx_error_set(err, MX_EINVAL, "gmm: labelled=%s: expected a count >= 0", value);
    v->labelled = (int)x;
    return gv_reset(v, app) == MX_OK ? MX_OK : MX_EINVAL;
  }
  if (!strcmp(key, "label_seed")) {
    if (mx_view_parse_long(value, 0, 2147483647L, &x))
      return mx_error_set(err, MX_EINVAL, "gmm: label_seed=%s: expected an integer >= 0", value);
    v->label_seed = (unsigned long)x;
    return gv_reset(v, app) == MX_OK ? MX_OK : MX_EINVAL;
  }
  return GV_NOT_MINE;
}

/* iters, back, the layer toggles, reg. */
static int gv_set_run(gmm_view *v, mx_app *app, const char *key, const char *value, mx_error *err) {
  long x;
  if (!strcmp(key, "iters")) {
    long i;
    if (mx_view_parse_long(value, 0, GV_HIST - 1, &x))
      return mx_error_set(err, MX_EINVAL, "gmm: iters=%s: expected 0..%d", value, GV_HIST - 1);
    for (i = 0; i < x; i++) gv_step(v, NULL);
    return MX_OK;
  }
  if (!strcmp(key, "back")) {
    long i;
    if (mx_view_parse_long(value, 0, GV_HIST - 1, &x))
      return mx_error_set(err, MX_EINVAL, "gmm: back=%s: expected 0..%d", value, GV_HIST - 1);
    for (i = 0; i < x; i++) gv_back(v);
    return MX_OK;
  }
  if (!strcmp(key, "density") || !strcmp(key, "ellipses") || !strcmp(key, "boundary")) {
    int on;
    if (strcmp(value, "0") && strcmp(value, "1"))
      return mx_error_set(err, MX_EINVAL, "gmm: %s=%s: expected 0 or 1", key, value);
    on = value[0] == '1';
    if (key[0] == 'd') v->show_density = on;
    else if (key[0] == 'e') v->show_ellipses = on;
    else v->show_boundary = on;
    return MX_OK;
  }
  if (!strcmp(key, "covariance")) {
    int t = mx_gmm_cov_find(value);
    if (t < 0)
      return mx_error_set(err, MX_EINVAL,
                          "gmm: covariance=%s: expected full, diag, spherical or tied", value);
    v->covtype = t;
    return gv_reset(v, app) == MX_OK ? MX_OK : MX_EINVAL;
  }
  if (!strcmp(key, "hard")) {
    if (strcmp(value, "0") && strcmp(value, "1"))
      return mx_error_set(err, MX_EINVAL, "gmm: hard=%s: expected 0 or 1", value);
    v->hard = value[0] == '1';
    if (v->hard && v->semi) return mx_error_set(err, MX_EINVAL, "gmm: hard=1: not with semi=1");
    return gv_reset(v, app) == MX_OK ? MX_OK : MX_EINVAL;
  }
  if (!strcmp(key, "select")) {
    if (strcmp(value, "0") && strcmp(value, "1"))
      return mx_error_set(err, MX_EINVAL, "gmm: select=%s: expected 0 or 1", value);
    gv_set_select(v, app, value[0] == '1');
    return MX_OK;
  }
  if (!strcmp(key, "rate")) {
    if (mx_view_rate_parse(value, &v->rate))
      return mx_error_set(err, MX_EINVAL, "gmm: rate=%s: expected 1..60 iterations a second or max",
                          value);
    return MX_OK;
  }
  if (!strcmp(key, "reg")) {
    double r;
    if (mx_view_parse_double(value, 0, 1e3, MX_VIEW_CLOSED, &r))
      return mx_error_set(err, MX_EINVAL, "gmm: reg=%s: expected a number in [0, 1000]", value);
    v->reg = r;
    return gv_reset(v, app) == MX_OK ? MX_OK : MX_EINVAL;
  }
  return GV_NOT_MINE;
}

static int gv_set(void *st, mx_app *app, const char *key, const char *value, mx_error *err) {
  gmm_view *v = st;
  int rc;
  if (!value) value = "";
  if ((rc = gv_set_data(v, app, key, value, err)) != GV_NOT_MINE) return rc;
  if ((rc = gv_set_model(v, app, key, value, err)) != GV_NOT_MINE) return rc;
  if ((rc = gv_set_run(v, app, key, value, err)) != GV_NOT_MINE) return rc;
  return mx_error_set(err, MX_EINVAL,
                      "gmm: unknown option '%s' (dataset, data, digits, n, data_seed, k, seed, "
                      "init, semi, labelled, label_seed, iters, back, reg, covariance, hard, "
                      "select, density, ellipses, boundary, rate)",
                      key);
}

/* Snapshot t of a run as {"weights", "means", "covariances"}. */
static cJSON *gv_snap_json(gv_run *r, int t) {
  mx_gmm *tmp = mx_gmm_alloc(r->g->K, r->g->D), *keep;
  cJSON *j;
  if (!tmp) return NULL;
  keep = r->g;
  r->g = tmp;
  gv_snap_load(r, t);
  r->g = keep;
  j = mx_gmm_json_params(tmp);
  mx_gmm_free(tmp);
  return j;
}

/* Parse a "start" object into run r (same K); 0 or an error naming the key. */
static int gv_start_parse(const cJSON *j, const char *key, int K, mx_gmm **out, mx_error *err) {
  mx_error e2;
  char src[64];
  *out = NULL;
  snprintf(src, sizeof src, "gmm scene: \"%s\"", key);
  mx_error_clear(&e2);
  if (mx_gmm_json_parse(j, src, out, &e2) != MX_OK) return mx_error_set(err, MX_EINVAL, "%s", e2.msg);
  if ((*out)->K != K || (*out)->D != 2) {
    mx_gmm_free(*out);
    *out = NULL;
    return mx_error_set(err, MX_EINVAL, "%s: needs %d components in 2-D", src, K);
  }
  return MX_OK;
}

static cJSON *gv_save(void *st, mx_app *app) {
  gmm_view *v = st;
  cJSON *o = cJSON_CreateObject(), *a;
  size_t i;
  (void)app;
  cJSON_AddStringToObject(o, "dataset", gv_data_names[v->dataset]);
  cJSON_AddNumberToObject(o, "n", (double)v->npts);
  cJSON_AddNumberToObject(o, "data_seed", (double)v->data_seed);
  a = cJSON_AddArrayToObject(o, "digits");
  for (i = 0; i < (size_t)v->ndigits; i++) cJSON_AddItemToArray(a, cJSON_CreateNumber(v->digits[i]));
  if (v->csv[0]) cJSON_AddStringToObject(o, "data", v->csv);
  if (v->edited) {
    /* edited by hand: the points themselves, [x, y, true label] */
    a = cJSON_AddArrayToObject(o, "points");
    for (i = 0; i < v->pts.n; i++) {
      cJSON *p = cJSON_CreateArray();
      cJSON_AddItemToArray(p, mx_json_number(v->pts.x[2 * i]));
      cJSON_AddItemToArray(p, mx_json_number(v->pts.x[2 * i + 1]));
      cJSON_AddItemToArray(p, cJSON_CreateNumber(v->pts.label[i]));
      cJSON_AddItemToArray(a, p);
    }
  }
  cJSON_AddNumberToObject(o, "k", v->K);
  cJSON_AddStringToObject(o, "init", mx_gmm_init_name((mx_gmm_init)v->init));
  cJSON_AddNumberToObject(o, "seed", (double)v->seed);
  cJSON_AddItemToObject(o, "reg", mx_json_number(v->reg));
  if (v->hard) cJSON_AddBoolToObject(o, "hard", 1);
  if (v->show_sel) cJSON_AddBoolToObject(o, "select", 1);
  if (v->covtype != MX_GMM_COV_FULL)
    cJSON_AddStringToObject(o, "covariance", mx_gmm_cov_name(v->covtype));
  cJSON_AddBoolToObject(o, "semi", v->semi);
  cJSON_AddNumberToObject(o, "labelled", v->labelled);
  cJSON_AddNumberToObject(o, "label_seed", (double)v->label_seed);
  /* the parameters the histories start from (after a hand edit they are not
   * the init's), so that load + `iteration` steps replays exactly */
  cJSON_AddItemToObject(o, "start", gv_snap_json(&v->run[RUN_MAIN], 0));
  if (v->semi) cJSON_AddItemToObject(o, "start_plain", gv_snap_json(&v->run[RUN_PLAIN], 0));
  cJSON_AddNumberToObject(o, "iteration", v->run[RUN_MAIN].cur);
  cJSON_AddNumberToObject(o, "iterations_stored", v->run[RUN_MAIN].n - 1);
  if (v->half) cJSON_AddBoolToObject(o, "half_step", 1);
  if (v->rate != GV_RATE) cJSON_AddNumberToObject(o, "rate", v->rate > MX_RATE_MAX ? 0 : v->rate);
  cJSON_AddBoolToObject(o, "density", v->show_density);
  cJSON_AddBoolToObject(o, "ellipses", v->show_ellipses);
  cJSON_AddBoolToObject(o, "boundary", v->show_boundary);
  /* derived, for readers (ignored by load) */
  cJSON_AddItemToObject(o, "loglik", mx_json_number(v->run[RUN_MAIN].ll[v->run[RUN_MAIN].cur]));
  cJSON_AddItemToObject(o, "params", mx_gmm_json_params(v->run[RUN_MAIN].g));
  if (v->hard) cJSON_AddItemToObject(o, "params_kmeans", mx_gmm_json_params(v->run[RUN_PLAIN].g));
  cJSON_AddBoolToObject(o, "converged", v->run[RUN_MAIN].converged);
  if (isfinite(v->run[RUN_MAIN].acc))
    cJSON_AddNumberToObject(o, "accuracy", v->run[RUN_MAIN].acc);
  if (v->semi) {
    if (isfinite(v->run[RUN_PLAIN].acc))
      cJSON_AddNumberToObject(o, "accuracy_plain", v->run[RUN_PLAIN].acc);
    if (isfinite(v->run[RUN_SUP].acc))
      cJSON_AddNumberToObject(o, "accuracy_supervised", v->run[RUN_SUP].acc);
  }
  cJSON_AddNumberToObject(o, "points_n", (double)v->pts.n);
  return o;
}

static int gv_json_long(const cJSON *j, const char *key, long lo, long hi, long *out,
                        mx_error *err) {
  const cJSON *it = cJSON_GetObjectItem(j, key);
  if (!it) return 0;
  if (!cJSON_IsNumber(it) || it->valuedouble != floor(it->valuedouble) || it->valuedouble < lo ||
      it->valuedouble > hi)
    return mx_error_set(err, MX_EINVAL, "gmm scene: \"%s\" must be an integer in [%ld, %ld]", key,
                        lo, hi);
  *out = (long)it->valuedouble;
  return 0;
}

static int gv_json_bool(const cJSON *j, const char *key, int *out, mx_error *err) {
  const cJSON *it = cJSON_GetObjectItem(j, key);
  if (!it) return 0;
  if (!cJSON_IsBool(it)) return mx_error_set(err, MX_EINVAL, "gmm scene: \"%s\" must be true or false", key);
  *out = cJSON_IsTrue(it);
  return 0;
}

/* The scene's dataset, data, digits, init and reg into the given variables
 * (left as they are when absent). MX_OK or MX_EINVAL with a message. */
static int gv_load_fields(const cJSON *j, int *ds_, char *csv, size_t csvcap, int *digits, int *nd_,
                          int *init_, double *reg_, mx_error *err) {
  const cJSON *it;
  int ds = *ds_, nd = *nd_, init = *init_;
  double reg = *reg_;
  if ((it = cJSON_GetObjectItem(j, "dataset"))) {
    for (ds = 0; ds < GV_NDATA && !(cJSON_IsString(it) && !strcmp(it->valuestring, gv_data_names[ds]));
         ds++) {}
    if (ds == GV_NDATA)
      return mx_error_set(err, MX_EINVAL, "gmm scene: unknown \"dataset\"");
  }
  if ((it = cJSON_GetObjectItem(j, "data"))) {
    if (!cJSON_IsString(it)) return mx_error_set(err, MX_EINVAL, "gmm scene: \"data\" must be a path");
    snprintf(csv, csvcap, "%s", it->valuestring);
  }
  if ((it = cJSON_GetObjectItem(j, "digits"))) {
    const cJSON *d;
    nd = 0;
    if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) < 1 || cJSON_GetArraySize(it) > GV_MAXK)
      return mx_error_set(err, MX_EINVAL, "gmm scene: \"digits\" must list 1..%d digits", GV_MAXK);
    cJSON_ArrayForEach(d, it) {
      if (!cJSON_IsNumber(d) || d->valuedouble < 0 || d->valuedouble > 9)
        return mx_error_set(err, MX_EINVAL, "gmm scene: \"digits\" must hold digits 0..9");
      digits[nd++] = (int)d->valuedouble;
    }
  }
  if ((it = cJSON_GetObjectItem(j, "init"))) {
    /* every init the view uses: "labels" is the semi-supervised start */
    init = cJSON_IsString(it) ? mx_gmm_init_find(it->valuestring) : -1;
    if (init != MX_GMM_INIT_RANDOM && init != MX_GMM_INIT_KMEANSPP && init != MX_GMM_INIT_LABELS)
      return mx_error_set(err, MX_EINVAL,
                          "gmm scene: \"init\" must be \"kmeans++\", \"random\" or \"labels\"");
  }
  if ((it = cJSON_GetObjectItem(j, "reg"))) {
    if (!cJSON_IsNumber(it) || !(it->valuedouble >= 0) || it->valuedouble > 1e3)
      return mx_error_set(err, MX_EINVAL, "gmm scene: \"reg\" must be a number in [0, 1000]");
    reg = it->valuedouble;
  }
  *ds_ = ds;
  *nd_ = nd;
  *init_ = init;
  *reg_ = reg;
  return MX_OK;
}

/* The scene's edited points, [x, y, label] rows, into *edited (initialised
 * here; freed on error). MX_OK or MX_EINVAL with a message. */
static int gv_load_points(const cJSON *pts, mx_points *edited, mx_error *err) {
  int i;
  const cJSON *p;
  if (!cJSON_IsArray(pts) || cJSON_GetArraySize(pts) < 1 || cJSON_GetArraySize(pts) > GV_MAXN)
    return mx_error_set(err, MX_EINVAL, "gmm scene: \"points\" must be 1..%d [x, y, label] rows",
                        GV_MAXN);
  mx_points_init(edited, 2, (size_t)cJSON_GetArraySize(pts));
  i = 0;
  cJSON_ArrayForEach(p, pts) {
    double xy[2];
    const cJSON *a = cJSON_GetArrayItem(p, 0), *b = cJSON_GetArrayItem(p, 1),
                *l = cJSON_GetArrayItem(p, 2);
    if (!cJSON_IsArray(p) || !cJSON_IsNumber(a) || !cJSON_IsNumber(b) || !cJSON_IsNumber(l) ||
        !isfinite(a->valuedouble) || !isfinite(b->valuedouble) || l->valuedouble < -1 ||
        l->valuedouble > 99) {
      mx_points_free(edited);
      return mx_error_set(err, MX_EINVAL, "gmm scene: points[%d] must be [x, y, label]", i);
    }
    xy[0] = a->valuedouble;
    xy[1] = b->valuedouble;
    mx_points_push(edited, xy, (int)l->valuedouble);
    i++;
  }
  edited->has_label_col = 1;
  return MX_OK;
}

/* Start the main and plain histories from a scene's saved parameters
 * (start_plain, when given, for the plain run). */
static void gv_load_starts(gmm_view *v, const mx_gmm *start, const mx_gmm *start_plain) {
  /* start the histories from the saved parameters */
  int w;
  for (w = RUN_MAIN; w <= RUN_PLAIN; w++) {
    const mx_gmm *src = w == RUN_PLAIN && start_plain ? start_plain : start;
    mx_gmm *g = v->run[w].g;
    size_t K = (size_t)g->K;
    memcpy(g->weights, src->weights, K * sizeof *g->weights);
    memcpy(g->means, src->means, K * 2 * sizeof *g->means);
    memcpy(g->covs, src->covs, K * 4 * sizeof *g->covs);
    memcpy(g->chol, src->chol, K * 4 * sizeof *g->chol);
    memcpy(g->logdet, src->logdet, K * sizeof *g->logdet);
    memset(g->collapsed, 0, K * sizeof *g->collapsed);
    g->ncollapsed = 0;
    gv_run_start(v, w);
  }
}

/* The issue-16 fields: "covariance", "hard", "select" (absent: full, off, off). */
static int gv_load_models(const cJSON *j, int *cov, int *hard, int *sel, mx_error *err) {
  const cJSON *it = cJSON_GetObjectItem(j, "covariance");
  *cov = MX_GMM_COV_FULL;
  *hard = *sel = 0;
  if (it) {
    *cov = cJSON_IsString(it) ? mx_gmm_cov_find(it->valuestring) : -1;
    if (*cov < 0)
      return mx_error_set(err, MX_EINVAL, "gmm scene: \"covariance\" must be \"full\", "
                                          "\"diag\", \"spherical\" or \"tied\"");
  }
  return gv_json_bool(j, "hard", hard, err) || gv_json_bool(j, "select", sel, err) ? MX_EINVAL
                                                                                   : MX_OK;
}

/* "rate": iterations a second while running, 1..60, or 0 for as fast as
 * possible (absent: unchanged). */
static int gv_load_rate(const cJSON *j, double *rate, mx_error *err) {
  const cJSON *it = cJSON_GetObjectItem(j, "rate");
  if (!it) return MX_OK;
  if (!cJSON_IsNumber(it) || it->valuedouble != floor(it->valuedouble) || it->valuedouble < 0 ||
      it->valuedouble > MX_RATE_MAX)
    return mx_error_set(err, MX_EINVAL, "gmm scene: \"rate\" must be 1..60 iterations a second, "
                                        "or 0 for as fast as possible");
  *rate = it->valuedouble == 0 ? MX_RATE_TOP : it->valuedouble;
  return MX_OK;
}

static int gv_load(void *st, mx_app *app, const cJSON *j, mx_error *err) {
  gmm_view *v = st;
  const cJSON *pts;
  long n = (long)v->npts, dseed = (long)v->data_seed, k = v->K, seed = (long)v->seed;
  long labelled = v->labelled, lseed = (long)v->label_seed, iter = 0, stored = -1;
  int ds = v->dataset, init = v->init, semi = v->semi, dens = v->show_density;
  int ell = v->show_ellipses, bnd = v->show_boundary, digits[10], nd = v->ndigits, i;
  int cov, hard, sel, half = 0;
  double reg = v->reg, rate = v->rate;
  char csv[MX_PATH_LEN];
  mx_points edited;
  mx_gmm *start = NULL, *start_plain = NULL;
  gmm_view save;
  memcpy(digits, v->digits, sizeof digits);
  snprintf(csv, sizeof csv, "%s", v->csv);
  memset(&edited, 0, sizeof edited);
  if (!cJSON_IsObject(j)) return mx_error_set(err, MX_EINVAL, "gmm scene: expected an object");
  if (gv_load_fields(j, &ds, csv, sizeof csv, digits, &nd, &init, &reg, err) != MX_OK ||
      gv_load_models(j, &cov, &hard, &sel, err) != MX_OK || gv_load_rate(j, &rate, err) != MX_OK)
    return MX_EINVAL;
  if (gv_json_long(j, "n", 3, GV_MAXN, &n, err) || gv_json_long(j, "data_seed", 0, 2147483647L, &dseed, err) ||
      gv_json_long(j, "k", 1, GV_MAXK, &k, err) || gv_json_long(j, "seed", 0, 2147483647L, &seed, err) ||
      gv_json_long(j, "labelled", 0, GV_MAXN, &labelled, err) ||
      gv_json_long(j, "label_seed", 0, 2147483647L, &lseed, err) ||
      gv_json_long(j, "iteration", 0, GV_HIST - 1, &iter, err) ||
      gv_json_long(j, "iterations_stored", 0, GV_HIST - 1, &stored, err) ||
      gv_json_bool(j, "semi", &semi, err) ||
      gv_json_bool(j, "density", &dens, err) || gv_json_bool(j, "ellipses", &ell, err) ||
      gv_json_bool(j, "boundary", &bnd, err) || gv_json_bool(j, "half_step", &half, err))
    return MX_EINVAL;
  if (stored < 0) stored = iter;
  if (stored < iter)
    return mx_error_set(err, MX_EINVAL,
                        "gmm scene: \"iterations_stored\" = %ld is less than \"iteration\" = %ld",
                        stored, iter);
  if (init == MX_GMM_INIT_LABELS && !semi)
    return mx_error_set(err, MX_EINVAL,
                        "gmm scene: \"init\": \"labels\" needs \"semi\": true (the class means "
                        "of the labelled points)");
  if ((pts = cJSON_GetObjectItem(j, "points")) && gv_load_points(pts, &edited, err) != MX_OK)
    return MX_EINVAL;
  {
    const cJSON *js = cJSON_GetObjectItem(j, "start"), *jp = cJSON_GetObjectItem(j, "start_plain");
    if (js && gv_start_parse(js, "start", (int)k, &start, err) != MX_OK) {
      mx_points_free(&edited);
      return MX_EINVAL;
    }
    if (jp && gv_start_parse(jp, "start_plain", (int)k, &start_plain, err) != MX_OK) {
      mx_points_free(&edited);
      mx_gmm_free(start);
      return MX_EINVAL;
    }
  }
  /* valid: apply (the data first; on failure restore the previous state) */
  save = *v;
  v->npts = (size_t)n;
  v->data_seed = (unsigned long)dseed;
  memcpy(v->digits, digits, sizeof digits);
  v->ndigits = nd;
  snprintf(v->csv, sizeof v->csv, "%s", csv);
  if (pts) {
    if (gv_reserve(v, edited.n + 1) != MX_OK) {
      mx_points_free(&edited);
      mx_gmm_free(start);
      mx_gmm_free(start_plain);
      return mx_error_set(err, MX_ENOMEM, "gmm scene: out of memory");
    }
    mx_points_free(&v->pts);
    v->pts = edited;
    v->dataset = ds;
    v->nclasses = v->pts.max_label + 1;
    v->edited = 1;
    gv_view_box(v);
  } else {
    int old = v->dataset;
    v->dataset = ds;
    if (gv_load_data(v, app, err) != MX_OK) {
      v->dataset = old;
      v->npts = save.npts;
      v->data_seed = save.data_seed;
      memcpy(v->digits, save.digits, sizeof digits);
      v->ndigits = save.ndigits;
      snprintf(v->csv, sizeof v->csv, "%s", save.csv);
      mx_gmm_free(start);
      mx_gmm_free(start_plain);
      return MX_EINVAL;
    }
  }
  v->K = (int)k;
  v->init = init;
  v->seed = (unsigned long)seed;
  v->reg = reg;
  v->covtype = cov;
  v->semi = semi && v->nclasses > 0;
  v->hard = hard && !v->semi;
  v->show_sel = 0;
  v->labelled = (int)labelled;
  v->label_seed = (unsigned long)lseed;
  v->show_density = dens;
  v->show_ellipses = ell;
  v->show_boundary = bnd;
  v->rate = rate;
  gv_reset(v, app);
  if (start && v->run[RUN_MAIN].g && v->run[RUN_MAIN].g->K == start->K)
    gv_load_starts(v, start, start_plain); /* start the histories from the saved parameters */
  mx_gmm_free(start);
  mx_gmm_free(start_plain);
  /* Replay the stored history from the start (EM is deterministic and the
   * start is exact, so every snapshot is bit-identical to the saved run's),
   * then step back to the iteration shown. */
  for (i = 0; i < stored; i++) gv_step(v, NULL);
  for (i = 0; i < stored - iter; i++) gv_back(v);
  if (half) gv_half_enter(v); /* the M half of the iteration shown (none at iteration 0) */
  if (sel && !v->semi && !v->hard) gv_set_select(v, app, 1);
  return MX_OK;
}

const mx_view mx_view_gmm = {"gmm",  "Gaussian mixture", gv_create, gv_destroy, gv_event,
                             gv_update, gv_draw, gv_set,  gv_save,   gv_load};
