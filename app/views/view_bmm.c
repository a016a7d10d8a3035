/* mixscope — the Bernoulli mixture view: the EM jobs (a background job),
 * requests from the UI thread, create / destroy, events, set / save / load,
 * the vtable (see view_bmm.h).
 *
 * Sections: the jobs · requests (UI thread) · create / destroy · events /
 * update · set / save / load. */
#include "view_bmm.h"

/* ------------------------------------------------------------ the jobs */

static const int bmm_sweep_L[BMM_SWEEP_MAX] = {1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000};

static double bmm_clock(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void bmm_set_msg(bmm_view *s, int is_err, const char *text) {
  SDL_LockMutex(s->mu);
  snprintf(s->msg, sizeof s->msg, "%s", text);
  s->msg_err = is_err;
  SDL_UnlockMutex(s->mu);
}

/* (Re)build the on-pixel lists of the training and test digits at threshold t. */
static int bmm_build_data(bmm_view *s, double t, mx_error *err) {
  const mx_mnist *mn = s->mn;
  int rc;
  if (s->train_all && s->built_threshold == t) return MX_OK;
  mx_bmm_data_free(s->train_all);
  mx_bmm_data_free(s->test);
  s->train_all = s->test = NULL;
  s->built_threshold = NAN;
  /* on-pixel lists straight from the grey pixels: no binarized copy (47 MB) */
  rc = mx_bmm_data_alloc_grey(&s->train_all, mn->train.pix, mn->train.n, mn->train.d, t, err);
  if (!rc) rc = mx_bmm_data_alloc_grey(&s->test, mn->test.pix, mn->test.n, mn->test.d, t, err);
  if (!rc) s->built_threshold = t;
  return rc;
}

/* Score the test set and write history entry t from the model. */
static void bmm_record(bmm_view *s, int t, double ms) {
  const mx_bmm *m = s->m;
  size_t k, d, right = 0;
  double tll = NAN;
  mx_bmm_score(s->m, s->test, s->mn->test.labels, &tll, &right, NULL);
  for (k = 0; k < m->k; k++) {
    uint8_t *dst = s->h_theta + ((size_t)t * BMM_KMAX + k) * BMM_D;
    for (d = 0; d < BMM_D; d++) dst[d] = (uint8_t)lround(255.0 * m->theta[k * m->d + d]);
    s->h_pi[(size_t)t * BMM_KMAX + k] = m->pi[k];
  }
  s->h_ll[t] = m->loglik / (double)m->n;
  s->h_tll[t] = tll / (double)s->test->n;
  s->h_lp[t] = m->logpost;
  s->h_acc[t] = s->cur.semi ? (double)right / (double)s->test->n : NAN;
  s->h_ms[t] = ms;
}

/* A new run with cfg: data, model, start, and entry 0 (after one E-step). */
static void bmm_job_reset(bmm_view *s, bmm_cfg cfg) {
  mx_error err;
  mx_bmm_prior prior = mx_bmm_prior_laplace(cfg.alpha, 1.0);
  int rc;
  double t0 = bmm_clock();
  mx_error_clear(&err);
  SDL_LockMutex(s->mu);
  s->hist_n = 0;
  s->gen++;
  s->converged = 0;
  s->cur = cfg;
  SDL_UnlockMutex(s->mu);
  mx_bmm_free(s->m);
  s->m = NULL;
  free(s->fixed);
  s->fixed = NULL;
  rc = bmm_build_data(s, cfg.threshold, &err);
  if (!rc && (s->mn->train.d != BMM_D))
    rc = mx_error_set(&err, MX_EDIMS, "the bmm view needs 28x28 digits, got %zu pixels",
                      s->mn->train.d);
  if (!rc) {
    s->train = *s->train_all;
    s->train.n = (size_t)cfg.n < s->train_all->n ? (size_t)cfg.n : s->train_all->n;
    rc = mx_bmm_alloc(&s->m, (size_t)cfg.k, BMM_D, s->train.n, prior, BMM_THREADS, &err);
  }
  if (!rc) {
    gsl_rng_set(s->rng, cfg.seed);
    if (cfg.semi) {
      s->fixed = malloc(s->train.n * sizeof *s->fixed);
      if (!s->fixed)
        rc = mx_error_set(&err, MX_ENOMEM, "out of memory");
      else
        rc = mx_bmm_pick_labelled(s->mn->train.labels, s->train.n, 10, (size_t)cfg.labels, s->rng,
                                  s->fixed, &err);
      if (!rc) rc = mx_bmm_set_fixed(s->m, s->fixed, &err);
      if (!rc) rc = mx_bmm_init_labelled(s->m, &s->train, &err);
    } else if (cfg.init_random) {
      rc = mx_bmm_init_random(s->m, &s->train, s->rng, &err);
    } else {
      rc = mx_bmm_init_kmeanspp(s->m, &s->train, s->rng, NULL, &err);
    }
  }
  if (!rc) rc = mx_bmm_e_step(s->m, &s->train);
  if (rc) {
    mx_bmm_free(s->m);
    s->m = NULL;
    bmm_set_msg(s, 1, err.msg[0] ? err.msg : mx_strerror(rc));
    return;
  }
  bmm_record(s, 0, 1e3 * (bmm_clock() - t0));
  SDL_LockMutex(s->mu);
  s->hist_n = 1;
  s->msg[0] = '\0';
  s->msg_err = 0;
  SDL_UnlockMutex(s->mu);
}

/* One EM iteration: M-step from the responsibilities, E-step at the new θ. */
static void bmm_job_step(bmm_view *s) {
  int t = s->hist_n, rc;
  double t0 = bmm_clock();
  if (!s->m) return;
  if (t >= BMM_CAP) {
    bmm_set_msg(s, 0, "History is full: press R to start again");
    return;
  }
  rc = mx_bmm_m_step(s->m, &s->train);
  if (!rc) rc = mx_bmm_e_step(s->m, &s->train);
  if (rc) {
    bmm_set_msg(s, 1, mx_strerror(rc));
    return;
  }
  bmm_record(s, t, 1e3 * (bmm_clock() - t0));
  SDL_LockMutex(s->mu);
  s->hist_n = t + 1;
  if (s->h_lp[t] - s->h_lp[t - 1] < BMM_CONVERGED * fabs(s->h_lp[t])) s->converged = 1;
  SDL_UnlockMutex(s->mu);
}

/* Accuracy against L for the current N and α: for each L, naive Bayes on the
 * labelled digits alone (the start) and after EM with the rest unlabelled.
 * In resumable steps (bmm_sweep): begin, then per L a start, one EM
 * iteration a step, the scores. */
static void bmm_sweep_begin(bmm_view *s, bmm_cfg cfg) {
  bmm_sweep *w = &s->sw;
  mx_error err;
  size_t count[10] = {0}, c;
  if (bmm_build_data(s, cfg.threshold, &err)) {
    bmm_set_msg(s, 1, err.msg);
    return;
  }
  memset(w, 0, sizeof *w);
  w->cfg = cfg;
  w->train = *s->train_all;
  w->n = w->train.n = (size_t)cfg.n < s->train_all->n ? (size_t)cfg.n : s->train_all->n;
  for (c = 0; c < w->n; c++) count[s->mn->train.labels[c] % 10]++;
  w->minc = count[0];
  for (c = 1; c < 10; c++)
    if (count[c] < w->minc) w->minc = count[c];
  w->fixed = malloc(w->n * sizeof *w->fixed);
  if (!w->fixed || mx_bmm_alloc(&w->m, 10, BMM_D, w->n,
                                mx_bmm_prior_laplace(cfg.alpha, 1.0), BMM_THREADS, &err)) {
    bmm_set_msg(s, 1, w->fixed ? err.msg : "out of memory");
    free(w->fixed);
    w->fixed = NULL;
    return;
  }
  SDL_LockMutex(s->mu);
  s->sweep_n = 0;
  s->sweep_state = 1;
  SDL_UnlockMutex(s->mu);
  w->active = 1;
}

static void bmm_sweep_end(bmm_view *s, int cancelled) {
  bmm_sweep *w = &s->sw;
  SDL_LockMutex(s->mu);
  s->sweep_state = cancelled ? 0 : 2;
  SDL_UnlockMutex(s->mu);
  mx_bmm_free(w->m);
  free(w->fixed);
  memset(w, 0, sizeof *w);
}

/* One step of the sweep: phase 0 starts L (or ends the sweep), phase 1 one EM
 * iteration, phase 2 scores the fit and moves to the next L. */
static void bmm_sweep_step(bmm_view *s) {
  bmm_sweep *w = &s->sw;
  mx_error err;
  int cancelled;
  if (w->phase == 0) {
    int L = w->i < BMM_SWEEP_MAX ? bmm_sweep_L[w->i] : 0;
    if (w->i >= BMM_SWEEP_MAX || (size_t)L > w->minc || 10 * (size_t)L >= w->n) {
      bmm_sweep_end(s, 0);
      return;
    }
    gsl_rng_set(s->rng, w->cfg.seed);
    if (mx_bmm_pick_labelled(s->mn->train.labels, w->n, 10, (size_t)L, s->rng, w->fixed, &err) ||
        mx_bmm_set_fixed(w->m, w->fixed, &err) || mx_bmm_init_labelled(w->m, &w->train, &err)) {
      bmm_sweep_end(s, 0);
      return;
    }
    w->r0 = w->r1 = 0;
    mx_bmm_score(w->m, s->test, s->mn->test.labels, NULL, &w->r0, NULL);
    w->it = 0;
    w->prev = -INFINITY;
    w->phase = 1;
  } else if (w->phase == 1) {
    double J;
    w->phase = 2; /* unless this iteration goes on */
    if (w->it >= BMM_SWEEP_ITERS || mx_bmm_iterate(w->m, &w->train, &J)) return;
    w->it++;
    if (J - w->prev < BMM_CONVERGED * fabs(J)) return;
    w->prev = J;
    SDL_LockMutex(s->mu);
    cancelled = s->cancel;
    SDL_UnlockMutex(s->mu);
    if (!cancelled) w->phase = 1;
  } else {
    mx_bmm_score(w->m, s->test, s->mn->test.labels, NULL, &w->r1, NULL);
    SDL_LockMutex(s->mu);
    if (!s->cancel) {
      s->sweep_L[w->i] = bmm_sweep_L[w->i];
      s->sweep_acc0[w->i] = (double)w->r0 / (double)s->test->n;
      s->sweep_acc[w->i] = (double)w->r1 / (double)s->test->n;
      s->sweep_n = w->i + 1;
    }
    cancelled = s->cancel;
    SDL_UnlockMutex(s->mu);
    w->i++;
    w->phase = 0;
    if (cancelled) bmm_sweep_end(s, 1);
  }
}

/* The view's job (ui/pool.h): one piece of the pending work a step. A new run
 * comes first (it ends a sweep in progress), then a sweep in progress (EM
 * steps wait for it, as they did behind a sweep on the old worker), then one
 * EM iteration, then a new sweep. MX_JOB_IDLE when nothing is left. */
static int bmm_step(void *arg) {
  bmm_view *s = arg;
  bmm_cfg cfg;
  int kind = 0, more;
  SDL_LockMutex(s->mu);
  if (s->req_reset) {
    kind = 1;
    cfg = s->req_cfg;
    s->req_reset = 0;
  } else if (s->sw.active) {
    kind = 4;
  } else if (s->req_steps > 0) {
    kind = 2;
    s->req_steps--;
  } else if (s->req_sweep) {
    kind = 3;
    cfg = s->cur;
    s->req_sweep = 0;
    s->cancel = 0;
  }
  s->busy = kind != 0;
  SDL_UnlockMutex(s->mu);
  if (kind == 1 && s->sw.active) bmm_sweep_end(s, 1);
  if (kind == 1) bmm_job_reset(s, cfg);
  else if (kind == 2) bmm_job_step(s);
  else if (kind == 3) bmm_sweep_begin(s, cfg);
  else if (kind == 4) bmm_sweep_step(s);
  SDL_LockMutex(s->mu);
  s->busy = s->sw.active;
  more = s->sw.active || s->req_reset || s->req_steps > 0 || s->req_sweep;
  SDL_UnlockMutex(s->mu);
  return more ? MX_JOB_MORE : MX_JOB_IDLE;
}

/* Hand the new request to the job; headless (or without a job), do every
 * pending piece now. */
static void bmm_kick(bmm_view *s) {
  if (s->headless || !s->job) {
    while (bmm_step(s) == MX_JOB_MORE) {
    }
  } else {
    mx_job_wake(s->job);
  }
}

/* ------------------------------------------------------------ requests (UI thread) */

void bmm_request_reset(bmm_view *s) {
  SDL_LockMutex(s->mu);
  s->req_cfg = s->want;
  s->req_reset = 1;
  s->req_steps = 0;
  s->cancel = 1;
  s->sweep_state = 0;
  s->sweep_n = 0;
  SDL_UnlockMutex(s->mu);
  s->follow = 1;
  s->rate = BMM_RUN_RATE;
  s->view_t = 0;
  s->running = 0;
  bmm_kick(s);
}

static void bmm_request_steps(bmm_view *s, int n) {
  SDL_LockMutex(s->mu);
  s->req_steps += n;
  SDL_UnlockMutex(s->mu);
  s->follow = 1;
  bmm_kick(s);
}

/* Right / Space: forward through the history, or a new iteration at its end. */
void bmm_forward(bmm_view *s) {
  if (s->view_t < s->c_n - 1) {
    s->view_t++;
    s->follow = s->view_t == s->c_n - 1;
  } else {
    bmm_request_steps(s, 1);
  }
}

void bmm_back(bmm_view *s) {
  s->running = 0;
  if (s->view_t > 0) s->view_t--;
  s->follow = 0;
}

/* Keep the slider-facing values in step with want. */
static void bmm_sync_sliders(bmm_view *s) {
  s->k_slider = s->want.k;
  s->n_slider = s->want.n;
  s->alpha_slider = s->want.alpha;
  s->labels_slider = s->want.labels;
}

int bmm_max_n(const bmm_view *s) { return (int)s->mn->train.n; }

/* Copy what the frame needs from the shared history. */
void bmm_copy_shared(bmm_view *s) {
  int t, k, gen;
  SDL_LockMutex(s->mu);
  gen = s->gen;
  s->c_n = s->hist_n;
  s->disp_cfg = s->cur;
  memcpy(s->c_ll, s->h_ll, (size_t)s->c_n * sizeof *s->c_ll);
  memcpy(s->c_tll, s->h_tll, (size_t)s->c_n * sizeof *s->c_tll);
  memcpy(s->c_lp, s->h_lp, (size_t)s->c_n * sizeof *s->c_lp);
  memcpy(s->c_acc, s->h_acc, (size_t)s->c_n * sizeof *s->c_acc);
  memcpy(s->c_ms, s->h_ms, (size_t)s->c_n * sizeof *s->c_ms);
  s->c_converged = s->converged;
  snprintf(s->c_msg, sizeof s->c_msg, "%s", s->msg);
  s->c_msg_err = s->msg_err;
  s->c_busy = s->busy || s->req_reset || s->req_steps > 0 || s->req_sweep;
  s->c_sweep_n = s->sweep_n;
  s->c_sweep_state = s->sweep_state;
  memcpy(s->c_sweep_L, s->sweep_L, sizeof s->c_sweep_L);
  memcpy(s->c_sweep_acc0, s->sweep_acc0, sizeof s->c_sweep_acc0);
  memcpy(s->c_sweep_acc, s->sweep_acc, sizeof s->c_sweep_acc);
  if (s->follow || s->view_t >= s->c_n) s->view_t = s->c_n > 0 ? s->c_n - 1 : 0;
  t = s->view_t;
  if (s->c_n > 0 && (gen != s->shown_gen || t != s->shown_t)) {
    const uint8_t *src = s->h_theta + (size_t)t * BMM_KMAX * BMM_D;
    for (k = 0; k < s->disp_cfg.k; k++) {
      int d;
      s->disp_pi[k] = s->h_pi[(size_t)t * BMM_KMAX + k];
      memcpy(s->disp_theta8[k], src + (size_t)k * BMM_D, BMM_D);
      for (d = 0; d < BMM_D; d++) {
        mx_color c = mx_cmap(MX_CMAP_THETA, src[k * BMM_D + d] / 255.0, 0.0, 1.0);
        memcpy(&s->disp_rgba[k][d], &c, sizeof c);
      }
    }
    s->shown_gen = gen;
    s->shown_t = t;
    s->tex_dirty = 1;
  }
  SDL_UnlockMutex(s->mu);
}

/* ------------------------------------------------------------ create / destroy */

static void bmm_destroy(void *st) {
  bmm_view *s = st;
  int k;
  if (!s) return;
  if (s->job) {
    SDL_LockMutex(s->mu);
    s->cancel = 1;
    SDL_UnlockMutex(s->mu);
    mx_job_cancel(s->job); /* (waits for a step in progress) */
  }
  if (s->sw.active) bmm_sweep_end(s, 1);
  for (k = 0; k < BMM_KMAX; k++) mx_texture_free(&s->tex[k]);
  mx_sample_set_free(&s->samp);
  if (s->mu) SDL_DestroyMutex(s->mu);
  mx_bmm_free(s->m);
  mx_bmm_data_free(s->train_all);
  mx_bmm_data_free(s->test);
  if (s->rng) gsl_rng_free(s->rng);
  free(s->fixed);
  free(s->h_theta);
  free(s->h_pi);
  free(s->h_ll);
  free(s->h_tll);
  free(s->h_lp);
  free(s->h_acc);
  free(s->h_ms);
  free(s);
}

static void *bmm_create(mx_app *app, mx_error *err) {
  bmm_view *s;
  const mx_mnist *mn = mx_app_mnist(app, err);
  if (!mn) return NULL;
  if (mn->train.d != BMM_D || mn->train.rows != BMM_SIDE) {
    mx_error_set(err, MX_EDIMS, "bmm view: needs 28x28 digits, %s has %zux%zu", mn->dir,
                 mn->train.rows, mn->train.cols);
    return NULL;
  }
  s = calloc(1, sizeof *s);
  if (!s) {
    mx_error_set(err, MX_ENOMEM, "out of memory");
    return NULL;
  }
  s->mn = mn;
  s->headless = mx_app_headless(app);
  s->built_threshold = NAN;
  s->shown_gen = s->shown_t = -1;
  s->follow = 1;
  s->want.k = 10;
  s->want.n = BMM_DEFAULT_N < (int)mn->train.n ? BMM_DEFAULT_N : (int)mn->train.n;
  s->want.semi = 0;
  s->want.labels = 10;
  s->want.init_random = 0;
  s->want.seed = 1;
  s->want.alpha = 1.0;
  s->want.threshold = 0.5;
  bmm_sync_sliders(s);
  s->mu = SDL_CreateMutex();
  s->rng = gsl_rng_alloc(gsl_rng_mt19937);
  s->h_theta = malloc((size_t)BMM_CAP * BMM_KMAX * BMM_D);
  s->h_pi = malloc((size_t)BMM_CAP * BMM_KMAX * sizeof *s->h_pi);
  s->h_ll = malloc(BMM_CAP * sizeof *s->h_ll);
  s->h_tll = malloc(BMM_CAP * sizeof *s->h_tll);
  s->h_lp = malloc(BMM_CAP * sizeof *s->h_lp);
  s->h_acc = malloc(BMM_CAP * sizeof *s->h_acc);
  s->h_ms = malloc(BMM_CAP * sizeof *s->h_ms);
  if (!s->mu || !s->rng || !s->h_theta || !s->h_pi || !s->h_ll || !s->h_tll ||
      !s->h_lp || !s->h_acc || !s->h_ms) {
    bmm_destroy(s);
    mx_error_set(err, MX_ENOMEM, "out of memory");
    return NULL;
  }
  if (!s->headless) s->job = mx_job_submit(bmm_step, s);
  /* without a job (headless, or out of memory) the steps run inline */
  bmm_request_reset(s);
  return s;
}

/* ------------------------------------------------------------ events / update */

static void bmm_set_k(bmm_view *s, int k, mx_app *app) {
  if (s->want.semi) {
    mx_app_status(app, "Semi-supervised: K is 10, one component per digit (S to leave)");
    return;
  }
  if (k < BMM_KMIN) k = BMM_KMIN;
  if (k > BMM_KMAX) k = BMM_KMAX;
  if (k == s->want.k) return;
  s->want.k = k;
  bmm_sync_sliders(s);
  bmm_request_reset(s);
}

void bmm_set_semi(bmm_view *s, int on) {
  s->want.semi = on;
  if (on) s->want.k = 10;
  bmm_sync_sliders(s);
  bmm_request_reset(s);
}

static void bmm_set_labels(bmm_view *s, int L) {
  if (L < 1) L = 1;
  if (L > 5000) L = 5000;
  s->want.labels = L;
  bmm_sync_sliders(s);
  if (s->want.semi) bmm_request_reset(s);
}

/* L steps for [ and ]: 1 2 3 5 10 20 30 50 100 ... */
static int bmm_next_L(int L, int up) {
  static const int steps[] = {1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000};
  int i, n = (int)(sizeof steps / sizeof *steps);
  if (up) {
    for (i = 0; i < n; i++)
      if (steps[i] > L) return steps[i];
    return steps[n - 1];
  }
  for (i = n - 1; i >= 0; i--)
    if (steps[i] < L) return steps[i];
  return steps[0];
}

void bmm_request_sweep(bmm_view *s, mx_app *app) {
  if (!s->want.semi) {
    mx_app_status(app, "Accuracy against L is for the semi-supervised mode: press U first");
    return;
  }
  SDL_LockMutex(s->mu);
  s->req_sweep = 1;
  SDL_UnlockMutex(s->mu);
  mx_app_status(app, "Accuracy against L: a fit for each L (first %d digits, α = %g)",
                s->want.n, s->want.alpha);
  bmm_kick(s);
}

/* A fresh batch from the displayed model (π, θ at its stored precision of
 * 1/255): z ~ π, then pixel d ~ Bernoulli(θ_zd). 0, or MX_ error. */
int bmm_sample_new(bmm_view *s) {
  int K = s->disp_cfg.k, k, d, rc;
  double *theta, pi[BMM_KMAX], sum = 0.0;
  if (s->c_n == 0 || K < 1) return MX_EEMPTY;
  if (!s->samp.x && mx_sample_set_alloc(&s->samp, BMM_NSAMP, 12, BMM_SIDE) != MX_OK)
    return MX_ENOMEM;
  if (!(theta = malloc((size_t)K * BMM_D * sizeof *theta))) return MX_ENOMEM;
  for (k = 0; k < K; k++) {
    for (d = 0; d < BMM_D; d++) theta[k * BMM_D + d] = s->disp_theta8[k][d] / 255.0;
    sum += s->disp_pi[k];
  }
  for (k = 0; k < K; k++) pi[k] = s->disp_pi[k] / sum;
  rc = mx_sample_set_draw(&s->samp, pi, theta, K);
  free(theta);
  if (rc == MX_OK) s->samp_t = s->view_t;
  return rc;
}

void bmm_key_sample(bmm_view *s, mx_app *app, int back) {
  if (back) {
    s->samp.shown = 0;
    mx_app_status(app, "θ maps");
  } else if (bmm_sample_new(s) == MX_OK) {
    mx_app_status(app, "%d new digits from the model at iteration %d: a component z ~ π, then "
                       "each pixel ~ Bernoulli(θ_z)",
                  BMM_NSAMP, s->view_t);
  }
}

static int bmm_event(void *st, mx_app *app, const SDL_Event *ev) {
  bmm_view *s = st;
  SDL_Keycode k;
  if (ev->type != SDL_KEYDOWN) return 0;
  if (ev->key.keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)) return 0;
  k = ev->key.keysym.sym;
  bmm_copy_shared(s);
  switch (k) {
  case SDLK_SPACE:
  case SDLK_RIGHT:
    bmm_forward(s);
    return 1;
  case SDLK_LEFT:
    bmm_back(s);
    return 1;
  case SDLK_HOME:
    bmm_back(s);
    s->view_t = 0;
    return 1;
  case SDLK_END:
    s->follow = 1;
    return 1;
  case SDLK_RETURN:
  case SDLK_KP_ENTER:
    s->running = !s->running;
    s->run_clock = 0.0;
    if (s->running) s->follow = 1;
    return 1;
  case SDLK_r:
    bmm_request_reset(s);
    mx_app_status(app, "Reset: the same start again (seed %lu)", s->want.seed);
    return 1;
  case SDLK_n:
    if ((ev->key.keysym.mod & KMOD_SHIFT) && s->want.seed > 0) s->want.seed--;
    else s->want.seed++;
    bmm_request_reset(s);
    mx_app_status(app, "New seed %lu", s->want.seed);
    return 1;
  case SDLK_PLUS:
  case SDLK_EQUALS:
  case SDLK_KP_PLUS:
    bmm_set_k(s, s->want.k + 1, app);
    return 1;
  case SDLK_MINUS:
  case SDLK_KP_MINUS:
    bmm_set_k(s, s->want.k - 1, app);
    return 1;
  case SDLK_k: /* as in the GMM view: K more, Shift K fewer */
    bmm_set_k(s, s->want.k + ((ev->key.keysym.mod & KMOD_SHIFT) ? -1 : 1), app);
    return 1;
  case SDLK_i:
    if (s->want.semi) {
      mx_app_status(app, "Semi-supervised runs start from the labelled digits");
      return 1;
    }
    s->want.init_random = !s->want.init_random;
    bmm_request_reset(s);
    mx_app_status(app, "Start: %s", s->want.init_random ? "random responsibilities" : "k-means++");
    return 1;
  case SDLK_u: /* semi-supervised, as in the GMM view */
    bmm_set_semi(s, !s->want.semi);
    mx_app_status(app, s->want.semi ? "Semi-supervised: %d labelled digits per class"
                                    : "Unsupervised (%d labels per class kept for later)",
                  s->want.labels);
    return 1;
  case SDLK_LEFTBRACKET:
  case SDLK_RIGHTBRACKET:
    bmm_set_labels(s, bmm_next_L(s->want.labels, k == SDLK_RIGHTBRACKET));
    if (!s->want.semi) mx_app_status(app, "L = %d labelled digits per class (U: semi-supervised)",
                                     s->want.labels);
    return 1;
  case SDLK_a:
    bmm_request_sweep(s, app);
    return 1;
  case SDLK_g:
    bmm_key_sample(s, app, (ev->key.keysym.mod & KMOD_SHIFT) != 0);
    return 1;
  default:
    return 0;
  }
}

