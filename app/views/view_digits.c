/* mixscope — the digits view: a pageable grid of real MNIST digits (train or
 * test), filtered by label, raw grey or binarized at a threshold (the notes'
 * 1.*(X/255. > t), via mx_binarize), with one digit shown large.
 *
 * The page's digits are packed into one opaque grey atlas texture (cols*28 x
 * rows*28), re-uploaded only when the page, filter, split, threshold or layout
 * changes, and copied cell by cell (nearest-neighbour, integer zoom).
 *
 * Sections: lifecycle · events · drawing · set / scenes · accessors. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"
#include "view_digits.h"

#define DG_MAX_SHOWN 1024   /* cells on one page at most */
#define DG_MIN_CELLS 40     /* the largest zoom that still shows this many */
#define DG_NUDGE 0.05       /* [ and ] threshold step */

typedef struct digits {
  const mx_mnist *m;
  /* the state a scene captures */
  int split;          /* 0 train, 1 test */
  int label;          /* -1 all, else 0..9 */
  int page;           /* 0-based; clamped at draw */
  int binarize;       /* 0 raw grey, 1 binarized */
  double threshold;   /* in [0, 1]: lit if pix/255 > threshold */
  long selected;      /* index into the split, -1 none */
  long hover;         /* digit under the mouse in the last frame, -1 none */
  /* the filtered list */
  size_t *idx;        /* (max(train.n, test.n)) indices into the split with the label */
  size_t nidx;
  int filter_dirty;
  size_t count[2][10]; /* digits per label per split */
  /* layout of the last frame */
  int cols, rows, per_page, zoom, pitch_x, pitch_y, cell_w, cell_h;
  mx_rect grid;
  size_t shown[DG_MAX_SHOWN];
  int nshown;
  /* textures */
  uint32_t *mosaic;   /* (mh, mw) atlas, opaque grey (same bits in ARGB and ABGR) */
  size_t mosaic_cap;
  int mw, mh;
  int mosaic_dirty, big_dirty;
  long big_for;       /* selection the big images were built for */
  SDL_Texture *tex_mosaic, *tex_big, *tex_bin;
  uint8_t *bin;       /* (d) scratch for mx_binarize */
  uint8_t *bigbin;    /* (d) the selected digit binarized, 0/255 */
} digits;

static const mx_images *dg_images(const digits *d) { return d->split ? &d->m->test : &d->m->train; }

static void dg_refilter(digits *d) {
  const mx_images *im = dg_images(d);
  size_t i, n = 0;
  for (i = 0; i < im->n; i++)
    if (d->label < 0 || im->labels[i] == d->label) d->idx[n++] = i;
  d->nidx = n;
  d->filter_dirty = 0;
  d->mosaic_dirty = 1;
}

static int dg_npages(const digits *d) {
  if (d->per_page <= 0) return 1;
  return d->nidx == 0 ? 1 : (int)((d->nidx + (size_t)d->per_page - 1) / (size_t)d->per_page);
}

static void dg_set_page(digits *d, int page) {
  if (page < 0) page = 0;
  if (d->per_page > 0 && page > dg_npages(d) - 1) page = dg_npages(d) - 1;
  if (page != d->page) d->mosaic_dirty = 1;
  d->page = page;
}

static void dg_set_label(digits *d, int label) {
  if (label == d->label) return;
  d->label = label;
  d->page = 0;
  d->filter_dirty = 1;
}

static void dg_set_split(digits *d, int split) {
  if (split == d->split) return;
  d->split = split;
  d->page = 0;
  d->selected = -1;
  d->filter_dirty = 1;
}

static void dg_set_binarize(digits *d, int on) {
  on = on != 0;
  if (on != d->binarize) d->mosaic_dirty = d->big_dirty = 1;
  d->binarize = on;
}

static void dg_set_threshold(digits *d, double t) {
  if (t < 0) t = 0;
  if (t > 1) t = 1;
  t = round(t * 1e6) / 1e6; /* keep nudged values like 0.55 exact in scenes */
  if (t != d->threshold) {
    d->threshold = t;
    d->mosaic_dirty = d->big_dirty = 1;
  }
}

/* ------------------------------------------------------------------ lifecycle */

static void dg_destroy(void *state) {
  digits *d = state;
  if (!d) return;
  mx_texture_free(&d->tex_mosaic);
  mx_texture_free(&d->tex_big);
  mx_texture_free(&d->tex_bin);
  free(d->idx);
  free(d->mosaic);
  free(d->bin);
  free(d->bigbin);
  free(d);
}

