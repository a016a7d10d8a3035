/* mixscope — the Bernoulli mixture view: the plots and the controls (see view_bmm.h). */
#include "view_bmm.h"

/* ------------------------------------------------------------ drawing */

/* The K θ maps in a grid, each with its weight. */
static void bmm_draw_maps(bmm_view *s, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  int K = s->disp_cfg.k, cols, best_cols = 1, best = 0, gap = mx_ui_px(ui, 10);
  int cap_h = mx_line_height(ui, MX_FONT_SMALL) + mx_ui_px(ui, 10), k, side, rows, x0, y0;
  double pimax = 0.0;
  char title[160];
  mx_rect c;
  if (s->c_n == 0) {
    snprintf(title, sizeof title, "Components θₖ");
  } else if (s->view_t < s->c_n - 1) {
    snprintf(title, sizeof title, "θₖ and πₖ  ·  iteration %d of %d  (history)", s->view_t,
             s->c_n - 1);
  } else {
    snprintf(title, sizeof title, "θₖ and πₖ  ·  iteration %d  ·  K = %d on %d digits", s->view_t,
             K, s->disp_cfg.n < bmm_max_n(s) ? s->disp_cfg.n : bmm_max_n(s));
  }
  if (s->samp_pending && s->c_n > 0 && !s->c_busy) {
    s->samp_pending = 0;
    bmm_sample_new(s);
  }
  if (s->samp.shown && s->c_n > 0) {
    snprintf(title, sizeof title, "Digits sampled from the model  ·  iteration %d", s->samp_t);
    mx_sample_set_panel(ui, r, &s->samp, title,
                        "z ~ π, then each pixel ~ Bernoulli(θ_z); ink colour = component z.  "
                        "G: new batch, Shift+G: θ maps");
    return;
  }
  c = mx_panel(ui, r, title);
  if (s->c_n == 0) {
    mx_text_in(ui, c, MX_FONT_LARGE, MX_ALIGN_CENTER, th->text_dim,
               s->c_msg_err ? s->c_msg : "Preparing the data and the start…");
    return;
  }
  {
    mx_rect cb = mx_rect_cut_right(&c, mx_ui_px(ui, 58));
    cb.x += mx_ui_px(ui, 18);
    cb.w = mx_ui_px(ui, 12);
    cb.y += mx_ui_px(ui, 6);
    cb.h -= mx_ui_px(ui, 12);
    mx_draw_colorbar(ui, cb, MX_CMAP_THETA, 0.0, 1.0, "%.1f"); /* θ as in the θ view */
  }
  for (cols = 1; cols <= K; cols++) {
    int rr = (K + cols - 1) / cols;
    int w = (c.w - (cols - 1) * gap) / cols;
    int h = (c.h - rr * cap_h - (rr - 1) * gap) / rr;
    int sd = w < h ? w : h;
    if (sd > best) {
      best = sd;
      best_cols = cols;
    }
  }
  cols = best_cols;
  rows = (K + cols - 1) / cols;
  side = best / BMM_SIDE >= 2 ? best / BMM_SIDE * BMM_SIDE : best; /* whole pixels when large */
  x0 = c.x + (c.w - (cols * side + (cols - 1) * gap)) / 2;
  y0 = c.y + (c.h - (rows * (side + cap_h) + (rows - 1) * gap)) / 2;
  for (k = 0; k < K; k++) pimax = fmax(pimax, s->disp_pi[k]);
  for (k = 0; k < K; k++) {
    int col = k % cols, row = k / cols;
    mx_rect cell = {x0 + col * (side + gap), y0 + row * (side + cap_h + gap), side, side};
    mx_rect bar = {cell.x, cell.y + side + mx_ui_px(ui, 4), side, mx_ui_px(ui, 4)};
    mx_rect cap = {cell.x, bar.y + bar.h + mx_ui_px(ui, 1), side, mx_line_height(ui, MX_FONT_SMALL)};
    char lab[64];
    mx_draw_rgba(ui, &s->tex[k], s->tex_dirty, cell, s->disp_rgba[k], BMM_SIDE, BMM_SIDE);
    mx_draw_rect(ui, bar, th->panel_hi);
    mx_draw_rect(ui, (mx_rect){bar.x, bar.y, (int)lround(bar.w * s->disp_pi[k] / fmax(pimax, 1e-300)),
                               bar.h},
                 th->accent);
    {
      /* the caption as wide as the cell and its gap allow: shorter, never cut */
      char l2[48], l3[48], l4[32], l5[32];
      const char *labs[6];
      int id = k + (s->disp_cfg.semi ? 0 : 1);
      if (s->disp_cfg.semi) snprintf(lab, sizeof lab, "digit %d   π %.3f", id, s->disp_pi[k]);
      else snprintf(lab, sizeof lab, "%d   π %.3f", id, s->disp_pi[k]);
      snprintf(l2, sizeof l2, "%d  π %.3f", id, s->disp_pi[k]);
      snprintf(l3, sizeof l3, "%d  π %.2f", id, s->disp_pi[k]);
      snprintf(l4, sizeof l4, "%.2f", s->disp_pi[k]);
      snprintf(l5, sizeof l5, "%.1f", s->disp_pi[k]);
      labs[0] = lab;
      labs[1] = l2;
      labs[2] = l3;
      labs[3] = l4;
      labs[4] = l5;
      labs[5] = ""; /* a cell too small for any: the bar alone */
      /* into the gaps, but half a gap apart from the neighbours' captions */
      cap.x -= gap / 4;
      cap.w += gap / 2;
      mx_text_fit(ui, cap, MX_FONT_SMALL, MX_ALIGN_CENTER, th->text_dim, labs, 6);
    }
    if (mx_ui_hover(ui, cell)) {
      char tip[160];
      snprintf(tip, sizeof tip, "component %d: weight π = %.5f; colour = θ (P(pixel on)), 0 → 1",
               k + (s->disp_cfg.semi ? 0 : 1), s->disp_pi[k]);
      mx_tooltip(ui, cell, tip);
    }
  }
  s->tex_dirty = 0;
}