static void bmm_update(void *st, mx_app *app, double dt) {
  bmm_view *s = st;
  bmm_copy_shared(s);
  if (s->c_msg[0] && s->c_msg_err) mx_app_error(app, "%s", s->c_msg);
  if (!s->running || s->headless) return;
  if (s->c_converged) {
    s->running = 0;
    mx_app_status(app, "Converged: ΔJ < %g·|J| at iteration %d", BMM_CONVERGED, s->c_n - 1);
    return;
  }
  if (s->c_n >= BMM_CAP) {
    s->running = 0;
    return;
  }
  /* the worker takes one step at a time: the rate is an upper bound */
  if (mx_view_rate_due(s->rate, &s->run_clock, dt) != 0 && !s->c_busy) bmm_request_steps(s, 1);
}

/* ------------------------------------------------------------ set / save / load */

static int bmm_set(void *st, mx_app *app, const char *key, const char *value, mx_error *err) {
  bmm_view *s = st;
  long l;
  double d;
  (void)app;
  if (!strcmp(key, "k")) {
    if (mx_view_parse_long(value, BMM_KMIN, BMM_KMAX, &l))
      return mx_error_set(err, MX_EINVAL, "bmm: k=%s: expected an integer in [%d, %d]", value,
                          BMM_KMIN, BMM_KMAX);
    if (s->want.semi && l != 10)
      return mx_error_set(err, MX_EINVAL, "bmm: k=%s: semi-supervised mode has K = 10", value);
    s->want.k = (int)l;
  } else if (!strcmp(key, "n")) {
    if (mx_view_parse_long(value, 100, bmm_max_n(s), &l))
      return mx_error_set(err, MX_EINVAL, "bmm: n=%s: expected an integer in [100, %d]", value,
                          bmm_max_n(s));
    s->want.n = (int)l;
  } else if (!strcmp(key, "seed")) {
    if (mx_view_parse_long(value, 0, 2147483647L, &l))
      return mx_error_set(err, MX_EINVAL, "bmm: seed=%s: expected an integer in [0, 2147483647]",
                          value);
    s->want.seed = (unsigned long)l;
  } else if (!strcmp(key, "alpha")) {
    if (mx_view_parse_double(value, 1e-6, 1e6, MX_VIEW_CLOSED, &d))
      return mx_error_set(err, MX_EINVAL, "bmm: alpha=%s: expected a number in [1e-6, 1e6]", value);
    s->want.alpha = d;
  } else if (!strcmp(key, "threshold")) {
    if (mx_view_parse_double(value, 0.0, 0.999, MX_VIEW_CLOSED, &d))
      return mx_error_set(err, MX_EINVAL, "bmm: threshold=%s: expected a number in [0, 0.999]",
                          value);
    s->want.threshold = d;
  } else if (!strcmp(key, "init")) {
    if (!value || (strcmp(value, "kmeans++") && strcmp(value, "random")))
      return mx_error_set(err, MX_EINVAL, "bmm: init=%s: expected kmeans++ or random",
                          value ? value : "");
    s->want.init_random = !strcmp(value, "random");
  } else if (!strcmp(key, "semi")) {
    if (!value || (strcmp(value, "0") && strcmp(value, "1")))
      return mx_error_set(err, MX_EINVAL, "bmm: semi=%s: expected 0 or 1", value ? value : "");
    s->want.semi = value[0] == '1';
    if (s->want.semi) s->want.k = 10;
  } else if (!strcmp(key, "labels")) {
    if (mx_view_parse_long(value, 1, 5000, &l))
      return mx_error_set(err, MX_EINVAL, "bmm: labels=%s: expected an integer in [1, 5000]", value);
    s->want.labels = (int)l;
  } else if (!strcmp(key, "steps")) {
    if (mx_view_parse_long(value, 0, BMM_CAP - 1, &l))
      return mx_error_set(err, MX_EINVAL, "bmm: steps=%s: expected an integer in [0, %d]", value,
                          BMM_CAP - 1);
    bmm_request_steps(s, (int)l);
    return MX_OK;
  } else if (!strcmp(key, "view")) {
    bmm_copy_shared(s);
    if (mx_view_parse_long(value, 0, s->c_n > 0 ? s->c_n - 1 : 0, &l))
      return mx_error_set(err, MX_EINVAL, "bmm: view=%s: expected an iteration in [0, %d]", value,
                          s->c_n > 0 ? s->c_n - 1 : 0);
    s->view_t = (int)l;
    s->follow = s->view_t == s->c_n - 1;
    return MX_OK;
  } else if (!strcmp(key, "threaded")) {
    /* run the EM as a background job as the window does, also headless (tests) */
    if (!value || strcmp(value, "1"))
      return mx_error_set(err, MX_EINVAL, "bmm: threaded=%s: expected 1", value ? value : "");
    if (!s->job) s->job = mx_job_submit(bmm_step, s);
    if (!s->job) return mx_error_set(err, MX_EINVAL, "bmm: cannot start a job: out of memory");
    s->headless = 0;
    return MX_OK;
  } else if (!strcmp(key, "sweep")) {
    if (!value || strcmp(value, "1"))
      return mx_error_set(err, MX_EINVAL, "bmm: sweep=%s: expected 1", value ? value : "");
    if (!s->want.semi)
      return mx_error_set(err, MX_EINVAL, "bmm: sweep=1 needs the semi-supervised mode (semi=1 first)");
    bmm_request_sweep(s, app);
    return MX_OK;
  } else {
    return mx_error_set(err, MX_EINVAL,
                        "bmm: unknown option '%s' (k, n, seed, alpha, threshold, init, semi, "
                        "labels, steps, view, sweep, threaded)",
                        key);
  }
  bmm_sync_sliders(s);
  bmm_request_reset(s);
  return MX_OK;
}

