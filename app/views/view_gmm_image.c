/* mixscope — the GMM view: the private rasteriser drawing a plot into one
 * image (bands on the pool) (see view_gmm.h). */
#include "view_gmm.h"

/* ------------------------------------------------------------------ image */

/* Image rows per chunk, and the band of rows [y0, y1) a chunk draws. */
#define GV_BAND 32

/* The band of image row y (clamped to the h rows). */
static int gv_band_of(int y, int h) {
  if (y < 0) y = 0;
  if (y > h - 1) y = h - 1;
  return y / GV_BAND;
}

typedef struct gv_canvas {
  uint32_t *img;     /* (h, pitch) */
  int w, h, pitch, y0, y1;
} gv_canvas;

/* Blend weights (of the right-hand cell, 0..256) of the GV_CELL pixels
 * between two cell centres: (0.5 .. 3.5) / 4 x 256. */
static const uint32_t gv_f[GV_CELL] = {32, 96, 160, 224};

/* out[x] = gv_mix(a[x], b[x], f) for x < n; with SSE2 (simd != 0) four
 * pixels at a time, in 16-bit lanes: the same integer arithmetic per channel
 * (c_b f + c_a (256 - f) <= 255 x 256 fits), so the same bits. */
static void gv_mix_row(uint32_t *out, const uint32_t *a, const uint32_t *b, int n, uint32_t f,
                       int simd) {
  int x = 0;
#ifdef GV_SSE2
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
  for (; x < n; x++) out[x] = gv_mix(a[x], b[x], f);
}

/* One image row from grid row t (gw cells): cell i's centre is pixel
 * GV_CELL i + GV_CELL / 2, linear in between, constant beyond the ends. */
static void gv_hrow(const uint32_t *t, int gw, uint32_t *out, int w, int simd) {
  int x = 0, i = 0, s;
  for (; x < GV_CELL / 2 && x < w; x++) out[x] = t[0];
#ifdef GV_SSE2
  if (simd) {
    /* the 4 pixels between centres i and i + 1 as one register: weights
     * 32, 96 | 160, 224 in the low | high halves */
    const __m128i z = _mm_setzero_si128(), opaque = _mm_set1_epi32((int)0xFF000000u);
    const __m128i wblo = _mm_set_epi16(96, 96, 96, 96, 32, 32, 32, 32),
                  walo = _mm_set_epi16(160, 160, 160, 160, 224, 224, 224, 224),
                  wbhi = _mm_set_epi16(224, 224, 224, 224, 160, 160, 160, 160),
                  wahi = _mm_set_epi16(32, 32, 32, 32, 96, 96, 96, 96);
    for (; i + 1 < gw && x + GV_CELL <= w; i++, x += GV_CELL) {
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
    for (s = 0; s < GV_CELL && x < w; s++, x++) out[x] = gv_mix(t[i], t[i + 1], gv_f[s]);
  for (; x < w; x++) out[x] = t[gw - 1];
}

/* Grid row j interpolated across (gv_hrow), from one of two slots: computed
 * if neither holds it, into the one not holding row keep. */
static const uint32_t *gv_hrow_get(int j, int keep, const uint32_t *cell, int gw, int w,
                                   uint32_t *slot[2], int held[2], int simd) {
  int s;
  for (s = 0; s < 2; s++)
    if (held[s] == j) return slot[s];
  s = held[0] == keep ? 1 : 0;
  gv_hrow(cell + (size_t)j * (size_t)gw, gw, slot[s], w, simd);
  held[s] = j;
  return slot[s];
}

/* The rows of cv's band: the cell colours (gw, gh) upscaled bilinearly,
 * GV_CELL pixels a cell; tmp holds 2 w pixels. */
static void gv_upscale(const gv_canvas *cv, const uint32_t *cell, int gw, int gh, uint32_t *tmp,
                       int simd) {
  uint32_t *slot[2];
  int held[2] = {-1, -1}, y;
  slot[0] = tmp;
  slot[1] = tmp + cv->w;
  for (y = cv->y0; y < cv->y1; y++) {
    /* between the centres of grid rows j and j + 1, clamped at the ends */
    int j = y < GV_CELL / 2 ? -1 : (y - GV_CELL / 2) / GV_CELL;
    uint32_t *out = cv->img + (size_t)y * (size_t)cv->pitch;
    if (j < 0 || j + 1 >= gh) {
      memcpy(out, gv_hrow_get(j < 0 ? 0 : gh - 1, -1, cell, gw, cv->w, slot, held, simd),
             (size_t)cv->w * sizeof *out);
    } else {
      const uint32_t *a = gv_hrow_get(j, j + 1, cell, gw, cv->w, slot, held, simd);
      const uint32_t *b = gv_hrow_get(j + 1, j, cell, gw, cv->w, slot, held, simd);
      gv_mix_row(out, a, b, cv->w, gv_f[(y - GV_CELL / 2) % GV_CELL], simd);
    }
  }
}

/* The outline of the ellipse {p : q(p) = (p - c)^T P^-1 (p - c) = k^2} for a
 * covariance P = (p00, p01; p01, p11) in pixels, anti-aliased, width wd (the
 * coverage of the UI kit's lines: full to wd / 2 - 1/4 from the curve, then
 * a 1-pixel ramp), in colour col at alpha, on the rows of cv's band. The
 * distance of a pixel from the curve is taken to first order,
 * |q - k^2| / |grad q| (good where the curve's radius of curvature is a few
 * pixels or more: gv_rings_place draws sharper ellipses as polylines); only
 * the pixels of each row within reach of the curve are visited
 * (|sqrt q - k| <= reach x the largest gradient of sqrt q, which is
 * 1 / sqrt(smallest eigenvalue of P)). */
static void gv_ring(const gv_canvas *cv, float cx, float cy, double p00, double p01, double p11,
                    double k, float wd, uint32_t col, float alpha) {
  double det = p00 * p11 - p01 * p01, A, B, C, lmin, g, reach, so, si, ext;
  double hw = 0.5 * (double)wd;
  float fA, fB, fC, fhw, k2, reach2;
  int y, y0, y1;
  if (!(p00 > 0.0) || !(det > 0.0) || !isfinite(det)) return;
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
        c = fhw + 0.75f - fabsf(f) / (2.0f * sqrtf(u2));
        row[x] = gv_mix(row[x], col, gv_a256(alpha * gv_minf(c, 1.0f)));
      }
    }
  }
}

