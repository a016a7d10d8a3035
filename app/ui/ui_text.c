/* mixscope — the UI kit: text and its texture cache (see ui.h). */
#include "ui_private.h"

/* ---------------------------------------------------------------- text */

static void lru_unlink(mx_ui *ui, ui_text *t) {
  if (t->lru_prev) t->lru_prev->lru_next = t->lru_next;
  else ui->lru_head = t->lru_next;
  if (t->lru_next) t->lru_next->lru_prev = t->lru_prev;
  else ui->lru_tail = t->lru_prev;
  t->lru_prev = t->lru_next = NULL;
}

static void lru_push_front(mx_ui *ui, ui_text *t) {
  t->lru_prev = NULL;
  t->lru_next = ui->lru_head;
  if (ui->lru_head) ui->lru_head->lru_prev = t;
  ui->lru_head = t;
  if (!ui->lru_tail) ui->lru_tail = t;
}

static void text_evict_one(mx_ui *ui) {
  ui_text *t = ui->lru_tail, **pp;
  if (!t) return;
  lru_unlink(ui, t);
  for (pp = &ui->bucket[t->hash & (UI_TEXT_BUCKETS - 1)]; *pp; pp = &(*pp)->next_bucket)
    if (*pp == t) {
      *pp = t->next_bucket;
      break;
    }
  if (t->tex) SDL_DestroyTexture(t->tex);
  free(t->s);
  free(t);
  ui->ntext--;
}

/* A text cached before layout recording began: render it again to measure its ink. */
static void text_measure_ink(mx_ui *ui, ui_text *t) {
  SDL_Surface *surf = TTF_RenderUTF8_Blended(ui->font[t->font], t->s, sdl_col(t->col));
  if (!surf) return;
  ui_layout_ink(t, surf);
  SDL_FreeSurface(surf);
}

/* The cached texture for s in (font, colour); NULL for an empty string. */
static ui_text *text_get(mx_ui *ui, int font, mx_color c, const char *s) {
  uint32_t h;
  ui_text *t;
  SDL_Surface *surf;
  if (font < 0 || font >= MX_FONT_COUNT) font = MX_FONT_BODY;
  if (!s || !*s || !ui->font[font]) return NULL;
  h = hash_str(s, font, c);
  for (t = ui->bucket[h & (UI_TEXT_BUCKETS - 1)]; t; t = t->next_bucket)
    if (t->hash == h && t->font == font && !memcmp(&t->col, &c, sizeof c) && !strcmp(t->s, s)) {
      if (ui->lru_head != t) {
        lru_unlink(ui, t);
        lru_push_front(ui, t);
      }
      if (ui->lay && !t->ink) text_measure_ink(ui, t);
      return t;
    }
  while (ui->ntext >= UI_TEXT_CAP) text_evict_one(ui);
  t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->s = malloc(strlen(s) + 1);
  if (!t->s) {
    free(t);
    return NULL;
  }
  strcpy(t->s, s);
  t->hash = h;
  t->font = font;
  t->col = c;
  surf = TTF_RenderUTF8_Blended(ui->font[font], s, sdl_col(c));
  if (surf) {
    if (ui->lay) ui_layout_ink(t, surf);
    t->tex = SDL_CreateTextureFromSurface(ui->r, surf);
    t->w = surf->w;
    t->h = surf->h;
    SDL_FreeSurface(surf);
    if (t->tex) SDL_SetTextureBlendMode(t->tex, SDL_BLENDMODE_BLEND);
  }
  t->next_bucket = ui->bucket[h & (UI_TEXT_BUCKETS - 1)];
  ui->bucket[h & (UI_TEXT_BUCKETS - 1)] = t;
  lru_push_front(ui, t);
  ui->ntext++;
  return t;
}

static int text_draw(mx_ui *ui, int x, int y, int font, mx_color c, const char *s) {
  ui_text *t = text_get(ui, font, c, s);
  SDL_Rect d;
  if (!t || !t->tex) return 0;
  d.x = x;
  d.y = y;
  d.w = t->w;
  d.h = t->h;
  SDL_RenderCopy(ui->r, t->tex, NULL, &d);
  if (ui->lay) ui_layout_text(ui, t, d.x, d.y, NULL, 0);
  return t->w;
}

