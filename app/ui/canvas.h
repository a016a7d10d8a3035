/* mixscope — the UI kit's canvas: a CPU rasteriser drawing into one opaque
 * image, for plots too busy for the renderer's primitives (thousands of dots,
 * ellipse outlines, iso-lines over a heatmap: the GMM view's plots).
 *
 * The image is SDL_PIXELFORMAT_ARGB8888 (0xAARRGGBB: the headless target's
 * own format, so the software renderer copies it without converting or
 * blending), typically the pixels of a locked streaming texture. Blending is
 * onto opaque pixels: d + (s - d) a, with a in 0..256 (mx_px_mix).
 *
 * Every primitive draws only the rows [y0, y1) of its mx_canvas, a band of
 * the image: bands are independent, so a caller may draw them on several
 * threads (mx_pool_run) and get the same pixels whoever draws which band.
 * Thin lines go through a coverage buffer (one byte a pixel, w wide, all
 * zero between uses): mx_canvas_line_cov and mx_canvas_segs_cov take the max
 * of coverages (crossing segments do not darken), mx_canvas_cov_paint blends
 * one colour through it and clears it. Each thread drawing bands needs its
 * own rows of it (the rows of its bands), so one w x h buffer serves all.
 *
 * simd != 0 lets the upscaler use SSE2 where the build has it (same bits). */
#ifndef MIXSCOPE_UI_CANVAS_H
#define MIXSCOPE_UI_CANVAS_H

#include <stdint.h>

#include "ui.h"

/* A band of rows [y0, y1) of an image img (h, pitch) w pixels wide. */
typedef struct mx_canvas {
  uint32_t *img;
  int w, h, pitch, y0, y1;
} mx_canvas;

#define MX_CANVAS_CELL 4 /* pixels a cell of mx_canvas_upscale */
#define MX_CANVAS_SUB 8  /* sub-pixel positions per axis of a dot sprite */

/* ------------------------------------------------------------ pixels */

