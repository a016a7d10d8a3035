/* mixscope — safe reading and atomic writing (see fileio.h for the promises). */
#include "mixscope/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP_HALF (MX_TMP_LEN / 2) /* tmp[0..): temp path; tmp + TMP_HALF: target */
#define MAX_LINKS 40

size_t mx_file_limit(const char *env, size_t dflt) {
  const char *s = env ? getenv(env) : NULL;
  char *end;
  unsigned long long v;
  if (!s || !*s) return dflt;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (end == s || errno) return dflt;
  switch (*end) {
  case 'K': case 'k': v <<= 10; end++; break;
  case 'M': case 'm': v <<= 20; end++; break;
  case 'G': case 'g': v <<= 30; end++; break;
  default: break;
  }
  if (*end || v == 0 || v > (unsigned long long)(SIZE_MAX / 2)) return dflt;
  return (size_t)v;
}

const char *mx_file_size_str(size_t n, char *buf, size_t cap) {
  if (n >= ((size_t)1 << 30) && n % ((size_t)1 << 30) == 0)
    snprintf(buf, cap, "%zu GiB", n >> 30);
  else if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0)
    snprintf(buf, cap, "%zu MiB", n >> 20);
  else if (n >= 1024 && n % 1024 == 0)
    snprintf(buf, cap, "%zu KiB", n >> 10);
  else
    snprintf(buf, cap, "%zu bytes", n);
  return buf;
}

const char *mx_file_kind_name(unsigned mode) {
  mode_t m = (mode_t)mode;
  if (S_ISREG(m)) return NULL;
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO (named pipe)";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  if (S_ISLNK(m)) return "a symbolic link";
  return "not a regular file";
}

int mx_file_open_regular(const char *path, int *fd, size_t *size, mx_error *err) {
  struct stat st;
  const char *kind;
  int f;
  *fd = -1;
  if (!path || !*path) return mx_error_set(err, MX_EINVAL, "empty input path");
  /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
  f = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (f < 0) {
    int e = errno;
    if (e == ELOOP)
      return mx_error_set(err, MX_EIO, "%s: is a symbolic link loop, not a regular file", path);
    return mx_error_set(err, e == ENOENT ? MX_ENOENT : MX_EIO, "%s: %s", path, strerror(e));
  }
  if (fstat(f, &st) != 0) {
    int e = errno;
    close(f);
    return mx_error_set(err, MX_EIO, "%s: %s", path, strerror(e));
  }
  if ((kind = mx_file_kind_name((unsigned)st.st_mode)) != NULL) {
    close(f);
    return mx_error_set(err, MX_EIO, "%s: is %s, not a regular file", path, kind);
  }
  fcntl(f, F_SETFL, fcntl(f, F_GETFL) & ~O_NONBLOCK);
  *fd = f;
  if (size) *size = (size_t)st.st_size;
  return MX_OK;
}

/* Offset of the first NUL in buf[0..n), or -1 if none. */
static long nul_at(const char *buf, size_t n) {
  const char *z = memchr(buf, '\0', n);
  return z ? (long)(z - buf) : -1;
}

static size_t count_lines(const char *buf, size_t n) {
  size_t l = 1, i;
  for (i = 0; i < n; i++) l += buf[i] == '\n';
  return l;
}

/* Lone CR (not followed by LF) -> LF, so classic-Mac files read line by line. */
static void fix_lone_cr(char *buf, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if (buf[i] == '\r' && (i + 1 >= n || buf[i + 1] != '\n')) buf[i] = '\n';
}