static void *dg_create(mx_app *app, mx_error *err) {
  const mx_mnist *m = mx_app_mnist(app, err);
  digits *d;
  size_t nmax, i;
  if (!m) return NULL;
  if (m->train.n == 0 || m->test.n == 0 || m->train.d == 0) {
    mx_error_set(err, MX_EEMPTY, "%s: the dataset has no images", m->dir);
    return NULL;
  }
  d = calloc(1, sizeof *d);
  if (!d) {
    mx_error_set(err, MX_ENOMEM, "digits view: out of memory");
    return NULL;
  }
  d->m = m;
  d->label = -1;
  d->threshold = 0.5;
  d->selected = -1;
  d->hover = -1;
  d->big_for = -2;
  nmax = m->train.n > m->test.n ? m->train.n : m->test.n;
  d->idx = malloc(nmax * sizeof *d->idx);
  d->bin = malloc(m->train.d);
  d->bigbin = malloc(m->train.d);
  if (!d->idx || !d->bin || !d->bigbin) {
    dg_destroy(d);
    mx_error_set(err, MX_ENOMEM, "digits view: out of memory");
    return NULL;
  }
  for (i = 0; i < m->train.n; i++) d->count[0][m->train.labels[i] % 10]++;
  for (i = 0; i < m->test.n; i++) d->count[1][m->test.labels[i] % 10]++;
  d->filter_dirty = 1;
  d->mosaic_dirty = 1;
  return d;
}

/* ------------------------------------------------------------------ events */

static int dg_event(void *state, mx_app *app, const SDL_Event *ev) {
  digits *d = state;
  SDL_Keycode k;
  (void)app;
  if (ev->type != SDL_KEYDOWN) return 0;
  if (ev->key.keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)) return 0;
  k = ev->key.keysym.sym;
  if (k >= SDLK_0 && k <= SDLK_9) {
    dg_set_label(d, (int)(k - SDLK_0));
    return 1;
  }
  if (k >= SDLK_KP_1 && k <= SDLK_KP_9) {
    dg_set_label(d, (int)(k - SDLK_KP_1) + 1);
    return 1;
  }
  switch (k) {
  case SDLK_KP_0: dg_set_label(d, 0); return 1;
  case SDLK_a:
  case SDLK_BACKSPACE: dg_set_label(d, -1); return 1;
  case SDLK_LEFT: dg_set_page(d, d->page - 1); return 1;
  case SDLK_RIGHT: dg_set_page(d, d->page + 1); return 1;
  case SDLK_UP: dg_set_page(d, d->page - 10); return 1;
  case SDLK_DOWN: dg_set_page(d, d->page + 10); return 1;
  case SDLK_HOME: dg_set_page(d, 0); return 1;
  case SDLK_END: dg_set_page(d, d->per_page > 0 ? dg_npages(d) - 1 : d->page); return 1;
  case SDLK_t:
    if (ev->key.repeat) return 1;
    dg_set_split(d, !d->split);
    return 1;
  case SDLK_b:
    if (ev->key.repeat) return 1;
    dg_set_binarize(d, !d->binarize);
    return 1;
  case SDLK_LEFTBRACKET:
    dg_set_threshold(d, d->threshold - DG_NUDGE);
    dg_set_binarize(d, 1);
    return 1;
  case SDLK_RIGHTBRACKET:
    dg_set_threshold(d, d->threshold + DG_NUDGE);
    dg_set_binarize(d, 1);
    return 1;
  case SDLK_ESCAPE:
    if (d->selected < 0) return 0;
    d->selected = -1;
    return 1;
  default:
    return 0;
  }
}

/* ------------------------------------------------------------------ drawing */

static void dg_fmt_count(char *buf, size_t n, size_t v) {
  char tmp[32];
  int len, i, o = 0;
  snprintf(tmp, sizeof tmp, "%zu", v);
  len = (int)strlen(tmp);
  for (i = 0; i < len && o + 2 < (int)n; i++) {
    if (i > 0 && (len - i) % 3 == 0) buf[o++] = ',';
    buf[o++] = tmp[i];
  }
  buf[o] = '\0';
}

