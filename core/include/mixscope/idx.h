/* mixscope — IDX file reader/writer (the MNIST container format).
 *
 * Format: 2 zero bytes, a type byte (0x08 = unsigned byte, the only type MNIST
 * uses and the only one accepted), a dimension count d (1..4), then d
 * big-endian uint32 sizes, then the data in row-major order. Files may be
 * gzip-compressed (detected by the 1f 8b magic, not by the name).
 * Every failure returns a distinct MX_E* code and a message naming the file. */
#ifndef MIXSCOPE_IDX_H
#define MIXSCOPE_IDX_H

#include <stddef.h>
#include <stdint.h>

#include "mixscope/error.h"

#define MX_IDX_MAXDIM 4

typedef struct mx_idx {
  int ndim;                     /* 1..MX_IDX_MAXDIM */
  size_t dims[MX_IDX_MAXDIM];   /* dims[0] = item count */
  size_t size;                  /* product of dims = bytes in data */
  uint8_t *data;                /* (dims[0], dims[1], ...) owned, free with mx_idx_free */
} mx_idx;

/* Read an IDX file (raw or .gz) into *out. On error *out is zeroed and nothing
 * is leaked. Errors: MX_ENOENT, MX_EIO, MX_EEMPTY, MX_EGZIP, MX_EMAGIC,
 * MX_ETYPE, MX_EDIMS (zero/overflowing dims), MX_ETRUNC (fewer bytes than the
 * header promises), MX_ESIZE (trailing bytes), MX_ETOOBIG. */
int mx_idx_read(const char *path, mx_idx *out, mx_error *err);

/* Free the data of *idx (NULL allowed) and zero it. */
void mx_idx_free(mx_idx *idx);

/* Write an unsigned-byte IDX file atomically (temp file then rename);
 * gzip-compressed when gz != 0. dims has ndim entries; data has their product. */
int mx_idx_write(const char *path, int ndim, const size_t *dims,
                 const uint8_t *data, int gz, mx_error *err);

#endif
