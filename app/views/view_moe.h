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
 * as `mixscope moe [--mdn] --seed S`, so the CLI reproduces the view.
 *
 * Files (this header is private to them):
 *   view_moe.c: the model (EM or MDN), create / destroy, events, set / save / load, the vtable
 *   view_moe_draw.c: the caches, the heatmap, the main plot, the gate strip and the side panel */
#ifndef MIXSCOPE_VIEW_MOE_H
#define MIXSCOPE_VIEW_MOE_H

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "mixscope/moe.h"
#include "view.h"

#define MOE_HEAT_W 320
/* largest seed: 2^32 - 1, or LONG_MAX where long has 32 bits (the web build's wasm32) */
#define MOE_SEED_MAX (LONG_MAX > 4294967295LL ? (long)4294967295LL : LONG_MAX)
#define MOE_HEAT_H 200
#define MOE_CURVE_PTS 240
#define MOE_STEPS_PER_SECOND 15.0
#define MOE_STEP_BUDGET 0.008 /* seconds of a frame that running MDN training may take */
#define MOE_MAX_N 20000
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
  double rate;      /* EM iterations a second while running (> MX_RATE_MAX: as fast as possible) */

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

/* view_moe.c */
int moe_mdn_rebuild(moe_view *s, mx_error *err);
void moe_mdn_queue(moe_view *s, mx_app *app, int count);
int moe_model_iter(const moe_view *s);
double moe_model_loglik(const moe_view *s);
const double *moe_model_hist(const moe_view *s, int *n);
void moe_model_eval(const moe_view *s, double x, double *mu, double *sd, double *pi);
void moe_model_resp(const moe_view *s, int i, double *g);
int moe_rebuild(moe_view *s, mx_error *err);
int moe_step(moe_view *s, mx_app *app);
int moe_reconfigure(moe_view *s, int k, int degree, int n, unsigned long seed, const char *path_in,
                           mx_error *err);
int moe_set_mode(moe_view *s, int mode, mx_error *err);

/* view_moe_draw.c */
void moe_draw(void *st, mx_app *app, mx_ui *ui, mx_rect area);

#endif