/* A legend of n line samples and names cut off the top of *c: one row in the
 * body font if it fits (indent px in), else the small font, else one entry a
 * row. Returns the x after the last entry (its row is the last one cut). */
static int bmm_legend(mx_ui *ui, mx_rect *c, const char *const *names, const mx_color *cols, int n,
                      int indent, int pad) {
  int font = MX_FONT_BODY, i, tw, total, x, lh, stack = 0, sw = mx_ui_px(ui, 24);
  for (;;) {
    for (total = indent, i = 0; i < n; i++) {
      mx_text_size(ui, font, names[i], &tw, NULL);
      total += sw + mx_ui_px(ui, 8) + tw + mx_ui_px(ui, 20);
    }
    if (total <= c->w || font == MX_FONT_SMALL) break;
    font = MX_FONT_SMALL;
  }
  if (total > c->w) { /* one entry a row, no indent */
    stack = 1;
    indent = 0;
  }
  lh = mx_line_height(ui, font);
  x = c->x + indent;
  for (i = 0; i < n; i++) {
    mx_rect row;
    float cy;
    if (i == 0 || stack) {
      row = mx_rect_cut_top(c, lh + (i == n - 1 || !stack ? pad : 0));
      x = row.x + indent;
    }
    cy = (float)c->y - (float)(lh + (i == n - 1 || !stack ? pad : 0)) + lh * 0.5f;
    mx_draw_line(ui, (float)x, cy, (float)(x + sw), cy, cols[i], 3.0f * mx_ui_scale(ui));
    x += sw + mx_ui_px(ui, 8);
    x += mx_text(ui, x, (int)(cy - lh * 0.5f), font, mx_ui_theme(ui)->text, "%s", names[i]) +
         mx_ui_px(ui, 20);
  }
  return x;
}

/* The curve's panel without room for the plot: the values at the iteration
 * shown, training and test, one a line in their legend colours. */
static void bmm_curve_numbers(bmm_view *s, mx_ui *ui, mx_rect c) {
  const mx_theme *th = mx_ui_theme(ui);
  int t = s->view_t >= 0 && s->view_t < s->c_n ? s->view_t : s->c_n - 1, i;
  int lh = mx_line_height(ui, MX_FONT_BODY);
  if (c.h < 2 * lh) { /* one line: both */
    char a[96], b[96];
    const char *v[2] = {a, b};
    snprintf(a, sizeof a, "training %.2f   test %.2f", s->c_ll[t], s->c_tll[t]);
    snprintf(b, sizeof b, "%.1f / %.1f", s->c_ll[t], s->c_tll[t]);
    mx_text_fit(ui, mx_rect_cut_top(&c, lh), MX_FONT_BODY, MX_ALIGN_LEFT, th->text, v, 2);
    return;
  }
  for (i = 0; i < 2; i++) {
    char a[64], b[64];
    const char *v[2] = {a, b};
    double ll = i == 0 ? s->c_ll[t] : s->c_tll[t];
    snprintf(a, sizeof a, "%s  %.2f", i == 0 ? "training" : "test", ll);
    snprintf(b, sizeof b, "%.1f", ll);
    mx_text_fit(ui, mx_rect_cut_top(&c, lh), MX_FONT_BODY, MX_ALIGN_LEFT, th->comp[i], v, 2);
  }
}

