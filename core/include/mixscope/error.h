/* mixscope — status codes and readable errors.
 *
 * Every fallible core function returns 0 (MX_OK) or a negative MX_E* code.
 * Functions that read files or user data also take an `mx_error *` (may be
 * NULL) that receives a message naming the file, the line or field, and what
 * is wrong. core never prints and never exits. (libuv's UV_ERRNO_MAP.) */
#ifndef MIXSCOPE_ERROR_H
#define MIXSCOPE_ERROR_H

#define MX_ERRNO_MAP(X)                                                    \
  X(NOMEM,    -1,  "out of memory")                                        \
  X(IO,       -2,  "i/o error")                                            \
  X(NOENT,    -3,  "no such file or directory")                            \
  X(EMPTY,    -4,  "empty input")                                          \
  X(TRUNC,    -5,  "file truncated")                                       \
  X(MAGIC,    -6,  "bad magic number")                                     \
  X(TYPE,     -7,  "unsupported data type")                                \
  X(DIMS,     -8,  "bad dimensions")                                       \
  X(COUNT,    -9,  "counts do not match")                                  \
  X(GZIP,     -10, "corrupt gzip stream")                                  \
  X(PARSE,    -11, "parse error")                                          \
  X(RANGE,    -12, "value out of range")                                   \
  X(INVAL,    -13, "invalid argument")                                     \
  X(SIZE,     -14, "size mismatch")                                        \
  X(NOTPD,    -15, "matrix not positive definite")                         \
  X(COLLAPSE, -16, "mixture component collapsed")                          \
  X(NONFINITE,-17, "non-finite value")                                     \
  X(TOOBIG,   -18, "too large")

typedef enum {
  MX_OK = 0,
#define MX_X_ENUM(name, val, msg) MX_E##name = (val),
  MX_ERRNO_MAP(MX_X_ENUM)
#undef MX_X_ENUM
} mx_status;

#define MX_ERRMSG_LEN 512

/* A status code plus a human message, e.g.
 * "data/t10k.idx: header says 10000 images of 28x28 but file has 7840000 bytes of pixels". */
typedef struct mx_error {
  int code;                   /* MX_OK or MX_E* */
  char msg[MX_ERRMSG_LEN];    /* NUL-terminated, "" when code == MX_OK */
} mx_error;

/* Short static description of a status code ("bad magic number"). Never NULL. */
const char *mx_strerror(int code);

/* Fill *err (if non-NULL) with code and a printf-style message; returns code,
 * so loaders can write `return mx_error_set(err, MX_EMAGIC, "%s: ...", path);`. */
int mx_error_set(mx_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;

/* Reset *err (if non-NULL) to MX_OK with an empty message. */
void mx_error_clear(mx_error *err);

#endif
