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
 * worker (gv_par; same pixels either way), dots from precomputed sprites.
 *
 * Semi-supervised mode reveals the true labels of a chosen number of points
 * (seeded choice): the main panel runs the lecture's semi-supervised EM
 * (labelled points keep one-hot responsibilities), and next to it run plain
 * EM from the same start and the supervised Gaussian classifier fitted to the
 * labelled points alone, each with its decision boundary (where the two
 * largest responsibilities tie) and its accuracy on the true labels.
 * Every number comes from core (gmm.h, points.h, pca.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "shell/app.h"
#include "mixscope/dataset.h"
#include "mixscope/gmm.h"
#include "mixscope/json.h"
#include "mixscope/pca.h"
#include "mixscope/points.h"
#include "mixscope/simd.h"
#include "view.h"

/* SSE2 is part of x86-64: no run-time check needed (MX_NO_SIMD turns it off). */
#if defined(__SSE2__)
#include <emmintrin.h>
#define GV_SSE2 1
#endif

#define GV_MAXK 8
#define GV_HIST 1000           /* stored iterations per run */
#define GV_MAXN 20000          /* most points */
#define GV_RATE 5.0            /* iterations per second while running */
#define GV_TOL 1e-7            /* convergence: per-point log-likelihood change */
#define GV_CELL 4              /* grid cell size in pixels */
#define GV_NLEVELS 6           /* density iso-lines */
#define GV_PI 3.14159265358979323846

enum { GV_BLOBS = 0, GV_OVERLAP, GV_ELONGATED, GV_DEGENERATE, GV_DIGITS, GV_CSV, GV_NDATA };
static const char *const gv_data_names[GV_NDATA] = {"blobs",      "overlap", "elongated",
                                                     "degenerate", "digits",  "csv"};
enum { RUN_MAIN = 0, RUN_PLAIN, RUN_SUP, GV_NRUNS };

/* What a cached layer was drawn for; compared bytewise (set with gv_key_set). */
typedef struct gv_key {
  int w, h, flags;
  float rad, scale;
  double x0, x1, y0, y1;
  mx_theme th;
} gv_key;

/* A point's dot, precomputed for GV_SUB x GV_SUB sub-pixel positions of its
 * centre: the pixels it touches, relative to the pixel holding the centre. */
#define GV_SUB 8
typedef struct gv_dotpix {
  int8_t dx, dy;
  uint8_t solid;       /* inside the disc: written as the colour */
  uint16_t a_ring, a_in; /* else blend weights (0..256) of the ring, then the disc */
} gv_dotpix;

typedef struct gv_sprite {
  float rad, ring;     /* what it was made for */
  int m, stride;       /* reach in pixels from the centre; entries per position */
  int n[GV_SUB * GV_SUB]; /* pixels touched, by sub-pixel position */
  gv_dotpix *pix;      /* (GV_SUB * GV_SUB, stride) */
} gv_sprite;

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
 * image pixels, sigma level, colour; thin ones (sharply curved ends) as a
 * polyline of npts points from pts[off]. */
#define GV_RPTS 512 /* most points of a polyline outline */
typedef struct gv_ringd {
  float cx, cy, alpha;
  double p00, p01, p11, k;
  uint32_t col;
  int npts, off;
} gv_ringd;

/* The worker thread sharing the drawing (see gv_par). */
typedef void (*gv_chunk_fn)(void *arg, int chunk, int thread);
typedef struct gv_pool {
  SDL_Thread *thread;      /* NULL: the UI thread does everything */
  SDL_mutex *mu;
  SDL_cond *go, *done;
  gv_chunk_fn fn;          /* the job posted: fn(arg, c, .) for c = 0..n-1 */
  void *arg;
  int n, posted, busy, quit;
  SDL_atomic_t next, left; /* next chunk to take; chunks not finished */
} gv_pool;

typedef struct gv_run {
  mx_gmm *g;           /* the parameters shown (snapshot cur) */
  mx_gmm_work *w;      /* responsibilities of g on the current points */
  double *snap;        /* (GV_HIST, P) parameter snapshots, P = gv_snap_size(K) */
  double *ll;          /* (GV_HIST) log-likelihood of snapshot t */
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
  gv_run run[GV_NRUNS];
  int semi, labelled;
  unsigned long label_seed;
  /* play */
  int running;
  double play_t;
  /* display */
  int show_density, show_ellipses, show_boundary;
  double vx0, vx1, vy0, vy1;   /* data box shown */
  gsl_rng *rng;
  char msg[256];               /* last data problem, shown in the panel */
  uint32_t heat_lut[256];      /* heatmap colours (ABGR) by density / peak */
  /* drawing scratch shared by the runs' images */
  gv_sprite sprite;            /* the dot of a point */
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
  gv_pool pool;
  gv_ringd ring[GV_MAXK * 3];  /* the ellipse outlines of the image being drawn */
  int nring;
  float *rpts;                 /* (GV_MAXK * 3 * (GV_RPTS + 1), 2) their polylines */
  int simd;                    /* SSE2 drawing (off with MX_NO_SIMD, as core's kernels) */
  mx_gmm_work *gwork[2];       /* grid by E-step (gv_grid_chunk): a workspace ... */
  double *gpts[2];             /* ... and cell centres (GV_GBAND gw, 2) for each thread */
} gmm_view;

/* ------------------------------------------------------------------ runs */

static size_t gv_snap_size(int K, int D) {
  return (size_t)K * (2 + (size_t)D + 2 * (size_t)D * (size_t)D) + (size_t)K;
}

static void gv_snap_save(gv_run *r, int t) {
  const mx_gmm *g = r->g;
  size_t K = (size_t)g->K, D = (size_t)g->D, k;
  double *s = r->snap + (size_t)t * gv_snap_size(g->K, g->D);
  memcpy(s, g->weights, K * sizeof *s);
  s += K;
  memcpy(s, g->means, K * D * sizeof *s);
  s += K * D;
  memcpy(s, g->covs, K * D * D * sizeof *s);
  s += K * D * D;
  memcpy(s, g->chol, K * D * D * sizeof *s);
  s += K * D * D;
  memcpy(s, g->logdet, K * sizeof *s);
  s += K;
  for (k = 0; k < K; k++) s[k] = (double)g->collapsed[k];
}

static void gv_snap_load(gv_run *r, int t) {
  mx_gmm *g = r->g;
  size_t K = (size_t)g->K, D = (size_t)g->D, k;
  const double *s = r->snap + (size_t)t * gv_snap_size(g->K, g->D);
  memcpy(g->weights, s, K * sizeof *s);
  s += K;
  memcpy(g->means, s, K * D * sizeof *s);
  s += K * D;
  memcpy(g->covs, s, K * D * D * sizeof *s);
  s += K * D * D;
  memcpy(g->chol, s, K * D * D * sizeof *s);
  s += K * D * D;
  memcpy(g->logdet, s, K * sizeof *s);
  s += K;
  g->ncollapsed = 0;
  for (k = 0; k < K; k++) {
    g->collapsed[k] = (int)s[k];
    g->ncollapsed += g->collapsed[k] != 0;
  }
}

static void gv_run_free(gv_run *r) {
  int i;
  mx_gmm_free(r->g);
  mx_gmm_work_free(r->w);
  free(r->snap);
  free(r->ll);
  free(r->ncoll);
  free(r->pred);
  free(r->glogp);
  free(r->gmargin);
  free(r->cell);
  mx_texture_free(&r->tex);
  for (i = 0; i < GV_NLEVELS + GV_MAXK; i++) free(r->lines[i].s);
  memset(r, 0, sizeof *r);
}

/* (Re)allocate the model of a run for K components, the workspace for cap points. */
static int gv_run_alloc(gv_run *r, int K, size_t cap) {
  gv_run_free(r);
  r->g = mx_gmm_alloc(K, 2);
  r->w = mx_gmm_work_alloc(K, cap, 2);
  r->snap = malloc(GV_HIST * gv_snap_size(K, 2) * sizeof *r->snap);
  r->ll = calloc(GV_HIST, sizeof *r->ll);
  r->ncoll = calloc(GV_HIST, sizeof *r->ncoll);
  r->pred = calloc(cap, sizeof *r->pred);
  if (!r->g || !r->w || !r->snap || !r->ll || !r->ncoll || !r->pred) {
    gv_run_free(r);
    return MX_ENOMEM;
  }
  r->acc = NAN;
  r->grid_dirty = 1;
  return MX_OK;
}

static const int *gv_labels(const gmm_view *v, int which) {
  return which == RUN_MAIN && v->semi ? v->known : NULL;
}

/* The shown parameters changed: responsibilities, log-likelihood, predictions. */
static void gv_refresh(gmm_view *v, int which) {
  gv_run *r = &v->run[which];
  double ll = 0.0;
  if (!r->g) return;
  mx_gmm_e_step(r->g, v->pts.x, v->pts.n, which == RUN_SUP ? NULL : gv_labels(v, which), r->w,
                &ll);
  if (which != RUN_SUP) r->ll[r->cur] = ll;
  mx_gmm_predict(r->g, v->pts.x, v->pts.n, r->w, r->pred);
  r->acc = NAN;
  r->matched = 0;
  r->img_dirty = 1;
  if (v->nclasses > 0) {
    if (which == RUN_PLAIN || (which == RUN_MAIN && !v->semi)) {
      if (mx_gmm_accuracy_matched(r->pred, v->pts.label, v->pts.n, v->K, &r->acc, NULL) == MX_OK)
        r->matched = 1;
    } else {
      r->acc = mx_gmm_accuracy(r->pred, v->pts.label, v->pts.n);
    }
  }
  r->grid_dirty = 1;
}

/* Start a run's history from the parameters now in r->g. */
static void gv_run_start(gmm_view *v, int which) {
  gv_run *r = &v->run[which];
  r->n = 1;
  r->cur = 0;
  r->converged = 0;
  r->ncoll[0] = 0;
  gv_snap_save(r, 0);
  gv_refresh(v, which);
}

/* One EM iteration of a run (or replay of a stored one). 1 if it moved. */
static int gv_run_step(gmm_view *v, int which, mx_app *app) {
  gv_run *r = &v->run[which];
  if (!r->g) return 0;
  if (r->cur + 1 < r->n) {
    r->cur++;
    gv_snap_load(r, r->cur);
    gv_refresh(v, which);
    return 1;
  }
  if (r->n >= GV_HIST) {
    if (app) mx_app_status(app, "History full (%d iterations): press R to restart", GV_HIST);
    return 0;
  }
  /* w->resp holds the E-step of the shown parameters: the M-step, then the
   * E-step of the new parameters (which gives its log-likelihood). */
  mx_gmm_m_step(r->g, v->pts.x, v->pts.n, r->w);
  r->ncoll[r->n] = r->g->ncollapsed;
  gv_snap_save(r, r->n);
  r->cur = r->n++;
  gv_refresh(v, which);
  r->converged = fabs(r->ll[r->cur] - r->ll[r->cur - 1]) < GV_TOL * (double)v->pts.n;
  if (app && r->g->ncollapsed) {
    int k;
    for (k = 0; k < r->g->K && !r->g->collapsed[k]; k++) {}
    mx_app_error(app, "Component %d collapsed at iteration %d (%s): it keeps its previous shape",
                 k + 1, r->cur, mx_gmm_collapse_name(r->g->collapsed[k]));
  }
  return 1;
}

static int gv_run_back(gmm_view *v, int which) {
  gv_run *r = &v->run[which];
  if (!r->g || r->cur == 0) return 0;
  r->cur--;
  gv_snap_load(r, r->cur);
  gv_refresh(v, which);
  return 1;
}

static void gv_step(gmm_view *v, mx_app *app) {
  int moved = gv_run_step(v, RUN_MAIN, app);
  if (v->semi) gv_run_step(v, RUN_PLAIN, NULL);
  if (!moved) v->running = 0;
}

static void gv_back(gmm_view *v) {
  gv_run_back(v, RUN_MAIN);
  if (v->semi) gv_run_back(v, RUN_PLAIN);
}

/* ------------------------------------------------------------------ data */

static void gv_view_box(gmm_view *v) {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY, pad;
  size_t i;
  for (i = 0; i < v->pts.n; i++) {
    x0 = fmin(x0, v->pts.x[2 * i]);
    x1 = fmax(x1, v->pts.x[2 * i]);
    y0 = fmin(y0, v->pts.x[2 * i + 1]);
    y1 = fmax(y1, v->pts.x[2 * i + 1]);
  }
  if (!(x1 > x0)) {
    x0 -= 1.0;
    x1 += 1.0;
  }
  if (!(y1 > y0)) {
    y0 -= 1.0;
    y1 += 1.0;
  }
  pad = 0.08 * fmax(x1 - x0, y1 - y0);
  v->vx0 = x0 - pad;
  v->vx1 = x1 + pad;
  v->vy0 = y0 - pad;
  v->vy1 = y1 + pad;
}

/* Make the per-point arrays and workspaces hold at least n points. */
static int gv_reserve(gmm_view *v, size_t n) {
  size_t cap = v->cap ? v->cap : 256;
  int *known, *rank, i;
  if (n <= v->cap) return MX_OK;
  while (cap < n) cap *= 2;
  known = realloc(v->known, cap * sizeof *known);
  if (!known) return MX_ENOMEM;
  v->known = known;
  rank = realloc(v->rank, cap * sizeof *rank);
  if (!rank) return MX_ENOMEM;
  v->rank = rank;
  for (i = 0; i < GV_NRUNS; i++) {
    gv_run *r = &v->run[i];
    mx_gmm_work *w;
    int *pred;
    if (!r->g) continue;
    w = mx_gmm_work_alloc(r->g->K, cap, 2);
    pred = realloc(r->pred, cap * sizeof *pred);
    if (!w || !pred) {
      mx_gmm_work_free(w);
      if (pred) r->pred = pred;
      return MX_ENOMEM;
    }
    mx_gmm_work_free(r->w);
    r->w = w;
    r->pred = pred;
  }
  v->cap = cap;
  return MX_OK;
}

/* The order in which true labels are revealed (seeded), and known[]. */
static void gv_labels_update(gmm_view *v) {
  size_t i, j, n = v->pts.n, m = 0;
  gsl_rng_set(v->rng, v->label_seed);
  for (i = 0; i < n; i++) v->rank[i] = -1;
  /* a random permutation of the points with a true label: Fisher–Yates on
   * their indices stored in known[] temporarily */
  for (i = 0; i < n; i++)
    if (v->pts.label[i] >= 0) v->known[m++] = (int)i;
  for (i = m; i > 1; i--) {
    size_t k = (size_t)gsl_rng_uniform_int(v->rng, (unsigned long)i);
    int t = v->known[i - 1];
    v->known[i - 1] = v->known[k];
    v->known[k] = t;
  }
  /* stratify: reveal labels round-robin over the classes (the j-th labelled
   * point of every class before the (j+1)-th of any), in shuffled order within
   * a class, so "6 labelled" on 3 classes means 2 of each, never 0 of one */
  if (v->pts.max_label >= 0 && v->pts.max_label < 64) {
    size_t cur[64] = {0}, out = 0;
    int c, C = v->pts.max_label + 1;
    while (out < m) {
      for (c = 0; c < C && out < m; c++) {
        while (cur[c] < m && v->pts.label[v->known[cur[c]]] != c) cur[c]++;
        if (cur[c] < m) v->rank[v->known[cur[c]++]] = (int)out++;
      }
    }
  } else {
    for (j = 0; j < m; j++) v->rank[v->known[j]] = (int)j;
  }
  if (v->labelled > (int)m) v->labelled = (int)m;
  for (i = 0; i < n; i++)
    v->known[i] = v->rank[i] >= 0 && v->rank[i] < v->labelled ? v->pts.label[i] : -1;
  /* labels outside 0..K-1 cannot be shown to a K-component model */
  for (i = 0; i < n; i++)
    if (v->known[i] >= v->K) v->known[i] = -1;
}

static size_t gv_nlabelable(const gmm_view *v) {
  size_t i, m = 0;
  for (i = 0; i < v->pts.n; i++) m += v->pts.label[i] >= 0;
  return m;
}

/* Reinitialise every run from the init method and seed (keeps the data). */
static int gv_reset(gmm_view *v, mx_app *app) {
  mx_error err;
  int i;
  v->running = 0;
  if (v->pts.n == 0) return MX_EEMPTY;
  if (v->semi && v->K < v->nclasses) v->K = v->nclasses > GV_MAXK ? GV_MAXK : v->nclasses;
  if ((size_t)v->K > v->pts.n) v->K = (int)v->pts.n;
  if (v->K < 1) v->K = 1;
  for (i = 0; i < GV_NRUNS; i++) {
    if (!v->run[i].g || v->run[i].g->K != v->K || v->run[i].w->N < v->cap) {
      if (gv_run_alloc(&v->run[i], v->K, v->cap ? v->cap : v->pts.n) != MX_OK) {
        if (app) mx_app_error(app, "GMM: out of memory");
        return MX_ENOMEM;
      }
    }
    v->run[i].g->reg = v->reg;
  }
  gv_labels_update(v);
  mx_error_clear(&err);
  if (v->init == MX_GMM_INIT_LABELS && !v->semi) v->init = MX_GMM_INIT_KMEANSPP;
  if (v->init == MX_GMM_INIT_LABELS && v->labelled == 0) v->init = MX_GMM_INIT_KMEANSPP;
  if (v->init == MX_GMM_INIT_LABELS
          ? mx_gmm_init_labels(v->run[RUN_MAIN].g, v->run[RUN_MAIN].w, v->pts.x, v->pts.n, v->known,
                               v->seed, v->rng, &err) != MX_OK
          : mx_gmm_init_data(v->run[RUN_MAIN].g, v->run[RUN_MAIN].w, v->pts.x, v->pts.n,
                             (mx_gmm_init)v->init, v->seed, v->rng, &err) != MX_OK) {
    if (app) mx_app_error(app, "GMM: %s", err.msg);
    snprintf(v->msg, sizeof v->msg, "%.250s", err.msg);
    return err.code;
  }
  mx_gmm_copy(v->run[RUN_PLAIN].g, v->run[RUN_MAIN].g);
  mx_gmm_copy(v->run[RUN_SUP].g, v->run[RUN_MAIN].g);
  gv_run_start(v, RUN_MAIN);
  gv_run_start(v, RUN_PLAIN);
  /* the supervised classifier: MLE on the labelled points alone */
  if (mx_gmm_fit_supervised(v->run[RUN_SUP].g, v->pts.x, v->pts.n, v->known, v->run[RUN_SUP].w) ==
      MX_EEMPTY)
    mx_gmm_copy(v->run[RUN_SUP].g, v->run[RUN_MAIN].g);
  gv_run_start(v, RUN_SUP);
  return MX_OK;
}

/* Keep the current parameters but restart the histories (after an edit). */
static void gv_restart_here(gmm_view *v) {
  int i;
  gv_labels_update(v);
  for (i = 0; i < GV_NRUNS; i++)
    if (v->run[i].g) gv_run_start(v, i);
}

/* Load the dataset named by v->dataset (and its options). */
static int gv_load_data(gmm_view *v, mx_app *app, mx_error *err) {
  mx_points p;
  int rc = MX_OK;
  memset(&p, 0, sizeof p);
  p.max_label = -1;
  if (v->dataset <= GV_DEGENERATE) {
    rc = mx_points_preset(&p, (mx_preset)v->dataset, v->npts, v->data_seed, v->rng);
    if (rc != MX_OK) return mx_error_set(err, rc, "cannot make the %s points",
                                         gv_data_names[v->dataset]);
  } else if (v->dataset == GV_DIGITS) {
    const mx_mnist *m = app ? mx_app_mnist(app, err) : NULL;
    if (!m) {
      if (!app) mx_error_set(err, MX_EINVAL, "no MNIST without the app");
      return err->code ? err->code : MX_EINVAL;
    }
    rc = mx_pca_digits(&m->train, v->digits, v->ndigits, v->npts, &p, NULL, err);
    if (rc != MX_OK) return rc;
  } else {
    if (!v->csv[0]) return mx_error_set(err, MX_EINVAL, "no CSV file given (set data=FILE.csv)");
    rc = mx_points_read_csv(v->csv, 2, 0, &p, err);
    if (rc != MX_OK) return rc;
    if (p.n > GV_MAXN) {
      mx_points_free(&p);
      return mx_error_set(err, MX_ETOOBIG, "%s: %s points, the view shows at most %d", v->csv,
                          "too many", GV_MAXN);
    }
  }
  if (gv_reserve(v, p.n + 1) != MX_OK) {
    mx_points_free(&p);
    return mx_error_set(err, MX_ENOMEM, "out of memory for %zu points", p.n);
  }
  mx_points_free(&v->pts);
  v->pts = p;
  v->nclasses = v->pts.max_label + 1;
  v->edited = 0;
  v->msg[0] = '\0';
  gv_view_box(v);
  return MX_OK;
}

/* Switch dataset; on failure keep the old one and say why. */
static int gv_set_dataset(gmm_view *v, mx_app *app, int ds, mx_error *err) {
  int old = v->dataset, rc;
  mx_error e2;
  if (!err) err = &e2;
  mx_error_clear(err);
  v->dataset = ds;
  if (ds == GV_DIGITS && v->ndigits > 0 && v->K < v->ndigits) v->K = v->ndigits;
  rc = gv_load_data(v, app, err);
  if (rc != MX_OK) {
    v->dataset = old;
    if (app) mx_app_error(app, "GMM data: %s", err->msg);
    return rc;
  }
  if (v->dataset == GV_DIGITS) v->K = v->ndigits < GV_MAXK ? v->ndigits : GV_MAXK;
  else if (v->dataset < GV_DIGITS) v->K = 3;
  gv_reset(v, app);
  return MX_OK;
}

/* ------------------------------------------------------------------ create */

static void gv_pool_start(gv_pool *p, int worker);
static void gv_pool_stop(gv_pool *p);

static void gv_destroy(void *st) {
  gmm_view *v = st;
  int i;
  if (!v) return;
  gv_pool_stop(&v->pool);
  for (i = 0; i < GV_NRUNS; i++) gv_run_free(&v->run[i]);
  mx_points_free(&v->pts);
  free(v->known);
  free(v->rank);
  free(v->sprite.pix);
  free(v->cov);
  free(v->urow);
  free(v->dot);
  free(v->band);
  free(v->bstart);
  free(v->lab);
  free(v->rpts);
  for (i = 0; i < 2; i++) {
    mx_gmm_work_free(v->gwork[i]);
    free(v->gpts[i]);
  }
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
    gv_pool_start(&v->pool, !(t && !strcmp(t, "1")));
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
  v->pts.max_label = -1;
  if (gv_load_data(v, app, err) != MX_OK || gv_reset(v, app) != MX_OK) {
    if (!err->msg[0]) mx_error_set(err, MX_EINVAL, "cannot start the GMM view");
    gv_destroy(v);
    return NULL;
  }
  return v;
}

/* ------------------------------------------------------------------ events */

static void gv_change_k(gmm_view *v, mx_app *app, int dk) {
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

static void gv_set_semi(gmm_view *v, mx_app *app, int on) {
  if (on && v->nclasses == 0) {
    mx_app_error(app, "Semi-supervised EM needs true labels: these points have none");
    return;
  }
  v->semi = on;
  if (on) v->init = MX_GMM_INIT_LABELS;
  gv_reset(v, app);
  mx_app_status(app, on ? "Semi-supervised: %d labelled points; beside it plain EM from the same "
                          "start and the classifier fitted to the labelled points only"
                        : "Plain EM (labels hidden)",
                v->labelled);
}

static void gv_set_labelled(gmm_view *v, mx_app *app, int m) {
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
  case SDLK_RETURN:
  case SDLK_KP_ENTER:
    if (ev->key.repeat) return 1;
    v->running = !v->running;
    v->play_t = 0;
    if (v->running && v->run[RUN_MAIN].converged && v->run[RUN_MAIN].cur + 1 == v->run[RUN_MAIN].n)
      mx_app_status(app, "Already converged: R restarts, S tries another seed");
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
  case SDLK_s:
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
  default:
    return 0;
  }
}

static void gv_update(void *st, mx_app *app, double dt) {
  gmm_view *v = st;
  if (!v->running || mx_app_headless(app)) return;
  v->play_t += dt;
  if (v->play_t >= 1.0 / GV_RATE) {
    gv_run *r = &v->run[RUN_MAIN];
    v->play_t = 0;
    if (r->converged && r->cur + 1 == r->n) {
      v->running = 0;
      mx_app_status(app, "Converged after %d iterations: log-likelihood %.6f", r->cur,
                    r->ll[r->cur]);
      return;
    }
    gv_step(v, app);
  }
}

/* ------------------------------------------------------------------ worker */

/* The plot images are drawn in chunks (bands of rows) that two threads take
 * in turn: the UI thread and one worker. Each chunk writes its own rows only,
 * so the pixels are the same whoever draws which chunk, and without a worker
 * the UI thread draws them all. */
static int gv_worker(void *arg);

static void gv_pool_start(gv_pool *p, int worker) {
  memset(p, 0, sizeof *p);
  if (!worker || SDL_GetCPUCount() < 2) return;
  p->mu = SDL_CreateMutex();
  p->go = SDL_CreateCond();
  p->done = SDL_CreateCond();
  if (p->mu && p->go && p->done) p->thread = SDL_CreateThread(gv_worker, "gmm-draw", p);
}

static void gv_pool_stop(gv_pool *p) {
  if (p->thread) {
    SDL_LockMutex(p->mu);
    p->quit = 1;
    SDL_CondSignal(p->go);
    SDL_UnlockMutex(p->mu);
    SDL_WaitThread(p->thread, NULL);
  }
  if (p->done) SDL_DestroyCond(p->done);
  if (p->go) SDL_DestroyCond(p->go);
  if (p->mu) SDL_DestroyMutex(p->mu);
  memset(p, 0, sizeof *p);
}

/* Take chunks of the posted job until none is left (t: 0 the UI thread, 1 the worker). */
static void gv_pool_take(gv_pool *p, gv_chunk_fn fn, void *arg, int n, int t) {
  int c;
  while ((c = SDL_AtomicAdd(&p->next, 1)) < n) {
    fn(arg, c, t);
    if (SDL_AtomicAdd(&p->left, -1) == 1 && p->thread) {
      SDL_LockMutex(p->mu);
      SDL_CondSignal(p->done);
      SDL_UnlockMutex(p->mu);
    }
  }
}

static int gv_worker(void *arg) {
  gv_pool *p = arg;
  int seen = 0;
  SDL_LockMutex(p->mu);
  for (;;) {
    gv_chunk_fn fn;
    void *a;
    int n;
    while (!p->quit && p->posted == seen) SDL_CondWait(p->go, p->mu);
    if (p->quit) break;
    seen = p->posted;
    fn = p->fn;
    a = p->arg;
    n = p->n;
    p->busy = 1;
    SDL_UnlockMutex(p->mu);
    gv_pool_take(p, fn, a, n, 1);
    SDL_LockMutex(p->mu);
    p->busy = 0;
    SDL_CondSignal(p->done);
  }
  SDL_UnlockMutex(p->mu);
  return 0;
}

/* fn(arg, c, t) for c = 0..n-1 on both threads (t: which); returns when all are done. */
static void gv_par(gv_pool *p, gv_chunk_fn fn, void *arg, int n) {
  if (!p->thread) {
    SDL_AtomicSet(&p->next, 0);
    SDL_AtomicSet(&p->left, n);
    gv_pool_take(p, fn, arg, n, 0);
    return;
  }
  SDL_LockMutex(p->mu);
  while (p->busy) SDL_CondWait(p->done, p->mu); /* still leaving the last job */
  p->fn = fn;
  p->arg = arg;
  p->n = n;
  SDL_AtomicSet(&p->next, 0);
  SDL_AtomicSet(&p->left, n);
  p->posted++;
  SDL_CondSignal(p->go);
  SDL_UnlockMutex(p->mu);
  gv_pool_take(p, fn, arg, n, 0);
  SDL_LockMutex(p->mu);
  while (SDL_AtomicGet(&p->left) > 0) SDL_CondWait(p->done, p->mu);
  SDL_UnlockMutex(p->mu);
}

/* ------------------------------------------------------------------ grid */

/* Append one segment (x0, y0, x1, y1) of grid row j to a list. */
static void gv_seg_push(gv_segs *l, float x0, float y0, float x1, float y1, int j) {
  float *s;
  if (l->n >= l->cap) {
    int nc = l->cap ? l->cap * 2 : 1024;
    s = realloc(l->s, (size_t)nc * 5 * sizeof *s);
    if (!s) return;
    l->s = s;
    l->cap = nc;
  }
  s = l->s + (size_t)l->n * 5;
  s[0] = x0;
  s[1] = y0;
  s[2] = x1;
  s[3] = y1;
  s[4] = (float)j;
  l->n++;
}

/* Where along p -> q the field crosses L (0..1); infinite ends put it midway. */
static float gv_cross(double p, double q, double L) {
  if (!isfinite(p) || !isfinite(q) || q == p) return 0.5f;
  return (float)((L - p) / (q - p));
}

/* One cell of marching squares at level L: corners a (top left), b (top
 * right), c (bottom right), d (bottom left) of cell (i, j), not all on one
 * side of L; the segments go to l. Saddles are resolved by the value at the
 * cell centre. */
static void gv_march_cell(double a, double b, double c, double d, int i, int j, double L,
                          gv_segs *l) {
  int idx = (a > L) | ((b > L) << 1) | ((c > L) << 2) | ((d > L) << 3), e, ne = 0;
  float ex[4], ey[4];
  /* crossings on the edges top (a-b), right (b-c), bottom (c-d), left (d-a) */
  ex[0] = (float)i + gv_cross(a, b, L), ey[0] = (float)j;
  ex[1] = (float)i + 1, ey[1] = (float)j + gv_cross(b, c, L);
  ex[2] = (float)i + 1 - gv_cross(c, d, L), ey[2] = (float)j + 1;
  ex[3] = (float)i, ey[3] = (float)j + 1 - gv_cross(d, a, L);
  if (idx == 5 || idx == 10) {
    /* saddle: pair (top, right) + (bottom, left), or (top, left) + (right, bottom) */
    double m = 0.25 * (a + b + c + d);
    int p1 = (idx == 5) == (m > L);
    if (p1) {
      gv_seg_push(l, ex[0], ey[0], ex[1], ey[1], j);
      gv_seg_push(l, ex[2], ey[2], ex[3], ey[3], j);
    } else {
      gv_seg_push(l, ex[0], ey[0], ex[3], ey[3], j);
      gv_seg_push(l, ex[1], ey[1], ex[2], ey[2], j);
    }
    return;
  }
  {
    int cut[4];
    float qx[2] = {0, 0}, qy[2] = {0, 0};
    cut[0] = (a > L) != (b > L);
    cut[1] = (b > L) != (c > L);
    cut[2] = (c > L) != (d > L);
    cut[3] = (d > L) != (a > L);
    for (e = 0; e < 4 && ne < 2; e++)
      if (cut[e]) {
        qx[ne] = ex[e];
        qy[ne] = ey[e];
        ne++;
      }
    if (ne == 2) gv_seg_push(l, qx[0], qy[0], qx[1], qy[1], j);
  }
}

/* Marching squares on f (h, w; element (j, i) at f[(j w + i) stride]) at the
 * nl levels L, in one pass: the iso-line segments of level k, in grid
 * coordinates (sample (i, j) at (i, j)), go row by row to l[k]. */
static void gv_march(const double *f, int w, int h, int stride, const double *L, int nl,
                     gv_segs *l) {
  int i, j, k;
  const size_t s = (size_t)stride, wi = (size_t)w;
  for (j = 0; j + 1 < h; j++)
    for (i = 0; i + 1 < w; i++) {
      double a = f[((size_t)j * wi + (size_t)i) * s];
      double b = f[((size_t)j * wi + (size_t)i + 1) * s];
      double c = f[(((size_t)j + 1) * wi + (size_t)i + 1) * s];
      double d = f[(((size_t)j + 1) * wi + (size_t)i) * s];
      double lo, hi;
      if (isnan(a) || isnan(b) || isnan(c) || isnan(d)) continue;
      lo = a < b ? a : b;
      lo = c < lo ? c : lo;
      lo = d < lo ? d : lo;
      hi = a > b ? a : b;
      hi = c > hi ? c : hi;
      hi = d > hi ? d : hi;
      for (k = 0; k < nl; k++)
        if (lo <= L[k] && hi > L[k]) gv_march_cell(a, b, c, d, i, j, L[k], &l[k]);
    }
}

/* The plot image of a run is drawn on the CPU, opaque, in SDL_PIXELFORMAT_ARGB8888
 * (0xAARRGGBB: the headless target's own format, so the software renderer
 * copies it without converting or blending), straight into the locked
 * streaming texture, and only when something in it changed: the parameters
 * (an EM step), the points, the options, the plot's size or the theme. A
 * static frame just copies the texture. Blending is onto opaque pixels:
 * d + (s - d) a, with a in 0..256. */
static uint32_t gv_argb(mx_color c) {
  return 0xFF000000u | (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | (uint32_t)c.b;
}

static uint32_t gv_mix(uint32_t d, uint32_t s, uint32_t a) {
  uint32_t rb = ((s & 0xFF00FFu) * a + (d & 0xFF00FFu) * (256u - a)) >> 8;
  uint32_t g = ((s & 0x00FF00u) * a + (d & 0x00FF00u) * (256u - a)) >> 8;
  return 0xFF000000u | (rb & 0xFF00FFu) | (g & 0x00FF00u);
}

static float gv_minf(float a, float b) { return a < b ? a : b; }

/* Coverage 0..1 (clamped) as a blend weight 0..256. */
static uint32_t gv_a256(float cov) {
  return cov <= 0.0f ? 0u : cov >= 1.0f ? 256u : (uint32_t)(cov * 256.0f + 0.5f);
}

static void gv_key_set(gv_key *k, int w, int h, int flags, float rad, float scale,
                       const mx_plot *pl, const mx_theme *th) {
  memset(k, 0, sizeof *k);
  k->w = w;
  k->h = h;
  k->flags = flags;
  k->rad = rad;
  k->scale = scale;
  k->x0 = pl->x0;
  k->x1 = pl->x1;
  k->y0 = pl->y0;
  k->y1 = pl->y1;
  memcpy(&k->th, th, sizeof *th);
}

/* The plot's background: the panel colour at 3/4. */
static uint32_t gv_plot_bg(const mx_theme *th) {
  mx_color c = {(uint8_t)(th->bg.r * 3 / 4), (uint8_t)(th->bg.g * 3 / 4),
                (uint8_t)(th->bg.b * 3 / 4), 255};
  return gv_argb(c);
}

/* Where row y (cell centre yc) of a grid crosses the ellipse {q <= s2} of a
 * component with inverse covariance (a, b; b, c) centred at (mx, my): the
 * columns [*i0, *i1] whose centres x0 + (i + 0.5) dx lie inside; 0 if none. */
static int gv_span(double a, double b, double c, double mx, double my, double yc, double s2,
                   double x0, double dx, int n, int *i0, int *i1) {
  double dy = yc - my, disc = b * b * dy * dy - a * (c * dy * dy - s2), r, lo, hi;
  if (!(disc > 0.0)) return 0;
  r = sqrt(disc);
  lo = mx + (-b * dy - r) / a;
  hi = mx + (-b * dy + r) / a;
  lo = ceil((lo - x0) / dx - 0.5);
  hi = floor((hi - x0) / dx - 0.5);
  if (lo < 0) lo = 0;
  if (hi > n - 1) hi = n - 1;
  if (hi < lo) return 0;
  *i0 = (int)lo;
  *i1 = (int)hi;
  return 1;
}

/* What the chunks of one grid or image share. */
typedef struct gv_job {
  gmm_view *v;
  gv_run *r;
  const mx_plot *pl;
  const mx_theme *th;
  /* grid: cell size in data units (dy < 0: rows go down), what to compute */
  double dx, dy, lmax;
  int density, ellipses, bound, estep, ncell, line[GV_NLEVELS + GV_MAXK];
  uint32_t lut[256]; /* heatmap over the plot background, by density / peak */
  /* image */
  uint32_t *img;
  int pitch;
  float scale;
  int show_known, show_bound;
} gv_job;

/* Grid rows per chunk (the bands are fixed, so the numbers do not depend on
 * which thread computes them). */
#define GV_GBAND 16

/* Chunk c (thread t): log p(x) and the margins on grid rows [GV_GBAND c,
 * GV_GBAND (c + 1)). With core's vectorized E-step (jb->estep) they come
 * from an E-step on the cell centres: log p(x) = w->logp, and the margin of
 * component k, log r_k - log(the largest other r_j), equals mx_gmm_grid2d's
 * difference of log-joints (the log p(x) cancels); else from mx_gmm_grid2d
 * itself (scalar, about 10 times slower; tests/test_view_gmm_fast.c checks
 * the two give the same picture). */
static void gv_grid_chunk(void *arg, int c, int t) {
  const gv_job *jb = arg;
  gmm_view *v = jb->v;
  gv_run *r = jb->r;
  int j0 = c * GV_GBAND, j1 = j0 + GV_GBAND > r->gh ? r->gh : j0 + GV_GBAND, gw = r->gw;
  int K = r->g->K, i, j, k;
  size_t off = (size_t)j0 * (size_t)gw, n = 0, m;
  if (!jb->estep) {
    double y0 = jb->pl->y1 + jb->dy * (double)j0, y1 = jb->pl->y1 + jb->dy * (double)j1;
    mx_gmm_grid2d(r->g, jb->pl->x0, jb->pl->x0 + jb->dx * (double)gw, gw, y0, y1, j1 - j0,
                  jb->density ? r->glogp + off : NULL, jb->bound ? r->gmargin + off * (size_t)K : NULL);
    return;
  }
  {
    double *X = v->gpts[t];
    mx_gmm_work *w = v->gwork[t];
    for (j = j0; j < j1; j++) {
      double y = jb->pl->y1 + ((double)j + 0.5) * jb->dy;
      for (i = 0; i < gw; i++, n++) {
        X[2 * n] = jb->pl->x0 + ((double)i + 0.5) * jb->dx;
        X[2 * n + 1] = y;
      }
    }
    mx_gmm_e_step(r->g, X, n, NULL, w, NULL);
    if (jb->density) memcpy(r->glogp + off, w->logp, n * sizeof *w->logp);
    if (!jb->bound) return;
    for (m = 0; m < n; m++) {
      const double *rp = w->resp + m * (size_t)K;
      double lr[MX_GMM_MAXK], *out = r->gmargin + (off + m) * (size_t)K;
      int b1 = 0, b2 = -1;
      for (k = 0; k < K; k++) {
        lr[k] = log(rp[k]);
        if (k && rp[k] > rp[b1]) b1 = k;
      }
      for (k = 0; k < K; k++)
        if (k != b1 && (b2 < 0 || rp[k] > rp[b2])) b2 = k;
      for (k = 0; k < K; k++) {
        double d = lr[k] - lr[k == b1 ? b2 : b1];
        out[k] = isnan(d) ? -INFINITY : d; /* both 0: as mx_gmm_grid2d, weightless */
      }
    }
  }
}

/* Chunk c < ncell: the cell colours of grid rows [GV_GBAND c, ...): the
 * heatmap, then the translucent 1/2/3-sigma fills, component by component,
 * 3 sigma under 2 under 1 (cells whose centres lie inside; the outlines are
 * drawn at full resolution). Chunk ncell + i, with l = line[i]: l <
 * GV_NLEVELS, the iso-lines at density = peak x 0.6, 0.35, 0.18, 0.08, 0.03,
 * 0.01 (all in one pass); else the decision boundary of component
 * l - GV_NLEVELS (the zero level of its margin). */
static void gv_cells_chunk(void *arg, int c, int t) {
  static const float fill_a[3] = {0.13f, 0.10f, 0.09f}; /* 1, 2, 3 sigma */
  static const double frac[GV_NLEVELS] = {0.6, 0.35, 0.18, 0.08, 0.03, 0.01};
  const gv_job *jb = arg;
  gv_run *r = jb->r;
  const mx_plot *pl = jb->pl;
  int gw = r->gw, K = r->g->K, i, j, k, s, j0, j1;
  (void)t;
  if (c >= jb->ncell) {
    int l = jb->line[c - jb->ncell];
    if (l < GV_NLEVELS) {
      double L[GV_NLEVELS];
      for (l = 0; l < GV_NLEVELS; l++) L[l] = jb->lmax + log(frac[l]);
      gv_march(r->glogp, gw, r->gh, 1, L, GV_NLEVELS, r->lines);
    } else {
      double L0 = 0.0;
      gv_march(r->gmargin + (l - GV_NLEVELS), gw, r->gh, K, &L0, 1, &r->lines[l]);
    }
    return;
  }
  j0 = c * GV_GBAND;
  j1 = j0 + GV_GBAND > r->gh ? r->gh : j0 + GV_GBAND;
  for (j = j0; j < j1; j++) {
    uint32_t *row = r->cell + (size_t)j * (size_t)gw;
    const double *lp = r->glogp + (size_t)j * (size_t)gw;
    if (jb->density) {
      for (i = 0; i < gw; i++) {
        float e = expf((float)(lp[i] - jb->lmax));
        row[i] = jb->lut[e > 0.0f ? (int)(255.0f * gv_minf(e, 1.0f) + 0.5f) : 0];
      }
    } else {
      for (i = 0; i < gw; i++) row[i] = jb->lut[0];
    }
  }
  if (!jb->ellipses) return;
  for (k = 0; k < K; k++) {
    const double *S = r->g->covs + 4 * k, *mu = r->g->means + 2 * k;
    double det = S[0] * S[3] - S[1] * S[2];
    uint32_t col = gv_argb(jb->th->comp[k % MX_NCOMP_COLORS]);
    if (r->g->collapsed[k] || !(r->g->weights[k] > 1e-12) || !(S[0] > 0.0) || !(det > 0.0) ||
        !isfinite(det))
      continue;
    for (j = j0; j < j1; j++) {
      double yc = pl->y1 + ((double)j + 0.5) * jb->dy;
      uint32_t *row = r->cell + (size_t)j * (size_t)gw;
      for (s = 3; s >= 1; s--) {
        int i0, i1;
        uint32_t a = gv_a256(fill_a[s - 1]);
        if (!gv_span(S[3] / det, -S[1] / det, S[0] / det, mu[0], mu[1], yc, (double)(s * s),
                     pl->x0, jb->dx, gw, &i0, &i1))
          continue;
        for (i = i0; i <= i1; i++) row[i] = gv_mix(row[i], col, a);
      }
    }
  }
}

/* E-step workspaces and cell centres for n points of K components, one for
 * each thread. */
static int gv_grid_work(gmm_view *v, int K, size_t n) {
  int t;
  if (v->gwork[0] && v->gwork[0]->K == K && v->gwork[0]->N >= n) return MX_OK;
  for (t = 0; t < 2; t++) {
    mx_gmm_work_free(v->gwork[t]);
    free(v->gpts[t]);
    v->gwork[t] = mx_gmm_work_alloc(K, n, 2);
    v->gpts[t] = malloc(2 * n * sizeof *v->gpts[t]);
  }
  if (v->gwork[0] && v->gwork[1] && v->gpts[0] && v->gpts[1]) return MX_OK;
  for (t = 0; t < 2; t++) {
    mx_gmm_work_free(v->gwork[t]);
    free(v->gpts[t]);
    v->gwork[t] = NULL;
    v->gpts[t] = NULL;
  }
  return MX_ENOMEM;
}

/* Recompute what depends on the model at grid resolution (GV_CELL x GV_CELL
 * pixels a cell, from the plot's top left corner; the last row and column
 * may reach past the plot): the density grid and margins (the margins only
 * when the boundary is shown), the cell colours (plot background, density
 * heatmap, translucent 1/2/3-sigma fills), the iso-lines and the boundary. */
static void gv_grid(gmm_view *v, gv_run *r, const mx_plot *pl, const mx_theme *th, int bound) {
  int gw = (pl->r.w + GV_CELL - 1) / GV_CELL, gh = (pl->r.h + GV_CELL - 1) / GV_CELL, i, l;
  int flags = v->show_density | (v->show_ellipses << 1) | (bound << 2), nband, nline;
  size_t cells;
  uint32_t bg = gv_plot_bg(th);
  gv_key key;
  gv_job jb;
  if (gw < 2 || gh < 2 || !r->g) return;
  gv_key_set(&key, gw, gh, flags, 0.0f, 0.0f, pl, th);
  if (!r->grid_dirty && r->cell && !memcmp(&key, &r->gkey, sizeof key)) return;
  cells = (size_t)gw * (size_t)gh;
  if (gw != r->gw || gh != r->gh || !r->cell) {
    free(r->glogp);
    free(r->gmargin);
    free(r->cell);
    r->glogp = malloc(cells * sizeof *r->glogp);
    r->gmargin = malloc(cells * (size_t)GV_MAXK * sizeof *r->gmargin);
    r->cell = malloc(cells * sizeof *r->cell);
    if (!r->glogp || !r->gmargin || !r->cell) {
      free(r->glogp);
      free(r->gmargin);
      free(r->cell);
      r->glogp = NULL;
      r->gmargin = NULL;
      r->cell = NULL;
      return;
    }
  }
  r->gw = gw;
  r->gh = gh;
  memcpy(&r->gkey, &key, sizeof key);
  memset(&jb, 0, sizeof jb);
  jb.v = v;
  jb.r = r;
  jb.pl = pl;
  jb.th = th;
  jb.density = v->show_density;
  jb.ellipses = v->show_ellipses;
  jb.bound = bound;
  /* cells in data units; grid rows go top to bottom on screen: y from y1 down */
  jb.dx = (pl->x1 - pl->x0) * GV_CELL / (double)pl->r.w;
  jb.dy = (pl->y0 - pl->y1) * GV_CELL / (double)pl->r.h;
  nband = (gh + GV_GBAND - 1) / GV_GBAND;
  jb.estep = mx_gmm_simd_active() && gv_grid_work(v, r->g->K, (size_t)GV_GBAND * (size_t)gw) == MX_OK;
  if (jb.density || bound) gv_par(&v->pool, gv_grid_chunk, &jb, nband);
  jb.lmax = -INFINITY;
  if (jb.density) {
    /* density relative to its peak, fading into the background: magma over
     * sqrt(t) with alpha 0.9 t^0.45, for t = density / peak */
    if (!v->heat_lut[255])
      for (i = 0; i < 256; i++) {
        double t = (double)i / 255.0;
        mx_color c = mx_cmap(MX_CMAP_MAGMA, sqrt(t), 0.0, 1.0);
        uint32_t a = (uint32_t)lround(255.0 * 0.9 * pow(t, 0.45));
        v->heat_lut[i] = (uint32_t)c.r | ((uint32_t)c.g << 8) | ((uint32_t)c.b << 16) | (a << 24);
      }
    for (i = 0; i < 256; i++) {
      uint32_t h = v->heat_lut[i];
      mx_color c = {(uint8_t)(h & 255), (uint8_t)((h >> 8) & 255), (uint8_t)((h >> 16) & 255), 255};
      jb.lut[i] = gv_mix(bg, gv_argb(c), (h >> 24) + (h >> 31));
    }
    for (i = 0; i < (int)cells; i++)
      if (r->glogp[i] > jb.lmax) jb.lmax = r->glogp[i];
  } else {
    jb.lut[0] = bg;
  }
  /* the cell colours by bands, then the iso-lines (if shown) and boundaries */
  for (l = 0; l < GV_NLEVELS + GV_MAXK; l++) r->lines[l].n = 0;
  jb.ncell = nband;
  nline = 0;
  if (jb.density) jb.line[nline++] = 0;
  for (l = 0; l < r->g->K && bound; l++) jb.line[nline++] = GV_NLEVELS + l;
  gv_par(&v->pool, gv_cells_chunk, &jb, nband + nline);
  r->grid_dirty = 0;
  r->img_dirty = 1;
}

/* ------------------------------------------------------------------ image */

/* Image rows per chunk, and the band of rows [y0, y1) a chunk draws. */
#define GV_BAND 32

/* The band of image row y (clamped to the h rows). */
static int gv_band_of(int y, int h) {
  if (y < 0) y = 0;
  if (y > h - 1) y = h - 1;
  return y / GV_BAND;
}

typedef struct gv_canvas {
  uint32_t *img;     /* (h, pitch) */
  int w, h, pitch, y0, y1;
} gv_canvas;

/* Blend weights (of the right-hand cell, 0..256) of the GV_CELL pixels
 * between two cell centres: (0.5 .. 3.5) / 4 x 256. */
static const uint32_t gv_f[GV_CELL] = {32, 96, 160, 224};

/* out[x] = gv_mix(a[x], b[x], f) for x < n; with SSE2 (simd != 0) four
 * pixels at a time, in 16-bit lanes: the same integer arithmetic per channel
 * (c_b f + c_a (256 - f) <= 255 x 256 fits), so the same bits. */
static void gv_mix_row(uint32_t *out, const uint32_t *a, const uint32_t *b, int n, uint32_t f,
                       int simd) {
  int x = 0;
#ifdef GV_SSE2
  if (simd) {
    const __m128i z = _mm_setzero_si128(), wb = _mm_set1_epi16((short)f),
                  wa = _mm_set1_epi16((short)(256u - f)), opaque = _mm_set1_epi32((int)0xFF000000u);
    for (; x + 4 <= n; x += 4) {
      __m128i va = _mm_loadu_si128((const __m128i *)(const void *)(a + x));
      __m128i vb = _mm_loadu_si128((const __m128i *)(const void *)(b + x));
      __m128i lo = _mm_add_epi16(_mm_mullo_epi16(_mm_unpacklo_epi8(vb, z), wb),
                                 _mm_mullo_epi16(_mm_unpacklo_epi8(va, z), wa));
      __m128i hi = _mm_add_epi16(_mm_mullo_epi16(_mm_unpackhi_epi8(vb, z), wb),
                                 _mm_mullo_epi16(_mm_unpackhi_epi8(va, z), wa));
      lo = _mm_srli_epi16(lo, 8);
      hi = _mm_srli_epi16(hi, 8);
      _mm_storeu_si128((__m128i *)(void *)(out + x), _mm_or_si128(_mm_packus_epi16(lo, hi), opaque));
    }
  }
#endif
  for (; x < n; x++) out[x] = gv_mix(a[x], b[x], f);
}

/* One image row from grid row t (gw cells): cell i's centre is pixel
 * GV_CELL i + GV_CELL / 2, linear in between, constant beyond the ends. */
static void gv_hrow(const uint32_t *t, int gw, uint32_t *out, int w, int simd) {
  int x = 0, i = 0, s;
  for (; x < GV_CELL / 2 && x < w; x++) out[x] = t[0];
#ifdef GV_SSE2
  if (simd) {
    /* the 4 pixels between centres i and i + 1 as one register: weights
     * 32, 96 | 160, 224 in the low | high halves */
    const __m128i z = _mm_setzero_si128(), opaque = _mm_set1_epi32((int)0xFF000000u);
    const __m128i wblo = _mm_set_epi16(96, 96, 96, 96, 32, 32, 32, 32),
                  walo = _mm_set_epi16(160, 160, 160, 160, 224, 224, 224, 224),
                  wbhi = _mm_set_epi16(224, 224, 224, 224, 160, 160, 160, 160),
                  wahi = _mm_set_epi16(32, 32, 32, 32, 96, 96, 96, 96);
    for (; i + 1 < gw && x + GV_CELL <= w; i++, x += GV_CELL) {
      __m128i ta = _mm_unpacklo_epi8(_mm_set1_epi32((int)t[i]), z);
      __m128i tb = _mm_unpacklo_epi8(_mm_set1_epi32((int)t[i + 1]), z);
      __m128i lo = _mm_add_epi16(_mm_mullo_epi16(tb, wblo), _mm_mullo_epi16(ta, walo));
      __m128i hi = _mm_add_epi16(_mm_mullo_epi16(tb, wbhi), _mm_mullo_epi16(ta, wahi));
      lo = _mm_srli_epi16(lo, 8);
      hi = _mm_srli_epi16(hi, 8);
      _mm_storeu_si128((__m128i *)(void *)(out + x), _mm_or_si128(_mm_packus_epi16(lo, hi), opaque));
    }
  }
#endif
  for (; i + 1 < gw && x < w; i++)
    for (s = 0; s < GV_CELL && x < w; s++, x++) out[x] = gv_mix(t[i], t[i + 1], gv_f[s]);
  for (; x < w; x++) out[x] = t[gw - 1];
}

/* Grid row j interpolated across (gv_hrow), from one of two slots: computed
 * if neither holds it, into the one not holding row keep. */
static const uint32_t *gv_hrow_get(int j, int keep, const uint32_t *cell, int gw, int w,
                                   uint32_t *slot[2], int held[2], int simd) {
  int s;
  for (s = 0; s < 2; s++)
    if (held[s] == j) return slot[s];
  s = held[0] == keep ? 1 : 0;
  gv_hrow(cell + (size_t)j * (size_t)gw, gw, slot[s], w, simd);
  held[s] = j;
  return slot[s];
}

/* The rows of cv's band: the cell colours (gw, gh) upscaled bilinearly,
 * GV_CELL pixels a cell; tmp holds 2 w pixels. */
static void gv_upscale(const gv_canvas *cv, const uint32_t *cell, int gw, int gh, uint32_t *tmp,
                       int simd) {
  uint32_t *slot[2];
  int held[2] = {-1, -1}, y;
  slot[0] = tmp;
  slot[1] = tmp + cv->w;
  for (y = cv->y0; y < cv->y1; y++) {
    /* between the centres of grid rows j and j + 1, clamped at the ends */
    int j = y < GV_CELL / 2 ? -1 : (y - GV_CELL / 2) / GV_CELL;
    uint32_t *out = cv->img + (size_t)y * (size_t)cv->pitch;
    if (j < 0 || j + 1 >= gh) {
      memcpy(out, gv_hrow_get(j < 0 ? 0 : gh - 1, -1, cell, gw, cv->w, slot, held, simd),
             (size_t)cv->w * sizeof *out);
    } else {
      const uint32_t *a = gv_hrow_get(j, j + 1, cell, gw, cv->w, slot, held, simd);
      const uint32_t *b = gv_hrow_get(j + 1, j, cell, gw, cv->w, slot, held, simd);
      gv_mix_row(out, a, b, cv->w, gv_f[(y - GV_CELL / 2) % GV_CELL], simd);
    }
  }
}

/* The outline of the ellipse {p : q(p) = (p - c)^T P^-1 (p - c) = k^2} for a
 * covariance P = (p00, p01; p01, p11) in pixels, anti-aliased, width wd (the
 * coverage of the UI kit's lines: full to wd / 2 - 1/4 from the curve, then
 * a 1-pixel ramp), in colour col at alpha, on the rows of cv's band. The
 * distance of a pixel from the curve is taken to first order,
 * |q - k^2| / |grad q| (good where the curve's radius of curvature is a few
 * pixels or more: gv_rings_place draws sharper ellipses as polylines); only
 * the pixels of each row within reach of the curve are visited
 * (|sqrt q - k| <= reach x the largest gradient of sqrt q, which is
 * 1 / sqrt(smallest eigenvalue of P)). */
static void gv_ring(const gv_canvas *cv, float cx, float cy, double p00, double p01, double p11,
                    double k, float wd, uint32_t col, float alpha) {
  double det = p00 * p11 - p01 * p01, A, B, C, lmin, g, reach, so, si, ext;
  double hw = 0.5 * (double)wd;
  float fA, fB, fC, fhw, k2, reach2;
  int y, y0, y1;
  if (!(p00 > 0.0) || !(det > 0.0) || !isfinite(det)) return;
  A = p11 / det;
  B = -p01 / det;
  C = p00 / det;
  fA = (float)A, fB = (float)B, fC = (float)C, fhw = (float)hw;
  k2 = (float)(k * k);
  reach2 = (fhw + 0.75f) * (fhw + 0.75f);
  lmin = 0.5 * (p00 + p11) - sqrt(0.25 * (p00 - p11) * (p00 - p11) + p01 * p01);
  if (!(lmin > 1e-12)) lmin = 1e-12;
  g = 1.0 / sqrt(lmin);
  reach = hw + 1.25;
  so = k + reach * g;
  si = k - reach * g;
  ext = so * sqrt(p11);
  {
    double fy0 = floor((double)cy - ext), fy1 = ceil((double)cy + ext);
    if (!(fy0 < (double)cv->y1 && fy1 >= (double)cv->y0)) return; /* (or NaN) */
    y0 = fy0 < (double)cv->y0 ? cv->y0 : (int)fy0;
    y1 = fy1 > (double)(cv->y1 - 1) ? cv->y1 - 1 : (int)fy1;
  }
  for (y = y0; y <= y1; y++) {
    double dy = (double)y + 0.5 - cy, q0 = (B * B - A * C) * dy * dy, d_o = q0 + A * so * so;
    double d_i = si > 0.0 ? q0 + A * si * si : -1.0, lo[2], hi[2];
    uint32_t *row = cv->img + (size_t)y * (size_t)cv->pitch;
    float fdy = (float)dy, fBy = fB * fdy, fCy = fC * fdy;
    int nspan, sp;
    if (!(d_o > 0.0)) continue;
    d_o = sqrt(d_o);
    if (d_i > 0.0) {
      d_i = sqrt(d_i);
      lo[0] = (-B * dy - d_o) / A;
      hi[0] = (-B * dy - d_i) / A;
      lo[1] = (-B * dy + d_i) / A;
      hi[1] = (-B * dy + d_o) / A;
      nspan = 2;
    } else {
      lo[0] = (-B * dy - d_o) / A;
      hi[0] = (-B * dy + d_o) / A;
      nspan = 1;
    }
    for (sp = 0; sp < nspan; sp++) {
      double xa = floor((double)cx + lo[sp] - 0.5), xb = ceil((double)cx + hi[sp] - 0.5);
      int x, x0, x1;
      if (xb < 0.0 || xa > (double)(cv->w - 1)) continue;
      x0 = xa < 0.0 ? 0 : (int)xa;
      x1 = xb > (double)(cv->w - 1) ? cv->w - 1 : (int)xb;
      for (x = x0; x <= x1; x++) {
        float dx = (float)x + 0.5f - cx, ux = fA * dx + fBy, uy = fB * dx + fCy;
        float f = dx * ux + fdy * uy - k2, u2 = ux * ux + uy * uy, c;
        /* |f| / |grad f| < reach, i.e. f^2 < 4 reach^2 |u|^2, before the root */
        if (f * f >= 4.0f * reach2 * u2) continue;
        c = fhw + 0.75f - fabsf(f) / (2.0f * sqrtf(u2));
        row[x] = gv_mix(row[x], col, gv_a256(alpha * gv_minf(c, 1.0f)));
      }
    }
  }
}

/* An anti-aliased line of the given width into a coverage buffer (w wide;
 * max of coverages, so crossing segments do not darken), on the rows of cv's
 * band; bb (x0, y0, x1, y1) grows to hold what was touched. */
static void gv_line_cov(const gv_canvas *cv, uint8_t *cov, float x0, float y0, float x1,
                        float y1, float width, float alpha, int *bb) {
  float dx = x1 - x0, dy = y1 - y0, l2 = dx * dx + dy * dy, hw = 0.5f * width;
  float il2 = l2 > 0.0f ? 1.0f / l2 : 0.0f, reach2 = (hw + 0.5f) * (hw + 0.5f);
  int bx0, bx1, by0, by1, x, y, w = cv->w;
  if (!(fabsf(x0) < 1e6f && fabsf(y0) < 1e6f && fabsf(x1) < 1e6f && fabsf(y1) < 1e6f)) return;
  bx0 = (int)floorf(gv_minf(x0, x1) - hw - 1.0f);
  bx1 = (int)ceilf(fmaxf(x0, x1) + hw + 1.0f);
  by0 = (int)floorf(gv_minf(y0, y1) - hw - 1.0f);
  by1 = (int)ceilf(fmaxf(y0, y1) + hw + 1.0f);
  if (bx0 < 0) bx0 = 0;
  if (by0 < cv->y0) by0 = cv->y0;
  if (bx1 > w - 1) bx1 = w - 1;
  if (by1 > cv->y1 - 1) by1 = cv->y1 - 1;
  if (bx0 > bx1 || by0 > by1) return;
  if (bx0 < bb[0]) bb[0] = bx0;
  if (by0 < bb[1]) bb[1] = by0;
  if (bx1 > bb[2]) bb[2] = bx1;
  if (by1 > bb[3]) bb[3] = by1;
  for (y = by0; y <= by1; y++)
    for (x = bx0; x <= bx1; x++) {
      float px = (float)x + 0.5f - x0, py = (float)y + 0.5f - y0, t, ex, ey, c, d2;
      uint8_t v8, *p = &cov[(size_t)y * (size_t)w + (size_t)x];
      t = (px * dx + py * dy) * il2;
      t = t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
      ex = px - t * dx;
      ey = py - t * dy;
      d2 = ex * ex + ey * ey;
      if (d2 >= reach2) continue;
      c = hw + 0.5f - sqrtf(d2);
      if (c <= 0.0f) continue;
      v8 = (uint8_t)(255.0f * alpha * (c > 1.0f ? 1.0f : c) + 0.5f);
      if (v8 > *p) *p = v8;
    }
}

/* The segments of l (grid coordinates, sorted by grid row) that can reach
 * cv's band -> coverage in image pixels. */
static void gv_segs_cov(const gv_canvas *cv, uint8_t *cov, const gv_segs *l, float width,
                        float alpha, int *bb) {
  const float sx = (float)GV_CELL, reach = 0.5f * width + 1.0f;
  /* a segment of grid row j lies in pixel rows GV_CELL (j + 1/2 .. j + 3/2) */
  float jlo = ((float)cv->y0 - reach) / sx - 1.5f, jhi = ((float)cv->y1 + reach) / sx - 0.5f;
  int lo = 0, hi = l->n, i;
  while (lo < hi) { /* first segment of a row >= jlo */
    int mid = (lo + hi) / 2;
    if (l->s[(size_t)mid * 5 + 4] < jlo) lo = mid + 1;
    else hi = mid;
  }
  for (i = lo; i < l->n; i++) {
    const float *q = l->s + (size_t)i * 5;
    if (q[4] > jhi) break;
    gv_line_cov(cv, cov, (q[0] + 0.5f) * sx, (q[1] + 0.5f) * sx, (q[2] + 0.5f) * sx,
                (q[3] + 0.5f) * sx, width, alpha, bb);
  }
}

/* Paint colour c through the coverage buffer (w wide) inside bb onto the
 * image, and clear it. */
static void gv_cov_paint(const gv_canvas *cv, uint8_t *cov, const int *bb, uint32_t c) {
  int x, y;
  for (y = bb[1]; y <= bb[3]; y++) {
    uint8_t *cr = cov + (size_t)y * (size_t)cv->w;
    uint32_t *row = cv->img + (size_t)y * (size_t)cv->pitch;
    for (x = bb[0]; x <= bb[2]; x++)
      if (cr[x]) {
        row[x] = gv_mix(row[x], c, (uint32_t)cr[x] + (cr[x] >> 7));
        cr[x] = 0;
      }
  }
}

/* An anti-aliased disc of radius rad centred at (cx, cy), on cv's band. */
static void gv_disc(const gv_canvas *cv, float cx, float cy, float rad, mx_color c, float alpha) {
  int x0 = (int)floorf(cx - rad - 1.0f), x1 = (int)ceilf(cx + rad + 1.0f);
  int y0 = (int)floorf(cy - rad - 1.0f), y1 = (int)ceilf(cy + rad + 1.0f), x, y;
  uint32_t col = gv_argb(c);
  if (x0 < 0) x0 = 0;
  if (y0 < cv->y0) y0 = cv->y0;
  if (x1 > cv->w - 1) x1 = cv->w - 1;
  if (y1 > cv->y1 - 1) y1 = cv->y1 - 1;
  for (y = y0; y <= y1; y++)
    for (x = x0; x <= x1; x++) {
      float dx = (float)x + 0.5f - cx, dy = (float)y + 0.5f - cy;
      float cov = rad + 0.5f - sqrtf(dx * dx + dy * dy);
      uint32_t *p = &cv->img[(size_t)y * (size_t)cv->pitch + (size_t)x];
      if (cov <= 0.0f) continue;
      *p = gv_mix(*p, col, gv_a256(alpha * gv_minf(cov, 1.0f)));
    }
}

/* The dot drawn for each point: a disc of radius rad inside a ring of width
 * ring (alpha 0.75), anti-aliased, precomputed for GV_SUB x GV_SUB sub-pixel
 * positions of the centre as lists of the pixels it touches. */
static int gv_sprite_make(gv_sprite *sp, float rad, float ring) {
  float R = rad + ring;
  int m = (int)ceilf(R + 1.0f), side = 2 * m + 1, ph, x, y, n;
  if (sp->pix && sp->rad == rad && sp->ring == ring) return MX_OK;
  free(sp->pix);
  memset(sp, 0, sizeof *sp);
  if (m > 100) return MX_EINVAL;
  sp->pix = malloc((size_t)GV_SUB * GV_SUB * (size_t)side * (size_t)side * sizeof *sp->pix);
  if (!sp->pix) return MX_ENOMEM;
  sp->rad = rad;
  sp->ring = ring;
  sp->m = m;
  sp->stride = side * side;
  for (ph = 0; ph < GV_SUB * GV_SUB; ph++) {
    float fx = ((float)(ph % GV_SUB) + 0.5f) / (float)GV_SUB;
    float fy = ((float)(ph / GV_SUB) + 0.5f) / (float)GV_SUB;
    gv_dotpix *out = sp->pix + (size_t)ph * (size_t)sp->stride;
    n = 0;
    for (y = -m; y <= m; y++)
      for (x = -m; x <= m; x++) {
        float dx = (float)x + 0.5f - fx, dy = (float)y + 0.5f - fy, d = sqrtf(dx * dx + dy * dy);
        float ci = rad + 0.5f - d, co = R + 0.5f - d;
        if (co <= 0.0f) continue;
        out[n].dx = (int8_t)x;
        out[n].dy = (int8_t)y;
        out[n].solid = ci >= 1.0f;
        out[n].a_ring = (uint16_t)gv_a256(0.75f * gv_minf(co, 1.0f));
        out[n].a_in = (uint16_t)gv_a256(ci);
        n++;
      }
    sp->n[ph] = n;
  }
  return MX_OK;
}

/* Where a dot centred at (cx, cy) goes: the pixel holding the centre and the
 * sub-pixel position (the sprite's). */
static void gv_dot_cell(float cx, float cy, int *bx, int *by, int *ph) {
  float fx = floorf(cx * (float)GV_SUB), fy = floorf(cy * (float)GV_SUB);
  *bx = (int)floorf(fx / (float)GV_SUB);
  *by = (int)floorf(fy / (float)GV_SUB);
  *ph = ((int)fy - *by * GV_SUB) * GV_SUB + ((int)fx - *bx * GV_SUB);
}

/* One dot (pixel bx, by, sub-pixel position ph) on cv's band: colour c, ring
 * colour o. */
static void gv_dot(const gv_canvas *cv, const gv_sprite *sp, int bx, int by, int ph, uint32_t c,
                   uint32_t o) {
  const gv_dotpix *e = sp->pix + (size_t)ph * (size_t)sp->stride;
  int i, n = sp->n[ph];
  int inside = bx - sp->m >= 0 && by - sp->m >= cv->y0 && bx + sp->m < cv->w && by + sp->m < cv->y1;
  for (i = 0; i < n; i++, e++) {
    int x = bx + e->dx, y = by + e->dy;
    uint32_t *p;
    if (!inside && (x < 0 || y < cv->y0 || x >= cv->w || y >= cv->y1)) continue;
    p = cv->img + (size_t)y * (size_t)cv->pitch + (size_t)x;
    if (e->solid) {
      *p = c;
      continue;
    }
    *p = gv_mix(*p, o, e->a_ring);
    if (e->a_in) *p = gv_mix(*p, c, e->a_in);
  }
}

/* Chunk c of an image: its band of GV_BAND rows, drawn in order: the cell
 * colours upscaled, the ellipse outlines at 3, 2, 1 sigma, the density
 * iso-lines and the decision boundary, then the points coloured by
 * responsibility (in their order, those of the band: v->dot*), the labelled
 * ones (semi-supervised) as rings in their class colour on top. */
static void gv_image_chunk(void *arg, int c, int t) {
  const gv_job *jb = arg;
  gmm_view *v = jb->v;
  gv_run *r = jb->r;
  const mx_plot *pl = jb->pl;
  const mx_theme *th = jb->th;
  int w = pl->r.w, h = pl->r.h, k, K = r->g->K, bb[4], l, i;
  uint32_t bg = gv_argb(th->bg), text = gv_argb(th->text);
  float scale = jb->scale;
  gv_canvas cv;
  cv.img = jb->img;
  cv.w = w;
  cv.h = h;
  cv.pitch = jb->pitch;
  cv.y0 = c * GV_BAND;
  cv.y1 = cv.y0 + GV_BAND > h ? h : cv.y0 + GV_BAND;
  if (r->cell && (v->show_density || v->show_ellipses)) {
    gv_upscale(&cv, r->cell, r->gw, r->gh, v->urow + (size_t)t * 2 * (size_t)v->ucap, v->simd);
  } else {
    uint32_t b = gv_plot_bg(th);
    int x, y;
    for (y = cv.y0; y < cv.y1; y++)
      for (x = 0; x < w; x++) cv.img[(size_t)y * (size_t)cv.pitch + (size_t)x] = b;
  }
  /* ellipse outlines (gv_rings_place) */
  for (k = 0; k < v->nring; k++) {
    const gv_ringd *e = &v->ring[k];
    if (e->npts) {
      const float *q = v->rpts + 2 * (size_t)e->off;
      bb[0] = w, bb[1] = h, bb[2] = -1, bb[3] = -1;
      for (i = 0; i + 1 < e->npts; i++)
        gv_line_cov(&cv, v->cov, q[2 * i], q[2 * i + 1], q[2 * i + 2], q[2 * i + 3],
                    2.0f * scale + 0.5f, e->alpha, bb);
      gv_cov_paint(&cv, v->cov, bb, e->col);
    } else {
      gv_ring(&cv, e->cx, e->cy, e->p00, e->p01, e->p11, e->k, 2.0f * scale, e->col, e->alpha);
    }
  }
  /* iso-lines, then the boundary, through the coverage buffer (kept zero) */
  if (r->gw > 1 && v->cov) {
    if (v->show_density) {
      bb[0] = w, bb[1] = h, bb[2] = -1, bb[3] = -1;
      for (l = 0; l < GV_NLEVELS; l++)
        gv_segs_cov(&cv, v->cov, &r->lines[l], 1.0f * scale, 0.24f * (1.0f - 0.12f * (float)l), bb);
      gv_cov_paint(&cv, v->cov, bb, text);
    }
    if (jb->show_bound) {
      bb[0] = w, bb[1] = h, bb[2] = -1, bb[3] = -1;
      for (l = GV_NLEVELS; l < GV_NLEVELS + K; l++)
        gv_segs_cov(&cv, v->cov, &r->lines[l], 2.0f * scale, 0.85f, bb);
      gv_cov_paint(&cv, v->cov, bb, text);
    }
  }
  /* the points of this band, in order */
  for (i = v->bstart[c]; i < v->bstart[c + 1]; i++) {
    const gv_dotpos *d = &v->dot[v->band[i]];
    gv_dot(&cv, &v->sprite, d->bx, d->by, d->ph, d->col, bg);
  }
  if (jb->show_known)
    for (i = 0; i < v->nlab; i++) {
      size_t n = (size_t)v->lab[i];
      float x = mx_plot_x(pl, v->pts.x[2 * n]) - (float)pl->r.x;
      float y = mx_plot_y(pl, v->pts.x[2 * n + 1]) - (float)pl->r.y;
      float rad = v->sprite.rad, rr = rad * 1.9f + 1.5f * scale, reach = rr + 2.4f * scale + 2.0f;
      if (y + reach < (float)cv.y0 || y - reach >= (float)cv.y1) continue;
      gv_disc(&cv, x, y, rr + 2.4f * scale, th->bg, 0.8f);
      gv_disc(&cv, x, y, rr + 1.4f * scale, th->text, 1.0f);
      gv_disc(&cv, x, y, rr, th->comp[v->known[n] % MX_NCOMP_COLORS], 1.0f);
      gv_disc(&cv, x, y, rad * 0.7f, th->bg, 1.0f);
    }
}

/* Make the view's scratch hold a w x h image (coverage buffer, upscale rows
 * for two threads) and the dots of n points in nb bands, each dot in at most
 * per bands. */
static int gv_scratch(gmm_view *v, int w, int h, size_t n, int nb, int per) {
  size_t need = (size_t)w * (size_t)h;
  if (need > v->covcap) {
    free(v->cov);
    v->cov = calloc(need, 1);
    v->covcap = v->cov ? need : 0;
    if (!v->cov) return MX_ENOMEM;
  }
  if (w > v->ucap) {
    free(v->urow);
    v->urow = malloc(4 * (size_t)w * sizeof *v->urow);
    v->ucap = v->urow ? w : 0;
    if (!v->ucap) return MX_ENOMEM;
  }
  if (n > v->dcap || n * (size_t)per > v->bandcap) {
    free(v->dot);
    free(v->band);
    free(v->lab);
    v->dot = malloc(n * sizeof *v->dot);
    v->band = malloc(n * (size_t)per * sizeof *v->band);
    v->lab = malloc(n * sizeof *v->lab);
    v->dcap = v->dot && v->band && v->lab ? n : 0;
    v->bandcap = v->dcap ? n * (size_t)per : 0;
    if (!v->dcap) return MX_ENOMEM;
  }
  if (nb + 1 > v->bcap) {
    free(v->bstart);
    v->bstart = malloc((size_t)(nb + 1) * sizeof *v->bstart);
    v->bcap = v->bstart ? nb + 1 : 0;
    if (!v->bcap) return MX_ENOMEM;
  }
  return MX_OK;
}

/* Where the dots of run r go (pixel, sub-pixel position, colour: the
 * component colours mixed by responsibility), and which bands of GV_BAND
 * rows each touches: v->band[bstart[b] .. bstart[b + 1]) lists the points of
 * band b in their order. The labelled points (drawn as rings) go to v->lab. */
static void gv_dots_place(gmm_view *v, const gv_run *r, const mx_plot *pl, const mx_theme *th,
                          int show_known, int nb) {
  int K = r->g->K, k, b, m = v->sprite.m, h = pl->r.h;
  size_t i;
  v->nlab = 0;
  for (b = 0; b <= nb; b++) v->bstart[b] = 0;
  for (i = 0; i < v->pts.n; i++) {
    float x = mx_plot_x(pl, v->pts.x[2 * i]) - (float)pl->r.x;
    float y = mx_plot_y(pl, v->pts.x[2 * i + 1]) - (float)pl->r.y;
    const double *resp = r->w->resp + i * (size_t)K;
    double R = 0, G = 0, B = 0;
    gv_dotpos *d = &v->dot[i];
    mx_color c;
    d->ph = -1; /* not drawn */
    if (show_known && v->known[i] >= 0) {
      v->lab[v->nlab++] = (int)i;
      continue;
    }
    if (!(x > -1e6f && x < 1e6f && y > -1e6f && y < 1e6f)) continue;
    gv_dot_cell(x, y, &d->bx, &d->by, &d->ph);
    if (d->bx + m < 0 || d->bx - m >= pl->r.w || d->by + m < 0 || d->by - m >= h) {
      d->ph = -1;
      continue;
    }
    for (k = 0; k < K; k++) {
      mx_color ck = th->comp[k % MX_NCOMP_COLORS];
      R += resp[k] * ck.r;
      G += resp[k] * ck.g;
      B += resp[k] * ck.b;
    }
    c.r = (uint8_t)((R < 255.0 ? R : 255.0) + 0.5); /* (NaN -> 255, as fmin) */
    c.g = (uint8_t)((G < 255.0 ? G : 255.0) + 0.5);
    c.b = (uint8_t)((B < 255.0 ? B : 255.0) + 0.5);
    c.a = 255;
    d->col = gv_argb(c);
    for (b = gv_band_of(d->by - m, h); b <= gv_band_of(d->by + m, h); b++) v->bstart[b + 1]++;
  }
  for (b = 0; b < nb; b++) v->bstart[b + 1] += v->bstart[b];
  /* a stable counting sort: bstart[b] runs through band b, ending at the
   * start of band b + 1, and is then put back */
  for (i = 0; i < v->pts.n; i++) {
    const gv_dotpos *d = &v->dot[i];
    if (d->ph < 0) continue;
    for (b = gv_band_of(d->by - m, h); b <= gv_band_of(d->by + m, h); b++)
      v->band[v->bstart[b]++] = (int)i;
  }
  for (b = nb; b > 0; b--) v->bstart[b] = v->bstart[b - 1];
  v->bstart[0] = 0;
}

/* The ellipse outlines of run r in the image, at 3, 2, 1 sigma, component by
 * component (weightless or collapsed ones dimmed). An ellipse whose sharpest
 * curvature radius, k lambda_min / sqrt(lambda_max), is under 4 pixels (a
 * nearly flat component) is drawn as a closed polyline through points
 * c + k L (cos t, sin t), L the Cholesky factor of its covariance in pixels
 * (as the UI kit draws ellipses), the others by their implicit equation. */
static int gv_rings_place(gmm_view *v, const gv_run *r, const mx_plot *pl, const mx_theme *th) {
  double sc = (double)pl->r.w / (pl->x1 - pl->x0);
  int k, sig, K = r->g->K, off = 0;
  v->nring = 0;
  if (!v->show_ellipses) return MX_OK;
  if (!v->rpts) {
    v->rpts = malloc((size_t)GV_MAXK * 3 * (GV_RPTS + 1) * 2 * sizeof *v->rpts);
    if (!v->rpts) return MX_ENOMEM;
  }
  for (k = 0; k < K; k++) {
    const double *mu = r->g->means + 2 * k, *S = r->g->covs + 4 * k;
    int dead = r->g->collapsed[k] != 0 || !(r->g->weights[k] > 1e-12);
    double p00 = S[0] * sc * sc, p01 = -S[1] * sc * sc, p11 = S[3] * sc * sc;
    double tr = 0.5 * (p00 + p11), dd = sqrt(0.25 * (p00 - p11) * (p00 - p11) + p01 * p01);
    double lmax = tr + dd, lmin = tr - dd;
    for (sig = 3; sig >= 1; sig--) {
      gv_ringd *e = &v->ring[v->nring++];
      e->cx = mx_plot_x(pl, mu[0]) - (float)pl->r.x;
      e->cy = mx_plot_y(pl, mu[1]) - (float)pl->r.y;
      e->p00 = p00;
      e->p01 = p01;
      e->p11 = p11;
      e->k = (double)sig;
      e->col = gv_argb(dead ? th->text_dim : th->comp[k % MX_NCOMP_COLORS]);
      e->alpha = (float)(sig == 1 ? 235 : sig == 2 ? 150 : 90) / 255.0f;
      e->npts = 0;
      if (lmax > 0.0 && isfinite(lmax) && e->k * lmin / sqrt(lmax) < 4.0) {
        /* Cholesky as in mx_draw_ellipse; not positive definite: nothing */
        double a = p00 > 0.0 ? sqrt(p00) : 0.0, b = a > 0.0 ? p01 / a : 0.0, d = p11 - b * b;
        double perim = 2.0 * GV_PI * e->k * sqrt(0.5 * (lmax + lmin));
        int n = (int)(perim / 6.0), i;
        float *q = v->rpts + 2 * (size_t)off;
        if (!(a > 0.0) || !(d > 0.0) || !isfinite(perim)) {
          v->nring--;
          continue;
        }
        d = sqrt(d);
        n = n < 24 ? 24 : n > GV_RPTS ? GV_RPTS : n;
        for (i = 0; i <= n; i++) {
          double t = 2.0 * GV_PI * (double)(i % n) / (double)n, u = cos(t), s = sin(t);
          q[2 * i] = e->cx + (float)(e->k * a * u);
          q[2 * i + 1] = e->cy + (float)(e->k * (b * u + d * s));
        }
        e->npts = n + 1;
        e->off = off;
        off += n + 1;
      }
    }
  }
  return MX_OK;
}

/* Bring the run's texture up to date (redrawing its image, in bands on two
 * threads, if anything it shows changed) and copy it into the plot. 0 if
 * there is nothing to show. */
static int gv_image(gmm_view *v, gv_run *r, mx_ui *ui, const mx_plot *pl, float rad, int show_known,
                    int show_bound) {
  SDL_Renderer *ren = mx_ui_renderer(ui);
  const mx_theme *th = mx_ui_theme(ui);
  float scale = mx_ui_scale(ui);
  int w = pl->r.w, h = pl->r.h, flags, nb = (pl->r.h + GV_BAND - 1) / GV_BAND;
  gv_key key;
  SDL_Rect dst = {pl->r.x, pl->r.y, pl->r.w, pl->r.h};
  if (w < 2 || h < 2) return 0;
  flags = show_known | (show_bound << 1) | (v->show_density << 2) | (v->show_ellipses << 3);
  gv_key_set(&key, w, h, flags, rad, scale, pl, th);
  if (!r->tex || r->tw != w || r->th != h) {
    mx_texture_free(&r->tex);
    r->tex = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, w, h);
    if (!r->tex) return 0;
    SDL_SetTextureBlendMode(r->tex, SDL_BLENDMODE_NONE);
    r->tw = w;
    r->th = h;
    r->img_dirty = 1;
  }
  if (r->img_dirty || memcmp(&key, &r->ikey, sizeof key)) {
    void *mem;
    int pitch;
    gv_job jb;
    if (gv_sprite_make(&v->sprite, rad, 0.9f * scale) != MX_OK ||
        gv_scratch(v, w, h, v->pts.n, nb, 2 * v->sprite.m / GV_BAND + 2) != MX_OK ||
        SDL_LockTexture(r->tex, NULL, &mem, &pitch) != 0)
      return 0;
    gv_dots_place(v, r, pl, th, show_known, nb);
    if (gv_rings_place(v, r, pl, th) != MX_OK) v->nring = 0;
    memset(&jb, 0, sizeof jb);
    jb.v = v;
    jb.r = r;
    jb.pl = pl;
    jb.th = th;
    jb.img = mem;
    jb.pitch = pitch / 4;
    jb.scale = scale;
    jb.show_known = show_known;
    jb.show_bound = show_bound;
    gv_par(&v->pool, gv_image_chunk, &jb, nb);
    SDL_UnlockTexture(r->tex);
    memcpy(&r->ikey, &key, sizeof key);
    r->img_dirty = 0;
  }
  SDL_RenderCopy(ren, r->tex, NULL, &dst);
  return 1;
}

/* ------------------------------------------------------------------ drawing */

/* Fit the data box into r with equal scales on both axes. */
static mx_plot gv_plot_for(const gmm_view *v, mx_rect r) {
  mx_plot pl;
  double dw = v->vx1 - v->vx0, dh = v->vy1 - v->vy0, s, cx, cy;
  pl.r = r;
  s = fmin((double)r.w / dw, (double)r.h / dh);
  cx = 0.5 * (v->vx0 + v->vx1);
  cy = 0.5 * (v->vy0 + v->vy1);
  pl.x0 = cx - 0.5 * (double)r.w / s;
  pl.x1 = cx + 0.5 * (double)r.w / s;
  pl.y0 = cy - 0.5 * (double)r.h / s;
  pl.y1 = cy + 0.5 * (double)r.h / s;
  return pl;
}

/* One model panel: heatmap, iso-lines, ellipses, points, boundary. */
static void gv_draw_model(gmm_view *v, mx_app *app, mx_ui *ui, mx_rect r, int which,
                          const char *title, int main_panel) {
  const mx_theme *th = mx_ui_theme(ui);
  gv_run *run = &v->run[which];
  mx_rect inner = mx_panel(ui, r, title);
  mx_plot pl;
  float ps = mx_ui_scale(ui) * (v->pts.n > 3000 ? 1.6f : v->pts.n > 1000 ? 2.2f : 3.0f);
  size_t i;
  int k;
  int show_known = v->semi && which != RUN_PLAIN, had_clip, bound;
  SDL_Rect old_clip;
  if (!run->g || inner.w < 20 || inner.h < 20) return;
  pl = gv_plot_for(v, inner);
  bound = v->show_boundary && (v->semi || !main_panel) && run->g->K > 1;
  gv_grid(v, run, &pl, th, bound);
  /* everything inside the plot is clipped to it (restored at the end) */
  {
    SDL_Rect clip = {pl.r.x, pl.r.y, pl.r.w, pl.r.h};
    had_clip = SDL_RenderIsClipEnabled(mx_ui_renderer(ui));
    SDL_RenderGetClipRect(mx_ui_renderer(ui), &old_clip);
    SDL_RenderSetClipRect(mx_ui_renderer(ui), &clip);
  }
  /* background, density heatmap, ellipses, iso-lines, boundary and points:
   * one image, redrawn only when something in it changed */
  if (!gv_image(v, run, ui, &pl, ps, show_known, bound))
    mx_draw_rect(ui, pl.r, (mx_color){(uint8_t)(th->bg.r * 3 / 4), (uint8_t)(th->bg.g * 3 / 4),
                                      (uint8_t)(th->bg.b * 3 / 4), 255});
  /* component centres */
  if (v->show_ellipses)
    for (k = 0; k < run->g->K; k++) {
      float cx = mx_plot_x(&pl, run->g->means[2 * k]), cy = mx_plot_y(&pl, run->g->means[2 * k + 1]);
      float a = 6.0f * mx_ui_scale(ui);
      mx_color c = run->g->collapsed[k] ? th->text_dim : th->comp[k % MX_NCOMP_COLORS];
      mx_draw_line(ui, cx - a, cy, cx + a, cy, th->bg, 5.0f * mx_ui_scale(ui));
      mx_draw_line(ui, cx, cy - a, cx, cy + a, th->bg, 5.0f * mx_ui_scale(ui));
      mx_draw_line(ui, cx - a, cy, cx + a, cy, c, 2.5f * mx_ui_scale(ui));
      mx_draw_line(ui, cx, cy - a, cx, cy + a, c, 2.5f * mx_ui_scale(ui));
    }
  /* corner caption: iteration, log-likelihood, accuracy (clipped to the
   * plot too: in a narrow panel it is cut, not drawn over the next one) */
  {
    char buf[200];
    int lh = mx_line_height(ui, MX_FONT_SMALL), y = pl.r.y + mx_ui_px(ui, 6);
    int x = pl.r.x + mx_ui_px(ui, 8);
    if (which != RUN_SUP) {
      snprintf(buf, sizeof buf, "iteration %d   log-lik %.3f", run->cur, run->ll[run->cur]);
      mx_text(ui, x, y, MX_FONT_SMALL, th->text, "%s", buf);
      y += lh;
    } else {
      mx_text(ui, x, y, MX_FONT_SMALL, th->text, "MLE from %d labelled points, no EM",
              v->labelled);
      y += lh;
    }
    if (isfinite(run->acc)) {
      mx_text(ui, x, y, MX_FONT_SMALL, th->good, "accuracy %.1f%%%s", 100.0 * run->acc,
              !run->matched                          ? ""
              : main_panel && pl.r.w > mx_ui_px(ui, 520) ? "  (components matched to classes)"
                                                       : "  (matched)");
    }
  }
  SDL_RenderSetClipRect(mx_ui_renderer(ui), had_clip ? &old_clip : NULL);
  /* clicks edit the data in the main panel */
  if (main_panel) {
    int button;
    for (button = 1; button <= 3; button += 2)
      if (mx_ui_clicked(ui, pl.r, button)) {
        int mx, my;
        mx_ui_mouse(ui, &mx, &my);
        if (button == 1) {
          double p[2];
          p[0] = mx_plot_inv_x(&pl, (float)mx);
          p[1] = mx_plot_inv_y(&pl, (float)my);
          if (v->pts.n >= GV_MAXN) {
            mx_app_error(app, "At most %d points", GV_MAXN);
          } else if (gv_reserve(v, v->pts.n + 1) == MX_OK &&
                     mx_points_push(&v->pts, p, -1) == MX_OK) {
            v->edited = 1;
            gv_restart_here(v);
            mx_app_status(app, "Added a point at (%.2f, %.2f): EM continues from here", p[0],
                          p[1]);
          }
        } else {
          double best = 1e30;
          size_t bi = 0;
          for (i = 0; i < v->pts.n; i++) {
            double dx = mx_plot_x(&pl, v->pts.x[2 * i]) - mx, dy = mx_plot_y(&pl, v->pts.x[2 * i + 1]) - my;
            if (dx * dx + dy * dy < best) {
              best = dx * dx + dy * dy;
              bi = i;
            }
          }
          if (best <= 144.0 * mx_ui_scale(ui) * mx_ui_scale(ui) && v->pts.n > (size_t)v->K) {
            mx_points_remove(&v->pts, bi);
            v->nclasses = v->pts.max_label + 1;
            v->edited = 1;
            gv_restart_here(v);
            mx_app_status(app, "Removed a point: EM continues from here");
          }
        }
      }
  }
}

/* The log-likelihood curve of the stored history. */
static void gv_draw_curve(gmm_view *v, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  mx_plot pl;
  int which, t, nr = v->semi ? 2 : 1, nmax = 1;
  double lo = INFINITY, hi = -INFINITY;
  float pts[2 * 256];
  int axis_l = mx_ui_px(ui, 58), axis_b = mx_ui_px(ui, 36);
  for (which = 0; which < nr; which++) {
    gv_run *run = &v->run[which];
    if (run->n - 1 > nmax) nmax = run->n - 1;
    for (t = 0; t < run->n; t++) {
      lo = fmin(lo, run->ll[t]);
      hi = fmax(hi, run->ll[t]);
    }
  }
  if (!isfinite(lo) || !isfinite(hi)) return;
  if (hi - lo < 1e-9) {
    lo -= 1.0;
    hi += 1.0;
  }
  {
    /* keep the interesting part: the first value may be far below */
    double pad = 0.06 * (hi - lo);
    lo -= pad;
    hi += pad;
  }
  pl.r = r;
  pl.r.x += axis_l;
  pl.r.w -= axis_l + mx_ui_px(ui, 6);
  pl.r.y += mx_ui_px(ui, 4);
  pl.r.h -= axis_b + mx_ui_px(ui, 4);
  if (pl.r.w < 20 || pl.r.h < 20) return;
  pl.x0 = 0;
  pl.x1 = nmax < 5 ? 5 : nmax;
  pl.y0 = lo;
  pl.y1 = hi;
  mx_draw_axes(ui, &pl, "iteration", NULL);
  for (which = nr - 1; which >= 0; which--) {
    gv_run *run = &v->run[which];
    mx_color c = which == RUN_MAIN ? th->accent : th->text_dim;
    int n = 0, stride = (run->n + 255) / 256;
    if (stride < 1) stride = 1;
    for (t = 0; t < run->n; t += stride) {
      pts[2 * n] = mx_plot_x(&pl, t);
      pts[2 * n + 1] = mx_plot_y(&pl, run->ll[t]);
      n++;
    }
    if (n >= 2) mx_draw_polyline(ui, pts, n, c, 2.0f * mx_ui_scale(ui));
    mx_draw_circle(ui, mx_plot_x(&pl, run->cur), mx_plot_y(&pl, run->ll[run->cur]),
                   4.0f * mx_ui_scale(ui), c);
  }
}

static void gv_draw_panel(gmm_view *v, mx_app *app, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  mx_rect c = mx_panel(ui, r, "Gaussian mixture  ·  EM");
  int gap = mx_ui_px(ui, 6), lh = mx_line_height(ui, MX_FONT_SMALL) + mx_ui_px(ui, 2);
  int bh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 10);
  int sh = mx_line_height(ui, MX_FONT_BODY) * 2 - mx_ui_px(ui, 2);
  gv_run *run = &v->run[RUN_MAIN];
  mx_rect row;
  int i, bw;
  char buf[160];

  /* data */
  mx_text(ui, c.x, c.y, MX_FONT_SMALL, th->text_dim, "Data  (D)");
  mx_rect_cut_top(&c, lh);
  row = mx_rect_cut_top(&c, bh);
  bw = (row.w - 2 * gap) / 3;
  for (i = 0; i < 6; i++) {
    mx_rect b;
    static const char *const lab[6] = {"blobs", "overlap", "elongated", "flat", "digits",
                                       "csv"};
    static const char *const tip[6] = {
        "three well-separated round blobs", "three overlapping blobs",
        "three long, tilted, parallel clusters (k-means fails, a GMM does not)",
        "two blobs and a near-degenerate (almost flat) cluster: dataset=degenerate",
        "MNIST digits projected to 2-D by PCA", "the CSV file given with data=FILE"};
    if (i == 3) {
      mx_rect_cut_top(&c, gap);
      row = mx_rect_cut_top(&c, bh);
    }
    b = mx_rect_cut_left(&row, bw);
    mx_rect_cut_left(&row, gap);
    if (i == GV_CSV && !v->csv[0]) {
      mx_button_on(ui, b, "(csv)", 0);
      continue;
    }
    mx_tooltip(ui, b, tip[i]);
    if (mx_button_on(ui, b, lab[i], v->dataset == i) && v->dataset != i)
      gv_set_dataset(v, app, i, NULL);
  }
  mx_rect_cut_top(&c, gap);
  if (v->dataset == GV_DIGITS) {
    snprintf(buf, sizeof buf, "MNIST digits ");
    for (i = 0; i < v->ndigits; i++)
      snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%d", i ? "," : "", v->digits[i]);
    snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " by PCA: %zu points", v->pts.n);
  } else if (v->dataset == GV_CSV) {
    const char *base = strrchr(v->csv, '/');
    snprintf(buf, sizeof buf, "%.100s: %zu points", base ? base + 1 : v->csv, v->pts.n);
  } else {
    snprintf(buf, sizeof buf, "%zu points (seed %lu)%s", v->pts.n, v->data_seed,
             v->edited ? ", edited" : "");
  }
  mx_text(ui, c.x, c.y, MX_FONT_SMALL, th->text_dim, "%s", buf);
  mx_rect_cut_top(&c, lh + gap);

  /* model (in a short panel the rows that do not fit are left out, rather
   * than drawn over each other; their keys still work) */
  if (c.h < sh) return;
  {
    int k = v->K;
    if (mx_slider_int(ui, mx_rect_cut_top(&c, sh), "components K  (+/−)", &k, 1, GV_MAXK) &&
        k != v->K)
      gv_change_k(v, app, k - v->K);
  }
  mx_rect_cut_top(&c, gap);
  if (c.h < bh) return;
  row = mx_rect_cut_top(&c, bh);
  {
    static const int meth[3] = {MX_GMM_INIT_KMEANSPP, MX_GMM_INIT_RANDOM, MX_GMM_INIT_LABELS};
    static const char *const lab[3] = {"k-means++", "random", "labels"};
    static const char *const tip[3] = {
        "means: data points drawn far apart (k-means++ seeding)", "means: random data points",
        "means: the class means of the labelled points (semi-supervised only)"};
    int wk = (row.w - 2 * gap) * 40 / 100, wr = (row.w - 2 * gap - wk) / 2;
    for (i = 0; i < 3; i++) {
      mx_rect b = i < 2 ? mx_rect_cut_left(&row, i == 0 ? wk : wr) : row;
      if (i < 2) mx_rect_cut_left(&row, gap);
      mx_tooltip(ui, b, tip[i]);
      if (mx_button_on(ui, b, lab[i], v->init == meth[i]) && v->init != meth[i]) {
        if (meth[i] == MX_GMM_INIT_LABELS && !v->semi) {
          mx_app_status(app, "Start from labels needs semi-supervised mode (U)");
          continue;
        }
        v->init = meth[i];
        gv_reset(v, app);
      }
    }
  }
  mx_rect_cut_top(&c, gap);
  if (c.h < bh) return;
  row = mx_rect_cut_top(&c, bh);
  bw = (row.w - 4 * gap) / 7; /* arrows 1 unit, run / reset 1.5, seed the rest */
  if (mx_button(ui, mx_rect_cut_left(&row, bw), "◀")) {
    v->running = 0;
    gv_back(v);
  }
  mx_tooltip(ui, (mx_rect){row.x - bw, row.y, bw, row.h}, "step back  (←)");
  mx_rect_cut_left(&row, gap);
  if (mx_button(ui, mx_rect_cut_left(&row, bw), "▶")) {
    v->running = 0;
    gv_step(v, app);
  }
  mx_tooltip(ui, (mx_rect){row.x - bw, row.y, bw, row.h}, "one EM step  (Space, →)");
  mx_rect_cut_left(&row, gap);
  if (mx_button_on(ui, mx_rect_cut_left(&row, bw * 3 / 2), v->running ? "pause" : "run",
                   v->running))
    v->running = !v->running;
  mx_tooltip(ui, (mx_rect){row.x - bw * 3 / 2, row.y, bw * 3 / 2, row.h}, "run / pause  (Enter)");
  mx_rect_cut_left(&row, gap);
  if (mx_button(ui, mx_rect_cut_left(&row, bw * 3 / 2), "reset")) gv_reset(v, app);
  mx_tooltip(ui, (mx_rect){row.x - bw * 3 / 2, row.y, bw * 3 / 2, row.h},
             "back to the initial means  (R)");
  mx_rect_cut_left(&row, gap);
  snprintf(buf, sizeof buf, "seed %lu", v->seed);
  if (mx_button(ui, row, buf)) {
    v->seed++;
    gv_reset(v, app);
  }
  mx_tooltip(ui, row, "the seed of the initial means: click or S for the next, R to reset");
  mx_rect_cut_top(&c, gap);

  /* semi-supervised */
  if (c.h < bh) return;
  {
    int semi = v->semi;
    row = mx_rect_cut_top(&c, bh);
    if (mx_toggle(ui, row, "semi-supervised  (U)", &semi)) gv_set_semi(v, app, semi);
  }
  if (v->semi) {
    int m = v->labelled, most = (int)gv_nlabelable(v);
    mx_rect_cut_top(&c, gap);
    if (c.h < sh) return;
    if (mx_slider_int(ui, mx_rect_cut_top(&c, sh), "labelled points  ([ / ])", &m, 0,
                      most < 200 ? most : 200) &&
        m != v->labelled)
      gv_set_labelled(v, app, m);
  }
  mx_rect_cut_top(&c, gap);
  if (c.h < bh) return;
  row = mx_rect_cut_top(&c, bh);
  bw = (row.w - 2 * gap) / 3;
  if (mx_button_on(ui, mx_rect_cut_left(&row, bw), "density", v->show_density))
    v->show_density = !v->show_density;
  mx_rect_cut_left(&row, gap);
  if (mx_button_on(ui, mx_rect_cut_left(&row, bw), "ellipses", v->show_ellipses))
    v->show_ellipses = !v->show_ellipses;
  mx_rect_cut_left(&row, gap);
  if (mx_button_on(ui, row, "boundary", v->show_boundary)) v->show_boundary = !v->show_boundary;
  mx_rect_cut_top(&c, gap * 2);

  /* numbers (as far as they fit) */
  if (c.h < mx_line_height(ui, MX_FONT_LARGE) + mx_line_height(ui, MX_FONT_BODY) + gap * 2) return;
  mx_draw_rect(ui, (mx_rect){c.x, c.y, c.w, 1}, th->border);
  mx_rect_cut_top(&c, gap);
  snprintf(buf, sizeof buf, "iteration %d", run->cur);
  mx_text(ui, c.x, c.y, MX_FONT_LARGE, th->text, "%s", buf);
  if (run->converged && run->cur + 1 == run->n)
    mx_text_in(ui, (mx_rect){c.x, c.y, c.w, mx_line_height(ui, MX_FONT_LARGE)}, MX_FONT_SMALL,
               MX_ALIGN_RIGHT, th->good, "converged");
  else if (v->running)
    mx_text_in(ui, (mx_rect){c.x, c.y, c.w, mx_line_height(ui, MX_FONT_LARGE)}, MX_FONT_SMALL,
               MX_ALIGN_RIGHT, th->accent, "running");
  mx_rect_cut_top(&c, mx_line_height(ui, MX_FONT_LARGE));
  {
    int x = c.x + mx_text(ui, c.x, c.y, MX_FONT_BODY, th->accent, "log-lik %.4f", run->ll[run->cur]);
    if (run->cur > 0)
      mx_text(ui, x + mx_ui_px(ui, 10), c.y + mx_ui_px(ui, 3), MX_FONT_SMALL, th->text_dim,
              "Δ %+.3g", run->ll[run->cur] - run->ll[run->cur - 1]);
  }
  mx_rect_cut_top(&c, mx_line_height(ui, MX_FONT_BODY));
  if (c.h < lh * 2) return;
  if (!v->semi) {
    mx_text(ui, c.x, c.y, MX_FONT_SMALL, th->text_dim, "%.5f per point",
            run->ll[run->cur] / (double)(v->pts.n ? v->pts.n : 1));
    mx_rect_cut_top(&c, lh);
  }
  mx_rect_cut_top(&c, gap);
  /* per-component weights (one line each when there is room, else all in one) */
  if (c.h > lh * (run->g->K + 1) + mx_ui_px(ui, 120)) {
    for (i = 0; i < run->g->K; i++) {
      mx_color cc = run->g->collapsed[i] ? th->text_dim : th->comp[i % MX_NCOMP_COLORS];
      int sw = mx_ui_px(ui, 10);
      mx_draw_round_rect(ui, (mx_rect){c.x, c.y + lh / 4, sw, sw}, (float)sw / 2, cc);
      mx_text(ui, c.x + sw + gap, c.y, MX_FONT_SMALL, run->g->collapsed[i] ? th->bad : th->text,
              "π %.3f   μ (%.2f, %.2f)%s", run->g->weights[i], run->g->means[2 * i],
              run->g->means[2 * i + 1], run->g->collapsed[i] ? "   collapsed" : "");
      mx_rect_cut_top(&c, lh);
    }
  } else {
    int x0 = c.x + mx_text(ui, c.x, c.y, MX_FONT_SMALL, th->text_dim, "π "), x = x0, tw;
    for (i = 0; i < run->g->K; i++) {
      snprintf(buf, sizeof buf, run->g->K > 5 ? "%.2f  " : "%.3f  ", run->g->weights[i]);
      mx_text_size(ui, MX_FONT_SMALL, buf, &tw, NULL);
      if (x + tw > c.x + c.w) { /* wrap */
        mx_rect_cut_top(&c, lh);
        x = x0;
      }
      x += mx_text(ui, x, c.y, MX_FONT_SMALL,
                   run->g->collapsed[i] ? th->text_dim : th->comp[i % MX_NCOMP_COLORS], "%s", buf);
    }
    mx_rect_cut_top(&c, lh);
  }
  mx_rect_cut_top(&c, gap);
  if (c.h > mx_ui_px(ui, 90)) {
    if (v->semi) {
      int x = c.x;
      mx_draw_rect(ui, (mx_rect){x, c.y + lh / 2, mx_ui_px(ui, 14), mx_ui_px(ui, 3)}, th->accent);
      x += mx_ui_px(ui, 18);
      x += mx_text(ui, x, c.y, MX_FONT_SMALL, th->text_dim, "semi (labelled: log p(x,y))  ");
      mx_draw_rect(ui, (mx_rect){x, c.y + lh / 2, mx_ui_px(ui, 14), mx_ui_px(ui, 3)}, th->text_dim);
      x += mx_ui_px(ui, 18);
      mx_text(ui, x, c.y, MX_FONT_SMALL, th->text_dim, "plain EM");
      mx_rect_cut_top(&c, lh);
    }
    gv_draw_curve(v, ui, c);
  }
}

