/* mixscope — the shell's chrome and frame: top bar (name, tabs, help hint),
 * status line with the data line, key legend, help overlay, the message card
 * of a view that could not start, the pointer highlight (see shell.h). */
#include "shell.h"
#include "ui/pool.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ------------------------------------------------------------------ drawing */

static void draw_keycap(mx_ui *ui, int *x, int y, int h, const char *key, const char *what,
                        int maxx) {
  const mx_theme *th = mx_ui_theme(ui);
  int kw, ww, pad = mx_ui_px(ui, 7);
  mx_rect cap;
  mx_text_size(ui, MX_FONT_SMALL, key, &kw, NULL);
  mx_text_size(ui, MX_FONT_SMALL, what, &ww, NULL);
  if (*x + kw + 2 * pad + mx_ui_px(ui, 6) + ww > maxx) {
    *x = maxx + 1; /* no room: stop */
    return;
  }
  cap.x = *x;
  cap.y = y + mx_ui_px(ui, 3);
  cap.w = kw + 2 * pad;
  cap.h = h - mx_ui_px(ui, 6);
  mx_draw_round_rect(ui, cap, (float)mx_ui_px(ui, 4), th->panel_hi);
  mx_text_in(ui, cap, MX_FONT_SMALL, MX_ALIGN_CENTER, th->text, key);
  *x += cap.w + mx_ui_px(ui, 6);
  mx_text_in(ui, (mx_rect){*x, y, ww, h}, MX_FONT_SMALL, MX_ALIGN_LEFT, th->text_dim, what);
  *x += ww + mx_ui_px(ui, 18);
}

#define CHROME_MAX_KEYS 64 /* rows of the key map a view or the shell shows */

/* Widest key and widest description of a key list in a font. */
static void keys_extent(mx_ui *ui, int font, const mx_keyhelp *k, int *keyw, int *whatw, int *n) {
  int i, w;
  *keyw = *whatw = *n = 0;
  for (i = 0; k && k[i].key; i++) {
    mx_text_size(ui, font, k[i].key, &w, NULL);
    if (w > *keyw) *keyw = w;
    mx_text_size(ui, font, k[i].what, &w, NULL);
    if (w > *whatw) *whatw = w;
    (*n)++;
  }
}

static void draw_key_column(mx_ui *ui, int font, mx_rect c, const char *head,
                            const mx_keyhelp *k, int keyw, int lh) {
  const mx_theme *th = mx_ui_theme(ui);
  int i, bl = mx_line_height(ui, font);
  mx_text(ui, c.x, c.y, font, th->accent, "%s", head);
  if (!k || !k[0].key) mx_text(ui, c.x, c.y + lh, font, th->text_dim, "(no keys of its own)");
  for (i = 0; k && k[i].key; i++) {
    int y = c.y + (i + 1) * lh;
    if (y + bl > c.y + c.h) break;
    mx_text(ui, c.x, y, font, th->text, "%s", k[i].key);
    mx_text_in(ui, (mx_rect){c.x + keyw, y, c.w - keyw, bl}, font, MX_ALIGN_LEFT, th->text_dim,
               k[i].what);
  }
}