static int read_fd(const char *path, int fd, int text, char **data, size_t *len, mx_error *err) {
  size_t limit = mx_file_limit(MX_TEXT_LIMIT_ENV, MX_TEXT_LIMIT_DEFAULT);
  char *buf = NULL, lim[32];
  size_t cap = 0, n = 0;
  for (;;) {
    ssize_t got;
    if (cap - n < 4096 + 1) {
      size_t ncap = cap ? cap * 2 : 65536;
      char *nb;
      if (ncap > limit + 2) ncap = limit + 2;
      if (ncap <= cap) {
        free(buf);
        return mx_error_set(err, MX_ETOOBIG,
                            "%s: larger than the %s limit for text input (set %s to raise it)",
                            path, mx_file_size_str(limit, lim, sizeof lim), MX_TEXT_LIMIT_ENV);
      }
      nb = realloc(buf, ncap);
      if (!nb) {
        free(buf);
        return mx_error_set(err, MX_ENOMEM, "%s: out of memory reading file", path);
      }
      buf = nb;
      cap = ncap;
    }
    got = read(fd, buf + n, cap - n - 1);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      int e = errno;
      free(buf);
      return mx_error_set(err, MX_EIO, "%s: read error: %s", path, strerror(e));
    }
    if (got == 0) break;
    if (text) {
      long z = nul_at(buf + n, (size_t)got);
      if (z >= 0) {
        size_t off = n + (size_t)z;
        size_t line = count_lines(buf, off);
        free(buf);
        return mx_error_set(err, MX_EPARSE,
                            "%s:%zu: contains a NUL byte at byte offset %zu (not a text file)",
                            path, line, off);
      }
    }
    n += (size_t)got;
    if (n > limit) {
      free(buf);
      return mx_error_set(err, MX_ETOOBIG,
                          "%s: larger than the %s limit for text input (set %s to raise it)",
                          path, mx_file_size_str(limit, lim, sizeof lim), MX_TEXT_LIMIT_ENV);
    }
  }
  buf[n] = '\0';
  if (text) {
    if (n >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
        (unsigned char)buf[2] == 0xBF) {
      memmove(buf, buf + 3, n - 3 + 1);
      n -= 3;
    }
    fix_lone_cr(buf, n);
  }
  *data = buf;
  if (len) *len = n;
  return MX_OK;
}

static int read_path(const char *path, int text, char **data, size_t *len, mx_error *err) {
  int fd, rc;
  *data = NULL;
  if (len) *len = 0;
  if (path && !strcmp(path, "-")) /* standard input, asked for by name: same limits */
    return read_fd("(standard input)", STDIN_FILENO, text, data, len, err);
  if ((rc = mx_file_open_regular(path, &fd, NULL, err)) != MX_OK) return rc;
  rc = read_fd(path, fd, text, data, len, err);
  close(fd);
  return rc;
}

int mx_file_read_all(const char *path, char **data, size_t *len, mx_error *err) {
  return read_path(path, 0, data, len, err);
}

int mx_file_read_text(const char *path, char **data, size_t *len, mx_error *err) {
  return read_path(path, 1, data, len, err);
}

/* ---- writing ------------------------------------------------------------- */

static int is_stdout_name(const char *path) {
  return !strcmp(path, "-") || !strcmp(path, "/dev/stdout");
}

/* dir part of p (up to and including the last '/') joined with rel, into out. */
static int join_link(const char *p, const char *rel, char *out, size_t cap) {
  const char *slash = strrchr(p, '/');
  size_t dl = rel[0] == '/' || !slash ? 0 : (size_t)(slash - p) + 1;
  if (dl + strlen(rel) + 1 > cap) return -1;
  memmove(out + dl, rel, strlen(rel) + 1);
  if (dl) memcpy(out, p, dl);
  return 0;
}

int mx_file_output_target(const char *path, char *out, size_t cap, mx_error *err) {
  char cur[TMP_HALF], link[TMP_HALF];
  int hops;
  if (!path || !*path) return mx_error_set(err, MX_EINVAL, "empty output path");
  if (is_stdout_name(path)) {
    out[0] = '\0';
    return MX_OK;
  }
  if (strlen(path) >= sizeof cur) return mx_error_set(err, MX_EINVAL, "%s: path too long", path);
  strcpy(cur, path);
  for (hops = 0;; hops++) {
    struct stat st;
    const char *kind;
    ssize_t k;
    if (lstat(cur, &st) != 0) {
      if (errno == ENOENT) break; /* a new file */
      return mx_error_set(err, MX_EIO, "%s: %s", path, strerror(errno));
    }
    if (!S_ISLNK(st.st_mode)) {
      if ((kind = mx_file_kind_name((unsigned)st.st_mode)) != NULL)
        return mx_error_set(err, MX_EIO, "%s: is %s, not a regular file; refusing to replace it",
                            path, kind);
      break;
    }
    if (hops >= MAX_LINKS)
      return mx_error_set(err, MX_EIO, "%s: is a symbolic link loop; nothing written", path);
    k = readlink(cur, link, sizeof link - 1);
    if (k < 0) return mx_error_set(err, MX_EIO, "%s: %s", path, strerror(errno));
    link[k] = '\0';
    if (join_link(cur, link, cur, sizeof cur) != 0)
      return mx_error_set(err, MX_EINVAL, "%s: link target path too long", path);
  }
  if (strlen(cur) >= cap) return mx_error_set(err, MX_EINVAL, "%s: path too long", path);
  strcpy(out, cur);
  return MX_OK;
}

