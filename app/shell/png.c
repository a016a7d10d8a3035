/* mixscope — the atomic PNG writer (see png.h). */
#include "png.h"

#include <stdio.h>

#include <SDL_image.h>

#include "mixscope/fileio.h"

int mx_png_save_atomic(SDL_Surface *s, const char *path, mx_error *err) {
  char tmp[MX_TMP_LEN];
  FILE *fp;
  SDL_RWops *rw;
  /* links resolved, devices refused, '-' is stdout, mode from the umask: all in core */
  int rc = mx_file_begin_atomic(path, tmp, &fp, err);
  if (rc) return rc;
  rw = SDL_RWFromFP(fp, SDL_FALSE);
  if (!rw) {
    mx_file_abort_atomic(tmp, fp);
    return mx_error_set(err, MX_EIO, "%s: %s", path, SDL_GetError());
  }
  if (IMG_SavePNG_RW(s, rw, 0) != 0) {
    SDL_RWclose(rw);
    mx_file_abort_atomic(tmp, fp);
    return mx_error_set(err, MX_EIO, "%s: cannot encode PNG: %s", path, IMG_GetError());
  }
  SDL_RWclose(rw);
  return mx_file_commit_atomic(path, tmp, fp, err);
}
