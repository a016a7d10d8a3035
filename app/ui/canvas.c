/* mixscope — the UI kit's canvas: a CPU rasteriser drawing bands of an
 * opaque ARGB8888 image (see canvas.h).
 *
 * Sections: upscale · ellipses · lines · discs and dots. */
#include "canvas.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* SSE2 is part of x86-64: no run-time check needed (the caller's simd flag
 * turns it off, as MX_NO_SIMD does core's kernels). */
#if defined(__SSE2__)
#include <emmintrin.h>
#define CV_SSE2 1
#endif

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ------------------------------------------------------------ upscale */

void mx_canvas_fill(const mx_canvas *cv, uint32_t col) {
  int x, y;
  for (y = cv->y0; y < cv->y1; y++)
    for (x = 0; x < cv->w; x++) cv->img[(size_t)y * (size_t)cv->pitch + (size_t)x] = col;
}

/* Blend weights (of the right-hand cell, 0..256) of the MX_CANVAS_CELL pixels
 * between two cell centres: (0.5 .. 3.5) / 4 x 256. */
static const uint32_t cv_f[MX_CANVAS_CELL] = {32, 96, 160, 224};

/* out[x] = mx_px_mix(a[x], b[x], f) for x < n; with SSE2 (simd != 0) four
 * pixels at a time, in 16-bit lanes: the same integer arithmetic per channel
 * (c_b f + c_a (256 - f) <= 255 x 256 fits), so the same bits. */
static void cv_mix_row(uint32_t *out, const uint32_t *a, const uint32_t *b, int n, uint32_t f,
                       int simd) {
  int x = 0;
#ifdef CV_SSE2
  if (simd) {
    const __m128i z = _mm_setzero_si128(), wb = _mm_set1_epi16((short)f),
                  wa = _mm_set1_epi16((short)(256u - f)), opaque = _mm_set1_epi32((int)0xFF000000u);
    for (; x + 4 <= n; x += 4) {
      __m128i va = _mm_loadu_si128((const __m128i *)(const void *)(a + x));
      __m128i vb = _mm_loadu_si128((const __m128i *)(const void *)(b + x));
      __m128i lo = _mm_add_epi16(_mm_mullo_epi16(_mm_unpacklo_epi8(vb, z), wb),
                                 _mm_mullo_epi16(_mm_unpacklo_epi8(va, z), wa));
      __m128i hi = _mm_add_epi16(_mm_mullo_epi16(_mm_unpackhi_epi8(vb, z), wb),
                                 _mm_mullo_epi16(_mm_unpackhi_epi8(va, z), wa));
      lo = _mm_srli_epi16(lo, 8);
      hi = _mm_srli_epi16(hi, 8);
      _mm_storeu_si128((__m128i *)(void *)(out + x), _mm_or_si128(_mm_packus_epi16(lo, hi), opaque));
    }
  }
#endif
  for (; x < n; x++) out[x] = mx_px_mix(a[x], b[x], f);
}

/* One image row from grid row t (gw cells): cell i's centre is pixel
 * MX_CANVAS_CELL i + MX_CANVAS_CELL / 2, linear in between, constant beyond the ends. */
static void cv_hrow(const uint32_t *t, int gw, uint32_t *out, int w, int simd) {
  int x = 0, i = 0, s;
  for (; x < MX_CANVAS_CELL / 2 && x < w; x++) out[x] = t[0];
#ifdef CV_SSE2
  if (simd) {
    /* the 4 pixels between centres i and i + 1 as one register: weights
     * 32, 96 | 160, 224 in the low | high halves */
    const __m128i z = _mm_setzero_si128(), opaque = _mm_set1_epi32((int)0xFF000000u);
    const __m128i wblo = _mm_set_epi16(96, 96, 96, 96, 32, 32, 32, 32),
                  walo = _mm_set_epi16(160, 160, 160, 160, 224, 224, 224, 224),
                  wbhi = _mm_set_epi16(224, 224, 224, 224, 160, 160, 160, 160),
                  wahi = _mm_set_epi16(32, 32, 32, 32, 96, 96, 96, 96);
    for (; i + 1 < gw && x + MX_CANVAS_CELL <= w; i++, x += MX_CANVAS_CELL) {
      __m128i ta = _mm_unpacklo_epi8(_mm_set1_epi32((int)t[i]), z);
      __m128i tb = _mm_unpacklo_epi8(_mm_set1_epi32((int)t[i + 1]), z);
      __m128i lo = _mm_add_epi16(_mm_mullo_epi16(tb, wblo), _mm_mullo_epi16(ta, walo));
      __m128i hi = _mm_add_epi16(_mm_mullo_epi16(tb, wbhi), _mm_mullo_epi16(ta, wahi));
      lo = _mm_srli_epi16(lo, 8);
      hi = _mm_srli_epi16(hi, 8);
      _mm_storeu_si128((__m128i *)(void *)(out + x), _mm_or_si128(_mm_packus_epi16(lo, hi), opaque));
    }
  }
#endif
  for (; i + 1 < gw && x < w; i++)
    for (s = 0; s < MX_CANVAS_CELL && x < w; s++, x++) out[x] = mx_px_mix(t[i], t[i + 1], cv_f[s]);
  for (; x < w; x++) out[x] = t[gw - 1];
}

