/* mixscope — the UI kit: geometry, disc sprites, the band rasteriser,
 * primitives, images, colour maps (see ui.h).
 *
 * Sections: geometry · sprites · band raster · primitives · images · colour
 * maps. */
#include "ui_private.h"

/* ---------------------------------------------------------------- geometry */

static int geo_reserve(mx_ui *ui, int nv, int ni) {
  if (nv > ui->vcap) {
    int cap = nv < 256 ? 256 : nv * 2;
    SDL_Vertex *v = realloc(ui->vtx, (size_t)cap * sizeof *v);
    if (!v) return -1;
    ui->vtx = v;
    ui->vcap = cap;
  }
  if (ni > ui->icap) {
    int cap = ni < 768 ? 768 : ni * 2;
    int *ix = realloc(ui->idx, (size_t)cap * sizeof *ix);
    if (!ix) return -1;
    ui->idx = ix;
    ui->icap = cap;
  }
  return 0;
}

/* Draw nv vertices / ni indices of the scratch as blended triangles. The
 * software renderer truncates vertex positions to whole pixels; geo_off makes
 * that rounding to the nearest, so fans sit where the analytic shapes do. */
static void geo_draw(mx_ui *ui, int nv, int ni) {
  int i;
  if (ui->geo_off != 0.0f)
    for (i = 0; i < nv; i++) {
      ui->vtx[i].position.x += ui->geo_off;
      ui->vtx[i].position.y += ui->geo_off;
    }
  SDL_SetRenderDrawBlendMode(ui->r, SDL_BLENDMODE_BLEND);
  SDL_RenderGeometry(ui->r, NULL, ui->vtx, nv, ui->idx, ni);
}

static void vset(SDL_Vertex *v, float x, float y, mx_color c) {
  v->position.x = x;
  v->position.y = y;
  v->color = sdl_col(c);
  v->tex_coord.x = 0;
  v->tex_coord.y = 0;
}

/* Fill a convex polygon (pts: (n, 2), in order) with a one-pixel feather. */
static void fill_convex_aa(mx_ui *ui, const float *pts, int n, mx_color c) {
  int i, nv = 2 * n + 1, ni = 3 * n + 6 * n;
  float cx = 0, cy = 0;
  mx_color clear = col_alpha(c, 0);
  SDL_Vertex *v;
  int *ix;
  if (n < 3 || c.a == 0 || geo_reserve(ui, nv, ni) != 0) return;
  for (i = 0; i < n; i++) {
    cx += pts[2 * i];
    cy += pts[2 * i + 1];
  }
  cx /= (float)n;
  cy /= (float)n;
  v = ui->vtx;
  ix = ui->idx;
  vset(&v[0], cx, cy, c);
  for (i = 0; i < n; i++) {
    int p = (i + n - 1) % n, q = (i + 1) % n;
    float x = pts[2 * i], y = pts[2 * i + 1];
    float tx = pts[2 * q] - pts[2 * p], ty = pts[2 * q + 1] - pts[2 * p + 1];
    float nx = ty, ny = -tx, len = sqrtf(nx * nx + ny * ny);
    if (len > 0) {
      nx /= len;
      ny /= len;
    }
    if (nx * (x - cx) + ny * (y - cy) < 0) {
      nx = -nx;
      ny = -ny;
    }
    /* inner vertex pulled in half a pixel, outer pushed out half a pixel */
    vset(&v[1 + i], x - 0.5f * nx, y - 0.5f * ny, c);
    vset(&v[1 + n + i], x + 0.5f * nx, y + 0.5f * ny, clear);
  }
  for (i = 0; i < n; i++) {
    int j = (i + 1) % n;
    *ix++ = 0;
    *ix++ = 1 + i;
    *ix++ = 1 + j;
    *ix++ = 1 + i;
    *ix++ = 1 + n + i;
    *ix++ = 1 + j;
    *ix++ = 1 + j;
    *ix++ = 1 + n + i;
    *ix++ = 1 + n + j;
  }
  geo_draw(ui, nv, ni);
}

static int circle_segments(float radius) {
  int n = (int)(radius * 1.2f) + 10;
  if (n < 12) n = 12;
  if (n > 160) n = 160;
  return n;
}

static ui_sprite *sprite_get(mx_ui *ui, int rq, int ph, mx_color c);

/* Rounded rectangle, filled (radius clamped to half the short side): three
 * plain rectangles (fast fills) plus four anti-aliased quarter discs. */
void ui_fill_round_rect(mx_ui *ui, mx_rect r, float rad, mx_color c) {
  int ri, k, i, nv = 0, ni = 0, SEG;
  mx_color clear = col_alpha(c, 0);
  SDL_Vertex *v;
  int *ix;
  if (r.w <= 0 || r.h <= 0 || c.a == 0) return;
  if (rad > r.w * 0.5f) rad = r.w * 0.5f;
  if (rad > r.h * 0.5f) rad = r.h * 0.5f;
  ri = (int)rad;
  if (ri < 2) {
    mx_draw_rect(ui, r, c);
    return;
  }
  SEG = ri / 2 + 1; /* enough segments that the arc looks round */
  if (SEG < 3) SEG = 3;
  if (SEG > 10) SEG = 10;
  mx_draw_rect(ui, (mx_rect){r.x, r.y + ri, r.w, r.h - 2 * ri}, c);
  mx_draw_rect(ui, (mx_rect){r.x + ri, r.y, r.w - 2 * ri, ri}, c);
  mx_draw_rect(ui, (mx_rect){r.x + ri, r.y + r.h - ri, r.w - 2 * ri, ri}, c);
  if ((float)ri <= UI_SPR_RMAX) { /* corners: quadrants of a disc sprite centred on a pixel corner */
    ui_sprite *s = sprite_get(ui, 16 * ri, 1, c);
    if (s) {
      for (k = 0; k < 4; k++) {
        int right = k == 0 || k == 3, bottom = k < 2;
        SDL_Rect src, dst;
        src.x = s->sx + (right ? ri : 0);
        src.y = bottom ? ri : 0;
        src.w = src.h = ri;
        dst.x = right ? r.x + r.w - ri : r.x;
        dst.y = bottom ? r.y + r.h - ri : r.y;
        dst.w = dst.h = ri;
        SDL_RenderCopy(ui->r, s->tex, &src, &dst);
      }
      return;
    }
  }
  if (geo_reserve(ui, 4 * (1 + 2 * (SEG + 1)), 4 * 9 * SEG) != 0) return;
  v = ui->vtx;
  ix = ui->idx;
  for (k = 0; k < 4; k++) { /* corners: bottom-right, bottom-left, top-left, top-right */
    float cx = (float)((k == 0 || k == 3) ? r.x + r.w - ri : r.x + ri);
    float cy = (float)((k < 2) ? r.y + r.h - ri : r.y + ri);
    float a0 = (float)k * (float)M_PI * 0.5f;
    int base = nv;
    vset(&v[nv++], cx, cy, c);
    for (i = 0; i <= SEG; i++) {
      float a = a0 + (float)i / (float)SEG * (float)M_PI * 0.5f, ca = cosf(a), sa = sinf(a);
      vset(&v[nv++], cx + ((float)ri - 0.5f) * ca, cy + ((float)ri - 0.5f) * sa, c);
      vset(&v[nv++], cx + ((float)ri + 0.5f) * ca, cy + ((float)ri + 0.5f) * sa, clear);
    }
    for (i = 0; i < SEG; i++) {
      int p = base + 1 + 2 * i, q = p + 2; /* inner vertices; outer = +1 */
      ix[ni++] = base;
      ix[ni++] = p;
      ix[ni++] = q;
      ix[ni++] = p;
      ix[ni++] = p + 1;
      ix[ni++] = q;
      ix[ni++] = q;
      ix[ni++] = p + 1;
      ix[ni++] = q + 1;
    }
  }
  geo_draw(ui, nv, ni);
}

