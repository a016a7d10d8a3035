/* The GMM view's model-selection panel (see gmm_select.h). */
#include "gmm_select.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#define GSEL_ITERS 500  /* EM iterations at most, per fit */
#define GSEL_TOL 1e-6    /* per-point log-likelihood change that stops a fit */
#define GSEL_WORK 20000  /* point x component evaluations a step (an EM iteration at least) */

/* The fit of K components of type t ends: its E-step and scores into the
 * tables (ok: EM ran without error), its workspaces freed, the next fit. */
static void gsel_fit_end(mx_gmm_select *s, int K, int t, int ok) {
  double ll;
  if (ok && mx_gmm_e_step(s->fg, s->x, s->n, NULL, s->fw, &ll) == MX_OK) {
    s->bic[t][K - 1] = mx_gmm_bic(s->fg, ll, s->n);
    s->aic[t][K - 1] = mx_gmm_aic(s->fg, ll);
    memcpy(s->w[t][K - 1], s->fg->weights, (size_t)K * sizeof(double));
    memcpy(s->mu[t][K - 1], s->fg->means, (size_t)K * 2 * sizeof(double));
    memcpy(s->cov[t][K - 1], s->fg->covs, (size_t)K * 4 * sizeof(double));
    s->ok[t][K - 1] = isfinite(ll);
  }
  mx_gmm_work_free(s->fw);
  mx_gmm_free(s->fg);
  s->fw = NULL;
  s->fg = NULL;
  s->next++;
  SDL_AtomicSet(&s->done_fits, s->next);
}

/* The fit of K components of type t starts: k-means++ means from the one
 * generator (in the fits' order), reg added to the covariances. */
static void gsel_fit_begin(mx_gmm_select *s, int K, int t) {
  mx_error err;
  int rc = MX_ENOMEM;
  s->fg = mx_gmm_alloc(K, 2);
  s->fw = mx_gmm_work_alloc(K, s->n, 2);
  if (s->fg && s->fw) {
    s->fg->reg = s->reg;
    s->fg->cov_type = t;
    rc = mx_gmm_init_data(s->fg, s->fw, s->x, s->n, MX_GMM_INIT_KMEANSPP, s->seed, s->r, &err);
  }
  s->fit_it = 0;
  s->fit_prev = 0.0;
  if (rc != MX_OK) gsel_fit_end(s, K, t, 0);
}

/* EM iterations of the current fit, as mx_gmm_run makes them (stop when the
 * per-point log-likelihood changes by < GSEL_TOL, or after GSEL_ITERS; a
 * collapse flagged goes on), at most n of them now. */
static void gsel_fit_iterate(mx_gmm_select *s, int K, int t, int n) {
  double ll = 0.0;
  for (; n > 0; n--) {
    int rc = mx_gmm_iterate(s->fg, s->x, s->n, NULL, s->fw, &ll);
    if (rc != MX_OK && rc != MX_ECOLLAPSE) {
      gsel_fit_end(s, K, t, 0);
      return;
    }
    if ((s->fit_it > 0 && fabs(ll - s->fit_prev) / (double)s->n < GSEL_TOL) ||
        ++s->fit_it >= GSEL_ITERS) {
      gsel_fit_end(s, K, t, 1);
      return;
    }
    s->fit_prev = ll;
  }
}

/* One step of the job: start a fit, or a few of its EM iterations (about
 * GSEL_WORK point-component evaluations), through the fits K = 1..KMAX, each
 * through the four types, all with one generator in this order: the numbers
 * of one loop over the fits. */
static int gsel_step(void *arg) {
  mx_gmm_select *s = arg;
  int K = s->next / MX_GMM_NCOV + 1, t = s->next % MX_GMM_NCOV;
  size_t work = s->n * (size_t)K;
  if (!s->r && !(s->r = gsl_rng_alloc(gsl_rng_mt19937))) return MX_ENOMEM;
  if ((size_t)K > s->n) {
    s->next++;
    SDL_AtomicSet(&s->done_fits, s->next);
  } else if (!s->fg) {
    gsel_fit_begin(s, K, t);
  } else {
    gsel_fit_iterate(s, K, t, work >= GSEL_WORK ? 1 : (int)(GSEL_WORK / work));
  }
  return s->next < MX_GSEL_NFITS ? MX_JOB_MORE : MX_JOB_DONE;
}

