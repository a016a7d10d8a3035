/* mixscope — the UI kit: layout faults, measured by the code that draws (see
 * ui.h, "Layout faults").
 *
 * While recording, ui_text.c hands every text it draws to ui_layout_text with
 * the place it lands, and mx_panel hands its rect to ui_layout_panel. A text is
 * measured by its ink: the box of the pixels of its rendered surface with
 * alpha >= LAY_INK_ALPHA (the texture rect has blank margins above the capitals
 * and beside the glyphs; two lines set at the line height do not touch). Cuts
 * (box, clip rect, window) are found when the text is drawn, panel crossings
 * and overlaps when the faults are asked for. */
#include "ui_private.h"

#define LAY_TEXT 128     /* bytes of a text kept for the report */
#define LAY_INK_ALPHA 48 /* a pixel is ink from this alpha on (of 255) */

typedef struct lay_text {
  char s[LAY_TEXT];
  mx_rect ink;   /* as laid out */
  mx_rect vis;   /* the part that shows: ink cut by its box, the clip rect, the window */
  int layer;
} lay_text;

typedef struct lay_panel {
  mx_rect r;
  int layer;
} lay_panel;

typedef struct lay_cut {
  int text;      /* index into t; -1: a widget's label, in own */
  const char *why;
  mx_rect box;
  lay_text own;  /* text -1: the label and the line it needs */
} lay_cut;

struct ui_layout {
  lay_text *t;
  int nt, ct;
  lay_panel *p;
  int np, cp;
  lay_cut *c;
  int nc, cc;
  int layer;
  mx_layout_fault *f;
  int nf, cf;
};

/* ---------------------------------------------------------------- rects */

static mx_rect rect_and(mx_rect a, mx_rect b) {
  mx_rect o;
  int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
  int y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
  o.x = a.x > b.x ? a.x : b.x;
  o.y = a.y > b.y ? a.y : b.y;
  o.w = x1 > o.x ? x1 - o.x : 0;
  o.h = y1 > o.y ? y1 - o.y : 0;
  return o;
}

static int rect_inside(mx_rect outer, mx_rect in) {
  return in.x >= outer.x && in.y >= outer.y && in.x + in.w <= outer.x + outer.w &&
         in.y + in.h <= outer.y + outer.h;
}

static int rect_meet(mx_rect a, mx_rect b) {
  mx_rect o = rect_and(a, b);
  return o.w > 0 && o.h > 0;
}

/* Grow an array of n used / *cap slots of size sz to hold one more; 0 or -1. */
static int grow(void **arr, int n, int *cap, size_t sz) {
  void *p;
  int nc;
  if (n < *cap) return 0;
  nc = *cap ? *cap * 2 : 256;
  p = realloc(*arr, (size_t)nc * sz);
  if (!p) return -1;
  *arr = p;
  *cap = nc;
  return 0;
}

/* ---------------------------------------------------------------- recording */

