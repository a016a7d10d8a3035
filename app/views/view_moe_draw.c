/* mixscope — the mixture-of-experts view: the caches, the heatmap, the main
 * plot, the gate strip and the side panel (see view_moe.h). */
#include "view_moe.h"

/* ---------------------------------------------------------------- drawing */

/* Per-version caches: the likeliest component of every point, the components'
 * shares Σ_i r_ik, and μ_k, π_k at the MOE_CURVE_PTS samples of the mean curves
 * (over the data's x range). */
static void moe_cache_update(moe_view *s) {
  const int K = s->k, N = s->n_data;
  double g[MX_MOE_MAX_K], mu[MX_MOE_MAX_K], pi[MX_MOE_MAX_K];
  int i, c;
  if (s->cache_ok && s->cache_version == s->version) return;
  if (s->best_cap < N) { /* if this fails, best_cap stays short and the points are drawn in one colour */
    unsigned char *b = realloc(s->best, (size_t)N);
    if (b) {
      s->best = b;
      s->best_cap = N;
    }
  }
  for (c = 0; c < K; c++) s->share[c] = 0.0;
  for (i = 0; i < N; i++) {
    int bi = 0;
    moe_model_resp(s, i, g);
    for (c = 0; c < K; c++) s->share[c] += g[c];
    for (c = 1; c < K; c++)
      if (g[c] > g[bi]) bi = c;
    if (s->best_cap >= N) s->best[i] = (unsigned char)bi;
  }
  for (i = 0; i < MOE_CURVE_PTS; i++) {
    double x = s->xlo + (s->xhi - s->xlo) * i / (MOE_CURVE_PTS - 1);
    moe_model_eval(s, x, mu, NULL, pi);
    for (c = 0; c < K; c++) {
      s->cmu[c * MOE_CURVE_PTS + i] = mu[c];
      s->cpi[c * MOE_CURVE_PTS + i] = pi[c];
    }
  }
  s->cache_version = s->version;
  s->cache_ok = 1;
}

/* μ_k, σ_k, π_k at the centre of every pixel column of the plot (bands, gate
 * strip); recomputed when the model or the plot's x mapping changes. Returns
 * the column array (pl->r.w, 3K) or NULL (out of memory: nothing is drawn). */
static const double *moe_columns(moe_view *s, const mx_plot *pl) {
  const int K = s->k, W = pl->r.w;
  int px;
  if (W <= 0) return NULL;
  if (s->col_cap < W) {
    double *col = realloc(s->col, (size_t)W * 3 * MX_MOE_MAX_K * sizeof *col);
    SDL_Rect *rects;
    unsigned char *ra;
    if (!col) return NULL;
    s->col = col;
    rects = realloc(s->rects, (size_t)W * MX_MOE_MAX_K * sizeof *rects);
    if (!rects) return NULL;
    s->rects = rects;
    ra = realloc(s->ralpha, (size_t)W);
    if (!ra) return NULL;
    s->ralpha = ra;
    s->col_cap = W;
    s->col_version = s->version - 1; /* force a refill */
  }
  if (s->col_version != s->version || s->col_pl.r.x != pl->r.x || s->col_pl.r.w != W ||
      s->col_pl.x0 != pl->x0 || s->col_pl.x1 != pl->x1) {
    for (px = 0; px < W; px++) {
      double *q = s->col + (size_t)px * 3 * K;
      moe_model_eval(s, mx_plot_inv_x(pl, (float)(pl->r.x + px) + 0.5f), q, q + K, q + 2 * K);
    }
    s->col_pl = *pl;
    s->col_version = s->version;
  }
  return s->col;
}

/* p(t | x) on the grid, coloured with magma on a square-root scale. The
 * mixture's parameters depend on x only: core evaluates them once per grid
 * column and then each cell costs K exponentials. */
