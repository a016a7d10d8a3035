/* mixscope — view: the Normal–Normal conjugate posterior of a mean.
 *
 * One axis in μ with the prior N(α, γ²), the likelihood of the data normalised
 * in μ, N(x̄, σ²/n), and the posterior N(a, b²). Data arrive one at a time
 * (Space: a draw from N(true μ, σ²) with the view's seeded RNG; click: a point
 * where you click). Below, the "funnel": the posterior mean ± 2b after each
 * point next to the running sample mean, so shrinkage towards α is visible.
 * All numbers come from core/posterior (the sequence a[i], b2[i]).
 *
 * Sections: state · drawing · set / save / load. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "mixscope/posterior.h"
#include "view.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define POST_CAP 2000
#define POST_CURVE_PTS 480
#define POST_PLAY_SECONDS 0.45

typedef struct post_view {
  mx_posterior *post;
  /* slider values (applied to post each frame when they change) */
  double alpha, gamma2, sigma2, true_mu;
  unsigned long seed;
  long draws;          /* draws made from rng since the last reseed (for replay) */
  gsl_rng *rng;
  int playing;
  double play_t;
  int show_pred;       /* also draw the predictive N(a, b² + σ²) */
  int show_derivation; /* the completing-the-square card */
  float curve[2 * POST_CURVE_PTS];
  SDL_Rect *cols;      /* (cols_cap) scratch: one rectangle per pixel column of a fill */
  int cols_cap;
} post_view;

/* ---------------------------------------------------------------- state */

static void post_reseed(post_view *s) {
  gsl_rng_set(s->rng, s->seed);
  s->draws = 0;
}

static int post_sync(post_view *s, mx_error *err) {
  mx_posterior *p = s->post;
  if (p->alpha == s->alpha && p->gamma2 == s->gamma2 && p->sigma2 == s->sigma2) return MX_OK;
  return mx_posterior_set_prior(p, s->alpha, s->gamma2, s->sigma2, err);
}

/* Draw one point from N(true μ, σ²) and add it. */
static int post_draw(post_view *s, mx_app *app) {
  double x;
  mx_error err;
  if (s->post->n >= s->post->cap) {
    if (app) mx_app_status(app, "At most %d points: Left undoes one, R resets", s->post->cap);
    return MX_ETOOBIG;
  }
  x = s->true_mu + gsl_ran_gaussian(s->rng, sqrt(s->sigma2));
  s->draws++;
  if (post_sync(s, &err) != MX_OK || mx_posterior_push(s->post, x, &err) != MX_OK) {
    if (app) mx_app_error(app, "%s", err.msg);
    return err.code;
  }
  return MX_OK;
}

static void post_reset(post_view *s) {
  mx_posterior_reset(s->post);
  post_reseed(s);
  s->playing = 0;
}

static void *post_create(mx_app *app, mx_error *err) {
  post_view *s = calloc(1, sizeof *s);
  (void)app;
  if (!s) {
    mx_error_set(err, MX_ENOMEM, "out of memory");
    return NULL;
  }
  s->alpha = 0.0;
  s->gamma2 = 1.0;
  s->sigma2 = 4.0;
  s->true_mu = 2.0;
  s->seed = 1;
  s->rng = gsl_rng_alloc(gsl_rng_mt19937);
  s->post = mx_posterior_alloc(POST_CAP, s->alpha, s->gamma2, s->sigma2, err);
  if (!s->rng || !s->post) {
    if (!s->rng) mx_error_set(err, MX_ENOMEM, "out of memory");
    mx_posterior_free(s->post);
    if (s->rng) gsl_rng_free(s->rng);
    free(s);
    return NULL;
  }
  post_reseed(s);
  return s;
}

static void post_destroy(void *st) {
  post_view *s = st;
  if (!s) return;
  mx_posterior_free(s->post);
  gsl_rng_free(s->rng);
  free(s->cols);
  free(s);
}

static int post_event(void *st, mx_app *app, const SDL_Event *ev) {
  post_view *s = st;
  SDL_Keycode k;
  int shift;
  if (ev->type != SDL_KEYDOWN) return 0;
  if (ev->key.keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)) return 0;
  k = ev->key.keysym.sym;
  shift = (ev->key.keysym.mod & KMOD_SHIFT) != 0;
  switch (k) {
  case SDLK_SPACE:
  case SDLK_RIGHT: /* step forward, as in the model views */
    post_draw(s, app);
    return 1;
  case SDLK_d: {
    int i, n = shift ? 100 : 10;
    for (i = 0; i < n; i++)
      if (post_draw(s, app) != MX_OK) break;
    mx_app_status(app, "Drew %d points from N(true mu = %.3g, sigma^2 = %.3g)", i, s->true_mu,
                  s->sigma2);
    return 1;
  }
  case SDLK_LEFT: /* step back, as in the model views */
  case SDLK_BACKSPACE:
    s->show_derivation = 0; /* Undo, Reset and Play close the card over the plot */
    if (mx_posterior_pop(s->post) != MX_OK) mx_app_status(app, "No points to undo");
    return 1;
  case SDLK_r:
    s->show_derivation = 0;
    post_reset(s);
    mx_app_status(app, "Reset: back to the prior (seed %lu)", s->seed);
    return 1;
  case SDLK_RETURN:
  case SDLK_KP_ENTER:
    s->playing = !s->playing;
    s->play_t = 0.0;
    s->show_derivation = 0;
    return 1;
  case SDLK_v:
    s->show_pred = !s->show_pred;
    return 1;
  case SDLK_e:
    s->show_derivation = !s->show_derivation;
    return 1;
  default:
    return 0;
  }
}

