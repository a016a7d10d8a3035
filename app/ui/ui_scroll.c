/* mixscope — the UI kit: vertically scrolling regions (see ui.h, mx_scroll).
 *
 * mx_scroll_begin pushes a frame on ui->scroll: it clips drawing to the
 * visible rect r, and hides from the widgets inside whatever input lies
 * outside r by moving the mouse, press, release and button-down points of
 * this frame off the window (restored by mx_scroll_end). While a widget is
 * active (a slider being dragged) nothing is moved: only that widget reacts,
 * and it must follow the mouse even outside r. The layout recorder
 * (ui_layout.c) reads the stack to excuse texts cut at a region's edges. */
#include "ui_private.h"

#define UI_OFF (-10000) /* a point off the window: hidden input */

static int bar_width(const mx_ui *ui) { return mx_ui_px(ui, 6) > 3 ? mx_ui_px(ui, 6) : 3; }
static int bar_gap(const mx_ui *ui) { return mx_ui_px(ui, 4); }

/* The largest offset for a content of height ch in a view of height vh. */
static int max_offset(int ch, int vh) { return ch > vh ? ch - vh : 0; }

static void clamp_offset(mx_scroll *s) {
  int m = max_offset(s->content_h, s->view_h);
  if (s->offset > m) s->offset = m;
  if (s->offset < 0) s->offset = 0;
}

static void hide_point(mx_rect r, int *x, int *y) {
  if (!mx_rect_contains(r, *x, *y)) *x = *y = UI_OFF;
}

void mx_clip_push(mx_ui *ui, mx_rect r, mx_clip *save) {
  SDL_Rect clip = {r.x, r.y, r.w, r.h}, off = {-4, -4, 1, 1};
  save->had = SDL_RenderIsClipEnabled(ui->r);
  SDL_RenderGetClipRect(ui->r, &save->old);
  if (save->had && !SDL_IntersectRect(&clip, &save->old, &clip)) clip = off;
  if (clip.w <= 0 || clip.h <= 0) clip = off; /* nothing shows (a zero rect might not clip) */
  SDL_RenderSetClipRect(ui->r, &clip);
}

void mx_clip_pop(mx_ui *ui, const mx_clip *save) {
  SDL_RenderSetClipRect(ui->r, save->had ? &save->old : NULL);
}

mx_rect mx_scroll_begin(mx_ui *ui, mx_rect r, mx_scroll *s) {
  ui_scroll_frame *f = ui->nscroll < UI_SCROLL_MAX ? &ui->scroll[ui->nscroll] : NULL;
  mx_rect c = r;
  ui->nscroll++;
  if (r.w < 0) r.w = 0;
  if (r.h < 0) r.h = 0;
  s->view_h = r.h;
  if (s->content_h > 0) clamp_offset(s); /* with last frame's height (none yet: as set) */
  if (!f) { /* too deep: laid out, not clipped */
    c.y = r.y - s->offset;
    c.h = MX_SCROLL_ROOM;
    return c;
  }
  f->s = s;
  f->r = r;
  f->scrollable = s->content_h > r.h;
  f->over = ui->active == 0 && mx_rect_contains(r, ui->mx, ui->my);
  mx_clip_push(ui, r, &f->clip); /* drawing clipped to r, within the clip already set */
  /* hide the input outside r */
  f->mx = ui->mx;
  f->my = ui->my;
  f->press_x = ui->cur.press_x;
  f->press_y = ui->cur.press_y;
  f->release_x = ui->cur.release_x;
  f->release_y = ui->cur.release_y;
  f->down_x = ui->down_x;
  f->down_y = ui->down_y;
  f->wheel = ui->cur.wheel;
  if (ui->active == 0) {
    hide_point(r, &ui->mx, &ui->my);
    hide_point(r, &ui->cur.press_x, &ui->cur.press_y);
    hide_point(r, &ui->cur.release_x, &ui->cur.release_y);
    hide_point(r, &ui->down_x, &ui->down_y);
  }
  if (!f->over || f->scrollable) ui->cur.wheel = 0; /* the region's, or not for this region */
  if (f->scrollable) c.w -= bar_width(ui) + bar_gap(ui);
  if (c.w < 0) c.w = 0;
  c.y = r.y - s->offset;
  c.h = MX_SCROLL_ROOM;
  return c;
}