static void moe_heat_update(moe_view *s) {
  double t[MOE_HEAT_H], col[MOE_HEAT_H], cmax[MOE_HEAT_W];
  int i, j, c;
  double mx = 0.0;
  for (j = 0; j < MOE_HEAT_H; j++) t[j] = s->thi - (s->thi - s->tlo) * (j + 0.5) / MOE_HEAT_H;
  /* pass 1: the densities, kept (to 7 digits: the colour is 8 bits of
   * sqrt(p / pmax)) as floats relative to their column's maximum, in the
   * pixel buffer itself */
  for (i = 0; i < MOE_HEAT_W; i++) {
    double x = s->xlo + (s->xhi - s->xlo) * (i + 0.5) / MOE_HEAT_W, cm = 0.0;
    if (s->mode) mx_mdn_cond_pdf_many(s->mdn, x, t, MOE_HEAT_H, col);
    else mx_moe_cond_pdf_many(s->m, x, t, MOE_HEAT_H, col);
    for (j = 0; j < MOE_HEAT_H; j++)
      if (col[j] > cm) cm = col[j];
    for (j = 0; j < MOE_HEAT_H; j++) {
      float rel = cm > 0.0 ? (float)(col[j] / cm) : 0.0f;
      memcpy(&s->heat[j * MOE_HEAT_W + i], &rel, sizeof rel);
    }
    cmax[i] = cm;
    if (cm > mx) mx = cm;
  }
  s->heat_max = mx > 0 ? mx : 1.0;
  /* pass 2, in place: mx_cmap(MX_CMAP_MAGMA, sqrt(p / pmax), 0, 1) inlined,
   * the same linear interpolation between its 33 anchor colours (read back
   * from mx_cmap at the anchors), without a call and NaN checks per cell */
  {
    int anchor[33][3];
    for (i = 0; i <= 32; i++) {
      mx_color a = mx_cmap(MX_CMAP_MAGMA, i / 32.0, 0.0, 1.0);
      anchor[i][0] = a.r, anchor[i][1] = a.g, anchor[i][2] = a.b;
    }
    for (j = 0; j < MOE_HEAT_H; j++)
      for (i = 0; i < MOE_HEAT_W; i++) {
        uint32_t *px = &s->heat[j * MOE_HEAT_W + i], rgb[3];
        double v, f;
        float rel;
        int q;
        memcpy(&rel, px, sizeof rel);
        v = sqrt(rel * (cmax[i] / s->heat_max));
        if (!(v > 0)) v = 0;
        if (v > 1) v = 1;
        f = v * 32.0;
        q = (int)f;
        if (q >= 32) q = 31;
        f -= q;
        for (c = 0; c < 3; c++)
          rgb[c] = (uint32_t)(uint8_t)lround(anchor[q][c] + (anchor[q + 1][c] - anchor[q][c]) * f);
        *px = (uint32_t)255 << 24 | rgb[0] << 16 | rgb[1] << 8 | rgb[2]; /* ARGB8888 */
      }
  }
}

static void moe_draw_heat_bar(moe_view *s, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  int y, lh = mx_line_height(ui, MX_FONT_SMALL);
  mx_rect bar = {r.x, r.y + lh / 2, mx_ui_px(ui, 14), r.h - lh};
  double ticks[3] = {0.0, 0.5, 1.0};
  int k;
  /* the colour ramp: a one-pixel-wide texture made once per bar height,
   * stretched sideways. The bar is linear in p: the pixel at height f of the
   * bar has the heatmap's colour of p = f pmax, cmap(sqrt(f)) */
  if (bar.h > 0) {
    uint32_t *ramp = s->bar_h != bar.h || !s->bar_tex ? malloc((size_t)bar.h * sizeof *ramp) : NULL;
    if (ramp) {
      for (y = 0; y < bar.h; y++) {
        mx_color c = mx_cmap(MX_CMAP_MAGMA, sqrt(1.0 - (y + 0.5) / bar.h), 0.0, 1.0);
        ramp[y] = (uint32_t)c.r | (uint32_t)c.g << 8 | (uint32_t)c.b << 16 | (uint32_t)c.a << 24;
      }
      mx_draw_rgba(ui, &s->bar_tex, 1, bar, ramp, 1, bar.h);
      s->bar_h = bar.h;
      free(ramp);
    } else if (s->bar_tex && s->bar_h == bar.h) {
      mx_draw_rgba(ui, &s->bar_tex, 0, bar, NULL, 1, bar.h);
    }
  }
  mx_draw_rect_outline(ui, bar, th->border, 1);
  for (k = 0; k < 3; k++) {
    /* bar position is p / pmax (linear) */
    int ty = bar.y + bar.h - (int)lround(bar.h * ticks[k]);
    mx_draw_rect(ui, (mx_rect){bar.x + bar.w, ty, mx_ui_px(ui, 4), 1}, th->text_dim);
    mx_text(ui, bar.x + bar.w + mx_ui_px(ui, 6), ty - lh / 2, MX_FONT_SMALL, th->text_dim, "%.3g",
            ticks[k] * s->heat_max);
  }
}

/* One expert's mean curve xy (n, 2) in screen coordinates, segment i-1 -> i
 * drawn with alpha 70 + 185 π_i and width lw (0.55 + 0.45 π_i). Runs of
 * segments that are straight (every point within 0.25 px of the chord) and
 * whose alpha and width hardly change (alpha within 2 of 255, width within
 * 0.1 px) are drawn as one segment: the flat, saturated stretches of a curve
 * cost one line instead of dozens, and a translucent line no longer shows a
 * darker dot at every joint. Segments far outside the plot (or wholly above /
 * below it, where the clip rectangle drops them) are skipped. */