/* Log-likelihood per digit against the iteration, training and test. */
static void bmm_draw_curve(bmm_view *s, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  int n = s->c_n, i, t0, lh = mx_line_height(ui, MX_FONT_BODY), tw;
  mx_rect c;
  double lo = INFINITY, hi = -INFINITY, pad;
  float xy[2 * BMM_CAP];
  mx_plot pl;
  mx_rect leg;
  mx_text_size(ui, MX_FONT_SMALL, "Log-likelihood per digit  (nats)", &tw, NULL);
  c = mx_panel(ui, r, tw <= r.w - 2 * mx_ui_px(ui, 12) ? "Log-likelihood per digit  (nats)"
                                                       : "Log-lik per digit  (nats)");
  if (n == 0) return;
  if (c.h < 2 * lh + mx_line_height(ui, MX_FONT_SMALL) * 2 + mx_line_height(ui, MX_FONT_BODY) +
                mx_ui_px(ui, 60)) {
    bmm_curve_numbers(s, ui, c); /* no room for a readable plot */
    return;
  }
  /* legend */
  {
    static const char *const nm[2] = {"training digits", "test digits"};
    mx_color cl[2];
    int x;
    cl[0] = th->comp[0];
    cl[1] = th->comp[1];
    x = bmm_legend(ui, &c, nm, cl, 2, mx_ui_px(ui, 60), mx_ui_px(ui, 4));
    leg = (mx_rect){c.x, c.y - lh - mx_ui_px(ui, 4), c.w, lh};
    if (n > 2) {
      char note[96];
      snprintf(note, sizeof note, "(the start, %.1f, is below the axis)", s->c_ll[0]);
      mx_text_size(ui, MX_FONT_BODY, note, &tw, NULL);
      if (x + tw < leg.x + leg.w) mx_text(ui, x, leg.y, MX_FONT_BODY, th->text_dim, "%s", note);
    }
  }
  /* y range from iteration 1 on (the start is far below and would flatten the rest) */
  t0 = n > 2 ? 1 : 0;
  for (i = t0; i < n; i++) {
    lo = fmin(lo, fmin(s->c_ll[i], s->c_tll[i]));
    hi = fmax(hi, fmax(s->c_ll[i], s->c_tll[i]));
  }
  pad = fmax(0.08 * (hi - lo), 0.5);
  pl.r = c;
  pl.r.x += mx_ui_px(ui, 60);
  pl.r.w -= mx_ui_px(ui, 60) + mx_ui_px(ui, 8);
  /* below: tick labels and "iteration"; above: half a tick label (the top one is centred on the edge) */
  pl.r.y += mx_line_height(ui, MX_FONT_SMALL) / 2;
  pl.r.h -= mx_line_height(ui, MX_FONT_SMALL) / 2 + mx_line_height(ui, MX_FONT_SMALL) +
            mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 9);
  {
    /* an x range the kit's ticks divide into whole iterations (it aims at one tick per 90 px) */
    static const int steps[] = {1, 2, 5, 10, 20, 50, 100};
    int nx = pl.r.w / mx_ui_px(ui, 90), j;
    if (nx < 2) nx = 2;
    pl.x1 = nx * 100;
    for (j = 0; j < 7; j++)
      if (nx * steps[j] >= (n - 1 > 10 ? n - 1 : 10)) {
        pl.x1 = nx * steps[j];
        break;
      }
  }
  pl.x0 = 0;
  pl.y0 = lo - pad;
  pl.y1 = hi + pad;
  mx_draw_axes(ui, &pl, "iteration", NULL);
  /* the viewed iteration, when walking back through the history */
  if (s->view_t < n - 1) {
    float x = mx_plot_x(&pl, s->view_t);
    mx_draw_line(ui, x, (float)pl.r.y, x, (float)(pl.r.y + pl.r.h), mx_view_alpha(th->accent, 150),
                 2.0f * mx_ui_scale(ui));
  }
  for (int curve = 0; curve < 2; curve++) {
    const double *v = curve ? s->c_tll : s->c_ll;
    mx_color col = th->comp[curve];
    float bottom = (float)(pl.r.y + pl.r.h);
    for (i = 0; i < n; i++) {
      xy[2 * i] = mx_plot_x(&pl, i);
      xy[2 * i + 1] = fminf(mx_plot_y(&pl, v[i]), bottom);
    }
    if (t0 == 1) { /* the start is off the bottom: an arrow pointing down to it */
      float x = xy[0], y = bottom - mx_ui_px(ui, 4) - curve * mx_ui_px(ui, 10), a = 5.0f * mx_ui_scale(ui);
      mx_draw_line(ui, x - a, y - a, x, y, col, 2.0f * mx_ui_scale(ui));
      mx_draw_line(ui, x + a, y - a, x, y, col, 2.0f * mx_ui_scale(ui));
    }
    mx_draw_polyline(ui, xy + 2 * t0, n - t0, col, 2.5f * mx_ui_scale(ui));
    if (n < 80)
      for (i = t0; i < n; i++) mx_draw_circle(ui, xy[2 * i], xy[2 * i + 1], 3.0f * mx_ui_scale(ui), col);
    if (s->view_t >= t0)
      mx_draw_circle(ui, xy[2 * s->view_t], xy[2 * s->view_t + 1], 5.5f * mx_ui_scale(ui), col);
  }
}