int mx_gmm_select_state(mx_gmm_select *s, int *done_fits) {
  int st;
  if (done_fits) *done_fits = 0;
  if (!s->job) return s->x ? -1 : 0; /* (the job could not be queued) */
  st = mx_job_state(s->job);
  if (done_fits) *done_fits = SDL_AtomicGet(&s->done_fits);
  return st == MX_JOB_DONE ? 2 : st == MX_JOB_MORE ? 1 : -1;
}

void mx_gmm_select_wait(mx_gmm_select *s) {
  if (s->job) mx_job_wait(s->job);
}

void mx_gmm_select_stop(mx_gmm_select *s) {
  mx_job_cancel(s->job);
  s->job = NULL;
  mx_gmm_work_free(s->fw);
  mx_gmm_free(s->fg);
  s->fw = NULL;
  s->fg = NULL;
  if (s->r) gsl_rng_free(s->r);
  s->r = NULL;
  free(s->x);
  s->x = NULL;
}

int mx_gmm_select_start(mx_gmm_select *s, const double *x, size_t n, unsigned long seed,
                        double reg) {
  mx_gmm_select_stop(s);
  memset(s->ok, 0, sizeof s->ok);
  if (n == 0) return MX_EEMPTY;
  s->x = malloc(n * 2 * sizeof *s->x);
  if (!s->x) return MX_ENOMEM;
  memcpy(s->x, x, n * 2 * sizeof *x);
  s->n = n;
  s->seed = seed;
  s->reg = reg;
  s->next = 0;
  SDL_AtomicSet(&s->done_fits, 0);
  s->job = mx_job_submit(gsel_step, s);
  return s->job ? MX_OK : MX_ENOMEM;
}

int mx_gmm_select_load(const mx_gmm_select *s, int k, int type, mx_gmm *g) {
  mx_error err;
  int rc;
  if (mx_gmm_select_state((mx_gmm_select *)s, NULL) != 2 || k < 1 || k > MX_GSEL_KMAX || type < 0 ||
      type >= MX_GMM_NCOV || !s->ok[type][k - 1] || g->K != k || g->D != 2)
    return MX_EINVAL;
  rc = mx_gmm_set_params(g, s->w[type][k - 1], s->mu[type][k - 1], s->cov[type][k - 1], &err);
  if (rc == MX_OK) g->cov_type = type; /* already of that shape: no projection needed */
  return rc;
}

/* The value range of the finished fits (BIC and AIC). */
static void gsel_range(const mx_gmm_select *s, double *lo, double *hi) {
  int t, k;
  *lo = INFINITY;
  *hi = -INFINITY;
  for (t = 0; t < MX_GMM_NCOV; t++)
    for (k = 0; k < MX_GSEL_KMAX; k++)
      if (s->ok[t][k]) {
        *lo = fmin(*lo, fmin(s->bic[t][k], s->aic[t][k]));
        *hi = fmax(*hi, fmax(s->bic[t][k], s->aic[t][k]));
      }
  if (*hi - *lo < 1e-9) {
    *lo -= 1.0;
    *hi += 1.0;
  }
}

/* Columns of the legend in a width w: four, two or one. */
static int gsel_legend_cols(mx_ui *ui, int w) {
  int t, tw, wmax = 0;
  char buf[128];
  for (t = 0; t < MX_GMM_NCOV; t++) {
    snprintf(buf, sizeof buf, "● %s", mx_gmm_cov_name(t));
    mx_text_size(ui, MX_FONT_SMALL, buf, &tw, NULL);
    if (tw > wmax) wmax = tw;
  }
  return (wmax + mx_ui_px(ui, 8)) * MX_GMM_NCOV <= w ? MX_GMM_NCOV
         : (wmax + mx_ui_px(ui, 8)) * 2 <= w         ? 2
                                                     : 1;
}

/* Height gsel_legend cuts off a rect w wide. */
static int gsel_legend_h(mx_ui *ui, int w) {
  int lh = mx_line_height(ui, MX_FONT_SMALL);
  return lh * (MX_GMM_NCOV / gsel_legend_cols(ui, w)) + mx_ui_px(ui, 4) + 2 * lh + mx_ui_px(ui, 2);
}

/* The best fit by BIC into bt, bk (type, K - 1); 0 before the first fit. */
static int gsel_best_fit(const mx_gmm_select *s, int *bt, int *bk) {
  int t, k;
  *bt = -1;
  *bk = 0;
  for (t = 0; t < MX_GMM_NCOV; t++)
    for (k = 0; k < MX_GSEL_KMAX; k++)
      if (s->ok[t][k] && (*bt < 0 || s->bic[t][k] < s->bic[*bt][*bk])) {
        *bt = t;
        *bk = k;
      }
  return *bt >= 0;
}