/* The bar's thumb for the offset: y and height. */
static void thumb(const mx_ui *ui, const ui_scroll_frame *f, int *ty, int *th) {
  const mx_scroll *s = f->s;
  int span = max_offset(s->content_h, f->r.h), least = mx_ui_px(ui, 24);
  *th = s->content_h > 0 ? (int)((long)f->r.h * f->r.h / s->content_h) : f->r.h;
  if (*th < least) *th = least;
  if (*th > f->r.h) *th = f->r.h;
  *ty = f->r.y + (span > 0 ? (int)((long)(f->r.h - *th) * s->offset / span) : 0);
}

/* Drag the bar (or click its track) and draw it. */
static void scroll_bar(mx_ui *ui, ui_scroll_frame *f) {
  const mx_theme *th = &ui->theme;
  mx_scroll *s = f->s;
  uintptr_t id = (uintptr_t)s;
  int bw = bar_width(ui), ty, tl, span = max_offset(s->content_h, f->r.h);
  mx_rect zone = {f->r.x + f->r.w - bw - bar_gap(ui), f->r.y, bw + bar_gap(ui), f->r.h};
  mx_rect track = {f->r.x + f->r.w - bw, f->r.y, bw, f->r.h};
  int hot;
  thumb(ui, f, &ty, &tl);
  if ((ui->cur.pressed & 1) && ui->active == 0 &&
      mx_rect_contains(zone, ui->cur.press_x, ui->cur.press_y)) {
    ui->active = id;
    /* on the thumb: held where pressed; on the track: the thumb's middle jumps there */
    s->grab = ui->cur.press_y >= ty && ui->cur.press_y < ty + tl ? ui->cur.press_y - ty : tl / 2;
  }
  if (ui->active == id && f->r.h > tl) {
    int y = (ui->buttons & 1) ? ui->my : ui->cur.release_y;
    s->offset = (int)lround((double)(y - s->grab - f->r.y) * span / (f->r.h - tl));
    clamp_offset(s);
    thumb(ui, f, &ty, &tl);
  }
  hot = ui->active == id || (ui->active == 0 && mx_rect_contains(zone, ui->mx, ui->my));
  ui_fill_round_rect(ui, track, bw * 0.5f, col_alpha(th->border, 70));
  ui_fill_round_rect(ui, (mx_rect){track.x, ty, bw, tl}, bw * 0.5f, hot ? th->text_dim : th->border);
}

void mx_scroll_end(mx_ui *ui, mx_scroll *s, int bottom) {
  ui_scroll_frame *f;
  int left, step;
  if (ui->nscroll <= 0) return; /* unbalanced: nothing open */
  ui->nscroll--;
  if (ui->nscroll >= UI_SCROLL_MAX) return; /* too deep: neither clipped nor scrolled */
  f = &ui->scroll[ui->nscroll];
  s = f->s; /* the one begun */
  s->content_h = bottom - (f->r.y - s->offset);
  if (s->content_h < 0) s->content_h = 0;
  left = ui->cur.wheel; /* what the widgets inside left of the wheel */
  /* give the input back */
  ui->mx = f->mx;
  ui->my = f->my;
  ui->cur.press_x = f->press_x;
  ui->cur.press_y = f->press_y;
  ui->cur.release_x = f->release_x;
  ui->cur.release_y = f->release_y;
  ui->down_x = f->down_x;
  ui->down_y = f->down_y;
  mx_clip_pop(ui, &f->clip);
  if (!f->over) ui->cur.wheel = f->wheel; /* not ours */
  else if (!f->scrollable) ui->cur.wheel = left;
  else {
    step = 3 * mx_line_height(ui, MX_FONT_BODY);
    if (step > f->r.h * 3 / 4) step = f->r.h * 3 / 4;
    if (step < 1) step = 1;
    s->offset -= f->wheel * step;
    ui->cur.wheel = 0;
  }
  clamp_offset(s);
  if (f->scrollable && s->content_h > f->r.h) scroll_bar(ui, f); /* the content left it room */
  else if (ui->active == (uintptr_t)s) ui->active = 0;
}

void mx_scroll_show(mx_scroll *s, int y, int h) {
  if (y + h > s->offset + s->view_h) s->offset = y + h - s->view_h;
  if (y < s->offset) s->offset = y;
  clamp_offset(s);
}