static void draw_help(mx_app *app, mx_rect full) {
  mx_ui *ui = app->ui;
  const mx_view *v = mx_views[app->view];
  int gap = mx_ui_px(ui, 20), pad = mx_ui_px(ui, 12), margin = mx_ui_px(ui, 16);
  int font = MX_FONT_BODY, lh, kl, wl, nl, kr, wr, nr, rows, wl_col, wr_col, avail, pass;
  mx_rect card, c, left;
  char title[160];
  mx_keyhelp vkeys[CHROME_MAX_KEYS], gkeys[CHROME_MAX_KEYS]; /* rows of mx_keymap */
  mx_keymap_view(v->name, vkeys, CHROME_MAX_KEYS);
  mx_keymap_view("*", gkeys, CHROME_MAX_KEYS);
  for (pass = 0; pass < 2; pass++) { /* the body font, or the small one if it does not fit */
    keys_extent(ui, font, vkeys, &kl, &wl, &nl);
    keys_extent(ui, font, gkeys, &kr, &wr, &nr);
    kl += gap;
    kr += gap;
    mx_text_size(ui, font, "(no keys of its own)", &avail, NULL);
    if (wl < avail) wl = avail;
    wl_col = kl + wl;
    wr_col = kr + wr;
    if (wl_col + wr_col + 2 * gap + 2 * pad <= full.w - 2 * margin) break;
    font = MX_FONT_SMALL;
  }
  lh = mx_line_height(ui, font) + mx_ui_px(ui, font == MX_FONT_BODY ? 8 : 5);
  rows = (nl > nr ? nl : nr) + 1;
  mx_draw_rect(ui, full, (mx_color){0, 0, 0, 190});
  card.w = wl_col + wr_col + 2 * gap + 2 * pad;
  if (card.w > full.w - 2 * margin) card.w = full.w - 2 * margin;
  card.h = rows * lh + mx_line_height(ui, MX_FONT_LARGE) + mx_ui_px(ui, 40);
  if (card.h > full.h - mx_ui_px(ui, 20)) card.h = full.h - mx_ui_px(ui, 20);
  card.x = full.x + (full.w - card.w) / 2;
  card.y = full.y + (full.h - card.h) / 2;
  snprintf(title, sizeof title, "Keys: %s", v->title);
  c = mx_panel(ui, card, title);
  /* if the card is still narrower than wanted, shrink both columns in proportion */
  avail = c.w - 2 * gap;
  if (wl_col + wr_col > avail) {
    int lw = (int)((double)avail * wl_col / (wl_col + wr_col));
    wl_col = lw;
    wr_col = avail - lw;
  }
  left = mx_rect_cut_left(&c, wl_col);
  mx_rect_cut_left(&c, 2 * gap);
  draw_key_column(ui, font, left, "This view", vkeys, kl, lh);
  draw_key_column(ui, font, c, "Everywhere", gkeys, kr, lh);
}

static void draw_view_message(mx_app *app, mx_rect area, const char *head, const char *msg,
                              int is_error) {
  mx_ui *ui = app->ui;
  const mx_theme *th = mx_ui_theme(ui);
  mx_rect card, c;
  int lh = mx_line_height(ui, MX_FONT_BODY);
  card.w = area.w * 70 / 100;
  card.h = mx_line_height(ui, MX_FONT_LARGE) + 3 * lh + mx_ui_px(ui, 50);
  card.x = area.x + (area.w - card.w) / 2;
  card.y = area.y + (area.h - card.h) / 2;
  c = mx_panel(ui, card, head);
  mx_text_in(ui, (mx_rect){c.x, c.y, c.w, lh}, MX_FONT_BODY, MX_ALIGN_LEFT,
             is_error ? th->bad : th->text, msg);
  mx_text_in(ui, (mx_rect){c.x, c.y + lh + mx_ui_px(ui, 10), c.w, lh}, MX_FONT_BODY,
             MX_ALIGN_LEFT, th->text_dim, "Other views: number keys 1-9, Tab, or click a tab above.");
}

static void draw_pointer(mx_app *app) {
  mx_ui *ui = app->ui;
  int mx, my, i;
  float pts[2 * 65], r = (float)mx_ui_px(ui, 26);
  const mx_theme *th = mx_ui_theme(ui);
  mx_ui_mouse(ui, &mx, &my);
  if (mx < -1000) return;
  for (i = 0; i <= 64; i++) {
    float a = 2.0f * (float)M_PI * (float)i / 64.0f;
    pts[2 * i] = (float)mx + r * cosf(a);
    pts[2 * i + 1] = (float)my + r * sinf(a);
  }
  mx_draw_circle(ui, (float)mx, (float)my, r, (mx_color){th->accent.r, th->accent.g, th->accent.b, 50});
  mx_draw_polyline(ui, pts, 65, th->accent, 3.0f * mx_ui_scale(ui));
}

static void update_sizes(mx_app *app) {
  float auto_scale;
  if (!app->headless) {
    int ow = app->out_w, oh = app->out_h;
    SDL_GetWindowSize(app->win, &app->win_w, &app->win_h);
    SDL_GetRendererOutputSize(app->ren, &app->out_w, &app->out_h);
    /* after a resize / fullscreen toggle, make sure the viewport covers the
     * whole new output (some drivers miss the size-changed event) */
    if (ow != app->out_w || oh != app->out_h) SDL_RenderSetViewport(app->ren, NULL);
    app->hidpi = app->win_w > 0 ? (float)app->out_w / (float)app->win_w : 1.0f;
    if (app->hidpi < 0.5f || app->hidpi > 4.0f) app->hidpi = 1.0f;
  }
  /* A larger window (a projector at 1080p) gets proportionally larger text. */
  auto_scale = (float)app->win_h / (float)APP_DEFAULT_H;
  if (auto_scale < 1.0f) auto_scale = 1.0f;
  if (auto_scale > 1.75f) auto_scale = 1.75f;
  mx_ui_set_size(app->ui, app->out_w, app->out_h, app->hidpi * auto_scale * app->user_scale);
}