/* Choose zoom / columns / rows for the grid rect. */
static void dg_layout(digits *d, mx_ui *ui, mx_rect g) {
  const mx_images *im = dg_images(d);
  int R = (int)im->rows, C = (int)im->cols, s, lab = mx_line_height(ui, MX_FONT_SMALL);
  int gapx = mx_ui_px(ui, 10), gapy = mx_ui_px(ui, 6);
  int cols = 1, rows = 1, zoom = 1;
  for (s = 8; s >= 1; s--) {
    int pw = C * s + gapx, ph = R * s + lab + gapy;
    cols = (g.w + gapx) / pw;
    rows = (g.h + gapy) / ph;
    if (cols < 1) cols = 1;
    if (rows < 1) rows = 1;
    zoom = s;
    if (cols * rows >= DG_MIN_CELLS) break;
  }
  while (cols * rows > DG_MAX_SHOWN) rows--;
  /* spread the spare room into the gaps (up to 3x), so the grid fills its rect */
  {
    int px = C * zoom + gapx, py = R * zoom + lab + gapy;
    if (cols > 1) {
      int gx = (g.w - cols * C * zoom) / (cols - 1);
      px = C * zoom + (gx < gapx ? gapx : gx > 3 * gapx ? 3 * gapx : gx);
    }
    if (rows > 1) {
      int gy = (g.h - rows * (R * zoom + lab)) / (rows - 1);
      py = R * zoom + lab + (gy < gapy ? gapy : gy > 3 * gapy ? 3 * gapy : gy);
    }
    if (cols != d->cols || rows != d->rows || zoom != d->zoom || px != d->pitch_x ||
        py != d->pitch_y)
      d->mosaic_dirty = 1;
    d->pitch_x = px;
    d->pitch_y = py;
  }
  d->cols = cols;
  d->rows = rows;
  d->zoom = zoom;
  d->per_page = cols * rows;
  d->cell_w = C * zoom;
  d->cell_h = R * zoom;
  d->grid = g;
}

/* Fill the atlas for the current page: digit k at (k % cols, k / cols) * (C, R). */
static void dg_build_mosaic(digits *d) {
  const mx_images *im = dg_images(d);
  int R = (int)im->rows, C = (int)im->cols, k, mw = d->cols * C, mh = d->rows * R;
  size_t first = (size_t)d->page * (size_t)d->per_page, need = (size_t)mw * (size_t)mh, j;
  if (need > d->mosaic_cap) {
    uint32_t *p = realloc(d->mosaic, need * sizeof *p);
    if (!p) return;
    d->mosaic = p;
    d->mosaic_cap = need;
  }
  d->mw = mw;
  d->mh = mh;
  for (j = 0; j < need; j++) d->mosaic[j] = 0xFF000000u;
  d->nshown = 0;
  for (k = 0; k < d->per_page && first + (size_t)k < d->nidx; k++) {
    size_t i = d->idx[first + (size_t)k];
    const uint8_t *pix = im->pix + i * im->d;
    int x0 = (k % d->cols) * C, y0 = (k / d->cols) * R, x, y;
    if (d->binarize) mx_binarize(pix, im->d, d->threshold, d->bin);
    for (y = 0; y < R; y++) {
      uint32_t *row = d->mosaic + (size_t)(y0 + y) * (size_t)mw + (size_t)x0;
      for (x = 0; x < C; x++) {
        uint32_t v = d->binarize ? (d->bin[y * C + x] ? 255u : 0u) : pix[y * C + x];
        row[x] = v | v << 8 | v << 16 | 0xFF000000u;
      }
    }
    d->shown[d->nshown++] = i;
  }
}

/* Screen rect of cell k. */
static mx_rect dg_cell_rect(const digits *d, int k) {
  mx_rect r;
  r.x = d->grid.x + (k % d->cols) * d->pitch_x;
  r.y = d->grid.y + (k / d->cols) * d->pitch_y;
  r.w = d->cell_w;
  r.h = d->cell_h;
  return r;
}

