/* mixscope — the GMM view: the plots, the side panel and the log-likelihood
 * curve (see view_gmm.h). */
#include "view_gmm.h"

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

/* A corner caption line at (x, *y) within width w: whole if it fits, else
 * broken at its "   " gaps and before a "  (" remark, one piece a line; it
 * stops at a piece that is wider than w (the side panel shows the numbers). */
static void gv_caption(mx_ui *ui, int x, int *y, int w, int bottom, mx_color c, const char *s) {
  char buf[200], *p, *q;
  int tw, pw, lh = mx_line_height(ui, MX_FONT_SMALL);
  mx_text_size(ui, MX_FONT_SMALL, s, &tw, NULL);
  snprintf(buf, sizeof buf, "%s", s);
  for (p = buf; tw > w && p && *p;) {
    char *gap = strstr(p, "   "), *rem = strstr(p, "  (");
    q = gap && (!rem || gap < rem) ? gap : rem;
    if (q) *q = '\0';
    mx_text_size(ui, MX_FONT_SMALL, p, &pw, NULL);
    if (pw > w || *y + lh > bottom) return;
    mx_text(ui, x, *y, MX_FONT_SMALL, c, "%s", p);
    *y += lh;
    if (!q) return;
    for (q += 2; *q == ' '; q++) {
    }
    p = q;
  }
  if (tw <= w && *y + lh <= bottom) {
    mx_text(ui, x, *y, MX_FONT_SMALL, c, "%s", buf);
    *y += lh;
  }
}

/* A plot's title for a panel w wide: t, or the shorter t2 where the first
 * part of t (before a "  ·  ") does not fit even in the small font (a narrow
 * plot beside a wide side panel, under large text). */
static const char *gv_title_fit(mx_ui *ui, int w, const char *t, const char *t2) {
  char first[128];
  const char *dot = strstr(t, "  \u00b7  ");
  int tw;
  snprintf(first, sizeof first, "%.*s", dot ? (int)(dot - t) : (int)strlen(t), t);
  mx_text_size(ui, MX_FONT_SMALL, first, &tw, NULL);
  return tw <= w - 2 * mx_ui_px(ui, 12) ? t : t2;
}

/* After an M half-step: the centres before it, each with a line to its new
 * one (the old ellipses are dashed in the plot image: gv_rings_place). */