/* An anti-aliased line of the given width into a coverage buffer (w wide;
 * max of coverages, so crossing segments do not darken), on the rows of cv's
 * band; bb (x0, y0, x1, y1) grows to hold what was touched. */
static void gv_line_cov(const gv_canvas *cv, uint8_t *cov, float x0, float y0, float x1,
                        float y1, float width, float alpha, int *bb) {
  float dx = x1 - x0, dy = y1 - y0, l2 = dx * dx + dy * dy, hw = 0.5f * width;
  float il2 = l2 > 0.0f ? 1.0f / l2 : 0.0f, reach2 = (hw + 0.5f) * (hw + 0.5f);
  int bx0, bx1, by0, by1, x, y, w = cv->w;
  if (!(fabsf(x0) < 1e6f && fabsf(y0) < 1e6f && fabsf(x1) < 1e6f && fabsf(y1) < 1e6f)) return;
  bx0 = (int)floorf(gv_minf(x0, x1) - hw - 1.0f);
  bx1 = (int)ceilf(fmaxf(x0, x1) + hw + 1.0f);
  by0 = (int)floorf(gv_minf(y0, y1) - hw - 1.0f);
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

/* The segments of l (grid coordinates, sorted by grid row) that can reach
 * cv's band -> coverage in image pixels. */
static void gv_segs_cov(const gv_canvas *cv, uint8_t *cov, const gv_segs *l, float width,
                        float alpha, int *bb) {
  const float sx = (float)GV_CELL, reach = 0.5f * width + 1.0f;
  /* a segment of grid row j lies in pixel rows GV_CELL (j + 1/2 .. j + 3/2) */
  float jlo = ((float)cv->y0 - reach) / sx - 1.5f, jhi = ((float)cv->y1 + reach) / sx - 0.5f;
  int lo = 0, hi = l->n, i;
  while (lo < hi) { /* first segment of a row >= jlo */
    int mid = (lo + hi) / 2;
    if (l->s[(size_t)mid * 5 + 4] < jlo) lo = mid + 1;
    else hi = mid;
  }
  for (i = lo; i < l->n; i++) {
    const float *q = l->s + (size_t)i * 5;
    if (q[4] > jhi) break;
    gv_line_cov(cv, cov, (q[0] + 0.5f) * sx, (q[1] + 0.5f) * sx, (q[2] + 0.5f) * sx,
                (q[3] + 0.5f) * sx, width, alpha, bb);
  }
}

/* Paint colour c through the coverage buffer (w wide) inside bb onto the
 * image, and clear it. */
static void gv_cov_paint(const gv_canvas *cv, uint8_t *cov, const int *bb, uint32_t c) {
  int x, y;
  for (y = bb[1]; y <= bb[3]; y++) {
    uint8_t *cr = cov + (size_t)y * (size_t)cv->w;
    uint32_t *row = cv->img + (size_t)y * (size_t)cv->pitch;
    for (x = bb[0]; x <= bb[2]; x++)
      if (cr[x]) {
        row[x] = gv_mix(row[x], c, (uint32_t)cr[x] + (cr[x] >> 7));
        cr[x] = 0;
      }
  }
}

/* An anti-aliased disc of radius rad centred at (cx, cy), on cv's band. */
static void gv_disc(const gv_canvas *cv, float cx, float cy, float rad, mx_color c, float alpha) {
  int x0 = (int)floorf(cx - rad - 1.0f), x1 = (int)ceilf(cx + rad + 1.0f);
  int y0 = (int)floorf(cy - rad - 1.0f), y1 = (int)ceilf(cy + rad + 1.0f), x, y;
  uint32_t col = gv_argb(c);
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
      *p = gv_mix(*p, col, gv_a256(alpha * gv_minf(cov, 1.0f)));
    }
}

