/* mixscope — view: Gaussian mixtures fitted by EM, plain and semi-supervised.
 *
 * The points (a seeded preset, MNIST digits projected to 2-D by PCA, or a CSV
 * file; click to add, right-click to remove) are coloured by their
 * responsibilities (a blend of the component colours). Each component is drawn
 * as translucent ellipses at 1, 2 and 3 sigma; the mixture density is a
 * heatmap with iso-lines (marching squares on a grid that core/gmm evaluates:
 * mx_gmm_grid2d). EM steps forward and back through a stored history, or runs
 * a few iterations per second, with the log-likelihood curve beside it.
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

#include "app.h"
#include "mixscope/dataset.h"
#include "mixscope/gmm.h"
#include "mixscope/pca.h"
#include "mixscope/points.h"
#include "view.h"

#define GV_MAXK 8
#define GV_HIST 1000           /* stored iterations per run */
#define GV_MAXN 20000          /* most points */
#define GV_RATE 5.0            /* iterations per second while running */
#define GV_TOL 1e-7            /* convergence: per-point log-likelihood change */
#define GV_CELL 4              /* grid cell size in pixels */
#define GV_NLEVELS 6           /* density iso-lines */

enum { GV_BLOBS = 0, GV_OVERLAP, GV_ELONGATED, GV_DEGENERATE, GV_DIGITS, GV_CSV, GV_NDATA };
static const char *const gv_data_names[GV_NDATA] = {"blobs",      "overlap", "elongated",
                                                     "degenerate", "digits",  "csv"};
enum { RUN_MAIN = 0, RUN_PLAIN, RUN_SUP, GV_NRUNS };

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
  /* the grid, in data coordinates [gx0, gx1] x [gy0, gy1], gw x gh cells */
  int gw, gh;
  double gx0, gx1, gy0, gy1;
  double *glogp;       /* (gh, gw) log p(x) */
  double *gmargin;     /* (gh, gw, K) decision margins */
  uint32_t *rgba;      /* (gh, gw) density heatmap + 1/2/3-sigma fills (ABGR) */
  SDL_Texture *tex;
  int grid_dirty, tex_dirty, layer_flags;
  /* the points, drawn on the CPU at the plot's own resolution */
  uint32_t *prgba;     /* (ph, pw) */
  int pw, ph;
  double px0, px1, py0, py1;
  SDL_Texture *ptex;
  int pts_dirty, ptex_dirty, pts_flags;
  float *seg;          /* (segcap, 5) iso-line segments: x0 y0 x1 y1 level, grid coords */
  int nseg, segcap;
  float *bseg;         /* (bsegcap, 4) decision boundary segments */
  int nbseg, bsegcap;
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
  mx_gmm_free(r->g);
  mx_gmm_work_free(r->w);
  free(r->snap);
  free(r->ll);
  free(r->ncoll);
  free(r->pred);
  free(r->glogp);
  free(r->gmargin);
  free(r->rgba);
  mx_texture_free(&r->tex);
  free(r->prgba);
  mx_texture_free(&r->ptex);
  free(r->seg);
  free(r->bseg);
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
  r->pts_dirty = 1;
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