/* Grid row j interpolated across (cv_hrow), from one of two slots: computed
 * if neither holds it, into the one not holding row keep. */
static const uint32_t *cv_hrow_get(int j, int keep, const uint32_t *cell, int gw, int w,
                                   uint32_t *slot[2], int held[2], int simd) {
  int s;
  for (s = 0; s < 2; s++)
    if (held[s] == j) return slot[s];
  s = held[0] == keep ? 1 : 0;
  cv_hrow(cell + (size_t)j * (size_t)gw, gw, slot[s], w, simd);
  held[s] = j;
  return slot[s];
}

/* The rows of cv's band: the cell colours (gw, gh) upscaled bilinearly,
 * MX_CANVAS_CELL pixels a cell; tmp holds 2 w pixels. */
void mx_canvas_upscale(const mx_canvas *cv, const uint32_t *cell, int gw, int gh, uint32_t *tmp,
                       int simd) {
  uint32_t *slot[2];
  int held[2] = {-1, -1}, y;
  slot[0] = tmp;
  slot[1] = tmp + cv->w;
  for (y = cv->y0; y < cv->y1; y++) {
    /* between the centres of grid rows j and j + 1, clamped at the ends */
    int j = y < MX_CANVAS_CELL / 2 ? -1 : (y - MX_CANVAS_CELL / 2) / MX_CANVAS_CELL;
    uint32_t *out = cv->img + (size_t)y * (size_t)cv->pitch;
    if (j < 0 || j + 1 >= gh) {
      memcpy(out, cv_hrow_get(j < 0 ? 0 : gh - 1, -1, cell, gw, cv->w, slot, held, simd),
             (size_t)cv->w * sizeof *out);
    } else {
      const uint32_t *a = cv_hrow_get(j, j + 1, cell, gw, cv->w, slot, held, simd);
      const uint32_t *b = cv_hrow_get(j + 1, j, cell, gw, cv->w, slot, held, simd);
      cv_mix_row(out, a, b, cv->w, cv_f[(y - MX_CANVAS_CELL / 2) % MX_CANVAS_CELL], simd);
    }
  }
}

/* ------------------------------------------------------------ ellipses */

/* The coverage factor (0..1) of pen's dashes at offset (dx, dy) from e's
 * centre: the point's angle t in e's own frame ((dx, dy) = s L (cos t,
 * sin t), L the Cholesky factor of P) picks dash or gap; the distance to the
 * nearest dash end, in pixels along the curve (|dp/dt| k of the angle), is
 * ramped over one pixel. */
static float cv_dash(const mx_canvas_ellipse *e, int dashes, double la, double lb, double ld,
                     float dx, float dy) {
  double u = (double)dx / la, v = ((double)dy - lb * u) / ld, t = atan2(v, u);
  double sn = sin(t), cs = cos(t), s = (t + M_PI) / (2.0 * M_PI) * (double)dashes;
  double fr = s - floor(s), d = fr < 0.5 ? fmin(fr, 0.5 - fr) : -fmin(fr - 0.5, 1.0 - fr);
  double speed = e->k * hypot(la * sn, lb * sn - ld * cs) * 2.0 * M_PI / (double)dashes;
  double c = d * speed + 0.5;
  return c <= 0.0 ? 0.0f : c >= 1.0 ? 1.0f : (float)c;
}

