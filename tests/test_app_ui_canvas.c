/* The UI kit's canvas (app/ui/canvas.h): expected values computed here from
 * the geometry (a circle's distance field, a disc's area, the bilinear
 * weights), not by the rasteriser under test. */
#include "test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ui/canvas.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define W 64
#define H 64

static uint32_t img[H * W], img2[H * W];

static void clear(uint32_t *p) {
  int i;
  for (i = 0; i < W * H; i++) p[i] = 0xFF000000u;
}

static mx_canvas band(uint32_t *p, int y0, int y1) {
  mx_canvas cv = {p, W, H, W, y0, y1};
  return cv;
}

/* Green channel 0..255 of pixel (x, y). */
static int green(const uint32_t *p, int x, int y) { return (int)(p[y * W + x] >> 8 & 0xFF); }

/* A circle of radius 20 (P = 400 I, k = 1), width 2, white on black: the
 * coverage of a pixel is min(1, 1 + 0.75 - e), e = |d^2 - r^2| / (2 d) the
 * first-order distance of its centre (distance d from the centre) to the
 * curve; channel = coverage x 256 rounded (the blend weight), x 255 / 256. */
static void test_ring_circle(void) {
  mx_canvas cv = band(img, 0, H);
  mx_canvas_ellipse e = {32.5f, 32.5f, 400.0, 0.0, 400.0, 1.0};
  mx_canvas_pen pen = {2.0f, 1.0f, 0xFFFFFFFFu, 0};
  int x, y, worst = 0;
  clear(img);
  mx_canvas_ring(&cv, &e, &pen);
  for (y = 0; y < H; y++)
    for (x = 0; x < W; x++) {
      double dx = x + 0.5 - 32.5, dy = y + 0.5 - 32.5, d = sqrt(dx * dx + dy * dy);
      double err = d > 0 ? fabs(d * d - 400.0) / (2.0 * d) : 1e9, cov = 1.75 - err;
      int a, want, got = green(img, x, y);
      cov = cov < 0 ? 0 : cov > 1 ? 1 : cov;
      a = (int)(cov * 256.0 + 0.5);
      want = a * 255 / 256;
      if (abs(got - want) > worst) worst = abs(got - want);
    }
  ASSERT_INT_EQ(worst, 0);
  ASSERT_TRUE(green(img, 52, 32) == 255); /* on the curve */
  ASSERT_TRUE(green(img, 32, 32) == 0);   /* the centre */
}

/* Four dashes of 1/8 turn each: the pixel at the middle of a dash (angle
 * -pi + pi/8 in the ellipse's frame, y down) is lit, the middle of a gap
 * (-pi + 3 pi/8) is not, and about half the solid ring's ink is left. */
static void test_ring_dashes(void) {
  mx_canvas cv = band(img, 0, H), cv2 = band(img2, 0, H);
  mx_canvas_ellipse e = {32.5f, 32.5f, 400.0, 0.0, 400.0, 1.0};
  mx_canvas_pen solid = {2.0f, 1.0f, 0xFFFFFFFFu, 0}, dashed = solid;
  double on = -M_PI + M_PI / 8, off = -M_PI + 3 * M_PI / 8, ink = 0, ink2 = 0;
  int i;
  dashed.dashes = 4;
  clear(img);
  clear(img2);
  mx_canvas_ring(&cv, &e, &solid);
  mx_canvas_ring(&cv2, &e, &dashed);
  ASSERT_TRUE(green(img2, (int)floor(32.5 + 20 * cos(on)), (int)floor(32.5 + 20 * sin(on))) == 255);
  ASSERT_TRUE(green(img2, (int)floor(32.5 + 20 * cos(off)), (int)floor(32.5 + 20 * sin(off))) == 0);
  for (i = 0; i < W * H; i++) {
    ink += (double)(img[i] >> 8 & 0xFF);
    ink2 += (double)(img2[i] >> 8 & 0xFF);
  }
  ASSERT_TRUE(ink2 > 0.45 * ink && ink2 < 0.55 * ink);
}

/* A disc of radius 10 covers pi 100 pixels (within 1 %), and drawing it in
 * two bands gives the same pixels as in one. */