/* Test accuracy against L (log axis): the labelled digits alone (naive Bayes,
 * the start) and after EM with the rest of the N digits unlabelled. */
static void bmm_draw_accuracy(bmm_view *s, mx_app *app, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  mx_rect c = mx_panel(ui, r, "Test accuracy against L");
  int n = s->c_sweep_n, i, curve, lh = mx_line_height(ui, MX_FONT_BODY), yticks;
  double lx1 = 3.0, a0 = 0.0, a1 = 1.0;
  float xy[2 * BMM_SWEEP_MAX];
  mx_color col[2] = {th->comp[4], th->comp[2]};
  const char *names[2] = {"labelled alone", "EM + unlabelled"};
  mx_plot pl;
  bmm_legend(ui, &c, names, col, 2, 0, mx_ui_px(ui, 6));
  if (n > 0) {
    a0 = 1.0;
    a1 = 0.0;
    lx1 = fmax(1.0, log10(s->c_sweep_L[n - 1]));
    for (i = 0; i < n; i++) {
      a0 = fmin(a0, fmin(s->c_sweep_acc0[i], s->c_sweep_acc[i]));
      a1 = fmax(a1, fmax(s->c_sweep_acc0[i], s->c_sweep_acc[i]));
    }
    a0 = fmax(0.0, floor(a0 * 10.0 - 0.3) / 10.0);
    a1 = fmin(1.0, ceil(a1 * 10.0 + 0.3) / 10.0);
  }
  {
    int pw, lhS = mx_line_height(ui, MX_FONT_SMALL);
    mx_text_size(ui, MX_FONT_SMALL, "100%", &pw, NULL);
    pl.r = c; /* room for the % labels, half a label above, tick labels and the L label below */
    pl.r.x += pw + mx_ui_px(ui, 10);
    pl.r.w -= pw + mx_ui_px(ui, 10) + mx_ui_px(ui, 10);
    pl.r.y += lhS / 2;
    pl.r.h -= lhS / 2 + lhS + lh + mx_ui_px(ui, 8);
    yticks = pl.r.h >= 4 * (lhS + 2) ? 4 : pl.r.h >= 2 * (lhS + 2) ? 2 : 1;
  }
  pl.x0 = -0.1;
  pl.x1 = lx1 + 0.1;
  pl.y0 = a0;
  pl.y1 = a1;
  /* axes by hand: L on a log scale, accuracy in percent */
  for (i = 0; i <= yticks; i++) {
    double a = a0 + (a1 - a0) * i / (double)yticks;
    float y = mx_plot_y(&pl, a);
    char lab[16];
    snprintf(lab, sizeof lab, "%.0f%%", 100.0 * a);
    mx_draw_line(ui, (float)pl.r.x, y, (float)(pl.r.x + pl.r.w), y, mx_view_alpha(th->border, 110), 1.0f);
    mx_text_in(ui, (mx_rect){c.x, (int)y - lh / 2, pl.r.x - c.x - mx_ui_px(ui, 6), lh}, MX_FONT_SMALL,
               MX_ALIGN_RIGHT, th->text_dim, lab);
  }
  for (i = 1; i <= 10000; i *= 10) {
    char lab[16];
    float x;
    if (log10(i) > lx1 + 0.01) break;
    x = mx_plot_x(&pl, log10(i));
    snprintf(lab, sizeof lab, "%d", i);
    mx_draw_line(ui, x, (float)pl.r.y, x, (float)(pl.r.y + pl.r.h), mx_view_alpha(th->border, 110), 1.0f);
    mx_text_in(ui, (mx_rect){(int)x - mx_ui_px(ui, 40), pl.r.y + pl.r.h + mx_ui_px(ui, 4), mx_ui_px(ui, 80),
                             mx_line_height(ui, MX_FONT_SMALL)},
               MX_FONT_SMALL, MX_ALIGN_CENTER, th->text_dim, lab);
  }
  mx_draw_rect(ui, (mx_rect){pl.r.x, pl.r.y + pl.r.h - 1, pl.r.w, mx_ui_px(ui, 2)}, th->text_dim);
  mx_draw_rect(ui, (mx_rect){pl.r.x, pl.r.y, mx_ui_px(ui, 2), pl.r.h}, th->text_dim);
  {
    static const char *const xl[3] = {"labelled digits per class  L", "labelled per class  L", "L"};
    mx_text_fit(ui, (mx_rect){pl.r.x, pl.r.y + pl.r.h + mx_ui_px(ui, 4) + lh, pl.r.w, lh},
                MX_FONT_BODY, MX_ALIGN_CENTER, th->text, xl, 3);
  }
  /* the current L */
  if (log10(s->disp_cfg.labels) <= lx1 + 0.05) {
    float x = mx_plot_x(&pl, log10(s->disp_cfg.labels));
    mx_draw_line(ui, x, (float)pl.r.y, x, (float)(pl.r.y + pl.r.h), mx_view_alpha(th->accent, 160),
                 2.0f * mx_ui_scale(ui));
  }
  for (curve = 0; curve < 2; curve++) {
    for (i = 0; i < n; i++) {
      xy[2 * i] = mx_plot_x(&pl, log10(s->c_sweep_L[i]));
      xy[2 * i + 1] = mx_plot_y(&pl, curve ? s->c_sweep_acc[i] : s->c_sweep_acc0[i]);
    }
    if (n > 1) mx_draw_polyline(ui, xy, n, col[curve], 2.5f * mx_ui_scale(ui));
    for (i = 0; i < n; i++) mx_draw_circle(ui, xy[2 * i], xy[2 * i + 1], 4.0f * mx_ui_scale(ui), col[curve]);
  }
  if (s->c_sweep_state != 2) {
    int bw, bh, tw;
    const char *lab = "Compute for L = 1 … 1000   A";
    mx_rect b;
    mx_text_size(ui, MX_FONT_BODY, lab, &tw, NULL);
    if (tw + mx_ui_px(ui, 24) > pl.r.w) lab = "Compute   A"; /* a narrow panel */
    mx_text_size(ui, MX_FONT_BODY, lab, &tw, NULL);
    if (tw + mx_ui_px(ui, 24) > pl.r.w) lab = "A";
    mx_text_size(ui, MX_FONT_BODY, lab, &tw, NULL);
    bw = tw + mx_ui_px(ui, 24);
    bh = mx_ui_px(ui, 40) < pl.r.h ? mx_ui_px(ui, 40) : pl.r.h; /* inside the plot */
    b = (mx_rect){pl.r.x + (pl.r.w - bw) / 2, pl.r.y + (pl.r.h - bh) / 2, bw, bh};
    if (s->c_sweep_state == 1)
      mx_text_in(ui, b, MX_FONT_BODY, MX_ALIGN_CENTER, th->warn, n ? "" : "fitting for each L…");
    else if (mx_button(ui, b, lab))
      bmm_request_sweep(s, app);
  }
}