static void gv_destroy(void *st) {
  gmm_view *v = st;
  int i;
  if (!v) return;
  for (i = 0; i < GV_NRUNS; i++) gv_run_free(&v->run[i]);
  mx_points_free(&v->pts);
  free(v->known);
  free(v->rank);
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

/* ------------------------------------------------------------------ grid */

/* Append one segment (x0, y0, x1, y1[, tag]) to a growable list. */
static void gv_seg_push(float **seg, int *n, int *cap, int ncoord, float x0, float y0, float x1,
                        float y1, float tag) {
  float *s;
  if (*n >= *cap) {
    int nc = *cap ? *cap * 2 : 4096;
    s = realloc(*seg, (size_t)nc * (size_t)ncoord * sizeof *s);
    if (!s) return;
    *seg = s;
    *cap = nc;
  }
  s = *seg + (size_t)*n * (size_t)ncoord;
  s[0] = x0;
  s[1] = y0;
  s[2] = x1;
  s[3] = y1;
  if (ncoord > 4) s[4] = tag;
  (*n)++;
}

/* Where along p -> q the field crosses L (0..1); infinite ends put it midway. */
static float gv_cross(double p, double q, double L) {
  if (!isfinite(p) || !isfinite(q) || q == p) return 0.5f;
  return (float)((L - p) / (q - p));
}

/* Marching squares on f (h, w; element (j, i) at f[(j w + i) stride]) at level
 * L: append the iso-line segments, in grid coordinates (sample (i, j) at
 * (i, j)), to *seg. Saddles are resolved by the value at the cell centre. */
static void gv_march(const double *f, int w, int h, int stride, double L, float tag, float **seg,
                     int *n, int *cap, int ncoord) {
  int i, j;
  for (j = 0; j + 1 < h; j++)
    for (i = 0; i + 1 < w; i++) {
      const size_t s = (size_t)stride, wi = (size_t)w;
      double a = f[((size_t)j * wi + (size_t)i) * s];          /* top left */
      double b = f[((size_t)j * wi + (size_t)i + 1) * s];      /* top right */
      double c = f[(((size_t)j + 1) * wi + (size_t)i + 1) * s]; /* bottom right */
      double d = f[(((size_t)j + 1) * wi + (size_t)i) * s];    /* bottom left */
      int idx = (a > L) | ((b > L) << 1) | ((c > L) << 2) | ((d > L) << 3), e, ne = 0;
      float ex[4], ey[4];
      if (idx == 0 || idx == 15 || isnan(a) || isnan(b) || isnan(c) || isnan(d)) continue;
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
          gv_seg_push(seg, n, cap, ncoord, ex[0], ey[0], ex[1], ey[1], tag);
          gv_seg_push(seg, n, cap, ncoord, ex[2], ey[2], ex[3], ey[3], tag);
        } else {
          gv_seg_push(seg, n, cap, ncoord, ex[0], ey[0], ex[3], ey[3], tag);
          gv_seg_push(seg, n, cap, ncoord, ex[1], ey[1], ex[2], ey[2], tag);
        }
        continue;
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
        if (ne == 2) gv_seg_push(seg, n, cap, ncoord, qx[0], qy[0], qx[1], qy[1], tag);
      }
    }
}

/* Straight-alpha "over": paint colour c with coverage a (0..1) onto *dst (ABGR). */
static void gv_over(uint32_t *dst, mx_color c, float a) {
  float da = (float)(*dst >> 24) / 255.0f, oa;
  float dr = (float)(*dst & 255), dg = (float)((*dst >> 8) & 255), db = (float)((*dst >> 16) & 255);
  if (a <= 0.0f) return;
  if (a > 1.0f) a = 1.0f;
  oa = a + da * (1.0f - a);
  dr = ((float)c.r * a + dr * da * (1.0f - a)) / oa;
  dg = ((float)c.g * a + dg * da * (1.0f - a)) / oa;
  db = ((float)c.b * a + db * da * (1.0f - a)) / oa;
  *dst = (uint32_t)(dr + 0.5f) | ((uint32_t)(dg + 0.5f) << 8) | ((uint32_t)(db + 0.5f) << 16) |
         ((uint32_t)(oa * 255.0f + 0.5f) << 24);
}

/* Recompute the density grid (core: mx_gmm_grid2d), the low-resolution layer
 * (heatmap + translucent 1/2/3-sigma fills) and the iso-lines of a run. */