static void moe_draw_gated_curve(mx_ui *ui, const mx_plot *pl, const float *xy, const double *pi, int n,
                             mx_color col, float lw) {
  const float far_top = (float)pl->r.y - 400, far_bot = (float)(pl->r.y + pl->r.h) + 400;
  const float top = (float)pl->r.y - lw, bot = (float)(pl->r.y + pl->r.h) + lw;
  mx_segment seg[MOE_CURVE_PTS]; /* the runs, sent to the renderer together */
  int a = -1, i, amin = 0, amax = 0, m = 0;
  float wmin = 0, wmax = 0;
  for (i = 1; i <= n; i++) {
    int ok = 0, al = 0;
    float w = 0;
    if (i < n) {
      float y0 = xy[2 * i - 1], y1 = xy[2 * i + 1];
      al = (int)(70 + 185 * pi[i]);
      w = lw * (float)(0.55 + 0.45 * pi[i]);
      ok = y1 >= far_top && y1 <= far_bot && y0 >= far_top && y0 <= far_bot && !(y0 < top && y1 < top) &&
           !(y0 > bot && y1 > bot);
    }
    if (a >= 0 && ok) { /* can segment i join the run a .. i-1? */
      int nmin = al < amin ? al : amin, nmax = al > amax ? al : amax, q, fits;
      float nwmin = fminf(w, wmin), nwmax = fmaxf(w, wmax);
      float ax = xy[2 * a], ay = xy[2 * a + 1], dx = xy[2 * i] - ax, dy = xy[2 * i + 1] - ay;
      float len = sqrtf(dx * dx + dy * dy);
      fits = nmax - nmin <= 2 && nwmax - nwmin <= 0.1f && len > 0.0f;
      for (q = a + 1; q < i && fits; q++)
        fits = fabsf((xy[2 * q] - ax) * dy - (xy[2 * q + 1] - ay) * dx) <= 0.25f * len;
      if (fits) {
        amin = nmin, amax = nmax, wmin = nwmin, wmax = nwmax;
        continue;
      }
    }
    if (a >= 0 && m < MOE_CURVE_PTS) /* draw the run a .. i-1 with its middle values */
      seg[m++] = (mx_segment){xy[2 * a], xy[2 * a + 1], xy[2 * (i - 1)], xy[2 * (i - 1) + 1],
                              0.5f * (wmin + wmax), mx_view_alpha(col, (amin + amax + 1) / 2)};
    a = ok ? i - 1 : -1;
    amin = amax = al;
    wmin = wmax = w;
  }
  mx_draw_segments(ui, seg, m);
}

/* The main plot's legend: data, experts, line (wraps to a second row when
 * narrow); cut from the top of *inner. */
static void moe_main_legend(moe_view *s, mx_ui *ui, mx_rect *inner, float lw) {
  const mx_theme *th = mx_ui_theme(ui);
  const int K = s->k;
  const char *txt[3];
  int widths[3], n = s->show_line ? 3 : 2, q, total = 0, rows, x, y, lhb = mx_line_height(ui, MX_FONT_BODY);
  int sw = mx_ui_px(ui, 26), sp = mx_ui_px(ui, 8), gapl = mx_ui_px(ui, 22), rowh = lhb + mx_ui_px(ui, 6);
  mx_rect leg;
  txt[0] = s->mode ? "data (colour: likeliest component)" : "data (colour: likeliest expert)";
  txt[1] = "μₖ(x) ± σₖ";
  txt[2] = "least-squares line";
  for (q = 0; q < n; q++) {
    mx_text_size(ui, MX_FONT_BODY, txt[q], &widths[q], NULL);
    widths[q] += sw + sp + gapl;
    total += widths[q];
  }
  rows = total > inner->w ? 2 : 1;
  leg = mx_rect_cut_top(inner, rows * rowh);
  x = leg.x + mx_ui_px(ui, 4);
  y = leg.y;
  for (q = 0; q < n; q++) {
    int cy;
    if (x + widths[q] - gapl > leg.x + leg.w && x > leg.x + mx_ui_px(ui, 4)) {
      x = leg.x + mx_ui_px(ui, 4);
      y += rowh;
    }
    cy = y + lhb / 2;
    if (q == 0) {
      int d;
      for (d = 0; d < (K < 3 ? K : 3); d++)
        mx_draw_circle(ui, (float)(x + mx_ui_px(ui, 5) + d * mx_ui_px(ui, 8)), (float)cy, 4.0f * mx_ui_scale(ui),
                       K == 1 ? th->text : th->comp[d]);
    } else if (q == 1) {
      mx_draw_rect(ui, (mx_rect){x, cy - mx_ui_px(ui, 7), sw, mx_ui_px(ui, 14)}, mx_view_alpha(th->comp[0], 90));
      mx_draw_line(ui, (float)x, (float)cy, (float)(x + sw), (float)cy, th->comp[0], lw);
    } else {
      mx_draw_line(ui, (float)x, (float)cy, (float)(x + mx_ui_px(ui, 10)), (float)cy, th->text,
                   3.0f * mx_ui_scale(ui));
      mx_draw_line(ui, (float)(x + mx_ui_px(ui, 16)), (float)cy, (float)(x + sw), (float)cy, th->text,
                   3.0f * mx_ui_scale(ui));
    }
    mx_text(ui, x + sw + sp, y, MX_FONT_BODY, th->text, "%s", txt[q]);
    x += widths[q];
  }
}

