/* mixscope — the GMM view: the runs (EM history, snapshots) and the data sets (see view_gmm.h). */
#include "view_gmm.h"

const char *const gv_data_names[GV_NDATA] = {"blobs",      "overlap", "elongated",
                                               "degenerate", "digits",  "csv"};

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

void gv_snap_load(gv_run *r, int t) {
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

void gv_snap_params(const gv_run *r, int t, const double **means, const double **covs) {
  size_t K = (size_t)r->g->K, D = (size_t)r->g->D;
  const double *s = r->snap + (size_t)t * gv_snap_size(r->g->K, r->g->D);
  *means = s + K;
  *covs = s + K + K * D;
}

void gv_run_free(gv_run *r) {
  int i;
  mx_gmm_free(r->g);
  mx_gmm_work_free(r->w);
  free(r->snap);
  free(r->ll);
  free(r->llx);
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
  r->llx = calloc(GV_HIST, sizeof *r->llx);
  r->ncoll = calloc(GV_HIST, sizeof *r->ncoll);
  r->pred = calloc(cap, sizeof *r->pred);
  if (!r->g || !r->w || !r->snap || !r->ll || !r->llx || !r->ncoll || !r->pred) {
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

/* k-means as a mixture: the hard E-step, one-hot resp (N, K) of the nearest
 * mean (ties: lowest k); returns the inertia sum_n |x_n - mu_z(n)|^2. */
static double gv_km_assign(const mx_gmm *g, const double *X, size_t N, double *resp) {
  size_t n, K = (size_t)g->K, k;
  double inertia = 0.0;
  for (n = 0; n < N; n++) {
    double best = INFINITY;
    size_t bk = 0;
    for (k = 0; k < K; k++) {
      double dx = X[2 * n] - g->means[2 * k], dy = X[2 * n + 1] - g->means[2 * k + 1];
      double d = dx * dx + dy * dy;
      if (d < best) {
        best = d;
        bk = k;
      }
    }
    for (k = 0; k < K; k++) resp[n * K + k] = k == bk ? 1.0 : 0.0;
    inertia += best;
  }
  return inertia;
}

/* k-means drawn as its mixture: equal weights and one circle s^2 I for all,
 * s^2 the weighted mean variance of the current covariances (after an
 * M-step on hard responsibilities: the pooled within-cluster variance).
 * Its decision regions are then the k-means (Voronoi) cells. */
static void gv_km_shape(mx_gmm *g) {
  int K = g->K, k;
  double s2 = 0.0;
  for (k = 0; k < K; k++) s2 += g->weights[k] * 0.5 * (g->covs[4 * k] + g->covs[4 * k + 3]);
  if (!(s2 > 0.0) || !isfinite(s2)) s2 = 1.0;
  for (k = 0; k < K; k++) {
    g->weights[k] = 1.0 / K;
    g->covs[4 * k] = g->covs[4 * k + 3] = s2;
    g->covs[4 * k + 1] = g->covs[4 * k + 2] = 0.0;
    mx_gmm_factor(g, k);
  }
}

/* The shown parameters changed: responsibilities, log-likelihood, predictions. */
static void gv_refresh(gmm_view *v, int which) {
  gv_run *r = &v->run[which];
  double ll = 0.0;
  if (!r->g) return;
  if (which == RUN_PLAIN && v->hard)
    ll = -gv_km_assign(r->g, v->pts.x, v->pts.n, r->w->resp);
  else
    mx_gmm_e_step(r->g, v->pts.x, v->pts.n, which == RUN_SUP ? NULL : gv_labels(v, which), r->w,
                  &ll);
  if (which != RUN_SUP) r->ll[r->cur] = ll;
  r->llx[r->cur] = ll;
  if (gv_labels(v, which) && which != RUN_SUP) {
    /* labels ignored: log p(x) of every point, the quantity plain EM's ll is
     * (w->dist, the k-means++ scratch, is free after the init) */
    size_t n;
    double s = 0.0;
    mx_gmm_log_density(r->g, v->pts.x, v->pts.n, r->w->dist);
    for (n = 0; n < v->pts.n; n++) s += r->w->dist[n];
    r->llx[r->cur] = s;
  }
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
void gv_run_start(gmm_view *v, int which) {
  gv_run *r = &v->run[which];
  v->half = 0;
  r->n = 1;
  r->cur = 0;
  r->converged = 0;
  r->ncoll[0] = 0;
  if (which == RUN_PLAIN && v->hard) gv_km_shape(r->g);
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
  mx_gmm_m_step(r->g, v->pts.x, v->pts.n, r->w); /* hard resp: the k-means update */
  if (which == RUN_PLAIN && v->hard) gv_km_shape(r->g);
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

/* The E-step of the second half-step: the points take the responsibilities
 * of the parameters shown (the iteration is then complete). */
static void gv_half_e(gmm_view *v) {
  v->half = 0;
  gv_refresh(v, RUN_MAIN);
  if (v->semi || v->hard) gv_refresh(v, RUN_PLAIN);
}

void gv_step(gmm_view *v, mx_app *app) {
  int moved;
  if (v->half) { /* Space after an M half-step completes that iteration */
    gv_half_e(v);
    return;
  }
  moved = gv_run_step(v, RUN_MAIN, app);
  if (v->semi || v->hard) gv_run_step(v, RUN_PLAIN, NULL);
  if (!moved) v->running = 0;
}

void gv_back(gmm_view *v) {
  v->half = 0; /* from an M half-step: back to the iteration before it, whole */
  gv_run_back(v, RUN_MAIN);
  if (v->semi || v->hard) gv_run_back(v, RUN_PLAIN);
}

/* w->resp of a run := the E-step of its snapshot t (r->g, the parameters
 * shown, stays): the responsibilities the M-step to snapshot t + 1 used. */
static int gv_resp_of(gmm_view *v, int which, int t) {
  gv_run *r = &v->run[which];
  mx_gmm *tmp, *keep;
  double ll;
  if (!r->g || t < 0 || t >= r->n || !(tmp = mx_gmm_alloc(r->g->K, r->g->D))) return MX_ENOMEM;
  mx_gmm_copy(tmp, r->g);
  keep = r->g;
  r->g = tmp;
  gv_snap_load(r, t);
  r->g = keep;
  if (which == RUN_PLAIN && v->hard)
    gv_km_assign(tmp, v->pts.x, v->pts.n, r->w->resp);
  else
    mx_gmm_e_step(tmp, v->pts.x, v->pts.n, gv_labels(v, which), r->w, &ll);
  mx_gmm_free(tmp);
  r->img_dirty = 1;
  return MX_OK;
}

/* Show the newest step as its M half: the parameters of snapshot cur with the
 * responsibilities of cur - 1. MX_OK, or MX_EINVAL at iteration 0. */
int gv_half_enter(gmm_view *v) {
  int rc;
  if (v->run[RUN_MAIN].cur < 1) return MX_EINVAL;
  rc = gv_resp_of(v, RUN_MAIN, v->run[RUN_MAIN].cur - 1);
  if (rc == MX_OK && (v->semi || v->hard) && v->run[RUN_PLAIN].cur >= 1)
    rc = gv_resp_of(v, RUN_PLAIN, v->run[RUN_PLAIN].cur - 1);
  if (rc == MX_OK) v->half = 1;
  return rc;
}

/* EM in half-steps: the M-step (the ellipses refit to the colours shown, the
 * points keep their colours), then the E-step (the points recoloured by the
 * new ellipses). Each half is exactly that half of a full iteration. */
void gv_half_step(gmm_view *v, mx_app *app) {
  int moved;
  if (v->half) {
    gv_half_e(v);
    if (app)
      mx_app_status(app, "E-step: each point recoloured by its responsibilities under the new "
                         "ellipses (iteration %d complete)",
                    v->run[RUN_MAIN].cur);
    return;
  }
  moved = gv_run_step(v, RUN_MAIN, app);
  if (v->semi || v->hard) gv_run_step(v, RUN_PLAIN, NULL);
  if (!moved) return;
  if (gv_half_enter(v) != MX_OK) {
    gv_half_e(v);
    return;
  }
  if (app)
    mx_app_status(app, "M-step: the ellipses refit to these colours (dashed: before); "
                       "press . again for the E-step");
}

/* ------------------------------------------------------------------ data */

void gv_view_box(gmm_view *v) {
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
int gv_reserve(gmm_view *v, size_t n) {
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

size_t gv_nlabelable(const gmm_view *v) {
  size_t i, m = 0;
  for (i = 0; i < v->pts.n; i++) m += v->pts.label[i] >= 0;
  return m;
}

/* Reinitialise every run from the init method and seed (keeps the data). */
int gv_reset(gmm_view *v, mx_app *app) {
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
    v->run[i].g->cov_type = v->covtype; /* the init below projects onto it */
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
void gv_restart_here(gmm_view *v) {
  int i;
  gv_labels_update(v);
  for (i = 0; i < GV_NRUNS; i++)
    if (v->run[i].g) gv_run_start(v, i);
}

/* Load the dataset named by v->dataset (and its options). */
int gv_load_data(gmm_view *v, mx_app *app, mx_error *err) {
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
int gv_set_dataset(gmm_view *v, mx_app *app, int ds, mx_error *err) {
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