static void post_update(void *st, mx_app *app, double dt) {
  post_view *s = st;
  mx_error err;
  if (post_sync(s, &err) != MX_OK) mx_app_error(app, "%s", err.msg);
  if (!s->playing || mx_app_headless(app)) return;
  s->play_t += dt;
  while (s->play_t >= POST_PLAY_SECONDS) {
    s->play_t -= POST_PLAY_SECONDS;
    if (post_draw(s, app) != MX_OK) {
      s->playing = 0;
      break;
    }
  }
}

/* ---------------------------------------------------------------- drawing */

static void post_dashed_vline(mx_ui *ui, float x, float y0, float y1, mx_color c, float w, float dash) {
  mx_draw_dashes(ui, x, y0, x, y1, dash, 2 * dash, c, w);
}

/* Room for w column rectangles in s->cols; 0 if there is none. */
static int post_cols_reserve(post_view *s, int w) {
  if (w > s->cols_cap) {
    SDL_Rect *c = realloc(s->cols, (size_t)w * sizeof *c);
    if (!c) return 0;
    s->cols = c;
    s->cols_cap = w;
  }
  return 1;
}

/* Fill the region between two polylines sharing x (top and bottom, n points
 * each, x increasing, screen coordinates; bot NULL: the line y = base) as one
 * rectangle per pixel column: the pixels whose centres lie between the two
 * lines, as a triangle fill of the same region covers, sent in one
 * SDL_RenderFillRects call instead of two triangles per segment. */
static void post_fill_between(post_view *s, mx_ui *ui, const float *top, const float *bot, int n, float base,
                         mx_color c) {
  int px, px0, px1, i = 0, m = 0;
  if (n < 2 || c.a == 0) return;
  px0 = (int)ceilf(top[0] - 0.5f);
  px1 = (int)ceilf(top[2 * (n - 1)] - 0.5f); /* columns px0 .. px1-1 have centres inside */
  if (px1 <= px0 || !post_cols_reserve(s, px1 - px0)) return;
  for (px = px0; px < px1; px++) {
    float xc = (float)px + 0.5f, t, yt, yb;
    int y0, y1;
    while (i + 2 < n && top[2 * (i + 1)] < xc) i++;
    t = top[2 * i + 2] > top[2 * i] ? (xc - top[2 * i]) / (top[2 * i + 2] - top[2 * i]) : 0.0f;
    t = t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
    yt = top[2 * i + 1] + t * (top[2 * i + 3] - top[2 * i + 1]);
    yb = bot ? bot[2 * i + 1] + t * (bot[2 * i + 3] - bot[2 * i + 1]) : base;
    if (yb < yt) {
      float q = yb;
      yb = yt;
      yt = q;
    }
    y0 = (int)ceilf(yt - 0.5f);
    y1 = (int)ceilf(yb - 0.5f);
    if (y1 > y0) s->cols[m++] = (SDL_Rect){px, y0, 1, y1 - y0};
  }
  SDL_SetRenderDrawBlendMode(mx_ui_renderer(ui), c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
  SDL_SetRenderDrawColor(mx_ui_renderer(ui), c.r, c.g, c.b, c.a);
  if (m) SDL_RenderFillRects(mx_ui_renderer(ui), s->cols, m);
}

/* A curve as one thick line, with its straight stretches merged first. */
static void post_draw_curve(mx_ui *ui, float *xy, int n, mx_color c, float width) {
  mx_draw_polyline(ui, xy, mx_polyline_simplify(xy, n, 0.25f), c, width);
}

/* Density curve of N(mean, var) over the plot's x range into s->curve. */
static int post_density_curve(post_view *s, const mx_plot *p, double mean, double var) {
  int i, n = POST_CURVE_PTS;
  for (i = 0; i < n; i++) {
    double mu = p->x0 + (p->x1 - p->x0) * i / (n - 1);
    double y = exp(mx_normal_logpdf(mu, mean, var));
    float py = mx_plot_y(p, y);
    if (py < p->r.y - 4) py = (float)p->r.y - 4; /* clip tall peaks at the frame */
    s->curve[2 * i] = mx_plot_x(p, mu);
    s->curve[2 * i + 1] = py;
  }
  return n;
}

/* The long panel title if it fits in r (title font), else the short one. */
static const char *post_fit_title(mx_ui *ui, mx_rect r, const char *lng, const char *shrt) {
  int w;
  mx_text_size(ui, MX_FONT_LARGE, lng, &w, NULL);
  return w + mx_ui_px(ui, 40) <= r.w ? lng : shrt;
}

/* Width of a legend entry (sample + text + spacing). */
static int post_legend_width(mx_ui *ui, const char *text) {
  int tw;
  mx_text_size(ui, MX_FONT_BODY, text, &tw, NULL);
  return mx_ui_px(ui, 26) + mx_ui_px(ui, 8) + tw + mx_ui_px(ui, 20);
}

/* One legend entry at (*x, y): a line sample (style 0 solid, 1 dashed, 2 a dot) and text. */
static void post_legend_item(mx_ui *ui, int *x0, int y, mx_color c, int style, const char *text) {
  int lh = mx_line_height(ui, MX_FONT_BODY), sw = mx_ui_px(ui, 26), x = *x0, tw;
  float cy = (float)y + lh * 0.5f;
  if (style == 2) {
    mx_draw_circle(ui, x + sw * 0.5f, cy, 5.0f * mx_ui_scale(ui), c);
  } else if (style == 1) {
    mx_draw_dashes(ui, (float)x, cy, (float)(x + sw), cy, (float)mx_ui_px(ui, 4), (float)mx_ui_px(ui, 8), c,
                   2.0f * mx_ui_scale(ui));
  } else {
    mx_draw_line(ui, (float)x, cy, (float)(x + sw), cy, c, 3.5f * mx_ui_scale(ui));
  }
  tw = mx_text(ui, x + sw + mx_ui_px(ui, 8), y, MX_FONT_BODY, mx_ui_theme(ui)->text, "%s", text);
  *x0 = x + sw + mx_ui_px(ui, 8) + tw + mx_ui_px(ui, 20);
}

/* The main plot's legend under its title (wraps to a second row when narrow). */
static void post_main_plot_legend(const post_view *s, mx_ui *ui, mx_rect *inner, int have_lik) {
  const mx_theme *th = mx_ui_theme(ui);
  mx_color c_prior = th->comp[0], c_lik = th->comp[1], c_post = th->comp[2], c_true = th->text_dim;
  struct { mx_color c; int style; const char *text; } it[5];
  int nit = 0, k, total = 0, rowh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 6), rows, lx, ly;
  mx_rect leg;
  it[nit].c = c_prior, it[nit].style = 0, it[nit++].text = "prior N(α, γ²)";
  it[nit].c = c_lik, it[nit].style = 0,
  it[nit++].text = have_lik ? "likelihood ∝ N(x̄, σ²/n)" : "likelihood (no data yet)";
  it[nit].c = c_post, it[nit].style = 0, it[nit++].text = "posterior N(a, b²)";
  if (s->show_pred) it[nit].c = th->comp[3], it[nit].style = 1, it[nit++].text = "predictive N(a, b²+σ²)";
  it[nit].c = c_true, it[nit].style = 1, it[nit++].text = "true μ";
  for (k = 0; k < nit; k++) total += post_legend_width(ui, it[k].text);
  rows = total > inner->w ? 2 : 1;
  leg = mx_rect_cut_top(inner, rows * rowh);
  lx = leg.x + mx_ui_px(ui, 4);
  ly = leg.y;
  for (k = 0; k < nit; k++) {
    if (lx + post_legend_width(ui, it[k].text) > leg.x + leg.w && lx > leg.x + mx_ui_px(ui, 4)) {
      lx = leg.x + mx_ui_px(ui, 4);
      ly += rowh;
    }
    post_legend_item(ui, &lx, ly, it[k].c, it[k].style, it[k].text);
  }
}