static void gv_grid(gmm_view *v, gv_run *r, const mx_plot *pl, const mx_theme *th) {
  int gw = pl->r.w / GV_CELL, gh = pl->r.h / GV_CELL, K, i, j, k;
  int flags = v->show_density | (v->show_ellipses << 1) | (v->show_boundary << 2);
  size_t cells;
  double lmax = -INFINITY;
  if (gw < 2 || gh < 2 || !r->g) return;
  K = r->g->K;
  if (!r->grid_dirty && gw == r->gw && gh == r->gh && r->gx0 == pl->x0 && r->gx1 == pl->x1 &&
      r->gy0 == pl->y0 && r->gy1 == pl->y1 && flags == r->layer_flags)
    return;
  cells = (size_t)gw * (size_t)gh;
  if (gw != r->gw || gh != r->gh || !r->glogp) {
    free(r->glogp);
    free(r->gmargin);
    free(r->rgba);
    r->glogp = malloc(cells * sizeof *r->glogp);
    r->gmargin = malloc(cells * (size_t)GV_MAXK * sizeof *r->gmargin);
    r->rgba = malloc(cells * sizeof *r->rgba);
    if (!r->glogp || !r->gmargin || !r->rgba) {
      free(r->glogp);
      free(r->gmargin);
      free(r->rgba);
      r->glogp = NULL;
      r->gmargin = NULL;
      r->rgba = NULL;
      return;
    }
  }
  r->gw = gw;
  r->gh = gh;
  r->gx0 = pl->x0;
  r->gx1 = pl->x1;
  r->gy0 = pl->y0;
  r->gy1 = pl->y1;
  r->layer_flags = flags;
  /* grid rows go top to bottom on screen: y from y1 down to y0 */
  mx_gmm_grid2d(r->g, pl->x0, pl->x1, gw, pl->y1, pl->y0, gh, r->glogp, r->gmargin);
  for (i = 0; i < (int)cells; i++)
    if (r->glogp[i] > lmax) lmax = r->glogp[i];
  if (v->show_density && !v->heat_lut[255]) {
    /* magma over sqrt(t), with alpha 0.9 t^0.45, for t = density / peak */
    for (i = 0; i < 256; i++) {
      double t = (double)i / 255.0;
      mx_color c = mx_cmap(MX_CMAP_MAGMA, sqrt(t), 0.0, 1.0);
      uint32_t a = (uint32_t)lround(255.0 * 0.9 * pow(t, 0.45));
      v->heat_lut[i] = (uint32_t)c.r | ((uint32_t)c.g << 8) | ((uint32_t)c.b << 16) | (a << 24);
    }
  }
  for (j = 0; j < gh; j++)
    for (i = 0; i < gw; i++) {
      size_t cell = (size_t)j * (size_t)gw + (size_t)i;
      uint32_t px = 0;
      if (v->show_density) /* density relative to its peak, fading into the background */
        px = v->heat_lut[(int)lround(255.0 * exp(r->glogp[cell] - lmax))];
      if (v->show_ellipses) {
        double pt[2];
        pt[0] = pl->x0 + ((double)i + 0.5) * (pl->x1 - pl->x0) / (double)gw;
        pt[1] = pl->y1 + ((double)j + 0.5) * (pl->y0 - pl->y1) / (double)gh;
        for (k = 0; k < K; k++) {
          double q;
          if (r->g->collapsed[k] || !(r->g->weights[k] > 1e-12)) continue;
          q = mx_gmm_mahalanobis2(r->g, k, pt);
          if (q <= 9.0) gv_over(&px, th->comp[k % MX_NCOMP_COLORS], 0.09f);
          if (q <= 4.0) gv_over(&px, th->comp[k % MX_NCOMP_COLORS], 0.10f);
          if (q <= 1.0) gv_over(&px, th->comp[k % MX_NCOMP_COLORS], 0.13f);
        }
      }
      r->rgba[cell] = px;
    }
  r->tex_dirty = 1;
  /* iso-lines at density = peak x 0.6, 0.35, 0.18, 0.08, 0.03, 0.01 */
  {
    static const double frac[GV_NLEVELS] = {0.6, 0.35, 0.18, 0.08, 0.03, 0.01};
    r->nseg = 0;
    for (k = 0; k < GV_NLEVELS; k++)
      gv_march(r->glogp, gw, gh, 1, lmax + log(frac[k]), (float)k, &r->seg, &r->nseg, &r->segcap,
               5);
  }
  /* decision boundary: the zero level of each component's margin */
  r->nbseg = 0;
  if (K > 1)
    for (k = 0; k < K; k++)
      gv_march(r->gmargin + k, gw, gh, K, 0.0, 0.0f, &r->bseg, &r->nbseg, &r->bsegcap, 4);
  r->grid_dirty = 0;
  r->pts_dirty = 1; /* the overlay holds the iso-lines and the boundary */
}

/* An anti-aliased disc of radius rad centred at (cx, cy) (pixels of the layer). */
static void gv_disc(uint32_t *buf, int w, int h, float cx, float cy, float rad, mx_color c,
                    float alpha) {
  int x0 = (int)floorf(cx - rad - 1.0f), x1 = (int)ceilf(cx + rad + 1.0f);
  int y0 = (int)floorf(cy - rad - 1.0f), y1 = (int)ceilf(cy + rad + 1.0f), x, y;
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > w - 1) x1 = w - 1;
  if (y1 > h - 1) y1 = h - 1;
  for (y = y0; y <= y1; y++)
    for (x = x0; x <= x1; x++) {
      float dx = (float)x + 0.5f - cx, dy = (float)y + 0.5f - cy;
      float cov = rad + 0.5f - sqrtf(dx * dx + dy * dy);
      if (cov <= 0.0f) continue;
      gv_over(&buf[(size_t)y * (size_t)w + (size_t)x], c, alpha * (cov > 1.0f ? 1.0f : cov));
    }
}

