/* mixscope — view: a Bernoulli mixture fitted by EM to binarized MNIST.
 *
 * The K component θ maps as heatmaps with their weights, updating at every
 * iteration; the log-likelihood per digit (training and test) against the
 * iteration; controls for K, the number of training digits N, the prior
 * pseudo-count α, the start (k-means++ / random) and the seed. In the
 * semi-supervised mode, K = 10 components are bound to the digit classes by L
 * labelled digits per class (their responsibilities fixed one-hot, as in the
 * lecture's semi-supervised EM), and the test accuracy (argmax posterior) is
 * shown beside the accuracy of the labelled digits alone; on demand, a sweep
 * over L draws accuracy against L for both.
 *
 * All numbers come from core/bmm. The EM runs off the render path: in the
 * window a worker thread owns the model and publishes each iteration into a
 * history (θ quantised to 8 bits for display, π, log-likelihoods, accuracy)
 * under a mutex; the frame only copies from the history, so the UI never
 * waits for EM. Headless (shot, tests) the same jobs run inline, so a key
 * press has finished by the time the frame is drawn. Every iteration is kept
 * (up to BMM_CAP), so Left walks back through them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL.h>
#include <gsl/gsl_rng.h>

#include "shell/app.h"
#include "mixscope/bmm.h"
#include "mixscope/dataset.h"
#include "view.h"

#define BMM_KMIN 2
#define BMM_KMAX 30
#define BMM_CAP 400          /* iterations kept (entry 0 is the start) */
#define BMM_D 784            /* MNIST pixels; checked against the data */
#define BMM_SIDE 28
#define BMM_THREADS 2
#define BMM_RUN_RATE 12.0    /* iterations per second while running */
#define BMM_CONVERGED 1e-7   /* stop running when ΔJ < this · |J| */
#define BMM_SWEEP_MAX 12
#define BMM_SWEEP_ITERS 40
#define BMM_DEFAULT_N 10000

static const int bmm_sweep_L[BMM_SWEEP_MAX] = {1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000};

/* What a run is made from; a change means a new run. */
typedef struct bmm_cfg {
  int k;               /* components (10 in semi-supervised mode) */
  int n;               /* first n training digits */
  int semi;            /* semi-supervised: L labelled digits per class */
  int labels;          /* L */
  int init_random;     /* 0 k-means++, 1 random responsibilities */
  unsigned long seed;
  double alpha;        /* Beta(1+α, 1+α) prior on θ */
  double threshold;    /* binarize pix/255 > threshold */
} bmm_cfg;

typedef struct bmm_view {
  /* ---- UI thread only ---- */
  bmm_cfg want;             /* what the controls show */
  double n_slider, alpha_slider, labels_slider; /* slider backing values */
  int k_slider;
  int view_t;               /* displayed iteration */
  int follow;               /* view_t follows the newest iteration */
  int running;
  double run_clock;
  int headless;
  /* copy of the displayed entry, and the curves, taken under the lock */
  int shown_gen, shown_t;   /* (generation, iteration) in disp_rgba / the textures */
  bmm_cfg disp_cfg;
  double disp_pi[BMM_KMAX];
  uint32_t disp_rgba[BMM_KMAX][BMM_D];
  int tex_dirty;
  SDL_Texture *tex[BMM_KMAX];
  double c_ll[BMM_CAP], c_tll[BMM_CAP], c_lp[BMM_CAP], c_acc[BMM_CAP], c_ms[BMM_CAP];
  int c_n;
  int c_converged;
  char c_msg[MX_ERRMSG_LEN];
  int c_msg_err;
  int c_busy;
  int c_sweep_n, c_sweep_state;
  double c_sweep_acc0[BMM_SWEEP_MAX], c_sweep_acc[BMM_SWEEP_MAX];
  int c_sweep_L[BMM_SWEEP_MAX];

  /* ---- shared, under mu ---- */
  SDL_mutex *mu;
  SDL_cond *cv;
  SDL_Thread *thread;
  int quit, busy;
  int req_reset;            /* a new run with req_cfg is wanted */
  bmm_cfg req_cfg;
  int req_steps;            /* EM iterations wanted */
  int req_sweep;            /* an accuracy-vs-L sweep is wanted */
  int cancel;               /* the current sweep should stop */
  int gen;                  /* run generation (a new run increments it) */
  bmm_cfg cur;              /* the configuration of the history */
  int hist_n;               /* entries 0..hist_n-1 are complete */
  uint8_t *h_theta;         /* (BMM_CAP, BMM_KMAX, BMM_D) θ·255 rounded */
  double *h_pi;             /* (BMM_CAP, BMM_KMAX) */
  double *h_ll, *h_tll;     /* (BMM_CAP) log-likelihood per digit: training, test */
  double *h_lp;             /* (BMM_CAP) log-posterior objective J */
  double *h_acc;            /* (BMM_CAP) test accuracy (semi-supervised), else NAN */
  double *h_ms;             /* (BMM_CAP) milliseconds the iteration took */
  int converged;
  char msg[MX_ERRMSG_LEN];
  int msg_err;
  int sweep_n, sweep_state; /* state 0 none, 1 running, 2 done */
  int sweep_L[BMM_SWEEP_MAX];
  double sweep_acc0[BMM_SWEEP_MAX], sweep_acc[BMM_SWEEP_MAX];

  /* ---- the worker's (or, headless, the UI thread's) ---- */
  const mx_mnist *mn;
  double built_threshold;   /* threshold train_all / test were built with (NAN: none) */
  mx_bmm_data *train_all, *test;
  mx_bmm_data train;        /* the first n digits of train_all (shares its arrays) */
  mx_bmm *m;
  gsl_rng *rng;
  int *fixed;               /* (train.n) labelled class or -1 */
} bmm_view;