/* The EM updates, as the core computes them, in the space left. */
static void bmm_draw_formulas(bmm_view *s, mx_ui *ui, mx_rect c) {
  const mx_theme *th = mx_ui_theme(ui);
  int lh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 3), i, n;
  const char *lines[8];
  n = 0;
  lines[n++] = "E-step   rₙₖ = πₖ p(xₙ|θₖ) / Σⱼ πⱼ p(xₙ|θⱼ)";
  lines[n++] = "   log p(x|θₖ) = Σ_all log(1−θₖ) + Σ_on log θₖ/(1−θₖ)";
  if (s->disp_cfg.semi) lines[n++] = "   a labelled digit of class c keeps rₙₖ = [k = c]";
  lines[n++] = "M-step   θₖ = (Σₙ rₙₖ xₙ + α) / (Nₖ + 2α)";
  lines[n++] = "   πₖ = Nₖ / N,   Nₖ = Σₙ rₙₖ";
  if (c.h < lh * (n + 1)) return;
  c.y = c.y + c.h - lh * n;
  mx_draw_rect(ui, (mx_rect){c.x, c.y - mx_ui_px(ui, 8), c.w, 1}, th->border);
  for (i = 0; i < n; i++) {
    int sub = lines[i][0] == ' ';
    mx_text(ui, c.x, c.y + i * lh + (sub ? mx_ui_px(ui, 2) : 0), sub ? MX_FONT_SMALL : MX_FONT_BODY,
            sub ? th->text_dim : th->text, "%s", lines[i]);
  }
}