/* The colour of the top bar and the status line: the background darkened, or
 * (light theme) the raised panel colour. */
static mx_color bar_color(mx_ui *ui) {
  const mx_theme *th = mx_ui_theme(ui);
  if (mx_ui_theme_id(ui) == MX_THEME_LIGHT) return th->panel_hi;
  return (mx_color){(uint8_t)(th->bg.r / 2), (uint8_t)(th->bg.g / 2), (uint8_t)(th->bg.b / 2), 255};
}

/* Top bar: app name, the tabs (a click switches view), the help hint. */
static void chrome_top_bar(mx_app *app, mx_rect top) {
  mx_ui *ui = app->ui;
  const mx_theme *th = mx_ui_theme(ui);
  mx_rect tabs_r;
  const char *labels[APP_MAX_VIEWS];
  char labbuf[APP_MAX_VIEWS][96];
  int i, sel, total, tw;
  mx_draw_rect(ui, top, bar_color(ui));
  tabs_r = mx_rect_inset(top, 0);
  {
    mx_rect name = mx_rect_cut_left(&tabs_r, mx_ui_px(ui, 16));
    int nw;
    mx_text_size(ui, MX_FONT_LARGE, "mixscope", &nw, NULL);
    name = mx_rect_cut_left(&tabs_r, nw + mx_ui_px(ui, 20));
    mx_text_in(ui, name, MX_FONT_LARGE, MX_ALIGN_LEFT, th->accent, "mixscope");
  }
  {
    mx_rect hint = mx_rect_cut_right(&tabs_r, mx_ui_px(ui, 150));
    mx_rect_cut_right(&hint, mx_ui_px(ui, 14));
    mx_text_in(ui, hint, MX_FONT_SMALL, MX_ALIGN_RIGHT, th->text_dim, "H  help");
  }
  for (i = 0, total = 0; i < mx_nviews && i < APP_MAX_VIEWS; i++) {
    snprintf(labbuf[i], sizeof labbuf[i], "%d  %s", i + 1, mx_views[i]->title);
    labels[i] = labbuf[i];
    mx_text_size(ui, MX_FONT_SMALL, labels[i], &tw, NULL);
    total += tw + 2 * mx_ui_px(ui, 6) + mx_ui_px(ui, 2);
  }
  if (total > tabs_r.w) /* too narrow even for mx_tabs' small font: numbers, the current tab named */
    for (i = 0; i < mx_nviews && i < APP_MAX_VIEWS; i++)
      if (i != app->view) snprintf(labbuf[i], sizeof labbuf[i], "%d", i + 1);
  sel = app->view;
  if (mx_tabs(ui, tabs_r, labels, mx_nviews < APP_MAX_VIEWS ? mx_nviews : APP_MAX_VIEWS, &sel))
    mx_shell_switch_to(app, sel);
}

/* Status line: the transient message on the left, the data line on the right. */
static void chrome_status_line(mx_app *app, mx_rect bottom) {
  mx_ui *ui = app->ui;
  const mx_theme *th = mx_ui_theme(ui);
  mx_rect b = mx_rect_inset(bottom, 0), right;
  int tw, is_error;
  char shown[640], data[2][256];
  const char *data_v[3];
  mx_draw_rect(ui, bottom, bar_color(ui));
  mx_rect_cut_left(&b, mx_ui_px(ui, 14));
  mx_rect_cut_right(&b, mx_ui_px(ui, 14));
  /* the message or scene comes first; the data line gets what is left: whole,
   * without its folder ("  ·  /path"), or not at all */
  mx_app_status_shown(app, shown, sizeof shown, &is_error);
  mx_text_size(ui, MX_FONT_SMALL, shown, &tw, NULL);
  snprintf(data[0], sizeof data[0], "%s", app->data_line);
  snprintf(data[1], sizeof data[1], "%s", app->data_line);
  if (strstr(data[1], "  \xc2\xb7  ")) *strstr(data[1], "  \xc2\xb7  ") = '\0';
  data_v[0] = data[0];
  data_v[1] = data[1];
  data_v[2] = "";
  right = b;
  mx_rect_cut_left(&right, shown[0] ? tw + mx_ui_px(ui, 24) : 0);
  mx_text_fit(ui, right, MX_FONT_SMALL, MX_ALIGN_RIGHT,
              app->mnist_state < 0 ? th->bad : th->text_dim, data_v, 3);
  if (shown[0]) mx_text_in(ui, b, MX_FONT_SMALL, MX_ALIGN_LEFT, is_error ? th->bad : th->text, shown);
}