static void gv_draw_ghosts(gmm_view *v, mx_ui *ui, const mx_plot *pl, const gv_run *run) {
  const mx_theme *th = mx_ui_theme(ui);
  const double *m0, *c0;
  int k;
  if (!v->half || run->cur < 1) return;
  gv_snap_params(run, run->cur - 1, &m0, &c0);
  for (k = 0; k < run->g->K; k++) {
    mx_color c = mx_view_alpha(th->comp[k % MX_NCOMP_COLORS], 200);
    mx_draw_line(ui, mx_plot_x(pl, m0[2 * k]), mx_plot_y(pl, m0[2 * k + 1]),
                 mx_plot_x(pl, run->g->means[2 * k]), mx_plot_y(pl, run->g->means[2 * k + 1]),
                 mx_view_alpha(th->text, 170), 1.5f * mx_ui_scale(ui));
    mx_draw_circle(ui, mx_plot_x(pl, m0[2 * k]), mx_plot_y(pl, m0[2 * k + 1]),
                   3.0f * mx_ui_scale(ui), c);
  }
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
  bound = v->show_boundary && run->g->K > 1; /* plain EM too: where components tie */
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
  if (v->show_ellipses && which != RUN_SUP) gv_draw_ghosts(v, ui, &pl, run);
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
    int y = pl.r.y + mx_ui_px(ui, 6), x = pl.r.x + mx_ui_px(ui, 8), w = pl.r.w - mx_ui_px(ui, 16);
    /* at most the top half of a short plot: the points stay visible */
    int half = pl.r.h / 2 > mx_line_height(ui, MX_FONT_SMALL) + mx_ui_px(ui, 6)
                    ? pl.r.h / 2 : mx_line_height(ui, MX_FONT_SMALL) + mx_ui_px(ui, 6);
    int bottom = pl.r.y + (half < pl.r.h - mx_ui_px(ui, 4) ? half : pl.r.h - mx_ui_px(ui, 4));
    if (which == RUN_PLAIN && v->hard)
      snprintf(buf, sizeof buf, "iteration %d%s   inertia %.3f", run->cur,
               v->half ? " (M done, E next)" : "", -run->ll[run->cur]);
    else if (which != RUN_SUP)
      snprintf(buf, sizeof buf, "iteration %d%s   log-lik %.3f", run->cur,
               v->half ? " (M done, E next)" : "", run->ll[run->cur]);
    else
      snprintf(buf, sizeof buf, "MLE from %d labelled points  (no EM)", v->labelled);
    {
      int y0 = y; /* the iteration line is a headline: tooltips keep off it */
      gv_caption(ui, x, &y, w, bottom, th->text, buf);
      if (which != RUN_SUP) mx_ui_headline(ui, (mx_rect){x, y0, w, y - y0});
    }
    if (isfinite(run->acc)) {
      snprintf(buf, sizeof buf, "accuracy %.1f%%%s", 100.0 * run->acc,
               !run->matched                          ? ""
               : main_panel && pl.r.w > mx_ui_px(ui, 520) ? "  (components matched to classes)"
                                                        : "  (matched)");
      gv_caption(ui, x, &y, w, bottom, th->good, buf);
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

/* The log-likelihood curve of the stored history: log p(x) of all the points
 * (labels ignored), so that semi-supervised and plain EM are on one axis (the
 * semi-supervised run's own objective, log p(x, known labels), is not). */
static void gv_draw_curve(gmm_view *v, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  mx_plot pl;
  int which, t, nr = v->semi ? 2 : 1, nmax = 1;
  double lo = INFINITY, hi = -INFINITY;
  float pts[2 * 256];
  int axis_l = mx_ui_px(ui, 58), lw;
  int axis_b = mx_line_height(ui, MX_FONT_SMALL) + mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 9);
  mx_text_size(ui, MX_FONT_SMALL, "-0000.00", &lw, NULL); /* room for tick labels like -2411.75 */
  if (lw + mx_ui_px(ui, 12) > axis_l) axis_l = lw + mx_ui_px(ui, 12);
  for (which = 0; which < nr; which++) {
    gv_run *run = &v->run[which];
    if (run->n - 1 > nmax) nmax = run->n - 1;
    for (t = 0; t < run->n; t++) {
      lo = fmin(lo, run->llx[t]);
      hi = fmax(hi, run->llx[t]);
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
  mx_draw_axes_count(ui, &pl, "iteration", NULL);
  for (which = nr - 1; which >= 0; which--) {
    gv_run *run = &v->run[which];
    mx_color c = which == RUN_MAIN ? th->accent : th->text_dim;
    int n = 0, stride = (run->n + 255) / 256;
    if (stride < 1) stride = 1;
    for (t = 0; t < run->n; t += stride) {
      pts[2 * n] = mx_plot_x(&pl, t);
      pts[2 * n + 1] = mx_plot_y(&pl, run->llx[t]);
      n++;
    }
    if (n >= 2) mx_draw_polyline(ui, pts, n, c, 2.0f * mx_ui_scale(ui));
    mx_draw_circle(ui, mx_plot_x(&pl, run->cur), mx_plot_y(&pl, run->llx[run->cur]),
                   4.0f * mx_ui_scale(ui), c);
  }
}

/* The panel's data rows: the data set buttons and what is loaded. */
static void gv_panel_data(gmm_view *v, mx_app *app, mx_ui *ui, mx_rect *cp, int compact) {
  const mx_theme *th = mx_ui_theme(ui);
  int gap = mx_ui_px(ui, 6), lh = mx_line_height(ui, MX_FONT_SMALL) + mx_ui_px(ui, 2);
  int bh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 10);
  mx_rect c = *cp, row;
  int i, bw;
  char buf[160];

  if (compact) { /* a short panel: what is set, in one line; the keys change it */
    static const char *const name[GV_NDATA] = {"blobs", "overlap", "elongated", "flat", "digits", "csv"};
    static const char *const cov[MX_GMM_NCOV] = {"full", "diag", "sphere", "tied"};
    const char *v3[3];
    char b2[160], b3[160];
    snprintf(buf, sizeof buf, "data %s  \u00b7  init %s  \u00b7  %s  (D, I, O)", name[v->dataset],
             v->init == MX_GMM_INIT_KMEANSPP ? "k-means++" : v->init == MX_GMM_INIT_RANDOM ? "random" : "labels",
             cov[v->covtype]);
    snprintf(b2, sizeof b2, "%s \u00b7 %s \u00b7 %s  (D, I, O)", name[v->dataset],
             v->init == MX_GMM_INIT_KMEANSPP ? "k-means++" : v->init == MX_GMM_INIT_RANDOM ? "random" : "labels",
             cov[v->covtype]);
    snprintf(b3, sizeof b3, "%s \u00b7 %s", name[v->dataset], cov[v->covtype]);
    v3[0] = buf;
    v3[1] = b2;
    v3[2] = b3;
    mx_text_fit(ui, mx_rect_cut_top(&c, lh), MX_FONT_SMALL, MX_ALIGN_LEFT, th->text_dim, v3, 3);
    mx_rect_cut_top(&c, gap);
    *cp = c;
    return;
  }

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
  *cp = c;
}

/* The panel's model rows: K, the initialisation, the step / run / reset / seed
 * buttons, semi-supervised and the labelled count, the layer toggles. 0 when
 * the panel is too short for the rest (nothing below is drawn then). */
/* The covariance-type row (full / diag / sphere / tied); 0 if out of room. */
static int gv_panel_cov(gmm_view *v, mx_app *app, mx_ui *ui, mx_rect *c, int bh, int gap) {
  static const char *const lab[MX_GMM_NCOV] = {"full", "diag", "sphere", "tied"};
  mx_rect row;
  int i, bw;
  mx_rect_cut_top(c, gap);
  if (c->h < bh) return 0;
  row = mx_rect_cut_top(c, bh);
  bw = (row.w - 3 * gap) / 4;
  for (i = 0; i < MX_GMM_NCOV; i++) {
    mx_rect b = i < MX_GMM_NCOV - 1 ? mx_rect_cut_left(&row, bw) : row;
    if (i < MX_GMM_NCOV - 1) mx_rect_cut_left(&row, gap);
    mx_tooltip(ui, b, gv_cov_tips[i]);
    if (mx_button_on(ui, b, lab[i], v->covtype == i) && v->covtype != i) gv_set_cov(v, app, i);
  }
  return 1;
}

/* The "hard vs soft" toggle (plain mode only); 0 if out of room. */
static int gv_panel_hard(gmm_view *v, mx_app *app, mx_ui *ui, mx_rect *c, int bh, int gap) {
  int hard = v->hard;
  mx_rect row;
  if (v->semi) return 1;
  mx_rect_cut_top(c, gap);
  if (c->h < bh) return 0;
  row = mx_rect_cut_top(c, bh);
  mx_tooltip(ui, row, "k-means beside EM: same data, same start, stepping together");
  if (mx_toggle(ui, row, "hard vs soft: k-means  (A)", &hard)) gv_set_hard(v, app, hard);
  return 1;
}

static int gv_panel_model(gmm_view *v, mx_app *app, mx_ui *ui, mx_rect *cp, int compact) {
  int gap = mx_ui_px(ui, 6);
  int bh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 10);
  int sh = mx_line_height(ui, MX_FONT_BODY) * 2 - mx_ui_px(ui, 2);
  mx_rect c = *cp, row;
  int i, bw;
  char buf[160];

  /* model (in a short panel the rows that do not fit are left out, rather
   * than drawn over each other; their keys still work) */
  if (c.h < sh) return 0;
  {
    int k = v->K;
    if (mx_slider_int(ui, mx_rect_cut_top(&c, sh), "components K  (+/−)", &k, 1, GV_MAXK) &&
        k != v->K)
      gv_change_k(v, app, k - v->K);
  }
  if (compact) goto steps; /* init and covariance: in the data line */
  mx_rect_cut_top(&c, gap);
  if (c.h < bh) return 0;
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
  if (!gv_panel_cov(v, app, ui, &c, bh, gap)) return 0;
steps:
  mx_rect_cut_top(&c, gap);
  if (c.h < bh) return 0;
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
  mx_tooltip(ui, row, "the seed of the initial means: click or N for the next, R to reset");
  mx_rect_cut_top(&c, gap);
  if (c.h < sh) return 0;
  mx_view_rate_slider(ui, mx_rect_cut_top(&c, sh), &v->rate); /* run speed */
  mx_rect_cut_top(&c, gap);

  /* semi-supervised */
  if (c.h < bh) return 0;
  {
    int semi = v->semi;
    row = mx_rect_cut_top(&c, bh);
    if (mx_toggle(ui, row, "semi-supervised  (U)", &semi)) gv_set_semi(v, app, semi);
  }
  if (!gv_panel_hard(v, app, ui, &c, bh, gap)) return 0;
  if (v->semi) {
    int m = v->labelled, most = (int)gv_nlabelable(v);
    mx_rect_cut_top(&c, gap);
    if (c.h < sh) return 0;
    if (mx_slider_int(ui, mx_rect_cut_top(&c, sh), "labelled points  ([ / ])", &m, 0,
                      most < 200 ? most : 200) &&
        m != v->labelled)
      gv_set_labelled(v, app, m);
  }
  mx_rect_cut_top(&c, gap);
  if (c.h < bh) return 0;
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
  *cp = c;
  return 1;
}

/* "iteration N" in the large font, or in the body font (shorter) where it is
 * wider than r. Returns the width drawn. */
static int gv_numbers_head(mx_ui *ui, mx_rect r, const gv_run *run, const mx_theme *th) {
  char a[64], b[64];
  const char *v[2] = {a, b};
  int tw, i;
  snprintf(a, sizeof a, "iteration %d", run->cur);
  snprintf(b, sizeof b, "iter. %d", run->cur);
  mx_text_size(ui, MX_FONT_LARGE, a, &tw, NULL);
  if (tw <= r.w) return mx_text(ui, r.x, r.y, MX_FONT_LARGE, th->text, "%s", a);
  i = mx_text_fit(ui, r, MX_FONT_BODY, MX_ALIGN_LEFT, th->text, v, 2);
  mx_text_size(ui, MX_FONT_BODY, v[i], &tw, NULL);
  return tw < r.w ? tw : r.w;
}

/* "log-lik X" on the first line of c, fewer digits where it is too wide.
 * Returns the width drawn. */
static int gv_numbers_ll(mx_ui *ui, mx_rect c, const gv_run *run, const mx_theme *th) {
  char a[64], b[64], d[64];
  const char *v[3] = {a, b, d};
  int i, tw;
  snprintf(a, sizeof a, "log-lik %.4f", run->ll[run->cur]);
  snprintf(b, sizeof b, "log-lik %.1f", run->ll[run->cur]);
  snprintf(d, sizeof d, "%.1f", run->ll[run->cur]);
  i = mx_text_fit(ui, (mx_rect){c.x, c.y, c.w, mx_line_height(ui, MX_FONT_BODY)}, MX_FONT_BODY,
                  MX_ALIGN_LEFT, th->accent, v, 3);
  mx_text_size(ui, MX_FONT_BODY, v[i], &tw, NULL);
  return tw;
}

/* The panel's numbers (as far as they fit): iteration, log-likelihood, the
 * weights, the log-likelihood curve. */
static void gv_panel_numbers(gmm_view *v, mx_ui *ui, mx_rect c, int with_curve) {
  const mx_theme *th = mx_ui_theme(ui);
  int gap = mx_ui_px(ui, 6), lh = mx_line_height(ui, MX_FONT_SMALL) + mx_ui_px(ui, 2);
  gv_run *run = &v->run[RUN_MAIN];
  int i;
  char buf[160];

  if (c.h < mx_line_height(ui, MX_FONT_LARGE) + mx_line_height(ui, MX_FONT_BODY) + gap * 2) return;
  mx_draw_rect(ui, (mx_rect){c.x, c.y, c.w, 1}, th->border);
  mx_rect_cut_top(&c, gap);
  {
    int lg = mx_line_height(ui, MX_FONT_LARGE);
    mx_ui_headline(ui, (mx_rect){c.x, c.y, gv_numbers_head(ui, (mx_rect){c.x, c.y, c.w, lg}, run, th), lg});
  }
  if (run->converged && run->cur + 1 == run->n)
    mx_text_in(ui, (mx_rect){c.x, c.y, c.w, mx_line_height(ui, MX_FONT_LARGE)}, MX_FONT_SMALL,
               MX_ALIGN_RIGHT, th->good, "converged");
  else if (v->running)
    mx_text_in(ui, (mx_rect){c.x, c.y, c.w, mx_line_height(ui, MX_FONT_LARGE)}, MX_FONT_SMALL,
               MX_ALIGN_RIGHT, th->accent, "running");
  mx_rect_cut_top(&c, mx_line_height(ui, MX_FONT_LARGE));
  {
    int x = c.x + gv_numbers_ll(ui, c, run, th), dw;
    snprintf(buf, sizeof buf, "Δ %+.3g", run->cur > 0 ? run->ll[run->cur] - run->ll[run->cur - 1] : 0.0);
    mx_text_size(ui, MX_FONT_SMALL, buf, &dw, NULL);
    if (run->cur > 0 && x + mx_ui_px(ui, 10) + dw <= c.x + c.w) /* only where it fits */
      mx_text(ui, x + mx_ui_px(ui, 10), c.y + mx_ui_px(ui, 3), MX_FONT_SMALL, th->text_dim, "%s", buf);
  }
  mx_rect_cut_top(&c, mx_line_height(ui, MX_FONT_BODY));
  if (c.h < lh * 2) return;
  if (!v->semi && c.h - lh >= 2 * lh + 2 * gap + mx_ui_px(ui, 71)) { /* not at the curve's cost */
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
      if (x + tw > c.x + c.w) { /* wrap, while there is room below */
        mx_rect_cut_top(&c, lh);
        if (c.h < lh) return;
        x = x0;
      }
      x += mx_text(ui, x, c.y, MX_FONT_SMALL,
                   run->g->collapsed[i] ? th->text_dim : th->comp[i % MX_NCOMP_COLORS], "%s", buf);
    }
    mx_rect_cut_top(&c, lh);
  }
  mx_rect_cut_top(&c, gap);
  if (with_curve && c.h > mx_ui_px(ui, 90)) {
    if (v->semi) {
      int x = c.x;
      mx_draw_rect(ui, (mx_rect){x, c.y + lh / 2, mx_ui_px(ui, 14), mx_ui_px(ui, 3)}, th->accent);
      x += mx_ui_px(ui, 18);
      x += mx_text(ui, x, c.y, MX_FONT_SMALL, th->text_dim, "semi   ");
      mx_draw_rect(ui, (mx_rect){x, c.y + lh / 2, mx_ui_px(ui, 14), mx_ui_px(ui, 3)}, th->text_dim);
      x += mx_ui_px(ui, 18);
      x += mx_text(ui, x, c.y, MX_FONT_SMALL, th->text_dim, "plain   ");
      /* the same quantity for both: what the curve's y axis is */
      mx_text_in(ui, (mx_rect){x, c.y, c.x + c.w - x, lh}, MX_FONT_SMALL, MX_ALIGN_RIGHT,
                 th->text_dim, "log p(x), all points");
      mx_rect_cut_top(&c, lh);
    }
    gv_draw_curve(v, ui, c);
  }
}