/* The data as dots sitting on the axis; the newest is amber and raised. */
static void post_main_plot_data(mx_ui *ui, const mx_posterior *p, const mx_plot *pl, float base) {
  const mx_theme *th = mx_ui_theme(ui);
  mx_color c_data = th->text;
  int i;
  float rad = (p->n > 200 ? 3.5f : 5.5f) * mx_ui_scale(ui);
  for (i = 0; i < p->n; i++) {
    float x = mx_plot_x(pl, p->x[i]);
    if (i == p->n - 1) continue;
    mx_draw_circle(ui, x, base - rad - 1, rad, mx_view_alpha(c_data, p->n > 60 ? 120 : 210));
  }
  if (p->n > 0) {
    float x = mx_plot_x(pl, p->x[p->n - 1]);
    mx_draw_line(ui, x, base, x, base - (float)mx_ui_px(ui, 30), th->accent, 2.5f * mx_ui_scale(ui));
    mx_draw_circle(ui, x, base - (float)mx_ui_px(ui, 30), 7.0f * mx_ui_scale(ui), th->accent);
  }
}

static void post_draw_main_plot(post_view *s, mx_app *app, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  const mx_posterior *p = s->post;
  mx_color c_prior = th->comp[0], c_lik = th->comp[1], c_post = th->comp[2];
  mx_color c_true = th->text_dim;
  double lo, hi, ymax, a, b2, lm = 0, lv = 0, pm, pv, pad;
  int have_lik, i, n;
  float base;
  mx_plot pl;
  mx_rect inner = mx_panel(ui, r, post_fit_title(ui, r, "Prior  ×  likelihood  ∝  posterior      (in μ)",
                                             "Prior × likelihood ∝ posterior"));
  int axis_l = mx_ui_px(ui, 56), axis_b = mx_ui_px(ui, 58);

  mx_posterior_current(p, &a, &b2);
  have_lik = mx_posterior_likelihood(p, &lm, &lv) == MX_OK;
  mx_posterior_predictive(p, &pm, &pv);

  post_main_plot_legend(s, ui, &inner, have_lik);

  /* x range: the prior ±3.5γ, the truth ±3σ, and every data point. */
  lo = fmin(s->alpha - 3.5 * sqrt(s->gamma2), s->true_mu - 3.0 * sqrt(s->sigma2));
  hi = fmax(s->alpha + 3.5 * sqrt(s->gamma2), s->true_mu + 3.0 * sqrt(s->sigma2));
  for (i = 0; i < p->n; i++) {
    lo = fmin(lo, p->x[i]);
    hi = fmax(hi, p->x[i]);
  }
  pad = 0.04 * (hi - lo);
  lo -= pad;
  hi += pad;
  /* y range: the tallest of the three curves (the posterior is the narrowest). */
  ymax = 1.0 / sqrt(2.0 * M_PI * s->gamma2);
  ymax = fmax(ymax, 1.0 / sqrt(2.0 * M_PI * b2));
  if (have_lik) ymax = fmax(ymax, 1.0 / sqrt(2.0 * M_PI * lv));
  ymax *= 1.12;

  pl.r = inner;
  pl.r.x += axis_l;
  pl.r.w -= axis_l + mx_ui_px(ui, 8);
  pl.r.h -= axis_b;
  pl.x0 = lo;
  pl.x1 = hi;
  pl.y0 = 0.0;
  pl.y1 = ymax;
  mx_draw_axes(ui, &pl, "μ   (and the data x, on the same axis)", "density");
  base = mx_plot_y(&pl, 0.0);

  /* fills first (prior, posterior), then the lines on top */
  n = post_density_curve(s, &pl, s->alpha, s->gamma2);
  post_fill_between(s, ui, s->curve, NULL, n, base, mx_view_alpha(c_prior, 40));
  n = post_density_curve(s, &pl, a, b2);
  post_fill_between(s, ui, s->curve, NULL, n, base, mx_view_alpha(c_post, 70));
  /* likelihood, normalised in μ */
  if (have_lik) {
    n = post_density_curve(s, &pl, lm, lv);
    post_draw_curve(ui, s->curve, n, c_lik, 3.0f * mx_ui_scale(ui));
  }
  /* predictive (optional), dotted */
  if (s->show_pred) {
    mx_segment seg[POST_CURVE_PTS / 2];
    int m = 0;
    n = post_density_curve(s, &pl, pm, pv);
    for (i = 0; i + 1 < n; i += 2, m++)
      seg[m] = (mx_segment){s->curve[2 * i], s->curve[2 * i + 1], s->curve[2 * i + 2], s->curve[2 * i + 3],
                            2.5f * mx_ui_scale(ui), th->comp[3]};
    mx_draw_segments(ui, seg, m);
  }
  /* posterior */
  n = post_density_curve(s, &pl, a, b2);
  post_draw_curve(ui, s->curve, n, c_post, 4.5f * mx_ui_scale(ui));
  /* the prior line last, so it stays visible where the posterior equals it (n = 0) */
  n = post_density_curve(s, &pl, s->alpha, s->gamma2);
  post_draw_curve(ui, s->curve, n, c_prior, 2.5f * mx_ui_scale(ui));

  /* true μ and the posterior mean */
  post_dashed_vline(ui, mx_plot_x(&pl, s->true_mu), (float)pl.r.y, base, c_true, 2.0f * mx_ui_scale(ui),
               (float)mx_ui_px(ui, 7));
  mx_draw_line(ui, mx_plot_x(&pl, a), mx_plot_y(&pl, 1.0 / sqrt(2.0 * M_PI * b2)), mx_plot_x(&pl, a),
               base, mx_view_alpha(c_post, 200), 2.0f * mx_ui_scale(ui));
  post_main_plot_data(ui, p, &pl, base);
  if (p->n == 0)
    mx_text_in(ui, (mx_rect){pl.r.x, pl.r.y + mx_ui_px(ui, 6), pl.r.w - mx_ui_px(ui, 12),
                             mx_line_height(ui, MX_FONT_BODY)},
               MX_FONT_BODY, MX_ALIGN_RIGHT, th->accent, "Space: draw a point  ·  click: put one here");

  /* click on the axis: a point at that μ; right click: undo */
  if (mx_ui_clicked(ui, pl.r, 1)) {
    int mx, my;
    mx_error err;
    mx_ui_mouse(ui, &mx, &my);
    if (post_sync(s, &err) != MX_OK || mx_posterior_push(s->post, mx_plot_inv_x(&pl, (float)mx), &err) != MX_OK)
      mx_app_error(app, "%s", err.msg);
  }
  if (mx_ui_clicked(ui, pl.r, 3)) {
    mx_posterior_pop(s->post);
    s->show_derivation = 0;
  }
}