/* An anti-aliased line of the given width into a coverage buffer (max of
 * coverages, so crossing segments do not darken). */
static void gv_line_cov(uint8_t *cov, int w, int h, float x0, float y0, float x1, float y1,
                        float width, float alpha) {
  float dx = x1 - x0, dy = y1 - y0, l2 = dx * dx + dy * dy, hw = 0.5f * width;
  int bx0 = (int)floorf(fminf(x0, x1) - hw - 1.0f), bx1 = (int)ceilf(fmaxf(x0, x1) + hw + 1.0f);
  int by0 = (int)floorf(fminf(y0, y1) - hw - 1.0f), by1 = (int)ceilf(fmaxf(y0, y1) + hw + 1.0f);
  int x, y;
  if (bx0 < 0) bx0 = 0;
  if (by0 < 0) by0 = 0;
  if (bx1 > w - 1) bx1 = w - 1;
  if (by1 > h - 1) by1 = h - 1;
  for (y = by0; y <= by1; y++)
    for (x = bx0; x <= bx1; x++) {
      float px = (float)x + 0.5f - x0, py = (float)y + 0.5f - y0, t, ex, ey, c;
      uint8_t v8;
      t = l2 > 0.0f ? (px * dx + py * dy) / l2 : 0.0f;
      t = t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
      ex = px - t * dx;
      ey = py - t * dy;
      c = hw + 0.5f - sqrtf(ex * ex + ey * ey);
      if (c <= 0.0f) continue;
      v8 = (uint8_t)(255.0f * alpha * (c > 1.0f ? 1.0f : c) + 0.5f);
      if (v8 > cov[(size_t)y * (size_t)w + (size_t)x]) cov[(size_t)y * (size_t)w + (size_t)x] = v8;
    }
}

/* Segments in grid coordinates -> coverage in layer pixels. */
static void gv_segs_cov(uint8_t *cov, int w, int h, const gv_run *r, const float *seg, int n,
                        int ncoord, float width, float alpha, int by_level) {
  float sx = (float)w / (float)r->gw, sy = (float)h / (float)r->gh;
  int i;
  for (i = 0; i < n; i++) {
    const float *q = seg + (size_t)i * (size_t)ncoord;
    float a = by_level ? alpha * (1.0f - 0.12f * q[4]) : alpha;
    gv_line_cov(cov, w, h, (q[0] + 0.5f) * sx, (q[1] + 0.5f) * sy, (q[2] + 0.5f) * sx,
                (q[3] + 0.5f) * sy, width, a);
  }
}

/* Paint colour c through a coverage buffer onto the layer, and clear it. */
static void gv_cov_paint(uint32_t *buf, uint8_t *cov, size_t n, mx_color c) {
  size_t i;
  for (i = 0; i < n; i++)
    if (cov[i]) {
      gv_over(&buf[i], c, (float)cov[i] / 255.0f);
      cov[i] = 0;
    }
}

/* A point: disc of radius rad in colour c inside a ring of width ring in
 * colour o (alpha oa), anti-aliased, in one pass; opaque pixels are written
 * directly. */
static void gv_dot(uint32_t *buf, int w, int h, float cx, float cy, float rad, float ring,
                   mx_color c, mx_color o, float oa) {
  float R = rad + ring;
  int x0 = (int)floorf(cx - R - 1.0f), x1 = (int)ceilf(cx + R + 1.0f);
  int y0 = (int)floorf(cy - R - 1.0f), y1 = (int)ceilf(cy + R + 1.0f), x, y;
  uint32_t solid = (uint32_t)c.r | ((uint32_t)c.g << 8) | ((uint32_t)c.b << 16) | 0xFF000000u;
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > w - 1) x1 = w - 1;
  if (y1 > h - 1) y1 = h - 1;
  for (y = y0; y <= y1; y++)
    for (x = x0; x <= x1; x++) {
      float dx = (float)x + 0.5f - cx, dy = (float)y + 0.5f - cy, d = sqrtf(dx * dx + dy * dy);
      float ci = rad + 0.5f - d, co = R + 0.5f - d;
      uint32_t *p = &buf[(size_t)y * (size_t)w + (size_t)x];
      if (co <= 0.0f) continue;
      if (ci >= 1.0f) {
        *p = solid;
        continue;
      }
      gv_over(p, o, oa * (co > 1.0f ? 1.0f : co));
      if (ci > 0.0f) gv_over(p, c, ci);
    }
}

/* Redraw the overlay of a run at the plot's resolution: the density
 * iso-lines and the decision boundary, then the points coloured by
 * responsibility, the labelled ones (semi-supervised) as rings in their class
 * colour on top. */