/* How the side panel fits a content height h: *compact (data, init and
 * covariance as one line of text, their keys change them) when the whole
 * panel does not fit, and *numbers_out (iteration, log-likelihood and its
 * curve go to a strip under the plots) when even the compact one leaves them
 * no room. Heights as gv_panel_data / gv_panel_model / gv_panel_numbers cut them. */
static void gv_panel_fit(const gmm_view *v, mx_ui *ui, int h, int *compact, int *numbers_out) {
  int gap = mx_ui_px(ui, 6), lh = mx_line_height(ui, MX_FONT_SMALL) + mx_ui_px(ui, 2);
  int bh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 10);
  int sh = mx_line_height(ui, MX_FONT_BODY) * 2 - mx_ui_px(ui, 2);
  int data = lh + 2 * bh + 3 * gap + lh, data_c = lh + gap;
  int model = sh + 5 * (gap + bh) + gap + (v->semi ? sh : bh) + 2 * gap, model_c = model - 2 * (gap + bh);
  int numbers = mx_line_height(ui, MX_FONT_LARGE) + mx_line_height(ui, MX_FONT_BODY) + 3 * gap +
                3 * lh + mx_ui_px(ui, 100);
  *compact = h < data + model + numbers;
  *numbers_out = h < data_c + model_c + numbers;
}