/* The ±σ_k bands from the column values col (see moe_columns). */
static void moe_main_bands(moe_view *s, mx_ui *ui, const mx_plot *plp, const double *col) {
  const mx_theme *th = mx_ui_theme(ui);
  const int K = s->k;
  const mx_plot pl = *plp;
  int c;
  int px, W = pl.r.w;
  for (c = 0; c < K; c++) {
    int count[256] = {0}, start[256], a, nr = 0;
    SDL_Rect *sorted = s->rects;
    for (px = 0; px < W; px++) {
      const double *q = col + (size_t)px * 3 * K;
      int y0 = (int)lroundf(fmaxf((float)pl.r.y, mx_plot_y(&pl, q[c] + q[K + c])));
      int y1 = (int)lroundf(fminf((float)(pl.r.y + pl.r.h), mx_plot_y(&pl, q[c] - q[K + c])));
      int al = 14 + (int)(60 * q[2 * K + c]);
      al = al < 0 ? 0 : al > 255 ? 255 : al;
      s->ralpha[px] = (unsigned char)al;
      if (y1 > y0 && al > 0) count[al]++;
      else s->ralpha[px] = 0;
    }
    for (a = 0; a < 256; a++) {
      start[a] = nr;
      nr += count[a];
    }
    /* counting sort by alpha into s->rects (re-deriving each column's rectangle) */
    for (px = 0; px < W; px++) {
      const double *q = col + (size_t)px * 3 * K;
      int al = s->ralpha[px], y0, y1;
      if (!al) continue;
      y0 = (int)lroundf(fmaxf((float)pl.r.y, mx_plot_y(&pl, q[c] + q[K + c])));
      y1 = (int)lroundf(fminf((float)(pl.r.y + pl.r.h), mx_plot_y(&pl, q[c] - q[K + c])));
      sorted[start[al]++] = (SDL_Rect){pl.r.x + px, y0, 1, y1 - y0};
    }
    SDL_SetRenderDrawBlendMode(mx_ui_renderer(ui), SDL_BLENDMODE_BLEND);
    for (a = 0, nr = 0; a < 256; a++) {
      if (!count[a]) continue;
      SDL_SetRenderDrawColor(mx_ui_renderer(ui), th->comp[c].r, th->comp[c].g, th->comp[c].b, (Uint8)a);
      SDL_RenderFillRects(mx_ui_renderer(ui), sorted + nr, count[a]);
      nr += count[a];
    }
  }
}

