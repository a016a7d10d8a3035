#include "gif.h"

#include <gif_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mixscope/fileio.h"

struct mx_gif {
  GifFileType *gf;
  int w, h, nframes;
  FILE *fp; /* the atomic writer's temp file (core fileio); giflib writes a dup of it */
  char path[MX_TMP_LEN], tmp[MX_TMP_LEN];
  GifByteType *r, *g, *b, *idx; /* (h, w) planes */
};

mx_gif *mx_gif_open(const char *path, int width, int height, mx_error *err) {
  mx_gif *g;
  int fd, gerr = 0;
  size_t n = (size_t)width * (size_t)height;
  if (width <= 0 || height <= 0 || width > 65535 || height > 65535) {
    mx_error_set(err, MX_EINVAL, "%s: bad GIF size %dx%d", path, width, height);
    return NULL;
  }
  g = calloc(1, sizeof *g);
  if (!g) goto nomem;
  g->w = width;
  g->h = height;
  snprintf(g->path, sizeof g->path, "%s", path);
  g->r = malloc(n);
  g->g = malloc(n);
  g->b = malloc(n);
  g->idx = malloc(n);
  if (!g->r || !g->g || !g->b || !g->idx) goto nomem;
  /* the one atomic writer: links resolved, devices refused, mode from the umask */
  if (mx_file_begin_atomic(path, g->tmp, &g->fp, err) != MX_OK) goto fail;
  fd = dup(fileno(g->fp));
  g->gf = fd >= 0 ? EGifOpenFileHandle(fd, &gerr) : NULL;
  if (!g->gf) {
    if (fd >= 0) close(fd);
    mx_file_abort_atomic(g->tmp, g->fp);
    mx_error_set(err, MX_EIO, "%s: %s", path, GifErrorString(gerr));
    goto fail;
  }
  EGifSetGifVersion(g->gf, true);
  if (EGifPutScreenDesc(g->gf, width, height, 8, 0, NULL) == GIF_ERROR) {
    mx_error_set(err, MX_EIO, "%s: %s", path, GifErrorString(g->gf->Error));
    EGifCloseFile(g->gf, &gerr);
    mx_file_abort_atomic(g->tmp, g->fp);
    goto fail;
  }
  {
    /* NETSCAPE2.0 application extension: loop forever */
    static const GifByteType app[11] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
    static const GifByteType loop[3] = {1, 0, 0};
    EGifPutExtensionLeader(g->gf, APPLICATION_EXT_FUNC_CODE);
    EGifPutExtensionBlock(g->gf, sizeof app, app);
    EGifPutExtensionBlock(g->gf, sizeof loop, loop);
    EGifPutExtensionTrailer(g->gf);
  }
  return g;
nomem:
  mx_error_set(err, MX_ENOMEM, "%s: out of memory", path);
fail:
  if (g) {
    free(g->r);
    free(g->g);
    free(g->b);
    free(g->idx);
    free(g);
  }
  return NULL;
}

int mx_gif_add(mx_gif *g, SDL_Surface *frame, int delay_cs, mx_error *err) {
  SDL_Surface *rgb;
  GifColorType cmap[256];
  int ncolors = 256, y, x;
  ColorMapObject *cmo;
  GraphicsControlBlock gcb;
  GifByteType ext[4];
  if (frame->w != g->w || frame->h != g->h)
    return mx_error_set(err, MX_ESIZE, "%s: frame %d is %dx%d, expected %dx%d", g->path,
                        g->nframes, frame->w, frame->h, g->w, g->h);
  rgb = SDL_ConvertSurfaceFormat(frame, SDL_PIXELFORMAT_RGB24, 0);
  if (!rgb) return mx_error_set(err, MX_ENOMEM, "%s: %s", g->path, SDL_GetError());
  for (y = 0; y < g->h; y++) {
    const uint8_t *row = (const uint8_t *)rgb->pixels + (size_t)y * (size_t)rgb->pitch;
    for (x = 0; x < g->w; x++) {
      size_t i = (size_t)y * (size_t)g->w + (size_t)x;
      g->r[i] = row[3 * x];
      g->g[i] = row[3 * x + 1];
      g->b[i] = row[3 * x + 2];
    }
  }
  SDL_FreeSurface(rgb);
  if (GifQuantizeBuffer((unsigned)g->w, (unsigned)g->h, &ncolors, g->r, g->g, g->b, g->idx, cmap) ==
      GIF_ERROR)
    return mx_error_set(err, MX_EIO, "%s: colour quantisation failed", g->path);
  cmo = GifMakeMapObject(256, cmap);
  if (!cmo) return mx_error_set(err, MX_ENOMEM, "%s: out of memory", g->path);
  memset(&gcb, 0, sizeof gcb);
  gcb.DelayTime = delay_cs;
  gcb.TransparentColor = NO_TRANSPARENT_COLOR;
  EGifGCBToExtension(&gcb, ext);
  if (EGifPutExtension(g->gf, GRAPHICS_EXT_FUNC_CODE, 4, ext) == GIF_ERROR ||
      EGifPutImageDesc(g->gf, 0, 0, g->w, g->h, false, cmo) == GIF_ERROR) {
    GifFreeMapObject(cmo);
    return mx_error_set(err, MX_EIO, "%s: %s", g->path, GifErrorString(g->gf->Error));
  }
  GifFreeMapObject(cmo);
  for (y = 0; y < g->h; y++)
    if (EGifPutLine(g->gf, g->idx + (size_t)y * (size_t)g->w, g->w) == GIF_ERROR)
      return mx_error_set(err, MX_EIO, "%s: %s", g->path, GifErrorString(g->gf->Error));
  g->nframes++;
  return MX_OK;
}

int mx_gif_close(mx_gif *g, int ok, mx_error *err) {
  int gerr = 0, rc = MX_OK;
  if (!g) return MX_OK;
  if (EGifCloseFile(g->gf, &gerr) == GIF_ERROR && ok) {
    rc = mx_error_set(err, MX_EIO, "%s: %s", g->path, GifErrorString(gerr));
    ok = 0;
  }
  if (ok && g->nframes == 0) {
    rc = mx_error_set(err, MX_EINVAL, "%s: no frames", g->path);
    ok = 0;
  }
  if (ok)
    rc = mx_file_commit_atomic(g->path, g->tmp, g->fp, err); /* fsync, mode, rename */
  else
    mx_file_abort_atomic(g->tmp, g->fp);
  free(g->r);
  free(g->g);
  free(g->b);
  free(g->idx);
  free(g);
  return rc;
}