static void gv_draw_panel(gmm_view *v, mx_app *app, mx_ui *ui, mx_rect r, int compact,
                          int numbers_out) {
  mx_rect c = mx_panel(ui, r, "Gaussian mixture  \u00b7  EM");
  gv_panel_data(v, app, ui, &c, compact);
  if (gv_panel_model(v, app, ui, &c, compact) && !numbers_out) gv_panel_numbers(v, ui, c, 1);
}

/* The plain-mode comparisons: k-means beside EM (hard), or the model
 * selection panel beside EM. 1 if drawn. */
static int gv_draw_compare(gmm_view *v, mx_app *app, mx_ui *ui, mx_rect r, int gap) {
  if (v->semi || (!v->hard && !v->show_sel)) return 0;
  if (v->hard) {
    int lhs = mx_line_height(ui, MX_FONT_SMALL);
    mx_rect cap = mx_rect_cut_bottom(&r, lhs * 2 + gap), right;
    mx_color dim = mx_ui_theme(ui)->text_dim;
    right = mx_rect_cut_right(&r, (r.w - gap) / 2);
    mx_rect_cut_right(&r, gap);
    gv_draw_model(v, app, ui, r, RUN_MAIN, gv_title_fit(ui, r.w, "Soft: EM, responsibilities", "Soft: EM"), 1);
    gv_draw_model(v, app, ui, right, RUN_PLAIN,
                  gv_title_fit(ui, right.w, "Hard: k-means, same start", "k-means"), 0);
    static const char *const l1[4] = {
        ("k-means is EM with equal weights and one shared covariance s\u00b2I, s\u00b2 "
         "\u2192 0: every responsibility becomes 0 or 1,"),
        "k-means: EM with equal weights, covariance s\u00b2I, s\u00b2 \u2192 0;",
        "k-means: EM, equal weights, s\u00b2I, s\u00b2 \u2192 0", "k-means: s\u00b2I, s\u00b2 \u2192 0"};
    static const char *const l2[4] = {
        ("the M-step's weighted means become cluster means, and the regions become "
         "nearest-centre (Voronoi) cells."),
        "responsibilities 0 or 1, nearest-centre (Voronoi) cells.", "nearest-centre cells",
        "Voronoi cells"};
    mx_text_fit(ui, (mx_rect){cap.x, cap.y + gap / 2, cap.w, lhs}, MX_FONT_SMALL, MX_ALIGN_LEFT,
                dim, l1, 4);
    mx_text_fit(ui, (mx_rect){cap.x, cap.y + gap / 2 + lhs, cap.w, lhs}, MX_FONT_SMALL,
                MX_ALIGN_LEFT, dim, l2, 4);
  } else {
    mx_rect right = mx_rect_cut_right(&r, (r.w - gap) * 45 / 100);
    int k = 0, type = 0;
    mx_rect_cut_right(&r, gap);
    gv_draw_model(v, app, ui, r, RUN_MAIN, gv_title_fit(ui, r.w, "EM on a Gaussian mixture", "EM"), 1);
    if (mx_gmm_select_draw(ui, right, &v->sel, v->K, v->covtype, &k, &type))
      gv_select_load(v, app, k, type);
  }
  return 1;
}