static void moe_draw_main(moe_view *s, mx_ui *ui, mx_rect r, mx_plot *out_plot) {
  const mx_theme *th = mx_ui_theme(ui);
  const int K = s->k;
  mx_plot pl;
  int axis_l = mx_ui_px(ui, 56), axis_b = mx_ui_px(ui, 50), i, c, npts = MOE_CURVE_PTS;
  mx_rect inner = mx_panel(ui, r, s->mode ? "p(t | x) = Σₖ πₖ(x) N(t | μₖ(x), σₖ(x)²)   (network outputs)"
                                          : "p(t | x) = Σₖ πₖ(x) N(t | μₖ(x), σₖ²)");
  const double *col;
  float lw = 3.5f * mx_ui_scale(ui);
  SDL_Rect old_clip;
  SDL_bool had_clip;

  moe_main_legend(s, ui, &inner, lw);

  pl.r = inner;
  pl.r.x += axis_l;
  pl.r.w -= axis_l + mx_ui_px(ui, s->show_heat ? 64 : 8);
  pl.r.h -= axis_b;
  pl.x0 = s->xlo;
  pl.x1 = s->xhi;
  pl.y0 = s->tlo;
  pl.y1 = s->thi;
  *out_plot = pl;
  moe_cache_update(s);

  if (s->show_heat) {
    /* an opaque texture in the renderer's own pixel format, copied without
     * blending: the software renderer stretches it without converting pixels */
    SDL_Renderer *ren = mx_ui_renderer(ui);
    int fresh = 0;
    if (!s->heat_tex) {
      s->heat_tex = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, MOE_HEAT_W,
                                      MOE_HEAT_H);
      if (s->heat_tex) {
        SDL_SetTextureBlendMode(s->heat_tex, SDL_BLENDMODE_NONE);
        SDL_SetTextureScaleMode(s->heat_tex, SDL_ScaleModeNearest);
        fresh = 1;
      }
    }
    if (s->heat_version != s->version || !s->heat_ok) {
      moe_heat_update(s);
      s->heat_version = s->version;
      s->heat_ok = 1;
      fresh = 1;
    }
    if (s->heat_tex) {
      SDL_Rect d = {pl.r.x, pl.r.y, pl.r.w, pl.r.h};
      if (fresh) SDL_UpdateTexture(s->heat_tex, NULL, s->heat, MOE_HEAT_W * (int)sizeof *s->heat);
      SDL_RenderCopy(ren, s->heat_tex, NULL, &d);
    }
    moe_draw_heat_bar(s, ui, (mx_rect){pl.r.x + pl.r.w + mx_ui_px(ui, 10), pl.r.y, mx_ui_px(ui, 54), pl.r.h});
  }
  mx_draw_axes(ui, &pl, "x  (input)", "t  (target)");
  SDL_SetRenderDrawBlendMode(mx_ui_renderer(ui), SDL_BLENDMODE_BLEND);
  /* curves stay inside the plot frame */
  SDL_RenderGetClipRect(mx_ui_renderer(ui), &old_clip);
  had_clip = SDL_RenderIsClipEnabled(mx_ui_renderer(ui));
  {
    SDL_Rect pc = {pl.r.x, pl.r.y, pl.r.w, pl.r.h};
    SDL_RenderSetClipRect(mx_ui_renderer(ui), &pc);
  }

  /* ±σ_k bands, opacity following the gate: one pixel column at a time (no
   * overlaps within a component). The rectangles of one component and one
   * alpha go to the renderer in one call; components stay in order, so every
   * pixel blends exactly as it would rectangle by rectangle. */
  if (s->show_bands && (col = moe_columns(s, &pl))) moe_main_bands(s, ui, &pl, col);

  /* the data, coloured by the expert with the largest responsibility */
  {
    float rad = (s->n_data > 2000 ? 1.8f : 2.6f) * mx_ui_scale(ui);
    mx_color one = mx_view_alpha(th->text, 170), cc[MX_MOE_MAX_K];
    for (c = 0; c < K; c++) cc[c] = mx_view_alpha(th->comp[c], 200);
    int coloured = K > 1 && s->best && s->best_cap >= s->n_data; /* the cache could not grow: one colour */
    for (i = 0; i < s->n_data; i++)
      mx_draw_circle(ui, mx_plot_x(&pl, s->x[i]), mx_plot_y(&pl, s->t[i]), rad, coloured ? cc[s->best[i]] : one);
  }

  /* the single least-squares line */
  if (s->show_line) {
    float x0 = mx_plot_x(&pl, pl.x0), x1 = mx_plot_x(&pl, pl.x1);
    float y0 = mx_plot_y(&pl, s->base_coef[0] + s->base_coef[1] * pl.x0);
    float y1 = mx_plot_y(&pl, s->base_coef[0] + s->base_coef[1] * pl.x1);
    mx_segment seg[20];
    int segs = 40, q;
    for (q = 0; q < segs; q += 2)
      seg[q / 2] = (mx_segment){x0 + (x1 - x0) * q / segs, y0 + (y1 - y0) * q / segs, x0 + (x1 - x0) * (q + 1) / segs,
                                y0 + (y1 - y0) * (q + 1) / segs, 3.0f * mx_ui_scale(ui), th->text};
    mx_draw_segments(ui, seg, segs / 2);
  }

  /* expert means, strong where the gate picks them */
  for (c = 0; c < K; c++) {
    float xy[2 * MOE_CURVE_PTS];
    const double *cm = s->cmu + c * MOE_CURVE_PTS, *cp = s->cpi + c * MOE_CURVE_PTS;
    for (i = 0; i < npts; i++) {
      xy[2 * i] = mx_plot_x(&pl, pl.x0 + (pl.x1 - pl.x0) * i / (npts - 1));
      xy[2 * i + 1] = mx_plot_y(&pl, cm[i]);
    }
    moe_draw_gated_curve(ui, &pl, xy, cp, npts, th->comp[c], lw);
  }
  SDL_RenderSetClipRect(mx_ui_renderer(ui), had_clip ? &old_clip : NULL);
}

