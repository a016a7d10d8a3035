/* mixscope — view: Gaussian mixtures fitted by EM, plain and semi-supervised.
 *
 * The points (a seeded preset, MNIST digits projected to 2-D by PCA, or a CSV
 * file; click to add, right-click to remove) are coloured by their
 * responsibilities (a blend of the component colours). Each component is drawn
 * as translucent ellipses at 1, 2 and 3 sigma; the mixture density is a
 * heatmap with iso-lines (marching squares on a grid that core/gmm evaluates:
 * mx_gmm_grid2d, or its vectorized E-step at the cell centres). EM steps
 * forward and back through a stored history, or runs a few iterations per
 * second, with the log-likelihood curve beside it.
 *
 * Drawing: everything inside a plot but the centre marks is one opaque image
 * drawn on the CPU into a streaming texture (gv_image), and only when the
 * parameters, points, options, size or theme change; a static frame copies
 * it. An EM step redraws it in bands of rows shared by the UI thread and one
 * worker (mx_pool_run, ui/pool.h; same pixels either way), dots from precomputed sprites.
 *
 * Semi-supervised mode reveals the true labels of a chosen number of points
 * (seeded choice): the main panel runs the lecture's semi-supervised EM
 * (labelled points keep one-hot responsibilities), and next to it run plain
 * EM from the same start and the supervised Gaussian classifier fitted to the
 * labelled points alone, each with its decision boundary (where the two
 * largest responsibilities tie) and its accuracy on the true labels.
 * Every number comes from core (gmm.h, points.h, pca.h).
 *
 * Files (this header is private to them):
 *   view_gmm.c: the controller (create / destroy, events, set / save / load, the vtable)
 *   view_gmm_model.c: the runs (EM history, snapshots) and the data sets
 *   view_gmm_grid.c: the density grid, iso-lines and decision margins of a plot
 *   view_gmm_image.c: a plot drawn into one image in bands on the pool (ui/canvas.h)
 *   view_gmm_panel.c: the plots, the side panel and the log-likelihood curve */
#ifndef MIXSCOPE_VIEW_GMM_H
#define MIXSCOPE_VIEW_GMM_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "mixscope/dataset.h"
#include "mixscope/gmm.h"
#include "mixscope/gmm_grid.h"
#include "mixscope/json.h"
#include "mixscope/pca.h"
#include "mixscope/points.h"
#include "mixscope/simd.h"
#include "ui/canvas.h"
#include "ui/pool.h"
#include "gmm_select.h"
#include "view.h"

#define GV_MAXK 8
#define GV_HIST 1000           /* stored iterations per run */
#define GV_MAXN 20000          /* most points */
#define GV_RATE 5.0            /* iterations per second while running */
#define GV_TOL 1e-7            /* convergence: per-point log-likelihood change */
#define GV_CELL MX_CANVAS_CELL /* grid cell size in pixels (the canvas upscales by it) */
#define GV_NLEVELS 6           /* density iso-lines */
#define GV_PI 3.14159265358979323846

enum { GV_BLOBS = 0, GV_OVERLAP, GV_ELONGATED, GV_DEGENERATE, GV_DIGITS, GV_CSV, GV_NDATA };
extern const char *const gv_data_names[GV_NDATA]; /* view_gmm_model.c */
enum { RUN_MAIN = 0, RUN_PLAIN, RUN_SUP, GV_NRUNS };

/* What a cached layer was drawn for; compared bytewise (set with gv_key_set). */
typedef struct gv_key {
  int w, h, flags;
  float rad, scale;
  double x0, x1, y0, y1;
  mx_theme th;
} gv_key;

/* Segments of iso-lines in grid coordinates, row by row. */
typedef struct gv_segs {
  float *s;            /* (cap, 5) x0 y0 x1 y1 and the grid row j they lie in (y in [j, j + 1]) */
  int n, cap;
} gv_segs;

/* Where a point's dot goes in an image: the pixel holding its centre, the
 * sub-pixel position (-1: not drawn), its colour. */
typedef struct gv_dotpos {
  int bx, by, ph;
  uint32_t col;
} gv_dotpos;