/* The dot drawn for each point: a disc of radius rad inside a ring of width
 * ring (alpha 0.75), anti-aliased, precomputed for GV_SUB x GV_SUB sub-pixel
 * positions of the centre as lists of the pixels it touches. */
static int gv_sprite_make(gv_sprite *sp, float rad, float ring) {
  float R = rad + ring;
  int m = (int)ceilf(R + 1.0f), side = 2 * m + 1, ph, x, y, n;
  if (sp->pix && sp->rad == rad && sp->ring == ring) return MX_OK;
  free(sp->pix);
  memset(sp, 0, sizeof *sp);
  if (m > 100) return MX_EINVAL;
  sp->pix = malloc((size_t)GV_SUB * GV_SUB * (size_t)side * (size_t)side * sizeof *sp->pix);
  if (!sp->pix) return MX_ENOMEM;
  sp->rad = rad;
  sp->ring = ring;
  sp->m = m;
  sp->stride = side * side;
  for (ph = 0; ph < GV_SUB * GV_SUB; ph++) {
    float fx = ((float)(ph % GV_SUB) + 0.5f) / (float)GV_SUB;
    float fy = ((float)(ph / GV_SUB) + 0.5f) / (float)GV_SUB;
    gv_dotpix *out = sp->pix + (size_t)ph * (size_t)sp->stride;
    n = 0;
    for (y = -m; y <= m; y++)
      for (x = -m; x <= m; x++) {
        float dx = (float)x + 0.5f - fx, dy = (float)y + 0.5f - fy, d = sqrtf(dx * dx + dy * dy);
        float ci = rad + 0.5f - d, co = R + 0.5f - d;
        if (co <= 0.0f) continue;
        out[n].dx = (int8_t)x;
        out[n].dy = (int8_t)y;
        out[n].solid = ci >= 1.0f;
        out[n].a_ring = (uint16_t)gv_a256(0.75f * gv_minf(co, 1.0f));
        out[n].a_in = (uint16_t)gv_a256(ci);
        n++;
      }
    sp->n[ph] = n;
  }
  return MX_OK;
}