static void moe_draw_gate(moe_view *s, mx_ui *ui, mx_rect r, const mx_plot *main) {
  const mx_theme *th = mx_ui_theme(ui);
  const int K = s->k;
  mx_rect inner = mx_panel(ui, r, NULL);
  mx_plot pl;
  const double *col;
  int px, c;
  pl.r = (mx_rect){main->r.x, inner.y, main->r.w, inner.h};
  pl.x0 = main->x0;
  pl.x1 = main->x1;
  pl.y0 = 0;
  pl.y1 = 1;
  mx_text_in(ui, (mx_rect){inner.x, inner.y, main->r.x - inner.x - mx_ui_px(ui, 6), inner.h}, MX_FONT_BODY,
             MX_ALIGN_RIGHT, th->text, "πₖ(x)");
  /* stacked π_k, one pixel column at a time from the column cache; the
   * rectangles of one component go to the renderer in one call (opaque and
   * disjoint, so the order does not matter) */
  if ((col = moe_columns(s, &pl))) {
    const int W = pl.r.w;
    int nr[MX_MOE_MAX_K] = {0};
    for (px = 0; px < W; px++) {
      double acc = 0.0;
      int prev = pl.r.y + pl.r.h;
      for (c = 0; c < K; c++) {
        int y;
        acc += col[(size_t)px * 3 * K + 2 * K + c];
        y = c == K - 1 ? pl.r.y : (int)lroundf(mx_plot_y(&pl, acc));
        if (prev > y) s->rects[(size_t)c * W + nr[c]++] = (SDL_Rect){pl.r.x + px, y, 1, prev - y};
        prev = y;
      }
    }
    SDL_SetRenderDrawBlendMode(mx_ui_renderer(ui), SDL_BLENDMODE_NONE);
    for (c = 0; c < K; c++) {
      SDL_SetRenderDrawColor(mx_ui_renderer(ui), th->comp[c].r, th->comp[c].g, th->comp[c].b, th->comp[c].a);
      if (nr[c]) SDL_RenderFillRects(mx_ui_renderer(ui), s->rects + (size_t)c * W, nr[c]);
    }
  }
  mx_draw_rect_outline(ui, pl.r, th->border, 1);
}

/* The side panel's Step / Run / Reset / New row and, for EM, the run-speed
 * slider; cut from the top of *c. */
static void moe_side_run(moe_view *s, mx_app *app, mx_ui *ui, mx_rect *c) {
  int gap = mx_ui_px(ui, 6), sh = mx_line_height(ui, MX_FONT_BODY) * 2 - mx_ui_px(ui, 2);
  int bh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 14);
  mx_rect row = mx_rect_cut_top(c, bh);
  mx_error err;
  {
    int bw = (row.w - 3 * gap) / 4;
    if (mx_button(ui, mx_rect_cut_left(&row, bw), s->mode ? "+50" : "Step")) {
      s->running = 0;
      if (s->mode) moe_mdn_queue(s, app, 50);
      else moe_step(s, app);
    }
    mx_rect_cut_left(&row, gap);
    if (mx_button_on(ui, mx_rect_cut_left(&row, bw), s->running ? "Pause" : "Run", s->running)) {
      s->running = !s->running;
      if (s->running) s->converged = 0;
    }
    mx_rect_cut_left(&row, gap);
    if (mx_button(ui, mx_rect_cut_left(&row, bw), "Reset")) {
      if ((s->mode ? moe_mdn_rebuild(s, &err) : moe_rebuild(s, &err)) != MX_OK)
        mx_app_error(app, "%s", err.msg);
    }
    mx_rect_cut_left(&row, gap);
    if (mx_button(ui, row, "New")) {
      if (!s->data_path[0] && moe_reconfigure(s, s->k, s->degree, s->n, s->seed + 1, NULL, &err) != MX_OK)
        mx_app_error(app, "%s", err.msg);
    }
  }
  if (!s->mode) { /* EM's run speed (the network's Adam steps run by time budget), when the
                    * panel has room for it and the numbers and expert rows below */
    int lb = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 3);
    int lk = mx_line_height(ui, s->k > 5 ? MX_FONT_SMALL : MX_FONT_BODY) + mx_ui_px(ui, 3);
    if (c->h >= sh + 7 * gap + 1 + mx_line_height(ui, MX_FONT_LARGE) + 2 * lb + s->k * lk) {
      mx_rect_cut_top(c, gap);
      mx_view_rate_slider(ui, mx_rect_cut_top(c, sh), &s->rate);
    }
  }
}

static void moe_side_ll_plot(moe_view *s, mx_ui *ui, mx_rect pr, const double *hist, int hn);

/* The trajectory cut off the top of *c, left out when the panel has no room
 * for a readable plot (a short window, large text). */
static void moe_side_ll_fit(moe_view *s, mx_ui *ui, mx_rect *c, int K, const double *hist, int hn) {
  int want = mx_ui_px(ui, K > 5 ? 100 : 120), lhS = mx_line_height(ui, MX_FONT_SMALL);
  if (want > c->h) want = c->h;
  if (want >= 4 * lhS + mx_ui_px(ui, 26)) moe_side_ll_plot(s, ui, mx_rect_cut_top(c, want), hist, hn);
}