/* The funnel: posterior mean ± 2b and the running sample mean against n. */
static void post_draw_funnel(post_view *s, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  const mx_posterior *p = s->post;
  int nmax = p->n < 10 ? 10 : p->n, i, axis_l = mx_ui_px(ui, 56), axis_b = mx_ui_px(ui, 52);
  double lo = s->alpha - 3.0 * sqrt(s->gamma2), hi = s->alpha + 3.0 * sqrt(s->gamma2), run = 0;
  mx_plot pl;
  mx_rect inner = mx_panel(ui, r,
                           post_fit_title(ui, r, "Shrinkage with n: posterior mean ± 2b  vs  sample mean x̄",
                                          "Shrinkage: a ± 2b vs x̄"));
  float *band = s->curve; /* reuse scratch: up to POST_CURVE_PTS points */
  int stride = (p->n + 1 + POST_CURVE_PTS / 2 - 1) / (POST_CURVE_PTS / 2), m;
  if (stride < 1) stride = 1;
  for (i = 0; i < p->n; i++) {
    lo = fmin(lo, p->x[i]);
    hi = fmax(hi, p->x[i]);
  }
  lo = fmin(lo, s->true_mu);
  hi = fmax(hi, s->true_mu);
  {
    double pad = 0.06 * (hi - lo);
    lo -= pad;
    hi += pad;
  }
  pl.r = inner;
  pl.r.x += axis_l;
  pl.r.w -= axis_l + mx_ui_px(ui, 8);
  pl.r.h -= axis_b;
  pl.x0 = 0;
  pl.x1 = nmax;
  pl.y0 = lo;
  pl.y1 = hi;
  mx_draw_axes(ui, &pl, "n  (points seen)", "μ");
  /* ±2b band as a filled strip between its upper and lower edges, sampled at
   * every stride-th n and at the last (clamped to the plot frame) */
  if (p->n > 0) {
    float up[2 * (POST_CURVE_PTS / 2 + 2)], dn[2 * (POST_CURVE_PTS / 2 + 2)];
    float ylo = (float)pl.r.y, yhi = (float)(pl.r.y + pl.r.h);
    int q = 0;
    for (i = 0;; i += stride) {
      int ii = i > p->n ? p->n : i;
      double sd = 2.0 * sqrt(p->b2[ii]);
      up[2 * q] = dn[2 * q] = mx_plot_x(&pl, ii);
      up[2 * q + 1] = fmaxf(ylo, fminf(mx_plot_y(&pl, p->a[ii] + sd), yhi));
      dn[2 * q + 1] = fmaxf(ylo, fminf(mx_plot_y(&pl, p->a[ii] - sd), yhi));
      q++;
      if (ii == p->n) break;
    }
    post_fill_between(s, ui, up, dn, q, 0.0f, (mx_color){th->comp[2].r, th->comp[2].g, th->comp[2].b, 60});
  }
  /* true μ and prior mean α as reference lines */
  {
    float y = mx_plot_y(&pl, s->true_mu);
    mx_draw_dashes(ui, (float)pl.r.x, y, (float)(pl.r.x + pl.r.w), y, (float)mx_ui_px(ui, 7),
                   (float)mx_ui_px(ui, 14), th->text_dim, 2.0f * mx_ui_scale(ui));
    y = mx_plot_y(&pl, s->alpha);
    mx_draw_line(ui, (float)pl.r.x, y, (float)(pl.r.x + pl.r.w), y, mx_view_alpha(th->comp[0], 150),
                 2.0f * mx_ui_scale(ui));
  }
  /* data points at their arrival index */
  for (i = 0; i < p->n; i++)
    mx_draw_circle(ui, mx_plot_x(&pl, i + 1), mx_plot_y(&pl, p->x[i]), (p->n > 100 ? 2.5f : 4.0f) * mx_ui_scale(ui),
                   mx_view_alpha(th->text, p->n > 100 ? 90 : 160));
  /* running sample mean (likelihood centre) */
  m = 0;
  for (i = 0; i < p->n; i++) {
    run += p->x[i];
    if ((i + 1) % stride == 0 || i + 1 == p->n) {
      band[2 * m] = mx_plot_x(&pl, i + 1);
      band[2 * m + 1] = mx_plot_y(&pl, run / (i + 1));
      m++;
    }
  }
  post_draw_curve(ui, band, m, th->comp[1], 2.5f * mx_ui_scale(ui));
  /* posterior mean */
  m = 0;
  for (i = 0; i <= p->n; i += stride) {
    band[2 * m] = mx_plot_x(&pl, i);
    band[2 * m + 1] = mx_plot_y(&pl, p->a[i]);
    m++;
  }
  if ((p->n % stride) != 0) {
    band[2 * m] = mx_plot_x(&pl, p->n);
    band[2 * m + 1] = mx_plot_y(&pl, p->a[p->n]);
    m++;
  }
  post_draw_curve(ui, band, m, th->comp[2], 3.5f * mx_ui_scale(ui));
  /* the current posterior as a whisker a ± 2b at n */
  {
    float x = mx_plot_x(&pl, p->n), cap = (float)mx_ui_px(ui, 7), wd = 3.0f * mx_ui_scale(ui);
    double bb = 2.0 * sqrt(p->b2[p->n]);
    float y0 = mx_plot_y(&pl, p->a[p->n] - bb), y1 = mx_plot_y(&pl, p->a[p->n] + bb);
    mx_draw_line(ui, x, y0, x, y1, th->comp[2], wd);
    mx_draw_line(ui, x - cap, y0, x + cap, y0, th->comp[2], wd);
    mx_draw_line(ui, x - cap, y1, x + cap, y1, th->comp[2], wd);
    mx_draw_circle(ui, x, mx_plot_y(&pl, p->a[p->n]), 5.0f * mx_ui_scale(ui), th->comp[2]);
  }
}