/* ------------------------------------------------------------ the jobs */

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
 * labelled digits alone (the start) and after EM with the rest unlabelled. */
static void bmm_job_sweep(bmm_view *s, bmm_cfg cfg) {
  mx_bmm *m = NULL;
  mx_error err;
  int *fixed = NULL, i, it, cancelled = 0;
  size_t n, count[10] = {0}, minc, c;
  mx_bmm_data train;
  if (bmm_build_data(s, cfg.threshold, &err)) {
    bmm_set_msg(s, 1, err.msg);
    return;
  }
  train = *s->train_all;
  n = train.n = (size_t)cfg.n < s->train_all->n ? (size_t)cfg.n : s->train_all->n;
  for (c = 0; c < n; c++) count[s->mn->train.labels[c] % 10]++;
  minc = count[0];
  for (c = 1; c < 10; c++)
    if (count[c] < minc) minc = count[c];
  fixed = malloc(n * sizeof *fixed);
  if (!fixed || mx_bmm_alloc(&m, 10, BMM_D, n, mx_bmm_prior_laplace(cfg.alpha, 1.0), BMM_THREADS,
                             &err)) {
    bmm_set_msg(s, 1, fixed ? err.msg : "out of memory");
    free(fixed);
    return;
  }
  SDL_LockMutex(s->mu);
  s->sweep_n = 0;
  s->sweep_state = 1;
  SDL_UnlockMutex(s->mu);
  for (i = 0; i < BMM_SWEEP_MAX && !cancelled; i++) {
    int L = bmm_sweep_L[i];
    size_t r0 = 0, r1 = 0;
    double prev = -INFINITY;
    if ((size_t)L > minc || 10 * (size_t)L >= n) break;
    gsl_rng_set(s->rng, cfg.seed);
    if (mx_bmm_pick_labelled(s->mn->train.labels, n, 10, (size_t)L, s->rng, fixed, &err) ||
        mx_bmm_set_fixed(m, fixed, &err) || mx_bmm_init_labelled(m, &train, &err))
      break;
    mx_bmm_score(m, s->test, s->mn->test.labels, NULL, &r0, NULL);
    for (it = 0; it < BMM_SWEEP_ITERS; it++) {
      double J;
      if (mx_bmm_iterate(m, &train, &J)) break;
      if (J - prev < BMM_CONVERGED * fabs(J)) break;
      prev = J;
      SDL_LockMutex(s->mu);
      cancelled = s->cancel;
      SDL_UnlockMutex(s->mu);
      if (cancelled) break;
    }
    mx_bmm_score(m, s->test, s->mn->test.labels, NULL, &r1, NULL);
    SDL_LockMutex(s->mu);
    if (!s->cancel) {
      s->sweep_L[i] = L;
      s->sweep_acc0[i] = (double)r0 / (double)s->test->n;
      s->sweep_acc[i] = (double)r1 / (double)s->test->n;
      s->sweep_n = i + 1;
    }
    cancelled = s->cancel;
    SDL_UnlockMutex(s->mu);
  }
  SDL_LockMutex(s->mu);
  s->sweep_state = cancelled ? 0 : 2;
  SDL_UnlockMutex(s->mu);
  mx_bmm_free(m);
  free(fixed);
}