/* The side panel's log-likelihood trajectory (hist: hn values) in pr. */
static void moe_side_ll_plot(moe_view *s, mx_ui *ui, mx_rect pr, const double *hist, int hn) {
  const mx_theme *th = mx_ui_theme(ui);
  int i;
  mx_plot pl;
  int step, q = 0;
  double lo = hist[hn - 1], hi = hist[hn - 1];
  float *xy = s->curve;
  SDL_Rect old_clip, pc;
  SDL_bool had_clip;
  /* the y range skips the first 5% of the run (the climb from a poor start would squash the rest) */
  for (i = hn > 20 ? hn / 20 : 0; i < hn; i++) {
    lo = fmin(lo, hist[i]);
    hi = fmax(hi, hist[i]);
  }
  lo = fmin(lo, s->base_ll);
  hi = fmax(hi, s->base_ll);
  if (hi - lo < 1e-9) hi = lo + 1.0;
  pl.r = pr;
  pl.r.x += mx_ui_px(ui, 52);
  pl.r.w -= mx_ui_px(ui, 56);
  pl.r.h -= mx_line_height(ui, MX_FONT_SMALL) + mx_ui_px(ui, 10); /* the x tick labels */
  pl.x0 = 0;
  pl.x1 = hn - 1 < 10 ? 10 : hn - 1;
  pl.y0 = lo - 0.05 * (hi - lo);
  pl.y1 = hi + 0.05 * (hi - lo);
  mx_draw_axes(ui, &pl, NULL, NULL);
  {
    float y = mx_plot_y(&pl, s->base_ll);
    mx_draw_dashes(ui, (float)pl.r.x, y, (float)(pl.r.x + pl.r.w), y, (float)mx_ui_px(ui, 5),
                   (float)mx_ui_px(ui, 10), th->text_dim, 2.0f * mx_ui_scale(ui));
  }
  step = (hn + MOE_CURVE_PTS - 1) / MOE_CURVE_PTS;
  if (step < 1) step = 1;
  for (i = 0; i < hn; i += step) {
    xy[2 * q] = mx_plot_x(&pl, i);
    xy[2 * q + 1] = mx_plot_y(&pl, hist[i]);
    q++;
  }
  if ((hn - 1) % step) {
    xy[2 * q] = mx_plot_x(&pl, hn - 1);
    xy[2 * q + 1] = mx_plot_y(&pl, hist[hn - 1]);
    q++;
  }
  q = mx_polyline_simplify(xy, q, 0.25f);
  SDL_RenderGetClipRect(mx_ui_renderer(ui), &old_clip);
  had_clip = SDL_RenderIsClipEnabled(mx_ui_renderer(ui));
  pc = (SDL_Rect){pl.r.x, pl.r.y, pl.r.w + 2, pl.r.h};
  SDL_RenderSetClipRect(mx_ui_renderer(ui), &pc);
  mx_draw_polyline(ui, xy, q, th->accent, 3.0f * mx_ui_scale(ui));
  SDL_RenderSetClipRect(mx_ui_renderer(ui), had_clip ? &old_clip : NULL);
  {
    /* label the dashed baseline just above it (below it if there is no room) */
    int lhs = mx_line_height(ui, MX_FONT_SMALL), y = (int)mx_plot_y(&pl, s->base_ll) - lhs - mx_ui_px(ui, 2);
    if (y < pl.r.y) y = (int)mx_plot_y(&pl, s->base_ll) + mx_ui_px(ui, 3);
    mx_text_in(ui, (mx_rect){pl.r.x, y, pl.r.w - mx_ui_px(ui, 4), lhs}, MX_FONT_SMALL, MX_ALIGN_RIGHT,
               th->text_dim, "one least-squares line");
  }
}