/* The strip under the plots, w wide inside: the width of its numbers at the
 * left, as wide as their widest line needs, or 0 where the log-likelihood
 * curve beside them would have no room for a readable plot (numbers alone). */
static int gv_strip_split(gmm_view *v, mx_ui *ui, int w, int gap) {
  gv_run *run = &v->run[RUN_MAIN];
  int w1, w2, need;
  char buf[64];
  snprintf(buf, sizeof buf, "iteration %d", run->cur);
  mx_text_size(ui, MX_FONT_LARGE, buf, &w1, NULL);
  snprintf(buf, sizeof buf, "log-lik %.4f", run->ll[run->cur]);
  mx_text_size(ui, MX_FONT_BODY, buf, &w2, NULL);
  need = (w1 > w2 ? w1 : w2) + gap;
  if (need < w * 45 / 100) need = w * 45 / 100;
  return w - need - gap < mx_ui_px(ui, 220) ? 0 : need;
}

/* The numbers under the plots (cut off the bottom of *r): a third of the
 * height with the curve beside them, else just the lines they need. */
static void gv_draw_strip(gmm_view *v, mx_ui *ui, mx_rect *r, int gap) {
  int pad = mx_ui_px(ui, 12), split = gv_strip_split(v, ui, r->w - 2 * pad, gap);
  int sh = mx_line_height(ui, MX_FONT_LARGE) + mx_line_height(ui, MX_FONT_BODY) +
           mx_line_height(ui, MX_FONT_SMALL) + mx_ui_px(ui, 6) * 3 + 2 * pad;
  mx_rect c, left;
  if (split && r->h * 32 / 100 > sh) sh = r->h * 32 / 100;
  c = mx_panel(ui, mx_rect_cut_bottom(r, sh), NULL);
  mx_rect_cut_bottom(r, gap);
  if (!split) {
    gv_panel_numbers(v, ui, c, 0);
    return;
  }
  left = mx_rect_cut_left(&c, split);
  mx_rect_cut_left(&c, gap);
  gv_panel_numbers(v, ui, left, 0);
  gv_draw_curve(v, ui, c);
}

