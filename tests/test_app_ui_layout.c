/* mixscope — the UI kit's layout fault recorder (app/ui/ui_layout.c, see ui.h
 * "Layout faults"), drawn with the software renderer onto a surface:
 *  - a text given a box narrower than itself is reported clipped, naming the
 *    text and the box; the same text in a wide box is not;
 *  - two texts drawn over each other are reported as an overlap; two lines set
 *    one line height apart are not (ink boxes, not texture rects);
 *  - the ink box reported is the box of the pixels the text put on a black
 *    canvas, read back here with SDL_RenderReadPixels (independent of the kit's
 *    own measurement of the text surface); tolerance 1 px for the alpha cut;
 *  - a text cut by the clip rect or the window, and one crossing a panel edge,
 *    are reported; a tooltip-like overlay layer is not checked against the frame;
 *  - scroll regions (mx_scroll_begin/end): rows cut at the region's top or
 *    bottom edge are not reported (reached by scrolling; the same rows under
 *    a plain clip rect are), a text too wide for its box or cut at the side
 *    still is; the offset is clamped to 0 .. content - view (by hand: 12 rows
 *    of 25 px in 100 px -> 0 .. 200); drawing is clipped to the region and the
 *    bar is drawn only while the content is taller (pixels read back); a click
 *    or hover outside the region does not reach a widget scrolled out of view
 *    there; the wheel scrolls the region by 3 body lines, or reaches the
 *    content when there is nothing to scroll; dragging the bar maps the thumb
 *    position linearly to the offset; mx_clip_push inside a region stays
 *    within it (pixels) and a text it cuts at the region's edge is excused;
 *  - a button, toggle, slider or tab row lower than its label's line height is
 *    reported "box shorter than its text" (at the line height: not);
 *  - two texts on one row whose ink (read back) stands 0 or 1 empty columns
 *    apart are reported "touching" (overlap kind); 2 columns apart, or one line
 *    lower, they are not;
 *  - axes tick labels and colour-bar labels are thinned instead of
 *    overlapping (ticks 10 px apart on a 10 px plot: the top label left out;
 *    colour bar of 2, 1, 1/2 small lines: 3, 2, 1 labels); an x title wider
 *    than its axes takes the small font inside its panel;
 *  - recording off: no faults. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_test.h"
#include "ui/ui.h"

#define W 480
#define H 320

typedef mx_test_canvas canvas;

static int canvas_open(canvas *c) { return mx_test_canvas_open(c, W, H); }
static void canvas_close(canvas *c) { mx_test_canvas_close(c); }

/* A frame on black: mx_ui_begin and a clear. */
static void frame_begin(canvas *c) {
  mx_ui_begin(c->ui);
  SDL_SetRenderDrawColor(c->r, 0, 0, 0, 255);
  SDL_RenderClear(c->r);
}