/* An ellipse outline to draw (gv_rings_place): centre and covariance in
 * image pixels, sigma level; colour, width; thin ones (sharply curved ends)
 * as a polyline of npts points from rpts[off]. */
#define GV_RPTS 512 /* most points of a polyline outline */
typedef struct gv_ringd {
  mx_canvas_ellipse e;
  mx_canvas_pen pen;
  int npts, off;
} gv_ringd;


typedef struct gv_run {
  mx_gmm *g;           /* the parameters shown (snapshot cur) */
  mx_gmm_work *w;      /* responsibilities of g on the current points */
  double *snap;        /* (GV_HIST, P) parameter snapshots, P = gv_snap_size(K) */
  double *ll;          /* (GV_HIST) log-likelihood of snapshot t */
  double *llx;         /* (GV_HIST) log p(x) of all points, labels ignored (ll of the
                          semi-supervised run is log p(x, known labels): not comparable) */
  int *ncoll;          /* (GV_HIST) components flagged collapsed in the M-step that made t */
  int n, cur;          /* snapshots stored, snapshot shown */
  int converged;       /* the newest step changed the per-point log-likelihood < GV_TOL */
  int *pred;           /* (cap) argmax responsibility, labels ignored */
  double acc;          /* accuracy against the true labels (NaN: none) */
  int matched;         /* acc is under the best relabelling of components */
  /* the grid over the plot, gw x gh cells (GV_CELL pixels each) */
  int gw, gh;
  double *glogp;       /* (gh, gw) log p(x) */
  double *gmargin;     /* (gh, gw, K) decision margins (filled when the boundary is shown) */
  uint32_t *cell;      /* (gh, gw) ARGB: plot background, density heatmap, 1/2/3-sigma fills */
  int grid_dirty;      /* the parameters changed since the grid was computed */
  gv_key gkey;         /* what the grid was computed for */
  /* the plot image (see gv_compose), drawn straight into a streaming texture */
  SDL_Texture *tex;
  int tw, th;          /* texture size */
  int img_dirty;       /* the parameters or points changed since it was drawn */
  gv_key ikey;         /* what it was drawn for */
  /* iso-lines at GV_NLEVELS densities, then the boundary of each component */
  gv_segs lines[GV_NLEVELS + GV_MAXK];
} gv_run;

typedef struct gmm_view {
  /* data */
  int dataset;
  size_t npts;           /* points for presets / digits */
  unsigned long data_seed;
  int digits[10], ndigits;
  char csv[MX_PATH_LEN];
  mx_points pts;         /* label = the true class, -1 unknown */
  int *known;            /* (cap) labels shown to semi-supervised EM (-1 hidden) */
  int *rank;             /* (cap) order in which labels are revealed */
  size_t cap;            /* capacity of the per-point arrays and workspaces */
  int nclasses;          /* 1 + largest true label (0: none) */
  int edited;            /* points were added / removed by hand */
  /* model */
  int K, init;
  unsigned long seed;
  double reg;
  int covtype;           /* mx_gmm_cov of every run */
  gv_run run[GV_NRUNS];
  int semi, labelled;
  int hard;              /* "hard vs soft": RUN_PLAIN runs k-means beside EM (not with semi) */
  int show_sel;          /* the model-selection panel (BIC/AIC against K) is shown */
  mx_gmm_select sel;
  unsigned long label_seed;
  /* play */
  int running;
  double play_t;
  double rate;           /* iterations per second while running (> MX_RATE_MAX: as fast as possible) */
  int half;              /* half-steps: the M-step of the newest iteration is shown (parameters
                            of snapshot cur), the points keep the responsibilities of snapshot
                            cur - 1 (the ones the M-step used) until the E-step */
  /* display */
  int show_density, show_ellipses, show_boundary;
  double vx0, vx1, vy0, vy1;   /* data box shown */
  gsl_rng *rng;
  char msg[256];               /* last data problem, shown in the panel */
  char title[160];             /* the plain-EM panel's title in the last frame (gv_title) */
  uint32_t heat_lut[256];      /* heatmap colours (ABGR) by density / peak */
  /* drawing scratch shared by the runs' images */
  mx_canvas_sprite sprite;     /* the dot of a point */
  uint8_t *cov;                /* (covcap) line coverage, kept zero between uses */
  size_t covcap;
  uint32_t *urow;              /* (2 threads, 2, ucap) grid rows interpolated across (gv_upscale) */
  int ucap;
  gv_dotpos *dot;              /* (dcap) the dots of the image being drawn */
  int *band;                   /* (bandcap) their indices by band of GV_BAND rows ... */
  int *bstart;                 /* (bcap) ... band b from bstart[b] */
  int *lab;                    /* (dcap) the labelled points (drawn as rings) */
  size_t dcap, bandcap;
  int bcap, nlab;
  mx_pool pool;
  gv_ringd ring[GV_MAXK * 5];  /* the ellipse outlines of the image being drawn (3 a component,
                                  2 more for the dashed ghosts of an M half-step) */
  int nring;
  float *rpts;                 /* (GV_MAXK * 5 * (GV_RPTS + 1), 2) their polylines */
  int simd;                    /* SSE2 drawing (off with MX_NO_SIMD, as core's kernels) */
  mx_gmm_grid_work *gwork[2];  /* grid workspaces (GV_GBAND gw cells), one a thread */
} gmm_view;