/* Take the next job (under the lock) and run it (without). Returns 0 if none. */
static int bmm_run_one(bmm_view *s) {
  bmm_cfg cfg;
  int kind = 0;
  SDL_LockMutex(s->mu);
  if (s->req_reset) {
    kind = 1;
    cfg = s->req_cfg;
    s->req_reset = 0;
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
  if (kind == 1) bmm_job_reset(s, cfg);
  else if (kind == 2) bmm_job_step(s);
  else if (kind == 3) bmm_job_sweep(s, cfg);
  SDL_LockMutex(s->mu);
  s->busy = 0;
  SDL_UnlockMutex(s->mu);
  return kind;
}

static int bmm_worker(void *arg) {
  bmm_view *s = arg;
  for (;;) {
    SDL_LockMutex(s->mu);
    while (!s->quit && !s->req_reset && s->req_steps <= 0 && !s->req_sweep)
      SDL_CondWait(s->cv, s->mu);
    if (s->quit) {
      SDL_UnlockMutex(s->mu);
      return 0;
    }
    SDL_UnlockMutex(s->mu);
    bmm_run_one(s);
  }
}

/* Wake the worker; headless, run every pending job now. */
static void bmm_kick(bmm_view *s) {
  if (s->headless || !s->thread) {
    while (bmm_run_one(s)) {
    }
  } else {
    SDL_LockMutex(s->mu);
    SDL_CondSignal(s->cv);
    SDL_UnlockMutex(s->mu);
  }
}

/* ------------------------------------------------------------ requests (UI thread) */

static void bmm_request_reset(bmm_view *s) {
  SDL_LockMutex(s->mu);
  s->req_cfg = s->want;
  s->req_reset = 1;
  s->req_steps = 0;
  s->cancel = 1;
  s->sweep_state = 0;
  s->sweep_n = 0;
  SDL_UnlockMutex(s->mu);
  s->follow = 1;
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
static void bmm_forward(bmm_view *s) {
  if (s->view_t < s->c_n - 1) {
    s->view_t++;
    s->follow = s->view_t == s->c_n - 1;
  } else {
    bmm_request_steps(s, 1);
  }
}

static void bmm_back(bmm_view *s) {
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

static int bmm_max_n(const bmm_view *s) { return (int)s->mn->train.n; }

/* Copy what the frame needs from the shared history. */
static void bmm_copy_shared(bmm_view *s) {
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
      for (d = 0; d < BMM_D; d++) {
        mx_color c = mx_cmap(MX_CMAP_MAGMA, src[k * BMM_D + d] / 255.0, 0.0, 1.0);
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
  if (s->thread) {
    SDL_LockMutex(s->mu);
    s->quit = 1;
    s->cancel = 1;
    SDL_CondSignal(s->cv);
    SDL_UnlockMutex(s->mu);
    SDL_WaitThread(s->thread, NULL);
  }
  for (k = 0; k < BMM_KMAX; k++) mx_texture_free(&s->tex[k]);
  if (s->cv) SDL_DestroyCond(s->cv);
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
  s->cv = SDL_CreateCond();
  s->rng = gsl_rng_alloc(gsl_rng_mt19937);
  s->h_theta = malloc((size_t)BMM_CAP * BMM_KMAX * BMM_D);
  s->h_pi = malloc((size_t)BMM_CAP * BMM_KMAX * sizeof *s->h_pi);
  s->h_ll = malloc(BMM_CAP * sizeof *s->h_ll);
  s->h_tll = malloc(BMM_CAP * sizeof *s->h_tll);
  s->h_lp = malloc(BMM_CAP * sizeof *s->h_lp);
  s->h_acc = malloc(BMM_CAP * sizeof *s->h_acc);
  s->h_ms = malloc(BMM_CAP * sizeof *s->h_ms);
  if (!s->mu || !s->cv || !s->rng || !s->h_theta || !s->h_pi || !s->h_ll || !s->h_tll ||
      !s->h_lp || !s->h_acc || !s->h_ms) {
    bmm_destroy(s);
    mx_error_set(err, MX_ENOMEM, "out of memory");
    return NULL;
  }
  if (!s->headless) s->thread = SDL_CreateThread(bmm_worker, "bmm-em", s);
  /* without a thread (headless, or if it failed) the jobs run inline */
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

static void bmm_set_semi(bmm_view *s, int on) {
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

static void bmm_request_sweep(bmm_view *s, mx_app *app) {
  if (!s->want.semi) {
    mx_app_status(app, "Accuracy against L is for the semi-supervised mode: press S first");
    return;
  }
  SDL_LockMutex(s->mu);
  s->req_sweep = 1;
  SDL_UnlockMutex(s->mu);
  mx_app_status(app, "Accuracy against L: a fit for each L (first %d digits, α = %g)",
                s->want.n, s->want.alpha);
  bmm_kick(s);
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
    s->want.seed++;
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
  case SDLK_i:
    if (s->want.semi) {
      mx_app_status(app, "Semi-supervised runs start from the labelled digits");
      return 1;
    }
    s->want.init_random = !s->want.init_random;
    bmm_request_reset(s);
    mx_app_status(app, "Start: %s", s->want.init_random ? "random responsibilities" : "k-means++");
    return 1;
  case SDLK_s:
    bmm_set_semi(s, !s->want.semi);
    mx_app_status(app, s->want.semi ? "Semi-supervised: %d labelled digits per class"
                                    : "Unsupervised (%d labels per class kept for later)",
                  s->want.labels);
    return 1;
  case SDLK_LEFTBRACKET:
  case SDLK_RIGHTBRACKET:
    bmm_set_labels(s, bmm_next_L(s->want.labels, k == SDLK_RIGHTBRACKET));
    if (!s->want.semi) mx_app_status(app, "L = %d labelled digits per class (S: semi-supervised)",
                                     s->want.labels);
    return 1;
  case SDLK_a:
    bmm_request_sweep(s, app);
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
  s->run_clock += dt;
  if (s->run_clock >= 1.0 / BMM_RUN_RATE && !s->c_busy) {
    s->run_clock = 0.0;
    bmm_request_steps(s, 1);
  }
}

/* ------------------------------------------------------------ drawing */

static mx_color bmm_alpha(mx_color c, int a) {
  c.a = (uint8_t)a;
  return c;
}

/* The K θ maps in a grid, each with its weight. */
static void draw_maps(bmm_view *s, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  int K = s->disp_cfg.k, cols, best_cols = 1, best = 0, gap = mx_ui_px(ui, 10);
  int cap_h = mx_line_height(ui, MX_FONT_SMALL) + mx_ui_px(ui, 10), k, side, rows, x0, y0;
  double pimax = 0.0;
  char title[160];
  mx_rect c;
  if (s->c_n == 0) {
    snprintf(title, sizeof title, "Components θₖ");
  } else if (s->view_t < s->c_n - 1) {
    snprintf(title, sizeof title, "θₖ and πₖ  ·  iteration %d of %d  (history)", s->view_t,
             s->c_n - 1);
  } else {
    snprintf(title, sizeof title, "θₖ and πₖ  ·  iteration %d  ·  K = %d on %d digits", s->view_t,
             K, s->disp_cfg.n < bmm_max_n(s) ? s->disp_cfg.n : bmm_max_n(s));
  }
  c = mx_panel(ui, r, title);
  if (s->c_n == 0) {
    mx_text_in(ui, c, MX_FONT_LARGE, MX_ALIGN_CENTER, th->text_dim,
               s->c_msg_err ? s->c_msg : "Preparing the data and the start…");
    return;
  }
  {
    mx_rect cb = mx_rect_cut_right(&c, mx_ui_px(ui, 58));
    cb.x += mx_ui_px(ui, 18);
    cb.w = mx_ui_px(ui, 12);
    cb.y += mx_ui_px(ui, 6);
    cb.h -= mx_ui_px(ui, 12);
    mx_draw_colorbar(ui, cb, MX_CMAP_MAGMA, 0.0, 1.0, "%.1f");
  }
  for (cols = 1; cols <= K; cols++) {
    int rr = (K + cols - 1) / cols;
    int w = (c.w - (cols - 1) * gap) / cols;
    int h = (c.h - rr * cap_h - (rr - 1) * gap) / rr;
    int sd = w < h ? w : h;
    if (sd > best) {
      best = sd;
      best_cols = cols;
    }
  }
  cols = best_cols;
  rows = (K + cols - 1) / cols;
  side = best / BMM_SIDE >= 2 ? best / BMM_SIDE * BMM_SIDE : best; /* whole pixels when large */
  x0 = c.x + (c.w - (cols * side + (cols - 1) * gap)) / 2;
  y0 = c.y + (c.h - (rows * (side + cap_h) + (rows - 1) * gap)) / 2;
  for (k = 0; k < K; k++) pimax = fmax(pimax, s->disp_pi[k]);
  for (k = 0; k < K; k++) {
    int col = k % cols, row = k / cols;
    mx_rect cell = {x0 + col * (side + gap), y0 + row * (side + cap_h + gap), side, side};
    mx_rect bar = {cell.x, cell.y + side + mx_ui_px(ui, 4), side, mx_ui_px(ui, 4)};
    mx_rect cap = {cell.x, bar.y + bar.h + mx_ui_px(ui, 1), side, mx_line_height(ui, MX_FONT_SMALL)};
    char lab[64];
    mx_draw_rgba(ui, &s->tex[k], s->tex_dirty, cell, s->disp_rgba[k], BMM_SIDE, BMM_SIDE);
    mx_draw_rect(ui, bar, th->panel_hi);
    mx_draw_rect(ui, (mx_rect){bar.x, bar.y, (int)lround(bar.w * s->disp_pi[k] / fmax(pimax, 1e-300)),
                               bar.h},
                 th->accent);
    if (s->disp_cfg.semi)
      snprintf(lab, sizeof lab, "digit %d   π %.3f", k, s->disp_pi[k]);
    else
      snprintf(lab, sizeof lab, "%d   π %.3f", k + 1, s->disp_pi[k]);
    mx_text_in(ui, cap, MX_FONT_SMALL, MX_ALIGN_CENTER, th->text_dim, lab);
    if (mx_ui_hover(ui, cell)) {
      char tip[160];
      snprintf(tip, sizeof tip, "component %d: weight π = %.5f; colour = θ (P(pixel on)), 0 → 1",
               k + (s->disp_cfg.semi ? 0 : 1), s->disp_pi[k]);
      mx_tooltip(ui, cell, tip);
    }
  }
  s->tex_dirty = 0;
}

/* Log-likelihood per digit against the iteration, training and test. */
static void draw_curve(bmm_view *s, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  mx_rect c = mx_panel(ui, r, "Log-likelihood per digit  (nats)");
  int n = s->c_n, i, t0, lh = mx_line_height(ui, MX_FONT_BODY);
  double lo = INFINITY, hi = -INFINITY, pad;
  float xy[2 * BMM_CAP];
  mx_plot pl;
  mx_rect leg;
  if (n == 0) return;
  /* legend */
  leg = mx_rect_cut_top(&c, lh + mx_ui_px(ui, 4));
  {
    int x = leg.x + mx_ui_px(ui, 60);
    float cy = (float)leg.y + lh * 0.5f;
    mx_draw_line(ui, (float)x, cy, (float)x + mx_ui_px(ui, 24), cy, th->comp[0], 3.0f * mx_ui_scale(ui));
    x += mx_ui_px(ui, 32);
    x += mx_text(ui, x, leg.y, MX_FONT_BODY, th->text, "training digits") + mx_ui_px(ui, 24);
    mx_draw_line(ui, (float)x, cy, (float)x + mx_ui_px(ui, 24), cy, th->comp[1], 3.0f * mx_ui_scale(ui));
    x += mx_ui_px(ui, 32);
    x += mx_text(ui, x, leg.y, MX_FONT_BODY, th->text, "test digits") + mx_ui_px(ui, 24);
    if (n > 2) {
      char note[96];
      int tw;
      snprintf(note, sizeof note, "(the start, %.1f, is below the axis)", s->c_ll[0]);
      mx_text_size(ui, MX_FONT_BODY, note, &tw, NULL);
      if (x + tw < leg.x + leg.w) mx_text(ui, x, leg.y, MX_FONT_BODY, th->text_dim, "%s", note);
    }
  }
  /* y range from iteration 1 on (the start is far below and would flatten the rest) */
  t0 = n > 2 ? 1 : 0;
  for (i = t0; i < n; i++) {
    lo = fmin(lo, fmin(s->c_ll[i], s->c_tll[i]));
    hi = fmax(hi, fmax(s->c_ll[i], s->c_tll[i]));
  }
  pad = fmax(0.08 * (hi - lo), 0.5);
  pl.r = c;
  pl.r.x += mx_ui_px(ui, 60);
  pl.r.w -= mx_ui_px(ui, 60) + mx_ui_px(ui, 8);
  pl.r.h -= mx_ui_px(ui, 46);
  {
    /* an x range the kit's ticks divide into whole iterations (it aims at one tick per 90 px) */
    static const int steps[] = {1, 2, 5, 10, 20, 50, 100};
    int nx = pl.r.w / mx_ui_px(ui, 90), j;
    if (nx < 2) nx = 2;
    pl.x1 = nx * 100;
    for (j = 0; j < 7; j++)
      if (nx * steps[j] >= (n - 1 > 10 ? n - 1 : 10)) {
        pl.x1 = nx * steps[j];
        break;
      }
  }
  pl.x0 = 0;
  pl.y0 = lo - pad;
  pl.y1 = hi + pad;
  mx_draw_axes(ui, &pl, "iteration", NULL);
  /* the viewed iteration, when walking back through the history */
  if (s->view_t < n - 1) {
    float x = mx_plot_x(&pl, s->view_t);
    mx_draw_line(ui, x, (float)pl.r.y, x, (float)(pl.r.y + pl.r.h), bmm_alpha(th->accent, 150),
                 2.0f * mx_ui_scale(ui));
  }
  for (int curve = 0; curve < 2; curve++) {
    const double *v = curve ? s->c_tll : s->c_ll;
    mx_color col = th->comp[curve];
    float bottom = (float)(pl.r.y + pl.r.h);
    for (i = 0; i < n; i++) {
      xy[2 * i] = mx_plot_x(&pl, i);
      xy[2 * i + 1] = fminf(mx_plot_y(&pl, v[i]), bottom);
    }
    if (t0 == 1) { /* the start is off the bottom: an arrow pointing down to it */
      float x = xy[0], y = bottom - mx_ui_px(ui, 4) - curve * mx_ui_px(ui, 10), a = 5.0f * mx_ui_scale(ui);
      mx_draw_line(ui, x - a, y - a, x, y, col, 2.0f * mx_ui_scale(ui));
      mx_draw_line(ui, x + a, y - a, x, y, col, 2.0f * mx_ui_scale(ui));
    }
    mx_draw_polyline(ui, xy + 2 * t0, n - t0, col, 2.5f * mx_ui_scale(ui));
    if (n < 80)
      for (i = t0; i < n; i++) mx_draw_circle(ui, xy[2 * i], xy[2 * i + 1], 3.0f * mx_ui_scale(ui), col);
    if (s->view_t >= t0)
      mx_draw_circle(ui, xy[2 * s->view_t], xy[2 * s->view_t + 1], 5.5f * mx_ui_scale(ui), col);
  }
}

/* Test accuracy against L (log axis): the labelled digits alone (naive Bayes,
 * the start) and after EM with the rest of the N digits unlabelled. */
static void draw_accuracy(bmm_view *s, mx_app *app, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  mx_rect c = mx_panel(ui, r, "Test accuracy against L");
  int n = s->c_sweep_n, i, curve, lh = mx_line_height(ui, MX_FONT_BODY);
  double lx1 = 3.0, a0 = 0.0, a1 = 1.0;
  float xy[2 * BMM_SWEEP_MAX];
  mx_color col[2] = {th->comp[4], th->comp[2]};
  const char *names[2] = {"labelled alone", "EM + unlabelled"};
  mx_plot pl;
  mx_rect leg = mx_rect_cut_top(&c, lh + mx_ui_px(ui, 6));
  {
    int x = leg.x;
    float cy = (float)leg.y + lh * 0.5f;
    for (curve = 0; curve < 2; curve++) {
      mx_draw_line(ui, (float)x, cy, (float)x + mx_ui_px(ui, 20), cy, col[curve], 3.0f * mx_ui_scale(ui));
      x += mx_ui_px(ui, 26);
      x += mx_text(ui, x, leg.y, MX_FONT_BODY, th->text, "%s", names[curve]) + mx_ui_px(ui, 16);
    }
  }
  if (n > 0) {
    a0 = 1.0;
    a1 = 0.0;
    lx1 = fmax(1.0, log10(s->c_sweep_L[n - 1]));
    for (i = 0; i < n; i++) {
      a0 = fmin(a0, fmin(s->c_sweep_acc0[i], s->c_sweep_acc[i]));
      a1 = fmax(a1, fmax(s->c_sweep_acc0[i], s->c_sweep_acc[i]));
    }
    a0 = fmax(0.0, floor(a0 * 10.0 - 0.3) / 10.0);
    a1 = fmin(1.0, ceil(a1 * 10.0 + 0.3) / 10.0);
  }
  pl.r = c;
  pl.r.x += mx_ui_px(ui, 50);
  pl.r.w -= mx_ui_px(ui, 50) + mx_ui_px(ui, 10);
  pl.r.h -= mx_ui_px(ui, 44);
  pl.x0 = -0.1;
  pl.x1 = lx1 + 0.1;
  pl.y0 = a0;
  pl.y1 = a1;
  /* axes by hand: L on a log scale, accuracy in percent */
  for (i = 0; i <= 4; i++) {
    double a = a0 + (a1 - a0) * i / 4.0;
    float y = mx_plot_y(&pl, a);
    char lab[16];
    snprintf(lab, sizeof lab, "%.0f%%", 100.0 * a);
    mx_draw_line(ui, (float)pl.r.x, y, (float)(pl.r.x + pl.r.w), y, bmm_alpha(th->border, 110), 1.0f);
    mx_text_in(ui, (mx_rect){c.x, (int)y - lh / 2, mx_ui_px(ui, 44), lh}, MX_FONT_SMALL,
               MX_ALIGN_RIGHT, th->text_dim, lab);
  }
  for (i = 1; i <= 10000; i *= 10) {
    char lab[16];
    float x;
    if (log10(i) > lx1 + 0.01) break;
    x = mx_plot_x(&pl, log10(i));
    snprintf(lab, sizeof lab, "%d", i);
    mx_draw_line(ui, x, (float)pl.r.y, x, (float)(pl.r.y + pl.r.h), bmm_alpha(th->border, 110), 1.0f);
    mx_text_in(ui, (mx_rect){(int)x - 40, pl.r.y + pl.r.h + mx_ui_px(ui, 4), 80,
                             mx_line_height(ui, MX_FONT_SMALL)},
               MX_FONT_SMALL, MX_ALIGN_CENTER, th->text_dim, lab);
  }
  mx_draw_rect(ui, (mx_rect){pl.r.x, pl.r.y + pl.r.h - 1, pl.r.w, mx_ui_px(ui, 2)}, th->text_dim);
  mx_draw_rect(ui, (mx_rect){pl.r.x, pl.r.y, mx_ui_px(ui, 2), pl.r.h}, th->text_dim);
  mx_text_in(ui, (mx_rect){pl.r.x, pl.r.y + pl.r.h + mx_ui_px(ui, 4) + lh, pl.r.w, lh}, MX_FONT_BODY,
             MX_ALIGN_CENTER, th->text, "labelled digits per class  L");
  /* the current L */
  if (log10(s->disp_cfg.labels) <= lx1 + 0.05) {
    float x = mx_plot_x(&pl, log10(s->disp_cfg.labels));
    mx_draw_line(ui, x, (float)pl.r.y, x, (float)(pl.r.y + pl.r.h), bmm_alpha(th->accent, 160),
                 2.0f * mx_ui_scale(ui));
  }
  for (curve = 0; curve < 2; curve++) {
    for (i = 0; i < n; i++) {
      xy[2 * i] = mx_plot_x(&pl, log10(s->c_sweep_L[i]));
      xy[2 * i + 1] = mx_plot_y(&pl, curve ? s->c_sweep_acc[i] : s->c_sweep_acc0[i]);
    }
    if (n > 1) mx_draw_polyline(ui, xy, n, col[curve], 2.5f * mx_ui_scale(ui));
    for (i = 0; i < n; i++) mx_draw_circle(ui, xy[2 * i], xy[2 * i + 1], 4.0f * mx_ui_scale(ui), col[curve]);
  }
  if (s->c_sweep_state != 2) {
    mx_rect b = {pl.r.x + pl.r.w / 2 - mx_ui_px(ui, 150), pl.r.y + pl.r.h / 2 - mx_ui_px(ui, 20),
                 mx_ui_px(ui, 300), mx_ui_px(ui, 40)};
    if (s->c_sweep_state == 1)
      mx_text_in(ui, b, MX_FONT_BODY, MX_ALIGN_CENTER, th->warn, n ? "" : "fitting for each L…");
    else if (mx_button(ui, b, "Compute for L = 1 … 1000   A"))
      bmm_request_sweep(s, app);
  }
}

/* The EM updates, as the core computes them, in the space left. */
static void draw_formulas(bmm_view *s, mx_ui *ui, mx_rect c) {
  const mx_theme *th = mx_ui_theme(ui);
  int lh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 3), i, n;
  const char *lines[8];
  n = 0;
  lines[n++] = "E-step   rₙₖ = πₖ p(xₙ|θₖ) / Σⱼ πⱼ p(xₙ|θⱼ)";
  lines[n++] = "   log p(x|θₖ) = Σ_all log(1−θₖ) + Σ_on log θₖ/(1−θₖ)";
  if (s->disp_cfg.semi) lines[n++] = "   a labelled digit of class c keeps rₙₖ = [k = c]";
  lines[n++] = "M-step   θₖ = (Σₙ rₙₖ xₙ + α) / (Nₖ + 2α)";
  lines[n++] = "   πₖ = Nₖ / N,   Nₖ = Σₙ rₙₖ";
  if (c.h < lh * (n + 1)) return;
  c.y = c.y + c.h - lh * n;
  mx_draw_rect(ui, (mx_rect){c.x, c.y - mx_ui_px(ui, 8), c.w, 1}, th->border);
  for (i = 0; i < n; i++) {
    int sub = lines[i][0] == ' ';
    mx_text(ui, c.x, c.y + i * lh + (sub ? mx_ui_px(ui, 2) : 0), sub ? MX_FONT_SMALL : MX_FONT_BODY,
            sub ? th->text_dim : th->text, "%s", lines[i]);
  }
}

static void draw_controls(bmm_view *s, mx_app *app, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  mx_rect c = mx_panel(ui, r, "Bernoulli mixture EM");
  int gap = mx_ui_px(ui, 6), bh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 12);
  int sh = mx_line_height(ui, MX_FONT_BODY) * 2 - mx_ui_px(ui, 2), lh = mx_line_height(ui, MX_FONT_BODY);
  int t = s->view_t;
  mx_rect row;
  char buf[200];

  /* step / run / back / reset */
  row = mx_rect_cut_top(&c, bh);
  {
    int bw = (row.w - 3 * gap) / 4;
    if (mx_button(ui, mx_rect_cut_left(&row, bw), "◂ Back")) bmm_back(s);
    mx_rect_cut_left(&row, gap);
    if (mx_button(ui, mx_rect_cut_left(&row, bw), "Step ▸")) bmm_forward(s);
    mx_rect_cut_left(&row, gap);
    if (mx_button_on(ui, mx_rect_cut_left(&row, bw), s->running ? "Pause" : "Run", s->running)) {
      s->running = !s->running;
      s->follow = 1;
    }
    mx_rect_cut_left(&row, gap);
    if (mx_button(ui, row, "Reset")) bmm_request_reset(s);
  }
  mx_rect_cut_top(&c, gap * 2);
  /* mode */
  row = mx_rect_cut_top(&c, bh);
  {
    int bw = (row.w - gap) / 2;
    if (mx_button_on(ui, mx_rect_cut_left(&row, bw), "Unsupervised", !s->want.semi) && s->want.semi)
      bmm_set_semi(s, 0);
    mx_rect_cut_left(&row, gap);
    if (mx_button_on(ui, row, "Semi-supervised", s->want.semi) && !s->want.semi) bmm_set_semi(s, 1);
  }
  mx_rect_cut_top(&c, gap);
  if (s->want.semi) {
    row = mx_rect_cut_top(&c, sh);
    if (mx_slider(ui, row, "labelled digits per class  L  [ ]", &s->labels_slider, 1.0, 1000.0, "%.0f", 1)) {
      int L = (int)lround(s->labels_slider);
      if (L != s->want.labels) {
        s->want.labels = L;
        bmm_request_reset(s);
      }
    }
  } else {
    row = mx_rect_cut_top(&c, sh);
    if (mx_slider_int(ui, row, "components  K  (+ −)", &s->k_slider, BMM_KMIN, BMM_KMAX) &&
        s->k_slider != s->want.k) {
      s->want.k = s->k_slider;
      bmm_request_reset(s);
    }
  }
  mx_rect_cut_top(&c, gap);
  row = mx_rect_cut_top(&c, sh);
  if (mx_slider(ui, row, "training digits  N", &s->n_slider, 100.0, (double)bmm_max_n(s), "%.0f", 1)) {
    int n = (int)lround(s->n_slider);
    if (n != s->want.n) {
      s->want.n = n;
      bmm_request_reset(s);
    }
  }
  mx_rect_cut_top(&c, gap);
  row = mx_rect_cut_top(&c, sh);
  if (mx_slider(ui, row, "prior pseudo-count  α", &s->alpha_slider, 0.01, 100.0, "%.3g", 1) &&
      s->alpha_slider != s->want.alpha) {
    s->want.alpha = s->alpha_slider;
    bmm_request_reset(s);
  }
  mx_rect_cut_top(&c, gap);
  row = mx_rect_cut_top(&c, bh);
  if (s->want.semi) {
    mx_text_in(ui, row, MX_FONT_BODY, MX_ALIGN_LEFT, th->text_dim, "start: naive Bayes on the labelled");
  } else {
    int bw = (row.w - 2 * gap) / 3;
    mx_text_in(ui, mx_rect_cut_left(&row, bw), MX_FONT_BODY, MX_ALIGN_LEFT, th->text_dim, "start  (I)");
    mx_rect_cut_left(&row, gap);
    if (mx_button_on(ui, mx_rect_cut_left(&row, bw), "k-means++", !s->want.init_random) &&
        s->want.init_random) {
      s->want.init_random = 0;
      bmm_request_reset(s);
    }
    mx_rect_cut_left(&row, gap);
    if (mx_button_on(ui, row, "random", s->want.init_random) && !s->want.init_random) {
      s->want.init_random = 1;
      bmm_request_reset(s);
    }
  }
  mx_rect_cut_top(&c, gap);
  row = mx_rect_cut_top(&c, bh);
  {
    mx_rect b = mx_rect_cut_right(&row, mx_ui_px(ui, 130));
    snprintf(buf, sizeof buf, "seed %lu", s->want.seed);
    mx_text_in(ui, row, MX_FONT_BODY, MX_ALIGN_LEFT, th->text, buf);
    if (mx_button(ui, b, "New seed  N")) {
      s->want.seed++;
      bmm_request_reset(s);
    }
  }
  mx_rect_cut_top(&c, gap * 2);
  mx_draw_rect(ui, (mx_rect){c.x, c.y, c.w, 1}, th->border);
  mx_rect_cut_top(&c, gap * 2);

  /* the numbers at the viewed iteration */
  if (s->c_n > 0) {
    int ln = lh + mx_ui_px(ui, 3);
    double dJ = t > 0 ? s->c_lp[t] - s->c_lp[t - 1] : NAN;
    mx_text(ui, c.x, c.y, MX_FONT_LARGE, th->text, "iteration %d", t);
    snprintf(buf, sizeof buf, "%s", s->c_busy ? "computing…" : s->c_converged && t == s->c_n - 1 ? "converged" : "");
    mx_text_in(ui, (mx_rect){c.x, c.y, c.w, mx_line_height(ui, MX_FONT_LARGE)}, MX_FONT_BODY,
               MX_ALIGN_RIGHT, s->c_busy ? th->warn : th->good, buf);
    mx_rect_cut_top(&c, mx_line_height(ui, MX_FONT_LARGE) + gap);
    mx_text(ui, c.x, c.y, MX_FONT_BODY, th->comp[0], "train  log p(x) / digit  %.3f", s->c_ll[t]);
    mx_rect_cut_top(&c, ln);
    mx_text(ui, c.x, c.y, MX_FONT_BODY, th->comp[1], "test   log p(x) / digit  %.3f", s->c_tll[t]);
    mx_rect_cut_top(&c, ln);
    mx_text(ui, c.x, c.y, MX_FONT_BODY, th->text, "log posterior J  %.1f", s->c_lp[t]);
    mx_rect_cut_top(&c, ln);
    if (t > 0 && mx_app_headless(app))
      /* no wall-clock figure headless: shots, scenes and exports stay reproducible */
      mx_text(ui, c.x, c.y, MX_FONT_BODY, th->text_dim, "ΔJ %+.4g", dJ);
    else if (t > 0)
      mx_text(ui, c.x, c.y, MX_FONT_BODY, th->text_dim, "ΔJ %+.4g   ·   %.1f ms / iteration", dJ,
              s->c_ms[t]);
    else
      mx_text(ui, c.x, c.y, MX_FONT_BODY, th->text_dim, "%d digits, %s", s->disp_cfg.n,
              s->disp_cfg.semi ? "start from the labelled" : s->disp_cfg.init_random ? "random start" : "k-means++ start");
    mx_rect_cut_top(&c, ln);
    if (s->disp_cfg.semi) {
      mx_rect_cut_top(&c, gap);
      mx_text(ui, c.x, c.y, MX_FONT_LARGE, th->comp[2], "test accuracy %.1f%%", 100.0 * s->c_acc[t]);
      mx_rect_cut_top(&c, mx_line_height(ui, MX_FONT_LARGE) + mx_ui_px(ui, 2));
      mx_text(ui, c.x, c.y, MX_FONT_BODY, th->comp[4], "labelled digits alone (iteration 0)  %.1f%%",
              100.0 * s->c_acc[0]);
      mx_rect_cut_top(&c, ln + gap);
    }
    draw_formulas(s, ui, c);
  }
}

static void bmm_draw(void *st, mx_app *app, mx_ui *ui, mx_rect area) {
  bmm_view *s = st;
  mx_rect r = mx_rect_inset(area, mx_ui_px(ui, 12)), right, top;
  int gap = mx_ui_px(ui, 12);
  bmm_copy_shared(s);
  right = mx_rect_cut_right(&r, mx_ui_px(ui, 410));
  mx_rect_cut_right(&r, gap);
  draw_controls(s, app, ui, right);
  top = mx_rect_cut_top(&r, (r.h - gap) * 64 / 100);
  mx_rect_cut_top(&r, gap);
  draw_maps(s, ui, top);
  if (s->disp_cfg.semi) {
    mx_rect acc = mx_rect_cut_right(&r, (r.w - gap) * 45 / 100);
    mx_rect_cut_right(&r, gap);
    draw_accuracy(s, app, ui, acc);
  }
  draw_curve(s, ui, r);
}

/* ------------------------------------------------------------ set / save / load */

static int bmm_parse_long(const char *v, long lo, long hi, long *out) {
  char *end;
  long x;
  if (!v || !*v) return -1;
  x = strtol(v, &end, 10);
  if (*end || x < lo || x > hi) return -1;
  *out = x;
  return 0;
}

static int bmm_parse_double(const char *v, double lo, double hi, double *out) {
  char *end;
  double x;
  if (!v || !*v) return -1;
  x = strtod(v, &end);
  if (*end || !isfinite(x) || x < lo || x > hi) return -1;
  *out = x;
  return 0;
}

static int bmm_set(void *st, mx_app *app, const char *key, const char *value, mx_error *err) {
  bmm_view *s = st;
  long l;
  double d;
  (void)app;
  if (!strcmp(key, "k")) {
    if (bmm_parse_long(value, BMM_KMIN, BMM_KMAX, &l))
      return mx_error_set(err, MX_EINVAL, "bmm: k=%s: expected an integer in [%d, %d]", value,
                          BMM_KMIN, BMM_KMAX);
    if (s->want.semi && l != 10)
      return mx_error_set(err, MX_EINVAL, "bmm: k=%s: semi-supervised mode has K = 10", value);
    s->want.k = (int)l;
  } else if (!strcmp(key, "n")) {
    if (bmm_parse_long(value, 100, bmm_max_n(s), &l))
      return mx_error_set(err, MX_EINVAL, "bmm: n=%s: expected an integer in [100, %d]", value,
                          bmm_max_n(s));
    s->want.n = (int)l;
  } else if (!strcmp(key, "seed")) {
    if (bmm_parse_long(value, 0, 2147483647L, &l))
      return mx_error_set(err, MX_EINVAL, "bmm: seed=%s: expected an integer in [0, 2147483647]",
                          value);
    s->want.seed = (unsigned long)l;
  } else if (!strcmp(key, "alpha")) {
    if (bmm_parse_double(value, 1e-6, 1e6, &d))
      return mx_error_set(err, MX_EINVAL, "bmm: alpha=%s: expected a number in [1e-6, 1e6]", value);
    s->want.alpha = d;
  } else if (!strcmp(key, "threshold")) {
    if (bmm_parse_double(value, 0.0, 0.999, &d))
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
    if (bmm_parse_long(value, 1, 5000, &l))
      return mx_error_set(err, MX_EINVAL, "bmm: labels=%s: expected an integer in [1, 5000]", value);
    s->want.labels = (int)l;
  } else if (!strcmp(key, "steps")) {
    if (bmm_parse_long(value, 0, BMM_CAP - 1, &l))
      return mx_error_set(err, MX_EINVAL, "bmm: steps=%s: expected an integer in [0, %d]", value,
                          BMM_CAP - 1);
    bmm_request_steps(s, (int)l);
    return MX_OK;
  } else if (!strcmp(key, "view")) {
    bmm_copy_shared(s);
    if (bmm_parse_long(value, 0, s->c_n > 0 ? s->c_n - 1 : 0, &l))
      return mx_error_set(err, MX_EINVAL, "bmm: view=%s: expected an iteration in [0, %d]", value,
                          s->c_n > 0 ? s->c_n - 1 : 0);
    s->view_t = (int)l;
    s->follow = s->view_t == s->c_n - 1;
    return MX_OK;
  } else if (!strcmp(key, "threaded")) {
    /* run the EM on the worker thread as the window does, also headless (tests) */
    if (!value || strcmp(value, "1"))
      return mx_error_set(err, MX_EINVAL, "bmm: threaded=%s: expected 1", value ? value : "");
    if (!s->thread) s->thread = SDL_CreateThread(bmm_worker, "bmm-em", s);
    if (!s->thread)
      return mx_error_set(err, MX_EINVAL, "bmm: cannot start a thread: %s", SDL_GetError());
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

static const mx_keyhelp bmm_keys[] = {
  {"Space / Right", "one EM iteration (or forward in history)"},
  {"Left", "back through the stored iterations"},
  {"Enter", "run / pause"},
  {"R", "reset (same seed)"},
  {"N", "new seed"},
  {"+ / −", "components K (2-30)"},
  {"I", "k-means++ / random start"},
  {"S", "semi-supervised (K = 10, L labels per class)"},
  {"[  ]", "fewer / more labels per class L"},
  {"A", "test accuracy against L"},
  {"Home / End", "first / newest iteration"},
  {NULL, NULL}};

const mx_view mx_view_bmm = {"bmm",    "Bernoulli mixture", bmm_create, bmm_destroy,
                             bmm_event, bmm_update,         bmm_draw,   bmm_set,
                             bmm_save, bmm_load,            bmm_keys};
