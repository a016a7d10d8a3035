/* mixscope — the GMM view: a plot drawn into one image in bands on the pool,
 * with the UI kit's canvas (ui/canvas.h) (see view_gmm.h). */
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
  uint32_t bg = mx_px_argb(th->bg), text = mx_px_argb(th->text);
  float scale = jb->scale;
  mx_canvas cv;
  cv.img = jb->img;
  cv.w = w;
  cv.h = h;
  cv.pitch = jb->pitch;
  cv.y0 = c * GV_BAND;
  cv.y1 = cv.y0 + GV_BAND > h ? h : cv.y0 + GV_BAND;
  if (r->cell && (v->show_density || v->show_ellipses))
    mx_canvas_upscale(&cv, r->cell, r->gw, r->gh, v->urow + (size_t)t * 2 * (size_t)v->ucap,
                      v->simd);
  else
    mx_canvas_fill(&cv, gv_plot_bg(th));
  /* ellipse outlines (gv_rings_place) */
  for (k = 0; k < v->nring; k++) {
    const gv_ringd *e = &v->ring[k];
    if (e->npts) {
      mx_canvas_pen pen = e->pen;
      pen.width += 0.5f; /* (a line's ramp starts 1/4 px nearer its centre than a ring's) */
      mx_canvas_polyline(&cv, v->cov, v->rpts + 2 * (size_t)e->off, e->npts, &pen);
    } else {
      mx_canvas_ring(&cv, &e->e, &e->pen);
    }
  }
  /* iso-lines, then the boundary, through the coverage buffer (kept zero) */
  if (r->gw > 1 && v->cov) {
    if (v->show_density) {
      bb[0] = w, bb[1] = h, bb[2] = -1, bb[3] = -1;
      for (l = 0; l < GV_NLEVELS; l++)
        mx_canvas_segs_cov(&cv, v->cov, r->lines[l].s, r->lines[l].n, (float)GV_CELL,
                           fmaxf(1.0f * scale, jb->least), 0.24f * (1.0f - 0.12f * (float)l), bb);
      mx_canvas_cov_paint(&cv, v->cov, bb, text);
    }
    if (jb->show_bound) {
      bb[0] = w, bb[1] = h, bb[2] = -1, bb[3] = -1;
      for (l = GV_NLEVELS; l < GV_NLEVELS + K; l++)
        mx_canvas_segs_cov(&cv, v->cov, r->lines[l].s, r->lines[l].n, (float)GV_CELL,
                           fmaxf(2.0f * scale, jb->least), 0.85f, bb);
      mx_canvas_cov_paint(&cv, v->cov, bb, text);
    }
  }
  /* the points of this band, in order */
  for (i = v->bstart[c]; i < v->bstart[c + 1]; i++) {
    const gv_dotpos *d = &v->dot[v->band[i]];
    mx_canvas_dot(&cv, &v->sprite, d->bx, d->by, d->ph, d->col, bg);
  }
  if (jb->show_known)
    for (i = 0; i < v->nlab; i++) {
      size_t n = (size_t)v->lab[i];
      float x = mx_plot_x(pl, v->pts.x[2 * n]) - (float)pl->r.x;
      float y = mx_plot_y(pl, v->pts.x[2 * n + 1]) - (float)pl->r.y;
      float rad = v->sprite.rad, rr = rad * 1.9f + 1.5f * scale, reach = rr + 2.4f * scale + 2.0f;
      if (y + reach < (float)cv.y0 || y - reach >= (float)cv.y1) continue;
      mx_canvas_disc(&cv, x, y, rr + 2.4f * scale, bg, 0.8f);
      mx_canvas_disc(&cv, x, y, rr + 1.4f * scale, text, 1.0f);
      mx_canvas_disc(&cv, x, y, rr, mx_px_argb(th->comp[v->known[n] % MX_NCOMP_COLORS]), 1.0f);
      mx_canvas_disc(&cv, x, y, rad * 0.7f, bg, 1.0f);
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
    mx_canvas_dot_cell(x, y, &d->bx, &d->by, &d->ph);
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
    d->col = mx_px_argb(c);
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
static int gv_rings_place(gmm_view *v, const gv_run *r, const mx_plot *pl, const mx_theme *th,
                          float scale, float least) {
  double sc = (double)pl->r.w / (pl->x1 - pl->x0);
  int k, sig, K = r->g->K, off = 0;
  v->nring = 0;
  if (!v->show_ellipses) return MX_OK;
  if (!v->rpts) {
    v->rpts = malloc((size_t)GV_MAXK * 5 * (GV_RPTS + 1) * 2 * sizeof *v->rpts);
    if (!v->rpts) return MX_ENOMEM;
  }
  /* after an M half-step: the ellipses before it, dashed, under the new ones */
  for (k = 0; v->half && r->cur >= 1 && r != &v->run[RUN_SUP] && k < K; k++) {
    const double *m0, *c0;
    gv_snap_params(r, r->cur - 1, &m0, &c0);
    for (sig = 2; sig >= 1; sig--) {
      gv_ringd *e = &v->ring[v->nring++];
      e->e.cx = mx_plot_x(pl, m0[2 * k]) - (float)pl->r.x;
      e->e.cy = mx_plot_y(pl, m0[2 * k + 1]) - (float)pl->r.y;
      e->e.p00 = c0[4 * k] * sc * sc;
      e->e.p01 = -c0[4 * k + 1] * sc * sc;
      e->e.p11 = c0[4 * k + 3] * sc * sc;
      e->e.k = (double)sig;
      e->pen.col = mx_px_argb(th->comp[k % MX_NCOMP_COLORS]);
      e->pen.alpha = (float)(sig == 1 ? 200 : 120) / 255.0f;
      e->pen.width = fmaxf(1.5f * scale, least);
      e->pen.dashes = 28;
      e->npts = 0;
      if (mx_canvas_ellipse_sharp(&e->e)) { /* too flat for the ring: left out */
        v->nring--;
        continue;
      }
    }
  }
  for (k = 0; k < K; k++) {
    const double *mu = r->g->means + 2 * k, *S = r->g->covs + 4 * k;
    int dead = r->g->collapsed[k] != 0 || !(r->g->weights[k] > 1e-12);
    for (sig = 3; sig >= 1; sig--) {
      gv_ringd *e = &v->ring[v->nring++];
      e->e.cx = mx_plot_x(pl, mu[0]) - (float)pl->r.x;
      e->e.cy = mx_plot_y(pl, mu[1]) - (float)pl->r.y;
      e->e.p00 = S[0] * sc * sc;
      e->e.p01 = -S[1] * sc * sc;
      e->e.p11 = S[3] * sc * sc;
      e->e.k = (double)sig;
      e->pen.col = mx_px_argb(dead ? th->text_dim : th->comp[k % MX_NCOMP_COLORS]);
      e->pen.alpha = (float)(sig == 1 ? 235 : sig == 2 ? 150 : 90) / 255.0f;
      e->pen.width = fmaxf(2.0f * scale, least);
      e->pen.dashes = 0;
      e->npts = 0;
      if (mx_canvas_ellipse_sharp(&e->e)) {
        e->npts = mx_canvas_ellipse_points(&e->e, v->rpts + 2 * (size_t)off, GV_RPTS + 1);
        if (!e->npts) {
          v->nring--;
          continue;
        }
        e->off = off;
        off += e->npts;
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
  flags = show_known | (show_bound << 1) | (v->show_density << 2) | (v->show_ellipses << 3) |
          (mx_ui_projector(ui) << 4);
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
    if (mx_canvas_sprite_make(&v->sprite, rad, 0.9f * scale) != 0 ||
        gv_scratch(v, w, h, v->pts.n, nb, 2 * v->sprite.m / GV_BAND + 2) != MX_OK ||
        SDL_LockTexture(r->tex, NULL, &mem, &pitch) != 0)
      return 0;
    gv_dots_place(v, r, pl, th, show_known, nb);
    if (gv_rings_place(v, r, pl, th, scale, mx_ui_line_width(ui, 0.0f)) != MX_OK) v->nring = 0;
    memset(&jb, 0, sizeof jb);
    jb.v = v;
    jb.r = r;
    jb.pl = pl;
    jb.th = th;
    jb.img = mem;
    jb.pitch = pitch / 4;
    jb.scale = scale;
    jb.least = mx_ui_line_width(ui, 0.0f);
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