/* The best fit by BIC as one line in r, shorter forms where it does not fit. */
static void gsel_best(const mx_gmm_select *s, mx_ui *ui, mx_rect r) {
  int bt, bk;
  char b1[64], b2[64], b3[64];
  const char *best[3] = {b1, b2, b3};
  if (!gsel_best_fit(s, &bt, &bk)) return;
  snprintf(b1, sizeof b1, "best BIC: K = %d, %s", bk + 1, mx_gmm_cov_name(bt));
  snprintf(b2, sizeof b2, "best: K = %d, %s", bk + 1, mx_gmm_cov_name(bt));
  snprintf(b3, sizeof b3, "best K = %d", bk + 1);
  mx_text_fit(ui, r, MX_FONT_SMALL, MX_ALIGN_LEFT, mx_ui_theme(ui)->text, best, 3);
}

/* A panel with no room for the plot: the best fit by BIC, one item a line
 * (as many lines as fit in c), and a note that the plot needs more room. */
static void gsel_summary(const mx_gmm_select *s, mx_ui *ui, mx_rect c) {
  const mx_theme *th = mx_ui_theme(ui);
  int bt, bk, i, lh = mx_line_height(ui, MX_FONT_SMALL), lb = mx_line_height(ui, MX_FONT_BODY);
  char kbuf[32];
  static const char *const head[2] = {"best by BIC", "best"};
  static const char *const more[3] = {"a larger window shows the BIC / AIC plot",
                                      "larger window: plot", "(no plot)"};
  if (!gsel_best_fit(s, &bt, &bk)) return;
  snprintf(kbuf, sizeof kbuf, "K = %d", bk + 1);
  for (i = 0; i < 4 && c.h >= (i == 1 || i == 2 ? lb : lh); i++) {
    int h = i == 1 || i == 2 ? lb : lh;
    mx_rect line = mx_rect_cut_top(&c, h);
    const char *one[1] = {i == 1 ? kbuf : mx_gmm_cov_name(bt)};
    if (i == 0)
      mx_text_fit(ui, line, MX_FONT_SMALL, MX_ALIGN_LEFT, th->text_dim, head, 2);
    else if (i == 3)
      mx_text_fit(ui, line, MX_FONT_SMALL, MX_ALIGN_LEFT, th->text_dim, more, 3);
    else {
      int tw;
      mx_text_size(ui, MX_FONT_BODY, one[0], &tw, NULL);
      mx_text_fit(ui, line, tw <= line.w ? MX_FONT_BODY : MX_FONT_SMALL, MX_ALIGN_LEFT,
                  th->comp[bt % MX_NCOMP_COLORS], one, 1);
    }
  }
}

/* Legend (one row of four, or two rows of two, or four rows when narrow)
 * and the notes, each line dropped to a shorter form when it doesn't fit;
 * cuts them off c. */
static void gsel_legend(const mx_gmm_select *s, mx_ui *ui, mx_rect *c) {
  const mx_theme *th = mx_ui_theme(ui);
  int lh = mx_line_height(ui, MX_FONT_SMALL), t, cols = gsel_legend_cols(ui, c->w);
  for (t = 0; t < MX_GMM_NCOV; t++) {
    mx_text(ui, c->x + (t % cols) * (c->w / cols), c->y + (t / cols) * lh, MX_FONT_SMALL,
            th->comp[t % MX_NCOMP_COLORS], "● %s", mx_gmm_cov_name(t));
  }
  mx_rect_cut_top(c, lh * (MX_GMM_NCOV / cols) + mx_ui_px(ui, 4));
  {
    static const char *const note[3] = {"thick BIC, thin AIC: lower wins; click loads a fit",
                                        "thick BIC, thin AIC", "thick: BIC"};
    mx_text_fit(ui, (mx_rect){c->x, c->y, c->w, lh}, MX_FONT_SMALL, MX_ALIGN_LEFT, th->text_dim,
                note, 3);
  }
  mx_rect_cut_top(c, lh);
  gsel_best(s, ui, (mx_rect){c->x, c->y, c->w, lh});
  mx_rect_cut_top(c, lh + mx_ui_px(ui, 2));
}