/* One line of body text at the top of *c, which loses h; 0 (nothing drawn) if it does not fit. */
static int post_text_row(mx_ui *ui, mx_rect *c, int h, mx_color col, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 5, 6)))
#endif
  ;
static int post_text_row(mx_ui *ui, mx_rect *c, int h, mx_color col, const char *fmt, ...) {
  char buf[256];
  va_list ap;
  if (c->h < mx_line_height(ui, MX_FONT_BODY)) return 0;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  mx_text(ui, c->x, c->y, MX_FONT_BODY, col, "%s", buf);
  mx_rect_cut_top(c, h);
  return 1;
}

static void post_draw_controls(post_view *s, mx_app *app, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  const mx_posterior *p = s->post;
  mx_rect c = mx_panel(ui, r, "Model");
  int sh = mx_line_height(ui, MX_FONT_BODY) * 2 - mx_ui_px(ui, 2), gap = mx_ui_px(ui, 6);
  int lh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 3);
  int bh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 14);
  double a, b2, xbar, lv, w;
  mx_rect row;
  char buf[200];

  mx_slider(ui, mx_rect_cut_top(&c, sh), "prior mean α", &s->alpha, -5.0, 5.0, "%.2f", 0);
  mx_rect_cut_top(&c, gap);
  mx_slider(ui, mx_rect_cut_top(&c, sh), "prior variance γ²", &s->gamma2, 0.01, 25.0, "%.3g", 1);
  mx_rect_cut_top(&c, gap);
  mx_slider(ui, mx_rect_cut_top(&c, sh), "noise variance σ²", &s->sigma2, 0.01, 25.0, "%.3g", 1);
  mx_rect_cut_top(&c, gap);
  mx_slider(ui, mx_rect_cut_top(&c, sh), "true μ (for Space / D)", &s->true_mu, -5.0, 5.0, "%.2f", 0);
  mx_rect_cut_top(&c, gap + mx_ui_px(ui, 4));
  row = mx_rect_cut_top(&c, bh);
  {
    int bw = (row.w - 2 * gap) / 3;
    if (mx_button(ui, mx_rect_cut_left(&row, bw), "+1  Space")) post_draw(s, app);
    mx_rect_cut_left(&row, gap);
    if (mx_button(ui, mx_rect_cut_left(&row, bw), "Undo  ←")) {
      mx_posterior_pop(s->post);
      s->show_derivation = 0;
    }
    mx_rect_cut_left(&row, gap);
    if (mx_button(ui, row, "Reset  R")) {
      post_reset(s);
      s->show_derivation = 0;
    }
  }
  mx_rect_cut_top(&c, gap + mx_ui_px(ui, 4));
  if (post_sync(s, NULL) != MX_OK) return;

  /* the numbers, with the formula (lines that do not fit are left out) */
  mx_posterior_current(p, &a, &b2);
  w = mx_posterior_prior_weight(p);
  mx_draw_rect(ui, (mx_rect){c.x, c.y, c.w, 1}, th->border);
  mx_rect_cut_top(&c, gap);
  if (c.h < mx_line_height(ui, MX_FONT_LARGE)) return;
  mx_text(ui, c.x, c.y, MX_FONT_LARGE, th->text, "n = %d", p->n);
  if (mx_posterior_likelihood(p, &xbar, &lv) == MX_OK) {
    snprintf(buf, sizeof buf, "x̄ = %.4g", xbar);
    mx_text_in(ui, (mx_rect){c.x, c.y, c.w, mx_line_height(ui, MX_FONT_LARGE)}, MX_FONT_LARGE,
               MX_ALIGN_RIGHT, th->comp[1], buf);
  }
  mx_rect_cut_top(&c, mx_line_height(ui, MX_FONT_LARGE) + gap);
  if (!post_text_row(ui, &c, lh, th->text_dim, "1/b² = 1/γ² + n/σ²") ||
      !post_text_row(ui, &c, lh, th->text, "   = 1/%.3g + %d/%.3g = %.4g", s->gamma2, p->n, s->sigma2,
                     1.0 / b2) ||
      !post_text_row(ui, &c, lh + gap, th->comp[2], "b² = %.4g     (b = %.4g)", b2, sqrt(b2)) ||
      !post_text_row(ui, &c, lh, th->text_dim, "a = b² (α/γ² + Σx/σ²)") ||
      !post_text_row(ui, &c, lh, th->text, "   = %.4g × (%.3g + %.4g)", b2, s->alpha / s->gamma2,
                    mx_posterior_sum_over(p, s->sigma2)) ||
      !post_text_row(ui, &c, lh + gap, th->comp[2], "a = %.5g", a) ||
      !post_text_row(ui, &c, lh, th->text_dim, "a = w·α + (1−w)·x̄,  w = σ²/(σ²+nγ²)") ||
      !post_text_row(ui, &c, lh, th->text, "   w = %.3f  (weight on the prior)", w))
    return;
  if (c.h >= mx_line_height(ui, MX_FONT_SMALL) + mx_ui_px(ui, 6)) {
    /* a bar showing w: the prior's share of a against the data's */
    mx_rect bar = mx_rect_cut_top(&c, mx_line_height(ui, MX_FONT_SMALL) + mx_ui_px(ui, 6));
    int wp = (int)lround(bar.w * w);
    char lab[64];
    mx_draw_rect(ui, (mx_rect){bar.x, bar.y, wp, bar.h}, th->comp[0]);
    mx_draw_rect(ui, (mx_rect){bar.x + wp, bar.y, bar.w - wp, bar.h}, th->comp[1]);
    snprintf(lab, sizeof lab, " prior %.0f%%", 100.0 * w);
    mx_text_in(ui, bar, MX_FONT_SMALL, MX_ALIGN_LEFT, th->bg, lab);
    snprintf(lab, sizeof lab, "data %.0f%% ", 100.0 * (1.0 - w));
    mx_text_in(ui, bar, MX_FONT_SMALL, MX_ALIGN_RIGHT, th->bg, lab);
  }
  mx_rect_cut_top(&c, gap * 2);
  {
    double pm, pv;
    mx_posterior_predictive(p, &pm, &pv);
    if (!post_text_row(ui, &c, lh, th->text_dim, "predictive N(a, b²+σ²) = N(%.3g, %.3g)", pm, pv)) return;
    post_text_row(ui, &c, lh, th->text_dim, "log p(x₁…xₙ) = %.4f", p->log_marginal);
  }
}

