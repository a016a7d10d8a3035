/* mixscope — IDX reader/writer (raw or gzip), validating every header field.
 *
 * Reading streams the file once: raw files through stdio (the size is known
 * from fstat, so truncation / trailing bytes are reported before allocating),
 * gzip files through zlib's gzread straight into the data buffer. */
#include "mixscope/idx.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "mixscope/fileio.h"

#define IDX_MAX_BYTES ((size_t)1 << 30) /* 1 GiB: far above MNIST's 47 MB */
#define IDX_TYPE_UBYTE 0x08

/* A byte source: either a stdio FILE (raw) or a gzFile. */
typedef struct idx_src {
  const char *path;
  FILE *fp;
  gzFile gz;
} idx_src;

static const char *idx_type_name(int t) {
  switch (t) {
  case 0x08: return "unsigned byte";
  case 0x09: return "signed byte";
  case 0x0B: return "short";
  case 0x0C: return "int";
  case 0x0D: return "float";
  case 0x0E: return "double";
  default: return "not an IDX type";
  }
}

/* zlib's gzerror text, without the "path: " prefix it adds. */
static const char *gz_msg(idx_src *s, int *zerr) {
  const char *m = gzerror(s->gz, zerr);
  size_t n = strlen(s->path);
  if (!m || !*m) return "zlib error";
  if (!strncmp(m, s->path, n) && m[n] == ':' && m[n + 1] == ' ') m += n + 2;
  return m;
}

/* Read up to n bytes; *got = bytes read. Returns 0 or MX_EIO / MX_EGZIP. */
static int src_read(idx_src *s, void *buf, size_t n, size_t *got, mx_error *err) {
  *got = 0;
  if (s->fp) {
    *got = fread(buf, 1, n, s->fp);
    if (*got < n && ferror(s->fp))
      return mx_error_set(err, MX_EIO, "%s: read error: %s", s->path, strerror(errno));
    return MX_OK;
  }
  while (*got < n) {
    size_t want = n - *got;
    int r;
    if (want > (size_t)1 << 30) want = (size_t)1 << 30;
    r = gzread(s->gz, (unsigned char *)buf + *got, (unsigned)want);
    if (r < 0) {
      int zerr;
      const char *m = gz_msg(s, &zerr);
      if (zerr == Z_ERRNO)
        return mx_error_set(err, MX_EIO, "%s: read error: %s", s->path, strerror(errno));
      return mx_error_set(err, MX_EGZIP, "%s: corrupt gzip stream: %s", s->path, m);
    }
    if (r == 0) {
      /* End of data: a clean end, or a gzip stream cut short. */
      int zerr;
      const char *m = gz_msg(s, &zerr);
      if (zerr == Z_BUF_ERROR || zerr == Z_DATA_ERROR)
        return mx_error_set(err, MX_EGZIP,
                            "%s: corrupt gzip stream: %s (the .gz file is cut short or damaged)",
                            s->path, m);
      break;
    }
    *got += (size_t)r;
  }
  return MX_OK;
}

static void src_close(idx_src *s) {
  if (s->fp) fclose(s->fp);
  if (s->gz) gzclose(s->gz);
  s->fp = NULL;
  s->gz = NULL;
}