/* ---------------------------------------------------------------- sprites */

/* A filled disc is one texture copy instead of a triangle fan: SDL 2's
 * software renderer blends every triangle through a temporary surface of its
 * bounding box, so a 36-triangle fan costs ~30 us and a copy ~1 us. Sprites
 * are pre-coloured (colour and alpha baked in, no colour/alpha modulation), so
 * an interior texel is exactly (c.r, c.g, c.b, c.a) and blends through the same
 * SDL blitter as an interior triangle did: solid interiors keep their exact
 * colour. Coverage is the fan's: clamp(r + 1/2 - distance to the centre, 0, 1)
 * at each pixel centre. */

static void sprite_release(mx_ui *ui, ui_sprite *s) {
  int S = 2 * s->R + 1;
  if (s->tex) {
    ui_sheet *sh = &ui->sheet[s->sheet];
    sh->mask &= ~(1u << (s->sx / (s->ph * S)));
    if (!sh->mask) {
      SDL_DestroyTexture(sh->tex);
      sh->tex = NULL;
    }
  }
  ui->spr_bytes -= (size_t)(s->ph * S) * (size_t)(s->ph * S) * 4u;
  memset(s, 0, sizeof *s);
}

void ui_sprites_clear(mx_ui *ui) {
  int i;
  for (i = 0; i < ui->nspr; i++)
    if (ui->spr[i].rq) sprite_release(ui, &ui->spr[i]);
  ui->nspr = 0;
  ui->spr_bytes = 0;
  memset(ui->spr_hash, 0, sizeof ui->spr_hash);
}