/* Where a dot centred at (cx, cy) goes: the pixel holding the centre and the
 * sub-pixel position (the sprite's). */
static void gv_dot_cell(float cx, float cy, int *bx, int *by, int *ph) {
  float fx = floorf(cx * (float)GV_SUB), fy = floorf(cy * (float)GV_SUB);
  *bx = (int)floorf(fx / (float)GV_SUB);
  *by = (int)floorf(fy / (float)GV_SUB);
  *ph = ((int)fy - *by * GV_SUB) * GV_SUB + ((int)fx - *bx * GV_SUB);
}

/* One dot (pixel bx, by, sub-pixel position ph) on cv's band: colour c, ring
 * colour o. */
static void gv_dot(const gv_canvas *cv, const gv_sprite *sp, int bx, int by, int ph, uint32_t c,
                   uint32_t o) {
  const gv_dotpix *e = sp->pix + (size_t)ph * (size_t)sp->stride;
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
    *p = gv_mix(*p, o, e->a_ring);
    if (e->a_in) *p = gv_mix(*p, c, e->a_in);
  }
}

/* Chunk c of an image: its band of GV_BAND rows, drawn in order: the cell
 * colours upscaled, the ellipse outlines at 3, 2, 1 sigma, the density
 * iso-lines and the decision boundary, then the points coloured by
 * responsibility (in their order, those of the band: v->dot*), the labelled
 * ones (semi-supervised) as rings in their class colour on top. */
static void gv_image_chunk(void *arg, int c, int t) {
  const gv_job *jb = arg;
  gmm_view *v = jb->v;
  gv_run *r = jb->r;
  const mx_plot *pl = jb->pl;
  const mx_theme *th = jb->th;
  int w = pl->r.w, h = pl->r.h, k, K = r->g->K, bb[4], l, i;
  uint32_t bg = gv_argb(th->bg), text = gv_argb(th->text);
  float scale = jb->scale;
  gv_canvas cv;
  cv.img = jb->img;
  cv.w = w;
  cv.h = h;
  cv.pitch = jb->pitch;
  cv.y0 = c * GV_BAND;
  cv.y1 = cv.y0 + GV_BAND > h ? h : cv.y0 + GV_BAND;
  if (r->cell && (v->show_density || v->show_ellipses)) {
    gv_upscale(&cv, r->cell, r->gw, r->gh, v->urow + (size_t)t * 2 * (size_t)v->ucap, v->simd);
  } else {
    uint32_t b = gv_plot_bg(th);
    int x, y;
    for (y = cv.y0; y < cv.y1; y++)
      for (x = 0; x < w; x++) cv.img[(size_t)y * (size_t)cv.pitch + (size_t)x] = b;
  }
  /* ellipse outlines (gv_rings_place) */
  for (k = 0; k < v->nring; k++) {
    const gv_ringd *e = &v->ring[k];
    if (e->npts) {
      const float *q = v->rpts + 2 * (size_t)e->off;
      bb[0] = w, bb[1] = h, bb[2] = -1, bb[3] = -1;
      for (i = 0; i + 1 < e->npts; i++)
        gv_line_cov(&cv, v->cov, q[2 * i], q[2 * i + 1], q[2 * i + 2], q[2 * i + 3],
                    2.0f * scale + 0.5f, e->alpha, bb);
      gv_cov_paint(&cv, v->cov, bb, e->col);
    } else {
      gv_ring(&cv, e->cx, e->cy, e->p00, e->p01, e->p11, e->k, 2.0f * scale, e->col, e->alpha);
    }
  }
  /* iso-lines, then the boundary, through the coverage buffer (kept zero) */
  if (r->gw > 1 && v->cov) {
    if (v->show_density) {
      bb[0] = w, bb[1] = h, bb[2] = -1, bb[3] = -1;
      for (l = 0; l < GV_NLEVELS; l++)
        gv_segs_cov(&cv, v->cov, &r->lines[l], 1.0f * scale, 0.24f * (1.0f - 0.12f * (float)l), bb);
      gv_cov_paint(&cv, v->cov, bb, text);
    }
    if (jb->show_bound) {
      bb[0] = w, bb[1] = h, bb[2] = -1, bb[3] = -1;
      for (l = GV_NLEVELS; l < GV_NLEVELS + K; l++)
        gv_segs_cov(&cv, v->cov, &r->lines[l], 2.0f * scale, 0.85f, bb);
      gv_cov_paint(&cv, v->cov, bb, text);
    }
  }
  /* the points of this band, in order */
  for (i = v->bstart[c]; i < v->bstart[c + 1]; i++) {
    const gv_dotpos *d = &v->dot[v->band[i]];
    gv_dot(&cv, &v->sprite, d->bx, d->by, d->ph, d->col, bg);
  }
  if (jb->show_known)
    for (i = 0; i < v->nlab; i++) {
      size_t n = (size_t)v->lab[i];
      float x = mx_plot_x(pl, v->pts.x[2 * n]) - (float)pl->r.x;
      float y = mx_plot_y(pl, v->pts.x[2 * n + 1]) - (float)pl->r.y;
      float rad = v->sprite.rad, rr = rad * 1.9f + 1.5f * scale, reach = rr + 2.4f * scale + 2.0f;
      if (y + reach < (float)cv.y0 || y - reach >= (float)cv.y1) continue;
      gv_disc(&cv, x, y, rr + 2.4f * scale, th->bg, 0.8f);
      gv_disc(&cv, x, y, rr + 1.4f * scale, th->text, 1.0f);
      gv_disc(&cv, x, y, rr, th->comp[v->known[n] % MX_NCOMP_COLORS], 1.0f);
      gv_disc(&cv, x, y, rad * 0.7f, th->bg, 1.0f);
    }
}