/* Upload the atlas if rebuilt and copy each shown cell to its place. */
static void dg_draw_cells(digits *d, mx_ui *ui, int rebuilt) {
  SDL_Renderer *ren = mx_ui_renderer(ui);
  const mx_images *im = dg_images(d);
  int k, tw = 0, th = 0;
  if (d->tex_mosaic) SDL_QueryTexture(d->tex_mosaic, NULL, NULL, &tw, &th);
  if (!d->tex_mosaic || tw != d->mw || th != d->mh) {
    mx_texture_free(&d->tex_mosaic);
    d->tex_mosaic = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC,
                                      d->mw, d->mh);
    if (!d->tex_mosaic) return;
    SDL_SetTextureBlendMode(d->tex_mosaic, SDL_BLENDMODE_NONE);
    SDL_SetTextureScaleMode(d->tex_mosaic, SDL_ScaleModeNearest);
    rebuilt = 1;
  }
  if (rebuilt) SDL_UpdateTexture(d->tex_mosaic, NULL, d->mosaic, d->mw * 4);
  for (k = 0; k < d->nshown; k++) {
    mx_rect c = dg_cell_rect(d, k);
    SDL_Rect src, dst;
    src.x = (k % d->cols) * (int)im->cols;
    src.y = (k / d->cols) * (int)im->rows;
    src.w = (int)im->cols;
    src.h = (int)im->rows;
    dst.x = c.x;
    dst.y = c.y;
    dst.w = c.w;
    dst.h = c.h;
    SDL_RenderCopy(ren, d->tex_mosaic, &src, &dst);
  }
}

static void dg_draw_big(digits *d, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  const mx_images *im = dg_images(d);
  int R = (int)im->rows, C = (int)im->cols, lhL = mx_line_height(ui, MX_FONT_TITLE);
  int lh = mx_line_height(ui, MX_FONT_BODY), side, gap = mx_ui_px(ui, 12);
  char buf[160], num[32];
  mx_rect img;
  const uint8_t *pix;
  int fresh, preview = 0;
  long show = d->selected;
  if (show < 0 || (size_t)show >= im->n) { /* nothing selected: preview the hovered digit */
    show = d->hover;
    preview = 1;
  }
  if (show < 0 || (size_t)show >= im->n) {
    mx_text_in(ui, (mx_rect){r.x, r.y, r.w, lh}, MX_FONT_BODY, MX_ALIGN_LEFT, th->text_dim,
               "Click a digit to see it large.");
    mx_text_in(ui, (mx_rect){r.x, r.y + lh + mx_ui_px(ui, 4), r.w, lh}, MX_FONT_BODY,
               MX_ALIGN_LEFT, th->text_dim, "Hover to preview; Esc clears.");
    return;
  }
  pix = im->pix + (size_t)show * im->d;
  fresh = d->big_for != show || d->big_dirty;
  if (fresh) {
    size_t j;
    mx_binarize(pix, im->d, d->threshold, d->bigbin);
    for (j = 0; j < im->d; j++) d->bigbin[j] = d->bigbin[j] ? 255 : 0;
  }
  /* caption: the label big, the index small */
  mx_text(ui, r.x, r.y, MX_FONT_TITLE, preview ? th->text : th->accent, "%d", im->labels[show]);
  dg_fmt_count(num, sizeof num, (size_t)show);
  snprintf(buf, sizeof buf, "%s digit #%s%s", d->split ? "test" : "train", num,
           preview ? "  (hover)" : "");
  {
    int tw;
    mx_text_size(ui, MX_FONT_TITLE, "0", &tw, NULL);
    mx_text_in(ui, (mx_rect){r.x + tw + mx_ui_px(ui, 10), r.y, r.w - tw, lhL}, MX_FONT_BODY,
               MX_ALIGN_LEFT, th->text_dim, buf);
  }
  mx_rect_cut_top(&r, lhL + mx_ui_px(ui, 6));
  if (d->binarize) {
    side = (r.w - gap) / 2;
    if (side > r.h - lh) side = r.h - lh;
    side = side / C * C; /* integer zoom keeps pixels square and crisp */
    if (side < C) side = C;
    img = (mx_rect){r.x, r.y, side, side * R / C};
    mx_draw_gray(ui, &d->tex_big, fresh, img, pix, C, R);
    mx_draw_rect_outline(ui, mx_rect_inset(img, -1), th->border, 1);
    mx_text_in(ui, (mx_rect){img.x, img.y + img.h + 2, img.w, lh}, MX_FONT_SMALL, MX_ALIGN_CENTER,
               th->text_dim, "raw grey");
    img.x += side + gap;
    mx_draw_gray(ui, &d->tex_bin, fresh, img, d->bigbin, C, R);
    mx_draw_rect_outline(ui, mx_rect_inset(img, -1), th->border, 1);
    snprintf(buf, sizeof buf, "x/255 > %.2f", d->threshold);
    mx_text_in(ui, (mx_rect){img.x, img.y + img.h + 2, img.w, lh}, MX_FONT_SMALL, MX_ALIGN_CENTER,
               th->text_dim, buf);
  } else {
    side = r.w < r.h ? r.w : r.h;
    side = side / C * C;
    if (side < C) side = C;
    img = (mx_rect){r.x + (r.w - side) / 2, r.y, side, side * R / C};
    mx_draw_gray(ui, &d->tex_big, fresh, img, pix, C, R);
    mx_draw_rect_outline(ui, mx_rect_inset(img, -1), th->border, 1);
  }
  d->big_for = show;
  d->big_dirty = 0;
}