/* Semi-supervised: the main plot, and at its right plain EM and the
 * labelled-only fit one above the other, where their plots would be at least
 * 60 px x scale tall (else the main plot alone, the whole width). */
static void gv_draw_semi(gmm_view *v, mx_app *app, mx_ui *ui, mx_rect r, int gap) {
  int chrome = 2 * mx_ui_px(ui, 12) + mx_line_height(ui, MX_FONT_LARGE) + mx_ui_px(ui, 8);
  int column = (r.h - gap) / 2 - chrome >= mx_ui_px(ui, 60);
  mx_rect right = column ? mx_rect_cut_right(&r, (r.w - gap) * 40 / 100) : r, top;
  char t1[128];
  if (column) mx_rect_cut_right(&r, gap);
  snprintf(t1, sizeof t1, "Semi-supervised EM  \u00b7  %d labelled (ringed)", v->labelled);
  if (r.w < mx_ui_px(ui, 560)) snprintf(t1, sizeof t1, "Semi-supervised EM  \u00b7  %d labelled", v->labelled);
  gv_draw_model(v, app, ui, r, RUN_MAIN, gv_title_fit(ui, r.w, t1, "Semi EM"), 1);
  if (!column) return;
  top = mx_rect_cut_top(&right, (right.h - gap) / 2);
  mx_rect_cut_top(&right, gap);
  gv_draw_model(v, app, ui, top, RUN_PLAIN, gv_title_fit(ui, top.w, "Plain EM  \u00b7  same start", "Plain"), 0);
  gv_draw_model(v, app, ui, right, RUN_SUP, gv_title_fit(ui, right.w, "Labelled only  \u00b7  no EM", "Labels"), 0);
}