static const char *const derivation[] = {
  "Completing the square",
  "p(μ | x) ∝ p(μ) Π p(xᵢ | μ)",
  "   ∝ exp(−(μ−α)²/2γ²) · exp(−Σ(xᵢ−μ)²/2σ²)",
  "Exponent, as a quadratic in μ:",
  "   −½ [ μ²(1/γ² + n/σ²) − 2μ(α/γ² + Σx/σ²) ] + const",
  "A Gaussian N(a, b²) has exponent −½ [ μ²/b² − 2μa/b² ] + const.",
  "Match the μ² and μ terms:",
  "   1/b² = 1/γ² + n/σ²          (precisions add)",
  "   a/b² = α/γ² + Σx/σ²   ⇒   a = b²(α/γ² + Σx/σ²)",
  "   a = w·α + (1−w)·x̄,   w = b²/γ² = σ²/(σ² + nγ²)",
  "One point at a time: yesterday's posterior is today's prior.",
  "Predictive of the next point: N(a, b² + σ²).",
};

static void post_draw_derivation(mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  int lh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 6), i, n = (int)(sizeof derivation / sizeof *derivation);
  mx_rect card;
  card.w = r.w < mx_ui_px(ui, 760) ? r.w : mx_ui_px(ui, 760);
  card.h = lh * (n - 1) + mx_line_height(ui, MX_FONT_LARGE) + mx_ui_px(ui, 50);
  card.x = r.x + (r.w - card.w) / 2;
  card.y = r.y + (r.h - card.h) / 2;
  mx_draw_round_rect(ui, mx_rect_inset(card, -2), (float)mx_ui_px(ui, 10), th->accent);
  card = mx_panel(ui, card, derivation[0]);
  for (i = 1; i < n; i++) {
    int indent = derivation[i][0] == ' ';
    mx_text(ui, card.x, card.y + (i - 1) * lh, MX_FONT_BODY, indent ? th->text : th->text_dim, "%s",
            derivation[i]);
  }
}

