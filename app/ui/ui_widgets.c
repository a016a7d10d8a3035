/* mixscope — the UI kit: widgets (buttons, sliders, tabs, tooltips, panels)
 * and plots (see ui.h). */
#include "ui_private.h"

#include <limits.h>

/* ---------------------------------------------------------------- widgets */

/* The body font if s fits w pixels, else the small one (a label that does not
 * fit even then is cut, and the layout recorder says so). */
static int fit_font(mx_ui *ui, const char *s, int w) {
  int tw;
  mx_text_size(ui, MX_FONT_BODY, s, &tw, NULL);
  return tw <= w ? MX_FONT_BODY : MX_FONT_SMALL;
}

int mx_button_on(mx_ui *ui, mx_rect r, const char *label, int on) {
  const mx_theme *th = &ui->theme;
  uintptr_t id = label_id(label, r);
  int hover = mx_rect_contains(r, ui->mx, ui->my) && (ui->active == 0 || ui->active == id);
  int fired = 0, font;
  mx_color bg, fg = th->text;
  float rad = (float)mx_ui_px(ui, 6);
  if ((ui->cur.pressed & 1) && mx_rect_contains(r, ui->cur.press_x, ui->cur.press_y) &&
      ui->active == 0)
    ui->active = id;
  if ((ui->cur.released & 1) && ui->active == id &&
      mx_rect_contains(r, ui->cur.release_x, ui->cur.release_y))
    fired = 1;
  bg = th->panel_hi;
  if (on) {
    bg = th->accent;
    fg = th->bg;
    if (hover) bg = col_mix(th->accent, th->text, 0.2);
  } else if (ui->active == id && (ui->buttons & 1)) {
    bg = col_mix(th->panel_hi, th->accent, 0.45);
  } else if (hover) {
    bg = col_mix(th->panel_hi, th->text, 0.14);
  }
  if (ui->high_contrast && !on) {
    ui_fill_round_rect(ui, r, rad, th->border);
    ui_fill_round_rect(ui, mx_rect_inset(r, 2), rad - 2, hover ? th->panel_hi : th->bg);
  } else {
    ui_fill_round_rect(ui, r, rad, bg);
  }
  font = fit_font(ui, label, r.w - 2 * mx_ui_px(ui, 4));
  if (ui->lay) ui_layout_widget(ui, label, r, font);
  mx_text_in(ui, mx_rect_inset(r, mx_ui_px(ui, 4)), font, MX_ALIGN_CENTER, fg, label);
  return fired;
}

int mx_button(mx_ui *ui, mx_rect r, const char *label) { return mx_button_on(ui, r, label, 0); }

int mx_toggle(mx_ui *ui, mx_rect r, const char *label, int *value) {
  const mx_theme *th = &ui->theme;
  uintptr_t id = (uintptr_t)value;
  int hover = mx_rect_contains(r, ui->mx, ui->my) && ui->active == 0;
  int changed = 0, sw = mx_ui_px(ui, 40), sh = mx_ui_px(ui, 22), font;
  mx_rect pill, text;
  float knob;
  if (!value) return 0;
  if ((ui->cur.pressed & 1) && mx_rect_contains(r, ui->cur.press_x, ui->cur.press_y) &&
      ui->active == 0)
    ui->active = id;
  if ((ui->cur.released & 1) && ui->active == id &&
      mx_rect_contains(r, ui->cur.release_x, ui->cur.release_y)) {
    *value = !*value;
    changed = 1;
  }
  if (sh > r.h) sh = r.h;
  pill.x = r.x;
  pill.y = r.y + (r.h - sh) / 2;
  pill.w = sw;
  pill.h = sh;
  if (hover) ui_fill_round_rect(ui, mx_rect_inset(r, -mx_ui_px(ui, 2)), (float)mx_ui_px(ui, 6),
                             col_alpha(th->panel_hi, 160));
  if (ui->high_contrast && !*value) { /* white ring, black inside, white knob */
    ui_fill_round_rect(ui, pill, sh * 0.5f, th->border);
    ui_fill_round_rect(ui, mx_rect_inset(pill, 2), sh * 0.5f - 2.0f, th->bg);
  } else {
    ui_fill_round_rect(ui, pill, sh * 0.5f, *value ? th->accent : th->border);
  }
  knob = *value ? (float)(pill.x + pill.w) - sh * 0.5f : (float)pill.x + sh * 0.5f;
  mx_draw_circle(ui, knob, pill.y + sh * 0.5f, sh * 0.5f - (float)mx_ui_px(ui, 3),
                 *value ? th->bg : th->text);
  text = r;
  mx_rect_cut_left(&text, sw + mx_ui_px(ui, 10));
  font = fit_font(ui, label, text.w);
  if (ui->lay) ui_layout_widget(ui, label, r, font);
  mx_text_in(ui, text, font, MX_ALIGN_LEFT, *value ? th->text : th->text_dim, label);
  return changed;
}

