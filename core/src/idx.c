/* mixscope — IDX reader/writer (raw or gzip), validating every header field.
 *
 * Reading streams the file once (regular files only): raw files through read()
 * (the size is known from fstat, so truncation / trailing bytes are reported
 * before allocating), gzip files through zlib's inflate into a buffer grown as
 * data arrives; a member without its CRC/size trailer, or garbage after the
 * stream, is refused like trailing bytes of a raw file. The data limit is
 * 1 GiB after inflating (MIXSCOPE_MAX_IDX_BYTES overrides it). */
#include "mixscope/idx.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "mixscope/fileio.h"

#define IDX_MAX_BYTES MX_IDX_LIMIT_DEFAULT /* written files: 1 GiB, far above MNIST's 47 MB */
#define IDX_TYPE_UBYTE 0x08

/* A byte source over a regular file's descriptor: raw, or gzip inflated as
 * data arrives with zlib's inflate (so the stream's end, its CRC/size trailer
 * and anything after it are seen and checked). */
typedef struct idx_src {
  const char *path;
  int fd;
  int is_gz;
  int gz_live;       /* inflateInit2 done */
  int eof;           /* no more file bytes */
  int stream_end;    /* the current gzip member ended cleanly */
  size_t filesize;   /* from fstat */
  size_t consumed;   /* file bytes read so far */
  z_stream zs;
  unsigned char in[1 << 16];
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

/* read() all of n bytes unless the file ends; *got = bytes read. */
static int fd_read(idx_src *s, void *buf, size_t n, size_t *got, mx_error *err) {
  *got = 0;
  while (*got < n) {
    ssize_t r = read(s->fd, (unsigned char *)buf + *got, n - *got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return mx_error_set(err, MX_EIO, "%s: read error: %s", s->path, strerror(errno));
    if (r == 0) {
      s->eof = 1;
      break;
    }
    *got += (size_t)r;
  }
  s->consumed += *got;
  return MX_OK;
}

/* Refill the inflate input when empty. */
static int gz_fill(idx_src *s, mx_error *err) {
  size_t got;
  int rc;
  if (s->zs.avail_in > 0 || s->eof) return MX_OK;
  if ((rc = fd_read(s, s->in, sizeof s->in, &got, err)) != MX_OK) return rc;
  s->zs.next_in = s->in;
  s->zs.avail_in = (uInt)got;
  return MX_OK;
}

/* After a member's end: another member follows (1f 8b), the file ends, or the
 * rest is trailing garbage (refused, as trailing bytes of a raw IDX file are). */
static int gz_next_member(idx_src *s, int *more, mx_error *err) {
  int rc;
  *more = 0;
  if ((rc = gz_fill(s, err)) != MX_OK) return rc;
  if (s->zs.avail_in == 0) return MX_OK; /* clean end of file */
  if (s->zs.avail_in < 2 && !s->eof) {
    /* keep it simple: one byte left in the buffer, look at the next one */
    unsigned char b[2];
    size_t got;
    b[0] = s->zs.next_in[0];
    if ((rc = fd_read(s, b + 1, 1, &got, err)) != MX_OK) return rc;
    memcpy(s->in, b, 1 + got);
    s->zs.next_in = s->in;
    s->zs.avail_in = (uInt)(1 + got);
  }
  if (s->zs.avail_in >= 2 && s->zs.next_in[0] == 0x1f && s->zs.next_in[1] == 0x8b) {
    inflateReset(&s->zs);
    s->stream_end = 0;
    *more = 1;
    return MX_OK;
  }
  return mx_error_set(err, MX_ESIZE,
                      "%s: %zu bytes of trailing garbage after the end of the gzip stream", s->path,
                      s->filesize > s->consumed - s->zs.avail_in
                          ? s->filesize - (s->consumed - s->zs.avail_in)
                          : (size_t)s->zs.avail_in);
}

static int gz_read(idx_src *s, void *buf, size_t n, size_t *got, mx_error *err) {
  int rc;
  *got = 0;
  while (*got < n) {
    int zr;
    size_t before;
    if (s->stream_end) {
      int more;
      if ((rc = gz_next_member(s, &more, err)) != MX_OK) return rc;
      if (!more) break;
    }
    if ((rc = gz_fill(s, err)) != MX_OK) return rc;
    if (s->zs.avail_in == 0 && s->eof)
      return mx_error_set(err, MX_EGZIP,
                          "%s: corrupt gzip stream: it ends before its CRC/size trailer (the .gz "
                          "file is cut short or damaged)",
                          s->path);
    before = n - *got > (size_t)1 << 30 ? (size_t)1 << 30 : n - *got;
    s->zs.next_out = (unsigned char *)buf + *got;
    s->zs.avail_out = (uInt)before;
    zr = inflate(&s->zs, Z_NO_FLUSH);
    *got += before - s->zs.avail_out;
    if (zr == Z_STREAM_END) s->stream_end = 1;
    else if (zr == Z_NEED_DICT || zr == Z_DATA_ERROR || zr == Z_STREAM_ERROR)
      return mx_error_set(err, MX_EGZIP, "%s: corrupt gzip stream: %s", s->path,
                          s->zs.msg ? s->zs.msg : "invalid data");
    else if (zr == Z_MEM_ERROR)
      return mx_error_set(err, MX_ENOMEM, "%s: out of memory inflating", s->path);
  }
  return MX_OK;
}

/* Read up to n bytes; *got = bytes read (fewer only at the end of the data). */
static int src_read(idx_src *s, void *buf, size_t n, size_t *got, mx_error *err) {
  return s->is_gz ? gz_read(s, buf, n, got, err) : fd_read(s, buf, n, got, err);
}

static void src_close(idx_src *s) {
  if (s->gz_live) inflateEnd(&s->zs);
  if (s->fd >= 0) close(s->fd);
  s->gz_live = 0;
  s->fd = -1;
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

/* Open path (a regular file only), sniff the gzip magic, set up inflate. */
static int idx_open(idx_src *s, mx_error *err) {
  unsigned char magic[2];
  size_t got;
  int rc;
  if ((rc = mx_file_open_regular(s->path, &s->fd, &s->filesize, err)) != MX_OK) return rc;
  if ((rc = fd_read(s, magic, 2, &got, err)) != MX_OK) return rc;
  if (got == 0) return mx_error_set(err, MX_EEMPTY, "%s: file is empty (0 bytes)", s->path);
  s->is_gz = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  if (s->is_gz) {
    memcpy(s->in, magic, 2);
    s->zs.next_in = s->in;
    s->zs.avail_in = 2;
    /* windowBits 15 + 16: gzip wrapper only, with its CRC and size checked */
    if (inflateInit2(&s->zs, 15 + 16) != Z_OK)
      return mx_error_set(err, MX_ENOMEM, "%s: cannot initialise zlib", s->path);
    s->gz_live = 1;
    s->eof = 0;
    return MX_OK;
  }
  if (lseek(s->fd, 0, SEEK_SET) != 0)
    return mx_error_set(err, MX_EIO, "%s: cannot rewind: %s", s->path, strerror(errno));
  s->consumed = 0;
  s->eof = 0;
  return MX_OK;
}

/* Read and check the header; out->ndim, out->dims and *size (data bytes). */
static int idx_read_header(idx_src *s, mx_idx *out, size_t *size, mx_error *err) {
  const char *path = s->path;
  unsigned char hdr[4 + 4 * MX_IDX_MAXDIM];
  size_t got, limit = mx_file_limit(MX_IDX_LIMIT_ENV, MX_IDX_LIMIT_DEFAULT);
  int rc, ndim, i;
  char dbuf[96], lim[32];
  if ((rc = src_read(s, hdr, 4, &got, err)) != MX_OK) return rc;
  if (got == 0 && s->is_gz)
    return mx_error_set(err, MX_EEMPTY, "%s: gzip stream decompresses to 0 bytes", path);
  if (got >= 2 && (hdr[0] != 0 || hdr[1] != 0))
    return mx_error_set(err, MX_EMAGIC,
                        "%s: bad magic: first two bytes are 0x%02x 0x%02x, an IDX file starts with "
                        "0x00 0x00",
                        path, hdr[0], hdr[1]);
  if (got < 4)
    return mx_error_set(err, MX_ETRUNC, "%s: truncated header: expected at least 4 bytes, got %zu",
                        path, got);
  if (hdr[2] != IDX_TYPE_UBYTE)
    return mx_error_set(err, MX_ETYPE,
                        "%s: type byte is 0x%02x (%s); only 0x08 (unsigned byte) is supported",
                        path, hdr[2], idx_type_name(hdr[2]));
  ndim = hdr[3];
  if (ndim < 1 || ndim > MX_IDX_MAXDIM)
    return mx_error_set(err, MX_EDIMS, "%s: header has %d dimensions; expected 1..%d", path, ndim,
                        MX_IDX_MAXDIM);
  if ((rc = src_read(s, hdr + 4, 4 * (size_t)ndim, &got, err)) != MX_OK) return rc;
  if (got < 4 * (size_t)ndim)
    return mx_error_set(err, MX_ETRUNC,
                        "%s: truncated header: expected %d bytes for %d dimensions, got %zu", path,
                        4 + 4 * ndim, ndim, 4 + got);
  out->ndim = ndim;
  for (i = 0; i < ndim; i++) out->dims[i] = be32(hdr + 4 + 4 * i);
  *size = 1;
  for (i = 0; i < ndim; i++) {
    if (out->dims[i] == 0)
      return mx_error_set(err, MX_EDIMS, "%s: dimension %d of %s is zero", path, i,
                          dims_str(dbuf, sizeof dbuf, ndim, out->dims));
    if (*size > SIZE_MAX / out->dims[i])
      return mx_error_set(err, MX_EDIMS, "%s: dimensions %s overflow the size type", path,
                          dims_str(dbuf, sizeof dbuf, ndim, out->dims));
    *size *= out->dims[i];
  }
  if (*size > limit)
    return mx_error_set(err, MX_ETOOBIG,
                        "%s: dimensions %s need %zu bytes; the limit is %zu (%s); set %s to raise "
                        "it",
                        path, dims_str(dbuf, sizeof dbuf, ndim, out->dims), *size, limit,
                        mx_file_size_str(limit, lim, sizeof lim), MX_IDX_LIMIT_ENV);
  return MX_OK;
}

/* Raw files: the size is known, so truncation / trailing bytes are reported
 * before allocating anything. */
static int idx_check_raw_size(idx_src *s, const mx_idx *out, size_t size, mx_error *err) {
  size_t hdrlen = 4 + 4 * (size_t)out->ndim, have = s->filesize - hdrlen;
  char dbuf[96];
  if (s->filesize < hdrlen) have = 0;
  if (have < size)
    return mx_error_set(err, MX_ETRUNC,
                        "%s: truncated: header says %s = %zu data bytes but the file has %zu",
                        s->path, dims_str(dbuf, sizeof dbuf, out->ndim, out->dims), size, have);
  if (have > size)
    return mx_error_set(err, MX_ESIZE,
                        "%s: %zu trailing bytes: header says %s = %zu data bytes but the file has "
                        "%zu",
                        s->path, have - size, dims_str(dbuf, sizeof dbuf, out->ndim, out->dims),
                        size, have);
  return MX_OK;
}

/* Read the size data bytes into a buffer grown as data arrives (doubling from
 * 1 MiB): a tiny .gz that claims 1 GiB reserves 1 MiB, not 1 GiB. */
static int idx_read_data(idx_src *s, const mx_idx *out, size_t size, uint8_t **data,
                         mx_error *err) {
  size_t cap = 0, got = 0, chunk;
  char dbuf[96];
  int rc;
  *data = NULL;
  for (;;) {
    size_t want = cap == 0 ? (size_t)1 << 20 : 2 * cap;
    if (want > size || cap > size / 2) want = size;
    if (want > cap) {
      uint8_t *grown = realloc(*data, want);
      if (!grown) return mx_error_set(err, MX_ENOMEM, "%s: out of memory for %zu bytes", s->path, want);
      *data = grown;
      cap = want;
    }
    if ((rc = src_read(s, *data + got, cap - got, &chunk, err)) != MX_OK) return rc;
    got += chunk;
    if (got < cap || cap == size) break; /* data ended, or all promised bytes read */
  }
  if (got < size)
    return mx_error_set(err, MX_ETRUNC,
                        "%s: truncated: header says %s = %zu data bytes but the %s has %zu",
                        s->path, dims_str(dbuf, sizeof dbuf, out->ndim, out->dims), size,
                        s->is_gz ? "decompressed stream" : "file", got);
  return MX_OK;
}

/* Anything after the data is an error; count it (up to the limit). */
static int idx_check_trailing(idx_src *s, const mx_idx *out, size_t size, mx_error *err) {
  unsigned char extra[4096];
  size_t total = 0, got;
  char dbuf[96];
  int rc;
  do {
    if ((rc = src_read(s, extra, sizeof extra, &got, err)) != MX_OK) return rc;
    total += got;
  } while (got == sizeof extra && total < ((size_t)1 << 30));
  if (total > 0)
    return mx_error_set(err, MX_ESIZE, "%s: %zu trailing bytes after the %zu data bytes promised by %s",
                        s->path, total, size, dims_str(dbuf, sizeof dbuf, out->ndim, out->dims));
  return MX_OK;
}

int mx_idx_read(const char *path, mx_idx *out, mx_error *err) {
  idx_src *s;
  size_t size = 0;
  uint8_t *data = NULL;
  int rc;
  memset(out, 0, sizeof *out);
  mx_error_clear(err);
  if (!path || !*path) return mx_error_set(err, MX_EINVAL, "empty IDX file path");
  s = calloc(1, sizeof *s);
  if (!s) return mx_error_set(err, MX_ENOMEM, "%s: out of memory", path);
  s->path = path;
  s->fd = -1;
  rc = idx_open(s, err);
  if (!rc) rc = idx_read_header(s, out, &size, err);
  if (!rc && !s->is_gz) rc = idx_check_raw_size(s, out, size, err);
  if (!rc) rc = idx_read_data(s, out, size, &data, err);
  if (!rc) rc = idx_check_trailing(s, out, size, err);
  src_close(s);
  free(s);
  if (rc) {
    free(data);
    memset(out, 0, sizeof *out);
    return rc;
  }
  out->size = size;
  out->data = data;
  return MX_OK;
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
