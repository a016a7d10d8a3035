/* mixscope — the UI kit's anti-aliased primitives (app/ui/ui_shapes.c) drawn with the
 * software renderer onto a surface and checked pixel by pixel against
 * expectations computed here, independently of ui.c:
 *  - coverage: the exact area of the shape inside each pixel, by 16 x 16
 *    supersampling (discs, ellipses) or the distance to the polyline;
 *  - colour: what SDL's own blended triangle path (SDL_RenderGeometry, which
 *    the kit used before its sprites and band raster) gives for a solid
 *    interior, so solid interiors must match it exactly;
 *  - nothing drawn outside the shape's feather (one pixel past its edge);
 *  - batched calls (mx_draw_circles, mx_draw_segments) against the single ones.
 * Tolerances are stated beside each check. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_test.h"
#include "ui/ui.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define W 320
#define H 240

typedef mx_test_canvas canvas;

static int canvas_open(canvas *c) { return mx_test_canvas_open(c, W, H); }
static void canvas_close(canvas *c) { mx_test_canvas_close(c); }

static void canvas_clear(canvas *c, mx_color bg) {
  SDL_SetRenderDrawBlendMode(c->r, SDL_BLENDMODE_NONE);
  SDL_SetRenderDrawColor(c->r, bg.r, bg.g, bg.b, 255);
  SDL_RenderClear(c->r);
  SDL_RenderFlush(c->r);
}

static uint32_t px_at(const canvas *c, int x, int y) {
  return ((const uint32_t *)c->s->pixels)[(size_t)y * (size_t)(c->s->pitch / 4) + (size_t)x] &
         0xFFFFFFu;
}

static uint32_t rgb(mx_color c) { return (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b; }

/* The colour SDL's blended triangle path leaves when colour c covers bg
 * completely: a large uniform triangle through SDL_RenderGeometry. */
static uint32_t interior_ref(canvas *c, mx_color col, mx_color bg) {
  SDL_Vertex v[3];
  int i;
  canvas_clear(c, bg);
  memset(v, 0, sizeof v);
  v[0].position.x = 0;
  v[0].position.y = 0;
  v[1].position.x = 200;
  v[1].position.y = 0;
  v[2].position.x = 0;
  v[2].position.y = 200;
  for (i = 0; i < 3; i++) {
    v[i].color.r = col.r;
    v[i].color.g = col.g;
    v[i].color.b = col.b;
    v[i].color.a = col.a;
  }
  SDL_SetRenderDrawBlendMode(c->r, SDL_BLENDMODE_BLEND);
  SDL_RenderGeometry(c->r, NULL, v, 3, NULL, 0);
  SDL_RenderFlush(c->r);
  return px_at(c, 20, 20);
}