static cJSON *bmm_save(void *st, mx_app *app) {
  bmm_view *s = st;
  cJSON *o = cJSON_CreateObject();
  (void)app;
  bmm_copy_shared(s);
  cJSON_AddNumberToObject(o, "k", s->want.k);
  cJSON_AddNumberToObject(o, "n", s->want.n);
  cJSON_AddNumberToObject(o, "seed", (double)s->want.seed);
  cJSON_AddNumberToObject(o, "alpha", s->want.alpha);
  cJSON_AddNumberToObject(o, "threshold", s->want.threshold);
  cJSON_AddStringToObject(o, "init", s->want.init_random ? "random" : "kmeans++");
  cJSON_AddBoolToObject(o, "semi", s->want.semi);
  cJSON_AddNumberToObject(o, "labels", s->want.labels);
  cJSON_AddNumberToObject(o, "iterations", s->c_n > 0 ? s->c_n - 1 : 0);
  cJSON_AddNumberToObject(o, "view", s->view_t);
  if (s->samp.shown) cJSON_AddNumberToObject(o, "sample_batch", (double)s->samp.gen);
  /* derived, for readers of the scene (ignored by load) */
  cJSON_AddBoolToObject(o, "busy", s->c_busy);
  if (s->c_n > 0) {
    int t = s->view_t;
    cJSON_AddNumberToObject(o, "loglik_per_digit", s->c_ll[t]);
    cJSON_AddNumberToObject(o, "test_loglik_per_digit", s->c_tll[t]);
    cJSON_AddNumberToObject(o, "logpost", s->c_lp[t]);
    cJSON_AddItemToObject(o, "weights", cJSON_CreateDoubleArray(s->disp_pi, s->disp_cfg.k));
    if (s->disp_cfg.semi) {
      cJSON_AddNumberToObject(o, "test_accuracy", s->c_acc[t]);
      cJSON_AddNumberToObject(o, "test_accuracy_labelled_only", s->c_acc[0]);
    }
  }
  if (s->c_sweep_n > 0) {
    cJSON *a = cJSON_AddArrayToObject(o, "accuracy_vs_L");
    int i;
    for (i = 0; i < s->c_sweep_n; i++) {
      cJSON *e = cJSON_CreateObject();
      cJSON_AddNumberToObject(e, "L", s->c_sweep_L[i]);
      cJSON_AddNumberToObject(e, "labelled_only", s->c_sweep_acc0[i]);
      cJSON_AddNumberToObject(e, "em", s->c_sweep_acc[i]);
      cJSON_AddItemToArray(a, e);
    }
  }
  return o;
}