static void post_draw_view(void *st, mx_app *app, mx_ui *ui, mx_rect area) {
  post_view *s = st;
  mx_rect r = mx_rect_inset(area, mx_ui_px(ui, 12)), right, top;
  int gap = mx_ui_px(ui, 12);
  right = mx_rect_cut_right(&r, mx_ui_px(ui, 400));
  mx_rect_cut_right(&r, gap);
  post_draw_controls(s, app, ui, right);
  top = mx_rect_cut_top(&r, (r.h - gap) * 62 / 100);
  mx_rect_cut_top(&r, gap);
  post_draw_main_plot(s, app, ui, top);
  post_draw_funnel(s, ui, r);
  if (s->show_derivation) post_draw_derivation(ui, area);
}

/* ---------------------------------------------------------------- set / save / load */

static int post_set(void *st, mx_app *app, const char *key, const char *value, mx_error *err) {
  post_view *s = st;
  double d;
  (void)app;
  if (!strcmp(key, "alpha") || !strcmp(key, "true_mu")) {
    if (mx_view_parse_double(value, -1e6, 1e6, MX_VIEW_CLOSED, &d))
      return mx_error_set(err, MX_EINVAL, "posterior: %s=%s: expected a number in [-1e6, 1e6]", key, value);
    if (!strcmp(key, "alpha")) s->alpha = d;
    else s->true_mu = d;
  } else if (!strcmp(key, "gamma2") || !strcmp(key, "sigma2")) {
    if (mx_view_parse_double(value, 0, 1e6, MX_VIEW_OPEN_LO, &d))
      return mx_error_set(err, MX_EINVAL, "posterior: %s=%s: a variance must be a number in (0, 1e6]", key,
                          value);
    if (!strcmp(key, "gamma2")) s->gamma2 = d;
    else s->sigma2 = d;
  } else if (!strcmp(key, "seed")) {
    if (mx_view_parse_double(value, 0, 4294967295.0, MX_VIEW_CLOSED, &d) || d != floor(d))
      return mx_error_set(err, MX_EINVAL, "posterior: seed=%s: expected an integer in [0, 4294967295]", value);
    s->seed = (unsigned long)d;
    post_reset(s);
  } else if (!strcmp(key, "draw")) {
    int i;
    if (mx_view_parse_double(value, 0, POST_CAP, MX_VIEW_CLOSED, &d) || d != floor(d))
      return mx_error_set(err, MX_EINVAL, "posterior: draw=%s: expected a count in [0, %d]", value, POST_CAP);
    for (i = 0; i < (int)d; i++)
      if (post_draw(s, NULL) != MX_OK) break;
  } else if (!strcmp(key, "data")) {
    /* comma-separated points added in order, e.g. data=1,2.5,-0.3 */
    const char *q;
    int pos, pass;
    if (post_sync(s, err) != MX_OK) return MX_EINVAL;
    /* pass 0 validates the whole list, pass 1 adds it: a bad list changes nothing */
    for (pass = 0; pass < 2; pass++) {
      for (q = value, pos = 1; q && *q; pos++) {
        char *end;
        double x = strtod(q, &end);
        if (end == q || !isfinite(x) || (*end && *end != ','))
          return mx_error_set(err, MX_EINVAL, "posterior: data: value %d is not a finite number", pos);
        if (pass == 0 && s->post->n + pos > s->post->cap)
          return mx_error_set(err, MX_EINVAL, "posterior: data: at most %d points", s->post->cap);
        if (pass == 1) mx_posterior_push(s->post, x, NULL);
        q = *end ? end + 1 : end;
      }
    }
  } else if (!strcmp(key, "predictive")) {
    if (!value || (strcmp(value, "0") && strcmp(value, "1")))
      return mx_error_set(err, MX_EINVAL, "posterior: predictive=%s: expected 0 or 1", value ? value : "");
    s->show_pred = value[0] == '1';
  } else if (!strcmp(key, "derivation")) {
    if (!value || (strcmp(value, "0") && strcmp(value, "1")))
      return mx_error_set(err, MX_EINVAL, "posterior: derivation=%s: expected 0 or 1", value ? value : "");
    s->show_derivation = value[0] == '1';
  } else {
    return mx_error_set(err, MX_EINVAL,
                        "posterior: unknown option '%s' (alpha, gamma2, sigma2, true_mu, seed, draw, data, "
                        "predictive, derivation)",
                        key);
  }
  return post_sync(s, err) == MX_OK ? MX_OK : MX_EINVAL;
}