static void gv_draw(void *st, mx_app *app, mx_ui *ui, mx_rect area) {
  gmm_view *v = st;
  mx_rect r = mx_rect_inset(area, mx_ui_px(ui, 10)), side;
  int gap = mx_ui_px(ui, 10);
  side = mx_rect_cut_right(&r, mx_ui_px(ui, 360));
  mx_rect_cut_right(&r, gap);
  gv_draw_panel(v, app, ui, side);
  if (!v->semi) {
    gv_draw_model(v, app, ui, r, RUN_MAIN,
                  r.w > mx_ui_px(ui, 860)
                      ? "Points coloured by responsibility  ·  ellipses at 1, 2, 3 σ  ·  density"
                      : "EM on a Gaussian mixture",
                  1);
  } else {
    mx_rect right = mx_rect_cut_right(&r, (r.w - gap) * 40 / 100), top;
    char t1[128];
    mx_rect_cut_right(&r, gap);
    snprintf(t1, sizeof t1, "Semi-supervised EM  ·  %d labelled (ringed)", v->labelled);
    if (r.w < mx_ui_px(ui, 560)) snprintf(t1, sizeof t1, "Semi-supervised EM  ·  %d labelled", v->labelled);
    gv_draw_model(v, app, ui, r, RUN_MAIN, t1, 1);
    top = mx_rect_cut_top(&right, (right.h - gap) / 2);
    mx_rect_cut_top(&right, gap);
    gv_draw_model(v, app, ui, top, RUN_PLAIN, "Plain EM, same start", 0);
    gv_draw_model(v, app, ui, right, RUN_SUP, "Labelled points only", 0);
  }
}