static void dg_draw_side(digits *d, mx_app *app, mx_ui *ui, mx_rect r) {
  const mx_theme *th = mx_ui_theme(ui);
  int bh = mx_ui_px(ui, 38), gap = mx_ui_px(ui, 8), lh = mx_line_height(ui, MX_FONT_BODY);
  int i, half;
  char a[32], b[32], buf[96];
  mx_rect c = mx_panel(ui, r, "MNIST digits"), row;
  (void)app;
  /* split */
  row = mx_rect_cut_top(&c, bh);
  half = (row.w - gap) / 2;
  dg_fmt_count(a, sizeof a, d->m->train.n);
  dg_fmt_count(b, sizeof b, d->m->test.n);
  snprintf(buf, sizeof buf, "Train  %s", a);
  if (mx_button_on(ui, mx_rect_cut_left(&row, half), buf, d->split == 0)) dg_set_split(d, 0);
  mx_rect_cut_left(&row, gap);
  snprintf(buf, sizeof buf, "Test  %s", b);
  if (mx_button_on(ui, row, buf, d->split == 1)) dg_set_split(d, 1);
  mx_rect_cut_top(&c, gap * 2);
  /* label filter */
  mx_text_in(ui, mx_rect_cut_top(&c, lh), MX_FONT_BODY, MX_ALIGN_LEFT, th->text_dim,
             "Show label  (keys 0-9, A)");
  mx_rect_cut_top(&c, gap / 2);
  for (i = -1; i < 10; i++) {
    int slot = i + 1, colw = (c.w - 5 * gap) / 6;
    mx_rect br;
    if (slot == 0 || slot == 6) {
      row = mx_rect_cut_top(&c, bh);
      mx_rect_cut_top(&c, gap);
    }
    br = (mx_rect){row.x + (slot % 6) * (colw + gap), row.y, colw, bh};
    if (i < 0) snprintf(buf, sizeof buf, "All");
    else snprintf(buf, sizeof buf, "%d", i);
    if (mx_button_on(ui, br, buf, d->label == i)) dg_set_label(d, i);
    if (i >= 0) {
      char tip[96];
      dg_fmt_count(a, sizeof a, d->count[d->split][i]);
      snprintf(tip, sizeof tip, "%s %s digits labelled %d", a, d->split ? "test" : "train", i);
      mx_tooltip(ui, br, tip);
    }
  }
  mx_rect_cut_top(&c, gap);
  /* binarize */
  if (mx_toggle(ui, mx_rect_cut_top(&c, bh), "Binarize  (B)", &d->binarize))
    d->mosaic_dirty = d->big_dirty = 1;
  mx_rect_cut_top(&c, gap / 2);
  {
    double t = d->threshold;
    if (mx_slider(ui, mx_rect_cut_top(&c, lh * 2 + mx_ui_px(ui, 4)), "Threshold  [ ]", &t, 0.0, 1.0,
                  "%.2f", 0)) {
      dg_set_threshold(d, t);
      dg_set_binarize(d, 1);
    }
  }
  mx_rect_cut_top(&c, gap * 2);
  mx_draw_rect(ui, (mx_rect){c.x, c.y, c.w, 1}, th->border);
  mx_rect_cut_top(&c, gap * 2);
  dg_draw_big(d, ui, c);
}

