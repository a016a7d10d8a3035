/* mixscope — the θ view's private header: its state and the helpers shared by
 * view_theta.c (maps, events, scenes) and view_theta_nb.c (naive Bayes panel). */
#ifndef MIXSCOPE_VIEW_THETA_PRIV_H
#define MIXSCOPE_VIEW_THETA_PRIV_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixscope/bernoulli.h"
#include "sample_grid.h"
#include "ui/pool.h"
#include "view.h"
#include "view_theta.h"

#define TV_PRIOR_MAX 1e4    /* strongest prior on the slider */
#define TV_LOG_LO (-3.0)    /* slider: a = 10^(TV_LOG_LO + s (TV_LOG_HI - TV_LOG_LO)), s > 0 */
#define TV_LOG_HI 4.0
#define TV_SURPRISE_HI 10.0 /* colour range of per-pixel surprise -log p: [0, 10] nats */
#define TV_NUDGE 0.05
#define TV_NMAPS 14         /* raw θ, fit θ, raw contrib, fit contrib, 10 class θ */

enum { TEX_RAW = 0, TEX_FIT, TEX_CRAW, TEX_CFIT, TEX_CLASS };


#define TV_NSAMP 48  /* digits drawn by "sample" (G): 12 x 4 */

typedef struct theta_view {
  const mx_mnist *m;
  size_t d, ntest;
  int rows, cols;
  /* the state a scene captures */
  double prior;       /* a = b */
  int map;            /* 0 posterior mean, 1 posterior mode */
  double threshold;
  long digit;         /* selected test digit */
  int panel;          /* 0 θ maps, 1 naive Bayes */
  /* models and results (core) */
  mx_bern_counts cnt;
  mx_bern_hist htest;           /* (1, 256, D) test greys, cumulative */
  mx_bern_hist htrain;          /* (10, 256, D) training greys per class, cumulative; built
                                   by the job, read only once it is done (tv_hist_ready) */
  mx_job *hist_job;             /* the job building htrain (ui/pool.h), TV_HIST_CHUNK images a step */
  size_t hist_next;             /* the job's: next image to add; 0 before begin */
  int hist_begun;               /* the job's: mx_bern_hist_begin succeeded */
  mx_bern_lit tlit;             /* lit pixels of the test digits (naive Bayes) */
  int lit_ok;                   /* tlit allocated (else naive Bayes reads the greys) */
  uint8_t *xd;                  /* (D) the selected test digit, binarized */
  mx_bern raw, fit, nb;         /* K=1 raw MLE, K=1 with the prior, K=10 with the prior */
  mx_bern_nll raw_nll, fit_nll;
  int fit_trend;                /* the last change of prior / estimate: -1 lowered the test NLL
                                   (better, green), +1 raised it (worse, red), 0 none yet */
  uint32_t *culprit;            /* (D) raw: test digits meeting probability 0 at j */
  uint8_t *imp_raw, *imp_fit;   /* (N) 1: the test digit's NLL is +inf (raw / prior) */
  int fit_rc, nb_rc;            /* 0, or MX_EINVAL when the estimate is undefined */
  mx_bern_nb_eval nbev;
  int8_t *pred;                 /* (N) naive Bayes prediction, -1 none */
  double nb_score[MX_BERN_NCLASS];
  int nb_digit_pred;
  double *c_raw, *c_fit;        /* (D) per-pixel log-likelihood of the selected digit */
  double ll_raw, ll_fit;
  size_t ninf_raw, ninf_fit;    /* pixels of the selected digit with -inf */
  /* what must be recomputed */
  int counts_dirty, fit_dirty, nb_dirty, digit_dirty;
  int tex_dirty[TV_NMAPS];
  int strip_dirty;
  long strip_first;             /* first digit index the thumbnails were built for */
  /* pixels */
  uint32_t *rgba;               /* (TV_NMAPS, D) ABGR */
  SDL_Texture *tex[TV_NMAPS];
  SDL_Texture *tex_digit;
  SDL_Texture *tex_thumb[MX_THETA_STRIP];
  double slider_pos;            /* the prior slider's position in [0, 1] */
  /* layout of the last frame */
  mx_rect map_rect[2];
  int nthumb;
  long thumb_idx[MX_THETA_STRIP];
  mx_rect thumb[MX_THETA_STRIP];
  mx_sample_set samp;  /* "sample" (G): fresh digits from the shown model (.shown) */
  int samp_nb;         /* they came from the naive Bayes classes */
} theta_view;

/* Shared helpers (view_theta.c). */
void tv_fmt_count(char *buf, size_t n, size_t v);
void tv_fmt_num(char *buf, size_t n, char style, int prec, double v);
mx_color tv_mix(mx_color a, mx_color b, double f);
void tv_map_hover(theta_view *t, mx_ui *ui, mx_rect dst, const mx_bern *m, int cls);
void tv_draw_map(theta_view *t, mx_ui *ui, int i, mx_rect dst, const double *v, int kind);
/* The naive Bayes panel (view_theta_nb.c). */
void tv_draw_nb_panel(theta_view *t, mx_ui *ui, mx_rect r);

#endif