/* One line of the numbers at the top of *c if it fits (cut off *c), in font f;
 * brief (or NULL): a shorter form for a narrow panel. */
static void bmm_line(mx_ui *ui, mx_rect *c, int f, int step, mx_color col, const char *s,
                     const char *brief) {
  const char *v[2];
  if (c->h < mx_line_height(ui, f)) {
    c->h = 0; /* out of room: the lines below are left out too */
    return;
  }
  v[0] = s;
  v[1] = brief;
  mx_text_fit(ui, (mx_rect){c->x, c->y, c->w, mx_line_height(ui, f)}, f, MX_ALIGN_LEFT, col, v,
              brief ? 2 : 1);
  mx_rect_cut_top(c, step);
}

/* The control panel's numbers at the viewed iteration, then the formulas (a
 * short panel: the body lines in the small font, and what does not fit left out). */
static void bmm_controls_numbers(bmm_view *s, mx_app *app, mx_ui *ui, mx_rect c) {
  const mx_theme *th = mx_ui_theme(ui);
  int gap = mx_ui_px(ui, 6), lL = mx_line_height(ui, MX_FONT_LARGE), f = MX_FONT_BODY;
  int t = s->view_t, ln;
  char buf[200];
  double dJ = t > 0 ? s->c_lp[t] - s->c_lp[t - 1] : NAN;
  if (c.h < lL + gap + 4 * (mx_line_height(ui, f) + mx_ui_px(ui, 3)) +
                (s->disp_cfg.semi ? lL + 3 * gap + mx_line_height(ui, f) : 0))
    f = MX_FONT_SMALL;
  ln = mx_line_height(ui, f) + mx_ui_px(ui, 3);
  if (c.h < lL) return;
  mx_ui_headline(ui, (mx_rect){c.x, c.y, mx_text(ui, c.x, c.y, MX_FONT_LARGE, th->text, "iteration %d", t),
                               lL}); /* tooltips keep off it */
  snprintf(buf, sizeof buf, "%s", s->c_busy ? "computing…" : s->c_converged && t == s->c_n - 1 ? "converged" : "");
  mx_text_in(ui, (mx_rect){c.x, c.y, c.w, lL}, MX_FONT_BODY, MX_ALIGN_RIGHT,
             s->c_busy ? th->warn : th->good, buf);
  mx_rect_cut_top(&c, lL + gap);
  snprintf(buf, sizeof buf, "train  log p(x) / digit  %.3f", s->c_ll[t]);
  bmm_line(ui, &c, f, ln, th->comp[0], buf, NULL);
  snprintf(buf, sizeof buf, "test   log p(x) / digit  %.3f", s->c_tll[t]);
  bmm_line(ui, &c, f, ln, th->comp[1], buf, NULL);
  if (s->disp_cfg.semi) { /* the accuracy before J: it is what semi-supervised EM is for */
    mx_rect_cut_top(&c, gap);
    snprintf(buf, sizeof buf, "test accuracy %.1f%%", 100.0 * s->c_acc[t]);
    bmm_line(ui, &c, MX_FONT_LARGE, lL + mx_ui_px(ui, 2), th->comp[2], buf, NULL);
    char brief[64];
    snprintf(buf, sizeof buf, "labelled digits alone (iteration 0)  %.1f%%", 100.0 * s->c_acc[0]);
    snprintf(brief, sizeof brief, "labelled alone  %.1f%%", 100.0 * s->c_acc[0]);
    bmm_line(ui, &c, f, ln + gap, th->comp[4], buf, brief);
  }
  snprintf(buf, sizeof buf, "log posterior J  %.1f", s->c_lp[t]);
  bmm_line(ui, &c, f, ln, th->text, buf, NULL);
  if (t > 0 && mx_app_headless(app))
    /* no wall-clock figure headless: shots, scenes and exports stay reproducible */
    snprintf(buf, sizeof buf, "ΔJ %+.4g", dJ);
  else if (t > 0)
    snprintf(buf, sizeof buf, "ΔJ %+.4g   ·   %.1f ms / iteration", dJ, s->c_ms[t]);
  else
    snprintf(buf, sizeof buf, "%d digits, %s", s->disp_cfg.n,
             s->disp_cfg.semi ? "start from the labelled" : s->disp_cfg.init_random ? "random start" : "k-means++ start");
  bmm_line(ui, &c, f, ln, th->text_dim, buf, NULL);
  if (c.h > 0) bmm_draw_formulas(s, ui, c);
}