/* Key legend strip: the view's keys as keycaps, "H all keys" at the right end. */
static void chrome_legend(mx_app *app, const mx_view *v, mx_rect leg) {
  mx_ui *ui = app->ui;
  const mx_theme *th = mx_ui_theme(ui);
  int x = leg.x + mx_ui_px(ui, 14), maxx = leg.x + leg.w - mx_ui_px(ui, 14), hw, ww, hx, i;
  mx_keyhelp keys[CHROME_MAX_KEYS];
  mx_keymap_view(v->name, keys, CHROME_MAX_KEYS);
  mx_draw_rect(ui, leg, th->panel);
  /* "H all keys" keeps its place at the right end; the view's keys fill the rest */
  mx_text_size(ui, MX_FONT_SMALL, "H", &hw, NULL);
  mx_text_size(ui, MX_FONT_SMALL, "all keys", &ww, NULL);
  hx = maxx - (hw + 2 * mx_ui_px(ui, 7) + mx_ui_px(ui, 6) + ww);
  for (i = 0; keys[i].key && x <= hx; i++)
    draw_keycap(ui, &x, leg.y, leg.h, keys[i].key, keys[i].what, hx - mx_ui_px(ui, 10));
  draw_keycap(ui, &hx, leg.y, leg.h, "H", "all keys", maxx + mx_ui_px(ui, 20));
}

/* The scene's note as a caption strip (W), in one or two lines of the body
 * font broken at a space, else the small font; returns the strip's height. */
static int chrome_caption_height(mx_app *app, int w, int *font, int *split) {
  mx_ui *ui = app->ui;
  const char *note = mx_app_caption_shown(app);
  char first[512];
  int f, tw, i, n = (int)strlen(note), pad = mx_ui_px(ui, 8);
  *split = -1;
  if (!note[0]) return 0;
  for (f = MX_FONT_BODY; f >= MX_FONT_SMALL; f--) {
    *font = f;
    mx_text_size(ui, f, note, &tw, NULL);
    if (tw <= w) return mx_line_height(ui, f) + 2 * pad;
    for (i = n - 1; i > 0; i--) { /* the last space whose first line fits */
      if (note[i] != ' ') continue;
      snprintf(first, sizeof first, "%.*s", i, note);
      mx_text_size(ui, f, first, &tw, NULL);
      if (tw > w) continue;
      mx_text_size(ui, f, note + i + 1, &tw, NULL);
      if (tw > w) break;
      *split = i;
      return 2 * mx_line_height(ui, f) + 2 * pad;
    }
  }
  *font = MX_FONT_SMALL;
  return 2 * mx_line_height(ui, MX_FONT_SMALL) + 2 * pad;
}

static void chrome_caption(mx_app *app, mx_rect *area) {
  mx_ui *ui = app->ui;
  const mx_theme *th = mx_ui_theme(ui);
  const char *note = mx_app_caption_shown(app);
  int pad = mx_ui_px(ui, 8), font = MX_FONT_BODY, split, h, lh;
  char first[512];
  mx_rect r;
  h = chrome_caption_height(app, area->w - 2 * mx_ui_px(ui, 24), &font, &split);
  if (!h) return;
  r = mx_rect_cut_bottom(area, h);
  mx_draw_rect(ui, r, th->panel_hi);
  mx_draw_rect(ui, (mx_rect){r.x, r.y, mx_ui_px(ui, 4), r.h}, th->accent);
  r = mx_rect_inset(r, pad);
  r.x += mx_ui_px(ui, 16);
  r.w -= mx_ui_px(ui, 16);
  lh = mx_line_height(ui, font);
  if (split < 0) {
    mx_text_in(ui, (mx_rect){r.x, r.y, r.w, lh}, font, MX_ALIGN_LEFT, th->text, note);
    return;
  }
  snprintf(first, sizeof first, "%.*s", split, note);
  mx_text_in(ui, (mx_rect){r.x, r.y, r.w, lh}, font, MX_ALIGN_LEFT, th->text, first);
  mx_text_in(ui, (mx_rect){r.x, r.y + lh, r.w, lh}, font, MX_ALIGN_LEFT, th->text, note + split + 1);
}