static inline uint32_t mx_px_argb(mx_color c) {
  return 0xFF000000u | (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | (uint32_t)c.b;
}

/* d blended towards s by a / 256 (a in 0..256); opaque. */
static inline uint32_t mx_px_mix(uint32_t d, uint32_t s, uint32_t a) {
  uint32_t rb = ((s & 0xFF00FFu) * a + (d & 0xFF00FFu) * (256u - a)) >> 8;
  uint32_t g = ((s & 0x00FF00u) * a + (d & 0x00FF00u) * (256u - a)) >> 8;
  return 0xFF000000u | (rb & 0xFF00FFu) | (g & 0x00FF00u);
}

static inline float mx_px_minf(float a, float b) { return a < b ? a : b; }

/* Coverage 0..1 (clamped) as a blend weight 0..256. */
static inline uint32_t mx_px_a256(float cov) {
  return cov <= 0.0f ? 0u : cov >= 1.0f ? 256u : (uint32_t)(cov * 256.0f + 0.5f);
}

/* ------------------------------------------------------------ fills */

/* Every pixel of the band set to col. */
void mx_canvas_fill(const mx_canvas *cv, uint32_t col);
/* The band's rows of a grid of cell colours (gw, gh) upscaled bilinearly,
 * MX_CANVAS_CELL pixels a cell: cell i's centre is pixel CELL i + CELL / 2,
 * linear in between, constant beyond the ends. tmp holds 2 w pixels (one
 * such scratch per thread). */
void mx_canvas_upscale(const mx_canvas *cv, const uint32_t *cell, int gw, int gh, uint32_t *tmp,
                       int simd);

/* ------------------------------------------------------------ ellipses */

/* An ellipse {p : (p - c)^T P^-1 (p - c) = k^2}: centre (cx, cy) and
 * covariance P = (p00, p01; p01, p11), both in image pixels. */
typedef struct mx_canvas_ellipse {
  float cx, cy;
  double p00, p01, p11, k;
} mx_canvas_ellipse;

/* How an outline is drawn: width in pixels, colour, alpha, and dashes (0: a
 * solid line; n > 0: n dashes with gaps as long, evenly spaced in the
 * ellipse's angle, for ghost outlines). */
typedef struct mx_canvas_pen {
  float width, alpha;
  uint32_t col;
  int dashes;
} mx_canvas_pen;

/* The outline of e, anti-aliased (the UI kit's line coverage: full to
 * width / 2 - 1/4 from the curve, then a 1-pixel ramp), by its implicit
 * equation: good where the curve's radius of curvature is a few pixels or
 * more; see mx_canvas_ellipse_sharp. Nothing for a P not positive definite. */
void mx_canvas_ring(const mx_canvas *cv, const mx_canvas_ellipse *e, const mx_canvas_pen *pen);
/* Non-zero if e's sharpest curvature radius, k lambda_min / sqrt(lambda_max),
 * is under 4 pixels (a nearly flat ellipse): draw it as a polyline
 * (mx_canvas_ellipse_points, mx_canvas_polyline) instead. */
int mx_canvas_ellipse_sharp(const mx_canvas_ellipse *e);
/* A closed polyline round e: points c + k L (cos t, sin t), L the Cholesky
 * factor of P (as mx_draw_ellipse draws ellipses), one every ~6 pixels of
 * perimeter, 24..max - 1 segments; xy (max, 2). Returns the number of points
 * (the first repeated at the end), 0 if P is not positive definite. */
int mx_canvas_ellipse_points(const mx_canvas_ellipse *e, float *xy, int max);

/* ------------------------------------------------------------ lines */

/* An anti-aliased line segment of the given width into the coverage buffer
 * cov (w wide) at alpha, on the band's rows; bb (x0, y0, x1, y1) grows to
 * hold what was touched (start it at w, h, -1, -1). */
void mx_canvas_line_cov(const mx_canvas *cv, uint8_t *cov, float x0, float y0, float x1, float y1,
                        float width, float alpha, int *bb);
/* Segments s (n, 5): x0 y0 x1 y1 in grid coordinates (cell side cell pixels,
 * cell centres at cell (i + 1/2)) and the grid row j they lie in, sorted by
 * j; only those that can reach the band are drawn (mx_canvas_line_cov). */
void mx_canvas_segs_cov(const mx_canvas *cv, uint8_t *cov, const float *s, int n, float cell,
                        float width, float alpha, int *bb);
/* Blend colour c through the coverage inside bb onto the image, and clear it. */
void mx_canvas_cov_paint(const mx_canvas *cv, uint8_t *cov, const int *bb, uint32_t c);
/* A polyline xy (n, 2) of one colour and alpha through cov (open; repeat
 * the first point to close it): segments never darken where they cross.
 * pen->dashes is not used here (draw a dashed polyline as its pieces). */
void mx_canvas_polyline(const mx_canvas *cv, uint8_t *cov, const float *xy, int n,
                        const mx_canvas_pen *pen);

/* ------------------------------------------------------------ discs, dots */

/* An anti-aliased disc of radius rad centred at (cx, cy) in colour c at alpha. */
void mx_canvas_disc(const mx_canvas *cv, float cx, float cy, float rad, uint32_t c, float alpha);

/* A dot sprite: a disc of radius rad inside a ring of width ring (alpha
 * 0.75), anti-aliased, precomputed for MX_CANVAS_SUB^2 sub-pixel positions of
 * the centre as lists of the pixels it touches. Zero it before the first
 * mx_canvas_sprite_make; free with mx_canvas_sprite_free. */
typedef struct mx_canvas_dotpix {
  int8_t dx, dy;
  uint8_t solid;         /* inside the disc: written as the colour */
  uint16_t a_ring, a_in; /* else blend weights (0..256) of the ring, then the disc */
} mx_canvas_dotpix;

typedef struct mx_canvas_sprite {
  float rad, ring;       /* what it was made for */
  int m, stride;         /* reach in pixels from the centre; entries per position */
  int n[MX_CANVAS_SUB * MX_CANVAS_SUB]; /* pixels touched, by sub-pixel position */
  mx_canvas_dotpix *pix; /* (SUB * SUB, stride) */
} mx_canvas_sprite;

/* (Re)make sp for (rad, ring) unless it already is: 0, -1 out of memory or
 * too large (reach over 100 pixels). */
int mx_canvas_sprite_make(mx_canvas_sprite *sp, float rad, float ring);
void mx_canvas_sprite_free(mx_canvas_sprite *sp);
/* Where a dot centred at (cx, cy) goes: the pixel holding the centre and the
 * sub-pixel position (the sprite's). */
void mx_canvas_dot_cell(float cx, float cy, int *bx, int *by, int *ph);
/* One dot (pixel bx, by, sub-pixel position ph) on the band: colour c, ring
 * colour o. */
void mx_canvas_dot(const mx_canvas *cv, const mx_canvas_sprite *sp, int bx, int by, int ph,
                   uint32_t c, uint32_t o);

#endif