/* The controls' first rows: Back / Step / Run / Reset, then the run speed when
 * the panel has room for it and every row below; cut from the top of *c. */
static void bmm_controls_run(bmm_view *s, mx_ui *ui, mx_rect *c, int bh, int sh, int gap) {
  mx_rect row = mx_rect_cut_top(c, bh);
  {
    int bw = (row.w - 3 * gap) / 4;
    if (mx_button(ui, mx_rect_cut_left(&row, bw), "◂ Back")) bmm_back(s);
    mx_rect_cut_left(&row, gap);
    if (mx_button(ui, mx_rect_cut_left(&row, bw), "Step ▸")) bmm_forward(s);
    mx_rect_cut_left(&row, gap);
    if (mx_button_on(ui, mx_rect_cut_left(&row, bw), s->running ? "Pause" : "Run", s->running)) {
      s->running = !s->running;
      s->follow = 1;
    }
    mx_rect_cut_left(&row, gap);
    if (mx_button(ui, row, "Reset")) bmm_request_reset(s);
  }
  mx_rect_cut_top(c, gap);
  /* the run speed, when the panel has room for it and every row below (4
   * button rows, 3 sliders, their gaps, the iteration and three numbers) */
  if (c->h >= sh + gap + 4 * bh + 3 * sh + 10 * gap + mx_line_height(ui, MX_FONT_LARGE) +
                 3 * mx_line_height(ui, MX_FONT_BODY)) {
    mx_view_rate_slider(ui, mx_rect_cut_top(c, sh), &s->rate);
    mx_rect_cut_top(c, gap);
  }
  mx_rect_cut_top(c, gap);
}