static void dg_draw(void *state, mx_app *app, mx_ui *ui, mx_rect area) {
  digits *d = state;
  const mx_theme *th = mx_ui_theme(ui);
  const mx_images *im = dg_images(d);
  int pad = mx_ui_px(ui, 16), lh = mx_line_height(ui, MX_FONT_BODY), k, hover = -1;
  int sidew = mx_ui_px(ui, 380), rebuilt = 0, hc = th->bg.r + th->bg.g + th->bg.b == 0;
  mx_rect r = mx_rect_inset(area, pad), side, head, g, pager;
  char a[32], b[32], buf[200];
  size_t first, last;

  if (d->filter_dirty) dg_refilter(d);
  if (sidew > r.w / 2) sidew = r.w / 2;
  side = mx_rect_cut_right(&r, sidew);
  mx_rect_cut_right(&r, pad);
  dg_draw_side(d, app, ui, side);
  if (d->filter_dirty) dg_refilter(d); /* a button in the side panel changed it */
  im = dg_images(d);

  /* header: what is shown; pager at the bottom */
  head = mx_rect_cut_top(&r, lh + mx_ui_px(ui, 8));
  pager = mx_rect_cut_bottom(&r, mx_ui_px(ui, 40));
  mx_rect_cut_bottom(&r, mx_ui_px(ui, 6));
  g = r;
  dg_layout(d, ui, g);
  dg_set_page(d, d->page);

  /* mouse: wheel pages, click selects */
  if (mx_ui_hover(ui, g) && mx_ui_wheel(ui)) dg_set_page(d, d->page - mx_ui_wheel(ui));
  if (d->mosaic_dirty) {
    dg_build_mosaic(d);
    rebuilt = 1;
  }

  dg_fmt_count(a, sizeof a, d->nidx);
  if (d->label < 0)
    snprintf(buf, sizeof buf, "%s set  ·  all labels  ·  %s digits", d->split ? "Test" : "Training", a);
  else
    snprintf(buf, sizeof buf, "%s set  ·  label %d  ·  %s digits", d->split ? "Test" : "Training",
             d->label, a);
  {
    const char *mode = d->binarize ? "binarized" : "raw grey levels";
    int mw;
    mx_rect right;
    mx_text_size(ui, MX_FONT_BODY, mode, &mw, NULL);
    right = mx_rect_cut_right(&head, mw);
    mx_rect_cut_right(&head, mx_ui_px(ui, 12));
    mx_text_in(ui, right, MX_FONT_BODY, MX_ALIGN_RIGHT, d->binarize ? th->accent : th->text_dim, mode);
    mx_text_in_parts(ui, head, MX_FONT_LARGE, MX_ALIGN_LEFT, th->text, buf);
  }

  if (d->nshown > 0)
    dg_draw_cells(d, ui, rebuilt);
  else
    mx_text_in(ui, g, MX_FONT_LARGE, MX_ALIGN_CENTER, th->text_dim, "No digits with this label.");
  d->mosaic_dirty = 0;
  for (k = 0; k < d->nshown; k++) {
    mx_rect cr = dg_cell_rect(d, k);
    mx_rect lr = {cr.x, cr.y + cr.h, cr.w, mx_line_height(ui, MX_FONT_SMALL)};
    size_t i = d->shown[k];
    char lab[8];
    snprintf(lab, sizeof lab, "%d", im->labels[i]);
    if (hc) /* black digits on a black page need a frame */
      mx_draw_rect_outline(ui, mx_rect_inset(cr, -1), (mx_color){110, 110, 110, 255}, 1);
    if ((long)i == d->selected) {
      mx_draw_rect_outline(ui, mx_rect_inset(cr, -mx_ui_px(ui, 3)), th->accent, mx_ui_px(ui, 3));
      mx_text_in(ui, lr, MX_FONT_SMALL, MX_ALIGN_CENTER, th->accent, lab);
    } else {
      mx_text_in(ui, lr, MX_FONT_SMALL, MX_ALIGN_CENTER, th->text_dim, lab);
    }
    if (mx_ui_hover(ui, cr)) hover = k;
  }
  d->hover = hover >= 0 ? (long)d->shown[hover] : -1;
  if (hover >= 0) {
    mx_rect cr = dg_cell_rect(d, hover);
    char tip[96];
    size_t i = d->shown[hover];
    if ((long)i != d->selected)
      mx_draw_rect_outline(ui, mx_rect_inset(cr, -mx_ui_px(ui, 2)), th->text, mx_ui_px(ui, 2));
    dg_fmt_count(a, sizeof a, i);
    snprintf(tip, sizeof tip, "%s #%s  ·  label %d", d->split ? "test" : "train", a, im->labels[i]);
    mx_tooltip(ui, cr, tip);
    if (mx_ui_clicked(ui, cr, 1)) {
      d->selected = (long)i;
      d->big_dirty = 1;
    }
  }

  /* pager */
  {
    int bw = mx_ui_px(ui, 120);
    mx_rect p = pager;
    if (mx_button(ui, mx_rect_cut_left(&p, bw), "<  Prev")) dg_set_page(d, d->page - 1);
    mx_rect_cut_left(&p, mx_ui_px(ui, 10));
    if (mx_button(ui, mx_rect_cut_left(&p, bw), "Next  >")) dg_set_page(d, d->page + 1);
    mx_rect_cut_left(&p, mx_ui_px(ui, 18));
    first = (size_t)d->page * (size_t)d->per_page;
    last = first + (size_t)d->nshown;
    dg_fmt_count(a, sizeof a, (size_t)d->page + 1);
    dg_fmt_count(b, sizeof b, (size_t)dg_npages(d));
    {
      char f[32], l[32], n[32];
      dg_fmt_count(f, sizeof f, d->nshown ? first + 1 : 0);
      dg_fmt_count(l, sizeof l, last);
      dg_fmt_count(n, sizeof n, d->nidx);
      snprintf(buf, sizeof buf, "Page %s of %s   ·   digits %s-%s of %s", a, b, f, l, n);
    }
    mx_text_in_parts(ui, p, MX_FONT_BODY, MX_ALIGN_LEFT, th->text, buf);
  }
}

