/* PNG output of the headless commands (see cli_png.h). */
#include "cli_png.h"

#include <math.h>

#include "shell/png.h"

/* Ink colours of components 0..9 (matplotlib's tab10). */
static const Uint8 grid_ink[10][3] = {
  {31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},   {148, 103, 189},
  {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};

/* Paint image x (rows x cols) at (x0, y0), sc screen pixels per pixel. */
static void grid_paint(SDL_Surface *s, const uint8_t *x, size_t rows, size_t cols, int x0, int y0,
                       int sc, Uint32 ink, Uint32 paper) {
  size_t r, c;
  int dy, dx;
  for (r = 0; r < rows; r++)
    for (c = 0; c < cols; c++) {
      Uint32 px = x[r * cols + c] ? ink : paper;
      for (dy = 0; dy < sc; dy++) {
        Uint32 *row =
            (Uint32 *)((Uint8 *)s->pixels + (size_t)(y0 + (int)r * sc + dy) * (size_t)s->pitch);
        for (dx = 0; dx < sc; dx++) row[x0 + (int)c * sc + dx] = px;
      }
    }
}

int mx_cli_write_digit_grid(const uint8_t *x, const int *comp, size_t n, size_t rows, size_t cols,
                            const char *path, mx_error *err) {
  int sc = n <= 400 ? 2 : 1, gap = 1;
  int ncol = (int)ceil(sqrt((double)n)), nrow = ((int)n + ncol - 1) / ncol;
  int w = (int)cols * sc, h = (int)rows * sc, rc;
  SDL_Surface *s;
  Uint32 paper;
  size_t i;
  if (n == 0) return mx_error_set(err, MX_EINVAL, "%s: no images to draw", path);
  s = SDL_CreateRGBSurfaceWithFormat(0, ncol * (w + gap) + gap, nrow * (h + gap) + gap, 32,
                                     SDL_PIXELFORMAT_RGBA32);
  if (!s) return mx_error_set(err, MX_ENOMEM, "%s: out of memory for the PNG image", path);
  SDL_FillRect(s, NULL, SDL_MapRGB(s->format, 200, 200, 200));
  paper = SDL_MapRGB(s->format, 255, 255, 255);
  for (i = 0; i < n; i++) {
    const Uint8 *c = comp ? grid_ink[(comp[i] % 10 + 10) % 10] : NULL;
    Uint32 ink = c ? SDL_MapRGB(s->format, c[0], c[1], c[2]) : SDL_MapRGB(s->format, 0, 0, 0);
    grid_paint(s, x + i * rows * cols, rows, cols, gap + (int)(i % (size_t)ncol) * (w + gap),
               gap + (int)(i / (size_t)ncol) * (h + gap), sc, ink, paper);
  }
  rc = mx_png_save_atomic(s, path, err);
  SDL_FreeSurface(s);
  return rc;
}