/* The outline of the ellipse {p : q(p) = (p - c)^T P^-1 (p - c) = k^2} on
 * the rows of cv's band (see canvas.h). The distance of a pixel from the
 * curve is taken to first order, |q - k^2| / |grad q|; only the pixels of
 * each row within reach of the curve are visited (|sqrt q - k| <= reach x
 * the largest gradient of sqrt q, which is 1 / sqrt(smallest eigenvalue of
 * P)). */
void mx_canvas_ring(const mx_canvas *cv, const mx_canvas_ellipse *e, const mx_canvas_pen *pen) {
  const float cx = e->cx, cy = e->cy, alpha = pen->alpha;
  const double p00 = e->p00, p01 = e->p01, p11 = e->p11, k = e->k;
  const uint32_t col = pen->col;
  double la = p00 > 0.0 ? sqrt(p00) : 0.0, lb = la > 0.0 ? p01 / la : 0.0, ld;
  double det = p00 * p11 - p01 * p01, A, B, C, lmin, g, reach, so, si, ext;
  double hw = 0.5 * (double)pen->width;
  float fA, fB, fC, fhw, k2, reach2;
  int y, y0, y1;
  if (!(p00 > 0.0) || !(det > 0.0) || !isfinite(det)) return;
  ld = sqrt(det / p00);
  A = p11 / det;
  B = -p01 / det;
  C = p00 / det;
  fA = (float)A, fB = (float)B, fC = (float)C, fhw = (float)hw;
  k2 = (float)(k * k);
  reach2 = (fhw + 0.75f) * (fhw + 0.75f);
  lmin = 0.5 * (p00 + p11) - sqrt(0.25 * (p00 - p11) * (p00 - p11) + p01 * p01);
  if (!(lmin > 1e-12)) lmin = 1e-12;
  g = 1.0 / sqrt(lmin);
  reach = hw + 1.25;
  so = k + reach * g;
  si = k - reach * g;
  ext = so * sqrt(p11);
  {
    double fy0 = floor((double)cy - ext), fy1 = ceil((double)cy + ext);
    if (!(fy0 < (double)cv->y1 && fy1 >= (double)cv->y0)) return; /* (or NaN) */
    y0 = fy0 < (double)cv->y0 ? cv->y0 : (int)fy0;
    y1 = fy1 > (double)(cv->y1 - 1) ? cv->y1 - 1 : (int)fy1;
  }
  for (y = y0; y <= y1; y++) {
    double dy = (double)y + 0.5 - cy, q0 = (B * B - A * C) * dy * dy, d_o = q0 + A * so * so;
    double d_i = si > 0.0 ? q0 + A * si * si : -1.0, lo[2], hi[2];
    uint32_t *row = cv->img + (size_t)y * (size_t)cv->pitch;
    float fdy = (float)dy, fBy = fB * fdy, fCy = fC * fdy;
    int nspan, sp;
    if (!(d_o > 0.0)) continue;
    d_o = sqrt(d_o);
    if (d_i > 0.0) {
      d_i = sqrt(d_i);
      lo[0] = (-B * dy - d_o) / A;
      hi[0] = (-B * dy - d_i) / A;
      lo[1] = (-B * dy + d_i) / A;
      hi[1] = (-B * dy + d_o) / A;
      nspan = 2;
    } else {
      lo[0] = (-B * dy - d_o) / A;
      hi[0] = (-B * dy + d_o) / A;
      nspan = 1;
    }
    for (sp = 0; sp < nspan; sp++) {
      double xa = floor((double)cx + lo[sp] - 0.5), xb = ceil((double)cx + hi[sp] - 0.5);
      int x, x0, x1;
      if (xb < 0.0 || xa > (double)(cv->w - 1)) continue;
      x0 = xa < 0.0 ? 0 : (int)xa;
      x1 = xb > (double)(cv->w - 1) ? cv->w - 1 : (int)xb;
      for (x = x0; x <= x1; x++) {
        float dx = (float)x + 0.5f - cx, ux = fA * dx + fBy, uy = fB * dx + fCy;
        float f = dx * ux + fdy * uy - k2, u2 = ux * ux + uy * uy, c;
        /* |f| / |grad f| < reach, i.e. f^2 < 4 reach^2 |u|^2, before the root */
        if (f * f >= 4.0f * reach2 * u2) continue;
        c = alpha * mx_px_minf(fhw + 0.75f - fabsf(f) / (2.0f * sqrtf(u2)), 1.0f);
        if (pen->dashes > 0) c *= cv_dash(e, pen->dashes, la, lb, ld, dx, fdy);
        row[x] = mx_px_mix(row[x], col, mx_px_a256(c));
      }
    }
  }
}