/* ------------------------------------------------------------------ set / scenes */

static int dg_parse_bool(const char *s, int *out) {
  if (!strcmp(s, "1") || !strcmp(s, "true") || !strcmp(s, "on") || !strcmp(s, "yes")) *out = 1;
  else if (!strcmp(s, "0") || !strcmp(s, "false") || !strcmp(s, "off") || !strcmp(s, "no")) *out = 0;
  else return -1;
  return 0;
}

static int dg_set(void *state, mx_app *app, const char *key, const char *value, mx_error *err) {
  digits *d = state;
  long v;
  (void)app;
  if (!strcmp(key, "split")) {
    if (!strcmp(value, "train")) dg_set_split(d, 0);
    else if (!strcmp(value, "test")) dg_set_split(d, 1);
    else return mx_error_set(err, MX_EINVAL, "digits: split must be 'train' or 'test', not '%s'", value);
    return 0;
  }
  if (!strcmp(key, "label")) {
    if (!strcmp(value, "all") || !strcmp(value, "-1")) dg_set_label(d, -1);
    else if (mx_view_parse_long(value, 0, 9, &v) == 0) dg_set_label(d, (int)v);
    else return mx_error_set(err, MX_EINVAL, "digits: label must be 0-9 or 'all', not '%s'", value);
    return 0;
  }
  if (!strcmp(key, "page")) {
    if (mx_view_parse_long(value, 0, 10000000, &v) != 0)
      return mx_error_set(err, MX_EINVAL, "digits: page must be an integer >= 0, not '%s'", value);
    d->page = (int)v;
    d->mosaic_dirty = 1;
    return 0;
  }
  if (!strcmp(key, "binarize")) {
    int b;
    if (dg_parse_bool(value, &b) != 0)
      return mx_error_set(err, MX_EINVAL, "digits: binarize must be 0 or 1, not '%s'", value);
    dg_set_binarize(d, b);
    return 0;
  }
  if (!strcmp(key, "threshold")) {
    double t;
    if (mx_view_parse_double(value, 0, 1, MX_VIEW_CLOSED, &t))
      return mx_error_set(err, MX_EINVAL, "digits: threshold must be a number in [0, 1], not '%s'",
                          value);
    dg_set_threshold(d, t);
    return 0;
  }
  if (!strcmp(key, "selected")) {
    const mx_images *im = dg_images(d);
    if (!strcmp(value, "none") || !strcmp(value, "-1")) d->selected = -1;
    else if (mx_view_parse_long(value, 0, (long)im->n - 1, &v) == 0) d->selected = v;
    else
      return mx_error_set(err, MX_EINVAL, "digits: selected must be an index 0-%zu of the %s set or "
                          "'none', not '%s'", im->n - 1, d->split ? "test" : "train", value);
    d->big_dirty = 1;
    return 0;
  }
  return mx_error_set(err, MX_EINVAL, "digits: unknown option '%s' (options: split, label, page, "
                      "binarize, threshold, selected)", key);
}

static cJSON *dg_save(void *state, mx_app *app) {
  digits *d = state;
  cJSON *o = cJSON_CreateObject();
  (void)app;
  if (!o) return NULL;
  cJSON_AddStringToObject(o, "split", d->split ? "test" : "train");
  if (d->label < 0) cJSON_AddStringToObject(o, "label", "all");
  else cJSON_AddNumberToObject(o, "label", d->label);
  cJSON_AddNumberToObject(o, "page", d->page);
  cJSON_AddBoolToObject(o, "binarize", d->binarize);
  cJSON_AddNumberToObject(o, "threshold", d->threshold);
  cJSON_AddNumberToObject(o, "selected", (double)d->selected);
  return o;
}