static uint32_t be32(const unsigned char *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/* Print "60000x28x28" into buf. */
static const char *dims_str(char *buf, size_t cap, int ndim, const size_t *dims) {
  size_t used = 0;
  int i;
  buf[0] = '\0';
  for (i = 0; i < ndim && used < cap; i++)
    used += (size_t)snprintf(buf + used, cap - used, i ? "x%zu" : "%zu", dims[i]);
  return buf;
}

int mx_idx_read(const char *path, mx_idx *out, mx_error *err) {
  idx_src s = {path, NULL, NULL};
  unsigned char hdr[4 + 4 * MX_IDX_MAXDIM];
  unsigned char magic[2];
  size_t got, size = 1, hdrlen, filesize = 0;
  int is_gz, rc, ndim, i;
  struct stat st;
  uint8_t *data = NULL;
  char dbuf[96];

  memset(out, 0, sizeof *out);
  mx_error_clear(err);
  if (!path || !*path) return mx_error_set(err, MX_EINVAL, "empty IDX file path");

  s.fp = fopen(path, "rb");
  if (!s.fp)
    return mx_error_set(err, errno == ENOENT ? MX_ENOENT : MX_EIO, "%s: cannot open: %s", path,
                        strerror(errno));
  if (fstat(fileno(s.fp), &st) != 0 || !S_ISREG(st.st_mode)) {
    src_close(&s);
    return mx_error_set(err, MX_EIO, "%s: not a regular file", path);
  }
  filesize = (size_t)st.st_size;
  got = fread(magic, 1, 2, s.fp);
  if (got == 0) {
    src_close(&s);
    return mx_error_set(err, MX_EEMPTY, "%s: file is empty (0 bytes)", path);
  }
  is_gz = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  if (is_gz) {
    fclose(s.fp);
    s.fp = NULL;
    s.gz = gzopen(path, "rb");
    if (!s.gz)
      return mx_error_set(err, MX_EIO, "%s: cannot open: %s", path, strerror(errno));
    gzbuffer(s.gz, 1u << 17);
  } else {
    rewind(s.fp);
  }

  /* Fixed part of the header: 0, 0, type, ndim. */
  rc = src_read(&s, hdr, 4, &got, err);
  if (rc) goto fail;
  if (got == 0 && is_gz) {
    rc = mx_error_set(err, MX_EEMPTY, "%s: gzip stream decompresses to 0 bytes", path);
    goto fail;
  }
  if (got >= 2 && (hdr[0] != 0 || hdr[1] != 0)) {
    rc = mx_error_set(err, MX_EMAGIC,
                      "%s: bad magic: first two bytes are 0x%02x 0x%02x, an IDX file starts with "
                      "0x00 0x00",
                      path, hdr[0], hdr[1]);
    goto fail;
  }
  if (got < 4) {
    rc = mx_error_set(err, MX_ETRUNC, "%s: truncated header: expected at least 4 bytes, got %zu",
                      path, got);
    goto fail;
  }
  if (hdr[2] != IDX_TYPE_UBYTE) {
    rc = mx_error_set(err, MX_ETYPE,
                      "%s: type byte is 0x%02x (%s); only 0x08 (unsigned byte) is supported", path,
                      hdr[2], idx_type_name(hdr[2]));
    goto fail;
  }
  ndim = hdr[3];
  if (ndim < 1 || ndim > MX_IDX_MAXDIM) {
    rc = mx_error_set(err, MX_EDIMS, "%s: header has %d dimensions; expected 1..%d", path, ndim,
                      MX_IDX_MAXDIM);
    goto fail;
  }
  hdrlen = 4 + 4 * (size_t)ndim;
  rc = src_read(&s, hdr + 4, 4 * (size_t)ndim, &got, err);
  if (rc) goto fail;
  if (got < 4 * (size_t)ndim) {
    rc = mx_error_set(err, MX_ETRUNC, "%s: truncated header: expected %zu bytes for %d dimensions, "
                      "got %zu", path, hdrlen, ndim, 4 + got);
    goto fail;
  }
  out->ndim = ndim;
  for (i = 0; i < ndim; i++) out->dims[i] = be32(hdr + 4 + 4 * i);
  for (i = 0; i < ndim; i++) {
    if (out->dims[i] == 0) {
      rc = mx_error_set(err, MX_EDIMS, "%s: dimension %d of %s is zero", path, i,
                        dims_str(dbuf, sizeof dbuf, ndim, out->dims));
      goto fail;
    }
    if (size > SIZE_MAX / out->dims[i]) {
      rc = mx_error_set(err, MX_EDIMS, "%s: dimensions %s overflow the size type", path,
                        dims_str(dbuf, sizeof dbuf, ndim, out->dims));
      goto fail;
    }
    size *= out->dims[i];
  }
  if (size > IDX_MAX_BYTES) {
    rc = mx_error_set(err, MX_ETOOBIG, "%s: dimensions %s need %zu bytes; the limit is %zu (1 GiB)",
                      path, dims_str(dbuf, sizeof dbuf, ndim, out->dims), size, IDX_MAX_BYTES);
    goto fail;
  }
  if (!is_gz) {
    /* Raw: the file size is known, so check it before allocating. */
    size_t have = filesize - hdrlen;
    if (have < size) {
      rc = mx_error_set(err, MX_ETRUNC,
                        "%s: truncated: header says %s = %zu data bytes but the file has %zu",
                        path, dims_str(dbuf, sizeof dbuf, ndim, out->dims), size, have);
      goto fail;
    }
    if (have > size) {
      rc = mx_error_set(err, MX_ESIZE,
                        "%s: %zu trailing bytes: header says %s = %zu data bytes but the file has "
                        "%zu",
                        path, have - size, dims_str(dbuf, sizeof dbuf, ndim, out->dims), size,
                        have);
      goto fail;
    }
  }
  if (!is_gz) {
    data = malloc(size);
    if (!data) {
      rc = mx_error_set(err, MX_ENOMEM, "%s: out of memory for %zu bytes", path, size);
      goto fail;
    }
    rc = src_read(&s, data, size, &got, err);
    if (rc) goto fail;
  } else {
    /* A .gz header's claim is not checked against anything until the stream
     * ends, so grow the buffer as data arrives (doubling from 1 MiB): a tiny
     * file that claims 1 GiB reserves 1 MiB, not 1 GiB. */
    size_t cap = 0, chunk;
    got = 0;
    for (;;) {
      size_t want = cap == 0 ? (size_t)1 << 20 : 2 * cap;
      unsigned char *grown;
      if (want > size || cap > size / 2) want = size;
      if (want > cap) {
        grown = realloc(data, want);
        if (!grown) {
          rc = mx_error_set(err, MX_ENOMEM, "%s: out of memory for %zu bytes", path, want);
          goto fail;
        }
        data = grown;
        cap = want;
      }
      rc = src_read(&s, data + got, cap - got, &chunk, err);
      if (rc) goto fail;
      got += chunk;
      if (got < cap || cap == size) break; /* stream ended, or all promised bytes read */
    }
  }
  if (got < size) {
    rc = mx_error_set(err, MX_ETRUNC,
                      "%s: truncated: header says %s = %zu data bytes but the %s has %zu", path,
                      dims_str(dbuf, sizeof dbuf, ndim, out->dims), size,
                      is_gz ? "decompressed stream" : "file", got);
    goto fail;
  }
  {
    /* Anything after the data is an error; count it. */
    unsigned char extra[4096];
    size_t total = 0;
    do {
      rc = src_read(&s, extra, sizeof extra, &got, err);
      if (rc) goto fail;
      total += got;
    } while (got == sizeof extra && total < ((size_t)1 << 30));
    if (total > 0) {
      rc = mx_error_set(err, MX_ESIZE,
                        "%s: %zu trailing bytes after the %zu data bytes promised by %s", path,
                        total, size, dims_str(dbuf, sizeof dbuf, ndim, out->dims));
      goto fail;
    }
  }
  src_close(&s);
  out->size = size;
  out->data = data;
  return MX_OK;

fail:
  src_close(&s);
  free(data);
  memset(out, 0, sizeof *out);
  return rc;
}

void mx_idx_free(mx_idx *idx) {
  if (!idx) return;
  free(idx->data);
  memset(idx, 0, sizeof *idx);
}

/* gzip-compress in[0..n) into a malloc'd buffer. */
static int gzip_memory(const char *path, const unsigned char *in, size_t n, unsigned char **out,
                       size_t *outlen, mx_error *err) {
  z_stream zs;
  unsigned char *buf;
  size_t cap;
  int zr;
  memset(&zs, 0, sizeof zs);
  /* windowBits 15 + 16: gzip wrapper. */
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return mx_error_set(err, MX_ENOMEM, "%s: cannot initialise zlib", path);
  cap = (size_t)deflateBound(&zs, (uLong)n) + 64;
  buf = malloc(cap);
  if (!buf) {
    deflateEnd(&zs);
    return mx_error_set(err, MX_ENOMEM, "%s: out of memory compressing %zu bytes", path, n);
  }
  zs.next_in = (Bytef *)(uintptr_t)in;
  zs.avail_in = (uInt)n;
  zs.next_out = buf;
  zs.avail_out = (uInt)cap;
  zr = deflate(&zs, Z_FINISH);
  if (zr != Z_STREAM_END) {
    deflateEnd(&zs);
    free(buf);
    return mx_error_set(err, MX_EIO, "%s: zlib deflate failed (%d)", path, zr);
  }
  *outlen = (size_t)zs.total_out;
  deflateEnd(&zs);
  *out = buf;
  return MX_OK;
}

int mx_idx_write(const char *path, int ndim, const size_t *dims, const uint8_t *data, int gz,
                 mx_error *err) {
  size_t size = 1, hdrlen, total;
  unsigned char *buf;
  int i, rc;
  mx_error_clear(err);
  if (!path || !*path) return mx_error_set(err, MX_EINVAL, "empty IDX output path");
  if (ndim < 1 || ndim > MX_IDX_MAXDIM)
    return mx_error_set(err, MX_EDIMS, "%s: cannot write %d dimensions; expected 1..%d", path,
                        ndim, MX_IDX_MAXDIM);
  for (i = 0; i < ndim; i++) {
    if (dims[i] == 0 || dims[i] > UINT32_MAX)
      return mx_error_set(err, MX_EDIMS, "%s: dimension %d is %zu; must be 1..%lu", path, i,
                          dims[i], (unsigned long)UINT32_MAX);
    if (size > IDX_MAX_BYTES / dims[i])
      return mx_error_set(err, MX_ETOOBIG, "%s: data larger than the 1 GiB limit", path);
    size *= dims[i];
  }
  if (size > IDX_MAX_BYTES)
    return mx_error_set(err, MX_ETOOBIG, "%s: data larger than the 1 GiB limit", path);
  if (!data) return mx_error_set(err, MX_EINVAL, "%s: no data to write", path);
  hdrlen = 4 + 4 * (size_t)ndim;
  total = hdrlen + size;
  buf = malloc(total);
  if (!buf) return mx_error_set(err, MX_ENOMEM, "%s: out of memory for %zu bytes", path, total);
  buf[0] = 0;
  buf[1] = 0;
  buf[2] = IDX_TYPE_UBYTE;
  buf[3] = (unsigned char)ndim;
  for (i = 0; i < ndim; i++) {
    uint32_t v = (uint32_t)dims[i];
    buf[4 + 4 * i] = (unsigned char)(v >> 24);
    buf[5 + 4 * i] = (unsigned char)(v >> 16);
    buf[6 + 4 * i] = (unsigned char)(v >> 8);
    buf[7 + 4 * i] = (unsigned char)v;
  }
  memcpy(buf + hdrlen, data, size);
  if (gz) {
    unsigned char *z = NULL;
    size_t zlen = 0;
    rc = gzip_memory(path, buf, total, &z, &zlen, err);
    free(buf);
    if (rc) return rc;
    rc = mx_file_write_atomic(path, z, zlen, err);
    free(z);
    return rc;
  }
  rc = mx_file_write_atomic(path, buf, total, err);
  free(buf);
  return rc;
}