static int bmm_json_long(const cJSON *j, const char *key, long lo, long hi, long *out, mx_error *err) {
  const cJSON *it = cJSON_GetObjectItem(j, key);
  if (!it) return 0;
  if (!cJSON_IsNumber(it) || it->valuedouble != floor(it->valuedouble) || it->valuedouble < lo ||
      it->valuedouble > hi)
    return mx_error_set(err, MX_EINVAL, "bmm scene: \"%s\" must be an integer in [%ld, %ld]", key,
                        lo, hi);
  *out = (long)it->valuedouble;
  return 0;
}

static int bmm_json_double(const cJSON *j, const char *key, double lo, double hi, double *out,
                           mx_error *err) {
  const cJSON *it = cJSON_GetObjectItem(j, key);
  if (!it) return 0;
  if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) || it->valuedouble < lo || it->valuedouble > hi)
    return mx_error_set(err, MX_EINVAL, "bmm scene: \"%s\" must be a number in [%g, %g]", key, lo, hi);
  *out = it->valuedouble;
  return 0;
}

static int bmm_load(void *st, mx_app *app, const cJSON *j, mx_error *err) {
  bmm_view *s = st;
  bmm_cfg c = s->want;
  long k = c.k, n = c.n, seed = (long)c.seed, labels = c.labels, iters = 0, view = -1;
  const cJSON *it;
  (void)app;
  if (!cJSON_IsObject(j)) return mx_error_set(err, MX_EINVAL, "bmm scene: expected an object");
  if (bmm_json_long(j, "k", BMM_KMIN, BMM_KMAX, &k, err) ||
      bmm_json_long(j, "n", 100, bmm_max_n(s), &n, err) ||
      bmm_json_long(j, "seed", 0, 2147483647L, &seed, err) ||
      bmm_json_long(j, "labels", 1, 5000, &labels, err) ||
      bmm_json_long(j, "iterations", 0, BMM_CAP - 1, &iters, err) ||
      bmm_json_long(j, "view", 0, BMM_CAP - 1, &view, err) ||
      bmm_json_double(j, "alpha", 1e-6, 1e6, &c.alpha, err) ||
      bmm_json_double(j, "threshold", 0.0, 0.999, &c.threshold, err))
    return MX_EINVAL;
  if ((it = cJSON_GetObjectItem(j, "init"))) {
    if (!cJSON_IsString(it) || (strcmp(it->valuestring, "kmeans++") && strcmp(it->valuestring, "random")))
      return mx_error_set(err, MX_EINVAL, "bmm scene: \"init\" must be \"kmeans++\" or \"random\"");
    c.init_random = !strcmp(it->valuestring, "random");
  }
  /* absent "semi" means unsupervised, so a partial scene loads the same way
   * whatever was on screen before */
  c.semi = 0;
  if ((it = cJSON_GetObjectItem(j, "semi"))) {
    if (!cJSON_IsBool(it)) return mx_error_set(err, MX_EINVAL, "bmm scene: \"semi\" must be true or false");
    c.semi = cJSON_IsTrue(it);
  }
  if (c.semi && k != 10)
    return mx_error_set(err, MX_EINVAL, "bmm scene: semi-supervised needs \"k\": 10, not %ld", k);
  c.k = (int)k;
  c.n = (int)n;
  c.seed = (unsigned long)seed;
  c.labels = (int)labels;
  if ((it = cJSON_GetObjectItem(j, "sample_batch"))) {
    if (!cJSON_IsNumber(it) || it->valuedouble < 1 || it->valuedouble > 1e9)
      return mx_error_set(err, MX_EINVAL, "bmm scene: \"sample_batch\" must be a number >= 1");
    s->samp.gen = (unsigned long)it->valuedouble - 1;
    s->samp_pending = 1; /* drawn once the history is replayed */
  } else {
    s->samp.shown = s->samp_pending = 0;
  }
  s->want = c;
  bmm_sync_sliders(s);
  bmm_request_reset(s);
  if (iters > 0) bmm_request_steps(s, (int)iters);
  if (view >= 0 && view < iters) {
    s->view_t = (int)view;
    s->follow = 0;
  }
  return MX_OK;
}

const mx_view mx_view_bmm = {"bmm",    "Bernoulli mixture", bmm_create, bmm_destroy,
                             bmm_event, bmm_update,         bmm_draw,   bmm_set,
                             bmm_save, bmm_load};