int mx_canvas_ellipse_sharp(const mx_canvas_ellipse *e) {
  double tr = 0.5 * (e->p00 + e->p11);
  double dd = sqrt(0.25 * (e->p00 - e->p11) * (e->p00 - e->p11) + e->p01 * e->p01);
  double lmax = tr + dd, lmin = tr - dd;
  return lmax > 0.0 && isfinite(lmax) && e->k * lmin / sqrt(lmax) < 4.0;
}

int mx_canvas_ellipse_points(const mx_canvas_ellipse *e, float *xy, int max) {
  double tr = 0.5 * (e->p00 + e->p11);
  double dd = sqrt(0.25 * (e->p00 - e->p11) * (e->p00 - e->p11) + e->p01 * e->p01);
  double lmax = tr + dd, lmin = tr - dd;
  /* Cholesky as in mx_draw_ellipse; not positive definite: nothing */
  double a = e->p00 > 0.0 ? sqrt(e->p00) : 0.0, b = a > 0.0 ? e->p01 / a : 0.0;
  double d = e->p11 - b * b, perim = 2.0 * M_PI * e->k * sqrt(0.5 * (lmax + lmin));
  int n = (int)(perim / 6.0), i;
  if (!(a > 0.0) || !(d > 0.0) || !isfinite(perim) || max < 25) return 0;
  d = sqrt(d);
  n = n < 24 ? 24 : n > max - 1 ? max - 1 : n;
  for (i = 0; i <= n; i++) {
    double t = 2.0 * M_PI * (double)(i % n) / (double)n, u = cos(t), s = sin(t);
    xy[2 * i] = e->cx + (float)(e->k * a * u);
    xy[2 * i + 1] = e->cy + (float)(e->k * (b * u + d * s));
  }
  return n + 1;
}

/* ------------------------------------------------------------ lines */

/* An anti-aliased line of the given width into a coverage buffer (w wide;
 * max of coverages, so crossing segments do not darken), on the rows of cv's
 * band; bb (x0, y0, x1, y1) grows to hold what was touched. */
void mx_canvas_line_cov(const mx_canvas *cv, uint8_t *cov, float x0, float y0, float x1,
                        float y1, float width, float alpha, int *bb) {
  float dx = x1 - x0, dy = y1 - y0, l2 = dx * dx + dy * dy, hw = 0.5f * width;
  float il2 = l2 > 0.0f ? 1.0f / l2 : 0.0f, reach2 = (hw + 0.5f) * (hw + 0.5f);
  int bx0, bx1, by0, by1, x, y, w = cv->w;
  if (!(fabsf(x0) < 1e6f && fabsf(y0) < 1e6f && fabsf(x1) < 1e6f && fabsf(y1) < 1e6f)) return;
  bx0 = (int)floorf(mx_px_minf(x0, x1) - hw - 1.0f);
  bx1 = (int)ceilf(fmaxf(x0, x1) + hw + 1.0f);
  by0 = (int)floorf(mx_px_minf(y0, y1) - hw - 1.0f);
  by1 = (int)ceilf(fmaxf(y0, y1) + hw + 1.0f);
  if (bx0 < 0) bx0 = 0;
  if (by0 < cv->y0) by0 = cv->y0;
  if (bx1 > w - 1) bx1 = w - 1;
  if (by1 > cv->y1 - 1) by1 = cv->y1 - 1;
  if (bx0 > bx1 || by0 > by1) return;
  if (bx0 < bb[0]) bb[0] = bx0;
  if (by0 < bb[1]) bb[1] = by0;
  if (bx1 > bb[2]) bb[2] = bx1;
  if (by1 > bb[3]) bb[3] = by1;
  for (y = by0; y <= by1; y++)
    for (x = bx0; x <= bx1; x++) {
      float px = (float)x + 0.5f - x0, py = (float)y + 0.5f - y0, t, ex, ey, c, d2;
      uint8_t v8, *p = &cov[(size_t)y * (size_t)w + (size_t)x];
      t = (px * dx + py * dy) * il2;
      t = t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
      ex = px - t * dx;
      ey = py - t * dy;
      d2 = ex * ex + ey * ey;
      if (d2 >= reach2) continue;
      c = hw + 0.5f - sqrtf(d2);
      if (c <= 0.0f) continue;
      v8 = (uint8_t)(255.0f * alpha * (c > 1.0f ? 1.0f : c) + 0.5f);
      if (v8 > *p) *p = v8;
    }
}