/* Validate everything first; only then apply (load leaves the state unchanged on error). */
static int dg_load(void *state, mx_app *app, const cJSON *json, mx_error *err) {
  digits *d = state;
  const cJSON *f;
  int split = d->split, label = d->label, page = d->page, bin = d->binarize;
  double thr = d->threshold;
  long sel = d->selected;
  const mx_images *im;
  (void)app;
  if (!cJSON_IsObject(json)) return mx_error_set(err, MX_EPARSE, "digits: state must be an object");
  if ((f = cJSON_GetObjectItemCaseSensitive(json, "split"))) {
    if (cJSON_IsString(f) && !strcmp(f->valuestring, "train")) split = 0;
    else if (cJSON_IsString(f) && !strcmp(f->valuestring, "test")) split = 1;
    else return mx_error_set(err, MX_EPARSE, "digits: field \"split\" must be \"train\" or \"test\"");
  }
  if ((f = cJSON_GetObjectItemCaseSensitive(json, "label"))) {
    if (cJSON_IsString(f) && !strcmp(f->valuestring, "all")) label = -1;
    else if (cJSON_IsNumber(f) && f->valuedouble == floor(f->valuedouble) && f->valuedouble >= -1 &&
             f->valuedouble <= 9)
      label = (int)f->valuedouble;
    else return mx_error_set(err, MX_EPARSE, "digits: field \"label\" must be 0-9 or \"all\"");
  }
  if ((f = cJSON_GetObjectItemCaseSensitive(json, "page"))) {
    if (!cJSON_IsNumber(f) || f->valuedouble != floor(f->valuedouble) || f->valuedouble < 0 ||
        f->valuedouble > 1e7)
      return mx_error_set(err, MX_EPARSE, "digits: field \"page\" must be an integer >= 0");
    page = (int)f->valuedouble;
  }
  if ((f = cJSON_GetObjectItemCaseSensitive(json, "binarize"))) {
    if (cJSON_IsBool(f)) bin = cJSON_IsTrue(f);
    else if (cJSON_IsNumber(f) && (f->valuedouble == 0 || f->valuedouble == 1)) bin = f->valuedouble != 0;
    else return mx_error_set(err, MX_EPARSE, "digits: field \"binarize\" must be true or false");
  }
  if ((f = cJSON_GetObjectItemCaseSensitive(json, "threshold"))) {
    if (!cJSON_IsNumber(f) || !isfinite(f->valuedouble) || f->valuedouble < 0 || f->valuedouble > 1)
      return mx_error_set(err, MX_EPARSE, "digits: field \"threshold\" must be a number in [0, 1]");
    thr = f->valuedouble;
  }
  im = split ? &d->m->test : &d->m->train;
  if ((f = cJSON_GetObjectItemCaseSensitive(json, "selected"))) {
    if (!cJSON_IsNumber(f) || f->valuedouble != floor(f->valuedouble) || f->valuedouble < -1 ||
        f->valuedouble >= (double)im->n)
      return mx_error_set(err, MX_EPARSE, "digits: field \"selected\" must be -1 or an index 0-%zu "
                          "of the %s set", im->n - 1, split ? "test" : "train");
    sel = (long)f->valuedouble;
  } else if (split != d->split) {
    sel = -1;
  }
  if (split != d->split || label != d->label) d->filter_dirty = 1;
  d->split = split;
  d->label = label;
  d->page = page;
  d->binarize = bin;
  d->threshold = thr;
  d->selected = sel;
  d->mosaic_dirty = d->big_dirty = 1;
  return 0;
}

/* ------------------------------------------------------------------ accessors */

int mx_digits_shown(const void *state, size_t *out, int max) {
  const digits *d = state;
  int k;
  if (!d) return 0;
  for (k = 0; k < d->nshown && k < max; k++) out[k] = d->shown[k];
  return d->nshown;
}

int mx_digits_cell(const void *state, int k, mx_rect *r) {
  const digits *d = state;
  if (!d || k < 0 || k >= d->nshown) return -1;
  *r = dg_cell_rect(d, k);
  return 0;
}

int mx_digits_per_page(const void *state) {
  const digits *d = state;
  return d ? d->per_page : 0;
}

const mx_view mx_view_digits = {
  "digits", "Digits", dg_create, dg_destroy, dg_event, NULL, dg_draw,
  dg_set, dg_save, dg_load};