/* One type's curve (BIC or AIC) and, for BIC, its clickable points. */
static int gsel_curve(mx_ui *ui, const mx_plot *pl, const mx_gmm_select *s, int t, int aic,
                      int cur_k, int cur_type, int *kk) {
  const mx_theme *th = mx_ui_theme(ui);
  float xy[2 * MX_GSEL_KMAX];
  int k, n = 0, hit = 0;
  mx_color c = th->comp[t % MX_NCOMP_COLORS];
  float rad = 4.0f * mx_ui_scale(ui);
  for (k = 0; k < MX_GSEL_KMAX; k++)
    if (s->ok[t][k]) {
      xy[2 * n] = mx_plot_x(pl, k + 1);
      xy[2 * n + 1] = mx_plot_y(pl, aic ? s->aic[t][k] : s->bic[t][k]);
      n++;
    }
  if (aic) c.a = 150;
  mx_draw_polyline(ui, xy, n, c, (aic ? 1.0f : 2.5f) * mx_ui_scale(ui));
  for (k = 0, n = 0; k < MX_GSEL_KMAX; k++) {
    mx_rect hot;
    if (!s->ok[t][k]) continue;
    mx_draw_circle(ui, xy[2 * n], xy[2 * n + 1], aic ? rad * 0.6f : rad, c);
    if (!aic && k + 1 == cur_k && t == cur_type)
      mx_draw_circle(ui, xy[2 * n], xy[2 * n + 1], rad * 0.45f, th->bg);
    hot = (mx_rect){(int)(xy[2 * n] - 2 * rad), (int)(xy[2 * n + 1] - 2 * rad), (int)(4 * rad),
                    (int)(4 * rad)};
    if (!aic && mx_ui_clicked(ui, hot, 1)) {
      *kk = k + 1;
      hit = 1;
    }
    n++;
  }
  return hit;
}

int mx_gmm_select_draw(mx_ui *ui, mx_rect r, mx_gmm_select *s, int cur_k, int cur_type, int *k,
                       int *type) {
  const mx_theme *th = mx_ui_theme(ui);
  int done = 0, st = mx_gmm_select_state(s, &done), t, hit = 0, tw;
  int lh = mx_line_height(ui, MX_FONT_SMALL);
  int axis_b = lh + mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 9);
  mx_rect c;
  mx_text_size(ui, MX_FONT_SMALL, "BIC and AIC against K", &tw, NULL);
  c = mx_panel(ui, r, tw <= r.w - 2 * mx_ui_px(ui, 12) ? "BIC and AIC against K" : "BIC, AIC");
  mx_plot pl;
  double lo, hi;
  if (st == 1 || st == 0 || st == -1) {
    char buf[128];
    int w;
    snprintf(buf, sizeof buf, "fitting K = 1..8 for four covariance types… %d of %d", done,
             MX_GSEL_NFITS);
    mx_text_size(ui, MX_FONT_BODY, buf, &w, NULL);
    if (w > c.w) snprintf(buf, sizeof buf, "fitting K = 1..8 × 4 types… %d / %d", done, MX_GSEL_NFITS);
    mx_text_in(ui, c, MX_FONT_BODY, MX_ALIGN_CENTER, th->text_dim,
               st == 1 ? buf : "press X to compute");
    return 0;
  }
  if (c.h - gsel_legend_h(ui, c.w) - lh / 2 - axis_b < mx_ui_px(ui, 60)) {
    gsel_summary(s, ui, c); /* no room for a readable plot */
    return 0;
  }
  gsel_legend(s, ui, &c);
  gsel_range(s, &lo, &hi);
  mx_rect_cut_top(&c, lh / 2); /* the top tick label reaches half a line up */
  pl.r = c;
  pl.r.x += mx_ui_px(ui, 64);
  pl.r.w -= mx_ui_px(ui, 70);
  pl.r.h -= axis_b;
  pl.x0 = 0.5; /* the bottom margin holds the tick labels and "components K" */
  pl.x1 = MX_GSEL_KMAX + 0.5;
  pl.y0 = lo - 0.05 * (hi - lo);
  pl.y1 = hi + 0.05 * (hi - lo);
  mx_text_size(ui, MX_FONT_BODY, "components K", &tw, NULL);
  mx_draw_axes_count(ui, &pl, tw <= pl.r.w ? "components K" : "K", NULL);
  for (t = 0; t < MX_GMM_NCOV; t++) {
    int kk = 0;
    gsel_curve(ui, &pl, s, t, 1, cur_k, cur_type, &kk);
  }
  for (t = 0; t < MX_GMM_NCOV; t++) {
    int kk = 0;
    if (gsel_curve(ui, &pl, s, t, 0, cur_k, cur_type, &kk) && !hit) {
      *k = kk;
      *type = t;
      hit = 1;
    }
  }
  return hit;
}