/* The segments s (n, 5) (grid coordinates, sorted by grid row) that can
 * reach cv's band -> coverage in image pixels. */
void mx_canvas_segs_cov(const mx_canvas *cv, uint8_t *cov, const float *s, int n, float cell,
                        float width, float alpha, int *bb) {
  const float sx = cell, reach = 0.5f * width + 1.0f;
  /* a segment of grid row j lies in pixel rows cell (j + 1/2 .. j + 3/2) */
  float jlo = ((float)cv->y0 - reach) / sx - 1.5f, jhi = ((float)cv->y1 + reach) / sx - 0.5f;
  int lo = 0, hi = n, i;
  while (lo < hi) { /* first segment of a row >= jlo */
    int mid = (lo + hi) / 2;
    if (s[(size_t)mid * 5 + 4] < jlo) lo = mid + 1;
    else hi = mid;
  }
  for (i = lo; i < n; i++) {
    const float *q = s + (size_t)i * 5;
    if (q[4] > jhi) break;
    mx_canvas_line_cov(cv, cov, (q[0] + 0.5f) * sx, (q[1] + 0.5f) * sx, (q[2] + 0.5f) * sx,
                       (q[3] + 0.5f) * sx, width, alpha, bb);
  }
}

/* Paint colour c through the coverage buffer (w wide) inside bb onto the
 * image, and clear it. */
void mx_canvas_cov_paint(const mx_canvas *cv, uint8_t *cov, const int *bb, uint32_t c) {
  int x, y;
  for (y = bb[1]; y <= bb[3]; y++) {
    uint8_t *cr = cov + (size_t)y * (size_t)cv->w;
    uint32_t *row = cv->img + (size_t)y * (size_t)cv->pitch;
    for (x = bb[0]; x <= bb[2]; x++)
      if (cr[x]) {
        row[x] = mx_px_mix(row[x], c, (uint32_t)cr[x] + (cr[x] >> 7));
        cr[x] = 0;
      }
  }
}

void mx_canvas_polyline(const mx_canvas *cv, uint8_t *cov, const float *xy, int n,
                        const mx_canvas_pen *pen) {
  int bb[4] = {cv->w, cv->h, -1, -1}, i;
  for (i = 0; i + 1 < n; i++)
    mx_canvas_line_cov(cv, cov, xy[2 * i], xy[2 * i + 1], xy[2 * i + 2], xy[2 * i + 3], pen->width,
                       pen->alpha, bb);
  mx_canvas_cov_paint(cv, cov, bb, pen->col);
}

/* ------------------------------------------------------------ discs and dots */

/* An anti-aliased disc of radius rad centred at (cx, cy), on cv's band. */
void mx_canvas_disc(const mx_canvas *cv, float cx, float cy, float rad, uint32_t col, float alpha) {
  int x0 = (int)floorf(cx - rad - 1.0f), x1 = (int)ceilf(cx + rad + 1.0f);
  int y0 = (int)floorf(cy - rad - 1.0f), y1 = (int)ceilf(cy + rad + 1.0f), x, y;
  if (x0 < 0) x0 = 0;
  if (y0 < cv->y0) y0 = cv->y0;
  if (x1 > cv->w - 1) x1 = cv->w - 1;
  if (y1 > cv->y1 - 1) y1 = cv->y1 - 1;
  for (y = y0; y <= y1; y++)
    for (x = x0; x <= x1; x++) {
      float dx = (float)x + 0.5f - cx, dy = (float)y + 0.5f - cy;
      float cov = rad + 0.5f - sqrtf(dx * dx + dy * dy);
      uint32_t *p = &cv->img[(size_t)y * (size_t)cv->pitch + (size_t)x];
      if (cov <= 0.0f) continue;
      *p = mx_px_mix(*p, col, mx_px_a256(alpha * mx_px_minf(cov, 1.0f)));
    }
}