/* The colour SDL_RenderFillRect (blended) leaves when colour c covers bg. */
static uint32_t fill_rect_ref(canvas *c, mx_color col, mx_color bg) {
  SDL_Rect r = {0, 0, 40, 40};
  canvas_clear(c, bg);
  SDL_SetRenderDrawBlendMode(c->r, col.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
  SDL_SetRenderDrawColor(c->r, col.r, col.g, col.b, col.a);
  SDL_RenderFillRect(c->r, &r);
  SDL_RenderFlush(c->r);
  return px_at(c, 20, 20);
}

/* Effective alpha (0..1) of colour col over bg that produced pixel p, read
 * from the channel where col and bg differ most. */
static double alpha_of(uint32_t p, mx_color col, mx_color bg) {
  int ch[3] = {(int)(p >> 16 & 255), (int)(p >> 8 & 255), (int)(p & 255)};
  int cc[3] = {col.r, col.g, col.b}, bb[3] = {bg.r, bg.g, bg.b}, k, best = 0;
  for (k = 1; k < 3; k++)
    if (abs(cc[k] - bb[k]) > abs(cc[best] - bb[best])) best = k;
  return (double)(ch[best] - bb[best]) / (double)(cc[best] - bb[best]);
}

/* ---------------------------------------------------------------- discs */

/* Fraction of pixel (x, y) inside the disc, 16 x 16 samples. */
static double disc_area(int x, int y, double cx, double cy, double r) {
  int i, j, in = 0;
  for (j = 0; j < 16; j++)
    for (i = 0; i < 16; i++) {
      double sx = x + (i + 0.5) / 16.0 - cx, sy = y + (j + 0.5) / 16.0 - cy;
      in += sx * sx + sy * sy <= r * r;
    }
  return in / 256.0;
}

static void check_disc(canvas *c, double cx, double cy, double r, mx_color col, mx_color bg,
                       uint32_t solid) {
  int x, y, bad_in = 0, bad_out = 0, bad_edge = 0;
  double sum = 0, worst = 0;
  /* interior margin: the fan fallback (r > 32 px) has its vertices rounded to
   * whole pixels, the sprites put the centre within 1/8 px */
  double inner = r > 32 ? r - 2.0 : r - 1.0;
  /* coverage: the ramp clamp(r + 1/2 - distance) is within ~0.1 of the area
   * fraction; the centre is placed to 1/8 px (r <= 16) or 1/4 px */
  double tol = r <= 16 ? 0.3 : 0.45;
  canvas_clear(c, bg);
  mx_ui_begin(c->ui);
  mx_draw_circle(c->ui, (float)cx, (float)cy, (float)r, col);
  mx_ui_end(c->ui);
  SDL_RenderFlush(c->r);
  for (y = 0; y < H; y++)
    for (x = 0; x < W; x++) {
      double dx = x + 0.5 - cx, dy = y + 0.5 - cy, d = sqrt(dx * dx + dy * dy);
      uint32_t p = px_at(c, x, y);
      double a, want;
      if (d > r + 4) { /* far away: untouched */
        bad_out += p != rgb(bg);
        continue;
      }
      a = alpha_of(p, col, bg);
      want = disc_area(x, y, cx, cy, r) * col.a / 255.0;
      sum += a;
      if (d <= inner && p != solid) bad_in++;
      if (d >= r + 1.0 + 0.75 && p != rgb(bg)) bad_out++; /* d to the centre, not to the pixel */
      if (r <= 32 && fabs(a - want) > tol) bad_edge++;
      if (r <= 32 && fabs(a - want) > worst) worst = fabs(a - want);
    }
  if (bad_in || bad_out || bad_edge)
    fprintf(stderr, "disc (%g, %g) r %g colour %d,%d,%d,%d: %d interior, %d outside, %d edge "
                    "pixels wrong (worst coverage error %.3f)\n",
            cx, cy, r, col.r, col.g, col.b, col.a, bad_in, bad_out, bad_edge, worst);
  ASSERT_INT_EQ(bad_in, 0);
  ASSERT_INT_EQ(bad_out, 0);
  ASSERT_INT_EQ(bad_edge, 0); /* coverage within tol of the exact area fraction */
  /* total coverage of an opaque disc (alpha read back to 1/215): the area
   * pi r^2 within 4% + 1 px^2 (pixel-centre sampling of small discs) */
  if (col.a == 255 && r >= 1.5) ASSERT_TRUE(fabs(sum - M_PI * r * r) <= 0.04 * M_PI * r * r + 1.0);
}

static void test_discs(canvas *c) {
  /* every radius the views use at scale 1 (grep mx_draw_circle app/view_*.c,
   * slider knobs 9, 11, 4.05, toggle knob 8), some at HiDPI scales, and the
   * triangle fan fallback for r > 32 */
  static const double radii[] = {0.6, 1.8, 2.5, 2.6, 3.0, 3.5, 4.0, 4.05, 5.0, 5.5, 7.0,
                                 8.0, 9.0, 11.0, 3.25, 6.875, 13.75, 22.0, 31.5, 40.0};
  static const double offs[][2] = {{0.0, 0.0}, {0.5, 0.5}, {0.13, 0.77}, {0.9, 0.31}};
  const mx_color cols[] = {{230, 159, 0, 255}, {86, 180, 233, 200}, {0, 158, 115, 120},
                           {238, 242, 248, 50}};
  const mx_color bgs[] = {{15, 20, 33, 255}, {28, 36, 54, 255}};
  size_t ri, oi, ci;
  for (ci = 0; ci < sizeof cols / sizeof cols[0]; ci++) {
    mx_color bg = bgs[ci % 2];
    uint32_t solid = interior_ref(c, cols[ci], bg);
    for (ri = 0; ri < sizeof radii / sizeof radii[0]; ri++)
      for (oi = 0; oi < sizeof offs / sizeof offs[0]; oi++)
        check_disc(c, 160.0 + offs[oi][0], 120.0 + offs[oi][1], radii[ri], cols[ci], bg, solid);
  }
}

/* mx_draw_circles gives the same pixels as mx_draw_circle in a loop,
 * overlapping translucent discs of several colours included. */
static void test_circles_batch(canvas *c) {
  enum { N = 400 };
  float xy[2 * N];
  mx_color cols[N], bg = {15, 20, 33, 255};
  const mx_color pal[3] = {{86, 180, 233, 200}, {230, 159, 0, 255}, {0, 158, 115, 120}};
  uint32_t *a = malloc((size_t)W * H * sizeof *a);
  int i, diff = 0;
  unsigned s = 12345u;
  if (!a) return;
  for (i = 0; i < N; i++) {
    s = s * 1103515245u + 12345u;
    xy[2 * i] = 10.0f + (float)(s >> 8 & 0xFFFF) / 65536.0f * (W - 20);
    s = s * 1103515245u + 12345u;
    xy[2 * i + 1] = 10.0f + (float)(s >> 8 & 0xFFFF) / 65536.0f * (H - 20);
    cols[i] = pal[i % 3];
  }
  canvas_clear(c, bg);
  mx_ui_begin(c->ui);
  for (i = 0; i < N; i++) mx_draw_circle(c->ui, xy[2 * i], xy[2 * i + 1], 2.6f, cols[i]);
  mx_ui_end(c->ui);
  SDL_RenderFlush(c->r);
  for (i = 0; i < W * H; i++) a[i] = px_at(c, i % W, i / W);
  canvas_clear(c, bg);
  mx_ui_begin(c->ui);
  mx_draw_circles(c->ui, xy, N, 2.6f, cols, bg);
  mx_ui_end(c->ui);
  SDL_RenderFlush(c->r);
  for (i = 0; i < W * H; i++) diff += a[i] != px_at(c, i % W, i / W);
  ASSERT_INT_EQ(diff, 0);
  free(a);
}

/* ---------------------------------------------------------------- ellipses */

/* Fraction of pixel (x, y) inside {d^T S^-1 d <= k^2}, 16 x 16 samples. */
static double ellipse_area(int x, int y, double cx, double cy, const double *Si, double k) {
  int i, j, in = 0;
  for (j = 0; j < 16; j++)
    for (i = 0; i < 16; i++) {
      double dx = x + (i + 0.5) / 16.0 - cx, dy = y + (j + 0.5) / 16.0 - cy;
      in += Si[0] * dx * dx + 2 * Si[1] * dx * dy + Si[2] * dy * dy <= k * k;
    }
  return in / 256.0;
}

/* Signed distance of (px, py) to the ellipse boundary (negative inside), by
 * 4096 points on the boundary c + k L (cos t, sin t), S = L L^T. */
static double ellipse_dist(double px, double py, double cx, double cy, double s00, double s01,
                           double s11, double k, const double *Si) {
  double a = sqrt(s00), b = s01 / a, d = sqrt(s11 - b * b), best = 1e30, q;
  int i;
  for (i = 0; i < 4096; i++) {
    double t = 2 * M_PI * i / 4096, u = cos(t), w = sin(t);
    double bx = cx + k * a * u, by = cy + k * (b * u + d * w);
    double e = (px - bx) * (px - bx) + (py - by) * (py - by);
    if (e < best) best = e;
  }
  q = Si[0] * (px - cx) * (px - cx) + 2 * Si[1] * (px - cx) * (py - cy) + Si[2] * (py - cy) * (py - cy);
  return q <= k * k ? -sqrt(best) : sqrt(best);
}

static void check_ellipse(canvas *c, double cx, double cy, double s00, double s01, double s11,
                          double k, mx_color fill, mx_color outline, mx_color bg) {
  double det = s00 * s11 - s01 * s01, Si[3] = {s11 / det, -s01 / det, s00 / det};
  uint32_t solid = interior_ref(c, fill, bg), osolid = interior_ref(c, outline, bg);
  int x, y, bad_in = 0, bad_out = 0, bad_edge = 0, bad_line = 0, n_line = 0;
  double h = 1.0 - 0.25; /* outline width 2 at scale 1: core half-width 2/2 - 1/4 */
  canvas_clear(c, bg);
  mx_ui_begin(c->ui);
  mx_draw_ellipse(c->ui, (float)cx, (float)cy, s00, s01, s11, k, fill, outline);
  mx_ui_end(c->ui);
  SDL_RenderFlush(c->r);
  double lmin = 0.5 * (s00 + s11) - sqrt(0.25 * (s00 - s11) * (s00 - s11) + s01 * s01);
  for (y = 0; y < H; y++)
    for (x = 0; x < W; x++) {
      double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
      double q = sqrt(Si[0] * dx * dx + 2 * Si[1] * dx * dy + Si[2] * dy * dy);
      /* |distance to the boundary| >= |q - k| sqrt(lmin): only near ones measured */
      double d = fabs(q - k) * sqrt(lmin) > 6.5 ? (q < k ? -7.0 : 7.0)
                                                : ellipse_dist(x + 0.5, y + 0.5, cx, cy, s00, s01, s11, k, Si);
      uint32_t p = px_at(c, x, y);
      if (fabs(d) > 6) {
        if (d < 0 && p != solid) bad_in++;
        if (d > 0 && p != rgb(bg)) bad_out++;
        continue;
      }
      if (outline.a == 0) {
        /* fill only: interior past 1 px exact, outside past 1 px untouched,
         * coverage within 0.25 of the area fraction */
        double want = ellipse_area(x, y, cx, cy, Si, k) * fill.a / 255.0;
        if (d <= -1.0 && p != solid) bad_in++;
        if (d >= 1.0 && p != rgb(bg)) bad_out++;
        if (fabs(alpha_of(p, fill, bg) - want) > 0.25) bad_edge++;
      } else {
        /* with an opaque outline: its core (|d| <= h - 1/2) is exactly the
         * outline colour; the fill past the outline's feather is exact */
        if (fabs(d) <= h - 0.5) {
          n_line++;
          if (p != osolid) bad_line++;
        }
        if (d <= -(h + 1.5) && p != solid) bad_in++;
        if (d >= h + 1.5 && p != rgb(bg)) bad_out++;
      }
    }
  if (bad_in || bad_out || bad_edge || bad_line)
    fprintf(stderr, "ellipse (%g, %g) S (%g %g %g) k %g: %d interior, %d outside, %d edge, %d "
                    "outline pixels wrong\n",
            cx, cy, s00, s01, s11, k, bad_in, bad_out, bad_edge, bad_line);
  ASSERT_INT_EQ(bad_in, 0);
  ASSERT_INT_EQ(bad_out, 0);
  ASSERT_INT_EQ(bad_edge, 0);
  ASSERT_INT_EQ(bad_line, 0);
  if (outline.a) ASSERT_TRUE(n_line > 20);
}

static void test_ellipses(canvas *c) {
  mx_color bg = {15, 20, 33, 255}, none = {0, 0, 0, 0};
  mx_color fill = {0, 114, 178, 50}, fill2 = {230, 159, 0, 120}, line = {230, 159, 0, 255};
  /* the benchmark's 3-sigma ellipse scaled to fit, a tilted thin one, a
   * circle-like one, an ellipse cut by the canvas edge */
  check_ellipse(c, 160.0, 120.0, 400.0, 150.0, 250.0, 3.0, fill, none, bg);
  check_ellipse(c, 150.3, 110.6, 900.0, -560.0, 400.0, 2.0, fill2, none, bg);
  check_ellipse(c, 160.5, 120.5, 100.0, 0.0, 100.0, 5.0, fill, line, bg);
  check_ellipse(c, 150.0, 100.0, 900.0, 500.0, 400.0, 2.0, fill2, line, bg);
  check_ellipse(c, 300.0, 30.0, 1600.0, 300.0, 900.0, 1.5, fill, line, bg);
}

/* ---------------------------------------------------------------- polylines */

/* Distance from p to segment ab; *t the projection parameter (0..1 inside). */
static double seg_dist(double px, double py, const float *a, const float *b, double *t) {
  double dx = b[0] - a[0], dy = b[1] - a[1], l2 = dx * dx + dy * dy;
  double u = l2 > 0 ? ((px - a[0]) * dx + (py - a[1]) * dy) / l2 : 0, qx, qy;
  *t = u;
  if (u < 0) u = 0;
  if (u > 1) u = 1;
  qx = a[0] + u * dx - px;
  qy = a[1] + u * dy - py;
  return sqrt(qx * qx + qy * qy);
}

static void check_polyline(canvas *c, const float *xy, int n, float width, mx_color col,
                           mx_color bg) {
  uint32_t solid = interior_ref(c, col, bg);
  double h = width * 0.5 - 0.25; /* mx_draw_line's core half-width */
  int x, y, i, bad_in = 0, bad_out = 0, bad_edge = 0, n_in = 0;
  canvas_clear(c, bg);
  mx_ui_begin(c->ui);
  mx_draw_polyline(c->ui, xy, n, col, width);
  mx_ui_end(c->ui);
  SDL_RenderFlush(c->r);
  for (y = 0; y < H; y++)
    for (x = 0; x < W; x++) {
      double best = 1e30, t, e0, e1;
      uint32_t p = px_at(c, x, y);
      for (i = 0; i + 1 < n; i++) {
        double d = seg_dist(x + 0.5, y + 0.5, xy + 2 * i, xy + 2 * i + 2, &t);
        if (d < best) best = d;
      }
      /* keep clear of the two free ends, where the line stops flat */
      e0 = hypot(x + 0.5 - xy[0], y + 0.5 - xy[1]);
      e1 = hypot(x + 0.5 - xy[2 * n - 2], y + 0.5 - xy[2 * n - 1]);
      /* full coverage where the distance is at most h (ramp to 0 at h + 1) */
      if (best <= h - 0.02 && e0 > h + 1 && e1 > h + 1) {
        n_in++;
        if (p != solid) bad_in++;
      }
      if (best >= h + 1.5 && p != rgb(bg)) bad_out++;
      /* the feather: coverage h + 1 - distance to the nearest segment (joins
       * not added up), to 0.06 (8-bit alpha, read back through the blend) */
      if (best > h && best < h + 1 && e0 > h + 1.5 && e1 > h + 1.5 &&
          fabs(alpha_of(p, col, bg) - (h + 1 - best) * col.a / 255.0) > 0.06)
        bad_edge++;
    }
  if (bad_in || bad_out || bad_edge)
    fprintf(stderr, "polyline n %d width %g colour alpha %d: %d core, %d outside, %d feather pixels wrong\n",
            n, width, col.a, bad_in, bad_out, bad_edge);
  ASSERT_INT_EQ(bad_edge, 0);
  ASSERT_TRUE(n_in > 50);
  ASSERT_INT_EQ(bad_in, 0);  /* joins included: a translucent line is not blended twice */
  ASSERT_INT_EQ(bad_out, 0); /* feather at most 1 px past the core */
}

static void test_polylines(canvas *c) {
  float zig[2 * 7] = {20.5f, 200.f, 60.f, 40.3f, 100.f, 200.f, 140.7f, 60.f,
                      200.f, 180.f, 240.f, 30.f, 300.f, 150.f};
  float curve[2 * 200];
  mx_color bg = {15, 20, 33, 255};
  const mx_color cols[] = {{230, 159, 0, 255}, {0, 158, 115, 150}};
  const float widths[] = {1.0f, 2.0f, 2.5f, 3.0f, 3.5f, 4.5f, 9.0f};
  size_t ci, wi;
  int i;
  for (i = 0; i < 200; i++) {
    curve[2 * i] = 10.0f + 1.5f * (float)i;
    curve[2 * i + 1] = 200.0f - 170.0f * expf(-0.5f * (float)((i - 100) * (i - 100)) / 400.0f);
  }
  for (ci = 0; ci < sizeof cols / sizeof cols[0]; ci++)
    for (wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
      check_polyline(c, zig, 7, widths[wi], cols[ci], bg);
      check_polyline(c, curve, 200, widths[wi], cols[ci], bg);
    }
  /* a single line as mx_draw_line: core exact, nothing past the feather */
  {
    uint32_t solid = interior_ref(c, cols[0], bg);
    int x, y, bad = 0, n_in = 0;
    float seg[4] = {30.2f, 40.7f, 290.4f, 190.1f};
    double t;
    canvas_clear(c, bg);
    mx_ui_begin(c->ui);
    mx_draw_line(c->ui, seg[0], seg[1], seg[2], seg[3], cols[0], 5.0f);
    mx_ui_end(c->ui);
    SDL_RenderFlush(c->r);
    for (y = 0; y < H; y++)
      for (x = 0; x < W; x++) {
        double d = seg_dist(x + 0.5, y + 0.5, seg, seg + 2, &t);
        uint32_t p = px_at(c, x, y);
        if (d <= 2.25 - 0.5 && t > 0.05 && t < 0.95) {
          n_in++;
          bad += p != solid;
        }
        if (d >= 2.25 + 1.5) bad += p != rgb(bg);
      }
    ASSERT_TRUE(n_in > 500);
    ASSERT_INT_EQ(bad, 0);
  }
}

/* mx_draw_segments: the same pixels as mx_draw_line one segment after another
 * (on a fresh kit, so the band grows in mid-batch; more bands than one upload
 * holds; translucent segments crossing; hairline, zero-length and far-off
 * ones), and where two translucent segments cross the pixel is blended twice
 * (coverage 1 - (1 - a)^2, unlike a polyline's single blend), to 0.03. */
static void test_segments(void) {
  enum { N = 60 };
  canvas c;
  mx_segment seg[N];
  mx_color bg = {15, 20, 33, 255};
  const mx_color pal[3] = {{86, 180, 233, 200}, {230, 159, 0, 255}, {0, 158, 115, 120}};
  const float widths[5] = {0.7f, 1.0f, 2.0f, 3.5f, 6.0f};
  uint32_t *a = malloc((size_t)W * H * sizeof *a);
  unsigned u = 777u;
  int i, diff = 0, changed = 0;
  double ac, as, want;
  if (!a || canvas_open(&c) != 0) {
    free(a);
    ASSERT_TRUE(0);
    return;
  }
  seg[0] = (mx_segment){20.0f, 20.0f, 30.0f, 22.0f, 2.0f, pal[1]}; /* short first: a narrow band */
  seg[1] = (mx_segment){20.5f, 200.5f, 300.5f, 200.5f, 3.0f, pal[2]}; /* crossed by seg[2] */
  seg[2] = (mx_segment){160.5f, 150.0f, 160.5f, 230.0f, 3.0f, pal[2]};
  seg[3] = (mx_segment){50.0f, 50.0f, 50.0f, 50.0f, 3.0f, pal[0]};        /* zero length */
  seg[4] = (mx_segment){-9000.0f, -9000.0f, -8000.0f, -8500.0f, 3.0f, pal[0]}; /* far off */
  for (i = 5; i < N; i++) {
    float v[4];
    int k;
    for (k = 0; k < 4; k++) {
      u = u * 1103515245u + 12345u;
      v[k] = (float)(u >> 8 & 0xFFFF) / 65536.0f * (k % 2 ? H : W);
    }
    seg[i] = (mx_segment){v[0], v[1], v[2], v[3], widths[i % 5], pal[i % 3]};
  }
  canvas_clear(&c, bg);
  mx_ui_begin(c.ui);
  for (i = 0; i < N; i++) mx_draw_line(c.ui, seg[i].x0, seg[i].y0, seg[i].x1, seg[i].y1, seg[i].c, seg[i].width);
  mx_ui_end(c.ui);
  SDL_RenderFlush(c.r);
  for (i = 0; i < W * H; i++) {
    a[i] = px_at(&c, i % W, i / W);
    changed += a[i] != rgb(bg);
  }
  canvas_close(&c);
  ASSERT_INT_EQ(canvas_open(&c), 0);
  canvas_clear(&c, bg);
  mx_ui_begin(c.ui);
  mx_draw_segments(c.ui, seg, N);
  mx_ui_end(c.ui);
  SDL_RenderFlush(c.r);
  for (i = 0; i < W * H; i++) diff += a[i] != px_at(&c, i % W, i / W);
  ASSERT_TRUE(changed > 5000);
  ASSERT_INT_EQ(diff, 0);
  /* the crossing at (160, 200) against the horizontal line alone at (100, 200) */
  ac = alpha_of(px_at(&c, 160, 200), pal[2], bg);
  as = alpha_of(px_at(&c, 100, 200), pal[2], bg);
  want = 1.0 - (1.0 - 120.0 / 255.0) * (1.0 - 120.0 / 255.0);
  ASSERT_TRUE(fabs(as - 120.0 / 255.0) <= 0.03);
  ASSERT_TRUE(fabs(ac - want) <= 0.03);
  canvas_close(&c);
  free(a);
}

/* mx_draw_dashes: the pixels along the centre line, by hand. Width 2 (core
 * half-width 0.75) and flat ends with a half-pixel ramp: a dash over [t, t + L]
 * covers pixels t .. t + L - 1 fully (integer t, L) and nothing beyond.
 * Horizontal: 10 -> 150 at y 50.5, L 7 every 14: dashes at 10, 24, ..., 136.
 * Vertical: 20 -> 107 at x 200.5, L 5 every 12: dashes at 20, 32, ..., 104,
 * the last cut to 104 .. 107 (3 pixels). */
static void test_dashes(canvas *c) {
  mx_color bg = {15, 20, 33, 255}, col = {230, 159, 0, 255};
  int x, y, bad = 0, runs = 0;
  canvas_clear(c, bg);
  mx_ui_begin(c->ui);
  mx_draw_dashes(c->ui, 10.0f, 50.5f, 150.0f, 50.5f, 7.0f, 14.0f, col, 2.0f);
  mx_draw_dashes(c->ui, 200.5f, 20.0f, 200.5f, 107.0f, 5.0f, 12.0f, col, 2.0f);
  mx_ui_end(c->ui);
  SDL_RenderFlush(c->r);
  for (x = 0; x < W; x++) {
    int on = x >= 10 && x < 150 && (x - 10) % 14 < 7;
    bad += px_at(c, x, 50) != (on ? rgb(col) : rgb(bg));
    runs += on && (x - 10) % 14 == 0;
  }
  ASSERT_INT_EQ(runs, 10);
  for (y = 0; y < H; y++) {
    int on = y >= 20 && y < 107 && (y - 20) % 12 < 5;
    bad += px_at(c, 200, y) != (on ? rgb(col) : rgb(bg));
  }
  ASSERT_INT_EQ(bad, 0);
}

/* Discs of one radius in 20 colours (three sprite sheets of 8) drawn in turn
 * with a second radius in between: every centre exactly its colour, and a disc
 * from the third sheet still has the exact coverage (check_disc). */
static void test_sprite_sheets(canvas *c) {
  mx_color bg = {0, 0, 0, 255}, cols[20];
  int i, bad = 0;
  for (i = 0; i < 20; i++) cols[i] = (mx_color){(uint8_t)(20 + 11 * i), (uint8_t)(250 - 9 * i), (uint8_t)(60 + 7 * i), 255};
  canvas_clear(c, bg);
  mx_ui_begin(c->ui);
  for (i = 0; i < 20; i++) {
    mx_draw_circle(c->ui, 20.5f + 14.0f * (float)i, 40.5f, 2.6f, cols[i]);
    mx_draw_circle(c->ui, 20.5f + 14.0f * (float)i, 80.5f, 4.0f, cols[19 - i]);
  }
  mx_ui_end(c->ui);
  SDL_RenderFlush(c->r);
  for (i = 0; i < 20; i++) {
    bad += px_at(c, 20 + 14 * i, 40) != rgb(cols[i]);
    bad += px_at(c, 20 + 14 * i, 80) != rgb(cols[19 - i]);
    bad += px_at(c, 27 + 14 * i, 40) != rgb(bg); /* between two discs */
  }
  ASSERT_INT_EQ(bad, 0);
  check_disc(c, 160.37, 120.81, 2.6, cols[18], bg, interior_ref(c, cols[18], bg));
}

/* mx_text_size keeps sizes between calls (app/ui/ui_text.c): asked twice it answers the
 * same; after the fonts change with the scale (2x) the answer is the new font's, about
 * twice the width (hinting: within 6 %); a string longer than the cache keeps (127
 * bytes) is measured too: 3 copies of a word are 3 times its width, to 3 px (kerning
 * and hinting at the joins). */
static void test_text_size_cache(canvas *c) {
  const char *word = "Posterior mean";
  char longer[3 * 16 + 1];
  int w1, h1, w1b, h1b, w2, h2, wl, hl;
  snprintf(longer, sizeof longer, "%s%s%s", word, word, word);
  mx_text_size(c->ui, MX_FONT_BODY, word, &w1, &h1);
  mx_text_size(c->ui, MX_FONT_BODY, word, &w1b, &h1b);
  ASSERT_TRUE(w1 > 40 && h1 > 8);
  ASSERT_INT_EQ(w1b, w1);
  ASSERT_INT_EQ(h1b, h1);
  {
    char pad[200];
    memset(pad, 'x', 150);
    pad[150] = 0;
    mx_text_size(c->ui, MX_FONT_BODY, pad, &wl, &hl); /* not kept: measured each time */
    ASSERT_TRUE(wl > 150 * 4);
  }
  mx_text_size(c->ui, MX_FONT_BODY, longer, &wl, &hl);
  ASSERT_TRUE(abs(wl - 3 * w1) <= 3);
  mx_ui_set_size(c->ui, W, H, 2.0f);
  mx_text_size(c->ui, MX_FONT_BODY, word, &w2, &h2);
  mx_ui_set_size(c->ui, W, H, 1.0f);
  ASSERT_TRUE(fabs((double)w2 / w1 - 2.0) <= 0.12);
  mx_text_size(c->ui, MX_FONT_BODY, word, &w1b, &h1b);
  ASSERT_INT_EQ(w1b, w1); /* back at scale 1: the scale-1 size again */
}

/* ---------------------------------------------------------------- round rects */

/* Rounded rectangle: straight parts and corner interiors exactly the colour,
 * the corner cut-outs untouched past the feather, coverage of the corner
 * pixels within 0.3 of the exact area (corner discs centred on pixel corners). */
static void test_round_rect(canvas *c) {
  mx_color bg = {15, 20, 33, 255}, col = {45, 57, 82, 255}, tcol = {255, 183, 3, 160};
  const mx_color cs[2] = {col, tcol};
  mx_rect r = {40, 30, 200, 120};
  int k;
  for (k = 0; k < 2; k++) {
    /* corner interiors blend like triangles did; the straight parts are
     * SDL_RenderFillRect as before (its blending rounds differently) */
    uint32_t solid = interior_ref(c, cs[k], bg), flat = fill_rect_ref(c, cs[k], bg);
    const int radii[3] = {6, 11, 24};
    int ri;
    for (ri = 0; ri < 3; ri++) {
      int rad = radii[ri], x, y, bad_in = 0, bad_out = 0, bad_edge = 0;
      canvas_clear(c, bg);
      mx_ui_begin(c->ui);
      mx_draw_round_rect(c->ui, r, (float)rad, cs[k]);
      mx_ui_end(c->ui);
      SDL_RenderFlush(c->r);
      for (y = 0; y < H; y++)
        for (x = 0; x < W; x++) {
          /* distance to the nearest corner centre when in a corner square */
          double ccx = x < r.x + rad ? r.x + rad : x >= r.x + r.w - rad ? r.x + r.w - rad : -1;
          double ccy = y < r.y + rad ? r.y + rad : y >= r.y + r.h - rad ? r.y + r.h - rad : -1;
          int inside = x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
          uint32_t p = px_at(c, x, y);
          if (!inside) {
            bad_out += p != rgb(bg);
          } else if (ccx >= 0 && ccy >= 0) {
            double d = hypot(x + 0.5 - ccx, y + 0.5 - ccy);
            double want = disc_area(x, y, ccx, ccy, rad) * cs[k].a / 255.0;
            if (d <= rad - 1.0) bad_in += p != solid;
            if (d >= rad + 1.0) bad_out += p != rgb(bg);
            if (fabs(alpha_of(p, cs[k], bg) - want) > 0.3) bad_edge++;
          } else {
            bad_in += p != flat;
          }
        }
      if (bad_in || bad_out || bad_edge)
        fprintf(stderr, "round rect radius %d alpha %d: %d interior, %d outside, %d edge wrong\n",
                rad, cs[k].a, bad_in, bad_out, bad_edge);
      ASSERT_INT_EQ(bad_in, 0);
      ASSERT_INT_EQ(bad_out, 0);
      ASSERT_INT_EQ(bad_edge, 0);
    }
  }
}

/* Many colours and radii in one frame: more sprites than the cache holds are
 * evicted and rebuilt, and every disc still comes out right. */
static void test_sprite_churn(canvas *c) {
  mx_color bg = {0, 0, 0, 255};
  int i, bad = 0;
  canvas_clear(c, bg);
  mx_ui_begin(c->ui);
  for (i = 0; i < 300; i++) {
    mx_color col = {(uint8_t)(40 + i % 200), (uint8_t)(255 - i % 97), 128, 255};
    mx_draw_circle(c->ui, 40.0f + (float)(i % 12) * 22.0f, 30.0f + (float)(i / 12 % 8) * 24.0f,
                   2.0f + (float)(i % 9), col);
  }
  /* the last 96 discs drawn (rows 0..7 of the grid hold discs 204..299 on top) */
  mx_ui_end(c->ui);
  SDL_RenderFlush(c->r);
  for (i = 204; i < 300; i++) {
    mx_color col = {(uint8_t)(40 + i % 200), (uint8_t)(255 - i % 97), 128, 255};
    int x = (int)(40.0f + (float)(i % 12) * 22.0f), y = (int)(30.0f + (float)(i / 12 % 8) * 24.0f);
    bad += px_at(c, x, y) != rgb(col); /* the pixel at the centre */
  }
  ASSERT_INT_EQ(bad, 0);
}

/* mx_cmap rounds like lround (halves up): the grey map is round(255 t),
 * exactly, over a fine sweep and at the ties 255 t = k + 1/2. */
static void test_cmap_rounding(void) {
  int k, bad = 0;
  for (k = 0; k <= 100000; k++) {
    double t = k / 100000.0;
    bad += mx_cmap(MX_CMAP_GREY, t, 0.0, 1.0).r != (uint8_t)lround(t * 255.0);
  }
  for (k = 0; k < 255; k++) {
    double t = (k + 0.5) / 255.0;
    bad += mx_cmap(MX_CMAP_GREY, t, 0.0, 1.0).r != (uint8_t)lround(t * 255.0);
  }
  ASSERT_INT_EQ(bad, 0);
  ASSERT_INT_EQ(mx_cmap(MX_CMAP_GREY, 0.5, 0.0, 1.0).r, 128); /* 127.5 rounds up */
}

/* Far-off, huge and non-finite coordinates draw nothing on the canvas and do
 * not trip the sanitizers (out-of-range float -> int conversions). */
static void test_far_away(canvas *c) {
  mx_color bg = {15, 20, 33, 255}, col = {230, 159, 0, 255};
  float big[8] = {-3e38f, 5.0f, 3e38f, 7.0f, 1e30f, 1e30f, NAN, 3.0f};
  float off[6] = {-5000.0f, -5000.0f, -4000.0f, -4500.0f, -6000.0f, -4000.0f};
  int x, y, changed = 0;
  canvas_clear(c, bg);
  mx_ui_begin(c->ui);
  mx_draw_polyline(c->ui, big, 4, col, 3.0f);
  mx_draw_polyline(c->ui, off, 3, col, 3.0f);
  mx_draw_line(c->ui, 1e20f, 1e20f, -1e20f, 1e20f, col, 2.0f);
  mx_draw_circle(c->ui, 1e9f, -1e9f, 3.0f, col);
  mx_draw_circle(c->ui, -5000.0f, 100.0f, 40.0f, col);
  mx_draw_ellipse(c->ui, 1e7f, 1e7f, 400.0, 0.0, 400.0, 3.0, col, col);
  mx_draw_ellipse(c->ui, -900.0f, 100.0f, 400.0, 100.0, 300.0, 2.0, col, col);
  mx_ui_end(c->ui);
  SDL_RenderFlush(c->r);
  for (y = 0; y < H; y++)
    for (x = 0; x < W; x++) changed += px_at(c, x, y) != rgb(bg);
  ASSERT_INT_EQ(changed, 0);
}

int main(void) {
  canvas c;
  if (SDL_Init(0) != 0 || canvas_open(&c) != 0) {
    fprintf(stderr, "cannot open a software renderer: %s\n", SDL_GetError());
    return 1;
  }
  test_discs(&c);
  test_circles_batch(&c);
  test_ellipses(&c);
  test_polylines(&c);
  test_segments();
  test_dashes(&c);
  test_sprite_sheets(&c);
  test_text_size_cache(&c);
  test_round_rect(&c);
  test_sprite_churn(&c);
  test_cmap_rounding();
  test_far_away(&c);
  canvas_close(&c);
  SDL_Quit();
  TEST_MAIN_END();
}