static void bmm_draw_controls(bmm_view *s, mx_app *app, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  mx_rect c = mx_panel(ui, r, "Bernoulli mixture EM");
  int gap = mx_ui_px(ui, 6), bh = mx_line_height(ui, MX_FONT_BODY) + mx_ui_px(ui, 12);
  int sh = mx_line_height(ui, MX_FONT_BODY) * 2 - mx_ui_px(ui, 2);
  mx_rect row;
  char buf[200];

  bmm_controls_run(s, ui, &c, bh, sh, gap); /* step / run / back / reset, run speed */
  /* mode */
  row = mx_rect_cut_top(&c, bh);
  {
    int bw = (row.w - gap) / 2;
    if (mx_button_on(ui, mx_rect_cut_left(&row, bw), "Unsupervised", !s->want.semi) && s->want.semi)
      bmm_set_semi(s, 0);
    mx_rect_cut_left(&row, gap);
    if (mx_button_on(ui, row, "Semi-supervised", s->want.semi) && !s->want.semi) bmm_set_semi(s, 1);
  }
  mx_rect_cut_top(&c, gap);
  if (s->want.semi) {
    row = mx_rect_cut_top(&c, sh);
    if (mx_slider(ui, row, "labelled digits per class  L  [ ]", &s->labels_slider, 1.0, 1000.0, "%.0f", 1)) {
      int L = (int)lround(s->labels_slider);
      if (L != s->want.labels) {
        s->want.labels = L;
        bmm_request_reset(s);
      }
    }
  } else {
    row = mx_rect_cut_top(&c, sh);
    if (mx_slider_int(ui, row, "components  K  (+ −)", &s->k_slider, BMM_KMIN, BMM_KMAX) &&
        s->k_slider != s->want.k) {
      s->want.k = s->k_slider;
      bmm_request_reset(s);
    }
  }
  mx_rect_cut_top(&c, gap);
  row = mx_rect_cut_top(&c, sh);
  if (mx_slider(ui, row, "training digits  N", &s->n_slider, 100.0, (double)bmm_max_n(s), "%.0f", 1)) {
    int n = (int)lround(s->n_slider);
    if (n != s->want.n) {
      s->want.n = n;
      bmm_request_reset(s);
    }
  }
  mx_rect_cut_top(&c, gap);
  row = mx_rect_cut_top(&c, sh);
  if (mx_slider(ui, row, "prior pseudo-count  α", &s->alpha_slider, 0.01, 100.0, "%.3g", 1) &&
      s->alpha_slider != s->want.alpha) {
    s->want.alpha = s->alpha_slider;
    bmm_request_reset(s);
  }
  mx_rect_cut_top(&c, gap);
  row = mx_rect_cut_top(&c, bh);
  if (s->want.semi) {
    mx_text_in(ui, row, MX_FONT_BODY, MX_ALIGN_LEFT, th->text_dim, "start: naive Bayes on the labelled");
  } else {
    int bw = (row.w - 2 * gap) / 3;
    mx_text_in(ui, mx_rect_cut_left(&row, bw), MX_FONT_BODY, MX_ALIGN_LEFT, th->text_dim, "start  (I)");
    mx_rect_cut_left(&row, gap);
    if (mx_button_on(ui, mx_rect_cut_left(&row, bw), "k-means++", !s->want.init_random) &&
        s->want.init_random) {
      s->want.init_random = 0;
      bmm_request_reset(s);
    }
    mx_rect_cut_left(&row, gap);
    if (mx_button_on(ui, row, "random", s->want.init_random) && !s->want.init_random) {
      s->want.init_random = 1;
      bmm_request_reset(s);
    }
  }
  mx_rect_cut_top(&c, gap);
  if (c.h < bh) return; /* large text on a short screen: the rows that fit (keys N, G work) */
  row = mx_rect_cut_top(&c, bh);
  {
    mx_rect b = mx_rect_cut_right(&row, mx_ui_px(ui, 130));
    snprintf(buf, sizeof buf, "seed %lu", s->want.seed);
    mx_text_in(ui, row, MX_FONT_BODY, MX_ALIGN_LEFT, th->text, buf);
    if (mx_button(ui, b, "New seed  N")) {
      s->want.seed++;
      bmm_request_reset(s);
    }
  }
  mx_rect_cut_top(&c, gap);
  if (c.h < bh) return;
  row = mx_rect_cut_top(&c, bh);
  {
    int bw2 = (row.w - gap) / 2;
    mx_rect b = mx_rect_cut_left(&row, bw2);
    mx_rect_cut_left(&row, gap);
    if (mx_button(ui, b, "Sample digits  G")) bmm_key_sample(s, app, 0);
    mx_tooltip(ui, b, "draw new digits from the model: a component, then every pixel");
    if (mx_button_on(ui, row, "θ maps", !s->samp.shown) && s->samp.shown)
      bmm_key_sample(s, app, 1);
  }
  mx_rect_cut_top(&c, gap * 2);
  mx_draw_rect(ui, (mx_rect){c.x, c.y, c.w, 1}, th->border);
  mx_rect_cut_top(&c, gap * 2);

  /* the numbers at the viewed iteration */
  if (s->c_n > 0) bmm_controls_numbers(s, app, ui, c);
}

void bmm_draw(void *st, mx_app *app, mx_ui *ui, mx_rect area) {
  bmm_view *s = st;
  mx_rect r = mx_rect_inset(area, mx_ui_px(ui, 12)), right, top;
  int gap = mx_ui_px(ui, 12);
  bmm_copy_shared(s);
  right = mx_rect_cut_right(&r, mx_ui_px(ui, 410));
  mx_rect_cut_right(&r, gap);
  bmm_draw_controls(s, app, ui, right);
  top = mx_rect_cut_top(&r, (r.h - gap) * 64 / 100);
  mx_rect_cut_top(&r, gap);
  bmm_draw_maps(s, ui, top);
  if (s->disp_cfg.semi) {
    mx_rect acc = mx_rect_cut_right(&r, (r.w - gap) * 45 / 100);
    mx_rect_cut_right(&r, gap);
    bmm_draw_accuracy(s, app, ui, acc);
  }
  bmm_draw_curve(s, ui, r);
}