/* A dot: a disc of radius rad inside a ring of width ring (alpha 0.75),
 * anti-aliased, precomputed for MX_CANVAS_SUB x MX_CANVAS_SUB sub-pixel
 * positions of the centre as lists of the pixels it touches. */
int mx_canvas_sprite_make(mx_canvas_sprite *sp, float rad, float ring) {
  float R = rad + ring;
  int m = (int)ceilf(R + 1.0f), side = 2 * m + 1, ph, x, y, n;
  if (sp->pix && sp->rad == rad && sp->ring == ring) return 0;
  free(sp->pix);
  memset(sp, 0, sizeof *sp);
  if (m > 100) return -1;
  sp->pix = malloc((size_t)MX_CANVAS_SUB * MX_CANVAS_SUB * (size_t)side * (size_t)side *
                   sizeof *sp->pix);
  if (!sp->pix) return -1;
  sp->rad = rad;
  sp->ring = ring;
  sp->m = m;
  sp->stride = side * side;
  for (ph = 0; ph < MX_CANVAS_SUB * MX_CANVAS_SUB; ph++) {
    float fx = ((float)(ph % MX_CANVAS_SUB) + 0.5f) / (float)MX_CANVAS_SUB;
    float fy = ((float)(ph / MX_CANVAS_SUB) + 0.5f) / (float)MX_CANVAS_SUB;
    mx_canvas_dotpix *out = sp->pix + (size_t)ph * (size_t)sp->stride;
    n = 0;
    for (y = -m; y <= m; y++)
      for (x = -m; x <= m; x++) {
        float dx = (float)x + 0.5f - fx, dy = (float)y + 0.5f - fy, d = sqrtf(dx * dx + dy * dy);
        float ci = rad + 0.5f - d, co = R + 0.5f - d;
        if (co <= 0.0f) continue;
        out[n].dx = (int8_t)x;
        out[n].dy = (int8_t)y;
        out[n].solid = ci >= 1.0f;
        out[n].a_ring = (uint16_t)mx_px_a256(0.75f * mx_px_minf(co, 1.0f));
        out[n].a_in = (uint16_t)mx_px_a256(ci);
        n++;
      }
    sp->n[ph] = n;
  }
  return 0;
}

void mx_canvas_sprite_free(mx_canvas_sprite *sp) {
  free(sp->pix);
  memset(sp, 0, sizeof *sp);
}

/* Where a dot centred at (cx, cy) goes: the pixel holding the centre and the
 * sub-pixel position (the sprite's). */
void mx_canvas_dot_cell(float cx, float cy, int *bx, int *by, int *ph) {
  float fx = floorf(cx * (float)MX_CANVAS_SUB), fy = floorf(cy * (float)MX_CANVAS_SUB);
  *bx = (int)floorf(fx / (float)MX_CANVAS_SUB);
  *by = (int)floorf(fy / (float)MX_CANVAS_SUB);
  *ph = ((int)fy - *by * MX_CANVAS_SUB) * MX_CANVAS_SUB + ((int)fx - *bx * MX_CANVAS_SUB);
}

/* One dot (pixel bx, by, sub-pixel position ph) on cv's band: colour c, ring
 * colour o. */
void mx_canvas_dot(const mx_canvas *cv, const mx_canvas_sprite *sp, int bx, int by, int ph,
                   uint32_t c, uint32_t o) {
  const mx_canvas_dotpix *e = sp->pix + (size_t)ph * (size_t)sp->stride;
  int i, n = sp->n[ph];
  int inside = bx - sp->m >= 0 && by - sp->m >= cv->y0 && bx + sp->m < cv->w && by + sp->m < cv->y1;
  for (i = 0; i < n; i++, e++) {
    int x = bx + e->dx, y = by + e->dy;
    uint32_t *p;
    if (!inside && (x < 0 || y < cv->y0 || x >= cv->w || y >= cv->y1)) continue;
    p = cv->img + (size_t)y * (size_t)cv->pitch + (size_t)x;
    if (e->solid) {
      *p = c;
      continue;
    }
    *p = mx_px_mix(*p, o, e->a_ring);
    if (e->a_in) *p = mx_px_mix(*p, c, e->a_in);
  }
}