static void gv_points(const gmm_view *v, gv_run *r, const mx_plot *pl, const mx_theme *th,
                      float rad, float scale, int show_known, int show_bound) {
  int w = pl->r.w, h = pl->r.h, k, K = r->g->K;
  int flags = show_known | (show_bound << 1) | (v->show_density << 2);
  size_t i;
  uint8_t *cov;
  if (w < 2 || h < 2) return;
  if (!r->pts_dirty && w == r->pw && h == r->ph && r->px0 == pl->x0 && r->px1 == pl->x1 &&
      r->py0 == pl->y0 && r->py1 == pl->y1 && r->pts_flags == flags)
    return;
  if (w != r->pw || h != r->ph || !r->prgba) {
    free(r->prgba);
    r->prgba = malloc((size_t)w * (size_t)h * sizeof *r->prgba);
    if (!r->prgba) return;
    r->pw = w;
    r->ph = h;
  }
  r->px0 = pl->x0;
  r->px1 = pl->x1;
  r->py0 = pl->y0;
  r->py1 = pl->y1;
  r->pts_flags = flags;
  memset(r->prgba, 0, (size_t)w * (size_t)h * sizeof *r->prgba);
  cov = calloc((size_t)w * (size_t)h, 1);
  if (cov && r->gw > 1) {
    if (v->show_density && r->seg) {
      gv_segs_cov(cov, w, h, r, r->seg, r->nseg, 5, 1.0f * scale, 0.24f, 1);
      gv_cov_paint(r->prgba, cov, (size_t)w * (size_t)h, th->text);
    }
    if (show_bound && r->bseg) {
      gv_segs_cov(cov, w, h, r, r->bseg, r->nbseg, 4, 2.0f * scale, 0.85f, 0);
      gv_cov_paint(r->prgba, cov, (size_t)w * (size_t)h, th->text);
    }
  }
  free(cov);
  for (i = 0; i < v->pts.n; i++) {
    float x = mx_plot_x(pl, v->pts.x[2 * i]) - (float)pl->r.x;
    float y = mx_plot_y(pl, v->pts.x[2 * i + 1]) - (float)pl->r.y;
    const double *resp = r->w->resp + i * (size_t)K;
    double R = 0, G = 0, B = 0;
    mx_color c;
    if (show_known && v->known[i] >= 0) continue;
    for (k = 0; k < K; k++) {
      mx_color ck = th->comp[k % MX_NCOMP_COLORS];
      R += resp[k] * ck.r;
      G += resp[k] * ck.g;
      B += resp[k] * ck.b;
    }
    c.r = (uint8_t)lround(fmin(255.0, R));
    c.g = (uint8_t)lround(fmin(255.0, G));
    c.b = (uint8_t)lround(fmin(255.0, B));
    c.a = 255;
    gv_dot(r->prgba, w, h, x, y, rad, 0.9f * scale, c, th->bg, 0.75f);
  }
  if (show_known)
    for (i = 0; i < v->pts.n; i++) {
      float x = mx_plot_x(pl, v->pts.x[2 * i]) - (float)pl->r.x;
      float y = mx_plot_y(pl, v->pts.x[2 * i + 1]) - (float)pl->r.y;
      float rr = rad * 1.9f + 1.5f * scale;
      if (v->known[i] < 0) continue;
      gv_disc(r->prgba, w, h, x, y, rr + 2.4f * scale, th->bg, 0.8f);
      gv_disc(r->prgba, w, h, x, y, rr + 1.4f * scale, th->text, 1.0f);
      gv_disc(r->prgba, w, h, x, y, rr, th->comp[v->known[i] % MX_NCOMP_COLORS], 1.0f);
      gv_disc(r->prgba, w, h, x, y, rad * 0.7f, th->bg, 1.0f);
    }
  r->pts_dirty = 0;
  r->ptex_dirty = 1;
}

/* ------------------------------------------------------------------ drawing */