/* The mode a plain open(target, O_CREAT, 0666) leaves: the existing file's
 * permission bits, or 0666 & ~umask for a new file. */
static mode_t target_mode(const char *target) {
  struct stat st;
  mode_t um;
  if (stat(target, &st) == 0) return st.st_mode & 07777;
  um = umask(0);
  umask(um);
  return 0666 & ~um;
}

int mx_file_begin_atomic(const char *path, char *tmp, FILE **fp, mx_error *err) {
  char *target = tmp + TMP_HALF;
  int fd, rc;
  *fp = NULL;
  tmp[0] = '\0';
  if ((rc = mx_file_output_target(path, target, MX_TMP_LEN - TMP_HALF, err)) != MX_OK) return rc;
  if (!*target) { /* standard output, written through */
    fd = dup(STDOUT_FILENO);
    *fp = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!*fp) {
      if (fd >= 0) close(fd);
      return mx_error_set(err, MX_EIO, "%s: cannot write to standard output", path);
    }
    return MX_OK;
  }
  if (strlen(target) + sizeof ".tmp.XXXXXX" > TMP_HALF)
    return mx_error_set(err, MX_EINVAL, "%s: path too long", path);
  memcpy(tmp, target, strlen(target));
  memcpy(tmp + strlen(target), ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
  fd = mkstemp(tmp);
  if (fd < 0) {
    tmp[0] = '\0';
    return mx_error_set(err, MX_EIO, "%s: cannot create temporary file: %s", path, strerror(errno));
  }
  *fp = fdopen(fd, "wb");
  if (!*fp) {
    int e = errno;
    close(fd);
    unlink(tmp);
    tmp[0] = '\0';
    return mx_error_set(err, MX_EIO, "%s: %s", path, strerror(e));
  }
  return MX_OK;
}

int mx_file_commit_atomic(const char *path, const char *tmp, FILE *fp, mx_error *err) {
  const char *target = tmp + TMP_HALF;
  int e = 0;
  if (fflush(fp) != 0 || ferror(fp)) e = errno ? errno : EIO;
  if (!tmp[0]) { /* standard output: nothing to rename */
    if (fclose(fp) != 0 && !e) e = errno ? errno : EIO;
    if (e) return mx_error_set(err, MX_EIO, "%s: write failed: %s", path, strerror(e));
    return MX_OK;
  }
  if (!e && fchmod(fileno(fp), target_mode(target)) != 0) e = errno;
  if (!e && fsync(fileno(fp)) != 0) e = errno;
  if (fclose(fp) != 0 && !e) e = errno ? errno : EIO;
  if (!e && rename(tmp, target) != 0) e = errno;
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
  char *tmp = malloc(MX_TMP_LEN);
  FILE *fp;
  int rc;
  if (!tmp) return mx_error_set(err, MX_ENOMEM, "%s: out of memory", path);
  rc = mx_file_begin_atomic(path, tmp, &fp, err);
  if (rc == MX_OK && n && fwrite(data, 1, n, fp) != n) {
    int e = errno;
    mx_file_abort_atomic(tmp, fp);
    rc = mx_error_set(err, MX_EIO, "%s: write failed (previous file left intact): %s", path,
                      strerror(e));
  } else if (rc == MX_OK) {
    rc = mx_file_commit_atomic(path, tmp, fp, err);
  }
  free(tmp);
  return rc;
}