/* Make the view's scratch hold a w x h image (coverage buffer, upscale rows
 * for two threads) and the dots of n points in nb bands, each dot in at most
 * per bands. */
static int gv_scratch(gmm_view *v, int w, int h, size_t n, int nb, int per) {
  size_t need = (size_t)w * (size_t)h;
  if (need > v->covcap) {
    free(v->cov);
    v->cov = calloc(need, 1);
    v->covcap = v->cov ? need : 0;
    if (!v->cov) return MX_ENOMEM;
  }
  if (w > v->ucap) {
    free(v->urow);
    v->urow = malloc(4 * (size_t)w * sizeof *v->urow);
    v->ucap = v->urow ? w : 0;
    if (!v->ucap) return MX_ENOMEM;
  }
  if (n > v->dcap || n * (size_t)per > v->bandcap) {
    free(v->dot);
    free(v->band);
    free(v->lab);
    v->dot = malloc(n * sizeof *v->dot);
    v->band = malloc(n * (size_t)per * sizeof *v->band);
    v->lab = malloc(n * sizeof *v->lab);
    v->dcap = v->dot && v->band && v->lab ? n : 0;
    v->bandcap = v->dcap ? n * (size_t)per : 0;
    if (!v->dcap) return MX_ENOMEM;
  }
  if (nb + 1 > v->bcap) {
    free(v->bstart);
    v->bstart = malloc((size_t)(nb + 1) * sizeof *v->bstart);
    v->bcap = v->bstart ? nb + 1 : 0;
    if (!v->bcap) return MX_ENOMEM;
  }
  return MX_OK;
}

/* Where the dots of run r go (pixel, sub-pixel position, colour: the
 * component colours mixed by responsibility), and which bands of GV_BAND
 * rows each touches: v->band[bstart[b] .. bstart[b + 1]) lists the points of
 * band b in their order. The labelled points (drawn as rings) go to v->lab. */