static mx_color gv_alpha(mx_color c, int a) {
  c.a = (uint8_t)(a < 0 ? 0 : a > 255 ? 255 : a);
  return c;
}

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
  int show_known = v->semi && which != RUN_PLAIN, had_clip;
  SDL_Rect old_clip;
  if (!run->g || inner.w < 20 || inner.h < 20) return;
  pl = gv_plot_for(v, inner);
  gv_grid(v, run, &pl, th);
  gv_points(v, run, &pl, th, ps, mx_ui_scale(ui), show_known,
            v->show_boundary && (v->semi || !main_panel) && run->g->K > 1);
  /* everything inside the plot is clipped to it (restored at the end) */
  {
    SDL_Rect clip = {pl.r.x, pl.r.y, pl.r.w, pl.r.h};
    had_clip = SDL_RenderIsClipEnabled(mx_ui_renderer(ui));
    SDL_RenderGetClipRect(mx_ui_renderer(ui), &old_clip);
    SDL_RenderSetClipRect(mx_ui_renderer(ui), &clip);
  }
  /* background, then the density heatmap with the sigma fills */
  mx_draw_rect(ui, pl.r, (mx_color){(uint8_t)(th->bg.r * 3 / 4), (uint8_t)(th->bg.g * 3 / 4),
                                    (uint8_t)(th->bg.b * 3 / 4), 255});
  if ((v->show_density || v->show_ellipses) && run->rgba) {
    mx_draw_rgba(ui, &run->tex, run->tex_dirty, pl.r, run->rgba, run->gw, run->gh);
    if (run->tex) SDL_SetTextureScaleMode(run->tex, SDL_ScaleModeLinear);
    run->tex_dirty = 0;
  }
  /* ellipse outlines at 3, 2, 1 sigma */
  if (v->show_ellipses) {
    double sc = (double)pl.r.w / (pl.x1 - pl.x0);
    for (k = 0; k < run->g->K; k++) {
      const double *mu = run->g->means + 2 * k, *S = run->g->covs + 4 * k;
      mx_color c = th->comp[k % MX_NCOMP_COLORS];
      float cx = mx_plot_x(&pl, mu[0]), cy = mx_plot_y(&pl, mu[1]);
      int sig, dead = run->g->collapsed[k] != 0 || !(run->g->weights[k] > 1e-12);
      if (dead) c = th->text_dim;
      for (sig = 3; sig >= 1; sig--)
        mx_draw_ellipse(ui, cx, cy, S[0] * sc * sc, -S[1] * sc * sc, S[3] * sc * sc, (double)sig,
                        gv_alpha(c, 0), gv_alpha(c, sig == 1 ? 235 : sig == 2 ? 150 : 90));
    }
  }
  /* iso-lines, boundary and points */
  if (run->prgba) {
    mx_draw_rgba(ui, &run->ptex, run->ptex_dirty, pl.r, run->prgba, run->pw, run->ph);
    run->ptex_dirty = 0;
  }
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
  SDL_RenderSetClipRect(mx_ui_renderer(ui), had_clip ? &old_clip : NULL);
  /* corner caption: iteration, log-likelihood, accuracy */
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

  /* model */
  {
    int k = v->K;
    if (mx_slider_int(ui, mx_rect_cut_top(&c, sh), "components K  (+/−)", &k, 1, GV_MAXK) &&
        k != v->K)
      gv_change_k(v, app, k - v->K);
  }
  mx_rect_cut_top(&c, gap);
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
  {
    int semi = v->semi;
    row = mx_rect_cut_top(&c, bh);
    if (mx_toggle(ui, row, "semi-supervised  (U)", &semi)) gv_set_semi(v, app, semi);
  }
  if (v->semi) {
    int m = v->labelled, most = (int)gv_nlabelable(v);
    mx_rect_cut_top(&c, gap);
    if (mx_slider_int(ui, mx_rect_cut_top(&c, sh), "labelled points  ([ / ])", &m, 0,
                      most < 200 ? most : 200) &&
        m != v->labelled)
      gv_set_labelled(v, app, m);
  }
  mx_rect_cut_top(&c, gap);
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
      cJSON_AddItemToArray(p, mx_gmm_json_number(v->pts.x[2 * i]));
      cJSON_AddItemToArray(p, mx_gmm_json_number(v->pts.x[2 * i + 1]));
      cJSON_AddItemToArray(p, cJSON_CreateNumber(v->pts.label[i]));
      cJSON_AddItemToArray(a, p);
    }
  }
  cJSON_AddNumberToObject(o, "k", v->K);
  cJSON_AddStringToObject(o, "init", mx_gmm_init_name((mx_gmm_init)v->init));
  cJSON_AddNumberToObject(o, "seed", (double)v->seed);
  cJSON_AddItemToObject(o, "reg", mx_gmm_json_number(v->reg));
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
  cJSON_AddItemToObject(o, "loglik", mx_gmm_json_number(v->run[RUN_MAIN].ll[v->run[RUN_MAIN].cur]));
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