/* The plain-EM panel's title: what is drawn, following the V / E / B toggles;
 * the longest form that fits width w (the panel title font), else a short one. */
void gv_title(const gmm_view *v, mx_ui *ui, int w, char *buf, size_t cap) {
  int tw, form;
  for (form = 0; form < 3; form++) {
    snprintf(buf, cap, "%s%s%s%s", form < 2 ? "Points coloured by responsibility" : "EM",
             !v->show_ellipses ? "" : form == 0 ? "  ·  ellipses at 1, 2, 3 σ" : "  ·  ellipses",
             v->show_density ? "  ·  density" : "",
             v->show_boundary && v->K > 1 ? "  ·  boundaries" : "");
    mx_text_size(ui, MX_FONT_LARGE, buf, &tw, NULL);
    if (tw <= w) return;
  }
  snprintf(buf, cap, "EM on a Gaussian mixture");
}

void gv_draw(void *st, mx_app *app, mx_ui *ui, mx_rect area) {
  gmm_view *v = st;
  mx_rect r = mx_rect_inset(area, mx_ui_px(ui, 10)), side;
  int gap = mx_ui_px(ui, 10), compact, numbers_out;
  /* 360 px x scale; with large text on a small screen at most 45% of the
   * width, but not under the 270 px x scale its buttons need */
  {
    int sw = r.w * 45 / 100 > mx_ui_px(ui, 270) ? r.w * 45 / 100 : mx_ui_px(ui, 270);
    side = mx_rect_cut_right(&r, mx_ui_px(ui, 360) < sw ? mx_ui_px(ui, 360) : sw);
  }
  mx_rect_cut_right(&r, gap);
  gv_panel_fit(v, ui, side.h - 2 * mx_ui_px(ui, 12) - mx_line_height(ui, MX_FONT_LARGE) - mx_ui_px(ui, 8),
               &compact, &numbers_out);
  gv_draw_panel(v, app, ui, side, compact, numbers_out);
  if (numbers_out) gv_draw_strip(v, ui, &r, gap); /* the numbers under the plots */
  if (gv_draw_compare(v, app, ui, r, gap)) {
    /* drawn */
  } else if (!v->semi) {
    gv_title(v, ui, r.w - 2 * mx_ui_px(ui, 12), v->title, sizeof v->title); /* mx_panel's padding */
    gv_draw_model(v, app, ui, r, RUN_MAIN, gv_title_fit(ui, r.w, v->title, "EM"), 1);
  } else {
    gv_draw_semi(v, app, ui, r, gap);
  }
}