void ui_layout_ink(ui_text *t, SDL_Surface *surf) {
  int x, y, x0 = surf->w, y0 = surf->h, x1 = -1, y1 = -1;
  SDL_Surface *s = surf;
  t->ink = 1;
  t->ink_box = (mx_rect){0, 0, 0, 0};
  if (surf->format->format != SDL_PIXELFORMAT_ARGB8888)
    s = SDL_ConvertSurfaceFormat(surf, SDL_PIXELFORMAT_ARGB8888, 0);
  if (!s) return;
  if (SDL_MUSTLOCK(s)) SDL_LockSurface(s);
  for (y = 0; y < s->h; y++) {
    const uint32_t *row = (const uint32_t *)((const uint8_t *)s->pixels + (size_t)y * s->pitch);
    for (x = 0; x < s->w; x++)
      if ((row[x] >> 24) >= LAY_INK_ALPHA) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
  }
  if (SDL_MUSTLOCK(s)) SDL_UnlockSurface(s);
  if (s != surf) SDL_FreeSurface(s);
  if (x1 >= x0) t->ink_box = (mx_rect){x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

/* The ink of t drawn at (x, y), turned -90 degrees about the texture centre if rot. */
static mx_rect ink_at(const ui_text *t, int x, int y, int rot) {
  const mx_rect *ib = &t->ink_box;
  float cx, cy, u0, u1, v0, v1;
  mx_rect o;
  if (!rot) return (mx_rect){x + ib->x, y + ib->y, ib->w, ib->h};
  /* a point (u, v) from the centre goes to (v, -u): the start of the text at the bottom */
  cx = (float)x + (float)t->w * 0.5f;
  cy = (float)y + (float)t->h * 0.5f;
  u0 = (float)ib->x - (float)t->w * 0.5f;
  u1 = u0 + (float)ib->w;
  v0 = (float)ib->y - (float)t->h * 0.5f;
  v1 = v0 + (float)ib->h;
  o.x = (int)floorf(cx + v0);
  o.y = (int)floorf(cy - u1);
  o.w = (int)ceilf(cx + v1) - o.x;
  o.h = (int)ceilf(cy - u0) - o.y;
  return o;
}

/* The clip rect cr with its top (bottom) edge taken away where it is the top
 * (bottom) edge of an open scroll region: a text cut there is reached by
 * scrolling, not a fault. */
static mx_rect scrolled_clip(const mx_ui *ui, mx_rect cr) {
  int i, n = ui->nscroll < UI_SCROLL_MAX ? ui->nscroll : UI_SCROLL_MAX;
  int y0 = cr.y, y1 = cr.y + cr.h;
  for (i = 0; i < n; i++) {
    const mx_rect *r = &ui->scroll[i].r;
    if (cr.y == r->y) y0 = -MX_SCROLL_ROOM;
    if (cr.y + cr.h == r->y + r->h) y1 = 2 * MX_SCROLL_ROOM;
  }
  cr.y = y0;
  cr.h = y1 - y0;
  return cr;
}

static void add_cut(struct ui_layout *L, int text, const char *why, mx_rect box) {
  if (grow((void **)&L->c, L->nc, &L->cc, sizeof *L->c)) return;
  L->c[L->nc].text = text;
  L->c[L->nc].why = why;
  L->c[L->nc].box = box;
  L->nc++;
}

void ui_layout_text(mx_ui *ui, const ui_text *t, int x, int y, const mx_rect *box, int rot) {
  struct ui_layout *L = ui->lay;
  lay_text *e;
  const char *why = NULL;
  mx_rect cut = {0, 0, 0, 0}, win = {0, 0, ui->w, ui->h};
  if (!L || !t->ink || t->ink_box.w <= 0) return;
  if (grow((void **)&L->t, L->nt, &L->ct, sizeof *L->t)) return;
  e = &L->t[L->nt];
  snprintf(e->s, sizeof e->s, "%s", t->s);
  e->layer = L->layer;
  e->ink = e->vis = ink_at(t, x, y, rot);
  if (box) { /* the box limits the text across; it is centred on the box's height */
    mx_rect across = {box->x, e->ink.y, box->w, e->ink.h};
    if (!rect_inside(across, e->vis)) {
      why = "wider than its box";
      cut = *box;
    }
    e->vis = rect_and(e->vis, across);
  }
  if (SDL_RenderIsClipEnabled(ui->r)) {
    SDL_Rect c;
    mx_rect cr;
    SDL_RenderGetClipRect(ui->r, &c);
    cr = (mx_rect){c.x, c.y, c.w, c.h};
    if (!why && !rect_inside(scrolled_clip(ui, cr), e->vis)) {
      why = "cut by the clip rect";
      cut = cr;
    }
    e->vis = rect_and(e->vis, cr);
  }
  if (!why && !rect_inside(win, e->vis)) {
    why = "outside the window";
    cut = win;
  }
  e->vis = rect_and(e->vis, win);
  if (why) add_cut(L, L->nt, why, cut);
  L->nt++;
}

void ui_layout_widget(mx_ui *ui, const char *label, mx_rect r, int font) {
  struct ui_layout *L = ui->lay;
  int lh = mx_line_height(ui, font);
  lay_cut *c;
  if (!L || !label || !*label || r.h >= lh) return;
  add_cut(L, -1, "box shorter than its text", r);
  if (L->nc == 0 || L->c[L->nc - 1].text != -1) return; /* out of memory */
  c = &L->c[L->nc - 1];
  snprintf(c->own.s, sizeof c->own.s, "%s", label);
  c->own.ink = c->own.vis = (mx_rect){r.x, r.y + (r.h - lh) / 2, r.w, lh};
  c->own.layer = L->layer;
}

void ui_layout_panel(mx_ui *ui, mx_rect r) {
  struct ui_layout *L = ui->lay;
  if (!L || grow((void **)&L->p, L->np, &L->cp, sizeof *L->p)) return;
  L->p[L->np].r = r;
  L->p[L->np].layer = L->layer;
  L->np++;
}

void ui_layout_frame_start(mx_ui *ui) {
  struct ui_layout *L = ui->lay;
  L->nt = L->np = L->nc = L->nf = 0;
  L->layer = 0;
}

void ui_layout_free(mx_ui *ui) {
  struct ui_layout *L = ui->lay;
  if (!L) return;
  free(L->t);
  free(L->p);
  free(L->c);
  free(L->f);
  free(L);
  ui->lay = NULL;
}

void mx_ui_layout_record(mx_ui *ui, int on) {
  if (!on) {
    ui_layout_free(ui);
    return;
  }
  if (!ui->lay) ui->lay = calloc(1, sizeof *ui->lay);
}

void mx_ui_layout_layer(mx_ui *ui) {
  if (ui->lay) ui->lay->layer++;
}

/* ---------------------------------------------------------------- faults */

static void add_fault(struct ui_layout *L, int kind, const lay_text *a, const lay_text *b,
                      const char *why, mx_rect box) {
  mx_layout_fault *f;
  if (grow((void **)&L->f, L->nf, &L->cf, sizeof *L->f)) return;
  f = &L->f[L->nf++];
  f->kind = kind;
  f->text = a->s;
  f->other = b ? b->s : NULL;
  f->why = why;
  f->rect = a->ink;
  f->box = b ? b->ink : box;
}

/* Two ink boxes on one row (they share a pixel row) that do not overlap but
 * stand closer than 2 px x scale side by side ("0.100.100.10"). */
static int touching(mx_rect a, mx_rect b, float scale) {
  int gap;
  if (a.w <= 0 || a.h <= 0 || b.w <= 0 || b.h <= 0) return 0;
  if (a.y >= b.y + b.h || b.y >= a.y + a.h) return 0;
  gap = a.x < b.x ? b.x - (a.x + a.w) : a.x - (b.x + b.w);
  return gap >= 0 && (float)gap < 2.0f * scale;
}

/* The first panel of its layer that the shown part of text i crosses, or -1. */
static int crossed_panel(const struct ui_layout *L, int i) {
  const lay_text *e = &L->t[i];
  int k;
  for (k = 0; k < L->np; k++)
    if (L->p[k].layer == e->layer && rect_meet(e->vis, L->p[k].r) && !rect_inside(L->p[k].r, e->vis))
      return k;
  return -1;
}

const mx_layout_fault *mx_ui_layout_faults(mx_ui *ui, int *n) {
  struct ui_layout *L = ui->lay;
  int i, j, k;
  if (!L) {
    *n = 0;
    return NULL;
  }
  L->nf = 0;
  for (i = 0; i < L->nc; i++)
    add_fault(L, MX_LAYOUT_CLIPPED, L->c[i].text < 0 ? &L->c[i].own : &L->t[L->c[i].text], NULL,
              L->c[i].why, L->c[i].box);
  for (i = 0, j = 0; i < L->nt; i++) {
    while (j < L->nc && L->c[j].text < i) j++;
    if (j < L->nc && L->c[j].text == i) continue; /* one fault per text */
    if ((k = crossed_panel(L, i)) >= 0)
      add_fault(L, MX_LAYOUT_CLIPPED, &L->t[i], NULL, "crosses a panel edge", L->p[k].r);
  }
  for (i = 0; i < L->nt; i++)
    for (j = i + 1; j < L->nt; j++) {
      const lay_text *a = &L->t[i], *b = &L->t[j];
      const char *why;
      if (a->layer != b->layer) continue;
      if (rect_meet(a->vis, b->vis)) why = "overlap";
      else if (touching(a->vis, b->vis, ui->scale)) why = "touching";
      else continue;
      if (!strcmp(a->s, b->s) && !memcmp(&a->ink, &b->ink, sizeof a->ink)) continue; /* drawn twice */
      add_fault(L, MX_LAYOUT_OVERLAP, a, b, why, b->ink);
    }
  *n = L->nf;
  return L->f;
}

int mx_ui_layout_shown(mx_ui *ui, const char *needle, mx_rect *ink) {
  struct ui_layout *L = ui->lay;
  int i, j, found = 0;
  if (!L || !needle) return 0;
  for (i = 0; i < L->nt; i++) {
    int cut = 0;
    if (!strstr(L->t[i].s, needle)) continue;
    for (j = 0; j < L->nc && !cut; j++) cut = L->c[j].text == i;
    if (!cut) cut = crossed_panel(L, i) >= 0;
    if (ink && (!found || cut)) *ink = L->t[i].ink;
    if (cut) return -1;
    found = 1;
  }
  return found;
}