/* What the chunks of one grid or image share. */
typedef struct gv_job {
  gmm_view *v;
  gv_run *r;
  const mx_plot *pl;
  const mx_theme *th;
  /* grid: cell size in data units (dy < 0: rows go down), what to compute */
  double dx, dy, lmax;
  int density, ellipses, bound, ncell, line[GV_NLEVELS + GV_MAXK];
  uint32_t lut[256]; /* heatmap over the plot background, by density / peak */
  /* image */
  uint32_t *img;
  int pitch;
  float scale;
  float least; /* the thinnest line drawn (mx_ui_line_width(ui, 0): > 0 in projector mode) */
  int show_known, show_bound;
} gv_job;

/* view_gmm_model.c */
void gv_snap_load(gv_run *r, int t);
/* The means (K, 2) and covariances (K, 2, 2) of snapshot t, in place. */
void gv_snap_params(const gv_run *r, int t, const double **means, const double **covs);
void gv_run_free(gv_run *r);
void gv_run_start(gmm_view *v, int which);
void gv_step(gmm_view *v, mx_app *app);
void gv_back(gmm_view *v);
void gv_half_step(gmm_view *v, mx_app *app);
int gv_half_enter(gmm_view *v);
void gv_view_box(gmm_view *v);
int gv_reserve(gmm_view *v, size_t n);
size_t gv_nlabelable(const gmm_view *v);
int gv_reset(gmm_view *v, mx_app *app);
void gv_restart_here(gmm_view *v);
int gv_load_data(gmm_view *v, mx_app *app, mx_error *err);
int gv_set_dataset(gmm_view *v, mx_app *app, int ds, mx_error *err);

/* view_gmm.c */
void gv_change_k(gmm_view *v, mx_app *app, int dk);
void gv_set_semi(gmm_view *v, mx_app *app, int on);
void gv_set_cov(gmm_view *v, mx_app *app, int cov);
void gv_set_hard(gmm_view *v, mx_app *app, int on);
void gv_set_select(gmm_view *v, mx_app *app, int on);
void gv_select_load(gmm_view *v, mx_app *app, int k, int type);
extern const char *const gv_cov_tips[MX_GMM_NCOV];
void gv_set_labelled(gmm_view *v, mx_app *app, int m);

/* view_gmm_grid.c */
void gv_key_set(gv_key *k, int w, int h, int flags, float rad, float scale,
                       const mx_plot *pl, const mx_theme *th);
uint32_t gv_plot_bg(const mx_theme *th);
void gv_grid(gmm_view *v, gv_run *r, const mx_plot *pl, const mx_theme *th, int bound);

/* view_gmm_image.c */
int gv_image(gmm_view *v, gv_run *r, mx_ui *ui, const mx_plot *pl, float rad, int show_known,
                    int show_bound);

/* view_gmm_panel.c */
void gv_title(const gmm_view *v, mx_ui *ui, int w, char *buf, size_t cap);
void gv_draw(void *st, mx_app *app, mx_ui *ui, mx_rect area);

#endif
