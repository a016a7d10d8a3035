#include "mixscope/error.h"

#include <stdarg.h>
#include <stdio.h>

const char *mx_strerror(int code) {
  switch (code) {
  case MX_OK: return "success";
#define MX_X_STR(name, val, msg) case MX_E##name: return msg;
  MX_ERRNO_MAP(MX_X_STR)
#undef MX_X_STR
  default: return "unknown error";
  }
}

int mx_error_set(mx_error *err, int code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}

void mx_error_clear(mx_error *err) {
  if (err) {
    err->code = MX_OK;
    err->msg[0] = '\0';
  }
}
