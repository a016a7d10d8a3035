/* mixscope — the GMM view: the density grid, iso-lines and decision margins of
 * a plot (see view_gmm.h). */
#include "view_gmm.h"

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





void gv_key_set(gv_key *k, int w, int h, int flags, float rad, float scale,
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
uint32_t gv_plot_bg(const mx_theme *th) {
  mx_color c = {(uint8_t)(th->bg.r * 3 / 4), (uint8_t)(th->bg.g * 3 / 4),
                (uint8_t)(th->bg.b * 3 / 4), 255};
  return mx_px_argb(c);
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

/* Grid rows per chunk (the bands are fixed, so the numbers do not depend on
 * which thread computes them). */
#define GV_GBAND 16

/* Chunk c (thread t): log p(x) and the margins on grid rows [GV_GBAND c,
 * GV_GBAND (c + 1)), by core (mx_gmm_grid_rows: an E-step on the cell
 * centres with the vectorized kernels, else mx_gmm_grid2d;
 * tests/test_view_gmm_fast.c checks the two give the same picture). */
static void gv_grid_chunk(void *arg, int c, int t) {
  const gv_job *jb = arg;
  gv_run *r = jb->r;
  int j0 = c * GV_GBAND, j1 = j0 + GV_GBAND > r->gh ? r->gh : j0 + GV_GBAND;
  size_t off = (size_t)j0 * (size_t)r->gw;
  mx_gmm_grid_rows(r->g, jb->pl->x0, jb->dx, r->gw, jb->pl->y1, jb->dy, j0, j1,
                   jb->density ? r->glogp + off : NULL,
                   jb->bound ? r->gmargin + off * (size_t)r->g->K : NULL, jb->v->gwork[t]);
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
        row[i] = jb->lut[e > 0.0f ? (int)(255.0f * mx_px_minf(e, 1.0f) + 0.5f) : 0];
      }
    } else {
      for (i = 0; i < gw; i++) row[i] = jb->lut[0];
    }
  }
  if (!jb->ellipses) return;
  for (k = 0; k < K; k++) {
    const double *S = r->g->covs + 4 * k, *mu = r->g->means + 2 * k;
    double det = S[0] * S[3] - S[1] * S[2];
    uint32_t col = mx_px_argb(jb->th->comp[k % MX_NCOMP_COLORS]);
    if (r->g->collapsed[k] || !(r->g->weights[k] > 1e-12) || !(S[0] > 0.0) || !(det > 0.0) ||
        !isfinite(det))
      continue;
    for (j = j0; j < j1; j++) {
      double yc = pl->y1 + ((double)j + 0.5) * jb->dy;
      uint32_t *row = r->cell + (size_t)j * (size_t)gw;
      for (s = 3; s >= 1; s--) {
        int i0, i1;
        uint32_t a = mx_px_a256(fill_a[s - 1]);
        if (!gv_span(S[3] / det, -S[1] / det, S[0] / det, mu[0], mu[1], yc, (double)(s * s),
                     pl->x0, jb->dx, gw, &i0, &i1))
          continue;
        for (i = i0; i <= i1; i++) row[i] = mx_px_mix(row[i], col, a);
      }
    }
  }
}

/* Grid workspaces for n cells of K components, one for each thread (left
 * NULL without memory: core then computes the grid without them). */
static void gv_grid_work(gmm_view *v, int K, size_t n) {
  int t;
  if (v->gwork[0] && v->gwork[1] && v->gwork[0]->K == K && v->gwork[0]->N >= n) return;
  for (t = 0; t < 2; t++) {
    mx_gmm_grid_work_free(v->gwork[t]);
    v->gwork[t] = mx_gmm_grid_work_alloc(K, n);
  }
  if (v->gwork[0] && v->gwork[1]) return;
  for (t = 0; t < 2; t++) {
    mx_gmm_grid_work_free(v->gwork[t]);
    v->gwork[t] = NULL;
  }
}

/* Recompute what depends on the model at grid resolution (GV_CELL x GV_CELL
 * pixels a cell, from the plot's top left corner; the last row and column
 * may reach past the plot): the density grid and margins (the margins only
 * when the boundary is shown), the cell colours (plot background, density
 * heatmap, translucent 1/2/3-sigma fills), the iso-lines and the boundary. */
void gv_grid(gmm_view *v, gv_run *r, const mx_plot *pl, const mx_theme *th, int bound) {
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
  if (jb.density || bound) gv_grid_work(v, r->g->K, (size_t)GV_GBAND * (size_t)gw);
  if (jb.density || bound) mx_pool_run(&v->pool, gv_grid_chunk, &jb, nband);
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
      jb.lut[i] = mx_px_mix(bg, mx_px_argb(c), (h >> 24) + (h >> 31));
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
  mx_pool_run(&v->pool, gv_cells_chunk, &jb, nband + nline);
  r->grid_dirty = 0;
  r->img_dirty = 1;
}