/* ------------------------------------------------------------------ set / save / load */

static int gv_parse_long(const char *s, long lo, long hi, long *out) {
  char *end;
  long x;
  if (!s || !*s) return -1;
  x = strtol(s, &end, 10);
  if (*end || x < lo || x > hi) return -1;
  *out = x;
  return 0;
}

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

static int gv_set(void *st, mx_app *app, const char *key, const char *value, mx_error *err) {
  gmm_view *v = st;
  long x;
  if (!value) value = "";
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
    if (gv_parse_long(value, 3, GV_MAXN, &x))
      return mx_error_set(err, MX_EINVAL, "gmm: n=%s: expected a count in [3, %d]", value, GV_MAXN);
    v->npts = (size_t)x;
    if (v->dataset == GV_CSV) return MX_OK;
    return gv_set_dataset(v, app, v->dataset, err) == MX_OK ? MX_OK : MX_EINVAL;
  }
  if (!strcmp(key, "data_seed")) {
    if (gv_parse_long(value, 0, 2147483647L, &x))
      return mx_error_set(err, MX_EINVAL, "gmm: data_seed=%s: expected an integer >= 0", value);
    v->data_seed = (unsigned long)x;
    if (v->dataset > GV_DEGENERATE) return MX_OK;
    return gv_set_dataset(v, app, v->dataset, err) == MX_OK ? MX_OK : MX_EINVAL;
  }
  if (!strcmp(key, "k")) {
    if (gv_parse_long(value, 1, GV_MAXK, &x) || (size_t)x > v->pts.n)
      return mx_error_set(err, MX_EINVAL, "gmm: k=%s: expected 1..%d (and at most the %zu points)",
                          value, GV_MAXK, v->pts.n);
    if (v->semi && x < v->nclasses)
      return mx_error_set(err, MX_EINVAL, "gmm: k=%s: semi-supervised EM needs k >= %d classes",
                          value, v->nclasses);
    v->K = (int)x;
    return gv_reset(v, app) == MX_OK ? MX_OK : MX_EINVAL;
  }
  if (!strcmp(key, "seed")) {
    if (gv_parse_long(value, 0, 2147483647L, &x))
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
    if (gv_parse_long(value, 0, GV_MAXN, &x))
      return mx_error_set(err, MX_EINVAL, "gmm: labelled=%s: expected a count >= 0", value);
    v->labelled = (int)x;
    return gv_reset(v, app) == MX_OK ? MX_OK : MX_EINVAL;
  }
  if (!strcmp(key, "label_seed")) {
    if (gv_parse_long(value, 0, 2147483647L, &x))
      return mx_error_set(err, MX_EINVAL, "gmm: label_seed=%s: expected an integer >= 0", value);
    v->label_seed = (unsigned long)x;
    return gv_reset(v, app) == MX_OK ? MX_OK : MX_EINVAL;
  }
  if (!strcmp(key, "iters")) {
    long i;
    if (gv_parse_long(value, 0, GV_HIST - 1, &x))
      return mx_error_set(err, MX_EINVAL, "gmm: iters=%s: expected 0..%d", value, GV_HIST - 1);
    for (i = 0; i < x; i++) gv_step(v, NULL);
    return MX_OK;
  }
  if (!strcmp(key, "back")) {
    long i;
    if (gv_parse_long(value, 0, GV_HIST - 1, &x))
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
  if (!strcmp(key, "reg")) {
    char *end;
    double r = strtod(value, &end);
    if (*end || end == value || !(r >= 0) || r > 1e3)
      return mx_error_set(err, MX_EINVAL, "gmm: reg=%s: expected a number in [0, 1000]", value);
    v->reg = r;
    return gv_reset(v, app) == MX_OK ? MX_OK : MX_EINVAL;
  }
  return mx_error_set(err, MX_EINVAL,
                      "gmm: unknown option '%s' (dataset, data, digits, n, data_seed, k, seed, "
                      "init, semi, labelled, label_seed, iters, back, reg, density, ellipses, "
                      "boundary)",
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
  cJSON_AddBoolToObject(o, "semi", v->semi);
  cJSON_AddNumberToObject(o, "labelled", v->labelled);
  cJSON_AddNumberToObject(o, "label_seed", (double)v->label_seed);
  /* the parameters the histories start from (after a hand edit they are not
   * the init's), so that load + `iteration` steps replays exactly */
  cJSON_AddItemToObject(o, "start", gv_snap_json(&v->run[RUN_MAIN], 0));
  if (v->semi) cJSON_AddItemToObject(o, "start_plain", gv_snap_json(&v->run[RUN_PLAIN], 0));
  cJSON_AddNumberToObject(o, "iteration", v->run[RUN_MAIN].cur);
  cJSON_AddNumberToObject(o, "iterations_stored", v->run[RUN_MAIN].n - 1);
  cJSON_AddBoolToObject(o, "density", v->show_density);
  cJSON_AddBoolToObject(o, "ellipses", v->show_ellipses);
  cJSON_AddBoolToObject(o, "boundary", v->show_boundary);
  /* derived, for readers (ignored by load) */
  cJSON_AddItemToObject(o, "loglik", mx_json_number(v->run[RUN_MAIN].ll[v->run[RUN_MAIN].cur]));
  cJSON_AddItemToObject(o, "params", mx_gmm_json_params(v->run[RUN_MAIN].g));
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

static int gv_load(void *st, mx_app *app, const cJSON *j, mx_error *err) {
  gmm_view *v = st;
  const cJSON *it, *pts;
  long n = (long)v->npts, dseed = (long)v->data_seed, k = v->K, seed = (long)v->seed;
  long labelled = v->labelled, lseed = (long)v->label_seed, iter = 0, stored = -1;
  int ds = v->dataset, init = v->init, semi = v->semi, dens = v->show_density;
  int ell = v->show_ellipses, bnd = v->show_boundary, digits[10], nd = v->ndigits, i;
  double reg = v->reg;
  char csv[MX_PATH_LEN];
  mx_points edited;
  mx_gmm *start = NULL, *start_plain = NULL;
  gmm_view save;
  memcpy(digits, v->digits, sizeof digits);
  snprintf(csv, sizeof csv, "%s", v->csv);
  memset(&edited, 0, sizeof edited);
  if (!cJSON_IsObject(j)) return mx_error_set(err, MX_EINVAL, "gmm scene: expected an object");
  if ((it = cJSON_GetObjectItem(j, "dataset"))) {
    for (ds = 0; ds < GV_NDATA && !(cJSON_IsString(it) && !strcmp(it->valuestring, gv_data_names[ds]));
         ds++) {}
    if (ds == GV_NDATA)
      return mx_error_set(err, MX_EINVAL, "gmm scene: unknown \"dataset\"");
  }
  if ((it = cJSON_GetObjectItem(j, "data"))) {
    if (!cJSON_IsString(it)) return mx_error_set(err, MX_EINVAL, "gmm scene: \"data\" must be a path");
    snprintf(csv, sizeof csv, "%s", it->valuestring);
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
  if (gv_json_long(j, "n", 3, GV_MAXN, &n, err) || gv_json_long(j, "data_seed", 0, 2147483647L, &dseed, err) ||
      gv_json_long(j, "k", 1, GV_MAXK, &k, err) || gv_json_long(j, "seed", 0, 2147483647L, &seed, err) ||
      gv_json_long(j, "labelled", 0, GV_MAXN, &labelled, err) ||
      gv_json_long(j, "label_seed", 0, 2147483647L, &lseed, err) ||
      gv_json_long(j, "iteration", 0, GV_HIST - 1, &iter, err) ||
      gv_json_long(j, "iterations_stored", 0, GV_HIST - 1, &stored, err) ||
      gv_json_bool(j, "semi", &semi, err) ||
      gv_json_bool(j, "density", &dens, err) || gv_json_bool(j, "ellipses", &ell, err) ||
      gv_json_bool(j, "boundary", &bnd, err))
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
  if ((pts = cJSON_GetObjectItem(j, "points"))) {
    const cJSON *p;
    if (!cJSON_IsArray(pts) || cJSON_GetArraySize(pts) < 1 || cJSON_GetArraySize(pts) > GV_MAXN)
      return mx_error_set(err, MX_EINVAL, "gmm scene: \"points\" must be 1..%d [x, y, label] rows",
                          GV_MAXN);
    mx_points_init(&edited, 2, (size_t)cJSON_GetArraySize(pts));
    i = 0;
    cJSON_ArrayForEach(p, pts) {
      double xy[2];
      const cJSON *a = cJSON_GetArrayItem(p, 0), *b = cJSON_GetArrayItem(p, 1),
                  *l = cJSON_GetArrayItem(p, 2);
      if (!cJSON_IsArray(p) || !cJSON_IsNumber(a) || !cJSON_IsNumber(b) || !cJSON_IsNumber(l) ||
          !isfinite(a->valuedouble) || !isfinite(b->valuedouble) || l->valuedouble < -1 ||
          l->valuedouble > 99) {
        mx_points_free(&edited);
        return mx_error_set(err, MX_EINVAL, "gmm scene: points[%d] must be [x, y, label]", i);
      }
      xy[0] = a->valuedouble;
      xy[1] = b->valuedouble;
      mx_points_push(&edited, xy, (int)l->valuedouble);
      i++;
    }
    edited.has_label_col = 1;
  }
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
  v->semi = semi && v->nclasses > 0;
  v->labelled = (int)labelled;
  v->label_seed = (unsigned long)lseed;
  v->show_density = dens;
  v->show_ellipses = ell;
  v->show_boundary = bnd;
  gv_reset(v, app);
  if (start && v->run[RUN_MAIN].g && v->run[RUN_MAIN].g->K == start->K) {
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
  mx_gmm_free(start);
  mx_gmm_free(start_plain);
  /* Replay the stored history from the start (EM is deterministic and the
   * start is exact, so every snapshot is bit-identical to the saved run's),
   * then step back to the iteration shown. */
  for (i = 0; i < stored; i++) gv_step(v, NULL);
  for (i = 0; i < stored - iter; i++) gv_back(v);
  return MX_OK;
}

static const mx_keyhelp gv_keys[] = {
  {"Space / →", "one EM step"},
  {"←", "step back"},
  {"Enter", "run / pause"},
  {"R", "reset"},
  {"+ / −  or  K", "more / fewer components"},
  {"I", "init: k-means++ / random / labels"},
  {"S", "new seed"},
  {"D", "next dataset"},
  {"U", "semi-supervised on / off"},
  {"[ / ]", "fewer / more labelled points"},
  {"Click", "add a point (right click: remove)"},
  {"V  E  B", "density, ellipses, boundary"},
  {NULL, NULL}};

const mx_view mx_view_gmm = {"gmm",  "Gaussian mixture", gv_create, gv_destroy, gv_event,
                             gv_update, gv_draw, gv_set,  gv_save,   gv_load,    gv_keys};