static void gv_dots_place(gmm_view *v, const gv_run *r, const mx_plot *pl, const mx_theme *th,
                          int show_known, int nb) {
  int K = r->g->K, k, b, m = v->sprite.m, h = pl->r.h;
  size_t i;
  v->nlab = 0;
  for (b = 0; b <= nb; b++) v->bstart[b] = 0;
  for (i = 0; i < v->pts.n; i++) {
    float x = mx_plot_x(pl, v->pts.x[2 * i]) - (float)pl->r.x;
    float y = mx_plot_y(pl, v->pts.x[2 * i + 1]) - (float)pl->r.y;
    const double *resp = r->w->resp + i * (size_t)K;
    double R = 0, G = 0, B = 0;
    gv_dotpos *d = &v->dot[i];
    mx_color c;
    d->ph = -1; /* not drawn */
    if (show_known && v->known[i] >= 0) {
      v->lab[v->nlab++] = (int)i;
      continue;
    }
    if (!(x > -1e6f && x < 1e6f && y > -1e6f && y < 1e6f)) continue;
    gv_dot_cell(x, y, &d->bx, &d->by, &d->ph);
    if (d->bx + m < 0 || d->bx - m >= pl->r.w || d->by + m < 0 || d->by - m >= h) {
      d->ph = -1;
      continue;
    }
    for (k = 0; k < K; k++) {
      mx_color ck = th->comp[k % MX_NCOMP_COLORS];
      R += resp[k] * ck.r;
      G += resp[k] * ck.g;
      B += resp[k] * ck.b;
    }
    c.r = (uint8_t)((R < 255.0 ? R : 255.0) + 0.5); /* (NaN -> 255, as fmin) */
    c.g = (uint8_t)((G < 255.0 ? G : 255.0) + 0.5);
    c.b = (uint8_t)((B < 255.0 ? B : 255.0) + 0.5);
    c.a = 255;
    d->col = gv_argb(c);
    for (b = gv_band_of(d->by - m, h); b <= gv_band_of(d->by + m, h); b++) v->bstart[b + 1]++;
  }
  for (b = 0; b < nb; b++) v->bstart[b + 1] += v->bstart[b];
  /* a stable counting sort: bstart[b] runs through band b, ending at the
   * start of band b + 1, and is then put back */
  for (i = 0; i < v->pts.n; i++) {
    const gv_dotpos *d = &v->dot[i];
    if (d->ph < 0) continue;
    for (b = gv_band_of(d->by - m, h); b <= gv_band_of(d->by + m, h); b++)
      v->band[v->bstart[b]++] = (int)i;
  }
  for (b = nb; b > 0; b--) v->bstart[b] = v->bstart[b - 1];
  v->bstart[0] = 0;
}

/* The ellipse outlines of run r in the image, at 3, 2, 1 sigma, component by
 * component (weightless or collapsed ones dimmed). An ellipse whose sharpest
 * curvature radius, k lambda_min / sqrt(lambda_max), is under 4 pixels (a
 * nearly flat component) is drawn as a closed polyline through points
 * c + k L (cos t, sin t), L the Cholesky factor of its covariance in pixels
 * (as the UI kit draws ellipses), the others by their implicit equation. */