static cJSON *post_save(void *st, mx_app *app) {
  post_view *s = st;
  cJSON *o = cJSON_CreateObject();
  double a, b2;
  (void)app;
  post_sync(s, NULL);
  mx_posterior_current(s->post, &a, &b2);
  cJSON_AddNumberToObject(o, "alpha", s->alpha);
  cJSON_AddNumberToObject(o, "gamma2", s->gamma2);
  cJSON_AddNumberToObject(o, "sigma2", s->sigma2);
  cJSON_AddNumberToObject(o, "true_mu", s->true_mu);
  cJSON_AddNumberToObject(o, "seed", (double)s->seed);
  cJSON_AddNumberToObject(o, "draws", (double)s->draws);
  cJSON_AddItemToObject(o, "data", cJSON_CreateDoubleArray(s->post->x, s->post->n));
  cJSON_AddBoolToObject(o, "predictive", s->show_pred);
  cJSON_AddBoolToObject(o, "derivation", s->show_derivation);
  /* derived, for readers of the scene (ignored by load) */
  cJSON_AddNumberToObject(o, "n", s->post->n);
  cJSON_AddNumberToObject(o, "a", a);
  cJSON_AddNumberToObject(o, "b2", b2);
  return o;
}

static int post_json_num(const cJSON *j, const char *key, double lo, double hi, double *out, int positive,
                    mx_error *err) {
  const cJSON *it = cJSON_GetObjectItem(j, key);
  if (!it) return 0; /* absent: keep */
  if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) || it->valuedouble < lo || it->valuedouble > hi ||
      (positive && !(it->valuedouble > 0)))
    return positive ? mx_error_set(err, MX_EINVAL, "posterior scene: \"%s\" must be a number in (0, %g]",
                                   key, hi)
                    : mx_error_set(err, MX_EINVAL, "posterior scene: \"%s\" must be a number in [%g, %g]",
                                   key, lo, hi);
  *out = it->valuedouble;
  return 0;
}

static int post_load(void *st, mx_app *app, const cJSON *j, mx_error *err) {
  post_view *s = st;
  double alpha = s->alpha, gamma2 = s->gamma2, sigma2 = s->sigma2, true_mu = s->true_mu;
  double seed = (double)s->seed, draws = 0;
  const cJSON *data = cJSON_GetObjectItem(j, "data"), *it;
  int n = 0, i;
  (void)app;
  if (!cJSON_IsObject(j)) return mx_error_set(err, MX_EINVAL, "posterior scene: expected an object");
  if (post_json_num(j, "alpha", -1e6, 1e6, &alpha, 0, err) ||
      post_json_num(j, "gamma2", 0, 1e6, &gamma2, 1, err) ||
      post_json_num(j, "sigma2", 0, 1e6, &sigma2, 1, err) ||
      post_json_num(j, "true_mu", -1e6, 1e6, &true_mu, 0, err) ||
      post_json_num(j, "seed", 0, 4294967295.0, &seed, 0, err) ||
      post_json_num(j, "draws", 0, 1e6, &draws, 0, err)) /* replayed: bounded */
    return MX_EINVAL;
  if (data) {
    if (!cJSON_IsArray(data)) return mx_error_set(err, MX_EINVAL, "posterior scene: \"data\" must be an array");
    n = cJSON_GetArraySize(data);
    if (n > POST_CAP) return mx_error_set(err, MX_EINVAL, "posterior scene: at most %d data points", POST_CAP);
    i = 0;
    cJSON_ArrayForEach(it, data) {
      if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
        return mx_error_set(err, MX_EINVAL, "posterior scene: data[%d] is not a finite number", i);
      i++;
    }
  }
  /* valid: apply */
  s->alpha = alpha;
  s->gamma2 = gamma2;
  s->sigma2 = sigma2;
  s->true_mu = true_mu;
  s->seed = (unsigned long)seed;
  post_reset(s);
  post_sync(s, NULL);
  /* replay the RNG to where it was, so the next Space draws the same point */
  for (i = 0; i < (long)draws; i++) gsl_ran_gaussian(s->rng, 1.0);
  s->draws = (long)draws;
  if (data) cJSON_ArrayForEach(it, data) mx_posterior_push(s->post, it->valuedouble, NULL);
  if ((it = cJSON_GetObjectItem(j, "predictive"))) s->show_pred = cJSON_IsTrue(it);
  if ((it = cJSON_GetObjectItem(j, "derivation"))) s->show_derivation = cJSON_IsTrue(it);
  return MX_OK;
}

const mx_view mx_view_posterior = {
  "posterior", "Posterior", post_create, post_destroy, post_event, post_update,
  post_draw_view, post_set, post_save, post_load};