static void test_disc_bands(void) {
  mx_canvas all = band(img, 0, H), top = band(img2, 0, 30), bot = band(img2, 30, H);
  double ink = 0;
  int i;
  clear(img);
  clear(img2);
  mx_canvas_disc(&all, 31.3f, 29.8f, 10.0f, 0xFFFFFFFFu, 1.0f);
  mx_canvas_disc(&top, 31.3f, 29.8f, 10.0f, 0xFFFFFFFFu, 1.0f);
  mx_canvas_disc(&bot, 31.3f, 29.8f, 10.0f, 0xFFFFFFFFu, 1.0f);
  for (i = 0; i < W * H; i++) ink += (double)(img[i] >> 8 & 0xFF) / 255.0;
  ASSERT_TRUE(fabs(ink - M_PI * 100.0) < 0.01 * M_PI * 100.0);
  ASSERT_TRUE(memcmp(img, img2, sizeof img) == 0);
}

/* Upscaling: cell i's centre is the pixel edge CELL i + CELL / 2, so the
 * four pixel centres after it lie 1/8, 3/8, 5/8, 7/8 of the way to the next
 * centre: blend weights 32, 96, 160, 224 of 256; before the first centre the
 * first cell's colour. Rows 0 and 1 lie above grid row 0's centre: a pure
 * horizontal blend of it. The SSE2 path gives the same bits as the scalar one
 * (random cells). */
static void test_upscale(void) {
  enum { GW = 16, GH = 16 };
  uint32_t cell[GW * GH], tmp[2 * W];
  mx_canvas cv = band(img, 0, H), cv2 = band(img2, 0, H);
  unsigned s = 12345u;
  int i;
  for (i = 0; i < GW * GH; i++) {
    s = s * 1103515245u + 12345u;
    cell[i] = 0xFF000000u | (s >> 8 & 0xFFFFFFu);
  }
  cell[0] = 0xFF000000u; /* black, then white */
  cell[1] = 0xFFFFFFFFu;
  mx_canvas_upscale(&cv, cell, GW, GH, tmp, 0);
  mx_canvas_upscale(&cv2, cell, GW, GH, tmp, 1);
  ASSERT_TRUE(memcmp(img, img2, sizeof img) == 0);
  ASSERT_TRUE(img[0] == cell[0] && img[1] == cell[0]);
  ASSERT_TRUE(green(img, 2, 0) == (255 * 32) >> 8);
  ASSERT_TRUE(green(img, 3, 0) == (255 * 96) >> 8);
  ASSERT_TRUE(green(img, 4, 1) == (255 * 160) >> 8);
  ASSERT_TRUE(green(img, 5, 1) == (255 * 224) >> 8);
}

/* A circle's polyline: every point at the radius, closed, one point every
 * ~6 pixels of perimeter (2 pi 30 / 6 = 31 segments). */
static void test_points(void) {
  mx_canvas_ellipse e = {40.0f, 30.0f, 900.0, 0.0, 900.0, 1.0};
  float xy[2 * 600];
  int n = mx_canvas_ellipse_points(&e, xy, 600), i;
  ASSERT_TRUE(n == 32);
  for (i = 0; i < n; i++)
    ASSERT_TRUE(fabs(hypot(xy[2 * i] - 40.0, xy[2 * i + 1] - 30.0) - 30.0) < 1e-3);
  ASSERT_TRUE(xy[0] == xy[2 * (n - 1)] && xy[1] == xy[2 * (n - 1) + 1]);
  ASSERT_TRUE(!mx_canvas_ellipse_sharp(&e));
  e.p11 = 0.01; /* 30 x 0.1 pixels: curvature radius 0.1^2 / 30 */
  ASSERT_TRUE(mx_canvas_ellipse_sharp(&e));
  e.p11 = -1.0;
  ASSERT_TRUE(mx_canvas_ellipse_points(&e, xy, 600) == 0);
}

int main(void) {
  test_ring_circle();
  test_ring_dashes();
  test_disc_bands();
  test_upscale();
  test_points();
  TEST_MAIN_END();
}