int mx_text(mx_ui *ui, int x, int y, int font, mx_color c, const char *fmt, ...) {
  char buf[UI_TEXT_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return text_draw(ui, x, y, font, c, buf);
}

void mx_text_size(mx_ui *ui, int font, const char *s, int *w, int *h) {
  int tw = 0, th = 0;
  if (font < 0 || font >= MX_FONT_COUNT) font = MX_FONT_BODY;
  if (s && *s && ui->font[font]) {
    size_t n = strlen(s);
    ui_tsize *z = n < UI_TSIZE_LEN ? &ui->tsize[hash_str(s, font, (mx_color){0, 0, 0, 0}) & (UI_TSIZE_N - 1)]
                                   : NULL;
    if (z && z->font == font && !strcmp(z->s, s)) {
      tw = z->w;
      th = z->h;
    } else if (TTF_SizeUTF8(ui->font[font], s, &tw, &th) == 0 && z) {
      z->font = font;
      z->w = tw;
      z->h = th;
      memcpy(z->s, s, n + 1);
    }
  } else if (ui->font[font]) {
    th = TTF_FontHeight(ui->font[font]);
  }
  if (w) *w = tw;
  if (h) *h = th;
}

int mx_line_height(mx_ui *ui, int font) {
  if (font < 0 || font >= MX_FONT_COUNT) font = MX_FONT_BODY;
  return ui->font[font] ? TTF_FontHeight(ui->font[font]) : 16;
}

void mx_text_in(mx_ui *ui, mx_rect r, int font, int align, mx_color c, const char *s) {
  ui_text *t = text_get(ui, font, c, s);
  SDL_Rect d, clip;
  int x;
  if (!t || !t->tex) return;
  if (align == MX_ALIGN_CENTER) x = r.x + (r.w - t->w) / 2;
  else if (align == MX_ALIGN_RIGHT) x = r.x + r.w - t->w;
  else x = r.x;
  d.x = x;
  d.y = r.y + (r.h - t->h) / 2;
  d.w = t->w;
  d.h = t->h;
  if (t->w > r.w) { /* clip text that does not fit */
    SDL_Rect old;
    int had = SDL_RenderIsClipEnabled(ui->r);
    SDL_RenderGetClipRect(ui->r, &old);
    clip.x = r.x;
    clip.y = d.y;
    clip.w = r.w;
    clip.h = d.h;
    if (had) SDL_IntersectRect(&clip, &old, &clip);
    d.x = align == MX_ALIGN_RIGHT ? r.x + r.w - t->w : r.x;
    if (ui->lay) ui_layout_text(ui, t, d.x, d.y, &r, 0);
    SDL_RenderSetClipRect(ui->r, &clip);
    SDL_RenderCopy(ui->r, t->tex, NULL, &d);
    SDL_RenderSetClipRect(ui->r, had ? &old : NULL);
    return;
  }
  SDL_RenderCopy(ui->r, t->tex, NULL, &d);
  if (ui->lay) ui_layout_text(ui, t, d.x, d.y, &r, 0);
}

/* Text rotated -90 degrees (reading upwards), centred at (cx, cy). */
void ui_text_vertical(mx_ui *ui, float cx, float cy, int font, mx_color c, const char *s) {
  ui_text *t = text_get(ui, font, c, s);
  SDL_Rect d;
  if (!t || !t->tex) return;
  d.w = t->w;
  d.h = t->h;
  d.x = (int)lroundf(cx - (float)t->w * 0.5f);
  d.y = (int)lroundf(cy - (float)t->h * 0.5f);
  SDL_RenderCopyEx(ui->r, t->tex, NULL, &d, -90.0, NULL, SDL_FLIP_NONE);
  if (ui->lay) ui_layout_text(ui, t, d.x, d.y, NULL, 1);
}

int mx_text_fit(mx_ui *ui, mx_rect r, int font, int align, mx_color c, const char *const *v, int n) {
  int i, tw;
  if (n <= 0) return -1;
  for (i = 0; i < n - 1; i++) {
    mx_text_size(ui, font, v[i], &tw, NULL);
    if (tw <= r.w) break;
  }
  mx_text_in(ui, r, font, align, c, v[i]);
  return i;
}

int ui_drop_last_part(char *s) {
  char *dot = NULL, *p;
  for (p = strstr(s, "\xc2\xb7"); p; p = strstr(p + 2, "\xc2\xb7"))
    if (p > s && p[-1] == ' ' && p[2] == ' ') dot = p;
  if (!dot) return 0;
  while (dot > s && dot[-1] == ' ') dot--;
  *dot = '\0';
  return 1;
}

int mx_text_in_parts(mx_ui *ui, mx_rect r, int font, int align, mx_color c, const char *s) {
  char buf[UI_TEXT_MAX];
  int tw, dropped = 0;
  snprintf(buf, sizeof buf, "%s", s ? s : "");
  mx_text_size(ui, font, buf, &tw, NULL);
  while (tw > r.w && ui_drop_last_part(buf)) {
    dropped++;
    mx_text_size(ui, font, buf, &tw, NULL);
  }
  mx_text_in(ui, r, font, align, c, buf);
  return dropped;
}