static int gv_rings_place(gmm_view *v, const gv_run *r, const mx_plot *pl, const mx_theme *th) {
  double sc = (double)pl->r.w / (pl->x1 - pl->x0);
  int k, sig, K = r->g->K, off = 0;
  v->nring = 0;
  if (!v->show_ellipses) return MX_OK;
  if (!v->rpts) {
    v->rpts = malloc((size_t)GV_MAXK * 3 * (GV_RPTS + 1) * 2 * sizeof *v->rpts);
    if (!v->rpts) return MX_ENOMEM;
  }
  for (k = 0; k < K; k++) {
    const double *mu = r->g->means + 2 * k, *S = r->g->covs + 4 * k;
    int dead = r->g->collapsed[k] != 0 || !(r->g->weights[k] > 1e-12);
    double p00 = S[0] * sc * sc, p01 = -S[1] * sc * sc, p11 = S[3] * sc * sc;
    double tr = 0.5 * (p00 + p11), dd = sqrt(0.25 * (p00 - p11) * (p00 - p11) + p01 * p01);
    double lmax = tr + dd, lmin = tr - dd;
    for (sig = 3; sig >= 1; sig--) {
      gv_ringd *e = &v->ring[v->nring++];
      e->cx = mx_plot_x(pl, mu[0]) - (float)pl->r.x;
      e->cy = mx_plot_y(pl, mu[1]) - (float)pl->r.y;
      e->p00 = p00;
      e->p01 = p01;
      e->p11 = p11;
      e->k = (double)sig;
      e->col = gv_argb(dead ? th->text_dim : th->comp[k % MX_NCOMP_COLORS]);
      e->alpha = (float)(sig == 1 ? 235 : sig == 2 ? 150 : 90) / 255.0f;
      e->npts = 0;
      if (lmax > 0.0 && isfinite(lmax) && e->k * lmin / sqrt(lmax) < 4.0) {
        /* Cholesky as in mx_draw_ellipse; not positive definite: nothing */
        double a = p00 > 0.0 ? sqrt(p00) : 0.0, b = a > 0.0 ? p01 / a : 0.0, d = p11 - b * b;
        double perim = 2.0 * GV_PI * e->k * sqrt(0.5 * (lmax + lmin));
        int n = (int)(perim / 6.0), i;
        float *q = v->rpts + 2 * (size_t)off;
        if (!(a > 0.0) || !(d > 0.0) || !isfinite(perim)) {
          v->nring--;
          continue;
        }
        d = sqrt(d);
        n = n < 24 ? 24 : n > GV_RPTS ? GV_RPTS : n;
        for (i = 0; i <= n; i++) {
          double t = 2.0 * GV_PI * (double)(i % n) / (double)n, u = cos(t), s = sin(t);
          q[2 * i] = e->cx + (float)(e->k * a * u);
          q[2 * i + 1] = e->cy + (float)(e->k * (b * u + d * s));
        }
        e->npts = n + 1;
        e->off = off;
        off += n + 1;
      }
    }
  }
  return MX_OK;
}

/* Bring the run's texture up to date (redrawing its image, in bands on two
 * threads, if anything it shows changed) and copy it into the plot. 0 if
 * there is nothing to show. */
int gv_image(gmm_view *v, gv_run *r, mx_ui *ui, const mx_plot *pl, float rad, int show_known,
                    int show_bound) {
  SDL_Renderer *ren = mx_ui_renderer(ui);
  const mx_theme *th = mx_ui_theme(ui);
  float scale = mx_ui_scale(ui);
  int w = pl->r.w, h = pl->r.h, flags, nb = (pl->r.h + GV_BAND - 1) / GV_BAND;
  gv_key key;
  SDL_Rect dst = {pl->r.x, pl->r.y, pl->r.w, pl->r.h};
  if (w < 2 || h < 2) return 0;
  flags = show_known | (show_bound << 1) | (v->show_density << 2) | (v->show_ellipses << 3);
  gv_key_set(&key, w, h, flags, rad, scale, pl, th);
  if (!r->tex || r->tw != w || r->th != h) {
    mx_texture_free(&r->tex);
    r->tex = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, w, h);
    if (!r->tex) return 0;
    SDL_SetTextureBlendMode(r->tex, SDL_BLENDMODE_NONE);
    r->tw = w;
    r->th = h;
    r->img_dirty = 1;
  }
  if (r->img_dirty || memcmp(&key, &r->ikey, sizeof key)) {
    void *mem;
    int pitch;
    gv_job jb;
    if (gv_sprite_make(&v->sprite, rad, 0.9f * scale) != MX_OK ||
        gv_scratch(v, w, h, v->pts.n, nb, 2 * v->sprite.m / GV_BAND + 2) != MX_OK ||
        SDL_LockTexture(r->tex, NULL, &mem, &pitch) != 0)
      return 0;
    gv_dots_place(v, r, pl, th, show_known, nb);
    if (gv_rings_place(v, r, pl, th) != MX_OK) v->nring = 0;
    memset(&jb, 0, sizeof jb);
    jb.v = v;
    jb.r = r;
    jb.pl = pl;
    jb.th = th;
    jb.img = mem;
    jb.pitch = pitch / 4;
    jb.scale = scale;
    jb.show_known = show_known;
    jb.show_bound = show_bound;
    mx_pool_run(&v->pool, gv_image_chunk, &jb, nb);
    SDL_UnlockTexture(r->tex);
    memcpy(&r->ikey, &key, sizeof key);
    r->img_dirty = 0;
  }
  SDL_RenderCopy(ren, r->tex, NULL, &dst);
  return 1;
}