/* The current view in area (clipped), or the card saying why it is not there. */
static void frame_view(mx_app *app, mx_rect area) {
  const mx_view *v = mx_views[app->view];
  void *st = app->state[app->view];
  SDL_Rect clip;
  clip.x = area.x;
  clip.y = area.y;
  clip.w = area.w;
  clip.h = area.h;
  SDL_RenderSetClipRect(app->ren, &clip);
  if (st && v->draw) {
    v->draw(st, app, app->ui, area);
  } else if (app->created[app->view] && app->view_err[app->view].msg[0]) {
    draw_view_message(app, area, v->title, app->view_err[app->view].msg, 1);
  } else {
    char msg[160];
    snprintf(msg, sizeof msg, "The %s view is not built yet.", v->title);
    draw_view_message(app, area, v->title, msg, 0);
  }
  SDL_RenderSetClipRect(app->ren, NULL);
}

/* Background jobs in slice mode (ui/pool.h; the web build): run their steps
 * before the frame, in what the last frame left of ~12 ms (2 to 8 ms), so
 * the frame shows their newest results and stays inside 16.7 ms. */
static void frame_jobs(const mx_app *app) {
  double budget = 12.0 - app->draw_ms;
  mx_jobs_tick(budget < 2.0 ? 2.0 : budget > 8.0 ? 8.0 : budget);
}

void mx_app_frame(mx_app *app, double dt) {
  mx_ui *ui = app->ui;
  const mx_theme *th;
  const mx_view *v;
  void *st;
  mx_rect full, area;
  int lh;
  Uint64 t0;

  frame_jobs(app);
  t0 = SDL_GetPerformanceCounter();
  if (!(dt >= 0) || dt > 1.0) dt = dt > 1.0 ? 1.0 : 0.0;
  app->time += dt;
  app->status_age += dt;
  update_sizes(app);
  v = mx_views[app->view];
  st = app->state[app->view];
  if (st && v->update) v->update(st, app, dt);

  th = mx_ui_theme(ui);
  mx_ui_advance(ui, dt); /* tooltip delay and time-out */
  mx_ui_begin(ui);
  SDL_SetRenderDrawColor(app->ren, th->bg.r, th->bg.g, th->bg.b, 255);
  SDL_RenderClear(app->ren);
  lh = mx_line_height(ui, MX_FONT_BODY);
  full = (mx_rect){0, 0, app->out_w, app->out_h};
  area = full;
  chrome_top_bar(app, mx_rect_cut_top(&area, lh + mx_ui_px(ui, 22)));
  v = mx_views[app->view]; /* a tab click may have switched */
  chrome_status_line(app, mx_rect_cut_bottom(&area, mx_line_height(ui, MX_FONT_SMALL) +
                                                        mx_ui_px(ui, 12)));
  if (app->legend)
    chrome_legend(app, v, mx_rect_cut_bottom(&area, mx_line_height(ui, MX_FONT_SMALL) +
                                                        mx_ui_px(ui, 14)));
  chrome_caption(app, &area);
  frame_view(app, area);

  mx_ui_end(ui); /* tooltips */
  if (app->help) {
    mx_ui_layout_layer(ui); /* the help card covers the frame */
    draw_help(app, full);
  }
  if (app->pointer) draw_pointer(app);

  if (app->shot_pending) {
    app->shot_pending = 0;
    mx_shell_take_screenshot(app);
  }
  if (!app->headless) SDL_RenderPresent(app->ren);
  else SDL_RenderFlush(app->ren);
  app->draw_ms = 1e3 * (double)(SDL_GetPerformanceCounter() - t0) /
                 (double)SDL_GetPerformanceFrequency();
}