/* The box of the pixels brighter than 47 (of 255) in any channel: the ink of white text. */
static mx_rect lit_box(canvas *c) {
  static uint32_t px[W * H];
  int x, y, x0 = W, y0 = H, x1 = -1, y1 = -1;
  SDL_RenderFlush(c->r);
  SDL_RenderReadPixels(c->r, NULL, SDL_PIXELFORMAT_ARGB8888, px, W * 4);
  for (y = 0; y < H; y++)
    for (x = 0; x < W; x++) {
      uint32_t p = px[y * W + x];
      int r = (int)(p >> 16 & 255), g = (int)(p >> 8 & 255), b = (int)(p & 255);
      if (r >= 48 || g >= 48 || b >= 48) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  if (x1 < x0) return (mx_rect){0, 0, 0, 0};
  return (mx_rect){x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

static void assert_rect_near(mx_rect a, mx_rect b, int tol) {
  ASSERT_TRUE(abs(a.x - b.x) <= tol && abs(a.y - b.y) <= tol);
  ASSERT_TRUE(abs(a.x + a.w - b.x - b.w) <= tol && abs(a.y + a.h - b.y - b.h) <= tol);
  if (abs(a.x - b.x) > tol || abs(a.y - b.y) > tol || abs(a.x + a.w - b.x - b.w) > tol ||
      abs(a.y + a.h - b.y - b.h) > tol)
    fprintf(stderr, "  rect %d,%d %dx%d vs %d,%d %dx%d\n", a.x, a.y, a.w, a.h, b.x, b.y, b.w, b.h);
}

static const mx_color white = {255, 255, 255, 255};

/* A long text in a narrow box: one clipped fault naming it and the box. */
static void test_clipped(canvas *c) {
  const char *s = "test accuracy 84.27 %";
  mx_rect box = {40, 40, 60, 30};
  const mx_layout_fault *f;
  int n, tw;
  mx_text_size(c->ui, MX_FONT_BODY, s, &tw, NULL);
  ASSERT_TRUE(tw > 120); /* the text is twice the box at least: it cannot fit */
  frame_begin(c);
  mx_text_in(c->ui, box, MX_FONT_BODY, MX_ALIGN_LEFT, white, s);
  mx_ui_end(c->ui);
  f = mx_ui_layout_faults(c->ui, &n);
  ASSERT_INT_EQ(n, 1);
  if (n < 1) return;
  ASSERT_INT_EQ(f[0].kind, MX_LAYOUT_CLIPPED);
  ASSERT_STR_EQ(f[0].text, s);
  ASSERT_STR_EQ(f[0].why, "wider than its box");
  ASSERT_INT_EQ(f[0].box.x, 40);
  ASSERT_INT_EQ(f[0].box.w, 60);
  ASSERT_TRUE(f[0].rect.w > 120); /* the whole text as laid out, not the part shown */
  /* the same text in a box wide enough: nothing */
  frame_begin(c);
  mx_text_in(c->ui, (mx_rect){40, 40, tw + 4, 30}, MX_FONT_BODY, MX_ALIGN_LEFT, white, s);
  mx_ui_end(c->ui);
  mx_ui_layout_faults(c->ui, &n);
  ASSERT_INT_EQ(n, 0);
}

/* Two texts drawn over each other overlap; lines one line height apart do not. */
static void test_overlap(canvas *c) {
  const mx_layout_fault *f;
  mx_rect ink_a;
  int n, lh = mx_line_height(c->ui, MX_FONT_BODY);
  /* the ink of "Jyg log-lik" alone, read back from the canvas */
  frame_begin(c);
  mx_text(c->ui, 60, 100, MX_FONT_BODY, white, "%s", "Jyg log-lik");
  mx_ui_end(c->ui);
  ink_a = lit_box(c);
  ASSERT_TRUE(ink_a.w > 0);
  frame_begin(c);
  mx_text(c->ui, 60, 100, MX_FONT_BODY, white, "%s", "Jyg log-lik");
  mx_text(c->ui, 100, 100 + lh / 2, MX_FONT_BODY, white, "%s", "iteration 12");
  mx_ui_end(c->ui);
  f = mx_ui_layout_faults(c->ui, &n);
  ASSERT_INT_EQ(n, 1);
  if (n < 1) return;
  ASSERT_INT_EQ(f[0].kind, MX_LAYOUT_OVERLAP);
  ASSERT_STR_EQ(f[0].text, "Jyg log-lik");
  ASSERT_STR_EQ(f[0].other, "iteration 12");
  assert_rect_near(f[0].rect, ink_a, 1);
  /* descenders over capitals one line height below: no overlap */
  frame_begin(c);
  mx_text(c->ui, 60, 100, MX_FONT_BODY, white, "%s", "Jyg log-lik");
  mx_text(c->ui, 60, 100 + lh, MX_FONT_BODY, white, "%s", "ITERATION 12");
  mx_ui_end(c->ui);
  mx_ui_layout_faults(c->ui, &n);
  ASSERT_INT_EQ(n, 0);
}

/* Cut by the clip rect, by the window; crossing a panel; overlays apart. */
static void test_cuts_panels_layers(canvas *c) {
  const mx_layout_fault *f;
  int n;
  SDL_Rect clip = {0, 0, 100, H};
  frame_begin(c);
  SDL_RenderSetClipRect(c->r, &clip);
  mx_text(c->ui, 60, 20, MX_FONT_BODY, white, "%s", "cut at x = 100");
  SDL_RenderSetClipRect(c->r, NULL);
  mx_text(c->ui, W - 30, 60, MX_FONT_BODY, white, "%s", "off the edge");
  mx_panel(c->ui, (mx_rect){200, 150, 200, 120}, NULL);
  mx_text(c->ui, 150, 200, MX_FONT_BODY, white, "%s", "legend spills");
  mx_text(c->ui, 220, 230, MX_FONT_BODY, white, "%s", "inside");
  mx_ui_layout_layer(c->ui); /* an overlay card over "inside": not an overlap */
  mx_text(c->ui, 220, 230, MX_FONT_BODY, white, "%s", "overlay");
  mx_ui_end(c->ui);
  f = mx_ui_layout_faults(c->ui, &n);
  ASSERT_INT_EQ(n, 3);
  if (n < 3) return;
  ASSERT_STR_EQ(f[0].text, "cut at x = 100");
  ASSERT_STR_EQ(f[0].why, "cut by the clip rect");
  ASSERT_INT_EQ(f[0].box.w, 100);
  ASSERT_STR_EQ(f[1].text, "off the edge");
  ASSERT_STR_EQ(f[1].why, "outside the window");
  ASSERT_STR_EQ(f[2].text, "legend spills");
  ASSERT_STR_EQ(f[2].why, "crosses a panel edge");
  ASSERT_INT_EQ(f[2].box.x, 200);
}

/* Turned text (axis labels): its ink box is read back too. */
static void test_turned(canvas *c) {
  const mx_layout_fault *f;
  mx_rect ink;
  int n;
  frame_begin(c);
  mx_draw_axes(c->ui, &(mx_plot){{120, 40, 300, 200}, 0.0, 1.0, 0.0, 1.0}, NULL, "log-lik");
  mx_ui_end(c->ui);
  mx_ui_layout_faults(c->ui, &n);
  ASSERT_INT_EQ(n, 0);
  /* a text across the turned y label: reported with the label's turned ink box */
  frame_begin(c);
  mx_draw_axes(c->ui, &(mx_plot){{120, 40, 300, 200}, 0.0, 1.0, 0.0, 1.0}, NULL, "log-lik");
  mx_text(c->ui, 20, 130, MX_FONT_BODY, white, "%s", "over the label");
  mx_ui_end(c->ui);
  f = mx_ui_layout_faults(c->ui, &n);
  ASSERT_TRUE(n >= 1);
  if (n < 1) return;
  ASSERT_INT_EQ(f[n - 1].kind, MX_LAYOUT_OVERLAP);
  ASSERT_STR_EQ(f[n - 1].text, "log-lik");
  ink = f[n - 1].rect;
  ASSERT_TRUE(ink.h > ink.w); /* reads upwards: taller than wide */
}


/* ---------------------------------------------------------------- scroll regions */

/* The region of these tests: 200 x 100 at (40, 40); rows of 25 px, so a
 * content of n rows is 25 n px tall (12 rows: 300, offsets 0 .. 200). */
static const mx_rect SR = {40, 40, 200, 100};
#define ROW 25

static void mouse_at(canvas *c, int x, int y) {
  SDL_Event e;
  memset(&e, 0, sizeof e);
  e.type = SDL_MOUSEMOTION;
  e.motion.x = x;
  e.motion.y = y;
  mx_ui_input(c->ui, &e);
}

static void mouse_button(canvas *c, int x, int y, int down) {
  SDL_Event e;
  memset(&e, 0, sizeof e);
  e.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
  e.button.button = SDL_BUTTON_LEFT;
  e.button.x = x;
  e.button.y = y;
  mx_ui_input(c->ui, &e);
}

static void wheel(canvas *c, int y) {
  SDL_Event e;
  memset(&e, 0, sizeof e);
  e.type = SDL_MOUSEWHEEL;
  e.wheel.y = y;
  mx_ui_input(c->ui, &e);
}

/* One frame: n text rows "row k" in the region r (buttons "b k" if buttons),
 * with a button "outside" just above it; *fired: the index of the row button
 * that fired (-1 none), *out: the outside button fired; *wheel_in: the wheel
 * as the content saw it. */
static void scroll_frame(canvas *c, mx_rect r, mx_scroll *s, int n, int buttons, int *fired,
                         int *out, int *wheel_in) {
  mx_rect body;
  int k, o;
  char buf[32];
  frame_begin(c);
  o = buttons ? mx_button(c->ui, (mx_rect){r.x, r.y - 30, r.w, 25}, "outside") : 0;
  body = mx_scroll_begin(c->ui, r, s);
  if (wheel_in) *wheel_in = mx_ui_wheel(c->ui);
  if (fired) *fired = -1;
  for (k = 0; k < n; k++) {
    mx_rect row = mx_rect_cut_top(&body, ROW);
    if (buttons) {
      snprintf(buf, sizeof buf, "b %d", k);
      if (mx_button(c->ui, row, buf) && fired) *fired = k;
    } else {
      snprintf(buf, sizeof buf, "row %d", k);
      mx_text_in(c->ui, row, MX_FONT_BODY, MX_ALIGN_LEFT, white, buf);
    }
  }
  mx_scroll_end(c->ui, s, body.y);
  if (out) *out = o;
  mx_ui_end(c->ui);
}

static uint32_t pixel(canvas *c, int x, int y) {
  static uint32_t px[W * H];
  SDL_RenderFlush(c->r);
  SDL_RenderReadPixels(c->r, NULL, SDL_PIXELFORMAT_ARGB8888, px, W * 4);
  return px[y * W + x] & 0xffffff;
}

/* Rows cut at the region's top and bottom edges are not faults (reached by
 * scrolling); the same rows under a plain clip rect are; a text too wide for
 * its box, or cut at the region's side, still is. */
static void test_scroll_hidden_rows(canvas *c) {
  mx_scroll s = {0, 0, 0, 0};
  const mx_layout_fault *f;
  mx_rect body;
  SDL_Rect clip = {SR.x, SR.y, SR.w, SR.h};
  int n, k;
  s.offset = 37; /* rows 1 and 5 cut: content 37 .. 137 shows */
  scroll_frame(c, SR, &s, 12, 0, NULL, NULL, NULL);
  scroll_frame(c, SR, &s, 12, 0, NULL, NULL, NULL);
  ASSERT_INT_EQ(s.content_h, 12 * ROW);
  ASSERT_INT_EQ(s.view_h, 100);
  ASSERT_INT_EQ(s.offset, 37);
  mx_ui_layout_faults(c->ui, &n);
  ASSERT_INT_EQ(n, 0);
  /* the same rows under a clip rect: the cut ones are reported */
  frame_begin(c);
  SDL_RenderSetClipRect(c->r, &clip);
  for (k = 0; k < 12; k++) {
    char buf[32];
    snprintf(buf, sizeof buf, "row %d", k);
    mx_text_in(c->ui, (mx_rect){SR.x, SR.y - 37 + ROW * k, SR.w, ROW}, MX_FONT_BODY, MX_ALIGN_LEFT,
               white, buf);
  }
  SDL_RenderSetClipRect(c->r, NULL);
  mx_ui_end(c->ui);
  f = mx_ui_layout_faults(c->ui, &n);
  ASSERT_TRUE(n >= 2); /* rows 1 and 5 at least (rows wholly outside: cut too) */
  if (n >= 1) ASSERT_STR_EQ(f[0].why, "cut by the clip rect");
  /* inside the region: too wide for its box, and past the region's right edge */
  frame_begin(c);
  body = mx_scroll_begin(c->ui, SR, &s);
  mx_text_in(c->ui, (mx_rect){body.x, body.y + 50, 30, ROW}, MX_FONT_BODY, MX_ALIGN_LEFT, white,
             "far too wide");
  mx_text(c->ui, SR.x + SR.w - 20, body.y + 80, MX_FONT_BODY, white, "%s", "off the side");
  mx_scroll_end(c->ui, &s, body.y + 300);
  mx_ui_end(c->ui);
  f = mx_ui_layout_faults(c->ui, &n);
  ASSERT_INT_EQ(n, 2);
  if (n < 2) return;
  ASSERT_STR_EQ(f[0].text, "far too wide");
  ASSERT_STR_EQ(f[0].why, "wider than its box");
  ASSERT_STR_EQ(f[1].text, "off the side");
  ASSERT_STR_EQ(f[1].why, "cut by the clip rect");
}

/* Offsets past the ends are clamped: content 300, view 100 -> 0 .. 200. */
static void test_scroll_clamp(canvas *c) {
  mx_scroll s = {0, 0, 0, 0};
  scroll_frame(c, SR, &s, 12, 0, NULL, NULL, NULL);
  s.offset = 1000;
  scroll_frame(c, SR, &s, 12, 0, NULL, NULL, NULL);
  ASSERT_INT_EQ(s.offset, 200);
  s.offset = -5;
  scroll_frame(c, SR, &s, 12, 0, NULL, NULL, NULL);
  ASSERT_INT_EQ(s.offset, 0);
  /* a view taller than the content: no scrolling */
  s.offset = 120;
  scroll_frame(c, (mx_rect){40, 40, 200, 260}, &s, 8, 0, NULL, NULL, NULL);
  ASSERT_INT_EQ(s.offset, 0);
  /* the content shrinks: the offset follows (8 rows = 200 in a view of 100) */
  s.offset = 200;
  scroll_frame(c, SR, &s, 8, 0, NULL, NULL, NULL);
  ASSERT_INT_EQ(s.offset, 100);
  /* mx_scroll_show: rows [250, 275) shown means offset 175; then [10, 20): offset 10 */
  s.content_h = 300;
  mx_scroll_show(&s, 250, 25);
  ASSERT_INT_EQ(s.offset, 175);
  mx_scroll_show(&s, 10, 10);
  ASSERT_INT_EQ(s.offset, 10);
}

/* Drawing is clipped to the region, and the bar shows only when the content
 * is taller than the region: read back from the canvas. Bar: 6 px at the
 * right edge (x 234 .. 239), thumb 100 * 100 / 300 = 33 px in the border
 * colour, at y 40 + 67 * offset / 200. */
static void test_scroll_bar_pixels(canvas *c) {
  mx_scroll s = {0, 0, 0, 0};
  const mx_theme *th = mx_ui_theme(c->ui);
  uint32_t border = (uint32_t)th->border.r << 16 | (uint32_t)th->border.g << 8 | th->border.b;
  mx_rect body;
  int y, lit = 0;
  /* 2 rows (50 px) in 100: no bar, the column stays black */
  scroll_frame(c, SR, &s, 2, 0, NULL, NULL, NULL);
  scroll_frame(c, SR, &s, 2, 0, NULL, NULL, NULL);
  for (y = SR.y; y < SR.y + SR.h; y++) lit += pixel(c, 237, y) != 0;
  ASSERT_INT_EQ(lit, 0);
  /* 12 rows: the thumb at the top (offset 0), the track below it dimmer */
  scroll_frame(c, SR, &s, 12, 0, NULL, NULL, NULL);
  scroll_frame(c, SR, &s, 12, 0, NULL, NULL, NULL);
  ASSERT_TRUE(pixel(c, 237, 56) == border);
  ASSERT_TRUE(pixel(c, 237, 90) != 0 && pixel(c, 237, 90) != border);
  ASSERT_TRUE(pixel(c, 237, 139) != 0);
  ASSERT_TRUE(pixel(c, 237, 140) == 0 && pixel(c, 237, 39) == 0); /* only inside the region */
  /* offset 200: the thumb at the bottom, y 107 .. 139 */
  s.offset = 200;
  scroll_frame(c, SR, &s, 12, 0, NULL, NULL, NULL);
  ASSERT_TRUE(pixel(c, 237, 123) == border);
  ASSERT_TRUE(pixel(c, 237, 56) != border);
  /* a fill over the whole content shows inside the region only */
  frame_begin(c);
  body = mx_scroll_begin(c->ui, SR, &s);
  mx_draw_rect(c->ui, (mx_rect){body.x - 20, body.y, body.w + 40, 300}, white);
  mx_scroll_end(c->ui, &s, body.y + 300);
  mx_ui_end(c->ui);
  ASSERT_TRUE(pixel(c, 50, 40) == 0xffffff && pixel(c, 50, 139) == 0xffffff);
  ASSERT_TRUE(pixel(c, 50, 39) == 0 && pixel(c, 50, 140) == 0);
  ASSERT_TRUE(pixel(c, 39, 60) == 0 && pixel(c, 40, 60) == 0xffffff);
  /* the content is narrower than the region by the bar and its gap: 200 - 6 - 4 */
  ASSERT_INT_EQ(body.w, 190);
  ASSERT_INT_EQ(body.y, 40 - 200);
}

/* Input outside the region does not reach the widgets inside; inside it does. */
static void test_scroll_input(canvas *c) {
  mx_scroll s = {0, 0, 0, 0};
  int fired, out, win, hover;
  mx_rect body;
  scroll_frame(c, SR, &s, 12, 1, NULL, NULL, NULL);
  s.offset = 50; /* row k at y -10 + 25 k: row 1 (15 .. 40) hidden under "outside" (10 .. 35) */
  scroll_frame(c, SR, &s, 12, 1, NULL, NULL, NULL);
  mouse_at(c, 100, 20);
  mouse_button(c, 100, 20, 1);
  mouse_button(c, 100, 20, 0);
  scroll_frame(c, SR, &s, 12, 1, &fired, &out, NULL);
  ASSERT_INT_EQ(fired, -1);
  ASSERT_INT_EQ(out, 1);
  /* y 37: only the hidden row 1 is there */
  mouse_at(c, 100, 37);
  mouse_button(c, 100, 37, 1);
  mouse_button(c, 100, 37, 0);
  scroll_frame(c, SR, &s, 12, 1, &fired, &out, NULL);
  ASSERT_INT_EQ(fired, -1);
  ASSERT_INT_EQ(out, 0);
  /* y 60: content 70, row 2 */
  mouse_at(c, 100, 60);
  mouse_button(c, 100, 60, 1);
  mouse_button(c, 100, 60, 0);
  scroll_frame(c, SR, &s, 12, 1, &fired, &out, NULL);
  ASSERT_INT_EQ(fired, 2);
  ASSERT_INT_EQ(out, 0);
  /* hover: a hidden row is not hovered; the mouse is given back after the region */
  mouse_at(c, 100, 20);
  frame_begin(c);
  body = mx_scroll_begin(c->ui, SR, &s);
  hover = mx_ui_hover(c->ui, (mx_rect){body.x, body.y + ROW, body.w, ROW});
  mx_scroll_end(c->ui, &s, body.y + 300);
  mx_ui_end(c->ui);
  ASSERT_INT_EQ(hover, 0);
  ASSERT_TRUE(mx_ui_hover(c->ui, (mx_rect){40, 15, 200, 25}));
  /* the wheel over the region scrolls it by 3 body lines (at most 3/4 of the region) */
  {
    int step = 3 * mx_line_height(c->ui, MX_FONT_BODY);
    if (step > 75) step = 75;
    s.offset = 0;
    mouse_at(c, 100, 60);
    wheel(c, -1);
    scroll_frame(c, SR, &s, 12, 0, NULL, NULL, &win);
    ASSERT_INT_EQ(win, 0); /* the content does not see it */
    ASSERT_INT_EQ(s.offset, step);
    wheel(c, -5);
    scroll_frame(c, SR, &s, 12, 0, NULL, NULL, &win);
    ASSERT_INT_EQ(s.offset, 200);
    /* outside the region: not scrolled, the wheel is left for the frame */
    mouse_at(c, 100, 200);
    wheel(c, 1);
    frame_begin(c);
    body = mx_scroll_begin(c->ui, SR, &s);
    win = mx_ui_wheel(c->ui);
    mx_scroll_end(c->ui, &s, body.y + 300);
    ASSERT_INT_EQ(win, 0);
    ASSERT_INT_EQ(mx_ui_wheel(c->ui), 1);
    mx_ui_end(c->ui);
    ASSERT_INT_EQ(s.offset, 200);
  }
  /* nothing to scroll (2 rows): the wheel over the region goes to the content */
  mouse_at(c, 100, 60);
  scroll_frame(c, SR, &s, 2, 0, NULL, NULL, NULL);
  wheel(c, -1);
  scroll_frame(c, SR, &s, 2, 0, NULL, NULL, &win);
  ASSERT_INT_EQ(win, -1);
  ASSERT_INT_EQ(s.offset, 0);
}

/* Dragging the bar: a press on the track below the thumb (y 138) puts the
 * thumb's middle there: offset (138 - 16 - 40) x 200 / 67 -> clamped to 200.
 * Then the thumb (107 .. 139) held at 123 and moved to 93: offset
 * (93 - 16 - 40) x 200 / 67 = 110.4 -> 110. */
static void test_scroll_drag(canvas *c) {
  mx_scroll s = {0, 0, 0, 0};
  scroll_frame(c, SR, &s, 12, 0, NULL, NULL, NULL);
  mouse_at(c, 237, 138);
  mouse_button(c, 237, 138, 1);
  mouse_button(c, 237, 138, 0);
  scroll_frame(c, SR, &s, 12, 0, NULL, NULL, NULL);
  ASSERT_INT_EQ(s.offset, 200);
  mouse_at(c, 237, 123);
  mouse_button(c, 237, 123, 1);
  scroll_frame(c, SR, &s, 12, 0, NULL, NULL, NULL);
  ASSERT_INT_EQ(s.offset, 200);
  mouse_at(c, 237, 93);
  scroll_frame(c, SR, &s, 12, 0, NULL, NULL, NULL);
  ASSERT_INT_EQ(s.offset, 110);
  mouse_button(c, 237, 93, 0);
  scroll_frame(c, SR, &s, 12, 0, NULL, NULL, NULL);
  ASSERT_INT_EQ(s.offset, 110);
  mouse_at(c, -1000, -1000);
}


/* ---------------------------------------------------------------- stricter faults */

/* Widgets squashed below their label: a button, toggle, slider and tab row of
 * half a body line are each reported "box shorter than its text"; the same at
 * the line height are not. */
static void test_squashed(canvas *c) {
  static const char *const tabs[2] = {"One", "Two"};
  const mx_layout_fault *f;
  int n, i, lh = mx_line_height(c->ui, MX_FONT_BODY), sel = 0, on = 1;
  double v = 0.5;
  for (i = 0; i < 2; i++) {
    int h = i == 0 ? lh / 2 : lh;
    frame_begin(c);
    mx_button(c->ui, (mx_rect){20, 20, 200, h}, "Run");
    mx_toggle(c->ui, (mx_rect){20, 80, 200, h}, "boundary", &on);
    mx_slider(c->ui, (mx_rect){20, 140, 400, h}, "prior", &v, 0.0, 1.0, "%.2f", 0);
    mx_tabs(c->ui, (mx_rect){20, 200, 400, h}, tabs, 2, &sel);
    mx_ui_end(c->ui);
    f = mx_ui_layout_faults(c->ui, &n);
    if (i == 1) {
      ASSERT_INT_EQ(n, 0);
      break;
    }
    ASSERT_INT_EQ(n, 5);
    if (n < 5) return;
    ASSERT_STR_EQ(f[0].text, "Run");
    ASSERT_STR_EQ(f[1].text, "boundary");
    ASSERT_STR_EQ(f[2].text, "prior: 0.50");
    ASSERT_STR_EQ(f[3].text, "One");
    ASSERT_STR_EQ(f[4].text, "Two");
    for (n = 0; n < 5; n++) {
      ASSERT_INT_EQ(f[n].kind, MX_LAYOUT_CLIPPED);
      ASSERT_STR_EQ(f[n].why, "box shorter than its text");
    }
    ASSERT_INT_EQ(f[0].box.h, lh / 2);
  }
}

/* Texts on one row closer than 2 px x scale: "touching". The ink boxes come
 * from the canvas (pixels read back): "0.10" drawn alone gives its ink's
 * offset from the drawing point and its width; the second copy is then placed
 * 0, 1 and 2 empty columns after the first one's ink. */
static void test_touching(canvas *c) {
  const mx_layout_fault *f;
  mx_rect a;
  int n, gap;
  frame_begin(c);
  mx_text(c->ui, 60, 100, MX_FONT_BODY, white, "%s", "0.10");
  mx_ui_end(c->ui);
  a = lit_box(c);
  ASSERT_TRUE(a.w > 0);
  for (gap = 0; gap <= 2; gap++) {
    int x = a.x + a.w + gap - (a.x - 60); /* the second ink starts gap columns after the first */
    frame_begin(c);
    mx_text(c->ui, 60, 100, MX_FONT_BODY, white, "%s", "0.10");
    mx_text(c->ui, x, 100, MX_FONT_BODY, white, "%s", "0.10");
    mx_ui_end(c->ui);
    f = mx_ui_layout_faults(c->ui, &n);
    ASSERT_INT_EQ(n, gap < 2 ? 1 : 0);
    if (gap < 2 && n == 1) {
      ASSERT_INT_EQ(f[0].kind, MX_LAYOUT_OVERLAP);
      ASSERT_STR_EQ(f[0].why, "touching");
      ASSERT_INT_EQ(f[0].box.x - (f[0].rect.x + f[0].rect.w), gap);
    }
  }
  /* one row apart (a line height down): not touching, however close across */
  frame_begin(c);
  mx_text(c->ui, 60, 100, MX_FONT_BODY, white, "%s", "0.10");
  mx_text(c->ui, 60 + a.w, 100 + mx_line_height(c->ui, MX_FONT_BODY), MX_FONT_BODY, white, "%s",
          "0.10");
  mx_ui_end(c->ui);
  mx_ui_layout_faults(c->ui, &n);
  ASSERT_INT_EQ(n, 0);
}


/* ---------------------------------------------------------------- axes and colour bars */

/* A count of the faults of the last frame of one kind. */
static int faults_of(canvas *c, int kind) {
  int n, i, k = 0;
  const mx_layout_fault *f = mx_ui_layout_faults(c->ui, &n);
  for (i = 0; i < n; i++) k += f[i].kind == kind;
  return k;
}

/* Tick labels thinned, not overlapping: a plot 10 px high with y 0 .. 10 has
 * ticks 0 and 10 only 10 px apart (less than a line): "10" is left out, "0"
 * stays. A plot 20 px wide with x 0 .. 1000: ticks 0 and 1000 20 px apart,
 * "1000" (wider than 20 px) is left out. */
static void test_axes_thinned(canvas *c) {
  frame_begin(c);
  mx_draw_axes(c->ui, &(mx_plot){{120, 100, 300, 10}, 0.0, 1.0, 0.0, 10.0}, NULL, NULL);
  mx_ui_end(c->ui);
  ASSERT_INT_EQ(faults_of(c, MX_LAYOUT_OVERLAP), 0);
  ASSERT_INT_EQ(mx_ui_layout_shown(c->ui, "10", NULL), 0);
  ASSERT_INT_EQ(mx_ui_layout_shown(c->ui, "0.25", NULL), 1); /* x ticks: 0.25 apart */
  frame_begin(c);
  mx_draw_axes(c->ui, &(mx_plot){{200, 60, 20, 150}, 0.0, 1000.0, 0.0, 1.0}, NULL, NULL);
  mx_ui_end(c->ui);
  ASSERT_INT_EQ(faults_of(c, MX_LAYOUT_OVERLAP), 0);
  ASSERT_INT_EQ(mx_ui_layout_shown(c->ui, "1000", NULL), 0);
  /* at text scale 2 on a 60 px plot: y 0 .. 1 in steps no closer than a line */
  mx_ui_set_size(c->ui, W, H, 2.0f);
  frame_begin(c);
  mx_draw_axes(c->ui, &(mx_plot){{160, 40, 280, 60}, 0.0, 1.0, 0.0, 1.0}, "x", "y");
  mx_ui_end(c->ui);
  ASSERT_INT_EQ(faults_of(c, MX_LAYOUT_OVERLAP), 0);
  mx_ui_set_size(c->ui, W, H, 1.0f);
}

/* Colour bar labels: 1.0 / 0.5 / 0.0 on a bar two small lines high (bar =
 * rect less one line); without 0.5 below that; only 1.0 below one line. */
static void test_colorbar_thinned(canvas *c) {
  int lh = mx_line_height(c->ui, MX_FONT_SMALL), i;
  static const int shown[3][2] = {{1, 1}, {0, 1}, {0, 0}}; /* "0.5", "0.0" on bars of 2, 1, 1/2 lines */
  for (i = 0; i < 3; i++) {
    int bh = i == 0 ? 2 * lh : i == 1 ? lh : lh / 2;
    frame_begin(c);
    mx_draw_colorbar(c->ui, (mx_rect){100, 60, 60, bh + lh}, MX_CMAP_VIRIDIS, 0.0, 1.0, "%.1f");
    mx_ui_end(c->ui);
    ASSERT_INT_EQ(faults_of(c, MX_LAYOUT_OVERLAP), 0);
    ASSERT_INT_EQ(mx_ui_layout_shown(c->ui, "1.0", NULL), 1);
    ASSERT_INT_EQ(mx_ui_layout_shown(c->ui, "0.5", NULL), shown[i][0]);
    ASSERT_INT_EQ(mx_ui_layout_shown(c->ui, "0.0", NULL), shown[i][1]);
  }
}

/* An x title wider than its axes takes the small font and is kept inside the
 * panel the plot is in; a short one keeps the body font, centred. */
static void test_axes_titles(canvas *c) {
  const char *t = "mu (and the data x, on the same axis)";
  mx_rect ink, inner;
  int bw, sw;
  mx_text_size(c->ui, MX_FONT_BODY, t, &bw, NULL);
  mx_text_size(c->ui, MX_FONT_SMALL, t, &sw, NULL);
  ASSERT_TRUE(bw > 340 && sw < 320); /* body: wider than the panel below; small: fits */
  frame_begin(c);
  inner = mx_panel(c->ui, (mx_rect){40, 20, 340, 250}, NULL);
  mx_draw_axes(c->ui, &(mx_plot){{inner.x + 60, inner.y, 120, 150}, 0.0, 1.0, 0.0, 1.0}, t, "density");
  mx_ui_end(c->ui);
  ASSERT_INT_EQ(mx_ui_layout_faults(c->ui, &sw) ? sw : 0, 0);
  ASSERT_INT_EQ(mx_ui_layout_shown(c->ui, "mu (and", &ink), 1);
  ASSERT_TRUE(ink.w < bw - 20 && ink.x >= 40 && ink.x + ink.w <= 380);
  frame_begin(c);
  mx_draw_axes(c->ui, &(mx_plot){{inner.x + 60, inner.y, 220, 150}, 0.0, 1.0, 0.0, 1.0}, "x", NULL);
  mx_ui_end(c->ui);
  ASSERT_INT_EQ(mx_ui_layout_shown(c->ui, "x", &ink), 1);
  mx_text_size(c->ui, MX_FONT_BODY, "x", &bw, NULL);
  ASSERT_TRUE(abs(ink.x + ink.w / 2 - (inner.x + 60 + 110)) <= 2); /* centred under the plot */
  ASSERT_TRUE(ink.w <= bw && ink.w * 2 > bw - 4);                  /* the body font's x */
}


/* mx_clip_push inside a region clips to the rect within the region (a plot
 * scrolled half out of view draws nothing outside the region); a text it cuts
 * at the region's top edge is not a fault, one it cuts at its own edge is;
 * mx_clip_pop restores the region's clip, mx_scroll_end none. */
static void test_clip_push(canvas *c) {
  mx_scroll s = {0, 300, 100, 0};
  mx_clip save;
  mx_rect body;
  const mx_layout_fault *f;
  int n;
  frame_begin(c);
  body = mx_scroll_begin(c->ui, SR, &s);
  mx_clip_push(c->ui, (mx_rect){SR.x, SR.y - 30, 180, 60}, &save); /* x 40 .. 220, y 10 .. 70 */
  mx_draw_rect(c->ui, (mx_rect){0, 0, W, H}, white);
  mx_text(c->ui, SR.x + 4, SR.y - 8, MX_FONT_BODY, white, "%s", "cut at the top");
  mx_text(c->ui, SR.x + 150, SR.y + 20, MX_FONT_BODY, white, "%s", "cut at the side");
  mx_clip_pop(c->ui, &save);
  ASSERT_TRUE(SDL_RenderIsClipEnabled(c->r));
  mx_scroll_end(c->ui, &s, body.y + 300);
  ASSERT_TRUE(!SDL_RenderIsClipEnabled(c->r));
  mx_ui_end(c->ui);
  ASSERT_TRUE(pixel(c, 60, 39) == 0 && pixel(c, 60, 40) == 0xffffff && pixel(c, 60, 69) == 0xffffff);
  ASSERT_TRUE(pixel(c, 60, 70) == 0 && pixel(c, 220, 50) == 0 && pixel(c, 219, 50) == 0xffffff);
  f = mx_ui_layout_faults(c->ui, &n);
  ASSERT_INT_EQ(n, 1);
  if (n == 1) ASSERT_STR_EQ(f[0].text, "cut at the side");
}

static void test_off(canvas *c) {
  int n;
  mx_ui_layout_record(c->ui, 0);
  frame_begin(c);
  mx_text_in(c->ui, (mx_rect){40, 40, 10, 30}, MX_FONT_BODY, MX_ALIGN_LEFT, white, "far too long");
  mx_ui_end(c->ui);
  ASSERT_TRUE(mx_ui_layout_faults(c->ui, &n) == NULL);
  ASSERT_INT_EQ(n, 0);
}

int main(void) {
  canvas c;
  if (SDL_Init(0) != 0 || canvas_open(&c) != 0) {
    fprintf(stderr, "cannot open a software renderer: %s\n", SDL_GetError());
    return 1;
  }
  /* a text cached before recording began is measured too */
  frame_begin(&c);
  mx_text(c.ui, 60, 100, MX_FONT_BODY, white, "%s", "Jyg log-lik");
  mx_ui_end(c.ui);
  mx_ui_layout_record(c.ui, 1);
  test_clipped(&c);
  test_overlap(&c);
  test_cuts_panels_layers(&c);
  test_turned(&c);
  test_scroll_hidden_rows(&c);
  test_scroll_clamp(&c);
  test_scroll_bar_pixels(&c);
  test_scroll_input(&c);
  test_scroll_drag(&c);
  test_clip_push(&c);
  test_squashed(&c);
  test_touching(&c);
  test_axes_thinned(&c);
  test_colorbar_thinned(&c);
  test_axes_titles(&c);
  test_off(&c);
  canvas_close(&c);
  SDL_Quit();
  TEST_MAIN_END();
}
