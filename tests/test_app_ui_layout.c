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
  test_off(&c);
  canvas_close(&c);
  SDL_Quit();
  TEST_MAIN_END();
}
