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
 * window a background job (ui/pool.h: a pool thread natively, slices of the
 * frames in the web build) owns the model and publishes each iteration into a
 * history (θ quantised to 8 bits for display, π, log-likelihoods, accuracy)
 * under a mutex; the frame only copies from the history, so the UI never
 * waits for EM. Headless (shot, tests) the same jobs run inline, so a key
 * press has finished by the time the frame is drawn. Every iteration is kept
 * (up to BMM_CAP), so Left walks back through them.
 *
 * Files (this header is private to them):
 *   view_bmm.c: the EM job's steps, requests from the UI thread, create / destroy, events, set / save / load, the vtable
 *   view_bmm_draw.c: the plots and the controls */
#ifndef MIXSCOPE_VIEW_BMM_H
#define MIXSCOPE_VIEW_BMM_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL.h>
#include <gsl/gsl_rng.h>

#include "mixscope/bmm.h"
#include "mixscope/dataset.h"
#include "sample_grid.h"
#include "ui/pool.h"
#include "view.h"

#define BMM_KMIN 2
#define BMM_KMAX 30
#define BMM_CAP 400          /* iterations kept (entry 0 is the start) */
#define BMM_D 784            /* MNIST pixels; checked against the data */
#define BMM_SIDE 28
#define BMM_NSAMP 48         /* digits drawn by "sample" (G): 12 x 4 */
#define BMM_THREADS 2
#define BMM_RUN_RATE 12.0    /* iterations per second while running */
#define BMM_CONVERGED 1e-7   /* stop running when ΔJ < this · |J| */
#define BMM_SWEEP_MAX 12
#define BMM_SWEEP_ITERS 40
#define BMM_DEFAULT_N 10000

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

/* An accuracy-vs-L sweep in progress (the job's; see bmm_sweep_step). */
typedef struct bmm_sweep {
  int active;
  bmm_cfg cfg;
  mx_bmm *m;
  int *fixed;               /* (n) */
  mx_bmm_data train;        /* the first n digits */
  size_t n, minc;           /* digits; fewest of a class */
  int i, phase, it;         /* L index; 0 start L, 1 iterate, 2 score; iterations done */
  size_t r0, r1;            /* right answers: labelled only, after EM */
  double prev;              /* the last J */
} bmm_sweep;

typedef struct bmm_view {
  /* ---- UI thread only ---- */
  bmm_cfg want;             /* what the controls show */
  double n_slider, alpha_slider, labels_slider; /* slider backing values */
  int k_slider;
  int view_t;               /* displayed iteration */
  int follow;               /* view_t follows the newest iteration */
  int running;
  double run_clock;
  double rate;              /* iterations a second while running (> MX_RATE_MAX: as fast as possible) */
  int headless;
  /* copy of the displayed entry, and the curves, taken under the lock */
  int shown_gen, shown_t;   /* (generation, iteration) in disp_rgba / the textures */
  bmm_cfg disp_cfg;
  double disp_pi[BMM_KMAX];
  uint32_t disp_rgba[BMM_KMAX][BMM_D];
  uint8_t disp_theta8[BMM_KMAX][BMM_D]; /* θ·255 of the displayed iteration */
  int tex_dirty;
  /* "sample" (G): fresh digits from the displayed model, coloured by component */
  mx_sample_set samp;       /* .shown: in place of the θ maps */
  int samp_t, samp_pending; /* iteration sampled; a scene's batch waits for the replay */
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
  mx_job *job;              /* the EM work as a background job (ui/pool.h); NULL headless */
  int busy;
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
  bmm_sweep sw;             /* the accuracy-vs-L sweep in progress */
} bmm_view;

/* view_bmm.c */
void bmm_request_reset(bmm_view *s);
void bmm_forward(bmm_view *s);
void bmm_back(bmm_view *s);
int bmm_max_n(const bmm_view *s);
void bmm_copy_shared(bmm_view *s);
void bmm_set_semi(bmm_view *s, int on);
void bmm_request_sweep(bmm_view *s, mx_app *app);
/* A fresh sampled batch from the displayed model; 0 or MX_ error. */
int bmm_sample_new(bmm_view *s);
/* G: a new batch (back = 0) or Shift+G: back to the θ maps (back = 1). */
void bmm_key_sample(bmm_view *s, mx_app *app, int back);

/* view_bmm_draw.c */
void bmm_draw(void *st, mx_app *app, mx_ui *ui, mx_rect area);

#endif