static void moe_draw_side(moe_view *s, mx_app *app, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  int K, N; /* read after the widgets: a slider or button may rebuild the model */
  mx_rect c = mx_panel(ui, r, s->mode ? "Density network · Adam" : "Mixture of experts · EM");
  int lh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 3), gap = mx_ui_px(ui, 6);
  int sh = mx_line_height(ui, MX_FONT_BODY) * 2 - mx_ui_px(ui, 2);
  int bh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 14), k, hn;
  mx_rect row;
  int nk = s->k, nd = s->degree, nn = s->n, nh = s->hidden, mode = s->mode;
  const double *hist = moe_model_hist(s, &hn);
  mx_error err;

  /* model switch */
  row = mx_rect_cut_top(&c, bh);
  {
    int bw = (row.w - gap) / 2;
    if (mx_button_on(ui, mx_rect_cut_left(&row, bw), "Experts (EM)", mode == 0) && mode != 0)
      moe_set_mode(s, 0, NULL);
    mx_rect_cut_left(&row, gap);
    if (mx_button_on(ui, row, "MDN (gradient)", mode == 1) && mode != 1 && moe_set_mode(s, 1, &err) != MX_OK)
      mx_app_error(app, "%s", err.msg);
  }
  mx_rect_cut_top(&c, gap);
  hist = moe_model_hist(s, &hn);

  /* settings */
  if (mx_slider_int(ui, mx_rect_cut_top(&c, sh), s->mode ? "components K" : "experts K", &nk, 1, MX_MOE_MAX_K)) {
    if (moe_reconfigure(s, nk, s->degree, s->n, s->seed, s->data_path, &err) != MX_OK)
      mx_app_error(app, "%s", err.msg);
  }
  mx_rect_cut_top(&c, gap);
  if (s->mode) {
    if (mx_slider_int(ui, mx_rect_cut_top(&c, sh), "hidden tanh units", &nh, 2, 64)) {
      s->hidden = nh;
      if (moe_mdn_rebuild(s, &err) != MX_OK) mx_app_error(app, "%s", err.msg);
    }
  } else if (mx_slider_int(ui, mx_rect_cut_top(&c, sh), "polynomial degree", &nd, 0, 5)) {
    if (moe_reconfigure(s, s->k, nd, s->n, s->seed, s->data_path, &err) != MX_OK)
      mx_app_error(app, "%s", err.msg);
  }
  mx_rect_cut_top(&c, gap);
  if (!s->data_path[0]) {
    if (mx_slider_int(ui, mx_rect_cut_top(&c, sh), "points N", &nn, 50, 5000)) {
      if (moe_reconfigure(s, s->k, s->degree, nn, s->seed, NULL, &err) != MX_OK)
        mx_app_error(app, "%s", err.msg);
    }
    mx_rect_cut_top(&c, gap);
  }
  moe_side_run(s, app, ui, &c);
  K = s->k;
  N = s->n_data;
  hist = moe_model_hist(s, &hn);
  mx_rect_cut_top(&c, gap * 2);
  mx_draw_rect(ui, (mx_rect){c.x, c.y, c.w, 1}, th->border);
  mx_rect_cut_top(&c, gap);

  /* numbers */
  mx_ui_headline(ui, (mx_rect){c.x, c.y,
                               mx_text(ui, c.x, c.y, MX_FONT_LARGE, th->text, "%s %d%s",
                                       s->mode ? "Adam step" : "iteration", moe_model_iter(s),
                                       s->converged ? "  ✓" : s->running ? "  ▶" : ""),
                               mx_line_height(ui, MX_FONT_LARGE)});
  mx_rect_cut_top(&c, mx_line_height(ui, MX_FONT_LARGE) + mx_ui_px(ui, 2));
  mx_text(ui, c.x, c.y, MX_FONT_BODY, th->accent, "log p(t | x) = %.2f   (%.4f / point)", moe_model_loglik(s),
          moe_model_loglik(s) / N);
  mx_rect_cut_top(&c, lh);
  mx_text(ui, c.x, c.y, MX_FONT_BODY, th->text_dim, "one line:  %.2f   (%.4f / point)", s->base_ll,
          s->base_ll / N);
  mx_rect_cut_top(&c, lh + gap);

  /* log-likelihood trajectory */
  moe_side_ll_fit(s, ui, &c, K, hist, hn);
  mx_rect_cut_top(&c, gap);

  /* experts / components (smaller rows when there are many) */
  {
    int font = K > 5 ? MX_FONT_SMALL : MX_FONT_BODY;
    const double *share = s->share;
    lh = mx_line_height(ui, font) + mx_ui_px(ui, K > 5 ? 2 : 3);
    moe_cache_update(s); /* a widget above may have changed the model */
    for (k = 0; k < K && c.h >= lh; k++) {
      char buf[160];
      int len;
      mx_draw_round_rect(ui, (mx_rect){c.x, c.y + mx_ui_px(ui, 3), mx_ui_px(ui, 16), lh - mx_ui_px(ui, 8)},
                         (float)mx_ui_px(ui, 3), th->comp[k]);
      if (s->mode)
        len = snprintf(buf, sizeof buf, "component %d", k + 1);
      else if (s->m->d == 2)
        len = snprintf(buf, sizeof buf, "μ = %.3f %+.3f x   σ = %.3f", s->m->w[k * 2], s->m->w[k * 2 + 1],
                       sqrt(s->m->var[k]));
      else
        len = snprintf(buf, sizeof buf, "expert %d   σ = %.3f", k + 1, sqrt(s->m->var[k]));
      snprintf(buf + len, sizeof buf - (size_t)len, "   %2.0f%%", 100.0 * share[k] / N);
      mx_text(ui, c.x + mx_ui_px(ui, 24), c.y, font, th->text, "%s", buf);
      mx_rect_cut_top(&c, lh);
    }
  }
}

void moe_draw(void *st, mx_app *app, mx_ui *ui, mx_rect area) {
  moe_view *s = st;
  mx_rect r = mx_rect_inset(area, mx_ui_px(ui, 12)), right, gate;
  int gap = mx_ui_px(ui, 12);
  mx_plot main_plot;
  right = mx_rect_cut_right(&r, mx_ui_px(ui, 420));
  mx_rect_cut_right(&r, gap);
  moe_draw_side(s, app, ui, right);
  gate = mx_rect_cut_bottom(&r, mx_ui_px(ui, 96));
  mx_rect_cut_bottom(&r, gap / 2);
  moe_draw_main(s, ui, r, &main_plot);
  moe_draw_gate(s, ui, gate, &main_plot);
}