static double slider_to_t(double v, double lo, double hi, int lg) {
  double t;
  if (lg && lo > 0 && hi > lo && v > 0) t = (log(v) - log(lo)) / (log(hi) - log(lo));
  else t = hi > lo ? (v - lo) / (hi - lo) : 0;
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

static double slider_from_t(double t, double lo, double hi, int lg) {
  if (t < 0) t = 0;
  if (t > 1) t = 1;
  if (lg && lo > 0 && hi > lo) return exp(log(lo) + t * (log(hi) - log(lo)));
  return lo + t * (hi - lo);
}

/* The shared slider body: returns the new t in [0,1] (or -1 if untouched) and
 * the number of wheel/arrow steps requested (*steps). */
static int slider_core(mx_ui *ui, uintptr_t id, mx_rect r, const char *label,
                       const char *valtxt, double t, double *tnew, int *steps) {
  const mx_theme *th = &ui->theme;
  int lh = mx_line_height(ui, MX_FONT_BODY), stacked = r.h >= lh * 2 - mx_ui_px(ui, 6);
  int hover, touched = 0, kr = mx_ui_px(ui, 9), th2 = mx_ui_px(ui, 6);
  mx_rect head = r, track;
  double tx0, tx1;
  float ty, kx;
  mx_color fill;
  if (stacked) {
    head = mx_rect_cut_top(&r, lh);
    track = r;
  } else {
    mx_rect rr = r;
    head = mx_rect_cut_left(&rr, r.w * 45 / 100);
    track = rr;
  }
  tx0 = (double)track.x + kr;
  tx1 = (double)(track.x + track.w) - kr;
  ty = (float)track.y + track.h * 0.5f;
  hover = (mx_rect_contains(r, ui->mx, ui->my) || mx_rect_contains(head, ui->mx, ui->my)) &&
          (ui->active == 0 || ui->active == id);
  if (hover || ui->active == id) ui->hot_slider = id;
  *steps = 0;
  *tnew = t;
  if ((ui->cur.pressed & 1) && ui->active == 0 &&
      mx_rect_contains(track, ui->cur.press_x, ui->cur.press_y))
    ui->active = id;
  if (ui->active == id && ((ui->buttons & 1) || (ui->cur.released & 1))) {
    double mx = (ui->buttons & 1) ? (double)ui->mx : (double)ui->cur.release_x;
    *tnew = tx1 > tx0 ? (mx - tx0) / (tx1 - tx0) : 0;
    if (*tnew < 0) *tnew = 0;
    if (*tnew > 1) *tnew = 1;
    touched = 1;
  }
  if (hover && ui->active == 0) {
    *steps += ui->cur.wheel;
    if (ui->hot_slider_prev == id) *steps += ui->cur.nudge;
  }
  if (*steps) {
    ui->cur.wheel = 0; /* the slider used the wheel */
    ui->cur.nudge = 0;
  }
  /* draw */
  if (stacked) { /* label left, value right, in the small font if they would meet */
    char both[320];
    int f;
    snprintf(both, sizeof both, "%s  %s", label, valtxt);
    f = fit_font(ui, both, head.w);
    mx_text_in(ui, head, f, MX_ALIGN_LEFT, th->text_dim, label);
    mx_text_in(ui, head, f, MX_ALIGN_RIGHT, th->text, valtxt);
  } else {
    char buf[256];
    int f;
    snprintf(buf, sizeof buf, "%s: %s", label, valtxt);
    f = fit_font(ui, buf, head.w);
    if (ui->lay) ui_layout_widget(ui, buf, head, f);
    mx_text_in(ui, head, f, MX_ALIGN_LEFT, th->text, buf);
  }
  fill = (hover || ui->active == id) ? th->accent : col_mix(th->accent, th->text_dim, 0.25);
  ui_fill_round_rect(ui, (mx_rect){(int)tx0, (int)(ty - th2 * 0.5f), (int)(tx1 - tx0), th2},
                  th2 * 0.5f, th->border);
  kx = (float)(tx0 + (touched ? *tnew : t) * (tx1 - tx0));
  ui_fill_round_rect(ui, (mx_rect){(int)tx0, (int)(ty - th2 * 0.5f), (int)(kx - (float)tx0), th2},
                  th2 * 0.5f, fill);
  mx_draw_circle(ui, kx, ty, (float)kr + (ui->active == id ? 2.0f : 0.0f), fill);
  mx_draw_circle(ui, kx, ty, (float)kr * 0.45f, th->bg);
  return touched;
}

/* A value set by the mouse or the arrow keys, rounded to what the slider
 * states: two significant digits on a log scale (N = 53126 -> 53000), else
 * the decimals of a "%.Nf" format, else a hundredth of the range rounded
 * to 1, 2 or 5 x 10^k. */
static double slider_snap(double v, double lo, double hi, const char *fmt, int log_scale) {
  char b[40];
  double step;
  const char *p = fmt ? strstr(fmt, "%.") : NULL;
  if (!isfinite(v) || v == 0.0) return v;
  if (log_scale) {
    step = pow(10.0, floor(log10(fabs(v))) - 1.0);
  } else if (p && p[2] >= '0' && p[2] <= '9' && p[3] == 'f') {
    step = pow(10.0, -(p[2] - '0'));
  } else {
    double raw = (hi - lo) / 100.0, e;
    if (!(raw > 0)) return v;
    e = pow(10.0, floor(log10(raw)));
    step = raw / e < 1.5 ? e : raw / e < 3.5 ? 2 * e : raw / e < 7.5 ? 5 * e : 10 * e;
  }
  v = round(v / step) * step;
  /* round again at 12 significant digits: 0.1 * 3 prints as 0.3, and scenes store it so */
  snprintf(b, sizeof b, "%.12g", v);
  return strtod(b, NULL);
}

int mx_slider(mx_ui *ui, mx_rect r, const char *label, double *value, double lo, double hi,
              const char *fmt, int log_scale) {
  char buf[64];
  double t, tnew, old;
  int steps, touched;
  if (!value) return 0;
  old = *value;
  fmt_value(buf, sizeof buf, fmt, *value);
  t = slider_to_t(*value, lo, hi, log_scale);
  touched = slider_core(ui, (uintptr_t)value, r, label ? label : "", buf, t, &tnew, &steps);
  if (touched) *value = slider_snap(slider_from_t(tnew, lo, hi, log_scale), lo, hi, fmt, log_scale);
  if (steps) {
    double tt = slider_to_t(*value, lo, hi, log_scale) + steps * 0.01;
    double nv = slider_snap(slider_from_t(tt, lo, hi, log_scale), lo, hi, fmt, log_scale);
    *value = nv != *value ? nv : slider_from_t(tt, lo, hi, log_scale); /* a nudge always moves */
  }
  if (*value < lo) *value = lo;
  if (*value > hi) *value = hi;
  return *value != old;
}

int mx_slider_int(mx_ui *ui, mx_rect r, const char *label, int *value, int lo, int hi) {
  char buf[32];
  double t, tnew;
  int steps, touched, old;
  if (!value) return 0;
  old = *value;
  snprintf(buf, sizeof buf, "%d", *value);
  t = hi > lo ? (double)(*value - lo) / (hi - lo) : 0;
  touched = slider_core(ui, (uintptr_t)value, r, label ? label : "", buf, t, &tnew, &steps);
  if (touched) *value = lo + (int)lround(tnew * (hi - lo));
  *value += steps;
  if (*value < lo) *value = lo;
  if (*value > hi) *value = hi;
  return *value != old;
}

int mx_tabs(mx_ui *ui, mx_rect r, const char *const *labels, int n, int *sel) {
  const mx_theme *th = &ui->theme;
  int i, x = r.x, pad = mx_ui_px(ui, 18), changed = 0, bar = mx_ui_px(ui, 4), sep = mx_ui_px(ui, 2);
  int font = MX_FONT_BODY, total = 0, tw;
  /* fit the row: shrink the padding, then fall back to the small font */
  for (i = 0; i < n; i++) {
    mx_text_size(ui, font, labels[i], &tw, NULL);
    total += tw;
  }
  if (n > 0 && total + n * (2 * pad + sep) > r.w) {
    pad = (r.w - total - n * sep) / (2 * n);
    if (pad < mx_ui_px(ui, 6)) {
      font = MX_FONT_SMALL;
      for (total = 0, i = 0; i < n; i++) {
        mx_text_size(ui, font, labels[i], &tw, NULL);
        total += tw;
      }
      pad = (r.w - total - n * sep) / (2 * n);
      if (pad > mx_ui_px(ui, 12)) pad = mx_ui_px(ui, 12);
      if (pad < 2) pad = 2;
    }
  }
  for (i = 0; i < n; i++) {
    mx_rect t;
    int on = sel && *sel == i, hover;
    mx_text_size(ui, font, labels[i], &tw, NULL);
    t.x = x;
    t.y = r.y;
    t.w = tw + 2 * pad;
    t.h = r.h;
    if (t.x + t.w > r.x + r.w) t.w = r.x + r.w - t.x;
    if (t.w <= 0) break;
    hover = mx_rect_contains(t, ui->mx, ui->my) && ui->active == 0;
    if (on) mx_draw_rect(ui, t, th->panel);
    else if (hover) mx_draw_rect(ui, t, th->panel_hi);
    if (on) mx_draw_rect(ui, (mx_rect){t.x, t.y + t.h - bar, t.w, bar}, th->accent);
    if (ui->lay) ui_layout_widget(ui, labels[i], t, font);
    mx_text_in(ui, t, font, MX_ALIGN_CENTER, on ? th->text : th->text_dim, labels[i]);
    if (sel && mx_ui_clicked(ui, t, 1) && *sel != i) {
      *sel = i;
      changed = 1;
    }
    x += t.w + sep;
  }
  return changed;
}

/* A panel title that fits its row: the whole title in the large font, else in
 * the body font, else without its last " · " parts (large, body, then small
 * font); the first part is cut only when nothing else fits. */
static void panel_title(mx_ui *ui, mx_rect head, const char *title) {
  static const int fonts[5] = {MX_FONT_LARGE, MX_FONT_BODY, MX_FONT_LARGE, MX_FONT_BODY,
                               MX_FONT_SMALL};
  char buf[UI_TEXT_MAX];
  int f, tw = 0;
  for (f = 0; f < 5; f++) {
    snprintf(buf, sizeof buf, "%s", title);
    mx_text_size(ui, fonts[f], buf, &tw, NULL);
    while (f >= 2 && tw > head.w && ui_drop_last_part(buf)) mx_text_size(ui, fonts[f], buf, &tw, NULL);
    if (tw <= head.w) break;
  }
  mx_text_in(ui, head, fonts[f < 5 ? f : 4], MX_ALIGN_LEFT, ui->theme.text, buf);
}

mx_rect mx_panel(mx_ui *ui, mx_rect r, const char *title) {
  const mx_theme *th = &ui->theme;
  int pad = mx_ui_px(ui, 12);
  float rad = (float)mx_ui_px(ui, 8);
  mx_rect c;
  if (ui->lay) ui_layout_panel(ui, r);
  ui->panel[ui->npanel++ % UI_PANELS] = r;
  if (ui->high_contrast) {
    ui_fill_round_rect(ui, r, rad, th->border);
    ui_fill_round_rect(ui, mx_rect_inset(r, 2), rad - 2, th->panel);
  } else {
    ui_fill_round_rect(ui, r, rad, th->panel);
  }
  c = mx_rect_inset(r, pad);
  if (title && *title) {
    int lh = mx_line_height(ui, MX_FONT_LARGE);
    mx_rect head = mx_rect_cut_top(&c, lh);
    mx_draw_rect(ui, (mx_rect){r.x, head.y + mx_ui_px(ui, 3), mx_ui_px(ui, 4), lh - mx_ui_px(ui, 6)},
                 th->accent);
    panel_title(ui, head, title);
    mx_rect_cut_top(&c, mx_ui_px(ui, 8));
  }
  return c;
}

void mx_tooltip(mx_ui *ui, mx_rect r, const char *text) {
  uint32_t id;
  if (!text || !mx_rect_contains(r, ui->mx, ui->my) || ui->active) return;
  snprintf(ui->tip, sizeof ui->tip, "%s", text);
  ui->tip_on = 1;
  id = hash_str(text, 0, (mx_color){0, 0, 0, 0}) | 1u;
  if (id != ui->tip_id_prev && id != ui->tip_id) {
    /* a new target: wait, unless a tooltip is up (moving along a map's pixels) */
    ui->tip_start = ui->tip_drawn ? ui->now - MX_TIP_DELAY : ui->now;
  }
  ui->tip_id = id;
}

void mx_ui_headline(mx_ui *ui, mx_rect r) {
  if (ui->nheadline < UI_MAX_HEADLINES && r.w > 0 && r.h > 0) ui->headline[ui->nheadline++] = r;
}

int mx_ui_tooltip_shown(const mx_ui *ui, mx_rect *box) {
  if (box) *box = ui->tip_box;
  return ui->tip_drawn;
}

/* Pixels of b covering the headline rects. */
static long tip_overlap(const mx_ui *ui, mx_rect b) {
  long a = 0;
  int i;
  for (i = 0; i < ui->nheadline; i++) {
    const mx_rect *h = &ui->headline[i];
    int x0 = b.x > h->x ? b.x : h->x, x1 = b.x + b.w < h->x + h->w ? b.x + b.w : h->x + h->w;
    int y0 = b.y > h->y ? b.y : h->y, y1 = b.y + b.h < h->y + h->h ? b.y + b.h : h->y + h->h;
    if (x1 > x0 && y1 > y0) a += (long)(x1 - x0) * (y1 - y0);
  }
  return a;
}

void ui_draw_tooltip(mx_ui *ui) {
  const mx_theme *th = &ui->theme;
  int tw, tht, pad = mx_ui_px(ui, 8), i;
  long best = -1;
  mx_rect b = {0, 0, 0, 0};
  mx_text_size(ui, MX_FONT_BODY, ui->tip, &tw, &tht);
  /* below right of the mouse, above right, below left, above left: the first
   * that covers no headline (else the one covering least) */
  for (i = 0; i < 4; i++) {
    mx_rect c;
    long o;
    c.w = tw + 2 * pad;
    c.h = tht + 2 * pad;
    c.x = i < 2 ? ui->mx + mx_ui_px(ui, 16) : ui->mx - c.w - mx_ui_px(ui, 8);
    c.y = i % 2 == 0 ? ui->my + mx_ui_px(ui, 20) : ui->my - c.h - mx_ui_px(ui, 8);
    if (c.x + c.w > ui->w) c.x = ui->w - c.w - 2;
    if (c.y + c.h > ui->h) c.y = ui->my - c.h - mx_ui_px(ui, 8);
    if (c.x < 0) c.x = 0;
    if (c.y < 0) c.y = 0;
    o = tip_overlap(ui, c);
    if (best < 0 || o < best) {
      best = o;
      b = c;
    }
    if (o == 0) break;
  }
  ui->tip_drawn = 1;
  ui->tip_box = b;
  ui_fill_round_rect(ui, mx_rect_inset(b, -1), (float)pad * 0.75f, th->border);
  ui_fill_round_rect(ui, b, (float)pad * 0.75f, th->panel_hi);
  mx_text(ui, b.x + pad, b.y + pad, MX_FONT_BODY, th->text, "%s", ui->tip);
}

/* ---------------------------------------------------------------- plots */

float mx_plot_x(const mx_plot *p, double x) {
  if (p->x1 == p->x0) return (float)p->r.x + p->r.w * 0.5f;
  return (float)(p->r.x + (x - p->x0) / (p->x1 - p->x0) * p->r.w);
}

float mx_plot_y(const mx_plot *p, double y) {
  if (p->y1 == p->y0) return (float)p->r.y + p->r.h * 0.5f;
  return (float)(p->r.y + p->r.h - (y - p->y0) / (p->y1 - p->y0) * p->r.h);
}

double mx_plot_inv_x(const mx_plot *p, float px) {
  if (p->r.w == 0) return p->x0;
  return p->x0 + (px - p->r.x) / (double)p->r.w * (p->x1 - p->x0);
}

double mx_plot_inv_y(const mx_plot *p, float py) {
  if (p->r.h == 0) return p->y0;
  return p->y0 + (p->r.y + p->r.h - py) / (double)p->r.h * (p->y1 - p->y0);
}

/* A "nice" step (1, 2, 2.5 or 5 x 10^k) giving about `target` ticks over span. */
static double nice_step(double span, int target) {
  double raw, mag, f;
  if (!(span > 0) || !isfinite(span)) return 1.0;
  raw = span / (target > 0 ? target : 5);
  mag = pow(10.0, floor(log10(raw)));
  f = raw / mag;
  if (f < 1.5) f = 1;
  else if (f < 2.25) f = 2;
  else if (f < 3.5) f = 2.5;
  else if (f < 7.5) f = 5;
  else f = 10;
  return f * mag;
}

static void tick_label(char *buf, size_t n, double v, double step) {
  int dec = 0;
  double s = step;
  if (fabs(v) < step * 1e-9) v = 0.0;
  while (dec < 8 && fabs(s - round(s)) > 1e-9 * fmax(1.0, fabs(s))) {
    s *= 10;
    dec++;
  }
  if (fabs(v) >= 1e6 || (fabs(v) > 0 && fabs(v) < 1e-4)) snprintf(buf, n, "%.3g", v);
  else snprintf(buf, n, "%.*f", dec, v);
}

/* The x ticks: grid line and tick mark at each; labels centred under them,
 * fewer ticks while the widest label (at either end) would not fit its share,
 * and a label that would still come within 4 px x scale of the one drawn
 * before it is left out (its tick stays). */
static void axes_x_ticks(mx_ui *ui, const mx_plot *p, int x_count, mx_color grid) {
  const mx_theme *th = &ui->theme;
  int tk = mx_ui_px(ui, 5), gap = mx_ui_px(ui, 4), nx = p->r.w / mx_ui_px(ui, 90);
  int last = INT_MIN; /* right edge of the last label drawn */
  double lo = p->x0 < p->x1 ? p->x0 : p->x1, hi = p->x0 < p->x1 ? p->x1 : p->x0, step, v;
  char buf[64];
  if (nx < 2) nx = 2;
  for (;;) {
    int w0, w1;
    step = nice_step(hi - lo, nx);
    if (x_count) step = step < 1.0 ? 1.0 : floor(step); /* 2.5 -> 2: whole-number ticks */
    tick_label(buf, sizeof buf, ceil(lo / step - 1e-9) * step, step);
    mx_text_size(ui, MX_FONT_SMALL, buf, &w0, NULL);
    tick_label(buf, sizeof buf, floor(hi / step + 1e-9) * step, step);
    mx_text_size(ui, MX_FONT_SMALL, buf, &w1, NULL);
    if (nx <= 1 || (hi - lo) / step * (double)((w0 > w1 ? w0 : w1) + mx_ui_px(ui, 10)) <= p->r.w) break;
    nx--;
  }
  for (v = ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    int x = (int)lroundf(mx_plot_x(p, v)), tw;
    mx_draw_rect(ui, (mx_rect){x, p->r.y, 1, p->r.h}, grid);
    mx_draw_rect(ui, (mx_rect){x, p->r.y + p->r.h, 1, tk}, th->text_dim);
    tick_label(buf, sizeof buf, v, step);
    mx_text_size(ui, MX_FONT_SMALL, buf, &tw, NULL);
    if (last != INT_MIN && x - tw / 2 < last + gap) continue;
    mx_text(ui, x - tw / 2, p->r.y + p->r.h + tk + gap / 2, MX_FONT_SMALL, th->text_dim, "%s", buf);
    last = x - tw / 2 + tw;
  }
}

/* The y ticks: fewer while labels would stand less than a line apart; when
 * even two ticks are too close (a plot lower than two lines), a label within a
 * line of the one drawn before it is left out. Returns the widest label drawn. */
static int axes_y_ticks(mx_ui *ui, const mx_plot *p, mx_color grid) {
  const mx_theme *th = &ui->theme;
  int lh = mx_line_height(ui, MX_FONT_SMALL), tk = mx_ui_px(ui, 5), gap = mx_ui_px(ui, 4);
  int ny = p->r.h / mx_ui_px(ui, 60), ytw = 0, last = INT_MIN; /* y of the last label drawn */
  double lo = p->y0 < p->y1 ? p->y0 : p->y1, hi = p->y0 < p->y1 ? p->y1 : p->y0, step, v;
  char buf[64];
  if (ny < 2) ny = 2;
  step = nice_step(hi - lo, ny);
  while (ny > 1 && (hi - lo) / step * (double)(lh + mx_ui_px(ui, 2)) > p->r.h)
    step = nice_step(hi - lo, --ny); /* labels one line apart at least */
  for (v = ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    int y = (int)lroundf(mx_plot_y(p, v)), tw;
    mx_draw_rect(ui, (mx_rect){p->r.x, y, p->r.w, 1}, grid);
    mx_draw_rect(ui, (mx_rect){p->r.x - tk, y, tk, 1}, th->text_dim);
    if (last != INT_MIN && abs(last - y) < lh) continue;
    tick_label(buf, sizeof buf, v, step);
    mx_text_size(ui, MX_FONT_SMALL, buf, &tw, NULL);
    if (tw > ytw) ytw = tw;
    mx_text(ui, p->r.x - tk - gap - tw, y - lh / 2, MX_FONT_SMALL, th->text_dim, "%s", buf);
    last = y;
  }
  return ytw;
}

/* Where the axes' titles may go: the clip rect, else the latest panel of this
 * frame that holds the plot's centre (its inside, less the panel's padding),
 * else the window. */
static mx_rect axes_room(const mx_ui *ui, const mx_plot *p) {
  int i, n = ui->npanel < UI_PANELS ? ui->npanel : UI_PANELS;
  if (SDL_RenderIsClipEnabled(ui->r)) {
    SDL_Rect c;
    SDL_RenderGetClipRect(ui->r, &c);
    return (mx_rect){c.x, c.y, c.w, c.h};
  }
  for (i = 0; i < n; i++) {
    mx_rect r = ui->panel[(ui->npanel - 1 - i) % UI_PANELS];
    if (mx_rect_contains(r, p->r.x + p->r.w / 2, p->r.y + p->r.h / 2))
      return mx_rect_inset(r, mx_ui_px(ui, 6));
  }
  return (mx_rect){0, 0, ui->w, ui->h};
}

/* The axis titles. x: centred under the tick labels in the body font, or the
 * small one when the body one is wider than the axes (plot and y tick labels)
 * or their room (axes_room); moved sideways to stay inside the room when it
 * fits there. y: turned, left of the widest tick label, kept inside the clip
 * rect; the small font when the body one is longer than the plot is high. */
static void axes_titles(mx_ui *ui, const mx_plot *p, const char *xlabel, const char *ylabel, int ytw) {
  const mx_theme *th = &ui->theme;
  int lh = mx_line_height(ui, MX_FONT_SMALL), tk = mx_ui_px(ui, 5), gap = mx_ui_px(ui, 4);
  int left = p->r.x - tk - gap - ytw, tw, font;
  mx_rect room = axes_room(ui, p);
  if (xlabel && *xlabel) {
    int x;
    font = MX_FONT_BODY;
    mx_text_size(ui, font, xlabel, &tw, NULL);
    if (tw > p->r.x + p->r.w - left || tw > room.w) {
      font = MX_FONT_SMALL;
      mx_text_size(ui, font, xlabel, &tw, NULL);
    }
    x = p->r.x + (p->r.w - tw) / 2;
    if (tw <= room.w && x + tw > room.x + room.w) x = room.x + room.w - tw;
    if (tw <= room.w && x < room.x) x = room.x;
    mx_text(ui, x, p->r.y + p->r.h + tk + gap + lh, font, th->text, "%s", xlabel);
  }
  if (ylabel && *ylabel) {
    float half, cx;
    font = MX_FONT_BODY;
    mx_text_size(ui, font, ylabel, &tw, NULL);
    if (tw > p->r.h) font = MX_FONT_SMALL;
    half = (float)mx_line_height(ui, font) * 0.5f;
    cx = (float)(left - gap) - half;
    if (cx - half < (float)room.x && SDL_RenderIsClipEnabled(ui->r)) cx = (float)room.x + half;
    ui_text_vertical(ui, cx, (float)p->r.y + p->r.h * 0.5f, font, th->text, ylabel);
  }
}

static void draw_axes(mx_ui *ui, const mx_plot *p, const char *xlabel, const char *ylabel,
                      int x_count) {
  const mx_theme *th = &ui->theme;
  mx_color grid = col_alpha(th->border, ui->projector ? 150 : ui->high_contrast ? 110 : 90);
  int lw = mx_ui_px(ui, 2) > 0 ? mx_ui_px(ui, 2) : 1, ytw;
  axes_x_ticks(ui, p, x_count, grid);
  ytw = axes_y_ticks(ui, p, grid);
  /* frame: left and bottom axis lines */
  mx_draw_rect(ui, (mx_rect){p->r.x, p->r.y, lw, p->r.h}, th->text_dim);
  mx_draw_rect(ui, (mx_rect){p->r.x, p->r.y + p->r.h - 1, p->r.w, lw}, th->text_dim);
  axes_titles(ui, p, xlabel, ylabel, ytw);
}

void mx_draw_axes(mx_ui *ui, const mx_plot *p, const char *xlabel, const char *ylabel) {
  draw_axes(ui, p, xlabel, ylabel, 0);
}

void mx_draw_axes_count(mx_ui *ui, const mx_plot *p, const char *xlabel, const char *ylabel) {
  draw_axes(ui, p, xlabel, ylabel, 1);
}

/* Drop the points of xy (n, 2) that lie within tol pixels of the straight
 * line through their kept neighbours (flat stretches of a curve become one
 * segment; what is drawn moves by at most tol). Returns the new count. */
int mx_polyline_simplify(float *xy, int n, float tol) {
  int a = 0, m = 1, e;
  if (n <= 2) return n;
  for (e = 2; e < n; e++) {
    /* can the chord from the last kept point a to e replace the points between? */
    float ax = xy[2 * a], ay = xy[2 * a + 1], dx = xy[2 * e] - ax, dy = xy[2 * e + 1] - ay;
    float len = sqrtf(dx * dx + dy * dy);
    int q, fits = len > 0.0f;
    for (q = a + 1; q < e && fits; q++) {
      float d = fabsf((xy[2 * q] - ax) * dy - (xy[2 * q + 1] - ay) * dx);
      fits = d <= tol * len;
    }
    if (!fits) { /* keep e - 1 (slot m <= e - 1: the points still to read are not overwritten) */
      xy[2 * m] = xy[2 * (e - 1)];
      xy[2 * m + 1] = xy[2 * (e - 1) + 1];
      m++;
      a = e - 1;
    }
  }
  xy[2 * m] = xy[2 * (n - 1)];
  xy[2 * m + 1] = xy[2 * (n - 1) + 1];
  return m + 1;
}