static uint32_t sprite_key(int rq, int ph, mx_color c) {
  uint32_t h = ((uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a) * 0x9E3779B1u;
  h ^= ((uint32_t)rq * 4u + (uint32_t)ph) * 0x85EBCA6Bu;
  return (h ^ (h >> 15)) & (UI_SPR_HASH - 1);
}

/* Put the sprite's W x W texels pix into a free slot of a sheet of its size
 * (a new sheet if none has one); its texture, or NULL. */
static SDL_Texture *sprite_place(mx_ui *ui, ui_sprite *s, const uint32_t *pix, int W) {
  int k, q, spare = -1;
  ui_sheet *sh = NULL;
  SDL_Rect r;
  for (k = 0; k < UI_SHEET_CAP && !sh; k++) {
    if (!ui->sheet[k].tex) {
      if (spare < 0) spare = k;
    } else if (ui->sheet[k].rq == s->rq && ui->sheet[k].ph == s->ph &&
               ui->sheet[k].mask != (1u << UI_SHEET_SLOTS) - 1u) {
      sh = &ui->sheet[k];
    }
  }
  if (!sh) {
    if (spare < 0) return NULL;
    sh = &ui->sheet[spare];
    sh->tex = SDL_CreateTexture(ui->r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC,
                                W * UI_SHEET_SLOTS, W);
    if (!sh->tex) return NULL;
    SDL_SetTextureBlendMode(sh->tex, SDL_BLENDMODE_BLEND);
    sh->rq = s->rq;
    sh->ph = s->ph;
    sh->mask = 0;
  }
  for (q = 0; sh->mask & (1u << q); q++) {}
  r.x = q * W;
  r.y = 0;
  r.w = r.h = W;
  if (SDL_UpdateTexture(sh->tex, &r, pix, W * 4) != 0) {
    if (!sh->mask) {
      SDL_DestroyTexture(sh->tex);
      sh->tex = NULL;
    }
    return NULL;
  }
  sh->mask |= 1u << q;
  s->sheet = (int)(sh - ui->sheet);
  s->sx = r.x;
  return sh->tex;
}

/* Fill a new sprite's texture; 0 or -1. */
static int sprite_build(mx_ui *ui, ui_sprite *s) {
  int S = 2 * s->R + 1, W = s->ph * S, px, py, i, j;
  float r = (float)s->rq / 16.0f;
  uint32_t *pix = malloc((size_t)W * (size_t)W * sizeof *pix), rgb;
  if (!pix) return -1;
  rgb = (uint32_t)s->col.r << 16 | (uint32_t)s->col.g << 8 | s->col.b;
  for (py = 0; py < s->ph; py++)
    for (px = 0; px < s->ph; px++) {
      float ccx = (float)s->R + (float)px / (float)s->ph, ccy = (float)s->R + (float)py / (float)s->ph;
      for (j = 0; j < S; j++) {
        uint32_t *row = pix + (size_t)(py * S + j) * (size_t)W + (size_t)(px * S);
        float dy = (float)j + 0.5f - ccy;
        for (i = 0; i < S; i++) {
          float dx = (float)i + 0.5f - ccx, cov = r + 0.5f - sqrtf(dx * dx + dy * dy);
          uint32_t a;
          if (cov <= 0.0f) a = 0;
          else if (cov >= 1.0f) a = s->col.a;
          else a = (uint32_t)(cov * (float)s->col.a + 0.5f);
          row[i] = a << 24 | rgb;
        }
      }
    }
  s->tex = sprite_place(ui, s, pix, W);
  free(pix);
  if (!s->tex) return -1;
  ui->spr_bytes += (size_t)W * (size_t)W * 4u;
  return 0;
}

/* The sprite for (rq, ph, colour), made on first use; NULL on failure. */
static ui_sprite *sprite_get(mx_ui *ui, int rq, int ph, mx_color c) {
  uint32_t h = sprite_key(rq, ph, c);
  int k = ui->spr_hash[h] - 1, i;
  ui_sprite *s = NULL;
  if (k >= 0) {
    s = &ui->spr[k];
    if (!(s->rq == rq && s->ph == ph && !memcmp(&s->col, &c, sizeof c))) s = NULL;
  }
  if (!s) /* slot taken by another key: look through all */
    for (i = 0; i < ui->nspr; i++) {
      ui_sprite *t = &ui->spr[i];
      if (t->rq == rq && t->ph == ph && !memcmp(&t->col, &c, sizeof c)) {
        s = t;
        break;
      }
    }
  if (!s) {
    int R = (rq + 15) / 16, S = 2 * R + 1;
    size_t bytes = (size_t)(ph * S) * (size_t)(ph * S) * 4u;
    /* evict the least recently used while full or over the byte budget */
    for (;;) {
      int free_slot = -1, lru = -1;
      for (i = 0; i < ui->nspr; i++) {
        if (!ui->spr[i].rq) {
          if (free_slot < 0) free_slot = i;
        } else if (lru < 0 || ui->spr[i].used < ui->spr[lru].used) {
          lru = i;
        }
      }
      if (free_slot < 0 && ui->nspr < UI_SPR_CAP) free_slot = ui->nspr++;
      if (free_slot >= 0 && (ui->spr_bytes + bytes <= UI_SPR_BUDGET || lru < 0)) {
        s = &ui->spr[free_slot];
        break;
      }
      if (lru < 0) return NULL;
      sprite_release(ui, &ui->spr[lru]);
    }
    s->rq = rq;
    s->ph = ph;
    s->R = R;
    s->col = c;
    if (sprite_build(ui, s) != 0) {
      memset(s, 0, sizeof *s);
      return NULL;
    }
  }
  ui->spr_hash[h] = (short)(s - ui->spr + 1);
  s->used = ++ui->spr_clock;
  return s;
}

/* Sub-pixel phases for a disc of radius r: a quarter pixel up to r = 16,
 * half a pixel for bigger ones (their texture grows as ph^2). */
static int sprite_phases(float r) { return r <= 16.0f ? 4 : 2; }

/* Copy the disc (cx, cy, radius) from sprite s. */
static void sprite_blit(mx_ui *ui, const ui_sprite *s, float cx, float cy) {
  int S = 2 * s->R + 1;
  long qx = lroundf(cx * (float)s->ph), qy = lroundf(cy * (float)s->ph);
  long ix = qx >= 0 ? qx / s->ph : -((-qx + s->ph - 1) / s->ph);
  long iy = qy >= 0 ? qy / s->ph : -((-qy + s->ph - 1) / s->ph);
  SDL_Rect src, dst;
  src.x = s->sx + (int)(qx - ix * s->ph) * S;
  src.y = (int)(qy - iy * s->ph) * S;
  src.w = src.h = S;
  dst.x = (int)ix - s->R;
  dst.y = (int)iy - s->R;
  dst.w = dst.h = S;
  SDL_RenderCopy(ui->r, s->tex, &src, &dst);
}

/* A disc through the sprite cache; -1 when it must be drawn as a fan. */
static int sprite_disc(mx_ui *ui, float cx, float cy, float radius, mx_color c) {
  int rq;
  ui_sprite *s;
  if (!(radius <= UI_SPR_RMAX) || fabsf(cx) > 1e6f || fabsf(cy) > 1e6f) return -1;
  rq = (int)lroundf(radius * 16.0f);
  if (rq < 1) rq = 1;
  s = sprite_get(ui, rq, sprite_phases(radius), c);
  if (!s) return -1;
  sprite_blit(ui, s, cx, cy);
  return 0;
}

/* ---------------------------------------------------------------- band raster */

/* Ellipses and lines are rasterised here, analytically, one band of
 * UI_BAND_H rows at a time into a streaming texture, and only the tiles a
 * shape touches are copied (SDL_RenderCopy, blended). Texels are
 * non-premultiplied ARGB with the shape's colour and alpha coverage x c.a, so
 * fully covered pixels blend exactly like an interior triangle did. */

void ui_band_free(mx_ui *ui) {
  int i;
  for (i = 0; i < UI_BAND_RING; i++) {
    if (ui->band_ring[i]) SDL_DestroyTexture(ui->band_ring[i]);
    ui->band_ring[i] = NULL;
  }
  ui->band_next = 0;
  ui->band_w = 0;
  ui->band_slot = 0;
  ui->band_ncp = 0;
  free(ui->band_cov);
  ui->band_cov = NULL;
  free(ui->band_px);
  ui->band_px = NULL;
  free(ui->band_cp);
  ui->band_cp = NULL;
  ui->band_cpcap = 0;
}

static SDL_Texture *band_texture(mx_ui *ui, int w) {
  SDL_Texture *t = SDL_CreateTexture(ui->r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, w,
                                     UI_BAND_SLOTS * UI_BAND_H);
  if (t) SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
  return t;
}

/* Send the filled slots (columns band_x0 .. band_x1-1 of their rows) to the
 * ring's next texture in one SDL_UpdateTexture (just that rectangle: Lock /
 * Unlock would send the whole texture in SDL's GLES2 renderer, the web
 * edition's), then queue the copies waiting on them, in the order the shapes
 * were drawn. */
static void band_send(mx_ui *ui) {
  SDL_Rect r;
  SDL_Texture *t;
  int i = ui->band_next, c;
  if (ui->band_slot == 0) return;
  r.x = ui->band_x0;
  r.y = 0;
  r.w = ui->band_x1 - ui->band_x0;
  r.h = ui->band_slot * UI_BAND_H;
  ui->band_slot = 0;
  if (!ui->band_ring[i]) ui->band_ring[i] = band_texture(ui, ui->band_w);
  if (!ui->band_ring[i]) i = 0; /* no more textures: the first (made by band_reserve) */
  t = ui->band_ring[i];
  ui->band_next = (i + 1) % UI_BAND_RING;
  if (r.w > 0 &&
      SDL_UpdateTexture(t, &r, ui->band_px + r.x, ui->band_w * (int)sizeof *ui->band_px) == 0)
    for (c = 0; c < ui->band_ncp; c++)
      SDL_RenderCopy(ui->r, t, &ui->band_cp[2 * c], &ui->band_cp[2 * c + 1]);
  ui->band_ncp = 0;
}

/* Make the band at least w pixels wide (sending what waits in it first); 0
 * or -1. */
static int band_reserve(mx_ui *ui, int w) {
  int bw;
  uint8_t *cov;
  uint32_t *px;
  if (w <= ui->band_w && ui->band_ring[0]) return 0;
  band_send(ui);
  bw = (w + 255) & ~255;
  if (bw < ui->band_w) bw = ui->band_w;
  ui_band_free(ui);
  cov = malloc((size_t)bw * UI_BAND_H);
  px = malloc((size_t)bw * UI_BAND_SLOTS * UI_BAND_H * sizeof *px);
  if (cov && px) ui->band_ring[0] = band_texture(ui, bw);
  if (!ui->band_ring[0]) {
    free(cov);
    free(px);
    return -1;
  }
  ui->band_cov = cov;
  ui->band_px = px;
  ui->band_w = bw;
  return 0;
}

/* The texels of the next free slot (UI_BAND_H rows of band_w), sending the
 * filled ones first when none is free; its number in *slot. */
static uint32_t *band_slot_take(mx_ui *ui, int *slot) {
  if (ui->band_slot == UI_BAND_SLOTS) band_send(ui);
  if (ui->band_slot == 0) {
    ui->band_x0 = ui->band_w;
    ui->band_x1 = 0;
  }
  *slot = ui->band_slot++;
  return ui->band_px + (size_t)*slot * UI_BAND_H * (size_t)ui->band_w;
}

/* The pixel rect a shape may touch, cut to the clip rect and the output;
 * 0 if empty. */
static int band_clip(mx_ui *ui, double x0, double y0, double x1, double y1, SDL_Rect *out) {
  SDL_Rect lim, clip;
  int ow, oh;
  double fx0, fy0, fx1, fy1;
  if (SDL_GetRendererOutputSize(ui->r, &ow, &oh) != 0) {
    ow = ui->w;
    oh = ui->h;
  }
  lim.x = 0;
  lim.y = 0;
  lim.w = ow;
  lim.h = oh;
  if (SDL_RenderIsClipEnabled(ui->r)) {
    SDL_RenderGetClipRect(ui->r, &clip);
    if (!SDL_IntersectRect(&lim, &clip, &lim)) return 0;
  }
  if (!(x0 <= x1) || !(y0 <= y1)) return 0;
  fx0 = floor(x0) > lim.x ? floor(x0) : lim.x;
  fy0 = floor(y0) > lim.y ? floor(y0) : lim.y;
  fx1 = ceil(x1) < lim.x + lim.w ? ceil(x1) : lim.x + lim.w;
  fy1 = ceil(y1) < lim.y + lim.h ? ceil(y1) : lim.y + lim.h;
  if (fx1 <= fx0 || fy1 <= fy0) return 0;
  out->x = (int)fx0;
  out->y = (int)fy0;
  out->w = (int)(fx1 - fx0);
  out->h = (int)(fy1 - fy0);
  return 1;
}

/* Queue copies of the touched tiles (runs of set flags) of slot's rows
 * 0 .. h-1, columns 0 .. w-1, to (x, y); band_send draws them. */
static void band_queue(mx_ui *ui, int slot, int x, int y, int w, int h, const uint8_t *touched,
                       int ntiles) {
  int t = 0;
  while (t < ntiles) {
    int u;
    SDL_Rect *cp;
    if (!touched[t]) {
      t++;
      continue;
    }
    for (u = t; u < ntiles && touched[u]; u++) {}
    if (ui->band_ncp == ui->band_cpcap) {
      int cap = ui->band_cpcap ? 2 * ui->band_cpcap : 64;
      SDL_Rect *m = realloc(ui->band_cp, (size_t)cap * 2 * sizeof *m);
      if (!m) return; /* out of memory: the rest of this shape is not drawn */
      ui->band_cp = m;
      ui->band_cpcap = cap;
    }
    cp = ui->band_cp + 2 * ui->band_ncp++;
    cp[0].x = t * UI_TILE;
    cp[0].y = slot * UI_BAND_H;
    cp[0].w = (u * UI_TILE < w ? u * UI_TILE : w) - cp[0].x;
    cp[0].h = h;
    cp[1].x = x + cp[0].x;
    cp[1].y = y;
    cp[1].w = cp[0].w;
    cp[1].h = h;
    if (cp[0].x < ui->band_x0) ui->band_x0 = cp[0].x;
    if (cp[0].x + cp[0].w > ui->band_x1) ui->band_x1 = cp[0].x + cp[0].w;
    t = u;
  }
}

static float clamp01(float v) { return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v; }

/* v cut to [lo, hi] as an int (NaN -> lo): pixel indices from far-off or
 * huge coordinates without an out-of-range conversion. */
static int clampi(double v, int lo, int hi) {
  if (!(v >= lo)) return lo;
  if (v > hi) return hi;
  return (int)v;
}

static uint32_t argb(mx_color c, uint32_t a) {
  return a << 24 | (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;
}

/* Filled ellipse {d : d^T S^-1 d <= k^2} around (cx, cy) with an outline of
 * width lw (line profile as mx_draw_line); 0, or -1 to use the triangle fan
 * (ellipses too thin for the distance estimate below). The distance of a pixel
 * centre to the boundary is estimated to first order, (q - k) q / |S^-1 d|
 * with q = sqrt(d^T S^-1 d); fill coverage clamp(1/2 - dist), outline
 * coverage clamp(h + 1 - |dist|), the outline composited over the fill. */
static int ellipse_raster(mx_ui *ui, float cx, float cy, double s00, double s01, double s11,
                          double k, mx_color fill, mx_color outline, float lw) {
  double det = s00 * s11 - s01 * s01, i00, i01, i11, lmin, smin, m, kout, kin, ry, rx;
  float h = 0.0f;
  SDL_Rect box;
  int by, ntiles;
  uint8_t touched[8192 / UI_TILE];
  uint32_t fill_px = argb(fill, fill.a);
  if (!(det > 0) || !(k > 0)) return -1;
  lmin = 0.5 * (s00 + s11) - sqrt(0.25 * (s00 - s11) * (s00 - s11) + s01 * s01);
  if (!(lmin > 0)) return -1;
  smin = sqrt(lmin);
  if (k * smin < 3.0 || !(k * sqrt(s00 > s11 ? s00 : s11) < 1e6)) return -1;
  if (outline.a) {
    if (lw < 1.0f) {
      outline.a = (uint8_t)(outline.a * (lw < 0.2f ? 0.2f : lw));
      lw = 1.0f;
    }
    h = lw * 0.5f - 0.25f;
    if (h < 0.25f) h = 0.25f;
  }
  m = (outline.a ? (double)h + 1.0 : 0.5) + 0.75; /* px from the boundary that can be touched */
  kout = k + m / smin;
  kin = k - m / smin;
  ry = kout * sqrt(s11);
  rx = kout * sqrt(s00);
  if (!band_clip(ui, cx - rx, cy - ry, cx + rx, cy + ry, &box)) return 0;
  if (box.w > 8192) return -1;
  if (band_reserve(ui, box.w) != 0) return -1;
  i00 = s11 / det;
  i01 = -s01 / det;
  i11 = s00 / det;
  ntiles = (box.w + UI_TILE - 1) / UI_TILE;
  for (by = box.y; by < box.y + box.h; by += UI_BAND_H) {
    int bh = box.y + box.h - by < UI_BAND_H ? box.y + box.h - by : UI_BAND_H, y, t, lo = box.w, hi = -1;
    int a0[UI_BAND_H], a1[UI_BAND_H], b0[UI_BAND_H], b1[UI_BAND_H], slot;
    uint32_t *px;
    /* row intervals: outer (may be touched) and inner (surely interior) */
    for (y = 0; y < bh; y++) {
      double dy = (double)(by + y) + 0.5 - cy, disc, xm = cx + s01 / s11 * dy, hw;
      a0[y] = 0;
      a1[y] = -1;
      b0[y] = 0;
      b1[y] = -1;
      disc = kout * kout * s11 - dy * dy;
      if (disc <= 0) continue;
      hw = sqrt(det * disc) / s11;
      a0[y] = clampi(floor(xm - hw - 0.5) - box.x, 0, box.w);
      a1[y] = clampi(ceil(xm + hw - 0.5) - box.x, -1, box.w - 1);
      if (a1[y] < a0[y]) continue;
      if (a0[y] < lo) lo = a0[y];
      if (a1[y] > hi) hi = a1[y];
      if (kin > 0) {
        disc = kin * kin * s11 - dy * dy;
        if (disc > 0) {
          hw = sqrt(det * disc) / s11;
          b0[y] = clampi(ceil(xm - hw - 0.5) - box.x, 0, box.w);
          b1[y] = clampi(floor(xm + hw - 0.5) - box.x, -1, box.w - 1);
        }
      }
    }
    if (hi < lo) continue;
    memset(touched, 0, (size_t)ntiles);
    for (t = lo / UI_TILE; t <= hi / UI_TILE; t++) touched[t] = 1;
    lo = lo / UI_TILE * UI_TILE;
    hi = (hi / UI_TILE + 1) * UI_TILE;
    if (hi > box.w) hi = box.w;
    px = band_slot_take(ui, &slot);
    for (y = 0; y < bh; y++) {
      uint32_t *row = px + (size_t)y * (size_t)ui->band_w;
      double dy = (double)(by + y) + 0.5 - cy;
      int x;
      for (x = lo; x < hi; x++) {
        uint32_t v = 0;
        if (x >= b0[y] && x <= b1[y]) {
          v = fill.a ? fill_px : 0;
        } else if (x >= a0[y] && x <= a1[y]) {
          double dx = (double)(box.x + x) + 0.5 - cx;
          double gx = i00 * dx + i01 * dy, gy = i01 * dx + i11 * dy;
          double q2 = dx * gx + dy * gy, gl = sqrt(gx * gx + gy * gy), q = sqrt(q2);
          float dist = gl > 1e-12 ? (float)((q - k) * q / gl) : -1e6f;
          float af = fill.a ? clamp01(0.5f - dist) * (float)fill.a / 255.0f : 0.0f;
          float ao = outline.a ? clamp01(h + 1.0f - fabsf(dist)) * (float)outline.a / 255.0f : 0.0f;
          if (ao <= 0.0f) {
            if (af >= (float)fill.a / 255.0f) v = fill_px;
            else if (af > 0.0f) v = argb(fill, (uint32_t)(af * 255.0f + 0.5f));
          } else if (af <= 0.0f || ao >= 1.0f) {
            v = argb(outline, (uint32_t)(ao * 255.0f + 0.5f));
          } else { /* outline over fill */
            float A = ao + af * (1.0f - ao), wo = ao / A, wf = 1.0f - wo;
            mx_color mix;
            mix.r = (uint8_t)(outline.r * wo + fill.r * wf + 0.5f);
            mix.g = (uint8_t)(outline.g * wo + fill.g * wf + 0.5f);
            mix.b = (uint8_t)(outline.b * wo + fill.b * wf + 0.5f);
            v = argb(mix, (uint32_t)(A * 255.0f + 0.5f));
          }
        }
        row[x] = v;
      }
    }
    band_queue(ui, slot, box.x, by, box.w, bh, touched, ntiles);
  }
  band_send(ui);
  return 0;
}

/* Polyline of width w (xy: (n, 2); non-finite points break it) in one pass:
 * per pixel the largest coverage of any segment, clamp(h + 1 - dist, 0, 1)
 * with h = w/2 - 1/4 (mx_draw_line's profile), round joins, flat ends with a
 * half-pixel ramp. 0, or -1 when the band is unavailable. */
static int polyline_raster(mx_ui *ui, const float *xy, int n, mx_color c, float w) {
  float h, D;
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  SDL_Rect box;
  int i, by, ntiles;
  uint8_t touched[8192 / UI_TILE];
  if (w < 1.0f) { /* hairline: fade alpha instead of thinning */
    c.a = (uint8_t)(c.a * (w < 0.2f ? 0.2f : w));
    w = 1.0f;
  }
  if (c.a == 0) return 0;
  h = w * 0.5f - 0.25f;
  if (h < 0.25f) h = 0.25f;
  D = h + 1.0f;
  for (i = 0; i < n; i++) {
    float x = xy[2 * i], y = xy[2 * i + 1];
    if (!isfinite(x) || !isfinite(y)) continue;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  if (!band_clip(ui, x0 - D - 1, y0 - D - 1, x1 + D + 1, y1 + D + 1, &box)) return 0;
  if (box.w > 8192) return -1;
  if (band_reserve(ui, box.w) != 0) return -1;
  ntiles = (box.w + UI_TILE - 1) / UI_TILE;
  for (by = box.y; by < box.y + box.h; by += UI_BAND_H) {
    int bh = box.y + box.h - by < UI_BAND_H ? box.y + box.h - by : UI_BAND_H, y, t, any = 0;
    uint8_t *cov = ui->band_cov;
    int cw = ui->band_w, slot;
    uint32_t *texel;
    memset(touched, 0, (size_t)ntiles);
    for (i = 0; i + 1 < n; i++) {
      float ax = xy[2 * i], ay = xy[2 * i + 1], bx = xy[2 * i + 2], bya = xy[2 * i + 3];
      float dx, dy, len, tx, ty, sx0, sx1, sy0, sy1;
      int cap0, cap1, ylo, yhi;
      if (!isfinite(ax) || !isfinite(ay) || !isfinite(bx) || !isfinite(bya)) continue;
      dx = bx - ax;
      dy = bya - ay;
      len = sqrtf(dx * dx + dy * dy);
      if (!(len >= 1e-6f) || !isfinite(len)) continue;
      tx = dx / len;
      ty = dy / len;
      /* flat ends where the polyline starts, stops or breaks */
      cap0 = i == 0 || !isfinite(xy[2 * i - 2]) || !isfinite(xy[2 * i - 1]);
      cap1 = i + 2 >= n || !isfinite(xy[2 * i + 4]) || !isfinite(xy[2 * i + 5]);
      sy0 = fminf(ay, bya) - D;
      sy1 = fmaxf(ay, bya) + D;
      sx0 = fminf(ax, bx) - D;
      sx1 = fmaxf(ax, bx) + D;
      ylo = clampi(floor(sy0 - 0.5) - by, 0, bh);
      yhi = clampi(ceil(sy1 - 0.5) - by, -1, bh - 1);
      for (y = ylo; y <= yhi; y++) {
        float py = (float)(by + y) + 0.5f, ex0 = sx0, ex1 = sx1;
        int xa, xb, x;
        uint8_t *crow;
        if (fabsf(dy) > 1e-6f) { /* the strip |cross| <= D at this row */
          float xl = ax + (py - ay) * dx / dy, half = D * len / fabsf(dy);
          if (xl - half > ex0) ex0 = xl - half;
          if (xl + half < ex1) ex1 = xl + half;
        }
        xa = clampi(floor(ex0 - 0.5) - box.x, 0, box.w);
        xb = clampi(ceil(ex1 - 0.5) - box.x, -1, box.w - 1);
        if (xb < xa) continue;
        /* clear tiles on first touch */
        for (t = xa / UI_TILE; t <= xb / UI_TILE; t++)
          if (!touched[t]) {
            int r2, tw = (t + 1) * UI_TILE > box.w ? box.w - t * UI_TILE : UI_TILE;
            for (r2 = 0; r2 < bh; r2++) memset(cov + (size_t)r2 * (size_t)cw + (size_t)(t * UI_TILE), 0, (size_t)tw);
            touched[t] = 1;
          }
        any = 1;
        crow = cov + (size_t)y * (size_t)cw;
        for (x = xa; x <= xb; x++) {
          float px = (float)(box.x + x) + 0.5f, rx = px - ax, ry = py - ay;
          float u = rx * tx + ry * ty, d = fabsf(rx * ty - ry * tx), f = 1.0f, cv;
          uint8_t b;
          if (u < 0.0f) {
            if (cap0) f = clamp01(0.5f + u);
            else d = sqrtf(rx * rx + ry * ry);
          } else if (u > len) {
            if (cap1) f = clamp01(0.5f + len - u);
            else {
              float qx = px - bx, qy = py - bya;
              d = sqrtf(qx * qx + qy * qy);
            }
          }
          cv = clamp01(D - d) * f;
          b = (uint8_t)(cv * 255.0f + 0.5f);
          if (b > crow[x]) crow[x] = b;
        }
      }
    }
    if (!any) continue;
    texel = band_slot_take(ui, &slot);
    for (t = 0; t < ntiles; t++) {
      int tx0 = t * UI_TILE, tx1 = tx0 + UI_TILE > box.w ? box.w : tx0 + UI_TILE;
      if (!touched[t]) continue;
      for (y = 0; y < bh; y++) {
        uint32_t *row = texel + (size_t)y * (size_t)cw;
        const uint8_t *crow = cov + (size_t)y * (size_t)cw;
        int x;
        for (x = tx0; x < tx1; x++) {
          uint32_t b = crow[x];
          row[x] = b ? argb(c, (b * c.a + 127u) / 255u) : 0u;
        }
      }
    }
    band_queue(ui, slot, box.x, by, box.w, bh, touched, ntiles);
  }
  if (!ui->band_batch) band_send(ui);
  return 0;
}

/* ---------------------------------------------------------------- primitives */

void mx_draw_round_rect(mx_ui *ui, mx_rect r, float radius, mx_color c) {
  ui_fill_round_rect(ui, r, radius, c);
}

void mx_draw_rect(mx_ui *ui, mx_rect r, mx_color c) {
  SDL_Rect s;
  if (r.w <= 0 || r.h <= 0 || c.a == 0) return;
  s.x = r.x;
  s.y = r.y;
  s.w = r.w;
  s.h = r.h;
  /* opaque fills skip per-pixel blending (much faster in the software renderer) */
  SDL_SetRenderDrawBlendMode(ui->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
  SDL_SetRenderDrawColor(ui->r, c.r, c.g, c.b, c.a);
  SDL_RenderFillRect(ui->r, &s);
}

void mx_draw_rect_outline(mx_ui *ui, mx_rect r, mx_color c, int t) {
  if (t < 1) t = 1;
  if (r.w <= 0 || r.h <= 0) return;
  if (2 * t >= r.w || 2 * t >= r.h) {
    mx_draw_rect(ui, r, c);
    return;
  }
  mx_draw_rect(ui, (mx_rect){r.x, r.y, r.w, t}, c);
  mx_draw_rect(ui, (mx_rect){r.x, r.y + r.h - t, r.w, t}, c);
  mx_draw_rect(ui, (mx_rect){r.x, r.y + t, t, r.h - 2 * t}, c);
  mx_draw_rect(ui, (mx_rect){r.x + r.w - t, r.y + t, t, r.h - 2 * t}, c);
}

/* The line as a feathered quad (triangles): the fallback of mx_draw_line. */
static void line_geo(mx_ui *ui, float x0, float y0, float x1, float y1, mx_color c, float width) {
  float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
  float nx, ny, h, f = 0.5f;
  mx_color clear = col_alpha(c, 0);
  SDL_Vertex *v;
  int *ix, i;
  static const int quad[6] = {0, 1, 2, 0, 2, 3};
  if (len < 1e-6f || c.a == 0 || !isfinite(len)) return;
  if (width < 1.0f) { /* hairline: fade alpha instead of thinning */
    c.a = (uint8_t)(c.a * (width < 0.2f ? 0.2f : width));
    width = 1.0f;
  }
  if (geo_reserve(ui, 8, 18) != 0) return;
  nx = -dy / len;
  ny = dx / len;
  h = width * 0.5f - f * 0.5f;
  if (h < 0.25f) h = 0.25f;
  v = ui->vtx;
  ix = ui->idx;
  /* core quad 0..3, feather outer edges 4..7 */
  vset(&v[0], x0 + nx * h, y0 + ny * h, c);
  vset(&v[1], x1 + nx * h, y1 + ny * h, c);
  vset(&v[2], x1 - nx * h, y1 - ny * h, c);
  vset(&v[3], x0 - nx * h, y0 - ny * h, c);
  vset(&v[4], x0 + nx * (h + f * 2), y0 + ny * (h + f * 2), clear);
  vset(&v[5], x1 + nx * (h + f * 2), y1 + ny * (h + f * 2), clear);
  vset(&v[6], x1 - nx * (h + f * 2), y1 - ny * (h + f * 2), clear);
  vset(&v[7], x0 - nx * (h + f * 2), y0 - ny * (h + f * 2), clear);
  for (i = 0; i < 6; i++) *ix++ = quad[i];
  /* side strips: 4-5-1-0 and 3-2-6-7 */
  *ix++ = 4; *ix++ = 5; *ix++ = 1;
  *ix++ = 4; *ix++ = 1; *ix++ = 0;
  *ix++ = 3; *ix++ = 2; *ix++ = 6;
  *ix++ = 3; *ix++ = 6; *ix++ = 7;
  geo_draw(ui, 8, 18);
}

void mx_draw_line(mx_ui *ui, float x0, float y0, float x1, float y1, mx_color c, float width) {
  float xy[4];
  float dx = x1 - x0, dy = y1 - y0;
  if (c.a == 0 || !isfinite(dx) || !isfinite(dy) || dx * dx + dy * dy < 1e-12f) return;
  width = mx_ui_line_width(ui, width);
  xy[0] = x0;
  xy[1] = y0;
  xy[2] = x1;
  xy[3] = y1;
  if (polyline_raster(ui, xy, 2, c, width) != 0) {
    band_send(ui); /* lines of mx_draw_segments before this one go first */
    line_geo(ui, x0, y0, x1, y1, c, width);
  }
}

void mx_draw_segments(mx_ui *ui, const mx_segment *seg, int n) {
  int i;
  ui->band_batch = 1;
  for (i = 0; i < n; i++)
    mx_draw_line(ui, seg[i].x0, seg[i].y0, seg[i].x1, seg[i].y1, seg[i].c, seg[i].width);
  ui->band_batch = 0;
  band_send(ui);
}

void mx_draw_dashes(mx_ui *ui, float x0, float y0, float x1, float y1, float dash, float step,
                    mx_color c, float width) {
  mx_segment seg[64];
  int n = 0, vert = x1 == x0 && y1 != y0;
  float t, end = vert ? y1 : x1;
  if (!(step > 0.0f) || !(dash > 0.0f)) return;
  for (t = vert ? y0 : x0; t < end; t += step) {
    float e = fminf(t + dash, end);
    seg[n].x0 = vert ? x0 : t;
    seg[n].y0 = vert ? t : y0;
    seg[n].x1 = vert ? x0 : e;
    seg[n].y1 = vert ? e : y0;
    seg[n].width = width;
    seg[n].c = c;
    if (++n == 64) {
      mx_draw_segments(ui, seg, n);
      n = 0;
    }
  }
  mx_draw_segments(ui, seg, n);
}

static void circle_geo(mx_ui *ui, float cx, float cy, float radius, mx_color c);

void mx_draw_polyline(mx_ui *ui, const float *xy, int n, mx_color c, float width) {
  int i;
  if (!xy || n < 2 || c.a == 0) return;
  width = mx_ui_line_width(ui, width);
  if (polyline_raster(ui, xy, n, c, width) == 0) return;
  for (i = 0; i + 1 < n; i++) {
    if (!isfinite(xy[2 * i]) || !isfinite(xy[2 * i + 1]) || !isfinite(xy[2 * i + 2]) ||
        !isfinite(xy[2 * i + 3]))
      continue;
    line_geo(ui, xy[2 * i], xy[2 * i + 1], xy[2 * i + 2], xy[2 * i + 3], c, width);
    /* round joins for thick, opaque lines */
    if (width >= 3.0f && i + 2 < n && c.a == 255)
      mx_draw_circle(ui, xy[2 * i + 2], xy[2 * i + 3], width * 0.5f - 0.25f, c);
  }
}

/* The disc as a feathered triangle fan: the fallback of mx_draw_circle. */
static void circle_geo(mx_ui *ui, float cx, float cy, float radius, mx_color c) {
  float pts[2 * 160];
  int i, n;
  n = circle_segments(radius);
  for (i = 0; i < n; i++) {
    float a = 2.0f * (float)M_PI * (float)i / (float)n;
    pts[2 * i] = cx + radius * cosf(a);
    pts[2 * i + 1] = cy + radius * sinf(a);
  }
  fill_convex_aa(ui, pts, n, c);
}

void mx_draw_circle(mx_ui *ui, float cx, float cy, float radius, mx_color c) {
  if (!(radius > 0) || !isfinite(cx) || !isfinite(cy) || c.a == 0) return;
  if (sprite_disc(ui, cx, cy, radius, c) != 0) circle_geo(ui, cx, cy, radius, c);
}

void mx_draw_circles(mx_ui *ui, const float *xy, int n, float radius, const mx_color *cols,
                     mx_color c) {
  int i, rq, ph;
  ui_sprite *s = NULL;
  mx_color last = {0, 0, 0, 0};
  if (!xy || n <= 0 || !(radius > 0)) return;
  if (!(radius <= UI_SPR_RMAX)) {
    for (i = 0; i < n; i++) mx_draw_circle(ui, xy[2 * i], xy[2 * i + 1], radius, cols ? cols[i] : c);
    return;
  }
  rq = (int)lroundf(radius * 16.0f);
  if (rq < 1) rq = 1;
  ph = sprite_phases(radius);
  for (i = 0; i < n; i++) {
    mx_color ci = cols ? cols[i] : c;
    float x = xy[2 * i], y = xy[2 * i + 1];
    if (ci.a == 0 || !isfinite(x) || !isfinite(y)) continue;
    if (!s || memcmp(&ci, &last, sizeof ci) != 0) {
      s = sprite_get(ui, rq, ph, ci);
      last = ci;
    }
    if (s && fabsf(x) <= 1e6f && fabsf(y) <= 1e6f) sprite_blit(ui, s, x, y);
    else mx_draw_circle(ui, x, y, radius, ci);
  }
}

void mx_draw_ellipse(mx_ui *ui, float cx, float cy, double s00, double s01, double s11,
                     double k, mx_color fill, mx_color outline) {
  /* Cholesky S = L L^T; boundary points c + k L (cos t, sin t). */
  double a, b, d, rmax;
  float pts[2 * 161];
  int i, n;
  if (!(s00 > 0) || !isfinite(s00) || !isfinite(s01) || !isfinite(s11)) return;
  a = sqrt(s00);
  b = s01 / a;
  d = s11 - b * b;
  if (!(d > 0)) return;
  d = sqrt(d);
  if ((fill.a || outline.a) &&
      ellipse_raster(ui, cx, cy, s00, s01, s11, k, fill, outline,
                     mx_ui_line_width(ui, 2.0f * ui->scale)) == 0)
    return;
  rmax = k * sqrt(s00 > s11 ? s00 : s11);
  n = circle_segments((float)(rmax > 400 ? 400 : rmax));
  for (i = 0; i < n; i++) {
    double t = 2.0 * M_PI * i / n, u = cos(t), w = sin(t);
    pts[2 * i] = cx + (float)(k * a * u);
    pts[2 * i + 1] = cy + (float)(k * (b * u + d * w));
  }
  if (fill.a) fill_convex_aa(ui, pts, n, fill);
  if (outline.a) {
    pts[2 * n] = pts[0];
    pts[2 * n + 1] = pts[1];
    mx_draw_polyline(ui, pts, n + 1, outline, 2.0f * ui->scale);
  }
}

/* ---------------------------------------------------------------- images */

/* (Re)create *slot as a w x h streaming texture of the given format; 1 if new. */
static int slot_ensure(mx_ui *ui, SDL_Texture **slot, int w, int h, Uint32 fmt, SDL_BlendMode bm) {
  int tw, th;
  Uint32 f;
  if (*slot && SDL_QueryTexture(*slot, &f, NULL, &tw, &th) == 0 && tw == w && th == h && f == fmt)
    return 0;
  if (*slot) SDL_DestroyTexture(*slot);
  *slot = SDL_CreateTexture(ui->r, fmt, SDL_TEXTUREACCESS_STREAMING, w, h);
  if (!*slot) return -1;
  SDL_SetTextureBlendMode(*slot, bm);
  SDL_SetTextureScaleMode(*slot, SDL_ScaleModeNearest);
  return 1;
}

static void slot_blit(mx_ui *ui, SDL_Texture *t, mx_rect dst) {
  SDL_Rect d;
  d.x = dst.x;
  d.y = dst.y;
  d.w = dst.w;
  d.h = dst.h;
  SDL_RenderCopy(ui->r, t, NULL, &d);
}

void mx_draw_gray(mx_ui *ui, SDL_Texture **slot, int dirty, mx_rect dst, const uint8_t *pix,
                  int w, int h) {
  int fresh, x, y, pitch;
  void *mem;
  if (!slot || w <= 0 || h <= 0) return;
  /* grey is opaque and has equal R, G, B: ARGB8888 (the software target's own
   * format) holds the same bits as ABGR8888 and needs no blending */
  fresh = slot_ensure(ui, slot, w, h, SDL_PIXELFORMAT_ARGB8888, SDL_BLENDMODE_NONE);
  if (fresh < 0) return;
  if ((fresh || dirty) && pix && SDL_LockTexture(*slot, NULL, &mem, &pitch) == 0) {
    for (y = 0; y < h; y++) {
      uint32_t *row = (uint32_t *)((uint8_t *)mem + (size_t)y * (size_t)pitch);
      const uint8_t *src = pix + (size_t)y * (size_t)w;
      for (x = 0; x < w; x++) {
        uint8_t *p = (uint8_t *)&row[x];
        p[0] = p[1] = p[2] = src[x];
        p[3] = 255;
      }
    }
    SDL_UnlockTexture(*slot);
  }
  slot_blit(ui, *slot, dst);
}

void mx_draw_rgba(mx_ui *ui, SDL_Texture **slot, int dirty, mx_rect dst, const uint32_t *rgba,
                  int w, int h) {
  int fresh, y, pitch;
  void *mem;
  if (!slot || w <= 0 || h <= 0) return;
  fresh = slot_ensure(ui, slot, w, h, SDL_PIXELFORMAT_ABGR8888, SDL_BLENDMODE_BLEND);
  if (fresh < 0) return;
  if ((fresh || dirty) && rgba && SDL_LockTexture(*slot, NULL, &mem, &pitch) == 0) {
    for (y = 0; y < h; y++)
      memcpy((uint8_t *)mem + (size_t)y * (size_t)pitch, rgba + (size_t)y * (size_t)w,
             (size_t)w * 4);
    SDL_UnlockTexture(*slot);
  }
  slot_blit(ui, *slot, dst);
}

void mx_texture_free(SDL_Texture **slot) {
  if (slot && *slot) {
    SDL_DestroyTexture(*slot);
    *slot = NULL;
  }
}

/* ---------------------------------------------------------------- colour maps */

/* matplotlib's viridis, magma and RdBu_r sampled at 33 evenly spaced points
 * (matplotlib.colormaps[name](np.linspace(0, 1, 33)) * 255, rounded). */
static const uint8_t cmap_viridis[33][3] = {
  {68, 1, 84},    {71, 13, 96},   {72, 24, 106},  {72, 35, 116},  {71, 45, 123},
  {69, 55, 129},  {66, 64, 134},  {62, 73, 137},  {59, 82, 139},  {55, 91, 141},
  {51, 99, 141},  {47, 107, 142}, {44, 114, 142}, {41, 122, 142}, {38, 130, 142},
  {35, 137, 142}, {33, 145, 140}, {31, 152, 139}, {31, 160, 136}, {34, 167, 133},
  {40, 174, 128}, {50, 182, 122}, {63, 188, 115}, {78, 195, 107}, {94, 201, 98},
  {112, 207, 87}, {132, 212, 75}, {152, 216, 62}, {173, 220, 48}, {194, 223, 35},
  {216, 226, 25}, {236, 229, 27}, {253, 231, 37}};
static const uint8_t cmap_magma[33][3] = {
  {0, 0, 4},       {3, 3, 18},      {10, 8, 34},     {19, 13, 52},    {29, 17, 71},
  {41, 17, 90},    {54, 16, 107},   {68, 15, 118},   {81, 18, 124},   {93, 23, 127},
  {106, 28, 129},  {118, 33, 129},  {131, 38, 129},  {144, 42, 129},  {156, 46, 127},
  {170, 51, 125},  {183, 55, 121},  {196, 60, 117},  {208, 65, 111},  {220, 72, 105},
  {231, 82, 99},   {239, 93, 94},   {245, 107, 92},  {249, 121, 93},  {252, 137, 97},
  {253, 152, 105}, {254, 167, 114}, {254, 182, 124}, {254, 196, 136}, {254, 211, 149},
  {253, 226, 163}, {252, 240, 178}, {252, 253, 191}};
static const uint8_t cmap_rdbu[33][3] = {
  {5, 48, 97},     {14, 65, 121},   {23, 82, 144},   {31, 99, 168},   {42, 113, 178},
  {52, 128, 185},  {63, 142, 192},  {82, 157, 200},  {107, 172, 209}, {132, 188, 217},
  {155, 201, 224}, {174, 211, 230}, {194, 221, 236}, {212, 230, 241}, {224, 236, 243},
  {236, 242, 245}, {247, 246, 246}, {249, 238, 231}, {251, 229, 216}, {253, 220, 201},
  {251, 204, 180}, {248, 187, 158}, {245, 170, 137}, {238, 150, 119}, {228, 128, 102},
  {219, 107, 85},  {208, 85, 72},   {197, 62, 61},   {186, 40, 50},   {171, 22, 42},
  {147, 14, 38},   {124, 7, 34},    {103, 0, 31}};

/* lround for 0 <= x < 2^31, without the libm call (heatmaps map every cell):
 * the fraction x - (int)x is exact, halves round up as lround does. */
static uint8_t round_u8(double x) {
  int i = (int)x;
  return (uint8_t)(x - (double)i >= 0.5 ? i + 1 : i);
}

mx_color mx_cmap(int cmap, double v, double lo, double hi) {
  mx_color c = {255, 0, 255, 255};
  double t, f;
  int i;
  const uint8_t(*tab)[3];
  if (isnan(v) || isnan(lo) || isnan(hi)) return c;
  if (hi > lo) t = (v - lo) / (hi - lo);
  else t = v > lo ? 1.0 : v < lo ? 0.0 : 0.5;
  if (!(t > 0)) t = 0;
  if (t > 1) t = 1;
  if (cmap == MX_CMAP_GREY) {
    c.r = c.g = c.b = round_u8(t * 255.0);
    return c;
  }
  tab = cmap == MX_CMAP_MAGMA ? cmap_magma : cmap == MX_CMAP_DIVERGING ? cmap_rdbu : cmap_viridis;
  f = t * 32.0;
  i = (int)f;
  if (i >= 32) i = 31;
  f -= i;
  c.r = round_u8(tab[i][0] + (tab[i + 1][0] - tab[i][0]) * f);
  c.g = round_u8(tab[i][1] + (tab[i + 1][1] - tab[i][1]) * f);
  c.b = round_u8(tab[i][2] + (tab[i + 1][2] - tab[i][2]) * f);
  return c;
}

void mx_draw_colorbar(mx_ui *ui, mx_rect r, int cmap, double lo, double hi, const char *fmt) {
  int y, bw, lh = mx_line_height(ui, MX_FONT_SMALL);
  mx_rect bar;
  char buf[64];
  const mx_theme *th = &ui->theme;
  double vals[3];
  int k;
  if (r.w <= 0 || r.h <= 2 * lh / 2) return;
  if (!fmt) fmt = "%.3g";
  bw = mx_ui_px(ui, 18);
  if (bw > r.w) bw = r.w;
  bar.x = r.x;
  bar.y = r.y + lh / 2;
  bar.w = bw;
  bar.h = r.h - lh;
  for (y = 0; y < bar.h; y++) {
    double t = 1.0 - (y + 0.5) / bar.h;
    mx_draw_rect(ui, (mx_rect){bar.x, bar.y + y, bar.w, 1}, mx_cmap(cmap, t, 0.0, 1.0));
  }
  mx_draw_rect_outline(ui, bar, th->border, 1);
  vals[0] = hi;
  vals[1] = 0.5 * (lo + hi);
  vals[2] = lo;
  for (k = 0; k < 3; k++) {
    int ty = bar.y + (int)lround(bar.h * k / 2.0);
    mx_draw_rect(ui, (mx_rect){bar.x + bar.w, ty, mx_ui_px(ui, 5), 1}, th->text_dim);
    /* labels a line apart at least: the middle one goes first, then lo (hi stays) */
    if ((k == 1 && bar.h < 2 * lh) || (k == 2 && bar.h < lh)) continue;
    fmt_value(buf, sizeof buf, fmt, vals[k]);
    mx_text(ui, bar.x + bar.w + mx_ui_px(ui, 8), ty - lh / 2, MX_FONT_SMALL, th->text_dim, "%s",
            buf);
  }
}
