#include "mixscope/fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int mx_file_begin_atomic(const char *path, char *tmp, FILE **fp, mx_error *err) {
  int fd;
  *fp = NULL;
  if (!path || !*path) return mx_error_set(err, MX_EINVAL, "empty output path");
  if (snprintf(tmp, MX_TMP_LEN, "%s.tmp.XXXXXX", path) >= MX_TMP_LEN)
    return mx_error_set(err, MX_EINVAL, "%s: path too long", path);
  fd = mkstemp(tmp);
  if (fd < 0)
    return mx_error_set(err, MX_EIO, "%s: cannot create temporary file: %s", path, strerror(errno));
  *fp = fdopen(fd, "wb");
  if (!*fp) {
    int e = errno;
    close(fd);
    unlink(tmp);
    return mx_error_set(err, MX_EIO, "%s: %s", path, strerror(e));
  }
  return MX_OK;
}

int mx_file_commit_atomic(const char *path, const char *tmp, FILE *fp, mx_error *err) {
  int e = 0;
  if (fflush(fp) != 0 || ferror(fp)) e = errno ? errno : EIO;
  if (!e && fsync(fileno(fp)) != 0) e = errno;
  if (fclose(fp) != 0 && !e) e = errno ? errno : EIO;
  if (!e && rename(tmp, path) != 0) e = errno;
  if (e) {
    unlink(tmp);
    return mx_error_set(err, MX_EIO, "%s: write failed (previous file left intact): %s", path,
                        strerror(e));
  }
  return MX_OK;
}

void mx_file_abort_atomic(const char *tmp, FILE *fp) {
  if (fp) fclose(fp);
  if (tmp && *tmp) unlink(tmp);
}

int mx_file_write_atomic(const char *path, const void *data, size_t n, mx_error *err) {
  char tmp[MX_TMP_LEN];
  FILE *fp;
  int rc = mx_file_begin_atomic(path, tmp, &fp, err);
  if (rc) return rc;
  if (n && fwrite(data, 1, n, fp) != n) {
    int e = errno;
    mx_file_abort_atomic(tmp, fp);
    return mx_error_set(err, MX_EIO, "%s: write failed (previous file left intact): %s", path,
                        strerror(e));
  }
  return mx_file_commit_atomic(path, tmp, fp, err);
}

int mx_file_read_all(const char *path, char **data, size_t *len, mx_error *err) {
  FILE *fp;
  char *buf = NULL;
  size_t cap = 0, n = 0;
  *data = NULL;
  if (len) *len = 0;
  fp = fopen(path, "rb");
  if (!fp)
    return mx_error_set(err, errno == ENOENT ? MX_ENOENT : MX_EIO, "%s: %s", path, strerror(errno));
  for (;;) {
    size_t got;
    if (cap - n < 4096 + 1) {
      size_t ncap = cap ? cap * 2 : 65536;
      char *nb = realloc(buf, ncap);
      if (!nb) {
        free(buf);
        fclose(fp);
        return mx_error_set(err, MX_ENOMEM, "%s: out of memory reading file", path);
      }
      buf = nb;
      cap = ncap;
    }
    got = fread(buf + n, 1, cap - n - 1, fp);
    n += got;
    if (got == 0) break;
  }
  if (ferror(fp)) {
    int e = errno;
    free(buf);
    fclose(fp);
    return mx_error_set(err, MX_EIO, "%s: read error: %s", path, strerror(e));
  }
  fclose(fp);
  buf[n] = '\0';
  *data = buf;
  if (len) *len = n;
  return MX_OK;
}
