/* mixscope — the one PNG writer: an SDL surface to a file, atomically
 * (temp file beside the target, then rename), with the umask's permissions.
 * Used by screenshots, `mixscope shot` / `export` and `mixscope bmm --png`. */
#ifndef MIXSCOPE_SHELL_PNG_H
#define MIXSCOPE_SHELL_PNG_H

#include <SDL.h>

#include "mixscope/error.h"

/* Encode s as PNG into path. MX_OK, or MX_EIO / the atomic-write error naming path. */
int mx_png_save_atomic(SDL_Surface *s, const char *path, mx_error *err);

#endif
